"""Helpers shared by the transport tests: a loopback server that counts what it receives,
canned handlers, and a transport that never opens a session."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from aiohttp import web
from yarl import URL

from confclient.transport import Response, Transport

SECRET = "sk-live-SECRET-0123456789abcdef"
AUTH = f"Bearer {SECRET}"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def transport(base_url: str = "https://api.example.com/v2", **kw: Any) -> Transport:
    # No request is made with these: no session is ever opened, nothing to close.
    kw.setdefault("headers", {"Authorization": AUTH})
    return Transport(provider="acme", base_url=base_url, **kw)


class Server:
    """A loopback ``aiohttp.web`` server with one catch-all handler; counts what it receives."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[web.Request] = []
        self.times: list[float] = []
        self.bodies: list[bytes] = []
        self.base_url = URL()

    @property
    def count(self) -> int:
        return len(self.requests)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        self.times.append(time.monotonic())
        self.bodies.append(await request.read())
        return await self.handler(request)


async def get_conferences_once(t: Transport) -> Response:
    """One ``GET conferences`` through ``t``, which is closed afterwards whatever happens."""
    try:
        return await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()


def json_response(data: Any = None, status: int = 200, **kw: Any) -> web.Response:
    return web.json_response({"data": [] if data is None else data}, status=status, **kw)


def sequence(*responses: Callable[[], web.StreamResponse]) -> Handler:
    """A handler answering with each response in turn, then repeating the last."""
    calls = 0

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal calls
        calls += 1
        return responses[min(calls, len(responses)) - 1]()

    return handler


def redirect_to(location: URL | str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(str(location))

    return handler


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chain(exc: BaseException | None) -> Iterator[BaseException]:
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


async def _stall(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(30)
    return json_response()


BIG = b'{"data": "' + b"x" * 5000 + b'"}'


async def _big_with_length(request: web.Request) -> web.StreamResponse:
    return web.Response(body=BIG, content_type="application/json")


async def _big_chunked(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    for start in range(0, len(BIG), 500):
        await response.write(BIG[start : start + 500])
    await response.write_eof()
    return response
