"""Security: credentials stay home, paths stay put, secrets stay hidden, big bodies stay out.

confclient holds its users' provider credentials. These tests check, with real sockets:

* credentials only ever go to the configured origin: a next-page URL or a redirect that
  points elsewhere raises ``UnsafeRedirectError`` and a trap listening there receives not
  even a connection; redirects are never followed, even to the same origin;
* a path parameter is exactly one percent-encoded segment, whatever it holds (checked on
  what the server received);
* secrets never appear in ``repr``/``str`` of anything, in exceptions, their chains,
  formatted tracebacks (with their frames' local variables too) or DEBUG logs of any
  logger;
* plain ``http://`` to a host other than loopback is refused unless the caller opts in;
* a body larger than ``max_body_bytes`` is refused with a clear error, and is not read:
  the client stops reading after the cap.
"""

from __future__ import annotations

import base64
import logging
import tracemalloc
from collections.abc import AsyncIterator, Awaitable
from typing import Any
from urllib.parse import unquote, unquote_plus

import pytest
from aiohttp import web
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import confclient
from confclient import (
    APIError,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    ResponseTooLargeError,
    Timeout,
    UnsafeRedirectError,
)
from confclient.sandbox import Sandbox
from confclient.transport import DEFAULT_MAX_BODY_BYTES

from ._support import FAST, ONE_REGION, Trap, error_of, texts_of, trap

TWILIO_LIST = "/v1/Conferences"


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=9, size=40, retry_after=0.001) as sandbox:
        yield sandbox


@pytest.fixture
async def far_trap() -> AsyncIterator[Trap]:
    """A trap on another host (127.0.0.2)."""
    async with trap("127.0.0.2") as found:
        yield found


@pytest.fixture
async def near_trap() -> AsyncIterator[Trap]:
    """A trap on the same host as the API, at another port."""
    async with trap("127.0.0.1") as found:
        yield found


def assert_untouched(*traps: Trap) -> None:
    for found in traps:
        assert found.connections == 0, f"{found.origin} was contacted"
        assert not found.received


# -- credentials only go to the configured origin ---------------------------------------------


@pytest.mark.parametrize("where", ["another host", "another port"])
async def test_a_next_page_elsewhere_is_refused_and_never_contacted(
    sb: Sandbox, far_trap: Trap, near_trap: Trap, where: str
) -> None:
    """Twilio announces its next page on a trap (127.0.0.2, or this host at another port):
    the listing raises ``UnsafeRedirectError`` naming it, the trap receives nothing, and no
    other request is made."""
    target = far_trap if where == "another host" else near_trap
    sb.twilio_next_page_origin = target.origin
    async with sb.connect("twilio", default_region=ONE_REGION["twilio"], retry=FAST) as svc:
        error = await error_of(svc.list(region="us1", page_size=5).collect())
    assert isinstance(error, UnsafeRedirectError)
    assert target.origin in str(error)
    assert_untouched(far_trap, near_trap)
    assert sb.stats.total_requests == 1


OPERATIONS = {
    "telnyx": ("list", "get", "create"),
    "twilio": ("list", "get"),
}


def operation(svc: Any, sb: Sandbox, name: str) -> Awaitable[Any]:
    if name == "list":
        return svc.list(page_size=5).collect()
    if name == "create":
        return svc.create(call_control_id="v3:redirected", name="Redirected")
    if svc.provider == "telnyx":
        return svc.get(sb.telnyx_records("US")[0]["id"])
    return svc.get(sb.twilio_records()[0]["conference_sid"])


