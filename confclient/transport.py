"""HTTP transport shared by every adapter.

It owns (or borrows) one aiohttp session, and for every request it:

* pins the URL to the configured base URL's scheme, host and port (credentials never leave it);
* retries what :func:`confclient._retry.next_wait` says (connection errors, timeouts,
  truncated bodies, 408/429/500/502/503/504, exponential backoff with full jitter,
  ``Retry-After`` or the provider's rate-limit reset header honoured and capped); a request
  that is not idempotent is retried only when the adapter made it safe, or for a status the
  provider documents as "not processed";
* owns every request it sends, whatever the defaults of a caller's session
  (``raise_for_status``, middlewares, ``auto_decompress``, headers it sets itself);
* refuses URLs that are not on the configured origin or that hold control characters;
* caps requests in flight, the body size it reads, and the whole call's time (``deadline``);
* redacts its own secrets from what a server sends back (bodies, header values) before any
  exception or log can hold them;
* raises only :class:`ConfClientError` subclasses, whatever happens underneath;
* follows the event loop it is used from: its own session is made in the running loop,
  closed when that loop shuts down, and made again in the next one;
* logs method, URL, status, attempt and elapsed time to ``logging.getLogger("confclient")``,
  never a header, so credentials stay out of logs.

The transport decodes JSON but interprets nothing: adapters turn a :class:`Response` into
records or errors with pure functions.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
import sys
from collections.abc import AsyncGenerator, Iterable, Mapping, Sequence
from typing import Any, Final

import aiohttp
import attrs
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from . import _json
from ._budget import CURRENT_PAGE, PARSED_BYTES_PER_VALUE, parsed_size_estimate
from ._options import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONNECTIONS,
    Timeout,
    TransportOptions,
    describe_timeout,
)
from ._retry import NO_RULES, RetryPolicy, RetryRules, next_wait, parse_retry_after
from ._secrets import RedactedStr, Redactor, check_credential, unprintable_in
from ._urls import encode_segment, off_the_wire, validate_base_url
from ._version import __version__
from .decoding import request_id_of
from .errors import (
    ConfClientError,
    ConfigurationError,
    InvalidRequestError,
    ResponseTooLargeError,
    TransportError,
    TransportTimeoutError,
    UnsafeRedirectError,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_CONNECTIONS",
    "NO_BODY",
    "Response",
    "ResponseTooLargeError",
    "RetryPolicy",
    "RetryRules",
    "Timeout",
    "Transport",
    "check_credential",
    "encode_segment",
    "parse_retry_after",
    "validate_base_url",
]

log = logging.getLogger("confclient")

_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# What decoding a body that is not JSON raises. RecursionError: the standard library's decoder
# on a hostile, deeply nested body (orjson refuses those with a JSONDecodeError).
_NOT_JSON: Final[tuple[type[Exception], ...]] = (*_json.JSONDecodeError, RecursionError)


def _own_request_settings() -> dict[str, Any]:
    """Per-request settings that override whatever a caller's session defaults to: the
    transport reads every status itself, follows no redirect, decompresses what it counts,
    and runs no session middleware (a retrying one would multiply our retries). Only
    those the installed aiohttp knows (middlewares came in 3.12).
    """
    known = inspect.signature(aiohttp.ClientSession._request).parameters
    wanted: dict[str, Any] = {
        "raise_for_status": False,
        "allow_redirects": False,
        "auto_decompress": True,
        "middlewares": (),
    }
    return {name: value for name, value in wanted.items() if name in known}


_OWN_REQUEST_SETTINGS: Final = _own_request_settings()


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

    @property
    def request_id(self) -> str | None:
        """The provider's request id header, if it sent one."""
        return request_id_of(self.headers)

    @property
    def garbled(self) -> bool:
        """A success status whose body is not JSON: it broke off on the way (retried)."""
        return 200 <= self.status < 300 and self.data is NO_BODY and bool(self.text)


