"""The aiohttp handler for conference webhooks: verify, dedupe, run ``on_event``, answer.

Answers: 200 when handled, and for a duplicate (``on_event`` is not called); 403 when the
signature does not hold; 400 when the body is not a documented event; 500 when ``on_event``
raised (its mark is released first, so the provider's redelivery runs it); 503 when the dedupe
store cannot be reached. No answer echoes the body, the signature or the secret.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiohttp import web
from yarl import URL

from ._dedupe import Dedupe, MemoryDedupe
from .errors import (
    ConfigurationError,
    DecodeError,
    InvalidRequestError,
    TransportError,
    WebhookSignatureError,
)
from .events import ConferenceEvent, WebhookVerifier

__all__ = ["aiohttp_handler", "public_url_of"]

logger = logging.getLogger("confclient.events")

OnEvent = Callable[[ConferenceEvent], Awaitable[None] | None]
Handler = Callable[[web.Request], Awaitable[web.Response]]

_DEFAULT: Final[Any] = object()


def _answer(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text + "\n")


def _forwarded(request: web.Request) -> tuple[str | None, str | None]:
    """Scheme and host of the first ``Forwarded`` element, else of ``X-Forwarded-*``."""
    forwarded = request.forwarded
    if forwarded:
        first = forwarded[0]
        if first.get("proto") or first.get("host"):
            return first.get("proto"), first.get("host")
    proto = request.headers.get("X-Forwarded-Proto")
    host = request.headers.get("X-Forwarded-Host")
    port = request.headers.get("X-Forwarded-Port")
    proto = proto.split(",")[0].strip() if proto else None
    host = host.split(",")[0].strip() if host else None
    if port:
        port = port.split(",")[0].strip()
        base = host or request.host
        name = base.rsplit(":", 1)[0] if not base.endswith("]") else base
        host = f"{name}:{port}"
    return proto, host


def public_url_of(
    request: web.Request, *, public_url: str | None = None, trust_forwarded: bool = False
) -> str:
    """The full URL the provider called: ``public_url`` plus the request's query string, or
    the one the proxy headers describe (``trust_forwarded``), or the request's own."""
    if public_url is not None:
        query = request.query_string
        return f"{public_url}?{query}" if query else public_url
    scheme, host = request.scheme, request.host
    if trust_forwarded:
        proto, forwarded_host = _forwarded(request)
        scheme, host = proto or scheme, forwarded_host or host
    # raw_path: the path and query exactly as sent (the provider signed those bytes).
    return f"{scheme}://{host}{request.raw_path}"


def _check_public_url(public_url: str) -> str:
    try:
        url = URL(public_url)
    except (TypeError, ValueError):
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host or url.query_string:
        raise ConfigurationError(
            "public_url must be the full public URL of this route (scheme, host, path; no "
            f"query: each request's own is appended), got {public_url!r:.80}"
        )
    return public_url


def aiohttp_handler(
    verifier: WebhookVerifier,
    on_event: OnEvent,
    *,
    dedupe: Dedupe | None = _DEFAULT,
    public_url: str | None = None,
    trust_forwarded: bool = False,
) -> Handler:
    """An aiohttp request handler that verifies each webhook with ``verifier`` and calls
    ``on_event`` once per event (``dedupe``: a :class:`MemoryDedupe` by default; ``None``
    calls it for every delivery).

    Behind a proxy, give ``public_url`` (the route's full public URL: each request's query
    string is appended) or ``trust_forwarded=True`` to rebuild it from ``Forwarded`` /
    ``X-Forwarded-Proto``, ``-Host``, ``-Port`` (off by default: a client can forge those).

    >>> app.router.add_post("/hooks/telnyx", aiohttp_handler(verifier, on_event))  # doctest: +SKIP
    """
    if not callable(getattr(verifier, "verify", None)):
        raise ConfigurationError("verifier must be a webhook verifier (see webhook_verifier)")
    if not callable(on_event):
        raise ConfigurationError("on_event must be an async function taking the event")
    store: Dedupe | None = MemoryDedupe() if dedupe is _DEFAULT else dedupe
    fixed = None if public_url is None else _check_public_url(public_url)
    forwarded = bool(trust_forwarded)

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        url = public_url_of(request, public_url=fixed, trust_forwarded=forwarded)
        try:
            event = verifier.verify(request.headers, body, url=url)
        except WebhookSignatureError as exc:
            logger.warning("webhook refused (%s): %s", exc.reason, exc)
            return _answer(403, f"signature refused: {exc.reason}")
        except (DecodeError, InvalidRequestError) as exc:
            logger.warning("webhook refused: %s", exc)
            return _answer(400, "not a documented event")
        try:
            if store is not None and not await store.first_time(event):
                return _answer(200, "duplicate")
        except TransportError as exc:
            logger.error("webhook %s %s: %s", event.provider, event.id, exc)
            return _answer(503, "dedupe store unavailable")
        try:
            result = on_event(event)
            if inspect.isawaitable(result):
                await result
        except Exception:
            logger.exception("on_event failed for %s event %s", event.provider, event.id)
            await _release(store, event)
            return _answer(500, "handler failed")
        except BaseException:
            # Cancelled mid-handling: the event was not handled, so a redelivery must run it.
            await asyncio.shield(_release(store, event))
            raise
        return _answer(200, "ok")

    return handle


async def _release(store: Dedupe | None, event: ConferenceEvent) -> None:
    if store is None:
        return
    try:
        await store.forget(event)
    except TransportError as exc:
        logger.error("could not release %s event %s: %s", event.provider, event.id, exc)
