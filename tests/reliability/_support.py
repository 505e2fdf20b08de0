"""Helpers of the reliability suite: a trap host, a loopback server of our own, leak checks,
everything an error can show."""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp.web_protocol
import attrs
from aiohttp import web
from multidict import CIMultiDict

from confclient import RetryPolicy
from confclient.sandbox import Sandbox

#: The region these tests' services look in when a call names none. Most tests here are about
#: what happens to one request (its retries, timeouts, redirects), so they list and get in one
#: region instead of every region (where a listing or a lookup is one request per region).
ONE_REGION = {"telnyx": "US", "twilio": "us1"}

#: No test of this suite may take longer than this: a hang is a failure, never a stuck run.
HANG_GUARD = 20.0
#: Nor may one hypothesis example.
EXAMPLE_GUARD = 2.0
#: Retries that cost no time: three attempts, waits of a millisecond.
FAST = RetryPolicy(max_attempts=3, backoff_base=0.001, retry_after_max=0.001)

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


async def error_of(call: Awaitable[Any]) -> BaseException:
    """The exception ``call`` raises (the test fails if it raises none)."""
    try:
        await call
    except BaseException as exc:
        return exc
    raise AssertionError("expected the call to fail")


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


@attrs.frozen
class Received:
    """One request as a :class:`Served` server received it."""

    method: str
    target: str
    headers: CIMultiDict[str]
    body: bytes


class Served:
    """A loopback ``aiohttp.web`` server answering every path with one handler; it keeps
    every request it received (count them there: that is what went over the wire)."""

    def __init__(self, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> None:
        self.handler = handler
        self.received: list[Received] = []
        self.answered = 0
        """Requests whose handler has finished (answered, or failed to)."""
        self.origin = ""

    @property
    def count(self) -> int:
        return len(self.received)

    def base_url(self, path: str = "/v2") -> str:
        return self.origin + path

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.received.append(
            Received(request.method, request.path_qs, CIMultiDict(request.headers), body)
        )
        try:
            return await self.handler(request)
        finally:
            self.answered += 1


@asynccontextmanager
async def serve(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> AsyncIterator[Served]:
    """A :class:`Served` server on 127.0.0.1 at a free port, for the ``async with`` block."""
    served = Served(handler)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", served._handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    served.origin = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield served
    finally:
        await runner.cleanup()


def texts_of(error: BaseException, *, with_locals: bool) -> Iterator[str]:
    """Everything an error can show: its text, repr, arguments, attributes and notes, the
    same for each error in its chain, the formatted traceback (optionally with every
    frame's local variables, as crash reporters record them), and its pickled form."""
    seen: set[int] = set()
    stack = [error]
    while stack:
        exc = stack.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        yield str(exc)
        yield repr(exc)
        yield repr(exc.args)
        yield repr(getattr(exc, "__dict__", {}))
        yield from getattr(exc, "__notes__", [])
        stack += [e for e in (exc.__cause__, exc.__context__) if e is not None]
        stack += list(getattr(exc, "exceptions", ()))
    yield "".join(traceback.format_exception(error))
    if with_locals:
        formatted = traceback.TracebackException.from_exception(error, capture_locals=True)
        yield "".join(formatted.format())
    with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):
        yield repr(pickle.dumps(error))
