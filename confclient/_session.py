"""The aiohttp session a transport sends with, and the event loop it belongs to.

A service may be used under one ``asyncio.run`` and then another: its own session is made in
the running loop, closed when that loop shuts down (an async generator that
``asyncio.run`` closes for us), and made again in the next one. A caller's session is used
as it is, in the loop it was made in, and never closed here.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncGenerator, Sequence
from typing import Any, Final

import aiohttp

from .errors import ConfClientError

__all__ = ["OWN_REQUEST_SETTINGS", "LoopSession"]


def _own_request_settings() -> dict[str, Any]:
    """Per-request settings that override whatever a caller's session defaults to: the
    transport reads every status itself, follows no redirect, decompresses what it counts,
    and runs no session middleware (a retrying one would multiply our retries). Only
    those the installed aiohttp knows (middlewares came in 3.12).
    """
    known = inspect.signature(aiohttp.ClientSession._request).parameters
    wanted: dict[str, Any] = {
        "raise_for_status": False,
        "allow_redirects": False,
        "auto_decompress": True,
        "middlewares": (),
    }
    return {name: value for name, value in wanted.items() if name in known}


OWN_REQUEST_SETTINGS: Final = _own_request_settings()


async def _closed_with_its_loop(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    """Holds our own session until the transport closes it, or until the event loop shuts
    down its async generators (``asyncio.run`` does, before it closes the loop): the
    session is then closed in its own loop, while its connections can still be closed
    cleanly. Without this, a service used under one ``asyncio.run`` and then another
    would leave the first loop's sockets open (and warned about) for ever.
    """
    try:
        yield
    finally:
        await session.close()


class LoopSession:
    """The session of one transport, bound to the event loop that uses it, with what else
    belongs to that loop: the cap on requests in flight and the retry waits to cut short."""

    def __init__(
        self,
        provider: str,
        session: aiohttp.ClientSession | None,
        max_connections: int,
        trace_configs: Sequence[aiohttp.TraceConfig] | None,
    ) -> None:
        self.provider = provider
        self.session = session
        self.owned = session is None
        self.max_connections = max_connections
        self._trace_configs = list(trace_configs) if trace_configs else None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.semaphore: asyncio.Semaphore | None = None
        self._keeper: AsyncGenerator[None, None] | None = None
        self.waits: set[asyncio.Future[None]] = set()
        self.closed = False

    def closed_error(self, *, in_flight: bool = False) -> ConfClientError:
        if in_flight:
            return ConfClientError(
                f"{self.provider}: the service was closed while this request was in flight; "
                "it was not retried"
            )
        return ConfClientError(f"this {self.provider} service is closed")

    async def session_in(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        """The session to send with from ``loop``, bound to it first when needed."""
        if self.closed:
            raise self.closed_error()
        session = self.session
        if self._loop is loop and session is not None and not session.closed:
            return session
        return await self._bind(loop)

    async def _bind(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        session = self.session
        if not self.owned:
            assert session is not None
            # aiohttp keeps the loop a session was made in privately (its `loop` property
            # is deprecated); a session used from another loop fails in its timers.
            made_in = getattr(session, "_loop", loop)
            if made_in is not loop:
                raise ConfClientError(
                    f"the aiohttp session given to this {self.provider} service was made in "
                    "another event loop; make the session inside the loop that uses the service"
                )
            if session.closed:
                raise ConfClientError(
                    f"the aiohttp session given to this {self.provider} service is closed"
                )
        else:
            if session is not None and not session.closed and self._loop is not loop:
                previous = self._loop
                if previous is not None and not previous.is_closed():
                    raise ConfClientError(
                        f"this {self.provider} service is in use in another event loop, which "
                        "is still open; use one service per event loop, or aclose() it in "
                        "that loop first"
                    )
                # That loop was closed without shutting down its async generators (as
                # asyncio.run does): nothing can close the session's connections any more.
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.max_connections, ttl_dns_cache=300),
                trace_configs=self._trace_configs,
                # One timeout per request (in _send) bounded by the call's deadline.
                timeout=aiohttp.ClientTimeout(total=None),
                # Nothing a server sets is sent back: each request is ours alone.
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            keeper = _closed_with_its_loop(session)
            await anext(keeper)
            self.session, self._keeper = session, keeper
        if self._loop is not loop:
            self._loop = loop
            self.semaphore = asyncio.Semaphore(self.max_connections)
            self.waits = set()
        return session

    async def aclose(self) -> None:
        """Close our own session (a caller's is left open); cut the retry waits short."""
        self.closed = True
        for wait in list(self.waits):
            wait.cancel()
        keeper, self._keeper = self._keeper, None
        if self.owned:
            self.session = None
        if keeper is not None and self._loop is asyncio.get_running_loop():
            await keeper.aclose()  # closes the session, in the loop it belongs to
