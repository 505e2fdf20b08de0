"""The Telnyx Call Control conferences service: glue between the pure parts and the transport."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Final, Unpack

from confclient import (
    Capability,
    Conference,
    ConfigurationError,
    InvalidRequestError,
    ListQuery,
    Pager,
    Participant,
)
from confclient.adapter import (
    BaseConferenceService,
    CreateField,
    ParticipantQuery,
    RawPage,
    ServiceOptions,
    check_credential,
    find_in_regions,
    raise_for_status,
)

from .create import CREATE_FIELD_SPECS, CREATE_FIELDS, build_create_body
from .pages import (
    check_cursor,
    check_resumed_query,
    first_cursor,
    list_order,
    page_cursor,
    page_params,
    parse_page,
)
from .params import (
    REGIONS,
    canonical_region,
)
from .participant_pages import (
    check_conference_id,
    check_resumed_participants,
    first_participant_cursor,
    parse_participant_page,
    participant_page_cursor,
    participant_page_params,
)
from .participant_records import TYPED_PARTICIPANTS, parse_participant_response
from .records import (
    PROVIDER,
    RETRY_RULES,
    TYPED_CONFERENCES,
    parse_conference_response,
    parse_error,
)

__all__ = ["DEFAULT_BASE_URL", "TelnyxConferenceService"]

DEFAULT_BASE_URL: Final = "https://api.telnyx.com/v2"
DEFAULT_PAGE_CONCURRENCY: Final = 16
"""Pages of one listing fetched at once after the first (bounded by ``max_connections``)."""


def _check_api_key(api_key: object) -> str:
    # A missing key was reported by missing_options (with the ways to give it).
    return check_credential(api_key, "api_key")


class TelnyxConferenceService(BaseConferenceService):
    """Telnyx Call Control conferences: list, retrieve, create, in four data regions.

    >>> async with TelnyxConferenceService(api_key=KEY) as svc:      # doctest: +SKIP
    ...     async for conf in svc.list(region="Europe", status="in_progress"):
    ...         print(conf.id, conf.name)

    ``page_size`` defaults to the maximum (250); once the first page tells ``total_pages``, up
    to ``page_concurrency`` (default 16) following pages are fetched at once, still handed out
    in order, and an item repeated across a page boundary (records shift while we page) is
    dropped. ``created_after`` / ``created_before`` raise
    :class:`confclient.UnsupportedFilterError` (the API cannot filter on them); ``filters=``
    passes any other documented filter in deepObject form.
    """

    provider: ClassVar[str] = PROVIDER
    regions: ClassVar[tuple[str, ...]] = REGIONS
    region_scoped: ClassVar[bool] = True  # a request without region= lists one data region
    create_fields: ClassVar[tuple[CreateField, ...]] = CREATE_FIELD_SPECS
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.LIST, Capability.GET, Capability.CREATE, Capability.PARTICIPANTS}
    )
    env_variables: ClassVar[Mapping[str, str]] = MappingProxyType(
        {"api_key": "TELNYX_API_KEY", "base_url": "TELNYX_BASE_URL"}
    )
    api_version: ClassVar[str | None] = "v2"
    default_base_url: ClassVar[str | None] = DEFAULT_BASE_URL
    emulator: ClassVar[str | None] = "confclient_telnyx.emulator:TelnyxEmulator"
    webhooks: ClassVar[str | None] = "confclient_telnyx.events:TelnyxWebhookVerifier"

    def __init__(
        self,
        api_key: str | None = None,
        *,
        page_concurrency: int = DEFAULT_PAGE_CONCURRENCY,
        **options: Unpack[ServiceOptions],
    ) -> None:
        if api_key is None or api_key == "":
            raise self.missing_options("api_key")
        key = _check_api_key(api_key)
        if isinstance(page_concurrency, bool) or not (
            isinstance(page_concurrency, int) and page_concurrency >= 1
        ):
            raise ConfigurationError(
                f"page_concurrency must be an integer >= 1, got {page_concurrency!r}"
            )
        self.page_concurrency = page_concurrency
        super().__init__(headers={"Authorization": f"Bearer {key}"}, rules=RETRY_RULES, **options)

    # -- list -------------------------------------------------------------------------------

    def _list(self, query: ListQuery) -> Pager:
        return Pager(
            self, first_cursor(query), limit=query.limit, page_concurrency=self.page_concurrency
        )

    def _resume(self, query: ListQuery, cursor: Any, skip: int) -> Pager:
        check_cursor(cursor)
        check_resumed_query(cursor, query)
        return Pager(
            self, cursor, limit=query.limit, skip=skip, page_concurrency=self.page_concurrency
        )

    def _list_order(self, conf: Conference) -> Any:
        return list_order(conf)

    def page_cursor(self, cursor: Any, number: int) -> Any:
        """The cursor of page ``number`` of the listing ``cursor`` belongs to (lets the
        pager fetch pages concurrently once it knows ``total_pages``).
        """
        return page_cursor(cursor, number)

    async def fetch_page(self, cursor: Any) -> RawPage[Conference]:
        """Fetch the page a cursor names (the :class:`confclient.paging.PageSource` hook)."""
        url = self._transport.url("conferences", params=page_params(cursor))
        response = await self._transport.request("GET", url, loads=TYPED_CONFERENCES.loads)
        return parse_page(
            response.status,
            response.headers,
            response.data,
            response.text,
            cursor,
            method=response.method,
            url=str(response.url),
        )

    # -- participants -----------------------------------------------------------------------

    def _participants(
        self, conference_id: str, region: str | None, query: ParticipantQuery
    ) -> Pager:
        cursor = first_participant_cursor(conference_id, query, region)
        return Pager(
            _ParticipantPages(self),
            cursor,
            limit=query.limit,
            page_concurrency=self.page_concurrency,
        )

    def _resume_participants(
        self,
        conference_id: str,
        region: str | None,
        query: ParticipantQuery,
        cursor: Any,
        skip: int,
    ) -> Pager:
        check_resumed_participants(cursor, conference_id, query)
        if cursor["r"] is None and region is not None:
            cursor = {**cursor, "r": region}  # the Conference given says where to look first
        return Pager(
            _ParticipantPages(self),
            cursor,
            limit=query.limit,
            skip=skip,
            page_concurrency=self.page_concurrency,
        )

    async def _get_participant(
        self, conference_id: str, region: str | None, participant_id: str
    ) -> Participant:
        # By id or label, with no region parameter (the API takes none here).
        conference_id = check_conference_id(conference_id)
        url = self._transport.url("conferences", conference_id, "participants", participant_id)
        response = await self._transport.request("GET", url)
        raise_for_status(response, parse_error)
        return parse_participant_response(
            response.status, response.headers, response.data, response.text, data_region=region
        )

    # -- get / create -----------------------------------------------------------------------

    async def _get(self, id: str, *, region: str | None) -> Conference:
        data_region = None if region is None else canonical_region(region)
        params = [] if data_region is None else [("region", data_region)]
        url = self._transport.url("conferences", id, params=params)
        response = await self._transport.request("GET", url)
        raise_for_status(response, parse_error)
        return parse_conference_response(
            response.status,
            response.headers,
            response.data,
            response.text,
            data_region=data_region,
        )

    async def create(
        self,
        *,
        call_control_id: str | None = None,
        name: str | None = None,
        beep_enabled: str | None = None,
        client_state: str | None = None,
        comfort_noise: bool | None = None,
        command_id: str | None = None,
        duration_minutes: int | None = None,
        hold_audio_url: str | None = None,
        hold_media_name: str | None = None,
        max_participants: int | None = None,
        start_conference_on_create: bool | None = None,
        region: str | None = None,
        **unknown: object,
    ) -> Conference:
        """Create a conference from an existing call leg (``call_control_id``) and a name.

        Every ``CreateConferenceRequest`` field is accepted and checked here first.
        ``command_id`` is generated when you give none: that is what makes retrying the
        request safe (Telnyx ignores a repeated ``command_id``), and the only reason a create
        is ever retried.
        """
        self._require(Capability.CREATE)
        if unknown:
            raise InvalidRequestError(
                f"telnyx create takes no {', '.join(sorted(unknown))}; it takes: "
                f"{', '.join(CREATE_FIELDS)}"
            )
        body = build_create_body(
            call_control_id=call_control_id,
            name=name,
            beep_enabled=beep_enabled,
            client_state=client_state,
            comfort_noise=comfort_noise,
            command_id=command_id,
            duration_minutes=duration_minutes,
            hold_audio_url=hold_audio_url,
            hold_media_name=hold_media_name,
            max_participants=max_participants,
            start_conference_on_create=start_conference_on_create,
            region=self.default_region if region is None else region,
        )
        url = self._transport.url("conferences")
        response = await self._transport.request(
            "POST", url, json=body, retry_unsafe="command_id" in body
        )
        raise_for_status(response, parse_error)
        return parse_conference_response(
            response.status,
            response.headers,
            response.data,
            response.text,
            data_region=body.get("region"),
        )


class _ParticipantPages:
    """The page source of one participant listing. The conference is looked for as ``get``
    looks: in the cursor's region (a ``Conference``'s own, or where an earlier page found
    it), else the default region, first, then every other one concurrently; the region that
    has it serves every later page, and the cursors of those pages name it."""

    def __init__(self, service: TelnyxConferenceService) -> None:
        self.provider = service.provider
        self.pause_gc = service.pause_gc
        self._service = service
        self._found: str | None = None

    def page_cursor(self, cursor: Any, number: int) -> Any:
        return participant_page_cursor(cursor, number, self._found)

    async def fetch_page(self, cursor: Any) -> RawPage[Participant]:
        if self._found is not None:
            return await self._fetch(cursor, self._found)
        service = self._service
        return await find_in_regions(
            lambda region: self._fetch(cursor, region),
            service.regions,
            cursor["r"] or service.default_region,
            what=f"the participants of {cursor['c']!r} in {service.provider}",
        )

    async def _fetch(self, cursor: Any, region: str) -> RawPage[Participant]:
        transport = self._service.transport
        params = participant_page_params(cursor, region)
        url = transport.url("conferences", cursor["c"], "participants", params=params)
        response = await transport.request("GET", url, loads=TYPED_PARTICIPANTS.loads)
        page = parse_participant_page(
            response.status,
            response.headers,
            response.data,
            response.text,
            cursor,
            region=region,
            method=response.method,
            url=str(response.url),
        )
        self._found = region
        return page
