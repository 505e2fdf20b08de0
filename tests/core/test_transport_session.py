"""The transport over real loopback HTTP: the session (caller-owned or its own, lazy,
closed by aclose), the connection cap, trace configs and headers.

The servers are real ``aiohttp.web`` applications (or, for a broken-off body, a raw asyncio
server) on 127.0.0.1: what is asserted is what went over the wire, counted at the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from confclient import ConfClientError
from confclient.transport import Transport

from ._transport_support import AUTH, Server, json_response, sequence


async def test_max_connections_caps_requests_in_flight(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    in_flight = 0
    peak = 0

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            await asyncio.sleep(0.03)
        finally:
            in_flight -= 1
        return json_response()

    server = await serve(handler)
    t = make_transport(server.base_url, max_connections=3)
    try:
        responses = await asyncio.gather(
            *(t.request("GET", t.url("conferences", str(i))) for i in range(20))
        )
    finally:
        await t.aclose()
    assert [r.status for r in responses] == [200] * 20
    assert server.count == 20
    assert peak == 3


async def test_caller_owned_session_is_left_open(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response()))
    async with aiohttp.ClientSession() as session:
        t = make_transport(server.base_url, session=session)
        assert "caller's session" in repr(t)
        assert t.session is session
        assert (await t.request("GET", t.url("conferences"))).status == 200
        await t.aclose()
        assert t.closed
        assert not session.closed
        async with session.get(server.base_url / "direct") as resp:
            assert resp.status == 200
        with pytest.raises(ConfClientError, match="closed"):
            await t.request("GET", t.url("conferences"))
    assert server.count == 2


async def test_closed_caller_session_is_reported(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response()))
    session = aiohttp.ClientSession()
    await session.close()
    t = make_transport(server.base_url, session=session)
    try:
        with pytest.raises(ConfClientError, match="closed"):
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert server.count == 0


async def test_own_session_is_lazy_and_closed_by_aclose(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response()))
    t = make_transport(server.base_url)
    assert "own session" in repr(t)
    assert t.session is None
    await t.request("GET", t.url("conferences"))
    session = t.session
    assert session is not None
    assert not session.closed
    await t.aclose()
    assert session.closed
    assert t.closed
    assert t.session is None
    await t.aclose()  # twice is fine


async def test_use_after_aclose_raises(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response()))
    t = make_transport(server.base_url)
    await t.request("GET", t.url("conferences"))
    await t.aclose()
    with pytest.raises(ConfClientError, match="closed"):
        await t.request("GET", t.url("conferences"))
    assert server.count == 1
    assert t.session is None


async def test_aclose_before_any_request(make_transport: Callable[..., Transport]) -> None:
    t = make_transport("http://127.0.0.1:9/v2")
    await t.aclose()
    with pytest.raises(ConfClientError):
        await t.request("GET", t.url("x"))
    assert t.session is None
    assert t.requests_sent == 0


async def test_trace_configs_are_passed_to_aiohttp(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    starts: list[str] = []

    async def on_start(session: Any, ctx: Any, params: aiohttp.TraceRequestStartParams) -> None:
        starts.append(params.method)

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_start)
    server = await serve(sequence(lambda: json_response()))
    t = make_transport(server.base_url, trace_configs=[trace])
    try:
        await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert starts == ["GET"]


async def test_custom_user_agent_and_headers(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response()))
    t = make_transport(
        server.base_url, headers={"Authorization": AUTH, "X-Extra": "1"}, user_agent="my-app/1"
    )
    try:
        await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    headers = server.requests[0].headers
    assert headers["User-Agent"] == "my-app/1"
    assert headers["X-Extra"] == "1"
