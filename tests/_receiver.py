"""A loopback aiohttp server for tests that receive webhooks."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@contextlib.asynccontextmanager
async def receiving(*routes: tuple[str, Handler]) -> AsyncIterator[str]:
    """Serve POST ``routes`` (``(path, handler)``) on 127.0.0.1; yields the server's root."""
    app = web.Application()
    for path, handler in routes:
        app.router.add_post(path, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
