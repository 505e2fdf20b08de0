"""Hostile servers and hostile circumstances, at the transport: typed errors only.

Each case is served from a real ``aiohttp.web`` server on loopback (the sandbox, or a small
server of the test's own that answers what a misbehaving provider, proxy or attacker on the
path would), and asserts the exact typed error, the requests the server received, and (the
suite's fixture) that nothing is left behind: no task, no open socket, no loop error.

* a caller's own session, whatever its defaults (``raise_for_status``, ``base_url``,
  headers, ``auto_decompress``, middlewares, ``auth``), changes nothing the transport sees
  or sends;
* closing a service while a call is in flight (sending, or waiting to retry) ends the call
  with ``ConfClientError`` at once, with no retry;
* a service used under two ``asyncio.run`` calls works in both and leaves nothing open; a
  session that belongs to another loop is a typed error;
* ``Retry-After`` and rate-limit headers that are out of range are no header; a Telnyx 429
  waits ``x-ratelimit-reset`` (capped) and its ``RateLimitError`` says the limit and what
  remains; a 429 a provider documents as "not processed" is retried even for a POST;
* next-page URLs and resume tokens holding control characters are refused before anything
  is sent; so are credentials holding them, at ``connect()``;
* a server that echoes the credentials back (in an error body, raw or JSON-escaped, in a
  header, in a body that is not JSON) never gets them into an error or a log;
* anything unforeseen underneath becomes a ``TransportError`` with its cause chained.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import gzip
import json
import logging
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

import confclient
from confclient import (
    AuthenticationError,
    ConfClientError,
    ConfigurationError,
    DecodeError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TransportError,
    UnsafeRedirectError,
    ValidationError,
)
from confclient.paging import encode_resume_token
from confclient.sandbox import Sandbox
from confclient.transport import Transport
from confclient_twilio.records import RETRY_RULES as TWILIO_RULES
from tests._checks import wait_until

from ._support import (
    FAST,
    ONE_REGION,
    Served,
    client_tasks,
    error_of,
    serve,
    texts_of,
    trap,
)

KEY = "KEYhostile0123456789abcdefABCDEF"
SID = "AC" + "0123456789abcdef" * 2
TOKEN = "tokenhostile0123456789abcdef0123"
CONF_SID = "CF" + "0" * 32
FIXTURES = Path(__file__).resolve().parents[1] / "adapters"
TWILIO_PAGE = json.loads((FIXTURES / "twilio" / "fixtures" / "page1.json").read_text())
TELNYX_CONF = json.loads((FIXTURES / "telnyx" / "fixtures" / "conference.json").read_text())

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def telnyx(served: Served, **options: Any) -> Any:
    options.setdefault("retry", FAST)
    options.setdefault("default_region", ONE_REGION["telnyx"])  # one request, not one per region
    return confclient.connect("telnyx", api_key=KEY, base_url=served.base_url("/v2"), **options)


def twilio(served: Served, **options: Any) -> Any:
    options.setdefault("retry", FAST)
    return confclient.connect(
        "twilio", account_sid=SID, auth_token=TOKEN, base_url=served.base_url("/v1"), **options
    )


def answer(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.json_response(body if body is not None else {}, status=status, headers=headers)

    return handler


def stalling(then: Handler) -> tuple[Handler, asyncio.Event]:
    """A handler that answers nothing until the event is set, then as ``then`` does."""
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        await release.wait()
        return await then(request)

    return handler, release


def in_turn(*handlers: Handler) -> Handler:
    """Each handler for one request, then the last one again."""
    calls = 0

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal calls
        calls += 1
        return await handlers[min(calls, len(handlers)) - 1](request)

    return handler


# -- a caller's session: its defaults do not reach our requests -------------------------------


@pytest.fixture
async def sb() -> Any:
    async with Sandbox(seed=12, size=5, retry_after=0.001) as sandbox:
        yield sandbox


async def _raise_on_error(response: aiohttp.ClientResponse) -> None:
    response.raise_for_status()


@pytest.mark.parametrize("raise_for_status", [True, _raise_on_error], ids=["true", "callable"])
async def test_a_session_that_raises_for_status_still_gives_the_providers_errors(
    sb: Sandbox, raise_for_status: Any
) -> None:
    """A caller's session made with ``raise_for_status``: a 404 on ``get`` is
    ``NotFoundError`` after one request per region looked in (not a ``TransportError`` after
    four attempts in the first), and a 422 on ``create`` is ``ValidationError`` after one
    POST (never retried)."""
    async with (
        aiohttp.ClientSession(raise_for_status=raise_for_status) as session,
        sb.connect("telnyx", default_region="US", session=session) as svc,
    ):
        with pytest.raises(NotFoundError) as missing:
            await svc.get("no-such-conference")
        assert sb.stats.total_requests == len(missing.value.regions) == 4
        first = await svc.create(call_control_id="v3:hostile", name="Hostile")
        assert sb.stats.total_requests == 5
        with pytest.raises(ValidationError) as conflict:
            await svc.create(call_control_id="v3:hostile", name="Hostile")
    assert conflict.value.code == "90033"
    assert first.name == "Hostile"
    assert sb.stats.total_requests == 6
    assert sb.stats.requests[("POST", "/v2/conferences")] == 2


async def test_a_sessions_base_url_and_default_headers_do_not_redirect_or_replace_ours() -> None:
    """The caller's session points its ``base_url`` at a trap and sets its own
    ``Authorization``, ``Accept`` and ``User-Agent``: the request goes to the configured
    API with ours (the caller's other default headers travel, as the caller set them)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.json_response({"data": TELNYX_CONF})

    async with serve(handler) as served, trap("127.0.0.1") as elsewhere:
        headers = {
            "Authorization": "Bearer theirs",
            "Accept": "text/html",
            "User-Agent": "their-app/1",
            "X-Their-Trace": "t-1",
        }
        async with (
            aiohttp.ClientSession(base_url=elsewhere.origin, headers=headers) as session,
            telnyx(served, session=session) as svc,
        ):
            conf = await svc.get(TELNYX_CONF["id"])
    assert conf.id == TELNYX_CONF["id"]
    assert elsewhere.connections == 0
    (received,) = served.received
    assert received.headers["Authorization"] == f"Bearer {KEY}"
    assert received.headers["Accept"] == "application/json"
    assert received.headers["User-Agent"].startswith("confclient/")
    assert received.headers["X-Their-Trace"] == "t-1"


async def test_a_session_that_does_not_decompress_still_gets_json() -> None:
    """A caller's session with ``auto_decompress=False`` and a server that gzips its
    answer: the body is decoded (compressed bytes would be a ``DecodeError`` after
    retries)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        body = gzip.compress(json.dumps({"data": TELNYX_CONF}).encode())
        return web.Response(
            body=body,
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )

    async with (
        serve(handler) as served,
        aiohttp.ClientSession(auto_decompress=False) as session,
        telnyx(served, session=session) as svc,
    ):
        conf = await svc.get(TELNYX_CONF["id"])
    assert conf.id == TELNYX_CONF["id"]
    assert served.count == 1


@pytest.mark.skipif(
    "middlewares" not in aiohttp.ClientSession.__init__.__code__.co_varnames,
    reason="aiohttp before 3.12 has no client middlewares",
)
async def test_a_sessions_middlewares_do_not_run_on_our_requests() -> None:
    """A caller's session with a client middleware (one that would retry, rewrite or
    sign requests): it does not run on the transport's requests, so a 503 is retried by
    the policy alone, counted at the server."""
    seen: list[str] = []

    async def middleware(request: Any, handler: Any) -> Any:
        seen.append(str(request.url))
        request.headers["X-Middleware"] = "1"
        return await handler(request)

    async with serve(answer(503, {"errors": [{"code": "10000"}]})) as served:
        session = aiohttp.ClientSession(middlewares=(middleware,))  # type: ignore[call-arg,unused-ignore]
        async with session, telnyx(served, session=session) as svc:
            with pytest.raises(ServerError):
                await svc.get("x")
    assert seen == []
    assert served.count == FAST.max_attempts
    assert all("X-Middleware" not in r.headers for r in served.received)


async def test_a_session_with_auth_is_refused_at_connect() -> None:
    """aiohttp would add the session's ``auth`` to each request and then refuse our own
    ``Authorization`` header with a bare ``ValueError``: refused when the service is made."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # auth= is deprecated in 3.14
        session = aiohttp.ClientSession(auth=aiohttp.BasicAuth("user", "pw"))
    async with session:
        with pytest.raises(ConfigurationError) as info:
            confclient.connect(
                "telnyx", api_key=KEY, base_url="http://127.0.0.1:9/v2", session=session
            )
    assert "auth" in str(info.value)
    assert KEY not in str(info.value)


