"""The sandbox for the participant benchmark, in its own process:
``python -m benchmarks._participants_server --port P --count N --latency-ms MS``.

The first conference of Telnyx's ``US`` region and of Twilio's ``us1`` get ``--count``
participants (set before anything lists them); it prints one JSON line naming both
conferences once it listens, and serves until terminated.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from confclient.sandbox import Sandbox

#: Where the benchmark's conferences are (the listing regions of the conference cases).
TELNYX_REGION = "US"
TWILIO_REGION = "us1"


async def _serve(port: int, count: int, latency_ms: float, seed: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # A few conferences per region: the participants are what is measured.
    async with Sandbox(seed=seed, size=4, latency_ms=latency_ms, port=port) as sb:
        telnyx = sb.telnyx_records(TELNYX_REGION)[0]["id"]
        twilio = sb.twilio_records(TWILIO_REGION)[0]["conference_sid"]
        sb.telnyx_participant_counts[telnyx] = count
        sb.twilio_participant_counts[twilio] = count
        print(json.dumps({"telnyx": telnyx, "twilio": twilio}), flush=True)
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._participants_server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(_serve(args.port, args.count, args.latency_ms, args.seed))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
