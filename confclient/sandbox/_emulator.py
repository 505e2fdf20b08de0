"""What a provider's half of the sandbox (its *emulator*) is, and the helpers it is built with.

A provider's service class names its emulator (``emulator = "package.emulator:Class"``); the
sandbox host mounts one instance per provider it serves, owning the path ``prefix``, and asks
it for everything provider-specific: routes, authentication, error bodies, client options,
records. Everything else (faults, latency, stats, the server) stays in the host.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import attrs
from aiohttp import web
from aiohttp.typedefs import LooseHeaders

from confclient._json import dumps as json_dumps
from confclient._json import loads as json_loads

from ._faults import FaultKind

__all__ = [
    "ContractFacts",
    "Emulator",
    "QueryParams",
    "json_dumps",
    "json_loads",
    "json_response",
]


class Emulator(Protocol):
    """A provider's half of the sandbox (``confclient_<name>.emulator``).

    Constructed by the host as ``Emulator(seed=..., size=..., stats=...)``: ``seed`` is what
    every record, key and id derives from, ``size`` the records per region (generated on
    first use), ``stats`` the sandbox's counters (an emulator counts what it creates in
    ``stats.created``). The sandbox offers ``sb.<name>_<key>`` for each of
    :attr:`credentials`, ``sb.<name>_base_url``, ``sb.<name>_records(region)`` and
    ``sb.<name>_regions``.

    Optional members, read when present:

    * ``default_region: str | None``: the region a request naming none gets (``None``: all);
    * ``attributes: frozenset[str]``: more of its attributes the sandbox offers as
      ``sb.<name>_<attribute>`` (read and write), e.g. test knobs;
    * ``constants: Mapping[str, object]``: names it adds to :mod:`confclient.sandbox`;
    * ``insert_while_listing(every: int) -> None``: what :meth:`Sandbox.insert_while_listing`
      asks of every emulator that has it;
    * ``facts: ContractFacts``: what the contract suite checks a client against.
    """

    @property
    def name(self) -> str:
        """The provider's name, as ``confclient.connect`` takes it."""

    @property
    def prefix(self) -> str:
        """The path prefix it owns, e.g. ``/v2`` (one emulator per prefix)."""

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions it serves, in the provider's order."""

    @property
    def credentials(self) -> Mapping[str, str]:
        """The credentials it accepts, e.g. ``{"api_key": "KEYsandbox..."}``."""

    def add_routes(self, router: web.UrlDispatcher) -> None:
        """Register its routes (all under :attr:`prefix`)."""

    def authenticate(self, request: web.Request) -> web.Response | None:
        """``None`` when the credentials are good, else the provider's 401 response."""

    def not_found(self, request: web.Request) -> web.Response:
        """The provider's answer to a path it does not serve."""

    def method_not_allowed(self, method: str, allowed: set[str]) -> web.Response:
        """The provider's answer to a method a route does not accept."""

    def http_error(self, status: int, reason: str) -> web.Response:
        """The provider-shaped answer to any other HTTP error raised while handling."""

    def fault_response(self, kind: FaultKind, retry_after: str) -> web.Response:
        """The provider-shaped answer for a 500 / 503 / 429 fault (``retry_after``: the
        seconds to announce, as sent on the wire)."""

    def client_options(self, base_url: str) -> dict[str, Any]:
        """The options of ``confclient.connect(name, **options)`` for a client of this
        emulator served at ``base_url`` (the origin plus :attr:`prefix`)."""

    def auth_headers(self) -> dict[str, str]:
        """The headers a client with good credentials sends (for raw HTTP requests)."""

    def records(self, region: str | None, origin: str | None) -> list[dict[str, Any]]:
        """Decoded copies of the records of ``region`` in the API's list order (``None``:
        what a request naming no region lists), as served on ``origin`` (``None``: the
        provider's own origin, for records that embed absolute URLs)."""


@attrs.frozen(kw_only=True)
class ContractFacts:
    """What an emulator states about the API it emulates, so that a client can be checked
    against it (the contract suite in ``tests/contract/`` derives each provider's profile
    from these and from the service class); your own tests may rely on them too."""

    id_key: str
    """The native key of a record's id (``Conference.id``)."""
    status_key: str
    """The native key of a record's status."""
    completed_status: str
    """The native status of a conference that has ended (``ConferenceStatus.COMPLETED``)."""
    missing_id: str
    """An id well-formed for the provider that no conference has."""
    max_page_size: int
    """The largest page size the list route accepts."""
    list_path: str
    """The list route under :attr:`Emulator.prefix`, e.g. ``/conferences``."""
    region_parameter: str
    """The list route's native region parameter."""
    refused_region: str
    """A region the provider does not document for conferences (refused, as the API does)."""
    region_refusal: tuple[int, str]
    """The HTTP status and error code of that refusal."""
    error_parser: str
    """``"module:function"``: the adapter's pure mapping of an error answer to an
    ``APIError`` (``parse_error(status, headers, body)``), checked against this emulator's
    error bodies."""
    unfilterable: frozenset[str] = frozenset()
    """The neutral list filters the API cannot apply (the client refuses them)."""
    create_example: Mapping[str, Any] | None = None
    """Fields of a ``create`` it accepts (``None``: the API creates nothing)."""


class QueryParams(Protocol):
    """The read-only multi-valued mapping a query string decodes to (``request.query``)."""

    def keys(self) -> Iterable[str]: ...

    def getall(self, key: str) -> list[str]: ...


def json_response(status: int, body: bytes, headers: LooseHeaders | None = None) -> web.Response:
    """An ``application/json`` response of already-encoded ``body``."""
    return web.Response(status=status, body=body, headers=headers, content_type="application/json")