async def test_our_own_session_keeps_no_cookies() -> None:
    """A server setting a cookie does not change the next request: our own session sends
    back nothing a server set. (By host name: aiohttp never keeps cookies of an IP.)"""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.json_response({"data": TELNYX_CONF})
        response.set_cookie("tracking", "abc")
        return response

    async with serve(handler) as served:
        by_name = served.base_url("/v2").replace("127.0.0.1", "localhost")
        async with confclient.connect(
            "telnyx", api_key=KEY, base_url=by_name, default_region="US"
        ) as svc:
            await svc.get(TELNYX_CONF["id"])
            await svc.get(TELNYX_CONF["id"])
    assert [r.headers.get("Cookie") for r in served.received] == [None, None]


# -- closing a service mid-call ---------------------------------------------------------------


@pytest.mark.parametrize("call", ["get", "list"])
@pytest.mark.parametrize("own_session", [True, False], ids=["own-session", "caller-session"])
async def test_closing_a_service_mid_request_ends_the_call_with_a_typed_error(
    call: str, own_session: bool
) -> None:
    """``aclose()`` while a ``get`` or a listing's first page is on the wire: the call
    ends with ``ConfClientError`` (not aiohttp's ``RuntimeError: Session is closed`` from a
    retry on the closed session), nothing is retried, nothing is left running. On our own
    session the request is cut at once; on a caller's session (left open) it runs to its
    answer, a 503 here, which is not retried."""
    handler, release = stalling(answer(503, {"errors": [{"code": "10000"}]}))
    async with serve(handler) as served, aiohttp.ClientSession() as session:
        svc = telnyx(served, session=None if own_session else session)
        work = svc.get("x") if call == "get" else svc.list(region="US").collect()
        task = asyncio.create_task(work)
        await wait_until(lambda: served.count == 1)
        await svc.aclose()
        release.set()
        error = await error_of(task)
        await wait_until(lambda: served.answered == 1)
        assert not session.closed
    assert isinstance(error, ConfClientError), error
    assert "closed" in str(error)
    assert served.count == 1
    assert client_tasks() == []


