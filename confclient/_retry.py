"""When to retry and how long to wait: pure decisions, no I/O (no aiohttp, no asyncio).

The transport's loop sends a request, then asks :func:`next_wait` what to do with the
outcome; everything that decision depends on is an argument, so it is tested without a
socket or a clock (stamina's "backoff is one pure function" and stripe's ``_should_retry``).

* :class:`RetryPolicy`: what the caller configures (attempts, backoff, caps, statuses);
* :class:`RetryRules`: what a provider documents and its adapter declares (its rate-limit
  headers, the statuses that mean "not processed, safe to send again");
* :func:`parse_retry_after`, :func:`rate_limit_of`: the headers, read defensively — a value
  that is not what the standard says is treated as absent, never raised.
"""

from __future__ import annotations

import email.utils
import math
import random
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, Protocol

import attrs

from .errors import ConfigurationError, ResponseTooLargeError, TransportError

__all__ = [
    "Answer",
    "RateLimit",
    "RetryPolicy",
    "RetryRules",
    "next_wait",
    "parse_delta_seconds",
    "parse_retry_after",
    "rate_limit_of",
]

# HTTP delta-seconds (RFC 9110: 1*DIGIT), fractions allowed (some servers send them). ASCII
# only: float() would also take "5_0", " ١٢ " or "1e3".
_DELTA_SECONDS: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)
_COUNT: Final = re.compile(r"[0-9]{1,18}", re.ASCII)
# The statuses whose Retry-After (or a provider's reset header) says how long to wait.
_WAIT_STATUSES: Final = frozenset({429, 503})


def _at_least(minimum: float, name: str, *, integer: bool = False) -> Any:
    def check(_inst: object, _attr: object, value: float) -> None:
        kinds: tuple[type, ...] = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not value >= minimum:
            what = "an integer" if integer else "a number"
            raise ConfigurationError(
                f"RetryPolicy.{name} must be {what} >= {minimum}, got {value!r}"
            )

    return check


@attrs.frozen
class RetryPolicy:
    """How failed requests are retried.

    ``max_attempts`` counts the first try (1 turns retries off). The wait before retry *n* is
    drawn uniformly from ``[0, min(backoff_max, backoff_base * 2**(n-1))]`` ("full jitter");
    a ``Retry-After`` header (or the provider's own rate-limit reset header on a 429)
    replaces it, capped at ``retry_after_max``.
    """

    max_attempts: int = attrs.field(default=4, validator=_at_least(1, "max_attempts", integer=True))
    backoff_base: float = attrs.field(default=0.2, validator=_at_least(0, "backoff_base"))
    backoff_max: float = attrs.field(default=5.0, validator=_at_least(0, "backoff_max"))
    retry_after_max: float = attrs.field(default=30.0, validator=_at_least(0, "retry_after_max"))
    statuses: frozenset[int] = attrs.field(
        default=frozenset({408, 429, 500, 502, 503, 504}), converter=frozenset
    )

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """Never retry."""
        return cls(max_attempts=1)

    def backoff(self, retry_number: int, rng: random.Random | None = None) -> float:
        """The full-jitter wait before retry number ``retry_number`` (1-based)."""
        # The exponent is capped: past 2**30 the ceiling is backoff_max anyway.
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** min(retry_number - 1, 30)))
        return (rng or random).uniform(0.0, ceiling)


def _header_name(value: str | None) -> str | None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ConfigurationError(f"a header name must be a non-empty string, got {value!r}")
    return value


def _statuses(value: Iterable[int]) -> frozenset[int]:
    return frozenset(value)


@attrs.frozen
class RetryRules:
    """What a provider documents about its limits, declared once by its adapter.

    ``reset_header``: a response header giving the seconds until the rate limit resets; a
    429 without ``Retry-After`` waits that long (capped like ``Retry-After``).
    ``limit_header`` / ``remaining_header``: the window's limit and the requests left in
    it, carried by :class:`confclient.RateLimitError`.
    ``unprocessed_statuses``: statuses the provider documents as "the request was not
    processed", so it is safe to send again even when it is not idempotent (a POST).

    >>> RetryRules(reset_header="x-ratelimit-reset")  # doctest: +SKIP
    """

    reset_header: str | None = attrs.field(default=None, converter=_header_name)
    limit_header: str | None = attrs.field(default=None, converter=_header_name)
    remaining_header: str | None = attrs.field(default=None, converter=_header_name)
    unprocessed_statuses: frozenset[int] = attrs.field(default=frozenset(), converter=_statuses)


