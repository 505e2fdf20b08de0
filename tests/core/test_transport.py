"""The core transport: pure helpers, then real HTTP against small loopback servers.

The servers are real ``aiohttp.web`` applications (or, for a broken-off body, a raw asyncio
server) on 127.0.0.1: what is asserted is what went over the wire, counted at the server.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import random
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import unquote

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st
from yarl import URL

from confclient import (
    ConfClientError,
    ConfigurationError,
    ResponseTooLargeError,
    RetryPolicy,
    Timeout,
    TransportError,
    TransportTimeoutError,
    UnsafeRedirectError,
)
from confclient.decoding import REQUEST_ID_HEADERS, request_id_of
from confclient.transport import (
    NO_BODY,
    Response,
    Transport,
    encode_segment,
    parse_retry_after,
    validate_base_url,
)

SECRET = "sk-live-SECRET-0123456789abcdef"
AUTH = f"Bearer {SECRET}"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# -- pure helpers ---------------------------------------------------------------------------


@given(st.text())
def test_encode_segment_is_one_reversible_segment(value: str) -> None:
    encoded = encode_segment(value)
    assert "/" not in encoded
    assert "?" not in encoded
    assert "#" not in encoded
    assert encoded not in (".", "..")
    assert unquote(encoded) == value


@given(st.integers(min_value=1, max_value=8))
def test_encode_segment_escapes_dot_only_segments(n: int) -> None:
    assert encode_segment("." * n) == "%2E" * n


def test_encode_segment_examples() -> None:
    assert encode_segment("abc-123_~.x") == "abc-123_~.x"
    assert encode_segment("../balance") == "..%2Fbalance"
    assert encode_segment("a b?c#d%e") == "a%20b%3Fc%23d%25e"
    assert encode_segment("v3:abc") == "v3%3Aabc"


def transport(base_url: str = "https://api.example.com/v2", **kw: Any) -> Transport:
    # No request is made with these: no session is ever opened, nothing to close.
    kw.setdefault("headers", {"Authorization": AUTH})
    return Transport(provider="acme", base_url=base_url, **kw)


def test_url_keeps_a_path_parameter_in_one_segment() -> None:
    t = transport()
    url = t.url("conferences", "../balance")
    assert url.raw_path == "/v2/conferences/..%2Fbalance"
    assert url.host == "api.example.com"
    assert t.url("conferences", "..").raw_path == "/v2/conferences/%2E%2E"
    assert t.url("conferences", "a?b=1#c").raw_path == "/v2/conferences/a%3Fb%3D1%23c"
    assert t.url("conferences", "a?b").query_string == ""


def test_url_with_params_and_trailing_slash_base() -> None:
    t = transport("https://api.example.com/v2/")
    url = t.url("conferences", params=[("page[size]", "2"), ("filter[name]", "A & B")])
    assert url.path == "/v2/conferences"
    assert url.query.getall("page[size]") == ["2"]
    assert url.query["filter[name]"] == "A & B"


def test_pin_accepts_relative_and_same_origin() -> None:
    t = transport()
    assert t.pin("/v2/conferences?page=2") == URL("https://api.example.com/v2/conferences?page=2")
    assert t.pin("conferences").host == "api.example.com"
    assert t.pin("https://api.example.com/v2/x") == URL("https://api.example.com/v2/x")
    # The default port, spelt out, is the same origin; host names are case-insensitive.
    assert t.pin("https://API.example.com:443/v2/x").path == "/v2/x"
    assert t.pin(URL("https://api.example.com/other")).path == "/other"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/v2/conferences",
        "https://api.example.com.evil.example/v2",
        "https://api.example.com:8443/v2/conferences",
        "http://api.example.com/v2/conferences",
        "//evil.example.com/v2/conferences",
        "ftp://api.example.com/v2",
    ],
)
def test_pin_refuses_another_origin(target: str) -> None:
    with pytest.raises(UnsafeRedirectError) as info:
        transport().pin(target)
    assert info.value.url is not None
    assert SECRET not in str(info.value)


def test_pin_refusal_drops_the_query() -> None:
    with pytest.raises(UnsafeRedirectError) as info:
        transport().pin("https://evil.example.com/x?token=abc")
    assert "token=abc" not in str(info.value)
    assert info.value.url == "https://evil.example.com/x"


@pytest.mark.parametrize(
    "base_url",
    [
        "ftp://api.example.com/v2",
        "api.example.com/v2",
        "/v2",
        "https://",
        "https://user:pw@api.example.com/v2",
        "https://user@api.example.com/v2",
        "https://api.example.com/v2?x=1",
        "https://api.example.com/v2#frag",
        "http://api.example.com/v2",
        "http://10.0.0.1/v2",
        12,
    ],
)
def test_validate_base_url_rejects(base_url: Any) -> None:
    with pytest.raises(ConfigurationError):
        validate_base_url(base_url)


def test_validate_base_url_rejection_does_not_echo_password() -> None:
    with pytest.raises(ConfigurationError) as info:
        validate_base_url("https://user:hunter2@api.example.com/v2")
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.example.com/v2", "https://api.example.com/v2"),
        ("https://api.example.com/v2/", "https://api.example.com/v2"),
        ("https://api.example.com", "https://api.example.com/"),
        ("http://127.0.0.1:8765/v1", "http://127.0.0.1:8765/v1"),
        ("http://localhost:8765/v1", "http://localhost:8765/v1"),
        ("http://[::1]:8765/v1", "http://[::1]:8765/v1"),
        (URL("https://api.example.com/v2"), "https://api.example.com/v2"),
    ],
)
def test_validate_base_url_accepts(base_url: str | URL, expected: str) -> None:
    assert str(validate_base_url(base_url)) == expected


def test_plain_http_to_remote_host_needs_opt_in() -> None:
    with pytest.raises(ConfigurationError, match="allow_insecure_http"):
        validate_base_url("http://api.example.com/v2")
    url = validate_base_url("http://api.example.com/v2", allow_insecure_http=True)
    assert url.scheme == "http"
    t = transport("http://api.example.com/v2", allow_insecure_http=True)
    assert t.base_url.host == "api.example.com"


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


# -- real HTTP --------------------------------------------------------------------------------


class Server:
    """A loopback ``aiohttp.web`` server with one catch-all handler; counts what it receives."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[web.Request] = []
        self.times: list[float] = []
        self.bodies: list[bytes] = []
        self.base_url = URL()

    @property
    def count(self) -> int:
        return len(self.requests)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        self.times.append(time.monotonic())
        self.bodies.append(await request.read())
        return await self.handler(request)


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Awaitable[Server]]]:
    runners: list[web.AppRunner] = []

    async def start(handler: Handler, host: str = "127.0.0.1") -> Server:
        server = Server(handler)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", server._handle)
        runner = web.AppRunner(app, shutdown_timeout=0.1, access_log=None)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        server.base_url = URL(f"http://{host}:{port}/v2")
        return server

    yield start
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
def make_transport() -> Iterator[Callable[..., Transport]]:
    made: list[Transport] = []

    def make(base_url: URL | str, **kw: Any) -> Transport:
        kw.setdefault("headers", {"Authorization": AUTH})
        kw.setdefault("retry", RetryPolicy(max_attempts=3, backoff_base=0))
        t = Transport(provider="acme", base_url=base_url, **kw)
        made.append(t)
        return t

    yield make
    for t in made:
        assert t.closed, "every transport a test opens must be closed by the test"