async def test_closing_a_service_cuts_a_retry_wait_short(retry_waits: list[float]) -> None:
    """A 503 asking to wait a minute, and the service closed during that wait: the call
    ends at once with ``ConfClientError``, the second request is never sent."""
    slow = RetryPolicy(max_attempts=3, retry_after_max=60)
    async with serve(answer(503, {"errors": [{"code": "10000"}]}, {"Retry-After": "60"})) as served:
        svc = telnyx(served, retry=slow)
        task = asyncio.create_task(svc.get("x"))
        await wait_until(lambda: bool(retry_waits))
        await svc.aclose()
        async with asyncio.timeout(5):  # far less than the minute asked
            error = await error_of(task)
    assert isinstance(error, ConfClientError)
    assert "closed" in str(error)
    assert retry_waits == [60.0]
    assert served.count == 1


async def test_a_call_after_aclose_is_refused_without_a_request() -> None:
    async with serve(answer(200, {"data": TELNYX_CONF})) as served:
        svc = telnyx(served)
        await svc.aclose()
        with pytest.raises(ConfClientError, match="closed"):
            await svc.get("x")
    assert served.count == 0


# -- a second event loop ----------------------------------------------------------------------


def _in_fresh_loops(*steps: Callable[[], Awaitable[Any]]) -> tuple[list[Any], list[str]]:
    """Run each step under its own ``asyncio.run`` (as a script or a worker would), then
    collect garbage: what each returned (or raised), and the ResourceWarnings seen."""
    results: list[Any] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step in steps:
            try:
                results.append(asyncio.run(step()))  # type: ignore[arg-type]
            except Exception as exc:  # the assertions look at it
                results.append(exc)
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    return results, leaks


