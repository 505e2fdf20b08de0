"""The retry decision, without I/O: ``next_wait`` is a pure function of the attempt, its
outcome, the caller's policy and the provider's rules (and a seeded random source), so each
rule is checked here exactly, with no server and no clock.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from yarl import URL

from confclient import (
    ConfigurationError,
    ResponseTooLargeError,
    RetryPolicy,
    TransportError,
    TransportTimeoutError,
)
from confclient._retry import (
    RateLimit,
    RetryRules,
    next_wait,
    parse_delta_seconds,
    parse_retry_after,
    rate_limit_of,
)
from confclient.transport import NO_BODY, Response

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=4, backoff_base=1.0, backoff_max=8.0, retry_after_max=30.0)
TELNYX_LIKE = RetryRules(
    reset_header="x-ratelimit-reset",
    limit_header="x-ratelimit-limit",
    remaining_header="x-ratelimit-remaining",
)
TWILIO_LIKE = RetryRules(unprocessed_statuses={429})


def answer(status: int, headers: dict[str, str] | None = None, **kw: Any) -> Response:
    data = kw.pop("data", {"data": []})
    return Response("GET", URL("https://api.example.com/v2/x"), status, headers or {}, data, **kw)


def decide(outcome: Any, *, attempt: int = 1, idempotent: bool = True, **kw: Any) -> float | None:
    kw.setdefault("policy", POLICY)
    policy = kw.pop("policy")
    return next_wait(
        attempt, outcome, policy, idempotent=idempotent, rng=random.Random(7), now=NOW, **kw
    )


def backoff(attempt: int, policy: RetryPolicy = POLICY) -> float:
    """What the same seeded source draws for the policy's backoff."""
    return policy.backoff(attempt, random.Random(7))


# -- what is retried ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_a_retryable_status_waits_the_backoff(status: int) -> None:
    assert decide(answer(status), attempt=2) == backoff(2)


@pytest.mark.parametrize("status", [200, 201, 204, 301, 400, 401, 403, 404, 409, 422, 501])
def test_other_statuses_are_final(status: int) -> None:
    assert decide(answer(status)) is None


def test_a_success_whose_body_broke_off_is_retried_and_an_empty_one_is_not() -> None:
    garbled = answer(200, data=NO_BODY, text='{"data": [{"id"')
    assert garbled.garbled
    assert decide(garbled) == backoff(1)
    assert decide(answer(204, data=NO_BODY)) is None
    assert decide(answer(500, data=NO_BODY, text="<html>")) == backoff(1)


def test_transport_errors_are_retried_but_not_an_oversized_body_nor_other_exceptions() -> None:
    assert decide(TransportError("reset")) == backoff(1)
    assert decide(TransportTimeoutError("slow"), attempt=3) == backoff(3)
    assert decide(ResponseTooLargeError("big")) is None
    assert decide(ValueError("not ours")) is None


def test_the_budget_counts_the_first_attempt() -> None:
    policy = RetryPolicy(max_attempts=3, backoff_base=0.5)
    assert decide(answer(503), attempt=2, policy=policy) is not None
    assert decide(answer(503), attempt=3, policy=policy) is None
    assert decide(TransportError("x"), attempt=3, policy=policy) is None
    assert decide(answer(503), policy=RetryPolicy.disabled()) is None


def test_statuses_are_the_policys() -> None:
    only_503 = RetryPolicy(statuses={503})
    assert decide(answer(500), policy=only_503) is None
    assert decide(answer(503), policy=only_503) is not None


# -- requests that are not idempotent -------------------------------------------------------


@pytest.mark.parametrize("outcome", [answer(500), answer(503), TransportError("reset")])
def test_a_request_that_is_not_idempotent_is_never_retried_after_it_may_have_run(
    outcome: Any,
) -> None:
    assert decide(outcome, idempotent=False) is None
    assert decide(outcome, idempotent=False, rules=TWILIO_LIKE) is None


def test_a_status_the_provider_documents_as_not_processed_is_retried_even_for_a_post() -> None:
    assert decide(answer(429), idempotent=False) is None
    assert decide(answer(429), idempotent=False, rules=TWILIO_LIKE) == backoff(1)
    # Still within the caller's policy: a 429 it does not retry is not retried.
    no_429 = RetryPolicy(statuses={500, 503})
    assert decide(answer(429), idempotent=False, rules=TWILIO_LIKE, policy=no_429) is None


# -- how long ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_replaces_the_backoff_and_is_capped(status: int) -> None:
    assert decide(answer(status, {"Retry-After": "2.5"})) == 2.5
    assert decide(answer(status, {"Retry-After": "0"})) == 0.0
    assert decide(answer(status, {"Retry-After": "3600"})) == POLICY.retry_after_max
    later = format_datetime(NOW + timedelta(seconds=12), usegmt=True)
    assert decide(answer(status, {"Retry-After": later})) == 12.0


