"""``aiohttp_handler`` over real HTTP on loopback, with really signed deliveries: the status
codes DESIGN.md gives, duplicates, a failing ``on_event`` and the URL behind a proxy."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from confclient import ConferenceEvent, ConfigurationError, EventType, webhook_verifier
from confclient.events import MemoryDedupe, aiohttp_handler
from tests._webhooks import TELNYX_PUBLIC_KEY, TWILIO_TOKEN

from ._deliveries import telnyx_delivery, twilio_delivery
from .conftest import Serve


async def post(url: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status, await response.text()


@pytest.fixture
def telnyx() -> object:
    return webhook_verifier("telnyx", public_key=TELNYX_PUBLIC_KEY)


@pytest.fixture
def twilio() -> object:
    return webhook_verifier("twilio", auth_token=TWILIO_TOKEN)


async def test_an_event_is_handled_once(serve: Serve, telnyx: object) -> None:
    seen: list[ConferenceEvent] = []

    async def on_event(event: ConferenceEvent) -> None:
        seen.append(event)

    base = await serve(("/hooks", aiohttp_handler(telnyx, on_event)))  # type: ignore[arg-type]
    headers, body = telnyx_delivery()
    assert await post(base + "/hooks", headers, body) == (200, "ok\n")
    assert await post(base + "/hooks", headers, body) == (200, "duplicate\n")
    assert [event.type for event in seen] == [EventType.PARTICIPANT_JOINED]


async def test_refusals_echo_nothing(serve: Serve, telnyx: object) -> None:
    calls: list[ConferenceEvent] = []
    base = await serve(("/hooks", aiohttp_handler(telnyx, calls.append)))  # type: ignore[arg-type]
    headers, body = telnyx_delivery()
    tampered = body.replace(b"v3:leg", b"v3:log")
    status, text = await post(base + "/hooks", headers, tampered)
    assert (status, text) == (403, "signature refused: bad_signature\n")
    stale = {**headers, "Telnyx-Timestamp": "1000000000"}
    assert (await post(base + "/hooks", stale, body))[0] == 403
    assert (await post(base + "/hooks", {}, body)) == (403, "signature refused: missing_header\n")
    from tests._webhooks import telnyx_headers

    junk = b'{"data": "no event here"}'
    import time

    status, text = await post(base + "/hooks", telnyx_headers(junk, int(time.time())), junk)
    assert (status, text) == (400, "not a documented event\n")
    assert calls == []


async def test_a_failing_on_event_is_500_and_the_redelivery_runs_it(
    serve: Serve, telnyx: object
) -> None:
    attempts: list[str] = []

    async def on_event(event: ConferenceEvent) -> None:
        attempts.append(event.id)
        if len(attempts) == 1:
            raise RuntimeError("database down")

    base = await serve(("/hooks", aiohttp_handler(telnyx, on_event)))  # type: ignore[arg-type]
    headers, body = telnyx_delivery()
    assert await post(base + "/hooks", headers, body) == (500, "handler failed\n")
    assert await post(base + "/hooks", headers, body) == (200, "ok\n")
    assert await post(base + "/hooks", headers, body) == (200, "duplicate\n")
    assert len(attempts) == 2


async def test_no_dedupe_calls_on_event_for_every_delivery(serve: Serve, telnyx: object) -> None:
    seen: list[ConferenceEvent] = []
    handler = aiohttp_handler(telnyx, seen.append, dedupe=None)  # type: ignore[arg-type]
    base = await serve(("/hooks", handler))
    headers, body = telnyx_delivery()
    for _ in range(3):
        assert (await post(base + "/hooks", headers, body))[0] == 200
    assert len(seen) == 3


async def test_concurrent_duplicates_run_on_event_once(serve: Serve, telnyx: object) -> None:
    seen: list[str] = []

    async def on_event(event: ConferenceEvent) -> None:
        await asyncio.sleep(0.01)
        seen.append(event.id)

    dedupe = MemoryDedupe(max_size=10)
    base = await serve(("/hooks", aiohttp_handler(telnyx, on_event, dedupe=dedupe)))  # type: ignore[arg-type]
    deliveries = [telnyx_delivery() for _ in range(5)]
    results = await asyncio.gather(
        *(post(base + "/hooks", h, b) for h, b in deliveries for _ in range(10))
    )
    assert {status for status, _ in results} == {200}
    assert sorted(seen) == sorted(json_id(b) for _, b in deliveries)


def json_id(body: bytes) -> str:
    import json

    ident: str = json.loads(body)["data"]["id"]
    return ident


# -- the URL Twilio signed ----------------------------------------------------------------------


async def test_twilio_on_its_own_url(serve: Serve, twilio: object) -> None:
    seen: list[ConferenceEvent] = []
    base = await serve(("/hooks/twilio", aiohttp_handler(twilio, seen.append)))  # type: ignore[arg-type]
    url = base + "/hooks/twilio?tenant=a%20b"
    headers, body = twilio_delivery(url)
    assert await post(url, headers, body) == (200, "ok\n")
    assert seen[0].muted is False


async def test_behind_a_proxy_with_public_url(serve: Serve, twilio: object) -> None:
    public = "https://hooks.example.com/twilio"
    seen: list[ConferenceEvent] = []
    handler = aiohttp_handler(twilio, seen.append, public_url=public)  # type: ignore[arg-type]
    plain = aiohttp_handler(twilio, seen.append)  # type: ignore[arg-type]
    base = await serve(("/in", handler), ("/plain", plain))
    headers, body = twilio_delivery(public + "?tenant=7")
    assert await post(base + "/in?tenant=7", headers, body) == (200, "ok\n")
    # Without it the handler sees its own URL, not the one Twilio signed.
    headers, body = twilio_delivery(public + "?tenant=7", sequence=2)
    assert (await post(base + "/plain?tenant=7", headers, body))[0] == 403
    assert len(seen) == 1


@pytest.mark.parametrize(
    "proxy_headers",
    [
        {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "hooks.example.com"},
        {"Forwarded": "for=1.2.3.4;proto=https;host=hooks.example.com"},
        {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "hooks.example.com",
            "X-Forwarded-Port": "443",
        },
    ],
)
async def test_behind_a_proxy_trusting_forwarded_headers(
    serve: Serve, twilio: object, proxy_headers: dict[str, str]
) -> None:
    seen: list[ConferenceEvent] = []
    trusting = aiohttp_handler(twilio, seen.append, trust_forwarded=True)  # type: ignore[arg-type]
    default = aiohttp_handler(twilio, seen.append)  # type: ignore[arg-type]
    base = await serve(("/t", trusting), ("/d", default))
    headers, body = twilio_delivery("https://hooks.example.com/t")
    assert await post(base + "/t", {**headers, **proxy_headers}, body) == (200, "ok\n")
    headers, body = twilio_delivery("https://hooks.example.com/d", sequence=2)
    assert (await post(base + "/d", {**headers, **proxy_headers}, body))[0] == 403


def test_bad_arguments_are_refused_up_front(twilio: object) -> None:
    with pytest.raises(ConfigurationError):
        aiohttp_handler(object(), print)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        aiohttp_handler(twilio, "print")  # type: ignore[arg-type]
    for bad in ("hooks.example.com/x", "ftp://x/y", "https://x/y?a=1"):
        with pytest.raises(ConfigurationError):
            aiohttp_handler(twilio, print, public_url=bad)  # type: ignore[arg-type]