async def _closed_with_its_loop(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    """Holds our own session until the transport closes it, or until the event loop shuts
    down its async generators (``asyncio.run`` does, before it closes the loop): the
    session is then closed in its own loop, while its connections can still be closed
    cleanly. Without this, a service used under one ``asyncio.run`` and then another
    would leave the first loop's sockets open (and warned about) for ever.
    """
    try:
        yield
    finally:
        await session.close()


class Transport:
    """One provider's HTTP plumbing. Adapters create it; users normally never touch it.

    ``headers`` hold the credentials: they are never logged, repr'd or attached to an
    exception, and what they hold (and the adapter's other ``secrets``) is redacted from
    whatever a server sends back. ``rules``: what the provider documents about retries
    and rate limits. A caller-owned ``session`` is used as is (its connection pool, proxy
    and tracing), never closed here; each request overrides its defaults that would change
    what the transport sees (``raise_for_status``, redirects, middlewares, decompression).
    """

    def __init__(
        self,
        *,
        provider: str,
        base_url: str | URL,
        headers: Mapping[str, str],
        session: aiohttp.ClientSession | None = None,
        timeout: Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        trace_configs: Sequence[aiohttp.TraceConfig] | None = None,
        allow_insecure_http: bool = False,
        user_agent: str | None = None,
        rules: RetryRules | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        for name, value in headers.items():
            # A credential header that cannot go on the wire would fail every request with
            # aiohttp's bare ValueError; say so now, naming the header, never the value.
            where = unprintable_in(value) if isinstance(value, str) else "not a string"
            if where is not None:
                raise ConfigurationError(
                    f"{provider}: the credentials cannot be sent in the {name} header: it "
                    f"must be printable text without line breaks or control characters "
                    f"({where})"
                )
        settings = TransportOptions(
            base_url=validate_base_url(base_url, allow_insecure_http=allow_insecure_http),
            session=session,
            timeout=Timeout.coerce(timeout),
            retry=retry,
            max_connections=max_connections,
            max_body_bytes=max_body_bytes,
            trace_configs=trace_configs,
            allow_insecure_http=allow_insecure_http,
            user_agent=user_agent,
            provider=provider,
        )
        if rules is not None and not isinstance(rules, RetryRules):
            raise ConfigurationError(f"rules must be a RetryRules, got {rules!r}")
        self.provider = provider
        self.options = settings
        self.base_url = settings.base_url
        self.timeout = settings.timeout
        self.retry = retry if retry is not None else RetryPolicy()
        self.rules = rules if rules is not None else NO_RULES
        self.max_connections = max_connections
        self.max_body_bytes = max_body_bytes
        self._redactor = Redactor(headers.values(), secrets)
        self._headers: dict[str, str] = {
            name: RedactedStr(value) for name, value in headers.items()
        }
        self._headers.setdefault("Accept", "application/json")
        self._headers.setdefault(
            "User-Agent",
            user_agent
            or f"confclient/{__version__} aiohttp/{aiohttp.__version__} "
            f"python/{sys.version_info.major}.{sys.version_info.minor}",
        )
        self._session = session
        self._owns_session = session is None
        self._trace_configs = list(trace_configs) if trace_configs else None
        # What belongs to the event loop the transport is used from: made again when a
        # later call runs in another loop (see _bind).
        self._loop: asyncio.AbstractEventLoop | None = None
        self._semaphore: asyncio.Semaphore | None = None
        self._keeper: AsyncGenerator[None, None] | None = None
        self._waits: set[asyncio.Future[None]] = set()
        self._closed = False
        self._rng = random.Random()
        self.requests_sent = 0
        """Count of HTTP attempts made (each retry counts)."""

    def __repr__(self) -> str:
        owner = "own" if self._owns_session else "caller's"
        return f"<Transport {self.provider} {self.base_url} ({owner} session)>"

    # -- URLs ---------------------------------------------------------------------------------

    def url(self, *segments: str, params: Iterable[tuple[str, str]] | None = None) -> URL:
        """The URL of ``base_url`` + segments, each percent-encoded as exactly one segment
        (parameters are percent-encoded too: whatever they hold, the URL is sendable)."""
        path = self.base_url.path.rstrip("/")
        try:
            for segment in segments:
                if not segment:
                    raise InvalidRequestError("a path parameter must not be empty")
                path += "/" + encode_segment(segment)
            url = self.base_url.with_path(path, encoded=True)
            if params:
                url = url.with_query(list(params))
        except UnicodeEncodeError as exc:
            # A lone surrogate ("\ud800") has no UTF-8 form, so no URL can carry it.
            raise InvalidRequestError(
                f"a request parameter is not valid Unicode text: {exc.reason} at position "
                f"{exc.start} of {exc.object[max(0, exc.start - 20) : exc.end + 20]!r}"
            ) from None
        except (TypeError, ValueError) as exc:  # a parameter that is no text at all
            raise InvalidRequestError(f"a request parameter cannot be sent: {exc}") from None
        return url

    def pin(self, target: str | URL, *, encoded: bool = False) -> URL:
        """Resolve ``target`` against the base URL; refuse any other scheme, host or port,
        userinfo, and any character a URL cannot carry on the wire (a control character,
        or, in an ``encoded`` URL, anything but visible ASCII) with
        :class:`UnsafeRedirectError`. ``encoded``: ``target`` is a URL as a provider sent
        it (a next-page URL), to be requested exactly as it is.
        """
        problem = off_the_wire(target, encoded=encoded) if isinstance(target, str) else None
        try:
            url = URL(target, encoded=encoded) if isinstance(target, str) else target
            if not url.is_absolute():
                url = self.base_url.join(url)
            # yarl parses the authority lazily (always for an already-encoded URL): a bad
            # port or host raises only when first read, so read them all here.
            credentials = url.user is not None or url.password is not None
            elsewhere = not self.same_origin(url)
            if problem is None:
                problem = off_the_wire(str(url), encoded=True)
        except (TypeError, ValueError) as exc:
            shown = self._shown(target)
            raise UnsafeRedirectError(
                f"{self.provider}: provider sent an invalid URL {shown!r}: "
                f"{self._redactor.text(str(exc))}",
                url=shown,
            ) from None
        if problem is not None:
            shown = self._shown(target)
            raise UnsafeRedirectError(
                f"{self.provider}: refusing the URL {shown!r}: {problem}", url=shown
            )
        if credentials:
            shown = self._shown(url.with_user(None).with_query(None))
            raise UnsafeRedirectError(
                f"{self.provider}: refusing a URL that carries credentials of its own ({shown})",
                url=shown,
            )
        if elsewhere:
            shown = self._shown(url.with_query(None))
            raise UnsafeRedirectError(
                f"{self.provider}: refusing to follow {shown} — it is not on the "
                f"configured API origin {self.base_url.origin()}; credentials stay there",
                url=shown,
            )
        return url

    def _check_redirect(self, url: URL, location: str) -> None:
        """Raise :class:`UnsafeRedirectError` for a ``Location`` off the configured origin,
        or one that is no URL at all (it came from the network: anything may be in it).
        """
        try:
            target = url.join(URL(location))
        except (TypeError, ValueError) as exc:
            shown = self._shown(location)
            raise UnsafeRedirectError(
                f"{self.provider}: the provider redirected to an invalid URL {shown!r}: "
                f"{self._redactor.text(str(exc))}",
                url=shown,
            ) from None
        self.pin(target)

    def same_origin(self, url: URL) -> bool:
        base = self.base_url
        return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)

    def _shown(self, target: str | URL) -> str:
        """``target`` for an error message: cut short, our secrets redacted (a URL from the
        network may hold anything), ``(unparsable)`` for a URL that cannot be shown."""
        try:
            text = str(target)
        except ValueError:  # a URL whose authority does not parse
            return "(unparsable)"
        return self._redactor.text(text)[:200]

    def _where(self, url: URL) -> str:
        """A URL we request, for an error message: no query (it may hold a page token)."""
        return self._shown(url.with_query(None))

    # -- session ------------------------------------------------------------------------------

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The session in use (``None`` until the first request when it is our own)."""
        return self._session

    def _closed_error(self, *, in_flight: bool = False) -> ConfClientError:
        if in_flight:
            return ConfClientError(
                f"{self.provider}: the service was closed while this request was in flight; "
                "it was not retried"
            )
        return ConfClientError(f"this {self.provider} service is closed")

    async def _session_in(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        """The session to send with from ``loop``, bound to it first when needed."""
        if self._closed:
            raise self._closed_error()
        session = self._session
        if self._loop is loop and session is not None and not session.closed:
            return session
        return await self._bind(loop)

    async def _bind(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        session = self._session
        if not self._owns_session:
            assert session is not None
            # aiohttp keeps the loop a session was made in privately (its `loop` property
            # is deprecated); a session used from another loop fails in its timers.
            made_in = getattr(session, "_loop", loop)
            if made_in is not loop:
                raise ConfClientError(
                    f"the aiohttp session given to this {self.provider} service was made in "
                    "another event loop; make the session inside the loop that uses the service"
                )
            if session.closed:
                raise ConfClientError(
                    f"the aiohttp session given to this {self.provider} service is closed"
                )
        else:
            if session is not None and not session.closed and self._loop is not loop:
                previous = self._loop
                if previous is not None and not previous.is_closed():
                    raise ConfClientError(
                        f"this {self.provider} service is in use in another event loop, which "
                        "is still open; use one service per event loop, or aclose() it in "
                        "that loop first"
                    )
                # That loop was closed without shutting down its async generators (as
                # asyncio.run does): nothing can close the session's connections any more.
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.max_connections, ttl_dns_cache=300),
                trace_configs=self._trace_configs,
                # One timeout per request (in _send) bounded by the call's deadline.
                timeout=aiohttp.ClientTimeout(total=None),
                # Nothing a server sets is sent back: each request is ours alone.
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            keeper = _closed_with_its_loop(session)
            await anext(keeper)
            self._session, self._keeper = session, keeper
        if self._loop is not loop:
            self._loop = loop
            self._semaphore = asyncio.Semaphore(self.max_connections)
            self._waits = set()
        return session

    @property
    def closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        """Close our own session (a caller's session is left open) and stop the retries
        waiting to be sent: calls in flight end with :class:`ConfClientError`. Safe to
        call twice.
        """
        self._closed = True
        for wait in list(self._waits):
            wait.cancel()
        keeper, self._keeper = self._keeper, None
        if self._owns_session:
            self._session = None
        if keeper is not None and self._loop is asyncio.get_running_loop():
            await keeper.aclose()  # closes the session, in the loop it belongs to

    # -- requests -----------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        url: URL,
        *,
        json: Any = None,
        retry_unsafe: bool = False,
    ) -> Response:
        """Send a request with retries; return the final :class:`Response`.

        Error statuses are returned, not raised (the adapter maps them), once retries allow
        no more. Raises :class:`TransportError` (or its timeout kind) when no response came,
        :class:`UnsafeRedirectError` for a URL or redirect off the configured origin, and
        nothing but a :class:`ConfClientError` whatever happens underneath.
        ``retry_unsafe`` allows retrying a non-idempotent method the adapter made safe
        (e.g. Telnyx create with a ``command_id``).
        """
        try:
            return await self._request(method, url, json, retry_unsafe)
        except ConfClientError:
            raise
        except Exception as exc:
            # The last resort: whatever aiohttp, yarl or asyncio raised that nothing above
            # foresaw. Never CancelledError or KeyboardInterrupt: those are no Exception.
            if self._closed:
                raise self._closed_error(in_flight=True) from exc
            kind = TransportTimeoutError if isinstance(exc, TimeoutError) else TransportError
            raise kind(
                f"{self.provider}: {str(method)[:10]} request failed: {type(exc).__name__}: "
                f"{self._redactor.text(str(exc))[:300]}"
            ) from exc

    async def _request(self, method: str, url: URL, json: Any, retry_unsafe: bool) -> Response:
        url = self.pin(url)
        method = method.upper()
        try:
            body = None if json is None else _json.dumps(json)
        except (TypeError, ValueError) as exc:  # e.g. a lone surrogate in a string
            raise InvalidRequestError(f"the request body cannot be sent as JSON: {exc}") from None
        loop = asyncio.get_running_loop()
        session = await self._session_in(loop)
        headers = self._headers
        if body is not None:
            headers = {**headers, "Content-Type": "application/json"}
        idempotent = method in _IDEMPOTENT_METHODS or retry_unsafe
        policy = self.retry
        started = loop.time()
        deadline = None if self.timeout.deadline is None else started + self.timeout.deadline
        attempt = 0
        page = CURRENT_PAGE.get()
        while True:
            attempt += 1
            attempt_started = loop.time()
            held_before = 0 if page is None else page.held
            outcome: Response | TransportError
            try:
                outcome = await self._attempt(
                    session, method, url, headers, body, deadline, attempt, loop
                )
            except TransportError as exc:
                if self._closed:  # our session was closed under the request
                    raise self._closed_error(in_flight=True) from exc
                outcome = exc
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "%s %s -> %s (attempt %d, %.1f ms)",
                    method,
                    self._shown(url),
                    outcome.status if isinstance(outcome, Response) else outcome,
                    attempt,
                    (loop.time() - attempt_started) * 1000,
                )
            wait = next_wait(
                attempt,
                outcome,
                policy,
                idempotent=idempotent,
                rules=self.rules,
                time_left=None if deadline is None else deadline - loop.time(),
                rng=self._rng,
            )
            if page is not None and (wait is not None or not isinstance(outcome, Response)):
                page.refund(page.held - held_before)  # this attempt's body is thrown away
            if wait is not None:
                if self._closed:
                    raise self._closed_error(in_flight=True)
                if log.isEnabledFor(logging.DEBUG):
                    log.debug("retrying %s %s in %.3f s", method, self._shown(url), wait)
                await self._wait(wait)
                continue
            if isinstance(outcome, TransportError):
                if attempt > 1:
                    outcome.args = (f"{outcome.args[0]} (after {attempt} attempts)",)
                raise outcome
            return attrs.evolve(outcome, attempts=attempt, elapsed=loop.time() - started)

    async def _wait(self, seconds: float) -> None:
        """The wait before a retry; :meth:`aclose` ends it at once."""
        sleeper = asyncio.ensure_future(_sleep(seconds))
        self._waits.add(sleeper)
        try:
            await sleeper
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if self._closed and not (current is not None and current.cancelling()):
                raise self._closed_error(in_flight=True) from None
            raise
        finally:
            self._waits.discard(sleeper)
        if self._closed:
            raise self._closed_error(in_flight=True)

    async def _attempt(
        self,
        session: aiohttp.ClientSession,
        method: str,
        url: URL,
        headers: Mapping[str, str],
        body: bytes | None,
        deadline: float | None,
        attempt: int,
        loop: asyncio.AbstractEventLoop,
    ) -> Response:
        semaphore = self._semaphore
        assert semaphore is not None
        if deadline is None:
            await semaphore.acquire()
        else:
            # The deadline bounds the whole call: waiting for a free slot (max_connections)
            # counts too, or a busy service would stretch it without limit.
            try:
                async with asyncio.timeout_at(deadline):
                    await semaphore.acquire()
            except TimeoutError:
                raise TransportTimeoutError(
                    f"{self.provider}: {method} {self._where(url)} exceeded "
                    f"its deadline of {self.timeout.deadline} s waiting for one of its "
                    f"max_connections={self.max_connections} slots"
                ) from None
        try:
            if self._closed:  # closed while this request waited for a slot
                raise self._closed_error(in_flight=True)
            return await self._send(session, method, url, headers, body, deadline, attempt, loop)
        finally:
            semaphore.release()

    async def _send(
        self,
        session: aiohttp.ClientSession,
        method: str,
        url: URL,
        headers: Mapping[str, str],
        body: bytes | None,
        deadline: float | None,
        attempt: int,
        loop: asyncio.AbstractEventLoop,
    ) -> Response:
        timeout = self.timeout
        total = timeout.total
        if deadline is not None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TransportTimeoutError(
                    f"{self.provider}: {method} {self._where(url)} exceeded its deadline of "
                    f"{timeout.deadline} s"
                )
            total = remaining if total is None else min(total, remaining)
        client_timeout = aiohttp.ClientTimeout(
            total=total, sock_connect=timeout.connect, sock_read=timeout.read
        )
        self.requests_sent += 1
        try:
            async with session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=client_timeout,
                **_OWN_REQUEST_SETTINGS,
            ) as resp:
                if 300 <= resp.status < 400 and resp.headers.get("Location"):
                    # Never follow: a redirect elsewhere would take the credentials along.
                    self._check_redirect(url, resp.headers["Location"])
                raw = await self._read_body(resp, method, url)
                status = resp.status
                resp_headers: Mapping[str, str] = resp.headers
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise TransportTimeoutError(
                f"{self.provider}: {method} {self._where(url)} timed out "
                f"(attempt {attempt}; {describe_timeout(timeout)})"
            ) from exc
        except aiohttp.ClientPayloadError as exc:
            raise TransportError(
                f"{self.provider}: {method} {self._where(url)}: response body broken off "
                f"({type(exc).__name__})"
            ) from exc
        except aiohttp.ClientError as exc:
            raise TransportError(
                f"{self.provider}: {method} {self._where(url)} failed: "
                f"{type(exc).__name__}: {self._redactor.text(str(exc))}"
            ) from exc
        return self._response(method, url, status, resp_headers, raw)

    def _response(
        self,
        method: str,
        url: URL,
        status: int,
        headers: Mapping[str, str],
        raw: bytes | bytearray,
    ) -> Response:
        """The response as the adapter sees it: JSON decoded, our secrets redacted from
        what the server sent (a server, or a proxy, may echo the request back)."""
        redactor = self._redactor
        if redactor:
            raw = redactor.raw(raw)  # verbatim echoes, in any body
            redacted = redactor.headers(headers)
            if redacted is not None:
                headers = CIMultiDictProxy(CIMultiDict(redacted))
        data: Any = NO_BODY
        text = ""
        if raw:
            try:
                data = _json.loads(raw)
            except _NOT_JSON:
                text = raw[:500].decode("utf-8", "replace")
        if redactor and data is not NO_BODY and not 200 <= status < 300 and b"\\" in raw:
            # An error body goes into an exception: its strings, once JSON escapes are
            # decoded, may spell a secret the raw bytes did not.
            try:
                data = redactor.data(data)
            except RecursionError:
                data, text = NO_BODY, "(an error body nested too deeply to show)"
        return Response(method, url, status, headers, data, text)

    async def _read_body(
        self, resp: aiohttp.ClientResponse, method: str, url: URL
    ) -> bytes | bytearray:
        """The body, up to ``max_body_bytes``; a page of a listing is charged to its memory
        budget as it arrives (:mod:`confclient._budget`), with what parsing it will take.

        Read piece by piece into one buffer: a whole-body read would hold the body twice
        (aiohttp's pieces, then their join), and a hostile page is as large as allowed.
        """
        cap = self.max_body_bytes
        page = CURRENT_PAGE.get()
        length = resp.content_length
        if length is not None and length > cap:
            raise ResponseTooLargeError(
                f"{self.provider}: {method} {self._where(url)}: response of {length} bytes "
                f"exceeds max_body_bytes={cap}; not read"
            )
        # Content-Length is the size on the wire: a compressed body can decompress to far
        # more, so what is read is counted either way.
        declared = (
            length if resp.headers.get("Content-Encoding", "identity") == "identity" else None
        )
        if page is not None and declared is not None:
            await page.charge(declared)
        raw = bytearray()
        async for chunk in resp.content.iter_any():
            if page is not None and declared is None:
                await page.charge(len(chunk))
            raw += chunk
            if len(raw) > cap:
                raise ResponseTooLargeError(
                    f"{self.provider}: {method} {self._where(url)}: response exceeds "
                    f"max_body_bytes={cap}; reading stopped"
                )
        if page is not None:
            parsed = parsed_size_estimate(raw)
            if parsed + len(raw) > page.limit:
                raise ResponseTooLargeError(
                    f"{self.provider}: {method} {self._where(url)}: a page of "
                    f"{parsed // PARSED_BYTES_PER_VALUE:,} JSON values would take about "
                    f"{(parsed + len(raw)) / 2**20:.0f} MiB once parsed, more than the "
                    f"listing's memory budget of {page.limit / 2**20:.0f} MiB; not parsed"
                )
            await page.charge(parsed)
        return raw


async def _sleep(seconds: float) -> None:
    """The wait before a retry. One place, so that tests can observe every wait exactly."""
    await asyncio.sleep(seconds)
