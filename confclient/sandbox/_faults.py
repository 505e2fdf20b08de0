"""Latency and fault injection, shared by every emulated provider.

The :class:`FaultInjector` decides, per request, how long to wait and which fault (if any) to
inject; the sandbox middleware asks it and applies the answer. The error bodies of the
HTTP-status faults are provider-shaped, so each provider renders those itself; the two
transport-level faults are provider-neutral and live here:

- ``drop``: :func:`drop_response` sends the status line and headers declaring the full
  ``Content-Length``, then half of the body, then closes the connection;
- ``truncate``: :func:`truncate_response` sends a complete HTTP response whose body is the
  first half of the real JSON (its ``Content-Length`` matches the cut body);
- ``stall``: :func:`stall_until_disconnected` holds the request without sending a byte;
- ``stall_body``: :func:`stall_body_response` sends the headers and half of the body, then
  nothing more;
- ``redirect``: :func:`redirect_response` answers ``307`` pointing at the same path on another
  origin.

A stall lasts until the client gives up and disconnects (or :data:`STALL_MAX_SECONDS`): a
client without a working timeout hangs there, which is what the stall faults are for.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Final

import attrs
import yarl
from aiohttp import hdrs, web

from ._data import seeded_rng

__all__ = [
    "DEFAULT_FAULTS",
    "DEFAULT_REDIRECT_ORIGIN",
    "STALL_MAX_SECONDS",
    "FaultInjector",
    "FaultKind",
    "STATUS_FAULTS",
    "QueuedFault",
    "check_origin",
    "client_gone",
    "drop_response",
    "format_seconds",
    "redirect_response",
    "stall_body_response",
    "stall_until_disconnected",
    "truncate_response",
]


class FaultKind(StrEnum):
    """The faults the sandbox can inject. Plain strings (``"503"``) are accepted wherever a
    kind is expected."""

    INTERNAL_ERROR = "500"
    """500 with the provider's internal-error body."""
    SERVICE_UNAVAILABLE = "503"
    """503 with the provider's error body and ``Retry-After``."""
    TOO_MANY_REQUESTS = "429"
    """429 with the provider's rate-limit body and the wait as the provider states it
    (``Retry-After``; Telnyx: ``x-ratelimit-reset``, with ``x-ratelimit-limit`` and
    ``x-ratelimit-remaining: 0``)."""
    DROP = "drop"
    """The connection closes mid-body (the client sees a payload or disconnection error)."""
    TRUNCATE = "truncate"
    """A complete response whose JSON body is cut in half."""
    STALL = "stall"
    """No answer at all: not even the status line, until the client disconnects."""
    STALL_BODY = "stall_body"
    """The headers and half of the body, then nothing more until the client disconnects."""
    REDIRECT = "redirect"
    """``307 Temporary Redirect`` to the same path and query on another origin
    (``Sandbox.redirect_origin``): a client must not follow it with its credentials."""

    @property
    def status(self) -> int:
        """The HTTP status a status fault (500, 503, 429) answers with."""
        if not self.value.isdigit():
            raise ValueError(f"the {self.value!r} fault answers with no status of its own")
        return int(self.value)

    @classmethod
    def parse(cls, value: str) -> FaultKind:
        """``FaultKind(value)`` with an error message that lists the known kinds."""
        try:
            return cls(value)
        except ValueError:
            known = ", ".join(repr(kind.value) for kind in cls)
            raise ValueError(f"unknown fault kind {value!r}; expected one of {known}") from None


#: The kinds ``fault_rate`` draws from unless told otherwise: the transient faults a client
#: is expected to retry through (a stall or a redirect has to be asked for by name).
DEFAULT_FAULTS: Final = ("500", "503", "429", "drop", "truncate")

#: Where the ``redirect`` fault points unless told otherwise: another host, whose port 9
#: (discard) nobody serves.
DEFAULT_REDIRECT_ORIGIN: Final = "http://127.0.0.2:9"

#: The longest a stall holds a request whose client never gives up.
STALL_MAX_SECONDS: Final = 60.0

