"""Records per second when listing from the sandbox (run by hand, prints a table).

    python benchmarks/listing_rate.py [--size 10000] [--runs 5] [--latency-ms 0]

The sandbox runs in its own process (``confclient sandbox``) so the client's event loop
does only client work. Each case lists one region of ``--size`` records at the provider's
largest page size and reports the median of ``--runs`` runs. The first run of each case
also warms the sandbox (it generates a region's data on first use) and is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import confclient
from confclient.sandbox import Sandbox


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def sandbox_process(size: int, latency_ms: float, seed: int = 0) -> Iterator[str]:
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "confclient",
        "sandbox",
        "--port",
        str(port),
        "--size",
        str(size),
        "--seed",
        str(seed),
        "--latency-ms",
        str(latency_ms),
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("twilio"):
                break
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)


async def _time_listing(provider: str, root: str, seed: int, region: str) -> tuple[float, int]:
    # Credentials are derived from the seed exactly as the sandbox derives them.
    creds = Sandbox(seed=seed, size=1)
    if provider == "telnyx":
        svc = confclient.connect("telnyx", api_key=creds.telnyx_api_key, base_url=f"{root}/v2")
    else:
        svc = confclient.connect(
            "twilio",
            account_sid=creds.twilio_account_sid,
            auth_token=creds.twilio_auth_token,
            base_url=f"{root}/v1",
        )
    async with svc:
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
        f"latency {args.latency_ms} ms/request, orjson={confclient._json.using_orjson}"
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
