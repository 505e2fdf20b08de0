"""The transport's settings, without I/O: Retry-After parsing, backoff, RetryPolicy,
Timeout, the Transport's argument checks and defaults, Response.request_id."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from yarl import URL

from confclient import ConfigurationError, RetryPolicy, Timeout
from confclient.decoding import REQUEST_ID_HEADERS, request_id_of
from confclient.transport import NO_BODY, Response, parse_retry_after

from ._transport_support import transport

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("5", 5.0),
        (" 5 ", 5.0),
        ("0", 0.0),
        ("0.25", 0.25),
        ("1.5", 1.5),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
        ("Thu, 01 Jan 2026 12:01:00 GMT", 60.0),
        (format_datetime(NOW - timedelta(seconds=30), usegmt=True), 0.0),
        ("-5", None),  # negative delta-seconds is invalid: ignored
        ("garbage", None),
        ("", None),
        (None, None),
        ("nan", None),
        ("inf", None),
        ("-inf", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected


def test_parse_retry_after_is_never_negative_for_dates_in_the_past() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


@given(
    base=st.floats(min_value=0, max_value=100, allow_nan=False),
    cap=st.floats(min_value=0, max_value=100, allow_nan=False),
    retry=st.integers(min_value=1, max_value=64),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_backoff_is_full_jitter_within_bounds(
    base: float, cap: float, retry: int, seed: int
) -> None:
    policy = RetryPolicy(backoff_base=base, backoff_max=cap)
    wait = policy.backoff(retry, random.Random(seed))
    assert 0.0 <= wait <= min(cap, base * 2 ** (retry - 1))


def test_backoff_grows_then_caps() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_max=3.0)
    rng = random.Random(0)
    second = [policy.backoff(2, rng) for _ in range(500)]
    assert 1.0 < max(second) <= 2.0
    tenth = [policy.backoff(10, rng) for _ in range(500)]
    assert 2.0 < max(tenth) <= 3.0
    assert min(tenth) < 1.0  # full jitter: from zero, not from half the ceiling
    assert RetryPolicy(backoff_base=0).backoff(3) == 0.0


def test_retry_policy_defaults_and_disabled() -> None:
    policy = RetryPolicy()
    assert policy.max_attempts == 4
    assert policy.statuses == frozenset({408, 429, 500, 502, 503, 504})
    assert RetryPolicy.disabled().max_attempts == 1
    assert RetryPolicy(statuses=[500]).statuses == frozenset({500})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_attempts": 0},
        {"max_attempts": -1},
        {"max_attempts": True},
        {"backoff_base": -0.1},
        {"backoff_max": -1},
        {"retry_after_max": -1},
        {"backoff_base": float("nan")},
    ],
)
def test_retry_policy_rejects(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match=next(iter(kwargs))):
        RetryPolicy(**kwargs)


def test_timeout_coerce() -> None:
    assert Timeout.coerce(None) == Timeout()
    custom = Timeout(total=1, connect=2, read=3, deadline=4)
    assert Timeout.coerce(custom) is custom
    assert Timeout.coerce(5) == Timeout(total=5.0)
    assert Timeout.coerce(0.5).total == 0.5
    assert Timeout.coerce(0.5).connect == Timeout().connect


@pytest.mark.parametrize("value", [True, "5", [5], 0, -1])
def test_timeout_coerce_rejects(value: Any) -> None:
    with pytest.raises(ConfigurationError):
        Timeout.coerce(value)


@pytest.mark.parametrize("field", ["total", "connect", "read", "deadline"])
@pytest.mark.parametrize("value", [0, -1, float("nan")])
def test_timeout_rejects_non_positive(field: str, value: float) -> None:
    with pytest.raises(ConfigurationError, match=field):
        Timeout(**{field: value})


def test_timeout_none_turns_a_limit_off_and_is_frozen() -> None:
    t = Timeout(total=None, connect=None, read=None, deadline=None)
    assert t.total is None
    with pytest.raises(AttributeError):
        t.total = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"session": object()},
        {"retry": {"max_attempts": 2}},
        {"max_connections": 0},
        {"max_connections": True},
        {"max_connections": 2.5},
        {"max_body_bytes": 1023},
        {"max_body_bytes": True},
        {"base_url": "ftp://api.example.com"},
    ],
)
def test_transport_rejects_bad_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        transport(**kwargs)


def test_transport_rejects_bad_timeout() -> None:
    with pytest.raises(ConfigurationError):
        transport(timeout="soon")


def test_transport_defaults() -> None:
    t = transport(timeout=3)
    assert t.timeout == Timeout(total=3.0)
    assert t.retry == RetryPolicy()
    assert t.session is None
    assert not t.closed


def test_response_request_id() -> None:
    def response(headers: dict[str, str]) -> Response:
        return Response("GET", URL("https://a.example/"), 200, headers, NO_BODY)

    assert response({"X-Request-Id": "r1"}).request_id == "r1"
    assert response({"Twilio-Request-Id": "RQ1"}).request_id == "RQ1"
    assert response({}).request_id is None
    # One list of header names serves the transport and the error decoding alike.
    for name in REQUEST_ID_HEADERS:
        headers = {name: f"id-{name}"}
        assert response(headers).request_id == request_id_of(headers) == f"id-{name}"
    assert not NO_BODY
    assert repr(NO_BODY) == "NO_BODY"