# How often a stalled request looks whether its client is gone.
_STALL_POLL_SECONDS: Final = 0.005

#: The kinds answered with an error status (and a provider-shaped body) instead of the handler.
STATUS_FAULTS: Final = frozenset(
    {FaultKind.INTERNAL_ERROR, FaultKind.SERVICE_UNAVAILABLE, FaultKind.TOO_MANY_REQUESTS}
)


@attrs.frozen
class QueuedFault:
    """A fault waiting for the next request whose raw path starts with ``path_prefix`` (and
    whose method is ``method``, when given)."""

    kind: FaultKind
    path_prefix: str = ""
    method: str | None = None

    def matches(self, method: str, raw_path: str) -> bool:
        """Whether a request with this method and raw path consumes this fault."""
        return raw_path.startswith(self.path_prefix) and (
            self.method is None or self.method == method
        )


def format_seconds(seconds: float) -> str:
    """Render a delay as a plain decimal string: ``1.0`` -> ``"1"``, ``0.25`` -> ``"0.25"``."""
    text = format(Decimal(repr(float(seconds))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _check_rate(rate: float) -> float:
    rate = float(rate)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"fault_rate must be between 0 and 1, got {rate!r}")
    return rate


def check_origin(value: str) -> str:
    """The ``scheme://host[:port]`` of an absolute http(s) URL, or ``ValueError``."""
    url = yarl.URL(value)
    if not url.absolute or url.scheme not in ("http", "https") or not url.host:
        raise ValueError(
            f"expected an absolute http(s) URL such as 'http://127.0.0.2:9', got {value!r}"
        )
    return str(url.origin())


def _check_non_negative(name: str, value: float) -> float:
    value = float(value)
    if not value >= 0.0:  # also rejects NaN
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return value


class FaultInjector:
    """Per-request latency and fault decisions.

    Queued faults (:meth:`queue`) take precedence, in order; otherwise a fault is drawn with
    probability :attr:`fault_rate` from ``faults``, using a ``random.Random`` seeded from
    ``seed`` (so a given sequence of requests meets the same faults on every run).
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        latency_ms: float = 0.0,
        fault_rate: float = 0.0,
        faults: Sequence[str] = DEFAULT_FAULTS,
        retry_after: float = 1.0,
    ) -> None:
        self._latency_ms = _check_non_negative("latency_ms", latency_ms)
        self._fault_rate = _check_rate(fault_rate)
        self._kinds = tuple(FaultKind.parse(kind) for kind in faults)
        self._retry_after = _check_non_negative("retry_after", retry_after)
        self._rng = seeded_rng(seed, "faults")
        self._queue: deque[QueuedFault] = deque()
        self._redirect_origin: str = DEFAULT_REDIRECT_ORIGIN

    @property
    def latency_ms(self) -> float:
        """Milliseconds every request waits before it is handled."""
        return self._latency_ms

    @latency_ms.setter
    def latency_ms(self, value: float) -> None:
        self._latency_ms = _check_non_negative("latency_ms", value)

    @property
    def fault_rate(self) -> float:
        """Probability (0..1) that a request without a queued fault gets a random one."""
        return self._fault_rate

    @fault_rate.setter
    def fault_rate(self, value: float) -> None:
        self._fault_rate = _check_rate(value)

    @property
    def kinds(self) -> tuple[FaultKind, ...]:
        """The kinds :attr:`fault_rate` draws from."""
        return self._kinds

    @property
    def retry_after(self) -> float:
        """Seconds sent in ``Retry-After`` with 429 and 503 faults."""
        return self._retry_after

    @property
    def retry_after_header(self) -> str:
        """:attr:`retry_after` as sent on the wire (a decimal string)."""
        return format_seconds(self._retry_after)

    @property
    def redirect_origin(self) -> str:
        """The origin (``scheme://host:port``) the ``redirect`` fault points at."""
        return self._redirect_origin

    @redirect_origin.setter
    def redirect_origin(self, value: str) -> None:
        self._redirect_origin = check_origin(value)

    @property
    def queued(self) -> tuple[QueuedFault, ...]:
        """Faults still waiting for a matching request, in the order they will be used."""
        return tuple(self._queue)

    def queue(
        self, kinds: Iterable[str], *, path_prefix: str = "", method: str | None = None
    ) -> None:
        """Append faults for the next matching requests (one fault per request, in order)."""
        parsed = [FaultKind.parse(kind) for kind in kinds]
        upper = method.upper() if method is not None else None
        self._queue.extend(QueuedFault(kind, path_prefix, upper) for kind in parsed)

    def clear(self) -> None:
        """Drop every queued fault."""
        self._queue.clear()

    async def delay(self) -> None:
        """Sleep for the configured latency (no-op at 0)."""
        if self._latency_ms > 0:
            await asyncio.sleep(self._latency_ms / 1000)

    def pick(self, method: str, raw_path: str) -> FaultKind | None:
        """The fault this request gets, consuming a queued one if any matches."""
        for queued in self._queue:
            if queued.matches(method, raw_path):
                self._queue.remove(queued)
                return queued.kind
        if self._fault_rate > 0 and self._kinds and self._rng.random() < self._fault_rate:
            return self._kinds[self._rng.randrange(len(self._kinds))]
        return None


def _body_bytes(response: web.Response) -> bytes:
    body = response.body
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    raise TypeError(f"cannot cut a response whose body is {type(body).__name__}")


def _copy_headers(response: web.StreamResponse) -> dict[str, str]:
    skip = {hdrs.CONTENT_LENGTH, hdrs.CONTENT_TYPE}
    return {name: value for name, value in response.headers.items() if name not in skip}


def truncate_response(response: web.Response) -> web.Response:
    """``response`` with only the first half of its body, and a matching Content-Length.

    The status is kept (it is 200 for every request the handlers answer successfully).
    """
    body = _body_bytes(response)
    return web.Response(
        status=response.status,
        body=body[: len(body) // 2],
        headers=_copy_headers(response),
        content_type=response.content_type,
    )


async def drop_response(request: web.Request, response: web.Response) -> web.StreamResponse:
    """Send ``response``'s headers and half of its body, then close the connection.

    The returned response is already sent; aiohttp's attempt to finish it meets the closed
    transport and ends the connection quietly.
    """
    body = _body_bytes(response)
    stream = web.StreamResponse(status=response.status, headers=_copy_headers(response))
    stream.content_type = response.content_type
    stream.content_length = len(body)
    await stream.prepare(request)
    await stream.write(body[: len(body) // 2])
    transport = request.transport
    if transport is not None:
        transport.close()
    return stream


def client_gone(request: web.Request) -> bool:
    """Whether the client of ``request`` has disconnected."""
    transport = request.transport
    return transport is None or transport.is_closing()


async def stall_until_disconnected(request: web.Request) -> None:
    """Wait until the client of ``request`` disconnects (at most :data:`STALL_MAX_SECONDS`).

    aiohttp does not cancel a handler whose client left, so the stall watches the connection
    itself: the sandbox frees the request as soon as the client gives up, and
    ``stats.in_flight`` shows whether it did.
    """
    # Polled: aiohttp offers no public "connection lost" hook to a handler.
    for _ in range(round(STALL_MAX_SECONDS / _STALL_POLL_SECONDS)):
        if client_gone(request):
            return
        await asyncio.sleep(_STALL_POLL_SECONDS)


async def stall_body_response(request: web.Request, response: web.Response) -> web.StreamResponse:
    """Send ``response``'s headers (declaring the full ``Content-Length``) and half of its
    body, then stall until the client disconnects.
    """
    body = _body_bytes(response)
    stream = web.StreamResponse(status=response.status, headers=_copy_headers(response))
    stream.content_type = response.content_type
    stream.content_length = len(body)
    await stream.prepare(request)
    await stream.write(body[: len(body) // 2])
    await stall_until_disconnected(request)
    return stream


def redirect_response(request: web.Request, origin: str) -> web.Response:
    """``307 Temporary Redirect`` to the request's own path and query on ``origin``."""
    return web.Response(status=307, headers={hdrs.LOCATION: origin + request.raw_path})
