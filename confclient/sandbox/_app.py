"""The sandbox's aiohttp application: one middleware in front of every provider's routes.

For each request the middleware, in order: counts it in :class:`SandboxStats`; sleeps for the
configured latency; picks a fault; then either answers with the fault's error status or
redirect (the handler never runs, so nothing changes), or stalls (``stall``: the handler runs
only if the client is still there when the stall ends), or hands the request to the provider
that owns the path prefix (auth first, then the route) and, for ``drop`` / ``truncate`` /
``stall_body``, damages the real response on its way out (so such a ``POST`` *has* taken
effect, as when a real response is lost). Every response carries an ``X-Request-Id``
(providers may add their own request-id header as well).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from aiohttp import web
from aiohttp.typedefs import Handler

from ._faults import (
    STATUS_FAULTS,
    FaultInjector,
    FaultKind,
    client_gone,
    drop_response,
    redirect_response,
    stall_body_response,
    stall_until_disconnected,
    truncate_response,
)
from ._stats import UNMATCHED_ROUTE, SandboxStats

__all__ = ["Provider", "build_app"]

REQUEST_ID_HEADER = "X-Request-Id"


class Provider(Protocol):
    """What the sandbox needs from an emulated provider (see ``_telnyx.TelnyxProvider``)."""

    @property
    def name(self) -> str:
        """Provider name, as given to ``Sandbox.connect``."""

    @property
    def prefix(self) -> str:
        """The path prefix the provider owns, e.g. ``/v2``."""

    def add_routes(self, router: web.UrlDispatcher) -> None:
        """Register the provider's routes."""

    def authenticate(self, request: web.Request) -> web.Response | None:
        """``None`` when the credentials are good, else the provider's 401 response."""

    def not_found(self, request: web.Request) -> web.Response:
        """The provider's answer to a path it does not serve."""

    def method_not_allowed(self, method: str, allowed: set[str]) -> web.Response:
        """The provider's answer to a method a route does not accept."""

    def http_error(self, status: int, reason: str) -> web.Response:
        """The provider-shaped answer to any other HTTP error raised while handling."""

    def fault_response(self, kind: FaultKind, retry_after: str) -> web.Response:
        """The provider-shaped answer for a 500 / 503 / 429 fault."""


def _owner(providers: Sequence[Provider], raw_path: str) -> Provider | None:
    for provider in providers:
        if raw_path == provider.prefix or raw_path.startswith(provider.prefix + "/"):
            return provider
    return None


async def _dispatch(
    provider: Provider | None, fallback: Provider, request: web.Request, handler: Handler
) -> web.Response:
    if provider is None:
        return fallback.not_found(request)
    denied = provider.authenticate(request)
    if denied is not None:
        return denied
    try:
        response = await handler(request)
    except web.HTTPNotFound:
        return provider.not_found(request)
    except web.HTTPMethodNotAllowed as exc:
        return provider.method_not_allowed(request.method, exc.allowed_methods)
    except web.HTTPException as exc:
        return provider.http_error(exc.status, exc.reason)
    if not isinstance(response, web.Response):  # pragma: no cover - handlers are ours
        raise TypeError(f"sandbox handlers must return web.Response, got {response!r}")
    return response


def build_app(
    providers: Sequence[Provider],
    injector: FaultInjector,
    stats: SandboxStats,
    request_ids: Callable[[], str],
) -> web.Application:
    """An application serving ``providers`` behind the stats / latency / fault middleware.

    Paths no provider owns get the first provider's not-found answer.
    """
    if not providers:
        raise ValueError("at least one provider is required")
    fallback = providers[0]

    @web.middleware
    async def sandbox_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else UNMATCHED_ROUTE
        raw_target = request.raw_path
        raw_path = raw_target.partition("?")[0]
        stats._enter(request.method, route, raw_target)
        try:
            request_id = request_ids()
            await injector.delay()
            provider = _owner(providers, raw_path)
            fault = injector.pick(request.method, raw_path)
            if fault is not None:
                stats.faults[fault.value] += 1
            if fault is FaultKind.STALL:
                await stall_until_disconnected(request)
                if client_gone(request):
                    return web.Response(status=499)  # nobody left to read it
            if fault in STATUS_FAULTS:
                assert fault is not None
                response = (provider or fallback).fault_response(fault, injector.retry_after_header)
            elif fault is FaultKind.REDIRECT:
                response = redirect_response(request, injector.redirect_origin)
            else:
                response = await _dispatch(provider, fallback, request, handler)
            response.headers[REQUEST_ID_HEADER] = request_id
            if fault is FaultKind.TRUNCATE:
                return truncate_response(response)
            if fault is FaultKind.DROP:
                return await drop_response(request, response)
            if fault is FaultKind.STALL_BODY:
                return await stall_body_response(request, response)
            return response
        finally:
            stats._leave()

    app = web.Application(middlewares=[sandbox_middleware])
    for provider in providers:
        provider.add_routes(app.router)
    return app
