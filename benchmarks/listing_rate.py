"""Records per second when listing from the sandbox (run by hand, prints a table).

    python benchmarks/listing_rate.py [--size 10000] [--runs 5] [--latency-ms 0]

The sandbox runs in its own process (``python -m confclient.sandbox``) so the client's loop
does only client work. Each case lists one region of ``--size`` records at the provider's
largest page size and reports the median of ``--runs`` runs. The first run of each case
also warms the sandbox (it generates a region's data on first use) and is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

from _sandbox_process import connect, sandbox_process

from confclient._json import using_orjson


async def _time_listing(provider: str, root: str, seed: int, region: str) -> tuple[float, int]:
    async with connect(provider, root, seed) as svc:
        started = time.perf_counter()
        count = 0
        async for _ in svc.list(region=region):
            count += 1
        return time.perf_counter() - started, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    cases = [("telnyx", "US", 250), ("twilio", "us1", 1000)]
    print(
        f"listing {args.size} records, median of {args.runs} runs, "
        f"latency {args.latency_ms} ms/request, orjson={using_orjson}"
    )
    print(f"{'provider':<8}  {'page size':>9}  {'median s':>9}  {'records/s':>10}")
    with sandbox_process(args.size, args.latency_ms) as root:
        for provider, region, page_size in cases:
            asyncio.run(_time_listing(provider, root, 0, region))  # warm-up
            times = []
            for _ in range(args.runs):
                elapsed, count = asyncio.run(_time_listing(provider, root, 0, region))
                assert count == args.size, (provider, count)
                times.append(elapsed)
            median = statistics.median(times)
            print(f"{provider:<8}  {page_size:>9}  {median:>9.3f}  {args.size / median:>10,.0f}")


if __name__ == "__main__":
    main()
