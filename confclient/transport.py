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

The transport decodes JSON (or hands the body to the adapter's ``loads``) but interprets
nothing: adapters turn a :class:`Response` into records or errors with pure functions.

Long: one request's whole life (session, pinning, retries, deadline, body, redaction, errors)
is one loop whose steps share its state; the pure decisions already live elsewhere
(:mod:`confclient._retry`, :mod:`confclient._urls`, :mod:`confclient._response`).
"""

from __future__ import annotations

import asyncio
import logging
import random
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import aiohttp
from yarl import URL

from . import _json
from ._budget import CURRENT_PAGE
from ._options import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONNECTIONS,
    Timeout,
    TransportOptions,
    describe_timeout,
)
from ._response import NO_BODY, Loads, Response, decode_response, read_body
from ._retry import NO_RULES, RetryPolicy, RetryRules, next_wait, parse_retry_after
from ._secrets import RedactedStr, Redactor, check_credential, unprintable_in
from ._session import OWN_REQUEST_SETTINGS, LoopSession
from ._urls import ApiOrigin, encode_segment, validate_base_url
from ._version import __version__
from .errors import (
    ConfClientError,
    ConfigurationError,
    InvalidRequestError,
    ResponseTooLargeError,
    TransportError,
    TransportTimeoutError,
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
        pause_gc: bool = True,
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
            pause_gc=pause_gc,
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
        self.pause_gc = settings.pause_gc
        """Whether the collector is paused while a body is parsed (and, by the pager, while a
        page is decoded)."""
        self._redactor = Redactor(headers.values(), secrets)
        self._origin = ApiOrigin(provider, self.base_url, self._redactor)
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
        self._loop_session = LoopSession(provider, session, max_connections, trace_configs)
        self._rng = random.Random()
        self.requests_sent = 0
        """Count of HTTP attempts made (each retry counts)."""

    def __repr__(self) -> str:
        owner = "own" if self._loop_session.owned else "caller's"
        return f"<Transport {self.provider} {self.base_url} ({owner} session)>"

    # -- URLs: the rules live in confclient._urls.ApiOrigin -----------------------------------

    def url(self, *segments: str, params: Iterable[tuple[str, str]] | None = None) -> URL:
        """The URL of ``base_url`` + segments, each percent-encoded as exactly one segment."""
        return self._origin.url(*segments, params=params)

    def pin(self, target: str | URL, *, encoded: bool = False) -> URL:
        """``target`` resolved against the base URL, or :class:`UnsafeRedirectError` when it
        leaves the configured origin or cannot go on the wire (see ``ApiOrigin.pin``)."""
        return self._origin.pin(target, encoded=encoded)

    def same_origin(self, url: URL) -> bool:
        return self._origin.same_origin(url)

    # -- session: confclient._session.LoopSession ------------------------------------------

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The session in use (``None`` until the first request when it is our own)."""
        return self._loop_session.session

    @property
    def closed(self) -> bool:
        return self._loop_session.closed

    async def aclose(self) -> None:
        """Close our own session (a caller's session is left open) and stop the retries
        waiting to be sent: calls in flight end with :class:`ConfClientError`. Safe to
        call twice.
        """
        await self._loop_session.aclose()

    # -- requests -----------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        url: URL,
        *,
        json: Any = None,
        retry_unsafe: bool = False,
        loads: Loads | None = None,
    ) -> Response:
        """Send a request with retries; return the final :class:`Response`.

        Error statuses are returned, not raised (the adapter maps them), once retries allow
        no more. Raises :class:`TransportError` (or its timeout kind) when no response came,
        :class:`UnsafeRedirectError` for a URL or redirect off the configured origin, and
        nothing but a :class:`ConfClientError` whatever happens underneath.
        ``retry_unsafe`` allows retrying a non-idempotent method the adapter made safe
        (e.g. Telnyx create with a ``command_id``). ``loads`` parses the body instead of the
        JSON decoder (e.g. :attr:`TypedPages.loads <confclient.adapter.TypedPages.loads>`);
        it raises what ``confclient._json.loads`` raises for a body that is not JSON.
        """
        try:
            return await self._request(method, url, json, retry_unsafe, loads)
        except ConfClientError:
            raise
        except Exception as exc:
            # The last resort: whatever aiohttp, yarl or asyncio raised that nothing above
            # foresaw. Never CancelledError or KeyboardInterrupt: those are no Exception.
            if self._loop_session.closed:
                raise self._loop_session.closed_error(in_flight=True) from exc
            kind = TransportTimeoutError if isinstance(exc, TimeoutError) else TransportError
            raise kind(
                f"{self.provider}: {str(method)[:10]} request failed: {type(exc).__name__}: "
                f"{self._redactor.text(str(exc))[:300]}"
            ) from exc

    async def _request(
        self, method: str, url: URL, json: Any, retry_unsafe: bool, loads: Loads | None
    ) -> Response:
        url = self.pin(url)
        method = method.upper()
        try:
            body = None if json is None else _json.dumps(json)
        except (TypeError, ValueError) as exc:  # e.g. a lone surrogate in a string
            raise InvalidRequestError(f"the request body cannot be sent as JSON: {exc}") from None
        loop = asyncio.get_running_loop()
        session = await self._loop_session.session_in(loop)
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
                    session, method, url, headers, body, deadline, attempt, loop, loads
                )
            except TransportError as exc:
                if self._loop_session.closed:  # our session was closed under the request
                    raise self._loop_session.closed_error(in_flight=True) from exc
                outcome = exc
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "%s %s -> %s (attempt %d, %.1f ms)",
                    method,
                    self._origin.shown(url),
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
                if self._loop_session.closed:
                    raise self._loop_session.closed_error(in_flight=True)
                if log.isEnabledFor(logging.DEBUG):
                    log.debug("retrying %s %s in %.3f s", method, self._origin.shown(url), wait)
                await self._wait(wait)
                continue
            if isinstance(outcome, TransportError):
                if attempt > 1:
                    outcome.args = (f"{outcome.args[0]} (after {attempt} attempts)",)
                raise outcome
            return outcome.after(attempt, loop.time() - started)

    async def _wait(self, seconds: float) -> None:
        """The wait before a retry; :meth:`aclose` ends it at once."""
        sleeper = asyncio.ensure_future(_sleep(seconds))
        self._loop_session.waits.add(sleeper)
        try:
            await sleeper
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if self._loop_session.closed and not (current is not None and current.cancelling()):
                raise self._loop_session.closed_error(in_flight=True) from None
            raise
        finally:
            self._loop_session.waits.discard(sleeper)
        if self._loop_session.closed:
            raise self._loop_session.closed_error(in_flight=True)

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
        loads: Loads | None,
    ) -> Response:
        semaphore = self._loop_session.semaphore
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
                    f"{self.provider}: {method} {self._origin.where(url)} exceeded "
                    f"its deadline of {self.timeout.deadline} s waiting for one of its "
                    f"max_connections={self.max_connections} slots"
                ) from None
        try:
            if self._loop_session.closed:  # closed while this request waited for a slot
                raise self._loop_session.closed_error(in_flight=True)
            return await self._send(
                session, method, url, headers, body, deadline, attempt, loop, loads
            )
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
        loads: Loads | None,
    ) -> Response:
        timeout = self.timeout
        total = timeout.total
        if deadline is not None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TransportTimeoutError(
                    f"{self.provider}: {method} {self._origin.where(url)} exceeded its deadline of "
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
                **OWN_REQUEST_SETTINGS,
            ) as resp:
                if 300 <= resp.status < 400 and resp.headers.get("Location"):
                    # Never follow: a redirect elsewhere would take the credentials along.
                    self._origin.check_redirect(url, resp.headers["Location"])
                raw = await read_body(
                    resp,
                    self.max_body_bytes,
                    # Described only when an error needs it (not for every response).
                    lambda: f"{self.provider}: {method} {self._origin.where(url)}",
                )
                status = resp.status
                resp_headers: Mapping[str, str] = resp.headers
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise TransportTimeoutError(
                f"{self.provider}: {method} {self._origin.where(url)} timed out "
                f"(attempt {attempt}; {describe_timeout(timeout)})"
            ) from exc
        except aiohttp.ClientPayloadError as exc:
            raise TransportError(
                f"{self.provider}: {method} {self._origin.where(url)}: response body broken off "
                f"({type(exc).__name__})"
            ) from exc
        except aiohttp.ClientError as exc:
            raise TransportError(
                f"{self.provider}: {method} {self._origin.where(url)} failed: "
                f"{type(exc).__name__}: {self._redactor.text(str(exc))}"
            ) from exc
        return decode_response(
            method,
            url,
            status,
            resp_headers,
            raw,
            self._redactor,
            pause_gc=self.pause_gc,
            loads=loads,
        )


async def _sleep(seconds: float) -> None:
    """The wait before a retry. One place, so that tests can observe every wait exactly."""
    await asyncio.sleep(seconds)