NO_RULES: Final = RetryRules()


@attrs.frozen
class RateLimit:
    """What a response's headers say about the rate limit (each ``None`` when not said)."""

    retry_after: float | None = None
    limit: int | None = None
    remaining: int | None = None


class Answer(Protocol):
    """The parts of a response a retry decision reads (the transport's ``Response``)."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def garbled(self) -> bool:
        """A success status whose body did not decode: it broke off on the way."""
        ...


def parse_delta_seconds(value: object) -> float | None:
    """A non-negative number of seconds (``"5"``, ``"0.25"``); ``None`` for anything else."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not _DELTA_SECONDS.fullmatch(value):
        return None
    seconds = float(value)
    return seconds if math.isfinite(seconds) else None


def parse_retry_after(value: object, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date);
    ``None`` when absent or invalid (a date out of range included). A date in the past
    means "now" (0).
    """
    if not isinstance(value, str) or not value.strip():
        return None
    seconds = parse_delta_seconds(value)
    if seconds is not None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        wait = (when - (now or datetime.now(UTC))).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        # OverflowError: a year such as 99999999999999999999 does not fit a C long.
        return None
    return max(0.0, wait)


def _count(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return int(value) if _COUNT.fullmatch(value) else None


def _header(headers: Mapping[str, Any], name: str | None) -> object:
    if name is None:
        return None
    return headers.get(name) or headers.get(name.lower())


def rate_limit_of(
    headers: Mapping[str, Any], rules: RetryRules = NO_RULES, *, now: datetime | None = None
) -> RateLimit:
    """The wait, limit and remaining requests a response's headers state: ``Retry-After``
    first, else the provider's reset header.
    """
    retry_after = parse_retry_after(_header(headers, "Retry-After"), now=now)
    if retry_after is None:
        retry_after = parse_delta_seconds(_header(headers, rules.reset_header))
    return RateLimit(
        retry_after=retry_after,
        limit=_count(_header(headers, rules.limit_header)),
        remaining=_count(_header(headers, rules.remaining_header)),
    )


def next_wait(
    attempt: int,
    outcome: Answer | BaseException,
    policy: RetryPolicy,
    *,
    idempotent: bool,
    rules: RetryRules = NO_RULES,
    time_left: float | None = None,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> float | None:
    """The seconds to wait before sending the request again, or ``None``: do not retry.

    ``attempt``: attempts made so far (1 after the first); ``outcome``: the response, or
    the exception the attempt raised; ``idempotent``: the request may be sent twice
    (a GET, or a POST the adapter made safe); ``time_left``: seconds until the call's
    deadline (``None``: no deadline). What is retried: a :class:`TransportError` other
    than a refused oversized body, a status in ``policy.statuses``, a success status
    whose body broke off. A request that is not idempotent is retried only for a status
    in ``rules.unprocessed_statuses``: anything else may have been acted upon.
    """
    if attempt >= policy.max_attempts:
        return None
    if isinstance(outcome, BaseException):
        if not isinstance(outcome, TransportError) or isinstance(outcome, ResponseTooLargeError):
            return None
        if not idempotent:
            return None
        wait = policy.backoff(attempt, rng)
    else:
        status = outcome.status
        if status not in policy.statuses and not (200 <= status < 300 and outcome.garbled):
            return None
        if not idempotent and status not in rules.unprocessed_statuses:
            return None
        asked = None
        if status in _WAIT_STATUSES:
            asked = (
                rate_limit_of(outcome.headers, rules, now=now).retry_after
                if status == 429
                else parse_retry_after(_header(outcome.headers, "Retry-After"), now=now)
            )
        wait = policy.backoff(attempt, rng) if asked is None else min(asked, policy.retry_after_max)
    if time_left is not None and wait >= time_left:
        return None
    return wait
