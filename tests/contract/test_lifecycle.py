"""Leaving a listing early, by any road, leaks nothing: no task, no session, no socket.

A listing prefetches its next page while the caller consumes the current one; each test
first makes that prefetch slow (sandbox latency), so a request left running would still be
pending when the test looks.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from tests._checks import wait_until

from ._support import (
    FAST_RETRY,
    PAGE_SIZE,
    assert_gc_warns_nothing,
    assert_no_client_tasks,
    client_tasks,
)

if TYPE_CHECKING:
    from confclient.sandbox import Sandbox

    from .conftest import ProviderProfile

SLOW_MS = 150  # latency of requests sent after the first page arrived
SETTLE = 0.03  # well under SLOW_MS: enough for the loop to finalise an abandoned listing


class Boom(Exception):
    pass


def _assert_closed(session: aiohttp.ClientSession | None) -> None:
    assert session is not None, "the service never opened a session"
    assert session.closed


@pytest.mark.parametrize(
    ("by", "how"),
    [("items", "break"), ("pages", "break"), ("items", "raise"), ("pages", "raise")],
    ids=["break-items", "break-pages", "raise-items", "raise-pages"],
)
async def test_leaving_the_loop_early_cancels_the_prefetch(
    profile: ProviderProfile, sb: Sandbox, by: str, how: str
) -> None:
    async with profile.connect(sb, retry=FAST_RETRY) as svc:
        pager = svc.list(region=profile.region, page_size=PAGE_SIZE)
        with pytest.raises(Boom) if how == "raise" else contextlib.nullcontext():
            # Nothing but the loop holds the iterator, as in `async for x in svc.list()`.
            async for _ in pager if by == "items" else pager.pages():
                sb.set_latency(SLOW_MS)  # the prefetch, not yet sent, will hang there
                if how == "raise":
                    raise Boom
                break
        session = svc.transport.session
        await asyncio.sleep(SETTLE)
        assert_no_client_tasks()  # cancelled, not left to finish on its own
        assert pager.resume_token is not None
    _assert_closed(session)
    assert_no_client_tasks()
    assert_gc_warns_nothing()


@pytest.mark.parametrize("where", ["awaiting-a-page", "in-the-loop-body"])
async def test_cancelling_a_task_mid_listing_leaks_nothing(
    profile: ProviderProfile, sb: Sandbox, where: str
) -> None:
    consumed: list[str] = []
    inside = asyncio.Event()

    async def consume(svc: Any) -> None:
        async for conf in svc.list(region=profile.region, page_size=PAGE_SIZE):
            consumed.append(conf.id)
            if where == "in-the-loop-body" and len(consumed) == 3:
                sb.set_latency(SLOW_MS)
                inside.set()
                await asyncio.sleep(60)

    async with profile.connect(sb, retry=FAST_RETRY) as svc:
        if where == "awaiting-a-page":
            sb.set_latency(SLOW_MS)
        task = asyncio.create_task(consume(svc))
        if where == "in-the-loop-body":
            await inside.wait()
        # The first page, or the prefetch of the second, reached the server and hangs there.
        await wait_until(lambda: sb.stats.in_flight > 0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        session = svc.transport.session
        await asyncio.sleep(SETTLE)
        assert_no_client_tasks()
    _assert_closed(session)
    assert_no_client_tasks()
    assert_gc_warns_nothing()
    assert len(consumed) == (0 if where == "awaiting-a-page" else 3)


async def test_leaving_the_service_stops_a_listing_still_held(
    profile: ProviderProfile, sb: Sandbox, expected: list[str]
) -> None:
    async with profile.connect(sb, retry=FAST_RETRY) as svc:
        pager = svc.list(region=profile.region, page_size=PAGE_SIZE)
        items = aiter(pager)
        first = await anext(items)
        sb.set_latency(SLOW_MS)
        session = svc.transport.session
        assert client_tasks(), "expected the next page to be prefetched"
    _assert_closed(session)
    assert_no_client_tasks()
    # (Iterating `items` again should end it, but before Python 3.13 CPython leaves an async
    # generator marked "running" when its aclose() awaited a cancelled task, so anext()
    # raises RuntimeError there: not something to pin in a contract.)
    sb.set_latency(0)
    token = pager.resume_token
    assert token is not None  # the position survives the close
    async with profile.connect(sb, retry=FAST_RETRY) as other:
        rest = await other.list(resume_token=token).collect()
    assert [first.id, *(c.id for c in rest)] == expected
    assert_no_client_tasks()
    assert_gc_warns_nothing()


async def test_a_caller_owned_session_is_left_open(
    profile: ProviderProfile, sb: Sandbox, expected: list[str]
) -> None:
    async with aiohttp.ClientSession() as own:
        async with profile.connect(sb, session=own, retry=FAST_RETRY) as svc:
            assert svc.transport.session is own
            got = await svc.list(region=profile.region, page_size=PAGE_SIZE).collect()
            assert [c.id for c in got] == expected
            async for _ in svc.list(region=profile.region, page_size=PAGE_SIZE):
                break
        assert not own.closed
        async with own.get(sb.base_url + "/") as response:  # still usable
            await response.read()
        await asyncio.sleep(SETTLE)
        assert_no_client_tasks()
    assert own.closed
    assert_gc_warns_nothing()
