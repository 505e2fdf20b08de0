"""Load: 1,000 concurrent calls on one service, under its cap, and memory back to baseline.

One service is shared by everything a web backend does at once. ``max_connections`` is a
promise to the provider and to the host: never more requests in flight than that, however
many callers wait. The sandbox counts the requests it is handling at every moment, so the
cap is checked where it matters, at the server. Afterwards nothing of the burst may stay
alive: the live objects of each kind a request creates are counted before and after (an
exact, deterministic count, not a memory figure that drifts with allocator caches).
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from collections import Counter
from typing import Any

import aiohttp
import aiohttp.client_proto

import confclient
from confclient.sandbox import Sandbox
from confclient.transport import Response

from ._support import client_tasks

CALLS = 1_000
CAP = 20

# What one call creates; any of them left alive after the burst is a leak.
TRACKED: tuple[type, ...] = (
    asyncio.Task,
    asyncio.Future,
    aiohttp.ClientResponse,
    aiohttp.ClientRequest,
    aiohttp.client_proto.ResponseHandler,
    Response,
    confclient.Conference,
    confclient.ConfClientError,
)


def live_objects() -> Counter[str]:
    """Live objects of the tracked kinds, by kind, after a full collection."""
    gc.collect()
    counts: Counter[str] = Counter()
    for obj in gc.get_objects():
        for kind in TRACKED:
            if isinstance(obj, kind):
                counts[kind.__qualname__] += 1
    return counts


async def burst(svc: Any, ids: list[str]) -> list[str]:
    """``get`` every id at once; the ids of what came back. Then let the loop settle (its
    last callbacks hold the finished futures until the next turns)."""
    results = await asyncio.gather(*(svc.get(conf_id, region="US") for conf_id in ids))
    got = [conf.id for conf in results]
    del results
    await asyncio.sleep(0.01)
    return got


def traced_bytes() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


async def test_1000_concurrent_gets_stay_under_the_cap_and_leave_nothing_behind() -> None:
    """1,000 ``get`` calls at once on one service with ``max_connections=20``: all succeed
    with the right record, the server never handles more than 20 at a time (and does reach
    20: the cap, not the workload, was the limit), and once they are done the live tasks,
    futures, requests, responses, connection protocols, conferences and errors are what they
    were before. Memory (traced by ``tracemalloc``) after a second burst is what it was after
    the first, within 256 KiB (about 260 bytes a call), while a burst's peak is many MiB: a
    leak of any one object per call would show."""
    async with Sandbox(seed=1, size=CALLS, latency_ms=1) as sb:
        ids = [r["id"] for r in sb.telnyx_records("US")]
        async with sb.connect("telnyx", max_connections=CAP) as svc:
            # Warm up: open the pool's connections and fill the caches once.
            assert await burst(svc, ids) == ids
            baseline = live_objects()
            sb.stats.reset()
            tracemalloc.start()
            try:
                assert await burst(svc, ids) == ids
                first = traced_bytes()
                tracemalloc.reset_peak()
                assert await burst(svc, ids) == ids
                second = traced_bytes()
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            after = live_objects()
            assert not client_tasks()
        assert sb.stats.total_requests == 2 * CALLS
        assert sb.stats.max_in_flight == CAP
        assert after == baseline
        assert second - first < 256 * 1024
        assert peak - first > 2 * 1024 * 1024
