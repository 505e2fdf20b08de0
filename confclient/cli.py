"""The ``confclient`` command.

``confclient demo`` starts the embedded sandbox in-process and lists the conferences of every
region of every provider it serves; ``confclient sandbox`` serves the sandbox until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from ._version import __version__
from .errors import ConfClientError
from .model import Conference

__all__ = ["main"]


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text}")
    return value


def _rate(text: str) -> float:
    value = _non_negative_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got {text}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="confclient",
        description="List, fetch and create voice conferences on any telephony provider.",
    )
    parser.add_argument("--version", action="version", version=f"confclient {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo",
        help="start the sandbox in-process and list every region's conferences",
        description="Start the embedded sandbox and print the conferences of every region.",
    )
    demo.add_argument("--seed", type=int, default=0, help="sandbox data seed (default 0)")
    demo.add_argument(
        "--size", type=_positive_int, default=5, help="conferences per region (default 5)"
    )
    demo.add_argument(
        "--latency-ms", type=_non_negative_float, default=0.0, help="sandbox latency per request"
    )

    sandbox = commands.add_parser(
        "sandbox",
        help="serve the provider sandbox on loopback until Ctrl-C",
        description="Serve the local provider emulator; prints base URLs and test credentials.",
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    sandbox.add_argument("--port", type=_port, default=8765, help="port (default 8765; 0 = any)")
    sandbox.add_argument("--seed", type=int, default=0, help="data seed (default 0)")
    sandbox.add_argument(
        "--size", type=_positive_int, default=100, help="conferences per region (default 100)"
    )
    sandbox.add_argument(
        "--latency-ms", type=_non_negative_float, default=0.0, help="added to every request"
    )
    sandbox.add_argument(
        "--fault-rate", type=_rate, default=0.0, help="fraction of requests given a fault (0..1)"
    )
    return parser


def _fmt_time(conf: Conference, field: str) -> str:
    value = getattr(conf, field)
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


def format_table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """A plain left-aligned text table."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


async def _demo(seed: int, size: int, latency_ms: float, out: TextIO) -> None:
    from .sandbox import PROVIDERS, Sandbox

    started = time.perf_counter()
    async with Sandbox(seed=seed, size=size, latency_ms=latency_ms) as sb:
        out.write(f"sandbox running at {sb.base_url} (seed {seed}, {size} per region)\n\n")
        services = [sb.connect(provider) for provider in PROVIDERS]
        try:
            # Every region of every provider, all at once: one pager per (service, region).
            jobs = [
                (svc, region, svc.list(region=region)) for svc in services for region in svc.regions
            ]
            listings = await asyncio.gather(*(pager.collect() for _, _, pager in jobs))
        finally:
            for svc in services:
                await svc.aclose()
        rows: list[list[str]] = []
        by_status: Counter[tuple[str, str]] = Counter()
        for (svc, region, _), items in zip(jobs, listings, strict=True):
            for conf in items:
                by_status[svc.provider, conf.status.value] += 1
                rows.append(
                    [
                        svc.provider,
                        region,
                        conf.id,
                        conf.name or "-",
                        conf.status.value,
                        _fmt_time(conf, "created_at"),
                        _fmt_time(conf, "ended_at" if conf.ended_at else "expires_at"),
                    ]
                )
        headers = ["provider", "region", "id", "name", "status", "created", "ended/expires"]
        out.write(format_table(rows, headers) + "\n\n")
        elapsed = time.perf_counter() - started
        pages = sum(pager.pages_fetched for _, _, pager in jobs)
        for svc in services:
            counts = [n for (p, _), n in by_status.items() if p == svc.provider]
            statuses = ", ".join(
                f"{status} {n}" for (p, status), n in sorted(by_status.items()) if p == svc.provider
            )
            out.write(
                f"{svc.provider}: {sum(counts)} conferences in {len(svc.regions)} regions "
                f"({statuses})\n"
            )
        out.write(
            f"{len(rows)} conferences, {pages} pages, {sb.stats.total_requests} requests, "
            f"{elapsed:.2f} s\n"
        )


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Entry point of the ``confclient`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    stream = out if out is not None else sys.stdout
    try:
        if args.command == "demo":
            asyncio.run(_demo(args.seed, args.size, args.latency_ms, stream))
        elif args.command == "sandbox":
            from .sandbox import serve

            serve(
                host=args.host,
                port=args.port,
                seed=args.seed,
                size=args.size,
                latency_ms=args.latency_ms,
                fault_rate=args.fault_rate,
                print_fn=lambda line: print(line, file=stream, flush=True),
            )
    except ConfClientError as exc:
        print(f"confclient: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
