"""Cancellation: 200 listings abandoned at random points leave nothing behind.

A web backend abandons listings all the time: a client disconnects, a handler times out, a
loop ``break``\\ s once it has enough. Each of those must stop the listing's requests in
flight and leave no task, no connection held, no unclosed resource. Here 200 listings on
two long-lived services (one per provider, as in a backend) are abandoned at points drawn
from a seeded generator, in every way a caller can: ``break`` out of items or pages, an
exception in the loop body, ``aclose()``, cancelling the task that iterates (while it waits
for a page, or while it works on one), and the same for ``fan_out`` streams. Requests are
slowed a little (2 ms) so that abandoning one really meets requests in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from typing import Any

import pytest

import confclient
from confclient import RetryPolicy
from confclient.sandbox import Sandbox
from tests._checks import resource_warnings_on_gc, wait_until

from ._support import client_tasks

LISTINGS = 200
SEED = 20240607
CAP = 4  # small, so that one leaked connection slot per listing would starve the service
REGIONS = {"telnyx": ("Australia", "Europe", "Middle East", "US"), "twilio": ("us1", "ie1")}
WAYS = (
    "break-items",
    "break-pages",
    "raise-in-body",
    "aclose",
    "cancel-while-waiting",
    "cancel-in-body",
    "fan-out-break",
    "fan-out-cancel",
)


class CallerError(Exception):
    """The caller's own error, raised from its loop body."""


def stop_after(rng: random.Random) -> int:
    """How many items (or pages) the caller takes before leaving: often within the first
    page, sometimes a few pages in."""
    return rng.choice([0, 1, rng.randrange(2, 10), rng.randrange(10, 60)])


async def abandon(svc: Any, way: str, rng: random.Random, sb: Sandbox, in_flight: list[int]) -> int:
    """List from ``svc`` and leave the way ``way`` says, at a random point; return how many
    items the caller received. At the moment of leaving, the server's count of requests in
    flight goes to ``in_flight``."""
    provider = svc.provider
    region = rng.choice(REGIONS[provider])
    page_size = rng.choice([3, 7, 10])
    after = stop_after(rng)
    received = 0

    async def consume(stream: Any, *, pages: bool = False) -> None:
        nonlocal received
        async for item in stream:
            received += len(item) if pages else 1
            if rng.random() < 0.3:
                await asyncio.sleep(0.001)  # the caller's own work on an item, now and then
            if received <= after:
                continue
            if way in ("break-items", "break-pages", "fan-out-break", "raise-in-body"):
                in_flight.append(sb.stats.in_flight)
                if way == "raise-in-body":
                    raise CallerError
                break
            if way in ("cancel-in-body", "fan-out-cancel"):
                await asyncio.sleep(10)  # still working on it when the cancellation comes

    if way in ("break-items", "raise-in-body"):
        with contextlib.suppress(CallerError):
            await consume(svc.list(region=region, page_size=page_size))
    elif way == "break-pages":
        await consume(svc.list(region=region, page_size=page_size).pages(), pages=True)
    elif way == "fan-out-break":
        await consume(confclient.fan_out(svc, regions=REGIONS[provider], page_size=page_size))
    elif way == "aclose":
        pager = svc.list(region=region, page_size=page_size)
        items = aiter(pager)
        for _ in range(after + 1):
            try:
                await anext(items)
            except StopAsyncIteration:
                break
            received += 1
        in_flight.append(sb.stats.in_flight)
        await pager.aclose()
    else:  # cancel the task that iterates, wherever it stands after a random time
        if way == "fan-out-cancel":
            stream: Any = confclient.fan_out(svc, regions=REGIONS[provider], page_size=page_size)
        else:
            stream = svc.list(region=region, page_size=page_size)
        task = asyncio.create_task(consume(stream))
        await asyncio.sleep(rng.uniform(0, 0.03))
        in_flight.append(sb.stats.in_flight)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return received


async def left_behind() -> list[asyncio.Task[Any]]:
    """The client tasks still pending once the loop had a few turns to finish closing an
    abandoned listing (Python hands an async generator left by ``break`` to the loop to
    close). Far shorter than a request takes here: a request left running is still there."""
    for _ in range(20):
        if not client_tasks():
            break
        await asyncio.sleep(0)
    return client_tasks()


async def test_200_listings_abandoned_at_random_points_leak_nothing() -> None:
    """200 listings (25 of each way, both providers) on two long-lived services, one after
    the other. Right after each is abandoned no task of it is pending: its requests in
    flight were cancelled, not left to finish (they take 5 ms at the server, far longer than
    the check). After all of them the server handles no request, and the two services,
    whose cap is 4 connections, still answer a full listing and a burst of gets: no
    connection slot leaked. Once the services are closed the server sees no connection
    open, and garbage collection finds no unclosed session, connector or socket (no
    ``ResourceWarning``)."""
    rng = random.Random(SEED)
    plan = [WAYS[i % len(WAYS)] for i in range(LISTINGS)]
    rng.shuffle(plan)
    retry = RetryPolicy(backoff_base=0.001)
    async with Sandbox(seed=7, size=60, latency_ms=5) as sb:
        services = {
            provider: sb.connect(provider, max_connections=CAP, retry=retry)
            for provider in ("telnyx", "twilio")
        }
        async with services["telnyx"], services["twilio"]:
            providers = [rng.choice(sorted(services)) for _ in plan]
            in_flight: list[int] = []
            received = []
            for provider, way in zip(providers, plan, strict=True):
                svc = services[provider]
                received.append(await abandon(svc, way, random.Random(rng.random()), sb, in_flight))
                assert not await left_behind(), (provider, way)
            await wait_until(lambda: sb.stats.in_flight == 0)
            # Still fully usable: a leaked slot or connection would make these hang.
            sb.set_latency(0)
            for provider, svc in services.items():
                region = REGIONS[provider][0]
                listed = await svc.list(region=region, page_size=7).collect()
                assert len(listed) == 60
                where = {"region": region} if provider == "telnyx" else {}
                got = await asyncio.gather(*(svc.get(c.id, **where) for c in listed[: 3 * CAP]))
                assert [c.id for c in got] == [c.id for c in listed[: 3 * CAP]]
        await wait_until(lambda: sb.open_connections == 0)
        assert not client_tasks()
        assert not resource_warnings_on_gc()
    # The plan really abandoned listings midway, in every way, on both providers.
    assert Counter(plan) == {way: LISTINGS // len(WAYS) for way in WAYS}
    assert set(providers) == {"telnyx", "twilio"}
    assert 0 < sum(received) < LISTINGS * 60
    assert sum(1 for n in received if n == 0) < LISTINGS // 2
    # ...and often while requests were in flight at the server.
    assert sum(1 for n in in_flight if n > 0) > len(in_flight) // 4


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_listing_cancelled_while_its_requests_are_in_flight_closes_them(
    provider: str,
) -> None:
    """The sharpest case, spelled out: cancel while the page requests are held at the
    server (100 ms each); the client closes them at once, so the server sees its
    connections drop without waiting for those requests to end."""
    async with Sandbox(seed=8, size=60) as sb:
        async with sb.connect(provider, max_connections=CAP) as svc:
            region = REGIONS[provider][0]
            sb.set_latency(100)
            task = asyncio.create_task(svc.list(region=region, page_size=5).collect())
            await wait_until(lambda: sb.stats.in_flight > 0)
            open_before = sb.open_connections
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert not client_tasks()
            await wait_until(lambda: sb.open_connections < open_before, within=0.05)
        await wait_until(lambda: sb.open_connections == 0)
