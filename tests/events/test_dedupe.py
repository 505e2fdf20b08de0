"""The dedupe stores: MemoryDedupe (bounded, expiring) and RedisDedupe against a real
redis-server, including two replicas sharing one Redis under concurrent duplicates."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from confclient import (
    ConferenceEvent,
    ConfigurationError,
    EventType,
    TransportError,
    webhook_verifier,
)
from confclient.events import Dedupe, MemoryDedupe, RedisDedupe, aiohttp_handler
from tests._webhooks import TELNYX_PUBLIC_KEY

from ._deliveries import telnyx_delivery
from .conftest import Serve


def event(ident: str, provider: str = "telnyx") -> ConferenceEvent:
    return ConferenceEvent(provider=provider, id=ident, type=EventType.UNKNOWN)


async def test_memory_dedupe_marks_forgets_and_is_bounded() -> None:
    dedupe = MemoryDedupe(max_size=3)
    assert isinstance(dedupe, Dedupe)
    assert await dedupe.first_time(event("a"))
    assert not await dedupe.first_time(event("a"))
    assert await dedupe.first_time(event("a", provider="twilio"))  # ids are per provider
    await dedupe.forget(event("a"))
    assert await dedupe.first_time(event("a"))
    for name in "bcde":
        await dedupe.first_time(event(name))
    assert len(dedupe) == 3
    assert await dedupe.first_time(event("b"))  # the oldest marks were dropped


async def test_memory_dedupe_marks_expire() -> None:
    now = [1000.0]
    dedupe = MemoryDedupe(ttl=60, clock=lambda: now[0])
    assert await dedupe.first_time(event("a"))
    now[0] += 59
    assert not await dedupe.first_time(event("a"))
    now[0] += 2
    assert await dedupe.first_time(event("a"))


@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
def test_bad_settings(bad: Any) -> None:
    with pytest.raises(ConfigurationError):
        MemoryDedupe(max_size=bad)
    with pytest.raises(ConfigurationError):
        MemoryDedupe(ttl=bad)
    with pytest.raises(ConfigurationError):
        RedisDedupe(object())


async def test_redis_dedupe_is_set_nx_ex(redis_client: Any) -> None:
    dedupe = RedisDedupe(redis_client, ttl=120, prefix="t:")
    assert isinstance(dedupe, Dedupe)
    assert await dedupe.first_time(event("a"))
    assert not await dedupe.first_time(event("a"))
    assert 0 < await redis_client.ttl("t:telnyx:a") <= 120
    await dedupe.forget(event("a"))
    assert await redis_client.exists("t:telnyx:a") == 0
    assert await dedupe.first_time(event("a"))
    firsts = await asyncio.gather(*(dedupe.first_time(event("b")) for _ in range(50)))
    assert firsts.count(True) == 1


async def test_an_unreachable_redis_is_a_transport_error_and_a_503(serve: Serve) -> None:
    import redis.asyncio
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    # Nothing listens on port 1; no retries, so the test does not wait out redis's backoff.
    client = redis.asyncio.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )
    try:
        dedupe = RedisDedupe(client)
        with pytest.raises(TransportError, match="Redis failed"):
            await dedupe.first_time(event("a"))
        verifier = webhook_verifier("telnyx", public_key=TELNYX_PUBLIC_KEY)
        base = await serve(("/h", aiohttp_handler(verifier, print, dedupe=dedupe)))
        headers, body = telnyx_delivery()
        async with (
            aiohttp.ClientSession() as session,
            session.post(base + "/h", data=body, headers=headers) as response,
        ):
            assert response.status == 503
    finally:
        await client.aclose()


async def test_two_replicas_sharing_one_redis_handle_each_event_once(
    serve: Serve, redis_url: str, redis_client: Any
) -> None:
    import redis.asyncio

    verifier = webhook_verifier("telnyx", public_key=TELNYX_PUBLIC_KEY)
    handled: list[tuple[str, str]] = []
    clients = [redis.asyncio.Redis.from_url(redis_url) for _ in range(2)]
    try:
        urls = []
        for replica, client in enumerate(clients):

            async def on_event(event: ConferenceEvent, replica: int = replica) -> None:
                await asyncio.sleep(0.005)
                handled.append((event.id, f"replica {replica}"))

            handler = aiohttp_handler(verifier, on_event, dedupe=RedisDedupe(client))
            urls.append(await serve(("/hooks", handler)) + "/hooks")
        deliveries = [telnyx_delivery() for _ in range(4)]
        async with aiohttp.ClientSession() as session:

            async def deliver(n: int, headers: dict[str, str], body: bytes) -> int:
                async with session.post(urls[n % 2], data=body, headers=headers) as response:
                    return response.status

            statuses = await asyncio.gather(
                *(deliver(n, h, b) for h, b in deliveries for n in range(50))
            )
        assert set(statuses) == {200}
        ids = [ident for ident, _ in handled]
        assert len(ids) == len(deliveries) == len(set(ids))
    finally:
        for client in clients:
            await client.aclose()