@pytest.mark.parametrize(
    ("provider", "name"),
    [(provider, name) for provider, names in OPERATIONS.items() for name in names],
)
async def test_a_redirect_elsewhere_is_refused_and_never_followed(
    sb: Sandbox, far_trap: Trap, provider: str, name: str
) -> None:
    """The API answers ``307`` to the same path on another host: every operation raises
    ``UnsafeRedirectError`` at once (no retry), and the other host receives nothing."""
    sb.redirect_origin = far_trap.origin
    sb.queue_faults("redirect")
    async with sb.connect(provider, default_region=ONE_REGION[provider], retry=FAST) as svc:
        error = await error_of(operation(svc, sb, name))
    assert isinstance(error, UnsafeRedirectError), error
    assert far_trap.origin in str(error)
    assert_untouched(far_trap)
    assert sb.stats.total_requests == 1


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_redirect_to_the_same_origin_is_not_followed_either(
    sb: Sandbox, provider: str
) -> None:
    """Even a redirect to the API's own origin is not followed: the caller gets an
    ``APIError`` with the 307, and the server saw one request."""
    sb.redirect_origin = sb.base_url
    sb.queue_faults("redirect")
    async with sb.connect(provider, default_region=ONE_REGION[provider], retry=FAST) as svc:
        error = await error_of(operation(svc, sb, "get"))
    assert isinstance(error, APIError)
    assert error.status == 307
    assert sb.stats.total_requests == 1


def crafted_next_pages(api: str, far: str, near: str) -> dict[str, str]:
    """Next-page URLs a hostile or broken provider could send, by what they try."""
    host, port = api.removeprefix("http://").split(":")
    far_host_port = far.removeprefix("http://")
    return {
        "another host": f"{far}{TWILIO_LIST}?PageToken=PA1",
        "another port": f"{near}{TWILIO_LIST}?PageToken=PA1",
        "protocol-relative": f"//{far_host_port}{TWILIO_LIST}",
        "https instead of http": f"https://{host}:{port}{TWILIO_LIST}",
        "credentials of its own": f"http://user:secret@{host}:{port}{TWILIO_LIST}",
        "the API as userinfo": f"http://{host}:{port}@{far_host_port}{TWILIO_LIST}",
        "a fragment hiding the API": f"{far}#@{host}:{port}{TWILIO_LIST}",
        "another name for the host": f"http://localhost:{port}{TWILIO_LIST}",
        "another resource": f"http://{host}:{port}/v1/Accounts?PageToken=PA1",
        "dot segments": f"http://{host}:{port}{TWILIO_LIST}/../../v2/conferences",
    }


CRAFTED = list(crafted_next_pages("http://127.0.0.1:1", "http://127.0.0.2:2", "http://127.0.0.1:3"))


