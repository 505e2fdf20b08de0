"""Concurrent paging and fan-out, measured against the sandbox with latency (run by hand).

    python benchmarks/paging.py [--latency-ms 20] [--runs 3]

Questions, each answered side by side in one run, as ratios:

1. Listing 10,000 Telnyx conferences (one region, page size 250, 40 pages): how much faster
   with concurrent page fetch (``page_concurrency=16``, the default) than one page at a time
   (``page_concurrency=1``)? Target: at least 5x.
2. Fanning out over the four Telnyx regions of 2,500 each (10,000 in all) versus listing one
   region of 2,500: how much longer? Target: at most 1.3x.
3. ``svc.list()`` with no region (the four Telnyx regions merged, 10,000 in all) versus one
   region of 2,500: how much longer does it wait on the network? The wait is the wall-clock
   time minus the client's own CPU time (the CPU of decoding four times the records is counted
   apart, as the issue asks). Target: at most 1.3x.
4. ``svc.get(id)`` with a ``default_region`` that holds the record: how many requests? (A
   sandbox in this process counts them.) Target: exactly one.

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
from confclient.sandbox import Sandbox


async def _list_one(root: str, region: str, page_concurrency: int | None = None) -> int:
    options = {} if page_concurrency is None else {"page_concurrency": page_concurrency}
    async with connect("telnyx", root, **options) as svc:
        return len(await svc.list(region=region).collect())


async def _list_everywhere(root: str) -> int:
    async with connect("telnyx", root) as svc:
        return len(await svc.list().collect())


async def _fan_out(root: str) -> int:
    async with connect("telnyx", root) as svc:
        return len(await confclient.fan_out(svc).collect())


def _median_time(make: Callable[[], Awaitable[int]], runs: int, expected: int) -> float:
    return _median_wall_and_cpu(make, runs, expected)[0]


def _median_wall_and_cpu(
    make: Callable[[], Awaitable[int]], runs: int, expected: int
) -> tuple[float, float]:
    """Median wall-clock and client CPU seconds of ``runs`` runs (after one warm-up)."""
    asyncio.run(make())  # warm-up: the sandbox generates a region's data on first use
    walls, cpus = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        count = asyncio.run(make())
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - started_cpu)
        assert count == expected, count
    return statistics.median(walls), statistics.median(cpus)


async def _requests_of_a_get_with_a_default_region() -> int:
    async with Sandbox(size=100) as sb:
        conf_id = sb.telnyx_records("Europe")[42]["id"]
        async with sb.connect("telnyx", default_region="Europe") as svc:
            sb.stats.reset()
            assert (await svc.get(conf_id)).id == conf_id
            return sb.stats.total_requests


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
        one_wall, one_cpu = _median_wall_and_cpu(lambda: _list_one(root, "US"), args.runs, 2_500)
        all_wall, all_cpu = _median_wall_and_cpu(lambda: _list_everywhere(root), args.runs, 10_000)
    print(f"{'one region of 2,500':<46}  {one:>8.3f}")
    print(
        f"{'fan_out over 4 regions of 2,500 (10,000)':<46}  {four:>8.3f}  "
        f"{four / one:>6.2f}x  <= 1.3x the time"
    )
    one_wait, all_wait = one_wall - one_cpu, all_wall - all_cpu
    print(
        f"{'svc.list(region=...), 2,500: wall / CPU / wait':<46}  {one_wall:>8.3f}  "
        f"{one_cpu:.3f} / {one_wait:.3f}"
    )
    print(
        f"{'svc.list(), 4 regions merged: wall / CPU / wait':<46}  {all_wall:>8.3f}  "
        f"{all_cpu:.3f} / {all_wait:.3f}"
    )
    print(
        f"{'  network wait, every region vs one':<46}  {'':>8}  {all_wait / one_wait:>6.2f}x  "
        "<= 1.3x"
    )
    requests = asyncio.run(_requests_of_a_get_with_a_default_region())
    print(f"{'get(id), default_region holding it: requests':<46}  {requests:>8}  {'':>7}  = 1")


if __name__ == "__main__":
    main()
