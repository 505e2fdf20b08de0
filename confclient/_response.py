"""A response as the transport hands it to an adapter: its body read within the caps, and
decoded, our secrets redacted from whatever the server sent back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import aiohttp
import attrs
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from . import _json
from ._budget import CURRENT_PAGE, PARSED_BYTES_PER_VALUE, parsed_size_estimate
from ._gc import paused_gc
from ._secrets import Redactor
from .decoding import request_id_of
from .errors import ResponseTooLargeError

__all__ = ["NO_BODY", "Loads", "Response", "decode_response", "read_body"]

Loads = Callable[[bytes | bytearray], Any]
"""A body parser in place of the JSON decoder (it raises what the JSON decoder raises)."""

# What decoding a body that is not JSON raises. RecursionError: the standard library's decoder
# on a hostile, deeply nested body (orjson refuses those with a JSONDecodeError).
NOT_JSON: Final[tuple[type[Exception], ...]] = (*_json.JSONDecodeError, RecursionError)


class _NoBody:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_BODY"

    def __bool__(self) -> bool:
        return False


NO_BODY: Final = _NoBody()
"""``Response.data`` when the body was empty or not JSON."""


@attrs.frozen
class Response:
    """What the transport hands an adapter: status, headers, decoded JSON (or ``NO_BODY``).

    Text the server sent (``headers``, ``text``, and ``data`` of an error status) has had
    our own secrets replaced with ``<redacted>``.
    """

    method: str
    url: URL
    status: int
    headers: Mapping[str, str]
    data: Any
    text: str = ""
    """The start of the body when it was not JSON (for error messages)."""
    attempts: int = 1
    elapsed: float = 0.0

    def after(self, attempts: int, elapsed: float) -> Response:
        """This response, taken after ``attempts`` attempts in ``elapsed`` seconds (made
        directly: ``attrs.evolve`` costs 2.4 times as much, and this runs once per request)."""
        return Response(
            self.method,
            self.url,
            self.status,
            self.headers,
            self.data,
            self.text,
            attempts,
            elapsed,
        )

    @property
    def request_id(self) -> str | None:
        """The provider's request id header, if it sent one."""
        return request_id_of(self.headers)

    @property
    def garbled(self) -> bool:
        """A success status whose body is not JSON: it broke off on the way (retried)."""
        return 200 <= self.status < 300 and self.data is NO_BODY and bool(self.text)


def decode_response(
    method: str,
    url: URL,
    status: int,
    headers: Mapping[str, str],
    raw: bytes | bytearray,
    redactor: Redactor,
    *,
    pause_gc: bool = False,
    loads: Loads | None = None,
) -> Response:
    """The response as the adapter sees it: JSON decoded, our secrets (``redactor``)
    redacted from what the server sent (a server, or a proxy, may echo the request back).
    ``pause_gc``: parse with the cyclic collector paused (:mod:`confclient._gc`); ``loads``:
    parse with it instead of the JSON decoder."""
    if redactor:
        raw = redactor.raw(raw)  # verbatim echoes, in any body
        redacted = redactor.headers(headers)
        if redacted is not None:
            headers = CIMultiDictProxy(CIMultiDict(redacted))
    data: Any = NO_BODY
    text = ""
    if raw:
        try:
            with paused_gc(pause_gc):
                # An error body is the adapter's error parser's, as JSON, whatever ``loads``.
                parse = loads if loads is not None and 200 <= status < 300 else _json.loads
                data = parse(raw)
        except NOT_JSON:
            text = raw[:500].decode("utf-8", "replace")
    if redactor and data is not NO_BODY and not 200 <= status < 300 and b"\\" in raw:
        # An error body goes into an exception: its strings, once JSON escapes are
        # decoded, may spell a secret the raw bytes did not.
        try:
            data = redactor.data(data)
        except RecursionError:
            data, text = NO_BODY, "(an error body nested too deeply to show)"
    return Response(method, url, status, headers, data, text)


async def read_body(
    resp: aiohttp.ClientResponse, cap: int, what: Callable[[], str]
) -> bytes | bytearray:
    """The body, up to ``cap`` bytes (``what()``: the request, for an error; made only
    then); a page of a listing is charged to its memory budget as it arrives
    (:mod:`confclient._budget`), with what parsing it will take.

    Read piece by piece into one buffer: a whole-body read would hold the body twice
    (aiohttp's pieces, then their join), and a hostile page is as large as allowed.
    """
    page = CURRENT_PAGE.get()
    length = resp.content_length
    if length is not None and length > cap:
        raise ResponseTooLargeError(
            f"{what()}: response of {length} bytes exceeds max_body_bytes={cap}; not read"
        )
    # Content-Length is the size on the wire: a compressed body can decompress to far
    # more, so what is read is counted either way.
    declared = length if resp.headers.get("Content-Encoding", "identity") == "identity" else None
    if page is not None and declared is not None:
        await page.charge(declared)
    raw = bytearray()
    async for chunk in resp.content.iter_any():
        if page is not None and declared is None:
            await page.charge(len(chunk))
        raw += chunk
        if len(raw) > cap:
            raise ResponseTooLargeError(
                f"{what()}: response exceeds max_body_bytes={cap}; reading stopped"
            )
    if page is not None:
        parsed = parsed_size_estimate(raw)
        if parsed + len(raw) > page.limit:
            raise ResponseTooLargeError(
                f"{what()}: a page of "
                f"{parsed // PARSED_BYTES_PER_VALUE:,} JSON values would take about "
                f"{(parsed + len(raw)) / 2**20:.0f} MiB once parsed, more than the "
                f"listing's memory budget of {page.limit / 2**20:.0f} MiB; not parsed"
            )
        await page.charge(parsed)
    return raw
