"""The page window held at fixed sizes, side by side in one process (run by hand).

    python benchmarks/window.py [--latency-ms 0] [--sizes 2,3,4,5,7] [--rounds 16]

Lists one Telnyx region of 10,000 records from a sandbox in its own process with the pager's
window (the pages kept in flight, ``confclient._window``) forced to each size in turn once the
first page is measured, alternating size by size so that a busy machine slows all alike, and
prints the median and best wall time of each. It is how the smallest window (``MIN_WINDOW``)
was chosen: on loopback the model asks for 2 or 3 pages, but 4 measured faster. Peak memory
is the benchmark harness's business (``python -m benchmarks --cases telnyx-0ms``): one
process cannot tell the sizes' peaks apart.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from _sandbox_process import connect, sandbox_process

import confclient._window as window


class _Forced:
    """Sets every window to ``size`` once it is sized (``None``: as the pager sizes it)."""

    def __init__(self) -> None:
        self.size: int | None = None
        self._sized = window.PageWindow.first_decoded

    def install(self) -> None:
        forced = self

        def first_decoded(self: window.PageWindow, seconds: float) -> None:
            forced._sized(self, seconds)
            if forced.size is not None:
                self.size = min(forced.size, self.maximum)

        window.PageWindow.first_decoded = first_decoded  # type: ignore[method-assign]


async def _listing(svc: Any) -> float:
    started = time.perf_counter()
    async for conference in svc.list(region="US", page_size=250):
        hash(conference.id)
    return time.perf_counter() - started


async def _compare(root: str, sizes: list[int | None], rounds: int, forced: _Forced) -> None:
    times: dict[int | None, list[float]] = {size: [] for size in sizes}
    async with connect("telnyx", root) as svc:
        for _ in range(2):
            await _listing(svc)
        for round_number in range(rounds):
            for size in sizes if round_number % 2 else list(reversed(sizes)):
                forced.size = size
                times[size].append(await _listing(svc))
    for size, taken in times.items():
        label = "as sized" if size is None else f"{size} pages"
        print(
            f"  window {label:<9} median {statistics.median(taken) * 1e3:6.1f} ms"
            f"  best {min(taken) * 1e3:6.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python benchmarks/window.py")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--sizes", default="2,3,4,5,7", help="comma-separated window sizes")
    parser.add_argument("--rounds", type=int, default=16)
    args = parser.parse_args()
    sizes: list[int | None] = [int(size) for size in args.sizes.split(",") if size]
    sizes.append(None)
    forced = _Forced()
    forced.install()
    print(f"Telnyx, 10,000 records, {args.latency_ms:g} ms per request, median of {args.rounds}")
    with sandbox_process(10_000, args.latency_ms) as root:
        asyncio.run(_compare(root, sizes, args.rounds, forced))


if __name__ == "__main__":
    main()
