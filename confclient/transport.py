"""HTTP transport shared by every adapter.

It owns (or borrows) one aiohttp session, and for every request it:

* pins the URL to the configured base URL's scheme, host and port (credentials never leave it);
* retries connection errors, timeouts, truncated bodies and 408/429/500/502/503/504 with
  exponential backoff and full jitter, honouring ``Retry-After`` (seconds or HTTP date, capped);
  a request that is not idempotent is retried only when the caller says it was made safe;
* caps requests in flight, the body size it reads, and the whole call's time (``deadline``);
* logs method, URL, status, attempt and elapsed time to ``logging.getLogger("confclient")``,
  never a header, so credentials stay out of logs.

The transport decodes JSON but interprets nothing: adapters turn a :class:`Response` into
records or errors with pure functions.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import quote

import aiohttp
import attrs
from yarl import URL

from . import _json
from ._version import __version__
from .decoding import parse_retry_after
from .errors import (
    ConfClientError,
    ConfigurationError,
    InvalidRequestError,
    TransportError,
    TransportTimeoutError,
    UnsafeRedirectError,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_CONNECTIONS",
    "NO_BODY",
    "Response",
    "RetryPolicy",
    "Timeout",
    "Transport",
    "ResponseTooLargeError",
    "encode_segment",
]

log = logging.getLogger("confclient")

DEFAULT_MAX_CONNECTIONS: Final = 32
DEFAULT_MAX_BODY_BYTES: Final = 8 * 1024 * 1024
_LOOPBACK_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# What decoding a body that is not JSON raises. RecursionError: the standard library's decoder
# on a hostile, deeply nested body (orjson refuses those with a JSONDecodeError).
_NOT_JSON: Final[tuple[type[Exception], ...]] = (*_json.JSONDecodeError, RecursionError)


class ResponseTooLargeError(TransportError):
    """The response body was larger than ``max_body_bytes``; it was not read into memory."""


class _Redacted(str):
    """A header value (a credential) that reprs as ``<redacted>``.

    It is still the plain string on the wire and for ``==``; only ``repr`` changes, and
    that is what ends up in reprs of header mappings, in ``request_info`` of aiohttp's
    errors, and in tracebacks formatted with their frames' local variables (crash reporters
    do that), where aiohttp's own frames hold the request headers.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "<redacted>"


class _NoBody:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_BODY"

    def __bool__(self) -> bool:
        return False


NO_BODY: Final = _NoBody()
"""``Response.data`` when the body was empty or not JSON."""


def _positive_or_none(name: str) -> Any:
    def check(_inst: object, _attr: object, value: float | None) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ConfigurationError(f"Timeout.{name} must be a positive number of seconds or None")

    return check


@attrs.frozen
class Timeout:
    """Time limits, in seconds. ``None`` turns a limit off.

    ``connect``: to get a connection; ``read``: between two reads of the body;
    ``total``: one attempt, start to end; ``deadline``: the whole call, every retry and
    backoff included (``None``: bounded only by ``total`` x attempts plus backoff).

    >>> Timeout(total=10, deadline=30)  # doctest: +SKIP
    """

    total: float | None = attrs.field(default=30.0, validator=_positive_or_none("total"))
    connect: float | None = attrs.field(default=10.0, validator=_positive_or_none("connect"))
    read: float | None = attrs.field(default=30.0, validator=_positive_or_none("read"))
    deadline: float | None = attrs.field(default=None, validator=_positive_or_none("deadline"))

    @classmethod
    def coerce(cls, value: Timeout | float | None) -> Timeout:
        """``None`` gives the defaults; a number is the per-attempt ``total``."""
        if value is None:
            return cls()
        if isinstance(value, Timeout):
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigurationError(
                f"timeout must be a confclient.Timeout or a number of seconds, got {value!r}"
            )
        return cls(total=float(value))


def _at_least(minimum: float, name: str, *, integer: bool = False) -> Any:
    def check(_inst: object, _attr: object, value: float) -> None:
        kinds: tuple[type, ...] = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not value >= minimum:
            what = "an integer" if integer else "a number"
            raise ConfigurationError(
                f"RetryPolicy.{name} must be {what} >= {minimum}, got {value!r}"
            )

    return check


