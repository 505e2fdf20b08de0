"""The Telnyx Call Control conferences service: glue between the pure parts and the transport."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any, ClassVar, Final

import aiohttp
from yarl import URL

from confclient import (
    Capability,
    Conference,
    ConfigurationError,
    InvalidRequestError,
    ListQuery,
    Pager,
    RetryPolicy,
    Timeout,
)
from confclient.decoding import raise_for_status
from confclient.paging import DeferredItems, RawPage
from confclient.service import BaseConferenceService, CreateField
from confclient.transport import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONNECTIONS,
    Transport,
    check_credential,
)

from .params import (
    CREATE_FIELD_SPECS,
    CREATE_FIELDS,
    MAX_PAGE_NUMBER,
    REGIONS,
    build_create_body,
    build_list_params,
    canonical_region,
    check_saved_query,
)
from .records import (
    PROVIDER,
    RETRY_RULES,
    decode_records,
    parse_conference_response,
    parse_error,
    parse_list_envelope,
)

__all__ = ["DEFAULT_BASE_URL", "TelnyxConferenceService"]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)

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
        {Capability.LIST, Capability.GET, Capability.CREATE}
    )
    env_variables: ClassVar[Mapping[str, str]] = MappingProxyType(
        {"api_key": "TELNYX_API_KEY", "base_url": "TELNYX_BASE_URL"}
    )
    api_version: ClassVar[str | None] = "v2"
    default_base_url: ClassVar[str | None] = DEFAULT_BASE_URL
    emulator: ClassVar[str | None] = "confclient_telnyx.emulator:TelnyxEmulator"

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | URL | None = None,
        session: aiohttp.ClientSession | None = None,
        timeout: Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        trace_configs: Sequence[aiohttp.TraceConfig] | None = None,
        allow_insecure_http: bool = False,
        default_region: str | None = None,
        page_concurrency: int = DEFAULT_PAGE_CONCURRENCY,
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
        super().__init__(
            Transport(
                provider=PROVIDER,
                base_url=DEFAULT_BASE_URL if base_url is None else base_url,
                headers={"Authorization": f"Bearer {key}"},
                session=session,
                timeout=timeout,
                retry=retry,
                max_connections=max_connections,
                max_body_bytes=max_body_bytes,
                trace_configs=trace_configs,
                allow_insecure_http=allow_insecure_http,
                rules=RETRY_RULES,
            ),
            default_region=default_region,
        )

    # -- list -------------------------------------------------------------------------------

    def _list(self, query: ListQuery) -> Pager:
        cursor = {"q": [list(p) for p in build_list_params(query)], "n": 1}
        return Pager(self, cursor, limit=query.limit, page_concurrency=self.page_concurrency)

    def _resume(self, query: ListQuery, cursor: Any, skip: int) -> Pager:
        saved = _check_cursor(cursor)
        if query.has_filters or query.page_size is not None:
            given = build_list_params(query)
            if query.page_size is None:
                given = [p for p in given if p[0] != "page[size]"]
                saved = [p for p in saved if p[0] != "page[size]"]
            if sorted(given) != sorted(saved):
                raise InvalidRequestError(
                    "resume_token was made for another query; pass only resume_token "
                    "(and limit), or the same filters it was made with"
                )
        return Pager(
            self, cursor, limit=query.limit, skip=skip, page_concurrency=self.page_concurrency
        )

    def _list_order(self, conf: Conference) -> Any:
        """Telnyx lists by descending ``expires_at`` (ties: ascending id)."""
        assert conf.expires_at is not None  # required in every Telnyx record
        return (-(conf.expires_at - _EPOCH) // _MICROSECOND, conf.id)

    def page_cursor(self, cursor: Any, number: int) -> Any:
        """The cursor of page ``number`` of the listing ``cursor`` belongs to (lets the
        pager fetch pages concurrently once it knows ``total_pages``).
        """
        return {"q": cursor["q"], "n": number}

    async def fetch_page(self, cursor: Any) -> RawPage:
        """Fetch the page a cursor names (the :class:`confclient.paging.PageSource` hook)."""
        params = _check_cursor(cursor)
        number: int = cursor["n"]
        url = self._transport.url("conferences", params=[*params, ("page[number]", str(number))])
        response = await self._transport.request("GET", url)
        raise_for_status(response, parse_error)
        records, meta = parse_list_envelope(
            response.status, response.headers, response.data, response.text
        )
        if meta.total_pages is not None:
            # An empty page before the last is the pager's to refuse, not a silent end.
            has_next = number < meta.total_pages
        else:
            size = int(dict(params).get("page[size]", "20"))
            has_next = len(records) >= size
        next_cursor = {"q": cursor["q"], "n": number + 1} if has_next else None
        decode = functools.partial(
            decode_records,
            status=response.status,
            headers=response.headers,
            data_region=dict(params).get("region"),
        )
        return RawPage(
            # Decoded by the pager once it has asked for the following pages.
            items=DeferredItems(records, decode),
            next_cursor=next_cursor,
            number=number,
            total_pages=meta.total_pages,
            total_results=meta.total_results,
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


def _check_cursor(cursor: Any) -> list[tuple[str, str]]:
    """The saved query of a Telnyx cursor ``{"q": [[k, v], ...], "n": page}``, checked
    field by field (a cursor comes back from a caller's resume token)."""
    if not (
        isinstance(cursor, dict)
        and cursor.keys() == {"q", "n"}
        and type(cursor["n"]) is int
        and 1 <= cursor["n"] <= MAX_PAGE_NUMBER
    ):
        raise InvalidRequestError("resume_token is damaged: not a telnyx listing position")
    return check_saved_query(cursor["q"])
