"""``python -m confclient.sandbox``: run a sandbox in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ._serve import serve


def main(argv: Sequence[str] | None = None) -> None:
    """Parse command-line options and run :func:`~confclient.sandbox.serve`."""
    parser = argparse.ArgumentParser(
        prog="python -m confclient.sandbox",
        description="Serve emulated provider conference APIs on loopback.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=100, help="records per region")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    args = parser.parse_args(argv)
    serve(
        host=args.host,
        port=args.port,
        seed=args.seed,
        size=args.size,
        latency_ms=args.latency_ms,
        fault_rate=args.fault_rate,
    )


if __name__ == "__main__":
    main()