@attrs.frozen
class RetryPolicy:
    """How failed requests are retried.

    ``max_attempts`` counts the first try (1 turns retries off). The wait before retry *n* is
    drawn uniformly from ``[0, min(backoff_max, backoff_base * 2**(n-1))]`` ("full jitter");
    a ``Retry-After`` header replaces it, capped at ``retry_after_max``.
    """

    max_attempts: int = attrs.field(default=4, validator=_at_least(1, "max_attempts", integer=True))
    backoff_base: float = attrs.field(default=0.2, validator=_at_least(0, "backoff_base"))
    backoff_max: float = attrs.field(default=5.0, validator=_at_least(0, "backoff_max"))
    retry_after_max: float = attrs.field(default=30.0, validator=_at_least(0, "retry_after_max"))
    statuses: frozenset[int] = attrs.field(
        default=frozenset({408, 429, 500, 502, 503, 504}), converter=frozenset
    )

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """Never retry."""
        return cls(max_attempts=1)

    def backoff(self, retry_number: int, rng: random.Random | None = None) -> float:
        """The full-jitter wait before retry number ``retry_number`` (1-based)."""
        # The exponent is capped: past 2**30 the ceiling is backoff_max anyway.
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** min(retry_number - 1, 30)))
        return (rng or random).uniform(0.0, ceiling)


@attrs.frozen
class Response:
    """What the transport hands an adapter: status, headers, decoded JSON (or ``NO_BODY``)."""

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
        for name in ("X-Request-Id", "Twilio-Request-Id", "X-Twilio-Request-Id", "Request-Id"):
            value = self.headers.get(name)
            if value:
                return value
        return None


def encode_segment(value: str) -> str:
    """Percent-encode ``value`` as exactly one path segment.

    ``/``, ``?``, ``#`` and ``%`` are escaped, and a segment made only of dots is escaped
    too, so ``"../balance"`` or ``".."`` can never climb out of the resource it names.
    """
    encoded = quote(value, safe="")
    if encoded and encoded.strip(".") == "":
        encoded = encoded.replace(".", "%2E")
    return encoded


def validate_base_url(base_url: str | URL, *, allow_insecure_http: bool = False) -> URL:
    """Check a base URL given by the caller; raises :class:`ConfigurationError`."""
    if not isinstance(base_url, (str, URL)):
        raise ConfigurationError(f"base_url must be a string or yarl.URL, got {base_url!r}")
    try:
        url = URL(base_url)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"base_url {str(base_url)!r} is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"base_url must be an absolute http(s) URL such as https://api.example.com/v2, "
            f"got {str(base_url)!r}"
        )
    if url.user is not None or url.password is not None:
        raise ConfigurationError(
            "base_url must not carry credentials (user:password@); pass them as arguments"
        )
    if url.query_string or url.fragment:
        raise ConfigurationError("base_url must not have a query string or fragment")
    if url.scheme == "http" and url.host not in _LOOPBACK_HOSTS and not allow_insecure_http:
        raise ConfigurationError(
            f"refusing plain http:// to non-loopback host {url.host!r}: credentials would travel "
            "unencrypted; use https:// or pass allow_insecure_http=True"
        )
    return url.with_path(url.path.rstrip("/") or "/")