@pytest.mark.parametrize("attack", CRAFTED)
async def test_a_crafted_next_page_url_is_never_followed(
    far_trap: Trap, near_trap: Trap, attack: str
) -> None:
    """A Twilio-shaped API whose first page names a crafted next page: every one is refused
    with ``UnsafeRedirectError`` before anything is sent, so the traps and the API itself
    (reachable as ``localhost`` too) receive nothing more than the first request."""
    received: list[str] = []

    async def first_page(request: web.Request) -> web.Response:
        received.append(request.raw_path)
        api = f"http://127.0.0.1:{request.url.port}"
        next_page = crafted_next_pages(api, far_trap.origin, near_trap.origin)[attack]
        meta = {"page": 0, "page_size": 1, "key": "conferences", "next_page_url": next_page}
        return web.json_response({"conferences": [], "meta": meta})

    app = web.Application()
    app.router.add_get("/{tail:.*}", first_page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        async with confclient.connect(
            "twilio",
            account_sid="AC" + "0" * 32,
            auth_token="t" * 32,
            base_url=f"http://127.0.0.1:{port}/v1",
            retry=FAST,
        ) as svc:
            error = await error_of(svc.list().collect())
    finally:
        await runner.cleanup()
    assert isinstance(error, UnsafeRedirectError), repr(error)
    assert_untouched(far_trap, near_trap)
    assert received == [f"{TWILIO_LIST}?PageSize=1000"]


@pytest.mark.parametrize(
    "location",
    ["http://[::1/v2/conferences", "http://127.0.0.1:99999999/", "http://a\\@127.0.0.2/"],
    ids=["unterminated-ipv6", "port-out-of-range", "backslash-authority"],
)
async def test_a_redirect_to_something_that_is_no_url_is_refused(location: str) -> None:
    """A ``Location`` header that no URL parser accepts is refused like a redirect
    elsewhere (``UnsafeRedirectError``), not left to surface as the parser's ``ValueError``."""
    requests = 0

    async def redirect(request: web.Request) -> web.Response:
        nonlocal requests
        requests += 1
        return web.Response(status=302, headers={"Location": location})

    app = web.Application()
    app.router.add_get("/{tail:.*}", redirect)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        base_url = f"http://127.0.0.1:{runner.addresses[0][1]}/v2"
        async with confclient.connect(
            "telnyx", default_region="US", api_key="KEY0123", base_url=base_url
        ) as svc:
            error = await error_of(svc.get("x"))
    finally:
        await runner.cleanup()
    assert isinstance(error, UnsafeRedirectError), repr(error)
    assert requests == 1


# -- path parameters are one segment ----------------------------------------------------------

# The pieces an attacker-chosen id is made of, mixed with arbitrary text.
PIECES = st.sampled_from(
    [
        *("..", ".", "/", "\\", "?", "#", "%", "%2F", "%2e%2e", "%00", ";", "&", "=", "+", " "),
        *("{id}", "region=Europe", "balance", "é", "日本", "\u202e", "\U0001f600", "\x00", "\r\n"),
    ]
)
IDS = st.lists(PIECES | st.text(min_size=1, max_size=4), min_size=1, max_size=6).map("".join)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(conf_id=IDS, region=st.sampled_from([None, "Europe"]))
@example(conf_id="../balance", region=None)
@example(conf_id="..", region=None)
@example(conf_id="x?region=Europe#frag", region="Europe")
@example(conf_id="\ud800", region=None)  # a lone surrogate: no URL can carry it
async def test_a_path_parameter_is_one_segment_at_the_server(
    sb: Sandbox, conf_id: str, region: str | None
) -> None:
    """Telnyx ``get(id)`` with ids full of ``..``, ``/``, ``?``, ``#``, ``%`` and unicode:
    the server receives ``/v2/conferences/<one segment>`` whose decoding is exactly the id,
    with the query the caller gave and no other, and the conference route answers (404,
    Telnyx code 90058). An id no URL can carry is refused before any request."""
    seen = sb.stats.total_requests
    async with sb.connect("telnyx", default_region=ONE_REGION["telnyx"], retry=FAST) as svc:
        if not conf_id.strip():
            with pytest.raises(InvalidRequestError):
                await svc.get(conf_id, region=region)
            assert sb.stats.total_requests == seen
            return
        try:
            conf_id.encode()
        except UnicodeEncodeError:
            with pytest.raises(InvalidRequestError, match="valid Unicode"):
                await svc.get(conf_id, region=region)
            assert sb.stats.total_requests == seen
            return
        with pytest.raises(NotFoundError) as info:
            await svc.get(conf_id, region=region)
    assert info.value.code == "90058"
    # Not found where it was looked for first, so looked for in every region: four
    # requests, each the one segment and the region, and no other query.
    assert sb.stats.total_requests == seen + 4
    queries = []
    for method, target in sb.stats.queries[-4:]:
        path, _, query = target.partition("?")
        prefix = "/v2/conferences/"
        assert method == "GET"
        assert path.startswith(prefix)
        segment = path.removeprefix(prefix)
        assert "/" not in segment
        assert segment not in (".", "..")
        assert unquote(segment, errors="strict") == conf_id
        queries.append(unquote_plus(query))
    assert queries[0] == f"region={region or ONE_REGION['telnyx']}"
    assert sorted(queries) == sorted(
        f"region={r}" for r in ("Australia", "Europe", "Middle East", "US")
    )
    assert set(sb.stats.requests) == {("GET", "/v2/conferences/{id}")}


@settings(max_examples=50, deadline=None)
@given(conf_id=IDS)
@example(conf_id="../Accounts")
async def test_twilio_refuses_any_id_that_is_not_a_conference_sid(conf_id: str) -> None:
    """Twilio ids have one shape (``CF`` + 32 hex digits): anything else is refused with
    ``InvalidRequestError`` before a request could be built from it."""
    async with confclient.connect(
        "twilio", account_sid="AC" + "0" * 32, auth_token="t" * 32, retry=FAST
    ) as svc:
        with pytest.raises(InvalidRequestError):
            await svc.get(conf_id)
        assert svc.transport.session is None  # nothing was ever sent


BAD_TEXT = "caf\ud800"  # a lone surrogate: valid in a Python str, impossible in UTF-8


@pytest.mark.parametrize(
    ("provider", "call"),
    [
        ("telnyx", lambda svc: svc.get(BAD_TEXT)),
        ("telnyx", lambda svc: svc.list(name=BAD_TEXT).collect()),
        ("telnyx", lambda svc: svc.list(filters={"connection_id": BAD_TEXT}).collect()),
        ("telnyx", lambda svc: svc.create(call_control_id="v3:x", name=BAD_TEXT)),
        ("twilio", lambda svc: svc.list(name=BAD_TEXT).collect()),
    ],
    ids=["telnyx-get", "telnyx-list-name", "telnyx-list-filter", "telnyx-create", "twilio-list"],
)
async def test_text_no_request_can_carry_is_refused_before_any_request(
    sb: Sandbox, provider: str, call: Any
) -> None:
    """Arguments holding a lone surrogate cannot be sent (no URL or JSON body can carry
    them): the caller gets ``InvalidRequestError``, not an encoder's ``UnicodeEncodeError``
    or ``TypeError``, and nothing is sent."""
    async with sb.connect(provider, default_region=ONE_REGION[provider], retry=FAST) as svc:
        with pytest.raises(InvalidRequestError):
            await call(svc)
    assert sb.stats.total_requests == 0


# -- secrets never show -----------------------------------------------------------------------


def secrets_of(sb: Sandbox) -> list[str]:
    """Every credential in play, alone and as it travels in the Authorization header."""
    twilio_basic = base64.b64encode(f"{sb.twilio_account_sid}:{sb.twilio_auth_token}".encode())
    key_basic = base64.b64encode(f"{sb.twilio_api_key}:{sb.twilio_api_secret}".encode())
    return [
        sb.telnyx_api_key,
        WRONG_KEY,
        sb.twilio_auth_token,
        sb.twilio_api_secret,
        twilio_basic.decode(),
        key_basic.decode(),
    ]


WRONG_KEY = "KEYwrong0123456789abcdef0123456789"


async def test_secrets_never_appear_in_reprs_errors_tracebacks_or_debug_logs(
    sb: Sandbox, far_trap: Trap, caplog: pytest.LogCaptureFixture
) -> None:
    """Both providers, every credential form, through success, retried faults, a 401 with a
    wrong key, a timeout, a dropped connection, a refused connection, a redirect elsewhere,
    a next page elsewhere, an oversized body, a fan-out failure and a bad configuration:
    no secret appears in any repr or error text, traceback (with locals, for every error
    met while talking to the provider) or log record of any logger at DEBUG."""
    caplog.set_level(logging.DEBUG)  # the root logger: aiohttp's and asyncio's too
    secrets = secrets_of(sb)
    shown: list[str] = []
    errors: list[BaseException] = []
    sb.redirect_origin = far_trap.origin
    stall = Timeout(total=0.1)

    services = [
        sb.connect("telnyx", default_region=ONE_REGION["telnyx"], retry=FAST),
        sb.connect("twilio", default_region=ONE_REGION["twilio"], retry=FAST),
        confclient.connect(
            "twilio",
            account_sid=sb.twilio_account_sid,
            api_key=sb.twilio_api_key,
            api_secret=sb.twilio_api_secret,
            base_url=sb.twilio_base_url,
            retry=FAST,
        ),
    ]
    for svc in services:
        async with svc:
            region = "US" if svc.provider == "telnyx" else "us1"
            pager = svc.list(region=region, page_size=10)
            shown += [repr(svc), str(svc), repr(svc.transport), repr(pager)]
            sb.queue_faults("503", "429")  # two faults: within the budget of three attempts
            listed = await pager.collect()
            shown += [repr(pager), repr(listed[0]), repr(listed[0].raw)]
            sb.queue_faults("drop", "truncate")
            assert len(await svc.list(region=region, page_size=10).collect()) == len(listed)
            sb.queue_faults("stall", "stall", "stall")
            svc.transport.timeout = stall
            errors.append(await error_of(svc.get(listed[0].id)))
            svc.transport.timeout = Timeout()
            sb.queue_faults("drop", "drop", "drop")
            errors.append(await error_of(svc.get(listed[0].id)))
            sb.queue_faults("redirect")
            errors.append(await error_of(svc.get(listed[0].id)))
            errors.append(await error_of(svc.get("CF" + "0" * 32)))  # 404 (Telnyx: 404 too)
            sb.queue_faults("500", "500", "500")
            errors.append(await error_of(confclient.fan_out(svc, regions=[region]).collect()))
        async with sb.connect(
            svc.provider, default_region=ONE_REGION[svc.provider], max_body_bytes=1024, retry=FAST
        ) as big:
            errors.append(await error_of(big.list(region=region).collect()))
    sb.twilio_next_page_origin = far_trap.origin
    async with sb.connect("twilio", default_region=ONE_REGION["twilio"], retry=FAST) as svc:
        errors.append(await error_of(svc.list(page_size=5).collect()))
    wrong = confclient.connect(
        "telnyx", default_region="US", api_key=WRONG_KEY, base_url=sb.telnyx_base_url
    )
    async with wrong:
        errors.append(await error_of(wrong.list().collect()))
        shown += [repr(wrong), str(wrong)]
    refused = confclient.connect(
        "telnyx", api_key=sb.telnyx_api_key, base_url="http://127.0.0.1:9/v2", retry=FAST
    )
    async with refused:
        errors.append(await error_of(refused.list().collect()))
    # (Errors raised while a service is made come from frames that hold the key as an
    # argument, as any function given a key does: only their formatted traceback is checked.)
    talked = len(errors)
    with pytest.raises(ConfigurationError) as bad_config:
        confclient.connect(
            "telnyx", default_region="US", api_key=sb.telnyx_api_key, base_url="http://a.example/v2"
        )
    errors.append(bad_config.value)

    kinds = {type(e).__name__ for e in errors}
    assert {
        "TransportTimeoutError",
        "TransportError",
        "UnsafeRedirectError",
        "NotFoundError",
        "FanOutError",
        "ResponseTooLargeError",
        "AuthenticationError",
        "ConfigurationError",
    } <= kinds, kinds
    for index, error in enumerate(errors):
        shown += texts_of(error, with_locals=index < talked)
    records = caplog.records
    assert any(r.name == "confclient" for r in records)
    shown += [r.getMessage() for r in records]
    shown += [repr(r.args) for r in records]
    shown.append(caplog.text)
    for text in shown:
        for secret in secrets:
            assert secret not in text
    assert_untouched(far_trap)


# -- plain http only to loopback --------------------------------------------------------------

CREDENTIALS = {
    "telnyx": {"api_key": "KEY0123"},
    "twilio": {"account_sid": "AC" + "0" * 32, "auth_token": "t" * 32},
}


#: Each provider's API version: the last segment of a base URL.
VERSIONS = {"telnyx": "v2", "twilio": "v1"}


@pytest.mark.parametrize("provider", sorted(CREDENTIALS))
@pytest.mark.parametrize(
    "origin", ["http://api.example.com", "http://10.0.0.8:8080", "http://127.0.0.2"]
)
def test_plain_http_to_another_host_is_refused_unless_opted_in(provider: str, origin: str) -> None:
    """``http://`` elsewhere than loopback is refused when the service is made (credentials
    would travel in clear), with an error saying how to opt in; opting in works. Loopback
    (where the sandbox lives) and https need no opt-in."""
    base_url = f"{origin}/{VERSIONS[provider]}"
    with pytest.raises(ConfigurationError, match="allow_insecure_http"):
        confclient.connect(provider, base_url=base_url, **CREDENTIALS[provider])
    svc = confclient.connect(
        provider, base_url=base_url, allow_insecure_http=True, **CREDENTIALS[provider]
    )
    assert str(svc.transport.base_url) == base_url
    for fine in ("http://127.0.0.1:8", "http://localhost", "https://api.example.com"):
        fine_url = f"{fine}/{VERSIONS[provider]}"
        confclient.connect(provider, base_url=fine_url, **CREDENTIALS[provider])


def test_plain_http_from_the_environment_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same rule holds for a base URL that comes from the environment."""
    monkeypatch.setenv("CONFCLIENT_PROVIDER", "telnyx")
    monkeypatch.setenv("TELNYX_API_KEY", "KEY0123")
    monkeypatch.setenv("TELNYX_BASE_URL", "http://api.example.com/v2")
    with pytest.raises(ConfigurationError, match="allow_insecure_http"):
        confclient.connect_from_env()


# -- bodies larger than the cap are not read --------------------------------------------------

STREAMED = 256 * 1024 * 1024  # what the server would send if the client kept reading
CAP = 1024 * 1024


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_a_body_larger_than_the_cap_is_refused_without_reading_it(declared: bool) -> None:
    """A server streams 256 MiB (declared up front, or chunked with no length): with
    ``max_body_bytes`` at 1 MiB the call raises ``ResponseTooLargeError`` naming the cap,
    is not retried, and the client stopped reading: the server could push only a few MiB
    (what socket buffers hold) before its connection was closed, and the client's memory
    never held the body."""
    pushed = 0
    requests = 0

    async def flood(request: web.Request) -> web.StreamResponse:
        nonlocal pushed, requests
        requests += 1
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        if declared:
            response.content_length = STREAMED
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b" " * 65536
        try:
            while pushed < STREAMED:
                await response.write(chunk)
                pushed += len(chunk)
        except ConnectionError:
            pass
        return response

    app = web.Application()
    app.router.add_get("/{tail:.*}", flood)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    tracemalloc.start()
    try:
        port = runner.addresses[0][1]
        async with confclient.connect(
            "telnyx",
            api_key="KEY0123",
            default_region="US",
            base_url=f"http://127.0.0.1:{port}/v2",
            max_body_bytes=CAP,
            retry=FAST,
        ) as svc:
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            error = await error_of(svc.get("big"))
            peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
        await runner.cleanup()
    assert isinstance(error, ResponseTooLargeError)
    assert f"max_body_bytes={CAP}" in str(error)
    assert requests == 1
    assert pushed < 32 * 1024 * 1024
    assert peak < 16 * 1024 * 1024


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_sandbox_page_over_the_cap_is_refused_with_a_clear_error(
    sb: Sandbox, provider: str
) -> None:
    """A real page larger than the configured cap: ``ResponseTooLargeError`` saying which
    request and which limit, once (a retry would be as large again). The default cap is
    8 MiB: far above any page (a 1000-record Twilio page is about 1 MiB), far below what
    would hurt a backend."""
    assert DEFAULT_MAX_BODY_BYTES == 8 * 1024 * 1024
    async with sb.connect(
        provider, default_region=ONE_REGION[provider], max_body_bytes=2048, retry=FAST
    ) as svc:
        assert svc.transport.max_body_bytes == 2048
        error = await error_of(svc.list(page_size=20).collect())
    assert isinstance(error, ResponseTooLargeError)
    assert "max_body_bytes=2048" in str(error)
    assert "/v2/conferences" in str(error) or TWILIO_LIST in str(error)
    assert sb.stats.total_requests == 1
    async with sb.connect(provider) as svc:
        assert svc.transport.max_body_bytes == DEFAULT_MAX_BODY_BYTES
