"""Helpers of the reliability suite: a trap host, a retry-wait recorder, leak checks."""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp.web_protocol

from confclient.sandbox import Sandbox

#: The region these tests' services look in when a call names none. Most tests here are about
#: what happens to one request (its retries, timeouts, redirects), so they list and get in one
#: region instead of every region (where a listing or a lookup is one request per region).
ONE_REGION = {"telnyx": "US", "twilio": "us1"}

#: No test of this suite may take longer than this: a hang is a failure, never a stuck run.
HANG_GUARD = 20.0
#: Nor may one hypothesis example.
EXAMPLE_GUARD = 2.0

# The sandbox serves from the test's own event loop; its per-connection tasks stand in for
# a remote server and are not the client's to clean up.
_SERVER_FILES = frozenset({Path(aiohttp.web_protocol.__file__).resolve()})


def _is_server_task(task: asyncio.Task[Any]) -> bool:
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and Path(code.co_filename).resolve() in _SERVER_FILES


def client_tasks() -> list[asyncio.Task[Any]]:
    """Unfinished tasks of this loop, except the current one and the sandbox server's."""
    current = asyncio.current_task()
    return [
        t
        for t in asyncio.all_tasks()
        if t is not current and not t.done() and not _is_server_task(t)
    ]


async def wait_until(condition: Callable[[], bool], within: float = 5.0) -> None:
    """Poll ``condition`` until it holds; fail after ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.002)


def resource_warnings_on_gc() -> list[str]:
    """Collect garbage and return every ResourceWarning it raised (an unclosed session,
    connector, socket or transport)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    return [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


def attempts_by_target(sb: Sandbox) -> Counter[str]:
    """How many times the sandbox received each request target (path and query), from its
    log of the last 1000 requests: a retried request comes back with the same target."""
    return Counter(target for _method, target in sb.stats.queries)


class Trap:
    """A TCP listener on a host the client must never talk to.

    It answers nothing; it only counts connections and keeps every byte received, so a
    test can assert that not even a TCP handshake reached it.
    """

    def __init__(self) -> None:
        self.connections = 0
        self.received = bytearray()
        self.origin = ""

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            self.received += await asyncio.wait_for(reader.read(65536), 0.5)
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def trap(host: str = "127.0.0.2") -> AsyncIterator[Trap]:
    """A :class:`Trap` listening on ``host`` at a free port; ``trap.origin`` is its URL."""
    found = Trap()
    server = await asyncio.start_server(found._handle, host, 0)
    port = server.sockets[0].getsockname()[1]
    found.origin = f"http://{host}:{port}"
    try:
        yield found
    finally:
        server.close()
        await server.wait_closed()
