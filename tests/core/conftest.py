"""Fixtures shared by the core tests."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from yarl import URL

from confclient import RetryPolicy
from confclient.transport import Transport

from ._transport_support import AUTH, Handler, Server


@pytest.fixture
def config_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No configuration file or variable but the test's own: the variables confclient and
    its providers read are unset, XDG_CONFIG_HOME and the working directory are fresh.
    Returns the working directory (where ./confclient.toml goes)."""
    for name in list(os.environ):
        if name.startswith(("CONFCLIENT_", "FAKE_", "TELNYX_", "TWILIO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


# -- the transport tests' loopback servers and transports -------------------------------------


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Awaitable[Server]]]:
    runners: list[web.AppRunner] = []

    async def start(handler: Handler, host: str = "127.0.0.1") -> Server:
        server = Server(handler)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", server._handle)
        runner = web.AppRunner(app, shutdown_timeout=0.1, access_log=None)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        server.base_url = URL(f"http://{host}:{port}/v2")
        return server

    yield start
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
def make_transport() -> Iterator[Callable[..., Transport]]:
    made: list[Transport] = []

    def make(base_url: URL | str, **kw: Any) -> Transport:
        kw.setdefault("headers", {"Authorization": AUTH})
        kw.setdefault("retry", RetryPolicy(max_attempts=3, backoff_base=0))
        t = Transport(provider="acme", base_url=base_url, **kw)
        made.append(t)
        return t

    yield make
    for t in made:
        assert t.closed, "every transport a test opens must be closed by the test"