def json_response(data: Any = None, status: int = 200, **kw: Any) -> web.Response:
    return web.json_response({"data": [] if data is None else data}, status=status, **kw)


def sequence(*responses: Callable[[], web.StreamResponse]) -> Handler:
    """A handler answering with each response in turn, then repeating the last."""
    calls = 0

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal calls
        calls += 1
        return responses[min(calls, len(responses)) - 1]()

    return handler


def redirect_to(location: URL | str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(str(location))

    return handler


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chain(exc: BaseException | None) -> Iterator[BaseException]:
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


async def test_get_success_sends_headers_and_decodes_json(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(
        sequence(lambda: json_response([{"id": "a"}], headers={"X-Request-Id": "rq"}))
    )
    t = make_transport(server.base_url)
    try:
        response = await t.request("GET", t.url("conferences", params=[("page", "2")]))
    finally:
        await t.aclose()
    assert response.status == 200
    assert response.data == {"data": [{"id": "a"}]}
    assert response.attempts == 1
    assert response.request_id == "rq"
    assert response.method == "GET"
    assert response.elapsed >= 0
    request = server.requests[0]
    assert request.method == "GET"
    assert request.raw_path == "/v2/conferences?page=2"
    assert request.headers["Authorization"] == AUTH
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("confclient/")
    assert t.requests_sent == 1


async def test_path_parameter_reaches_server_as_one_segment(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    seen: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        seen.append(request.match_info["tail"])
        return json_response()

    server = await serve(handler)
    t = make_transport(server.base_url)
    try:
        await t.request("GET", t.url("conferences", "../balance"))
        await t.request("GET", t.url("conferences", ".."))
    finally:
        await t.aclose()
    assert [r.raw_path for r in server.requests] == [
        "/v2/conferences/..%2Fbalance",
        "/v2/conferences/%2E%2E",
    ]


async def test_post_sends_json_body(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response({"id": "new"}, status=201)))
    t = make_transport(server.base_url)
    try:
        response = await t.request("post", t.url("conferences"), json={"name": "All hands"})
    finally:
        await t.aclose()
    assert response.status == 201
    assert response.method == "POST"
    assert server.requests[0].method == "POST"
    assert server.requests[0].headers["Content-Type"] == "application/json"
    assert server.bodies == [b'{"name":"All hands"}']


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_retryable_status_is_retried_then_succeeds(
    status: int,
    serve: Callable[..., Awaitable[Server]],
    make_transport: Callable[..., Transport],
) -> None:
    server = await serve(
        sequence(
            lambda: json_response(status=status),
            lambda: json_response(status=status),
            lambda: json_response([{"id": "ok"}]),
        )
    )
    t = make_transport(server.base_url, retry=RetryPolicy(max_attempts=4, backoff_base=0))
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert response.status == 200
    assert response.data == {"data": [{"id": "ok"}]}
    assert response.attempts == 3
    assert server.count == 3
    assert t.requests_sent == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501])
