"""The transport over real loopback HTTP: redirects and other origins are refused,
credentials never reach logs, reprs or errors.

The servers are real ``aiohttp.web`` applications (or, for a broken-off body, a raw asyncio
server) on 127.0.0.1: what is asserted is what went over the wire, counted at the server.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web
from yarl import URL

from confclient import ConfClientError, Timeout, TransportError, UnsafeRedirectError
from confclient.transport import Transport

from ._transport_support import (
    AUTH,
    SECRET,
    Handler,
    Server,
    _big_with_length,
    _stall,
    chain,
    free_port,
    get_conferences_once,
    json_response,
    redirect_to,
    sequence,
)


async def test_redirect_to_another_host_is_refused_and_never_followed(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    elsewhere = await serve(sequence(lambda: json_response()), host="localhost")
    target = str(elsewhere.base_url / "steal")

    async def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(target)

    server = await serve(redirect)
    t = make_transport(server.base_url)
    try:
        with pytest.raises(UnsafeRedirectError) as info:
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert info.value.url == target
    assert server.count == 1
    assert elsewhere.count == 0


async def test_redirect_to_another_port_is_refused(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    elsewhere = await serve(sequence(lambda: json_response()))

    async def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPTemporaryRedirect(str(elsewhere.base_url / "x"))

    server = await serve(redirect)
    t = make_transport(server.base_url)
    try:
        with pytest.raises(UnsafeRedirectError):
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert elsewhere.count == 0


async def test_same_origin_redirect_is_returned_not_followed(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    async def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/v2/elsewhere")

    server = await serve(redirect)
    t = make_transport(server.base_url)
    response = await get_conferences_once(t)
    assert response.status == 302
    assert [r.path for r in server.requests] == ["/v2/conferences"]


async def test_request_to_another_origin_is_refused_before_sending(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    elsewhere = await serve(sequence(lambda: json_response()), host="localhost")
    server = await serve(sequence(lambda: json_response()))
    t = make_transport(server.base_url)
    try:
        with pytest.raises(UnsafeRedirectError):
            await t.request("GET", elsewhere.base_url / "x")
        # A relative URL resolves against the configured base.
        response = await t.request("GET", URL("/v2/next?page=2"))
    finally:
        await t.aclose()
    assert response.status == 200
    assert elsewhere.count == 0
    assert [r.raw_path for r in server.requests] == ["/v2/next?page=2"]


async def test_credentials_never_reach_logs_reprs_or_errors(
    serve: Callable[..., Awaitable[Server]],
    make_transport: Callable[..., Transport],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="confclient")
    elsewhere = await serve(sequence(lambda: json_response()), host="localhost")
    routes: dict[str, Handler] = {
        "ok": sequence(lambda: json_response()),
        "flaky": sequence(lambda: json_response(status=503), lambda: json_response()),
        "stall": _stall,
        "big": _big_with_length,
        "redirect": redirect_to(elsewhere.base_url / "x"),
        "error": sequence(lambda: json_response(status=401)),
    }

    async def handler(request: web.Request) -> web.StreamResponse:
        return await routes[request.match_info["tail"].rsplit("/", 1)[-1]](request)

    server = await serve(handler)
    t = make_transport(server.base_url, timeout=Timeout(total=0.2), max_body_bytes=1024)
    dead = make_transport(f"http://127.0.0.1:{free_port()}/v2")
    errors: list[BaseException] = []
    try:
        assert (await t.request("GET", t.url("ok"))).status == 200
        assert (await t.request("GET", t.url("flaky"))).attempts == 2
        assert (await t.request("GET", t.url("error"))).status == 401
        for name in ("stall", "big", "redirect"):
            with pytest.raises(ConfClientError) as info:
                await t.request("GET", t.url(name))
            errors.append(info.value)
        with pytest.raises(TransportError) as refused:
            await dead.request("GET", dead.url("ok"))
        errors.append(refused.value)
        with pytest.raises(UnsafeRedirectError) as unsafe:
            await t.request("GET", elsewhere.base_url)
        errors.append(unsafe.value)
        texts = [repr(t), repr(dead), str(t.retry), str(t.timeout)]
    finally:
        await t.aclose()
        await dead.aclose()
    # The secret was really in use...
    assert all(r.headers["Authorization"] == AUTH for r in server.requests)
    assert [type(e).__name__ for e in errors] == [
        "TransportTimeoutError",
        "ResponseTooLargeError",
        "UnsafeRedirectError",
        "TransportError",
        "UnsafeRedirectError",
    ]
    # ...and never shows.
    for exc in errors:
        for link in chain(exc):
            texts += [str(link), repr(link), repr(link.args)]
    records = [r for r in caplog.records if r.name.startswith("confclient")]
    assert records, "the transport logs at DEBUG"
    texts += [r.getMessage() for r in records]
    texts.append(caplog.text)
    for text in texts:
        assert SECRET not in text
    messages = [r.getMessage() for r in records]
    assert any("GET" in m and "/v2/ok" in m and "200" in m and "attempt 1" in m for m in messages)
    assert any("retrying GET" in m for m in messages)
