"""The transport over real loopback HTTP: what is retried and when (statuses,
Retry-After, POST safety, connection failures), timeouts and the deadline.

The servers are real ``aiohttp.web`` applications (or, for a broken-off body, a raw asyncio
server) on 127.0.0.1: what is asserted is what went over the wire, counted at the server.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import aiohttp
import pytest

from confclient import RetryPolicy, Timeout, TransportError, TransportTimeoutError
from confclient.transport import Transport

from ._transport_support import (
    Server,
    _stall,
    free_port,
    get_conferences_once,
    json_response,
    sequence,
)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_retryable_status_is_retried_then_succeeds(
    status: int,
    serve: Callable[..., Awaitable[Server]],
    make_transport: Callable[..., Transport],
) -> None:
    server = await serve(
        sequence(
            lambda: json_response(status=status),
            lambda: json_response(status=status),
            lambda: json_response([{"id": "ok"}]),
        )
    )
    t = make_transport(server.base_url, retry=RetryPolicy(max_attempts=4, backoff_base=0))
    response = await get_conferences_once(t)
    assert response.status == 200
    assert response.data == {"data": [{"id": "ok"}]}
    assert response.attempts == 3
    assert server.count == 3
    assert t.requests_sent == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501])
async def test_other_error_status_is_returned_at_once(
    status: int,
    serve: Callable[..., Awaitable[Server]],
    make_transport: Callable[..., Transport],
) -> None:
    server = await serve(sequence(lambda: json_response(status=status)))
    t = make_transport(server.base_url)
    response = await get_conferences_once(t)
    assert response.status == status
    assert response.attempts == 1
    assert server.count == 1


async def test_final_error_response_returned_after_max_attempts(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response({"err": 1}, status=500)))
    t = make_transport(server.base_url, retry=RetryPolicy(max_attempts=3, backoff_base=0))
    response = await get_conferences_once(t)
    assert response.status == 500
    assert response.data == {"data": {"err": 1}}
    assert response.attempts == 3
    assert server.count == 3


async def test_retry_disabled(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response(status=503)))
    t = make_transport(server.base_url, retry=RetryPolicy.disabled())
    response = await get_conferences_once(t)
    assert (response.status, response.attempts, server.count) == (503, 1, 1)


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_is_honoured(
    status: int,
    serve: Callable[..., Awaitable[Server]],
    make_transport: Callable[..., Transport],
) -> None:
    server = await serve(
        sequence(
            lambda: json_response(status=status, headers={"Retry-After": "0.15"}),
            lambda: json_response(),
        )
    )
    # backoff_base=0: without Retry-After the retry would be immediate.
    t = make_transport(server.base_url, retry=RetryPolicy(max_attempts=2, backoff_base=0))
    response = await get_conferences_once(t)
    assert response.status == 200
    assert server.count == 2
    assert server.times[1] - server.times[0] >= 0.14


async def test_retry_after_is_capped(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(
        sequence(
            lambda: json_response(status=429, headers={"Retry-After": "30"}),
            lambda: json_response(),
        )
    )
    policy = RetryPolicy(max_attempts=2, backoff_base=0, retry_after_max=0.1)
    t = make_transport(server.base_url, retry=policy)
    started = time.monotonic()
    response = await get_conferences_once(t)
    assert response.status == 200
    gap = server.times[1] - server.times[0]
    assert 0.09 <= gap < 2
    assert time.monotonic() - started < 2


async def test_retry_after_on_non_429_503_is_ignored(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(
        sequence(
            lambda: json_response(status=500, headers={"Retry-After": "30"}),
            lambda: json_response(),
        )
    )
    t = make_transport(server.base_url, retry=RetryPolicy(max_attempts=2, backoff_base=0))
    response = await get_conferences_once(t)
    assert response.status == 200
    assert server.times[1] - server.times[0] < 2


async def test_post_is_not_retried_unless_made_safe(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response(status=503)))
    t = make_transport(server.base_url, retry=RetryPolicy(max_attempts=3, backoff_base=0))
    try:
        unsafe = await t.request("POST", t.url("conferences"), json={"a": 1})
        assert (unsafe.status, unsafe.attempts, server.count) == (503, 1, 1)
        safe = await t.request("POST", t.url("conferences"), json={"a": 1}, retry_unsafe=True)
        assert (safe.status, safe.attempts, server.count) == (503, 3, 4)
    finally:
        await t.aclose()
    assert server.bodies == [b'{"a":1}'] * 4


async def test_post_connection_failure_is_not_retried(
    make_transport: Callable[..., Transport],
) -> None:
    t = make_transport(f"http://127.0.0.1:{free_port()}/v2")
    try:
        with pytest.raises(TransportError):
            await t.request("POST", t.url("conferences"), json={})
    finally:
        await t.aclose()
    assert t.requests_sent == 1


async def test_connection_refused_raises_transport_error_after_attempts(
    make_transport: Callable[..., Transport],
) -> None:
    t = make_transport(f"http://127.0.0.1:{free_port()}/v2")
    try:
        with pytest.raises(TransportError) as info:
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert not isinstance(info.value, TransportTimeoutError)
    assert t.requests_sent == 3
    assert "after 3 attempts" in str(info.value)
    assert "acme" in str(info.value)
    assert isinstance(info.value.__cause__, aiohttp.ClientError)


async def test_stalled_handler_times_out(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(_stall)
    t = make_transport(
        server.base_url,
        timeout=Timeout(total=0.2),
        retry=RetryPolicy(max_attempts=2, backoff_base=0),
    )
    started = time.monotonic()
    try:
        with pytest.raises(TransportTimeoutError) as info:
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    elapsed = time.monotonic() - started
    assert isinstance(info.value, TimeoutError)
    assert 0.35 <= elapsed < 2
    assert server.count == 2
    assert "after 2 attempts" in str(info.value)
    assert "timed out" in str(info.value)


async def test_deadline_bounds_the_whole_call(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(_stall)
    t = make_transport(
        server.base_url,
        timeout=Timeout(total=5, deadline=0.3),
        retry=RetryPolicy(max_attempts=5, backoff_base=0),
    )
    started = time.monotonic()
    try:
        with pytest.raises(TransportTimeoutError):
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert 0.25 <= time.monotonic() - started < 1.5
    assert server.count == 1


async def test_deadline_stops_retrying_and_returns_last_response(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(
        sequence(lambda: json_response(status=503, headers={"Retry-After": "0.2"}))
    )
    t = make_transport(
        server.base_url,
        timeout=Timeout(deadline=0.3),
        retry=RetryPolicy(max_attempts=10, backoff_base=0),
    )
    started = time.monotonic()
    response = await get_conferences_once(t)
    assert response.status == 503
    assert response.attempts == 2
    assert server.count == 2
    assert time.monotonic() - started < 1