async def test_other_error_status_is_returned_at_once(
    status: int,
    serve: Callable[..., Awaitable[Server]],
    make_transport: Callable[..., Transport],
) -> None:
    server = await serve(sequence(lambda: json_response(status=status)))
    t = make_transport(server.base_url)
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert response.status == status
    assert response.attempts == 1
    assert server.count == 1


async def test_final_error_response_returned_after_max_attempts(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response({"err": 1}, status=500)))
    t = make_transport(server.base_url, retry=RetryPolicy(max_attempts=3, backoff_base=0))
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert response.status == 500
    assert response.data == {"data": {"err": 1}}
    assert response.attempts == 3
    assert server.count == 3


async def test_retry_disabled(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response(status=503)))
    t = make_transport(server.base_url, retry=RetryPolicy.disabled())
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert (response.status, response.attempts, server.count) == (503, 1, 1)


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_is_honoured(
    status: int,
    serve: Callable[..., Awaitable[Server]],
    make_transport: Callable[..., Transport],
) -> None:
    server = await serve(
        sequence(
            lambda: json_response(status=status, headers={"Retry-After": "0.15"}),
            lambda: json_response(),
        )
    )
    # backoff_base=0: without Retry-After the retry would be immediate.
    t = make_transport(server.base_url, retry=RetryPolicy(max_attempts=2, backoff_base=0))
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert response.status == 200
    assert server.count == 2
    assert server.times[1] - server.times[0] >= 0.14


