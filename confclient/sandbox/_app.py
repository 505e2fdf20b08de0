"""The sandbox's aiohttp application: one middleware in front of every emulator's routes.

For each request the middleware, in order: counts it in :class:`SandboxStats`; sleeps for the
configured latency; picks a fault; then either answers with the fault's error status or
redirect (the handler never runs, so nothing changes), or stalls (``stall``: the handler runs
only if the client is still there when the stall ends), or hands the request to the emulator
that owns the path prefix (auth first, then the route) and, for ``drop`` / ``truncate`` /
``stall_body``, damages the real response on its way out (so such a ``POST`` *has* taken
effect, as when a real response is lost). Every response carries an ``X-Request-Id``
(emulators may add their own request-id header as well).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiohttp import web
from aiohttp.typedefs import Handler

from ._emulator import Emulator
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

__all__ = ["build_app"]

REQUEST_ID_HEADER = "X-Request-Id"


def _owner(emulators: Sequence[Emulator], raw_path: str) -> Emulator | None:
    for emulator in emulators:
        if raw_path == emulator.prefix or raw_path.startswith(emulator.prefix + "/"):
            return emulator
    return None


async def _dispatch(
    emulator: Emulator | None, fallback: Emulator, request: web.Request, handler: Handler
) -> web.Response:
    if emulator is None:
        return fallback.not_found(request)
    denied = emulator.authenticate(request)
    if denied is not None:
        return denied
    try:
        response = await handler(request)
    except web.HTTPNotFound:
        return emulator.not_found(request)
    except web.HTTPMethodNotAllowed as exc:
        return emulator.method_not_allowed(request.method, exc.allowed_methods)
    except web.HTTPException as exc:
        return emulator.http_error(exc.status, exc.reason)
    if not isinstance(response, web.Response):  # pragma: no cover - handlers are ours
        raise TypeError(f"sandbox handlers must return web.Response, got {response!r}")
    return response


def build_app(
    emulators: Sequence[Emulator],
    injector: FaultInjector,
    stats: SandboxStats,
    request_ids: Callable[[], str],
) -> web.Application:
    """An application serving ``emulators`` behind the stats / latency / fault middleware.

    Paths no emulator owns get the first emulator's not-found answer.
    """
    if not emulators:
        raise ValueError("at least one emulator is required")
    fallback = emulators[0]

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
            emulator = _owner(emulators, raw_path)
            fault = injector.pick(request.method, raw_path)
            if fault is not None:
                stats.faults[fault.value] += 1
            if fault is FaultKind.STALL:
                await stall_until_disconnected(request)
                if client_gone(request):
                    return web.Response(status=499)  # nobody left to read it
            if fault in STATUS_FAULTS:
                assert fault is not None
                response = (emulator or fallback).fault_response(fault, injector.retry_after_header)
            elif fault is FaultKind.REDIRECT:
                response = redirect_response(request, injector.redirect_origin)
            else:
                response = await _dispatch(emulator, fallback, request, handler)
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
    for emulator in emulators:
        emulator.add_routes(app.router)
    return app
