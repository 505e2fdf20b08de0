"""Provider-neutral helpers of the contract suite (the provider-specific part is conftest.py)."""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import Callable
from pathlib import Path

import aiohttp.web_protocol

import confclient

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


async def wait_until(condition: Callable[[], bool]) -> None:
    """Poll ``condition`` (e.g. a sandbox counter) until it holds; fail after 5 s."""
    for _ in range(2500):
        if condition():
            return
        await asyncio.sleep(0.002)
    raise AssertionError("condition not met within 5 s")


def assert_gc_warns_nothing() -> None:
    """Collect garbage; fail on any ResourceWarning (an unclosed session, connector, socket)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaked, leaked
