"""The provider-neutral service interface.

:class:`ConferenceService` is the protocol every provider adapter implements; adapters
normally subclass :class:`BaseConferenceService`, which validates the neutral arguments,
checks capabilities, and owns the transport's life cycle (``async with`` / ``aclose``).

Long: the protocol spells out every public operation with its neutral arguments, and the base
class is one piece of neutral semantics (regions, lookup, resume); participants live apart,
in :mod:`confclient._participants`.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType, TracebackType
from typing import Any, ClassVar, Protocol, Self, Unpack, runtime_checkable

import attrs
from yarl import URL

from ._lookup import find_in_regions
from ._merged import MergedPager, parse_merged_cursor
from ._options import TransportSettings
from ._participants import ParticipantOperations
from ._retry import RetryRules
from ._urls import check_api_root
from .errors import (
    ConfigurationError,
    InvalidRequestError,
    UnsupportedOperationError,
)
from .model import Conference, ConferenceStatus, Participant
from .paging import Pager, decode_resume_token
from .query import Capability, CreateField, ListQuery, aware_utc, check_id
from .transport import Transport

__all__ = [
    "BaseConferenceService",
    "Capability",
    "ConferenceService",
    "CreateField",
    "ListQuery",
    "aware_utc",
    "check_id",
]


_EMPTY_NAMES: Mapping[str, str] = MappingProxyType({})
# Items per page of ``pages()`` over a listing of every region (it has no pages of its own).
_MERGED_PAGE_SIZE = 250


@runtime_checkable
class ConferenceService(Protocol):
    """What every provider's service offers. Get one from :func:`confclient.connect`."""

    @property
    def provider(self) -> str: ...

    @property
    def regions(self) -> tuple[str, ...]: ...

    @property
    def capabilities(self) -> frozenset[Capability]: ...

    def list(
        self,
        *,
        region: str | None = None,
        status: ConferenceStatus | str | None = None,
        name: str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        resume_token: str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> Pager: ...

    async def get(self, id: str | Conference, *, region: str | None = None) -> Conference: ...

    async def create(self, **fields: Any) -> Conference: ...

    def participants(
        self,
        conference: str | Conference,
        *,
        label: str | None = None,
        muted: bool | None = None,
        on_hold: bool | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        resume_token: str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> Pager: ...

    async def get_participant(
        self, conference: str | Conference, participant_id: str
    ) -> Participant: ...

    async def aclose(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class BaseConferenceService(ParticipantOperations):
    """Shared plumbing for adapters: the neutral semantics, validation, capabilities, life
    cycle.

    Subclasses set ``provider``, ``regions``, ``capabilities`` (and ``region_scoped``), and
    implement ``_list``, ``_resume``, ``_get`` (``_list_order`` when region-scoped) and,
    when capable, ``create`` and the participant hooks (:mod:`confclient._participants`).
    The meaning of a missing region lives here, once: a listing without one covers every
    region, ``get`` finds a conference wherever it is.
    """

    provider: ClassVar[str]
    regions: ClassVar[tuple[str, ...]]
    capabilities: ClassVar[frozenset[Capability]]
    create_fields: ClassVar[tuple[CreateField, ...]] = ()
    """The fields ``create`` takes, in order (empty without the create capability): what
    front ends such as the command's ``create`` flags are made from."""
    region_scoped: ClassVar[bool] = False
    """Whether one request reaches only one region, so that "every region" takes one request
    per region (Telnyx: a request without ``region`` means the account's default region)."""
    #: The environment variable each option is read from by :meth:`options_from_env`
    #: (option -> variable), e.g. ``{"api_key": "TELNYX_API_KEY"}``; front ends use it to
    #: tell how to give a missing option.
    env_variables: ClassVar[Mapping[str, str]] = _EMPTY_NAMES
    #: The last path segment of every valid ``base_url`` (the API version, e.g. ``"v2"``);
    #: ``None``: any path. A base URL without it fails at connect, not as a 404 later.
    api_version: ClassVar[str | None] = None
    #: The provider's own API root, e.g. ``https://api.telnyx.com/v2`` (for messages).
    default_base_url: ClassVar[str | None] = None
    #: Its half of the sandbox, as a lazy ``"module:Class"`` string (``None``: none).
    emulator: ClassVar[str | None] = None
    #: Its webhook verifier (``confclient.webhook_verifier``), as a lazy ``"module:Class"``
    #: string (``None``: it verifies no webhooks).
    webhooks: ClassVar[str | None] = None

    def __init__(
        self,
        transport: Transport | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        rules: RetryRules | None = None,
        secrets: Iterable[str] = (),
        default_region: str | None = None,
        base_url: str | URL | None = None,
        **options: Unpack[TransportSettings],
    ) -> None:
        """Give a ready ``transport``, or what makes one: the credential ``headers``, the
        provider's retry ``rules`` and extra ``secrets`` to redact, and the options every
        provider takes (``base_url`` defaults to :attr:`default_base_url`).
        """
        if transport is None:
            root = base_url if base_url is not None else self.default_base_url
            if root is None:
                raise ConfigurationError(f"{self.provider} needs a base_url")
            transport = Transport(
                provider=self.provider,
                base_url=root,
                headers=headers or {},
                rules=rules,
                secrets=secrets,
                **options,
            )
        elif headers is not None or base_url is not None or options:
            raise ConfigurationError("give a transport, or the options to make one, not both")
        if self.api_version is not None:
            check_api_root(transport.base_url, self.api_version, self.default_base_url)
        self._transport = transport
        self._default_region: str | None = None
        if default_region is not None:
            try:
                self._default_region = self._region(default_region, "default_region")
            except InvalidRequestError as exc:
                raise ConfigurationError(str(exc)) from None
        # Listings still alive: closing the service stops their page in flight first.
        self._pagers: weakref.WeakSet[Pager] = weakref.WeakSet()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={str(self._transport.base_url)!r}>"

    @classmethod
    def options_from_env(cls, env: Mapping[str, str]) -> dict[str, Any]:
        """The options :func:`confclient.connect_from_env` reads from ``env``: each of
        :attr:`env_variables` that is set and not empty.
        """
        return {option: env[name] for option, name in cls.env_variables.items() if env.get(name)}

    @classmethod
    def missing_options(cls, *options: str) -> ConfigurationError:
        """The error for options that must be given and were not (``missing`` names them),
        saying how to give each from Python.

        >>> raise cls.missing_options("api_key")                  # doctest: +SKIP
        ConfigurationError: telnyx needs api_key: pass api_key=..., or set TELNYX_API_KEY ...
        """
        names = " and ".join(options)
        passed = ", ".join(f"{option}=..." for option in options)
        variables = [cls.env_variables[o] for o in options if o in cls.env_variables]
        where = ""
        if variables:
            where = f", or set {' and '.join(variables)} and use confclient.connect_from_env()"
        return ConfigurationError(
            f"{cls.provider} needs {names}: pass {passed}{where}",
            provider=cls.provider,
            missing=options,
        )

    @property
    def transport(self) -> Transport:
        return self._transport

    @property
    def closed(self) -> bool:
        return self._transport.closed

    @property
    def default_region(self) -> str | None:
        """Where a call without ``region=`` looks first (``None``: everywhere); the
        ``default_region`` option, the profile key ``region``, or ``$CONFCLIENT_REGION``.
        """
        return self._default_region

    @property
    def pause_gc(self) -> bool:
        """Whether the cyclic garbage collector is paused while a page is parsed and decoded
        (the ``pause_gc`` option; see README, "Speed")."""
        return self._transport.pause_gc

    @property
    def max_concurrency(self) -> int:
        """The cap on this service's requests in flight (the ``max_connections`` option),
        shared by every listing, fan-out, ``get`` and ``create`` it runs.
        """
        return self._transport.max_connections

    # -- validation helpers -----------------------------------------------------------------

    def _require(self, capability: Capability) -> None:
        if capability not in self.capabilities:
            can = ", ".join(sorted(c.value for c in self.capabilities))
            raise UnsupportedOperationError(
                f"{self.provider} does not support {capability.value} (it supports: {can})",
                provider=self.provider,
                operation=capability.value,
            )

    def _region(self, region: str | None, argument: str = "region") -> str | None:
        """The canonical spelling of ``region`` (matched case-insensitively)."""
        if region is None:
            return None
        if isinstance(region, str):
            for known in self.regions:
                if region.casefold() == known.casefold():
                    return known
        raise InvalidRequestError(
            f"{argument} must be one of {', '.join(self.regions)} for {self.provider}, "
            f"got {region!r}"
        )

    # -- operations -------------------------------------------------------------------------

    def list(
        self,
        *,
        region: str | None = None,
        status: ConferenceStatus | str | None = None,
        name: str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        resume_token: str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> Pager:
        """List conferences, streamed as pages arrive. Nothing is sent until the pager is
        iterated; bad arguments raise here, at once.

        ``region`` says where to look; without it, the service's ``default_region``, and
        without that, every region (one stream in the provider's order).
        """
        self._require(Capability.LIST)
        query = ListQuery.build(
            region=region,
            status=status,
            name=name,
            created_after=created_after,
            created_before=created_before,
            page_size=page_size,
            limit=limit,
            resume_token=resume_token,
            filters=filters,
        )
        if query.region is not None:
            query = attrs.evolve(query, region=self._region(query.region))
        if query.resume_token is not None:
            pager = self._resume_listing(query)
        else:
            pager = self._start_listing(query)
        self._pagers.add(pager)
        return pager

    def _start_listing(self, query: ListQuery) -> Pager:
        if query.region is None and self._default_region is not None:
            query = attrs.evolve(query, region=self._default_region)
        if query.region is not None or not self.region_scoped:
            return self._list(query)
        # A request reaches one region: "everywhere" is one listing per region, merged.
        children = [
            (region, self._list(attrs.evolve(query, region=region))) for region in self.regions
        ]
        return self._merge_regions(children, query)

    def _resume_listing(self, query: ListQuery) -> Pager:
        assert query.resume_token is not None
        cursor, skip = decode_resume_token(query.resume_token, self.provider)
        positions = parse_merged_cursor(cursor, self.regions)
        if positions is None:
            return self._resume(query, cursor, skip)
        if query.region is not None:
            raise InvalidRequestError(
                "resume_token continues a listing of every region; it takes no region="
            )
        children = []
        for region, position in positions:
            if position is not None:
                # Filters given with the token are checked against each region's saved query
                # (which names its region); a bare token is taken as it is.
                asked = attrs.evolve(query, region=region) if query.has_filters else query
                children.append((region, self._resume(asked, *position)))
        return self._merge_regions(children, query)

    def _merge_regions(self, children: Sequence[tuple[str, Pager]], query: ListQuery) -> Pager:
        return MergedPager(
            self.provider,
            children,
            regions=self.regions,
            key=self._list_order,
            limit=query.limit,
            page_size=query.page_size or _MERGED_PAGE_SIZE,
        )

    def _list(self, query: ListQuery) -> Pager:
        """A new listing of ``query`` (``region`` is canonical, or ``None`` when the
        provider lists every region in one request)."""
        raise NotImplementedError

    def _resume(self, query: ListQuery, cursor: Any, skip: int) -> Pager:
        """A listing continuing at ``cursor`` (``skip`` items of it already handed out),
        which came from a resume token: check it field by field (``InvalidRequestError``),
        and that any filters given with it are those it was made with."""
        raise NotImplementedError

    def _list_order(self, conf: Conference) -> Any:
        """The provider's list order as a sort key (smallest first), for merging regions;
        region-scoped providers define it."""
        raise NotImplementedError

    async def get(self, id: str | Conference, *, region: str | None = None) -> Conference:
        """Fetch one conference by its id, or fetch a :class:`Conference` again.

        It is found wherever it lives: ``region=`` (or the conference's ``data_region``,
        else the ``default_region``) is where to look first, then every other region
        concurrently; :class:`NotFoundError` names the regions asked. A provider that
        retrieves by id alone checks ``region=`` and needs nothing more.
        """
        self._require(Capability.GET)
        conference_id, first = self._lookup_target(id, region)
        if not self.region_scoped:
            return await self._get(conference_id, region=first)
        if first is None:
            first = self._default_region
        return await find_in_regions(
            lambda region: self._get(conference_id, region=region),
            self.regions,
            first,
            what=f"{conference_id!r} in {self.provider}",
        )

    def _lookup_target(self, target: object, region: str | None) -> tuple[str, str | None]:
        """The id to fetch and the region to look in first, from ``get``'s arguments."""
        hint = self._region(region)
        if not isinstance(target, Conference):
            return check_id(target), hint
        if target.provider != self.provider:
            raise InvalidRequestError(
                f"this {self.provider} service cannot fetch a {target.provider} conference "
                f"({target.id!r})"
            )
        if hint is None and target.data_region in self.regions:
            hint = target.data_region
        return check_id(target.id), hint

    async def _get(self, id: str, *, region: str | None) -> Conference:
        """One conference from one region (``None``: the provider needs none)."""
        raise NotImplementedError

    async def create(self, **fields: Any) -> Conference:
        """Create a conference, where the provider can (see ``capabilities``)."""
        self._require(Capability.CREATE)
        raise NotImplementedError

    # -- life cycle -------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Stop live listings, then close the HTTP session we own (a session you passed in
        stays open). Safe to call twice.
        """
        for pager in list(self._pagers):
            await pager.aclose()
        await self._transport.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
