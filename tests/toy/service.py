"""The toy client: list and get rooms, a short loop over the pure parts and the core transport."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import aiohttp

from confclient import Capability, Conference, InvalidRequestError, Pager, RetryPolicy, Timeout
from confclient.adapter import (
    DEFAULT_MAX_CONNECTIONS,
    BaseConferenceService,
    ListQuery,
    RawPage,
    Transport,
    check_credential,
    raise_for_status,
)

from .params import PROVIDER, ZONES, build_list_params, check_cursor
from .records import parse_error, parse_page, parse_room

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

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        session: aiohttp.ClientSession | None = None,
        timeout: Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        allow_insecure_http: bool = False,
        default_region: str | None = None,
    ) -> None:
        if not api_key:
            raise self.missing_options("api_key")
        key = check_credential(api_key, "api_key")
        transport = Transport(
            provider=PROVIDER,
            base_url=base_url or self.default_base_url,
            headers={"Authorization": f"Token {key}"},
            session=session,
            timeout=timeout,
            retry=retry,
            max_connections=max_connections,
            allow_insecure_http=allow_insecure_http,
        )
        super().__init__(transport, default_region=default_region)

    def _list(self, query: ListQuery) -> Pager:
        return Pager(self, {"q": build_list_params(query), "after": None}, limit=query.limit)

    def _resume(self, query: ListQuery, cursor: Any, skip: int) -> Pager:
        saved, _ = check_cursor(cursor)
        if (query.has_filters or query.page_size is not None) and sorted(
            build_list_params(query)
        ) != sorted(saved):
            raise InvalidRequestError(
                "resume_token was made for another query; pass only resume_token (and limit)"
            )
        return Pager(self, cursor, limit=query.limit, skip=skip)

    async def fetch_page(self, cursor: Any) -> RawPage:
        """Fetch the page a cursor names (the pager's hook)."""
        params, after = check_cursor(cursor)
        url = self._transport.url("rooms", params=[*params, *([("after", after)] if after else [])])
        response = await self._transport.request("GET", url)
        raise_for_status(response, parse_error)
        items, following = parse_page(
            response.status, response.headers, response.data, response.text
        )
        next_cursor = None if following is None else {"q": params, "after": following}
        return RawPage(items=items, next_cursor=next_cursor)

    async def _get(self, id: str, *, region: str | None) -> Conference:
        response = await self._transport.request("GET", self._transport.url("rooms", id))
        raise_for_status(response, parse_error)
        return parse_room(response.status, response.headers, response.data, response.text)