async def test_a_service_works_under_two_asyncio_runs_and_leaves_nothing_open(
    sb: Sandbox,
) -> None:
    """The same service used under one ``asyncio.run``, then another (a script, a worker
    thread): the second works like the first (not ``RuntimeError: Event loop is closed``),
    and neither leaves a socket, connector or session open."""
    svc = sb.connect("telnyx", default_region="US", retry=FAST)
    conf_id = sb.telnyx_records("US")[0]["id"]

    async def job() -> list[str]:
        listed = [c.id for c in await svc.list(region="US", limit=3).collect()]
        return [*listed, (await svc.get(conf_id)).id]

    results, leaks = await asyncio.to_thread(_in_fresh_loops, job, job, svc.aclose)
    assert results[0] == results[1]
    assert len(results[0]) == 4
    assert results[2] is None
    assert leaks == []
    assert sb.stats.total_requests == 4


async def test_a_caller_session_from_another_loop_is_a_typed_error(sb: Sandbox) -> None:
    """A session made under one ``asyncio.run`` and used under another: ``ConfClientError``
    saying what to do, before any request."""
    box: dict[str, Any] = {}

    async def make() -> None:
        box["session"] = aiohttp.ClientSession()
        box["svc"] = sb.connect("telnyx", default_region="US", session=box["session"])

    async def use() -> Any:
        try:
            return await box["svc"].get("x")
        finally:
            await box["session"].close()

    results, leaks = await asyncio.to_thread(_in_fresh_loops, make, use)
    assert isinstance(results[1], ConfClientError)
    assert "another event loop" in str(results[1])
    assert leaks == []
    assert sb.stats.total_requests == 0


async def test_our_session_in_another_loop_still_open_is_a_typed_error(sb: Sandbox) -> None:
    """A service used in one loop that is still open, then from another: ``ConfClientError``
    (its session belongs to the first loop); back in the first loop it still works."""
    svc = sb.connect("telnyx", default_region="US", retry=FAST)
    conf_id = sb.telnyx_records("US")[0]["id"]

    def two_loops() -> tuple[Any, Any, Any]:
        first = asyncio.new_event_loop()
        try:
            before = first.run_until_complete(svc.get(conf_id))
            try:
                asyncio.run(svc.get(conf_id))
            except ConfClientError as exc:
                refused: Any = exc
            else:
                refused = None
            after = first.run_until_complete(svc.get(conf_id))
            first.run_until_complete(svc.aclose())
        finally:
            first.close()
        return before, refused, after

    before, refused, after = await asyncio.to_thread(two_loops)
    assert before.id == after.id == conf_id
    assert isinstance(refused, ConfClientError)
    assert "another event loop" in str(refused)
    assert sb.stats.total_requests == 2


# -- Retry-After and rate limits --------------------------------------------------------------

FAR_FUTURE = "Wed, 21 Oct 99999999999999999999 07:28:00 GMT"


@pytest.mark.parametrize(("status", "kind"), [(503, ServerError), (429, RateLimitError)])
async def test_a_retry_after_date_out_of_range_is_no_header(
    status: int, kind: type[Exception], retry_waits: list[float]
) -> None:
    """``Retry-After`` in the year 99999999999999999999 (an ``OverflowError`` in the
    standard library's date parser): treated as absent, the policy's backoff is used, and
    the final error is the provider's."""
    body = {"errors": [{"code": "10011"}]}
    async with (
        serve(answer(status, body, {"Retry-After": FAR_FUTURE})) as served,
        telnyx(served) as svc,
    ):
        error = await error_of(svc.get("x"))
    assert isinstance(error, kind), error
    assert served.count == FAST.max_attempts
    assert len(retry_waits) == FAST.max_attempts - 1
    assert all(0 <= wait <= FAST.backoff_base * 2 for wait in retry_waits)
    if isinstance(error, RateLimitError):
        assert error.retry_after is None


