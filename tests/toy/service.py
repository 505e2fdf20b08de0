"""The toy client: list and get rooms, a short loop over the pure parts and the core transport."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Unpack

from confclient import Capability, Conference, Pager
from confclient.adapter import (
    BaseConferenceService,
    ListQuery,
    RawPage,
    ServiceOptions,
    check_credential,
    raise_for_status,
)

from .pages import check_resumed_query, first_cursor, page_params, parse_page
from .params import PROVIDER, ZONES
from .records import parse_error, parse_room

__all__ = ["ToyConferenceService"]


class ToyConferenceService(BaseConferenceService):
    """Toy rooms: list and get, in two zones (one request lists them all)."""

    provider: ClassVar[str] = PROVIDER
    regions: ClassVar[tuple[str, ...]] = ZONES
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.LIST, Capability.GET})
    env_variables: ClassVar[Mapping[str, str]] = MappingProxyType(
        {"api_key": "TOY_API_KEY", "base_url": "TOY_BASE_URL"}
    )
    api_version: ClassVar[str | None] = "v1"
    default_base_url: ClassVar[str | None] = "https://api.toy.example/toy/v1"
    emulator: ClassVar[str | None] = "tests.toy.emulator:ToyEmulator"

    def __init__(self, api_key: str | None = None, **options: Unpack[ServiceOptions]) -> None:
        if not api_key:
            raise self.missing_options("api_key")
        key = check_credential(api_key, "api_key")
        super().__init__(headers={"Authorization": f"Token {key}"}, **options)

    def _list(self, query: ListQuery) -> Pager:
        return Pager(self, first_cursor(query), limit=query.limit)

    def _resume(self, query: ListQuery, cursor: Any, skip: int) -> Pager:
        check_resumed_query(cursor, query)
        return Pager(self, cursor, limit=query.limit, skip=skip)

    async def fetch_page(self, cursor: Any) -> RawPage[Conference]:
        """Fetch the page a cursor names (the pager's hook)."""
        response = await self._transport.request(
            "GET", self._transport.url("rooms", params=page_params(cursor))
        )
        return parse_page(
            response.status,
            response.headers,
            response.data,
            response.text,
            cursor,
            method=response.method,
            url=str(response.url),
        )

    async def _get(self, id: str, *, region: str | None) -> Conference:
        response = await self._transport.request("GET", self._transport.url("rooms", id))
        raise_for_status(response, parse_error)
        return parse_room(response.status, response.headers, response.data, response.text)
