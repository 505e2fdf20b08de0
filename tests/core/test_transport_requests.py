"""The transport over real loopback HTTP: requests and their bodies (size cap,
compression, JSON, empty and broken-off bodies).

The servers are real ``aiohttp.web`` applications (or, for a broken-off body, a raw asyncio
server) on 127.0.0.1: what is asserted is what went over the wire, counted at the server.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from confclient import ResponseTooLargeError, RetryPolicy, TransportError
from confclient.transport import NO_BODY, Transport

from ._transport_support import (
    AUTH,
    BIG,
    Handler,
    Server,
    _big_chunked,
    _big_with_length,
    get_conferences_once,
    json_response,
    sequence,
)


async def test_get_success_sends_headers_and_decodes_json(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(
        sequence(lambda: json_response([{"id": "a"}], headers={"X-Request-Id": "rq"}))
    )
    t = make_transport(server.base_url)
    try:
        response = await t.request("GET", t.url("conferences", params=[("page", "2")]))
    finally:
        await t.aclose()
    assert response.status == 200
    assert response.data == {"data": [{"id": "a"}]}
    assert response.attempts == 1
    assert response.request_id == "rq"
    assert response.method == "GET"
    assert response.elapsed >= 0
    request = server.requests[0]
    assert request.method == "GET"
    assert request.raw_path == "/v2/conferences?page=2"
    assert request.headers["Authorization"] == AUTH
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("confclient/")
    assert t.requests_sent == 1


async def test_path_parameter_reaches_server_as_one_segment(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    seen: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        seen.append(request.match_info["tail"])
        return json_response()

    server = await serve(handler)
    t = make_transport(server.base_url)
    try:
        await t.request("GET", t.url("conferences", "../balance"))
        await t.request("GET", t.url("conferences", ".."))
    finally:
        await t.aclose()
    assert [r.raw_path for r in server.requests] == [
        "/v2/conferences/..%2Fbalance",
        "/v2/conferences/%2E%2E",
    ]


async def test_post_sends_json_body(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: json_response({"id": "new"}, status=201)))
    t = make_transport(server.base_url)
    try:
        response = await t.request("post", t.url("conferences"), json={"name": "All hands"})
    finally:
        await t.aclose()
    assert response.status == 201
    assert response.method == "POST"
    assert server.requests[0].method == "POST"
    assert server.requests[0].headers["Content-Type"] == "application/json"
    assert server.bodies == [b'{"name":"All hands"}']


@pytest.mark.parametrize("handler", [_big_with_length, _big_chunked], ids=["length", "chunked"])
async def test_body_larger_than_cap_is_refused(
    handler: Handler,
    serve: Callable[..., Awaitable[Server]],
    make_transport: Callable[..., Transport],
) -> None:
    server = await serve(handler)
    t = make_transport(server.base_url, max_body_bytes=1024)
    try:
        with pytest.raises(ResponseTooLargeError, match="max_body_bytes=1024"):
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert server.count == 1  # not retried: it would be as large again


@pytest.mark.parametrize("handler", [_big_with_length, _big_chunked], ids=["length", "chunked"])
async def test_body_within_cap_is_read(
    handler: Handler,
    serve: Callable[..., Awaitable[Server]],
    make_transport: Callable[..., Transport],
) -> None:
    server = await serve(handler)
    t = make_transport(server.base_url, max_body_bytes=len(BIG))
    response = await get_conferences_once(t)
    assert response.data == {"data": "x" * 5000}


def _gzipped(payload: bytes) -> Handler:
    body = gzip.compress(payload)

    async def handler(request: web.Request) -> web.StreamResponse:
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        return web.Response(body=body, headers=headers)

    return handler


async def test_cap_counts_decompressed_bytes(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    # ~250 bytes on the wire (Content-Length), 200 kB once decompressed.
    server = await serve(_gzipped(b'{"data": "' + b"0" * 200_000 + b'"}'))
    t = make_transport(server.base_url, max_body_bytes=1024)
    try:
        with pytest.raises(ResponseTooLargeError):
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
    assert server.count == 1


async def test_compressed_body_within_cap_is_decoded(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(_gzipped(b'{"data": [1, 2]}'))
    t = make_transport(server.base_url, max_body_bytes=1024)
    response = await get_conferences_once(t)
    assert response.data == {"data": [1, 2]}


async def test_invalid_json_2xx_is_retried_then_returned_as_text(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(
        sequence(lambda: web.Response(text="<html>oops</html>", content_type="text/html"))
    )
    t = make_transport(server.base_url, retry=RetryPolicy(max_attempts=3, backoff_base=0))
    response = await get_conferences_once(t)
    assert response.status == 200
    assert response.data is NO_BODY
    assert response.text == "<html>oops</html>"
    assert response.attempts == 3
    assert server.count == 3


async def test_invalid_json_then_valid(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(
        sequence(lambda: web.Response(body=b'{"data": [', status=200), lambda: json_response())
    )
    t = make_transport(server.base_url)
    response = await get_conferences_once(t)
    assert response.data == {"data": []}
    assert response.text == ""
    assert response.attempts == 2


async def test_empty_body_is_no_body_and_not_retried(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: web.Response(status=204)))
    t = make_transport(server.base_url)
    try:
        response = await t.request("DELETE", t.url("conferences", "x"))
    finally:
        await t.aclose()
    assert response.status == 204
    assert response.data is NO_BODY
    assert response.text == ""
    assert server.count == 1


async def test_error_status_with_non_json_body_keeps_text(
    serve: Callable[..., Awaitable[Server]], make_transport: Callable[..., Transport]
) -> None:
    server = await serve(sequence(lambda: web.Response(status=404, text="Not here")))
    t = make_transport(server.base_url)
    try:
        response = await t.request("GET", t.url("conferences", "x"))
    finally:
        await t.aclose()
    assert (response.status, response.data, response.text) == (404, NO_BODY, "Not here")


async def test_broken_off_body_is_retried() -> None:
    count = 0
    body = b'{"data": [1, 2, 3]}'

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal count
        count += 1
        await reader.readuntil(b"\r\n\r\n")
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        if count == 1:
            writer.write(head + b"Content-Length: 100\r\n\r\n" + body[:7])
        else:
            writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    t = Transport(
        provider="acme",
        base_url=f"http://127.0.0.1:{port}/v2",
        headers={},
        retry=RetryPolicy(max_attempts=3, backoff_base=0),
    )
    try:
        response = await get_conferences_once(t)
    finally:
        server.close()
        await server.wait_closed()
    assert response.data == {"data": [1, 2, 3]}
    assert response.attempts == 2
    assert count == 2


async def test_broken_off_body_raises_after_attempts() -> None:
    count = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal count
        count += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{")
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    t = Transport(
        provider="acme",
        base_url=f"http://127.0.0.1:{port}/v2",
        headers={},
        retry=RetryPolicy(max_attempts=2, backoff_base=0),
    )
    try:
        with pytest.raises(TransportError, match="after 2 attempts"):
            await t.request("GET", t.url("conferences"))
    finally:
        await t.aclose()
        server.close()
        await server.wait_closed()
    assert count == 2