RATE_LIMITED = {"errors": [{"code": "10011", "title": "Too many requests"}]}


async def test_a_telnyx_429_waits_x_ratelimit_reset(retry_waits: list[float]) -> None:
    """Telnyx sends no ``Retry-After`` on a 429, only ``x-ratelimit-reset`` (seconds):
    that is the wait before the retry."""
    headers = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "0.01"}
    ok = answer(200, {"data": TELNYX_CONF})
    async with (
        serve(in_turn(answer(429, RATE_LIMITED, headers), ok)) as served,
        telnyx(served, retry=RetryPolicy(backoff_base=5, backoff_max=5)) as svc,
    ):
        conf = await svc.get(TELNYX_CONF["id"])
    assert conf.id == TELNYX_CONF["id"]
    assert retry_waits == [0.01]
    assert served.count == 2


async def test_x_ratelimit_reset_is_capped_and_the_error_says_the_limit(
    retry_waits: list[float],
) -> None:
    """A reset an hour away waits ``retry_after_max``; when every attempt is refused, the
    ``RateLimitError`` carries ``retry_after``, ``limit`` and ``remaining`` as the headers
    said."""
    headers = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3600"}
    policy = RetryPolicy(max_attempts=2, retry_after_max=0.005)
    async with (
        serve(answer(429, RATE_LIMITED, headers)) as served,
        telnyx(served, retry=policy) as svc,
    ):
        error = await error_of(svc.get("x"))
    assert isinstance(error, RateLimitError)
    assert (error.retry_after, error.limit, error.remaining) == (3600.0, 60, 0)
    assert retry_waits == [0.005]
    assert served.count == 2


async def test_a_twilio_429_on_a_post_is_retried_and_a_503_is_not() -> None:
    """Twilio documents a 429 as "not processed": with its rules, a POST (not idempotent)
    answered 429 is sent again; answered 503 (it may have run), it is not."""
    ok = answer(201, {"sid": "x"})
    async with serve(in_turn(answer(429, {"code": 20429}), ok)) as served:
        transport = Transport(
            provider="twilio",
            base_url=served.base_url("/v1"),
            headers={"Authorization": "Basic eA=="},
            retry=FAST,
            rules=TWILIO_RULES,
        )
        try:
            created = await transport.request("POST", transport.url("Things"), json={"a": 1})
            assert (created.status, created.attempts) == (201, 2)
            assert served.count == 2
            served.handler = in_turn(answer(503, {"code": 20503}), ok)
            refused = await transport.request("POST", transport.url("Things"), json={"a": 1})
            assert (refused.status, refused.attempts) == (503, 1)
            assert served.count == 3
        finally:
            await transport.aclose()


# -- control characters -----------------------------------------------------------------------

UNSENDABLE = ["\x00", "\x0b", "\x7f", "\r\n", "\t", "\x85", "\u2028", " ", "é"]


@pytest.mark.parametrize("char", UNSENDABLE, ids=[f"U+{ord(c[0]):04X}" for c in UNSENDABLE])
async def test_a_next_page_url_with_a_control_character_is_refused(char: str) -> None:
    """Twilio's ``next_page_url`` with a control character (or, since it is an encoded
    URL, a raw space or non-ASCII character): ``UnsafeRedirectError``, nothing more sent
    (not aiohttp's bare ``ValueError``, nor a URL silently stripped of a line break)."""
    async with serve(next_page_with(char)) as served, twilio(served) as svc:
        error = await error_of(svc.list().collect())
    assert isinstance(error, UnsafeRedirectError), error
    assert served.count == 1


