"""The ``pause_gc`` option, both ways, in one process (run by hand).

    python benchmarks/gc_pause.py [--rounds 20]

Lists 10,000 records of one region per provider from a sandbox in its own process, with two
services in one interpreter, one with ``pause_gc=True`` (the default) and one with
``pause_gc=False``, alternating listing by listing so that a busy machine slows both alike.
Prints the median and best listing time of each and their ratio, with the collector's own
count of collections by generation during the timed listings.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from typing import Any

from _sandbox_process import connect, sandbox_process

REGIONS = {"telnyx": ("US", 250), "twilio": ("us1", 1000)}


async def _listing(svc: Any, region: str, page_size: int) -> float:
    started = time.perf_counter()
    async for conference in svc.list(region=region, page_size=page_size):
        hash(conference.id)
    return time.perf_counter() - started


async def _compare(root: str, provider: str, rounds: int) -> None:
    region, page_size = REGIONS[provider]
    times: dict[bool, list[float]] = {True: [], False: []}
    collections: dict[bool, list[int]] = {True: [0, 0, 0], False: [0, 0, 0]}
    async with (
        connect(provider, root, pause_gc=True) as paused,
        connect(provider, root, pause_gc=False) as plain,
    ):
        services = {True: paused, False: plain}
        for svc in services.values():
            for _ in range(2):
                await _listing(svc, region, page_size)
        for round_number in range(rounds):
            for pause in (True, False) if round_number % 2 else (False, True):
                before = [s["collections"] for s in gc.get_stats()]
                times[pause].append(await _listing(services[pause], region, page_size))
                after = [s["collections"] for s in gc.get_stats()]
                for generation in range(3):
                    collections[pause][generation] += after[generation] - before[generation]
    for pause in (True, False):
        per_listing = "/".join(f"{n / rounds:.1f}" for n in collections[pause])
        median, best = statistics.median(times[pause]), min(times[pause])
        print(
            f"{provider:7} pause_gc={pause!s:5}  median {median * 1e3:6.1f} ms"
            f"  best {best * 1e3:6.1f} ms  collections per listing (gen 0/1/2) {per_listing}"
        )
    ratio = statistics.median(times[False]) / statistics.median(times[True])
    print(f"{provider:7} without the pause a listing takes {ratio:.2f}x the time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with sandbox_process(10_000, 0) as root:
        for provider in REGIONS:
            asyncio.run(_compare(root, provider, args.rounds))


if __name__ == "__main__":
    main()
