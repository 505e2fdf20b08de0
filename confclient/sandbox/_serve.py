"""The blocking :func:`serve` runner (``python -m confclient.sandbox``, ``confclient sandbox``)."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import signal
import sys
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from ._sandbox import Sandbox

__all__ = ["serve", "serve_until_stopped"]


async def serve_until_stopped(
    sandbox: Sandbox,
    print_fn: Callable[[str], object],
    more: Callable[[Sandbox], Iterable[str]] = lambda _sandbox: (),
    background: Callable[[Sandbox], Coroutine[Any, Any, None]] | None = None,
) -> None:
    """Serve ``sandbox`` until SIGINT or SIGTERM, printing its banner once it listens, then
    the lines ``more(sandbox)`` gives (what the command adds); ``background(sandbox)`` runs
    meanwhile (cancelled at the end)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError, ValueError):
            # Windows, or not the main thread: Ctrl-C still ends asyncio.run below.
            continue
        installed.append(sig)
    try:
        async with sandbox:
            for line in (*sandbox.banner(), *more(sandbox)):
                print_fn(line)
            if print_fn is builtins.print:
                sys.stdout.flush()
            task: asyncio.Task[None] | None = None
            if background is not None:
                task = asyncio.create_task(background(sandbox))
            try:
                await stop.wait()
            finally:
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    seed: int = 0,
    size: int = 100,
    latency_ms: float = 0,
    fault_rate: float = 0.0,
    print_fn: Callable[[str], object] = print,
) -> None:
    """Run a sandbox in the foreground until Ctrl-C or SIGTERM.

    First prints the server root, then one line per provider with its base URL and
    credentials, e.g. ``telnyx  base_url=http://127.0.0.1:8765/v2  api_key=KEYsandbox...`` and
    ``twilio  base_url=http://127.0.0.1:8765/v1  account_sid=AC...  auth_token=...``.
    """
    sandbox = Sandbox(
        seed=seed, size=size, latency_ms=latency_ms, fault_rate=fault_rate, host=host, port=port
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_until_stopped(sandbox, print_fn))