def next_page_with(char: str) -> Handler:
    """A Twilio page whose next page URL (on the same origin) holds ``char``."""

    async def handler(request: web.Request) -> web.StreamResponse:
        origin = f"http://{request.host}"
        next_page = f"{origin}/v1/Conferences?PageSize=2&Page=1&PageToken=PA{char}x"
        return web.json_response(
            {**TWILIO_PAGE, "meta": {**TWILIO_PAGE["meta"], "next_page_url": next_page}}
        )

    return handler


@pytest.mark.parametrize("char", UNSENDABLE, ids=[f"U+{ord(c[0]):04X}" for c in UNSENDABLE])
def test_a_resume_token_with_a_control_character_is_refused_before_any_request(
    char: str,
) -> None:
    """A forged Twilio resume token whose cursor holds a control character:
    ``InvalidRequestError`` from ``list()``, before any request."""
    svc = confclient.connect("twilio", account_sid=SID, auth_token=TOKEN)
    token = encode_resume_token("twilio", f"/v1/Conferences?PageSize=2&PageToken=PA{char}x", 0)
    with pytest.raises(InvalidRequestError):
        svc.list(resume_token=token)
    assert svc.transport.session is None


BAD_CHARS = ["\x00", "\x0b", "\x7f", "\x1b", "\n", "\u2028", "\x85"]


@pytest.mark.parametrize("char", BAD_CHARS, ids=[f"U+{ord(c):04X}" for c in BAD_CHARS])
@pytest.mark.parametrize(
    ("provider", "field"),
    [
        ("telnyx", "api_key"),
        ("twilio", "auth_token"),
        ("twilio", "api_secret"),
        ("twilio", "account_sid"),
        ("twilio", "api_key"),
    ],
)
def test_credentials_with_control_characters_are_refused_at_connect(
    provider: str, field: str, char: str
) -> None:
    """A credential holding NUL, VT, DEL, ESC or a Unicode line separator (a bad copy and
    paste): ``ConfigurationError`` at ``connect()`` naming the option, not echoing the
    value (instead of a bare ``ValueError`` on every request, or a credential that can
    never authenticate)."""
    secret = f"secret{char}0123456789abcdef"
    options: dict[str, Any] = {"api_key": secret} if provider == "telnyx" else {"account_sid": SID}
    if provider == "twilio":
        if field == "auth_token":
            options["auth_token"] = secret
        elif field == "account_sid":
            options.update(account_sid=SID + char, auth_token=TOKEN)
        else:
            options.update(api_key="SK" + "0" * 32, api_secret=secret)
            if field == "api_key":
                options.update(api_key="SK" + "0" * 32 + char, api_secret=TOKEN)
    with pytest.raises(ConfigurationError) as info:
        confclient.connect(provider, **options)
    assert field in str(info.value)
    assert secret not in str(info.value)


def test_any_adapters_credential_header_is_checked_by_the_transport() -> None:
    """The transport checks every credential header it is given (an adapter that checks
    nothing itself included), naming the header, never showing the value."""
    with pytest.raises(ConfigurationError) as info:
        Transport(
            provider="acme",
            base_url="https://api.example.com/v1",
            headers={"X-Api-Key": "abc\x00def-secret"},
        )
    assert "X-Api-Key" in str(info.value)
    assert "secret" not in str(info.value)


# -- what a server echoes back ----------------------------------------------------------------

BASIC = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()


def echo(kind: str) -> Handler:
    """A 401 that sends the request's ``Authorization`` back, in one way or another."""

    async def handler(request: web.Request) -> web.StreamResponse:
        sent = request.headers.get("Authorization", "")
        detail = f"invalid header: {sent}"
        headers = {"X-Request-Id": sent}
        if kind == "text":
            return web.Response(status=401, text=detail, headers=headers)
        if kind == "escaped":  # every character of the value as a JSON \\u escape
            escaped = "".join(f"\\u{ord(c):04x}" for c in sent)
            raw = '{"errors": [{"code": "10009", "detail": "%s"}], "message": "%s"}'
            body = raw % (escaped, escaped)
            return web.Response(
                status=401, body=body, content_type="application/json", headers=headers
            )
        body = {
            "errors": [{"code": "10009", "title": sent, "detail": detail, "meta": {"h": sent}}],
            "code": 20003,
            "message": detail,
            "more_info": sent,
            sent: "as a key",
        }
        return web.json_response(body, status=401, headers=headers)

    return handler


