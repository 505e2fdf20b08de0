"""Concurrent paging and fan-out, measured against the sandbox with latency (run by hand).

    python benchmarks/paging.py [--latency-ms 20] [--runs 3]

Two questions, each answered side by side in one run, as ratios:

1. Listing 10,000 Telnyx conferences (one region, page size 250, 40 pages): how much faster
   with concurrent page fetch (``page_concurrency=16``, the default) than one page at a time
   (``page_concurrency=1``)? Target: at least 5x.
2. Fanning out over the four Telnyx regions of 2,500 each (10,000 in all) versus listing one
   region of 2,500: how much longer? Target: at most 1.3x.

The sandbox runs in its own process and sleeps ``--latency-ms`` per request.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

from _sandbox_process import connect, sandbox_process

import confclient


async def _list_one(root: str, region: str, page_concurrency: int | None = None) -> int:
    options = {} if page_concurrency is None else {"page_concurrency": page_concurrency}
    async with connect("telnyx", root, **options) as svc:
        return len(await svc.list(region=region).collect())


async def _fan_out(root: str) -> int:
    async with connect("telnyx", root) as svc:
        return len(await confclient.fan_out(svc).collect())


def _median_time(make: Callable[[], Awaitable[int]], runs: int, expected: int) -> float:
    asyncio.run(make())  # warm-up: the sandbox generates a region's data on first use
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        count = asyncio.run(make())
        times.append(time.perf_counter() - started)
        assert count == expected, count
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"latency {args.latency_ms} ms/request, median of {args.runs} runs")
    print(f"{'case':<46}  {'seconds':>8}  {'ratio':>7}  target")
    with sandbox_process(10_000, args.latency_ms) as root:
        concurrent = _median_time(lambda: _list_one(root, "US"), args.runs, 10_000)
        sequential = _median_time(lambda: _list_one(root, "US", 1), args.runs, 10_000)
    print(f"{'10,000 Telnyx, page_concurrency=1':<46}  {sequential:>8.3f}")
    print(
        f"{'10,000 Telnyx, default page_concurrency (16)':<46}  {concurrent:>8.3f}  "
        f"{sequential / concurrent:>6.1f}x  >= 5x faster"
    )
    with sandbox_process(2_500, args.latency_ms) as root:
        one = _median_time(lambda: _list_one(root, "US"), args.runs, 2_500)
        four = _median_time(lambda: _fan_out(root), args.runs, 10_000)
    print(f"{'one region of 2,500':<46}  {one:>8.3f}")
    print(
        f"{'fan_out over 4 regions of 2,500 (10,000)':<46}  {four:>8.3f}  "
        f"{four / one:>6.2f}x  <= 1.3x the time"
    )


if __name__ == "__main__":
    main()
