"""Fixtures of the webhook receiving tests: a loopback server for a handler, and a real
``redis-server`` process started for the session (skipped with a message when the binary is
missing, a failure under ``CI=true``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from tests._receiver import receiving

Serve = Callable[..., Awaitable[str]]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """``await serve(("/hooks", handler), ...)``: the handlers on 127.0.0.1, the root back."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(*routes: tuple[str, Any]) -> str:
            return await stack.enter_async_context(receiving(*routes))

        yield start


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[object]:
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.aclose()
    await asyncio.sleep(0)