@pytest.mark.parametrize("kind", ["json", "escaped", "text"])
@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_server_echoing_the_credentials_never_gets_them_into_an_error_or_a_log(
    provider: str, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A 401 whose body and ``X-Request-Id`` echo the ``Authorization`` header (a debug
    proxy, a hostile server): the ``AuthenticationError`` (text, repr, attributes, chain,
    traceback with locals, pickle) and the DEBUG logs hold no credential, in any form:
    the key, the token, the Basic blob."""
    caplog.set_level(logging.DEBUG)
    async with serve(echo(kind)) as served:
        connect = telnyx if provider == "telnyx" else twilio
        async with connect(served) as svc:
            error = await error_of(svc.get(CONF_SID if provider == "twilio" else "x"))
    assert isinstance(error, AuthenticationError), error
    assert "<redacted>" in str(error) or "<redacted>" in repr(error.errors)
    assert "<redacted>" in str(error.request_id)
    shown = [*texts_of(error, with_locals=True), caplog.text]
    for secret in (KEY, TOKEN, BASIC):
        for text in shown:
            assert secret not in text
    assert served.count == 1


async def test_a_success_body_that_echoes_the_key_is_redacted_from_the_decode_error() -> None:
    """A 200 whose body is not JSON and holds the key: the ``DecodeError`` shows the start
    of the body with the key redacted."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(text=f"<html>{request.headers['Authorization']}</html>")

    async with serve(handler) as served, telnyx(served, retry=RetryPolicy.disabled()) as svc:
        error = await error_of(svc.get("x"))
    assert isinstance(error, DecodeError), error
    assert "<redacted>" in str(error)
    assert all(KEY not in text for text in texts_of(error, with_locals=True))


# -- the unforeseen ---------------------------------------------------------------------------


async def test_an_unforeseen_exception_underneath_is_a_transport_error_with_its_cause() -> None:
    """Something in aiohttp raising what nothing foresaw (here a tracing hook the caller
    installed raises ``RuntimeError``): the call raises ``TransportError`` with the
    original chained as its cause; it is not retried as a network failure would be."""

    async def broken_hook(*_args: Any) -> None:
        raise RuntimeError("hook failed")

    tracing = aiohttp.TraceConfig()
    tracing.on_request_start.append(broken_hook)
    async with (
        serve(answer(200, {"data": TELNYX_CONF})) as served,
        telnyx(served, trace_configs=[tracing]) as svc,
    ):
        error = await error_of(svc.get("x"))
    assert type(error) is TransportError, error
    assert isinstance(error.__cause__, RuntimeError)
    assert "RuntimeError" in str(error)
    assert served.count == 0


async def test_cancellation_is_never_turned_into_an_error() -> None:
    """Cancelling a call in flight raises ``CancelledError`` in the caller, as asyncio
    requires; the last-resort mapping leaves it alone."""
    handler, release = stalling(answer(200, {"data": TELNYX_CONF}))
    async with serve(handler) as served, telnyx(served) as svc:
        task = asyncio.create_task(svc.get("x"))
        await wait_until(lambda: served.count == 1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        release.set()
        await wait_until(lambda: served.answered == 1)
    assert served.count == 1


def test_a_url_from_the_network_is_shown_redacted() -> None:
    """A next page elsewhere whose path holds the key: the ``UnsafeRedirectError`` names
    the URL with the key redacted."""
    transport = Transport(
        provider="acme",
        base_url="https://api.example.com/v2",
        headers={"Authorization": f"Bearer {KEY}"},
    )
    with pytest.raises(UnsafeRedirectError) as info:
        transport.pin(URL(f"https://evil.example/{KEY}/x"))
    assert KEY not in str(info.value)
    assert KEY not in str(info.value.url)