async def test_retry_after_is_capped(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(
        sequence(
            lambda: json_response(status=429, headers={"Retry-After": "30"}),
            lambda: json_response(),
        )
    )
    policy = RetryPolicy(max_attempts=2, backoff_base=0, retry_after_max=0.1)
    t = make_transport(server.base_url, retry=policy)
    started = time.monotonic()
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert response.status == 200
    gap = server.times[1] - server.times[0]
    assert 0.09 <= gap < 2
    assert time.monotonic() - started < 2


async def test_retry_after_on_non_429_503_is_ignored(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(
        sequence(
            lambda: json_response(status=500, headers={"Retry-After": "30"}),
            lambda: json_response(),
        )
    )
    t = make_transport(server.base_url, retry=RetryPolicy(max_attempts=2, backoff_base=0))
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert response.status == 200
    assert server.times[1] - server.times[0] < 2


async def test_post_is_not_retried_unless_made_safe(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response(status=503)))
    t = make_transport(server.base_url, retry=RetryPolicy(max_attempts=3, backoff_base=0))
    try:
        unsafe = await t.request("POST", t.url("conferences"), json={"a": 1})
        assert (unsafe.status, unsafe.attempts, server.count) == (503, 1, 1)
        safe = await t.request("POST", t.url("conferences"), json={"a": 1}, retry_unsafe=True)
        assert (safe.status, safe.attempts, server.count) == (503, 3, 4)
    finally:
        await t.aclose()
    assert server.bodies == [b'{"a":1}'] * 4


async def test_post_connection_failure_is_not_retried(
    make_transport: Callable[..., Transport],
) -> None:
    t = make_transport(f"http://127.0.0.1:{free_port()}/v2")
    try:
        with pytest.raises(TransportError):
            await t.request("POST", t.url("conferences"), json={})
    finally:
        await t.aclose()
    assert t.requests_sent == 1


async def test_connection_refused_raises_transport_error_after_attempts(
    make_transport: Callable[..., Transport],
) -> None:
    t = make_transport(f"http://127.0.0.1:{free_port()}/v2")
    try:
        with pytest.raises(TransportError) as info:
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert not isinstance(info.value, TransportTimeoutError)
    assert t.requests_sent == 3
    assert "after 3 attempts" in str(info.value)
    assert "acme" in str(info.value)
    assert isinstance(info.value.__cause__, aiohttp.ClientError)


async def _stall(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(30)
    return json_response()


async def test_stalled_handler_times_out(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(_stall)
    t = make_transport(
        server.base_url,
        timeout=Timeout(total=0.2),
        retry=RetryPolicy(max_attempts=2, backoff_base=0),
    )
    started = time.monotonic()
    try:
        with pytest.raises(TransportTimeoutError) as info:
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    elapsed = time.monotonic() - started
    assert isinstance(info.value, TimeoutError)
    assert 0.35 <= elapsed < 2
    assert server.count == 2
    assert "after 2 attempts" in str(info.value)
    assert "timed out" in str(info.value)


async def test_deadline_bounds_the_whole_call(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(_stall)
    t = make_transport(
        server.base_url,
        timeout=Timeout(total=5, deadline=0.3),
        retry=RetryPolicy(max_attempts=5, backoff_base=0),
    )
    started = time.monotonic()
    try:
        with pytest.raises(TransportTimeoutError):
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert 0.25 <= time.monotonic() - started < 1.5
    assert server.count == 1


async def test_deadline_stops_retrying_and_returns_last_response(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(
        sequence(lambda: json_response(status=503, headers={"Retry-After": "0.2"}))
    )
    t = make_transport(
        server.base_url,
        timeout=Timeout(deadline=0.3),
        retry=RetryPolicy(max_attempts=10, backoff_base=0),
    )
    started = time.monotonic()
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert response.status == 503
    assert response.attempts == 2
    assert server.count == 2
    assert time.monotonic() - started < 1


BIG = b'{"data": "' + b"x" * 5000 + b'"}'


async def _big_with_length(request: web.Request) -> web.StreamResponse:
    return web.Response(body=BIG, content_type="application/json")


async def _big_chunked(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    for start in range(0, len(BIG), 500):
        await response.write(BIG[start : start + 500])
    await response.write_eof()
    return response


@pytest.mark.parametrize("handler", [_big_with_length, _big_chunked], ids=["length", "chunked"])
async def test_body_larger_than_cap_is_refused(
    handler: Handler,
    serve: Callable[..., Awaitable[Server]],
    make_transport: Callable[..., Transport],
) -> None:
    server = await serve(handler)
    t = make_transport(server.base_url, max_body_bytes=1024)
    try:
        with pytest.raises(ResponseTooLargeError, match="max_body_bytes=1024"):
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert server.count == 1  # not retried: it would be as large again


@pytest.mark.parametrize("handler", [_big_with_length, _big_chunked], ids=["length", "chunked"])
async def test_body_within_cap_is_read(
    handler: Handler,
    serve: Callable[..., Awaitable[Server]],
    make_transport: Callable[..., Transport],
) -> None:
    server = await serve(handler)
    t = make_transport(server.base_url, max_body_bytes=len(BIG))
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert response.data == {"data": "x" * 5000}


def _gzipped(payload: bytes) -> Handler:
    body = gzip.compress(payload)

    async def handler(request: web.Request) -> web.StreamResponse:
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        return web.Response(body=body, headers=headers)

    return handler


async def test_cap_counts_decompressed_bytes(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    # ~250 bytes on the wire (Content-Length), 200 kB once decompressed.
    server = await serve(_gzipped(b'{"data": "' + b"0" * 200_000 + b'"}'))
    t = make_transport(server.base_url, max_body_bytes=1024)
    try:
        with pytest.raises(ResponseTooLargeError):
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert server.count == 1


async def test_compressed_body_within_cap_is_decoded(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(_gzipped(b'{"data": [1, 2]}'))
    t = make_transport(server.base_url, max_body_bytes=1024)
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert response.data == {"data": [1, 2]}


async def test_invalid_json_2xx_is_retried_then_returned_as_text(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(
        sequence(lambda: web.Response(text="<html>oops</html>", content_type="text/html"))
    )
    t = make_transport(server.base_url, retry=RetryPolicy(max_attempts=3, backoff_base=0))
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert response.status == 200
    assert response.data is NO_BODY
    assert response.text == "<html>oops</html>"
    assert response.attempts == 3
    assert server.count == 3


async def test_invalid_json_then_valid(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(
        sequence(lambda: web.Response(body=b'{"data": [', status=200), lambda: json_response())
    )
    t = make_transport(server.base_url)
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert response.data == {"data": []}
    assert response.text == ""
    assert response.attempts == 2


async def test_empty_body_is_no_body_and_not_retried(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: web.Response(status=204)))
    t = make_transport(server.base_url)
    try:
        response = await t.request("DELETE", t.url("conferences", "x"))
    finally:
        await t.aclose()
    assert response.status == 204
    assert response.data is NO_BODY
    assert response.text == ""
    assert server.count == 1


async def test_error_status_with_non_json_body_keeps_text(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: web.Response(status=404, text="Not here")))
    t = make_transport(server.base_url)
    try:
        response = await t.request("GET", t.url("conferences", "x"))
    finally:
        await t.aclose()
    assert (response.status, response.data, response.text) == (404, NO_BODY, "Not here")


async def test_broken_off_body_is_retried() -> None:
    count = 0
    body = b'{"data": [1, 2, 3]}'

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal count
        count += 1
        await reader.readuntil(b"\r\n\r\n")
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        if count == 1:
            writer.write(head + b"Content-Length: 100\r\n\r\n" + body[:7])
        else:
            writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    t = Transport(
        provider="acme",
        base_url=f"http://127.0.0.1:{port}/v2",
        headers={},
        retry=RetryPolicy(max_attempts=3, backoff_base=0),
    )
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
        server.close()
        await server.wait_closed()
    assert response.data == {"data": [1, 2, 3]}
    assert response.attempts == 2
    assert count == 2


async def test_broken_off_body_raises_after_attempts() -> None:
    count = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal count
        count += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{")
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    t = Transport(
        provider="acme",
        base_url=f"http://127.0.0.1:{port}/v2",
        headers={},
        retry=RetryPolicy(max_attempts=2, backoff_base=0),
    )
    try:
        with pytest.raises(TransportError, match="after 2 attempts"):
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
        server.close()
        await server.wait_closed()
    assert count == 2


async def test_redirect_to_another_host_is_refused_and_never_followed(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    elsewhere = await serve(sequence(lambda: json_response()), host="localhost")
    target = str(elsewhere.base_url / "steal")

    async def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(target)

    server = await serve(redirect)
    t = make_transport(server.base_url)
    try:
        with pytest.raises(UnsafeRedirectError) as info:
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert info.value.url == target
    assert server.count == 1
    assert elsewhere.count == 0


async def test_redirect_to_another_port_is_refused(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    elsewhere = await serve(sequence(lambda: json_response()))

    async def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPTemporaryRedirect(str(elsewhere.base_url / "x"))

    server = await serve(redirect)
    t = make_transport(server.base_url)
    try:
        with pytest.raises(UnsafeRedirectError):
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert elsewhere.count == 0


async def test_same_origin_redirect_is_returned_not_followed(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    async def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/v2/elsewhere")

    server = await serve(redirect)
    t = make_transport(server.base_url)
    try:
        response = await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert response.status == 302
    assert [r.path for r in server.requests] == ["/v2/conferences"]


async def test_request_to_another_origin_is_refused_before_sending(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    elsewhere = await serve(sequence(lambda: json_response()), host="localhost")
    server = await serve(sequence(lambda: json_response()))
    t = make_transport(server.base_url)
    try:
        with pytest.raises(UnsafeRedirectError):
            await t.request("GET", elsewhere.base_url / "x")
        # A relative URL resolves against the configured base.
        response = await t.request("GET", URL("/v2/next?page=2"))
    finally:
        await t.aclose()
    assert response.status == 200
    assert elsewhere.count == 0
    assert [r.raw_path for r in server.requests] == ["/v2/next?page=2"]


async def test_credentials_never_reach_logs_reprs_or_errors(
    serve: Callable[..., Awaitable[Server]],
    make_transport: Callable[..., Transport],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="confclient")
    elsewhere = await serve(sequence(lambda: json_response()), host="localhost")
    routes: dict[str, Handler] = {
        "ok": sequence(lambda: json_response()),
        "flaky": sequence(lambda: json_response(status=503), lambda: json_response()),
        "stall": _stall,
        "big": _big_with_length,
        "redirect": redirect_to(elsewhere.base_url / "x"),
        "error": sequence(lambda: json_response(status=401)),
    }

    async def handler(request: web.Request) -> web.StreamResponse:
        return await routes[request.match_info["tail"].rsplit("/", 1)[-1]](request)

    server = await serve(handler)
    t = make_transport(server.base_url, timeout=Timeout(total=0.2), max_body_bytes=1024)
    dead = make_transport(f"http://127.0.0.1:{free_port()}/v2")
    errors: list[BaseException] = []
    try:
        assert (await t.request("GET", t.url("ok"))).status == 200
        assert (await t.request("GET", t.url("flaky"))).attempts == 2
        assert (await t.request("GET", t.url("error"))).status == 401
        for name in ("stall", "big", "redirect"):
            with pytest.raises(ConfClientError) as info:
                await t.request("GET", t.url(name))
            errors.append(info.value)
        with pytest.raises(TransportError) as refused:
            await dead.request("GET", dead.url("ok"))
        errors.append(refused.value)
        with pytest.raises(UnsafeRedirectError) as unsafe:
            await t.request("GET", elsewhere.base_url)
        errors.append(unsafe.value)
        texts = [repr(t), repr(dead), str(t.retry), str(t.timeout)]
    finally:
        await t.aclose()
        await dead.aclose()
    # The secret was really in use...
    assert all(r.headers["Authorization"] == AUTH for r in server.requests)
    assert [type(e).__name__ for e in errors] == [
        "TransportTimeoutError",
        "ResponseTooLargeError",
        "UnsafeRedirectError",
        "TransportError",
        "UnsafeRedirectError",
    ]
    # ...and never shows.
    for exc in errors:
        for link in chain(exc):
            texts += [str(link), repr(link), repr(link.args)]
    records = [r for r in caplog.records if r.name.startswith("confclient")]
    assert records, "the transport logs at DEBUG"
    texts += [r.getMessage() for r in records]
    texts.append(caplog.text)
    for text in texts:
        assert SECRET not in text
    messages = [r.getMessage() for r in records]
    assert any("GET" in m and "/v2/ok" in m and "200" in m and "attempt 1" in m for m in messages)
    assert any("retrying GET" in m for m in messages)


async def test_max_connections_caps_requests_in_flight(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    in_flight = 0
    peak = 0

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            await asyncio.sleep(0.03)
        finally:
            in_flight -= 1
        return json_response()

    server = await serve(handler)
    t = make_transport(server.base_url, max_connections=3)
    try:
        responses = await asyncio.gather(
            *(t.request("GET", t.url("conferences", str(i))) for i in range(20))
        )
    finally:
        await t.aclose()
    assert [r.status for r in responses] == [200] * 20
    assert server.count == 20
    assert peak == 3


async def test_caller_owned_session_is_left_open(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response()))
    async with aiohttp.ClientSession() as session:
        t = make_transport(server.base_url, session=session)
        assert "caller's session" in repr(t)
        assert t.session is session
        assert (await t.request("GET", t.url("conferences"))).status == 200
        await t.aclose()
        assert t.closed
        assert not session.closed
        async with session.get(server.base_url / "direct") as resp:
            assert resp.status == 200
        with pytest.raises(ConfClientError, match="closed"):
            await t.request("GET", t.url("conferences"))
    assert server.count == 2


async def test_closed_caller_session_is_reported(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response()))
    session = aiohttp.ClientSession()
    await session.close()
    t = make_transport(server.base_url, session=session)
    try:
        with pytest.raises(ConfClientError, match="closed"):
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert server.count == 0


async def test_own_session_is_lazy_and_closed_by_aclose(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response()))
    t = make_transport(server.base_url)
    assert "own session" in repr(t)
    assert t.session is None
    await t.request("GET", t.url("conferences"))
    session = t.session
    assert session is not None
    assert not session.closed
    await t.aclose()
    assert session.closed
    assert t.closed
    assert t.session is None
    await t.aclose()  # twice is fine


async def test_use_after_aclose_raises(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response()))
    t = make_transport(server.base_url)
    await t.request("GET", t.url("conferences"))
    await t.aclose()
    with pytest.raises(ConfClientError, match="closed"):
        await t.request("GET", t.url("conferences"))
    assert server.count == 1
    assert t.session is None


async def test_aclose_before_any_request(make_transport: Callable[..., Transport]) -> None:
    t = make_transport("http://127.0.0.1:9/v2")
    await t.aclose()
    with pytest.raises(ConfClientError):
        await t.request("GET", t.url("x"))
    assert t.session is None
    assert t.requests_sent == 0


async def test_trace_configs_are_passed_to_aiohttp(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    starts: list[str] = []

    async def on_start(session: Any, ctx: Any, params: aiohttp.TraceRequestStartParams) -> None:
        starts.append(params.method)

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_start)
    server = await serve(sequence(lambda: json_response()))
    t = make_transport(server.base_url, trace_configs=[trace])
    try:
        await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert starts == ["GET"]


async def test_custom_user_agent_and_headers(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response()))
    t = make_transport(
        server.base_url, headers={"Authorization": AUTH, "X-Extra": "1"}, user_agent="my-app/1"
    )
    try:
        await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    headers = server.requests[0].headers
    assert headers["User-Agent"] == "my-app/1"
    assert headers["X-Extra"] == "1"
