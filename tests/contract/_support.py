"""Provider-neutral helpers of the contract suite (the provider-specific part is conftest.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp.web_protocol

import confclient
from tests._checks import resource_warnings_on_gc

SEED = 3
SIZE = 40  # records per region: six pages at PAGE_SIZE, the last one shorter
PAGE_SIZE = 7

FAST_RETRY = confclient.RetryPolicy(backoff_base=0, retry_after_max=0.05)

# The sandbox serves from this very event loop; its per-connection tasks stand in for a
# remote server and are not the client's to clean up.
_SERVER_FILES = frozenset({Path(aiohttp.web_protocol.__file__).resolve()})


def _is_sandbox_server_task(task: asyncio.Task[object]) -> bool:
    code = getattr(task.get_coro(), "cr_code", None)
    if code is None:
        return False
    # asyncio's own task accepting a connection for the sandbox's server (the client side
    # has already let the connection go; the server has not got to it yet).
    if code.co_name == "_accept_connection2":
        return True
    return Path(code.co_filename).resolve() in _SERVER_FILES


def client_tasks() -> list[asyncio.Task[object]]:
    """Unfinished tasks of this loop, except the current one and the sandbox server's."""
    current = asyncio.current_task()
    return [
        t
        for t in asyncio.all_tasks()
        if t is not current and not t.done() and not _is_sandbox_server_task(t)
    ]


def assert_no_client_tasks() -> None:
    left = client_tasks()
    assert not left, f"tasks still pending: {left}"


def assert_gc_warns_nothing() -> None:
    """Collect garbage; fail on any ResourceWarning (an unclosed session, connector, socket)."""
    leaked = resource_warnings_on_gc()
    assert not leaked, leaked
