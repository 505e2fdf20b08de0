"""The options of a provider's HTTP plumbing, checked in one place.

Every provider takes the same transport options (``base_url``, ``session``, ``timeout``,
``retry``, ``max_connections``, ``max_body_bytes``, ``trace_configs``,
``allow_insecure_http``) and ``default_region``: :class:`ServiceOptions` types them for an
adapter's ``**options``, so its constructor lists only its credentials and its own options;
:class:`TransportOptions` holds them checked (a :class:`ConfigurationError` for any mistake).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, TypedDict

import aiohttp
import attrs
from yarl import URL

from ._retry import RetryPolicy
from ._secrets import unprintable_in
from .errors import ConfigurationError

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_CONNECTIONS",
    "ServiceOptions",
    "Timeout",
    "TransportOptions",
    "TransportSettings",
    "describe_timeout",
]

DEFAULT_MAX_CONNECTIONS: Final = 32
DEFAULT_MAX_BODY_BYTES: Final = 8 * 1024 * 1024


def _positive_or_none(name: str) -> Any:
    def check(_inst: object, _attr: object, value: float | None) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ConfigurationError(f"Timeout.{name} must be a positive number of seconds or None")

    return check


@attrs.frozen
class Timeout:
    """Time limits, in seconds. ``None`` turns a limit off.

    ``connect``: to get a connection; ``read``: between two reads of the body;
    ``total``: one attempt, start to end; ``deadline``: the whole call, every retry and
    backoff included (``None``: bounded only by ``total`` x attempts plus backoff).

    >>> Timeout(total=10, deadline=30)  # doctest: +SKIP
    """

    total: float | None = attrs.field(default=30.0, validator=_positive_or_none("total"))
    connect: float | None = attrs.field(default=10.0, validator=_positive_or_none("connect"))
    read: float | None = attrs.field(default=30.0, validator=_positive_or_none("read"))
    deadline: float | None = attrs.field(default=None, validator=_positive_or_none("deadline"))

    @classmethod
    def coerce(cls, value: Timeout | float | None) -> Timeout:
        """``None`` gives the defaults; a number is the per-attempt ``total``."""
        if value is None:
            return cls()
        if isinstance(value, Timeout):
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigurationError(
                f"timeout must be a confclient.Timeout or a number of seconds, got {value!r}"
            )
        return cls(total=float(value))


class TransportSettings(TypedDict, total=False):
    """The transport options every provider takes, by keyword (see README, "Connecting")."""

    session: aiohttp.ClientSession | None
    timeout: Timeout | float | None
    retry: RetryPolicy | None
    max_connections: int
    max_body_bytes: int
    trace_configs: Sequence[aiohttp.TraceConfig] | None
    allow_insecure_http: bool
    user_agent: str | None
    pause_gc: bool


class ServiceOptions(TransportSettings, total=False):
    """What every provider's service takes besides its credentials and its own options:
    ``**options: Unpack[ServiceOptions]`` in an adapter's constructor."""

    base_url: str | URL | None
    default_region: str | None


def _session(_inst: TransportOptions, _attr: object, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, aiohttp.ClientSession):
        raise ConfigurationError(
            f"session must be an aiohttp.ClientSession, got {type(value).__name__}"
        )
    if value.auth is not None:
        # aiohttp would add it to every request and then refuse our Authorization header.
        raise ConfigurationError(
            f"the aiohttp session given to {_inst.provider} has auth= set; {_inst.provider} "
            "sends its own credentials: pass a session without auth"
        )


def _retry(_inst: object, _attr: object, value: Any) -> None:
    if value is not None and not isinstance(value, RetryPolicy):
        raise ConfigurationError(f"retry must be a confclient.RetryPolicy, got {value!r}")


def _at_least(minimum: int) -> Any:
    def check(_inst: object, attr: attrs.Attribute[int], value: object) -> None:
        if isinstance(value, bool) or not (isinstance(value, int) and value >= minimum):
            raise ConfigurationError(f"{attr.name} must be an integer >= {minimum}, got {value!r}")

    return check


def _user_agent(_inst: object, _attr: object, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or unprintable_in(value) is not None):
        raise ConfigurationError("user_agent must be printable text without line breaks")


def _bool(_inst: object, attr: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise ConfigurationError(f"{attr.name} must be true or false, got {value!r}")


@attrs.frozen
class TransportOptions:
    """The transport options of one service, checked (``provider`` names it in messages)."""

    base_url: URL
    provider: str = "the provider"
    session: aiohttp.ClientSession | None = attrs.field(default=None, validator=_session)
    timeout: Timeout = attrs.field(factory=Timeout)
    retry: RetryPolicy | None = attrs.field(default=None, validator=_retry)
    max_connections: int = attrs.field(default=DEFAULT_MAX_CONNECTIONS, validator=_at_least(1))
    max_body_bytes: int = attrs.field(default=DEFAULT_MAX_BODY_BYTES, validator=_at_least(1024))
    trace_configs: Sequence[aiohttp.TraceConfig] | None = None
    allow_insecure_http: bool = attrs.field(default=False, validator=_bool)
    user_agent: str | None = attrs.field(default=None, validator=_user_agent)
    pause_gc: bool = attrs.field(default=True, validator=_bool)
    """Pause the cyclic garbage collector while a page is parsed and decoded
    (:mod:`confclient._gc` says why and how it is safe)."""


def describe_timeout(timeout: Timeout) -> str:
    parts = [f"{name}={value}s" for name, value in attrs.asdict(timeout).items() if value]
    return ", ".join(parts) or "no limits"