def test_retry_after_on_other_statuses_is_ignored() -> None:
    assert decide(answer(500, {"Retry-After": "2"})) == backoff(1)


def test_a_429_without_retry_after_waits_the_providers_reset_header() -> None:
    headers = {"x-ratelimit-reset": "7", "x-ratelimit-remaining": "0"}
    assert decide(answer(429, headers), rules=TELNYX_LIKE) == 7.0
    assert decide(answer(429, {"x-ratelimit-reset": "900"}), rules=TELNYX_LIKE) == 30.0
    # Without the provider's rules the header means nothing (its meaning varies by API).
    assert decide(answer(429, headers)) == backoff(1)
    # Retry-After, when there, wins; a 503 does not read the rate-limit header.
    both = {"Retry-After": "1", "x-ratelimit-reset": "7"}
    assert decide(answer(429, both), rules=TELNYX_LIKE) == 1.0
    assert decide(answer(503, {"x-ratelimit-reset": "7"}), rules=TELNYX_LIKE) == backoff(1)


@pytest.mark.parametrize(
    "value", ["", "soon", "-1", "nan", "inf", "1e3", "5_0", "0x10", "١٢", "7 7"]
)
def test_an_invalid_reset_header_is_no_header(value: str) -> None:
    assert decide(answer(429, {"x-ratelimit-reset": value}), rules=TELNYX_LIKE) == backoff(1)


def test_no_wait_reaches_past_the_deadline() -> None:
    asked = answer(503, {"Retry-After": "5"})
    assert decide(asked, time_left=5.01) == 5.0
    assert decide(asked, time_left=5.0) is None
    assert decide(asked, time_left=0.0) is None
    assert decide(TransportError("x"), time_left=10.0) == backoff(1)


HEADER_VALUES = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[0-9]{1,30}(\.[0-9]{1,5})?", fullmatch=True),
    st.sampled_from(
        ["Wed, 21 Oct 99999999999999999999 07:28:00 GMT", "Mon, 01 Jan 0000 00:00:00 GMT"]
    ),
)


@given(
    status=st.sampled_from([200, 404, 429, 500, 503]),
    retry_after=HEADER_VALUES,
    reset=HEADER_VALUES,
    attempt=st.integers(min_value=1, max_value=6),
    idempotent=st.booleans(),
)
def test_whatever_the_headers_say_the_wait_is_none_or_within_the_caps(
    status: int, retry_after: str, reset: str, attempt: int, idempotent: bool
) -> None:
    outcome = answer(status, {"Retry-After": retry_after, "x-ratelimit-reset": reset})
    wait = decide(outcome, attempt=attempt, idempotent=idempotent, rules=TELNYX_LIKE)
    assert wait is None or 0.0 <= wait <= max(POLICY.retry_after_max, POLICY.backoff_max)


# -- the headers, read defensively ------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "Wed, 21 Oct 99999999999999999999 07:28:00 GMT",  # OverflowError in the stdlib
        "Wed, 21 Oct 2015 07:28:00 +9999",
        "Wed, 32 Oct 2015 07:28:00 GMT",
        "\x00",
    ],
)
def test_a_retry_after_date_out_of_range_is_no_header(value: str) -> None:
    assert parse_retry_after(value, now=NOW) is None


@given(st.text())
def test_parse_retry_after_never_raises(value: str) -> None:
    seconds = parse_retry_after(value, now=NOW)
    assert seconds is None or seconds >= 0.0


def test_parse_delta_seconds() -> None:
    assert parse_delta_seconds(" 12 ") == 12.0
    assert parse_delta_seconds("0.5") == 0.5
    assert parse_delta_seconds(None) is None
    assert parse_delta_seconds(12) is None
    assert parse_delta_seconds("1" * 400) is None  # too large to be finite


def test_rate_limit_of_reads_what_the_rules_name() -> None:
    headers = {"x-ratelimit-limit": "100", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "9"}
    assert rate_limit_of(headers, TELNYX_LIKE) == RateLimit(retry_after=9.0, limit=100, remaining=0)
    assert rate_limit_of(headers) == RateLimit()
    junk = {"x-ratelimit-limit": "-1", "x-ratelimit-remaining": "9" * 40}
    assert rate_limit_of(junk, TELNYX_LIKE) == RateLimit()
    assert rate_limit_of({"Retry-After": "3", **headers}, TELNYX_LIKE).retry_after == 3.0


def test_retry_rules_refuse_empty_header_names() -> None:
    with pytest.raises(ConfigurationError):
        RetryRules(reset_header="")
    assert RetryRules(unprocessed_statuses=[429]).unprocessed_statuses == frozenset({429})
