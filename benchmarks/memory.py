"""Memory of a listing, honest and hostile, in fresh interpreters (run by hand).

    python benchmarks/memory.py [--runs 3]

Each case runs in a new Python process, listing from a server in another process, with a
consumer that keeps nothing (it counts records). Reported: peak RSS (``VmHWM``, see
``_peak``), and for the long listing RSS at two points. Issue 12's targets, side by side:

1. a hostile 17-page Telnyx listing (``benchmarks/_hostile_server.py``: each page after the
   first just under the 8 MiB body cap, made of empty records) at default settings: peak RSS
   within 1.5x of an honest 10,000-record listing;
2. 1,000,000 records: peak RSS within 1.1x of 10,000 records;
3. 20,000 pages of one record: RSS after the 20,000th page within 16 MiB of RSS after the
   2,000th.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _peak import peak_rss_kib
from _sandbox_process import _free_port, _wait_for_port, connect, sandbox_process

HERE = Path(__file__).resolve().parent
MIB = 1024 * 1024


def _rss() -> int:
    """This process's resident set size now, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss() -> int:
    return peak_rss_kib() * 1024


# -- what each child process runs -----------------------------------------------------------------


async def _honest(root: str, page_size: int | None, marks: list[int]) -> dict[str, Any]:
    seen: dict[str, int] = {}
    count = 0
    async with connect("telnyx", root) as svc:
        async for _ in svc.list(region="US", page_size=page_size):
            count += 1
            if count in marks:
                seen[str(count)] = _rss()
    return {"records": count, "rss_at": seen}


async def _hostile(root: str) -> dict[str, Any]:
    import confclient

    async with connect("telnyx", root) as svc:
        try:
            await svc.list(region="US").collect()
        except confclient.ConfClientError as error:
            return {"error": type(error).__name__}
    return {"error": None}


def child(case: str, root: str) -> None:
    if case == "hostile":
        result = asyncio.run(_hostile(root))
    elif case == "pages":
        result = asyncio.run(_honest(root, 1, [2_000, 20_000]))
    else:
        result = asyncio.run(_honest(root, None, []))
    result["peak_rss"] = _peak_rss()
    print(json.dumps(result))


# -- the parent ---------------------------------------------------------------------------------


def _measure(case: str, root: str, runs: int) -> list[dict[str, Any]]:
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, str(Path(__file__)), "--child", case, root],
            check=True,
            capture_output=True,
            text=True,
            cwd=HERE,
        )
        results.append(json.loads(out.stdout))
    return results


@contextmanager
def _hostile_server() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_hostile_server.py"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(proc, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _median_peak(results: list[dict[str, Any]]) -> float:
    return statistics.median(r["peak_rss"] for r in results) / MIB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("CASE", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    started = time.perf_counter()
    with sandbox_process(10_000, 0) as root:
        _measure("honest", root, 1)  # warm-up: the sandbox generates the region
        ten_thousand = _median_peak(_measure("honest", root, args.runs))
    with _hostile_server() as root:
        hostile_runs = _measure("hostile", root, args.runs)
    hostile = _median_peak(hostile_runs)
    with sandbox_process(1_000_000, 0) as root:
        _measure("honest", root, 1)
        million = _median_peak(_measure("honest", root, args.runs))
    with sandbox_process(20_000, 0) as root:
        _measure("pages", root, 1)
        pages = _measure("pages", root, args.runs)
    growth = statistics.median((r["rss_at"]["20000"] - r["rss_at"]["2000"]) / MIB for r in pages)
    elapsed = time.perf_counter() - started
    print(f"median of {args.runs} runs, each in a fresh interpreter ({elapsed:.0f} s)")
    print(f"{'case':<58}  {'peak RSS':>9}  {'ratio':>6}  target")
    print(f"{'honest Telnyx listing, 10,000 records':<58}  {ten_thousand:>6.1f} MiB")
    ended = "/".join(sorted({str(r["error"]) for r in hostile_runs}))
    label = f"hostile 17 pages of 8 MiB of {{}} (ends: {ended})"
    print(f"{label:<58}  {hostile:>6.1f} MiB  {hostile / ten_thousand:>5.2f}x  <= 1.5x")
    print(
        f"{'honest Telnyx listing, 1,000,000 records':<58}  {million:>6.1f} MiB  "
        f"{million / ten_thousand:>5.2f}x  <= 1.1x"
    )
    print(
        f"{'20,000 pages of 1 record: RSS after 20,000 minus after 2,000':<58}  "
        f"{growth:>6.1f} MiB  {'':>6}  <= 16 MiB"
    )


if __name__ == "__main__":
    main()