class Transport:
    """One provider's HTTP plumbing. Adapters create it; users normally never touch it.

    ``headers`` hold the credentials and are never logged, repr'd or attached to an exception.
    A caller-owned ``session`` is used as is and never closed here.
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
    ) -> None:
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise ConfigurationError(
                f"session must be an aiohttp.ClientSession, got {type(session).__name__}"
            )
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise ConfigurationError(f"retry must be a confclient.RetryPolicy, got {retry!r}")
        if isinstance(max_connections, bool) or not (
            isinstance(max_connections, int) and max_connections >= 1
        ):
            raise ConfigurationError(
                f"max_connections must be an integer >= 1, got {max_connections!r}"
            )
        if isinstance(max_body_bytes, bool) or not (
            isinstance(max_body_bytes, int) and max_body_bytes >= 1024
        ):
            raise ConfigurationError(
                f"max_body_bytes must be an integer >= 1024, got {max_body_bytes!r}"
            )
        self.provider = provider
        self.base_url = validate_base_url(base_url, allow_insecure_http=allow_insecure_http)
        self.timeout = Timeout.coerce(timeout)
        self.retry = retry if retry is not None else RetryPolicy()
        self.max_connections = max_connections
        self.max_body_bytes = max_body_bytes
        self._headers: dict[str, str] = {name: _Redacted(value) for name, value in headers.items()}
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
        self._semaphore: asyncio.Semaphore | None = None
        self._closed = False
        self._rng = random.Random()
        self._in_flight = 0
        self.requests_sent = 0
        """Count of HTTP attempts made (each retry counts)."""

    def __repr__(self) -> str:
        owner = "own" if self._owns_session else "caller's"
        return f"<Transport {self.provider} {self.base_url} ({owner} session)>"

    # -- URLs ---------------------------------------------------------------------------------

    def url(self, *segments: str, params: Iterable[tuple[str, str]] | None = None) -> URL:
        """The URL of ``base_url`` + segments, each percent-encoded as exactly one segment."""
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
        return url

    def pin(self, target: str | URL) -> URL:
        """Resolve ``target`` against the base URL; refuse any other scheme, host or port."""
        try:
            url = URL(target)
            if not url.is_absolute():
                url = self.base_url.join(url)
            # yarl parses the authority lazily (always for an already-encoded URL): a bad
            # port or host raises only when first read, so read them all here.
            credentials = url.user is not None or url.password is not None
            elsewhere = not self.same_origin(url)
        except (TypeError, ValueError) as exc:
            shown = _shown(target)
            raise UnsafeRedirectError(
                f"{self.provider}: provider sent an invalid URL {shown!r}: {exc}", url=shown
            ) from None
        if credentials:
            raise UnsafeRedirectError(
                f"{self.provider}: refusing a URL that carries credentials of its own "
                f"({url.with_user(None).with_query(None)})",
                url=str(url.with_user(None).with_query(None)),
            )
        if elsewhere:
            raise UnsafeRedirectError(
                f"{self.provider}: refusing to follow {url.with_query(None)} — it is not on the "
                f"configured API origin {self.base_url.origin()}; credentials stay there",
                url=str(url.with_query(None)),
            )
        return url

    def _check_redirect(self, url: URL, location: str) -> None:
        """Raise :class:`UnsafeRedirectError` for a ``Location`` off the configured origin,
        or one that is no URL at all (it came from the network: anything may be in it).
        """
        try:
            target = url.join(URL(location))
        except (TypeError, ValueError) as exc:
            raise UnsafeRedirectError(
                f"{self.provider}: the provider redirected to an invalid URL "
                f"{location[:200]!r}: {exc}",
                url=location[:200],
            ) from None
        self.pin(target)

    def same_origin(self, url: URL) -> bool:
        base = self.base_url
        return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)

    # -- session ------------------------------------------------------------------------------

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The session in use (``None`` until the first request when it is our own)."""
        return self._session

    def _get_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ConfClientError(f"this {self.provider} service is closed")
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self.max_connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector,
                trace_configs=self._trace_configs,
                # One timeout per request (below) bounded by the call's deadline.
                timeout=aiohttp.ClientTimeout(total=None),
            )
        elif self._session.closed:
            raise ConfClientError(f"the aiohttp session given to this {self.provider} is closed")
        return self._session

    @property
    def closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        """Close our own session (a caller's session is left open). Safe to call twice."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and self._owns_session and not session.closed:
            await session.close()

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
        and :class:`UnsafeRedirectError` for a URL or redirect off the configured origin.
        ``retry_unsafe`` allows retrying a non-idempotent method the adapter made safe
        (e.g. Telnyx create with a ``command_id``).
        """
        url = self.pin(url)
        method = method.upper()
        session = self._get_session()
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.max_connections)
        try:
            body = None if json is None else _json.dumps(json)
        except (TypeError, ValueError) as exc:  # e.g. a lone surrogate in a string
            raise InvalidRequestError(f"the request body cannot be sent as JSON: {exc}") from None
        headers = self._headers
        if body is not None:
            headers = {**headers, "Content-Type": "application/json"}
        retryable = method in _IDEMPOTENT_METHODS or retry_unsafe
        policy = self.retry
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = None if self.timeout.deadline is None else started + self.timeout.deadline
        attempt = 0
        while True:
            attempt += 1
            attempt_started = loop.time()
            failure: TransportError | None = None
            response: Response | None = None
            retry_after: float | None = None
            try:
                response = await self._attempt(
                    session, method, url, headers, body, deadline, attempt, loop
                )
            except TransportError as exc:
                failure = exc
            elapsed = loop.time() - attempt_started
            if response is not None:
                log.debug(
                    "%s %s -> %s (attempt %d, %.1f ms)",
                    method,
                    url,
                    response.status,
                    attempt,
                    elapsed * 1000,
                )
                should_retry = response.status in policy.statuses or (
                    200 <= response.status < 300 and response.data is NO_BODY and response.text
                )
                if should_retry and response.status in (429, 503):
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
            else:
                assert failure is not None
                log.debug(
                    "%s %s -> %s (attempt %d, %.1f ms)",
                    method,
                    url,
                    failure,
                    attempt,
                    elapsed * 1000,
                )
                should_retry = not isinstance(failure, ResponseTooLargeError)
            if should_retry and retryable and attempt < policy.max_attempts:
                wait = (
                    min(retry_after, policy.retry_after_max)
                    if retry_after is not None
                    else policy.backoff(attempt, self._rng)
                )
                if deadline is None or loop.time() + wait < deadline:
                    log.debug("retrying %s %s in %.3f s", method, url, wait)
                    await _sleep(wait)
                    continue
            if failure is not None:
                if attempt > 1:
                    failure.args = (f"{failure.args[0]} (after {attempt} attempts)",)
                raise failure
            assert response is not None
            return attrs.evolve(response, attempts=attempt, elapsed=loop.time() - started)

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
                    f"{self.provider}: {method} {url.with_query(None)} exceeded its deadline of "
                    f"{self.timeout.deadline} s waiting for one of its "
                    f"max_connections={self.max_connections} slots"
                ) from None
        try:
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
                    f"{self.provider}: {method} {url.with_query(None)} exceeded its deadline of "
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
                allow_redirects=False,
                timeout=client_timeout,
            ) as resp:
                if 300 <= resp.status < 400 and resp.headers.get("Location"):
                    # Never follow: a redirect elsewhere would take the credentials along.
                    self._check_redirect(url, resp.headers["Location"])
                raw = await self._read_body(resp, method, url)
                status = resp.status
                resp_headers: Mapping[str, str] = resp.headers
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise TransportTimeoutError(
                f"{self.provider}: {method} {url.with_query(None)} timed out "
                f"(attempt {attempt}; {_describe_timeout(timeout)})"
            ) from exc
        except aiohttp.ClientPayloadError as exc:
            raise TransportError(
                f"{self.provider}: {method} {url.with_query(None)}: response body broken off "
                f"({type(exc).__name__})"
            ) from exc
        except aiohttp.ClientError as exc:
            raise TransportError(
                f"{self.provider}: {method} {url.with_query(None)} failed: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        data: Any = NO_BODY
        text = ""
        if raw:
            try:
                data = _json.loads(raw)
            except _NOT_JSON:
                text = raw[:500].decode("utf-8", "replace")
        return Response(method, url, status, resp_headers, data, text)

    async def _read_body(self, resp: aiohttp.ClientResponse, method: str, url: URL) -> bytes:
        cap = self.max_body_bytes
        length = resp.content_length
        if length is not None and length > cap:
            raise ResponseTooLargeError(
                f"{self.provider}: {method} {url.with_query(None)}: response of {length} bytes "
                f"exceeds max_body_bytes={cap}; not read"
            )
        if length is not None and resp.headers.get("Content-Encoding", "identity") == "identity":
            return await resp.read()  # the declared size is what we get, and it fits
        # Otherwise count what we read: Content-Length of a compressed body is its size on the
        # wire, and it can decompress to far more.
        chunks = bytearray()
        async for chunk in resp.content.iter_chunked(64 * 1024):
            chunks += chunk
            if len(chunks) > cap:
                raise ResponseTooLargeError(
                    f"{self.provider}: {method} {url.with_query(None)}: response exceeds "
                    f"max_body_bytes={cap}; reading stopped"
                )
        return bytes(chunks)


def _shown(target: str | URL) -> str:
    """``target`` for an error message (a ``URL`` with a broken authority cannot be shown)."""
    try:
        return str(target)[:200]
    except ValueError:
        return "(unparsable)"


async def _sleep(seconds: float) -> None:
    """The wait before a retry. One place, so that tests can observe every wait exactly."""
    await asyncio.sleep(seconds)


def _describe_timeout(timeout: Timeout) -> str:
    parts = [f"{name}={value}s" for name, value in attrs.asdict(timeout).items() if value]
    return ", ".join(parts) or "no limits"
