"""What one more page costs a 0 ms listing's CPU, beside the raw floor's (run by hand).

    python benchmarks/per_page.py [--rounds 9]

Lists one Telnyx region of 10,000 records from a sandbox in its own process at page size
250 (40 pages) and at page size 25 (400 pages), with confclient and with the raw floor's
loop (aiohttp + orjson, pages one after another), and prints the CPU (``time.process_time``)
each spends per extra page: the difference between the two listings over the 360 extra
pages. The records are the same, so what is left is the cost of a page itself: the request,
the response, and for confclient its pager and transport (timeouts, retries, budget,
redaction, page guard).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import aiohttp
import orjson
from _sandbox_process import connect, credentials, sandbox_process

import confclient

SIZES = (250, 25)
RECORDS = 10_000


async def _confclient(svc: confclient.ConferenceService, page_size: int) -> float:
    started = time.process_time()
    async for conference in svc.list(region="US", page_size=page_size):
        hash(conference.id)
    return time.process_time() - started


async def _floor(session: aiohttp.ClientSession, root: str, page_size: int) -> float:
    started = time.process_time()
    number, total = 1, 1
    while number <= total:
        params = {"region": "US", "page[size]": str(page_size), "page[number]": str(number)}
        async with session.get(f"{root}/v2/conferences", params=params) as resp:
            page = orjson.loads(await resp.read())
        for record in page["data"]:
            hash(record["id"])
        total, number = page["meta"]["total_pages"], number + 1
    return time.process_time() - started


async def _measure(root: str, rounds: int) -> None:
    authorization = f"Bearer {credentials()['telnyx_api_key']}"
    async with (
        connect("telnyx", root) as svc,
        aiohttp.ClientSession(headers={"Authorization": authorization}) as session,
    ):
        cpu: dict[tuple[str, int], list[float]] = {}
        for size in SIZES:
            for _ in range(2):  # warm-up
                await _confclient(svc, size)
                await _floor(session, root, size)
            for _ in range(rounds):
                cpu.setdefault(("confclient", size), []).append(await _confclient(svc, size))
                cpu.setdefault(("floor", size), []).append(await _floor(session, root, size))
    extra_pages = RECORDS // SIZES[1] - RECORDS // SIZES[0]
    print(f"CPU per extra page, Telnyx at 0 ms (median of {rounds}; {extra_pages} extra pages)")
    for client in ("confclient", "floor"):
        small, large = (statistics.median(cpu[client, size]) for size in SIZES)
        print(
            f"  {client:<11} {(large - small) / extra_pages * 1e6:6.1f} µs a page "
            f"(listing: {small * 1e3:.1f} ms at {SIZES[0]}, {large * 1e3:.1f} ms at {SIZES[1]})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python benchmarks/per_page.py")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    with sandbox_process(RECORDS, 0) as root:
        asyncio.run(_measure(root, args.rounds))


if __name__ == "__main__":
    main()
