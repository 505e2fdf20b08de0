"""The toy API's query, from the neutral filters (pure: no aiohttp, no asyncio).

``GET /toy/v1/rooms`` takes ``zone``, ``state``, ``title`` (exact), ``limit`` (1..50) and
``after`` (the opaque position the previous page gave); it cannot filter on time.
"""

from __future__ import annotations

from typing import Any, Final

from confclient import ConferenceStatus, InvalidRequestError, UnsupportedFilterError
from confclient.adapter import ListQuery

__all__ = ["MAX_PAGE_SIZE", "PROVIDER", "STATES", "ZONES", "build_list_params", "check_cursor"]

PROVIDER: Final = "toy"
ZONES: Final = ("north", "south")
MAX_PAGE_SIZE: Final = 50
#: Native room states by neutral status.
STATES: Final = {
    ConferenceStatus.NOT_STARTED: "waiting",
    ConferenceStatus.IN_PROGRESS: "live",
    ConferenceStatus.COMPLETED: "over",
}

Params = list[tuple[str, str]]


def _unsupported(argument: str, why: str) -> UnsupportedFilterError:
    return UnsupportedFilterError(
        f"toy cannot filter rooms by {argument}: {why}", provider=PROVIDER, filter=argument
    )


def build_list_params(query: ListQuery) -> Params:
    """The query parameters of a first page (``UnsupportedFilterError`` for what the API
    cannot filter: never filtered on the client)."""
    for argument in ("created_after", "created_before"):
        if getattr(query, argument) is not None:
            raise _unsupported(argument, "the API has no time filter")
    if query.filters:
        raise _unsupported(next(iter(query.filters)), "the API has no native filters")
    params: Params = []
    if query.region is not None:
        params.append(("zone", query.region))
    if query.status is not None:
        state = STATES.get(query.status)
        if state is None:
            raise _unsupported("status", f"it has no {query.status.value!r} rooms")
        params.append(("state", state))
    if query.name is not None:
        params.append(("title", query.name))
    page_size = MAX_PAGE_SIZE if query.page_size is None else query.page_size
    if page_size > MAX_PAGE_SIZE:
        raise InvalidRequestError(
            f"page_size must be at most {MAX_PAGE_SIZE} for toy, got {page_size}"
        )
    params.append(("limit", str(page_size)))  # the largest pages by default: fewest requests
    return params


def check_cursor(cursor: Any) -> tuple[Params, str | None]:
    """A listing position from a resume token, ``(first page's params, after)``, checked
    field by field (``InvalidRequestError`` when damaged)."""
    damaged = InvalidRequestError("resume_token is damaged: not a toy listing position")
    if not isinstance(cursor, dict) or set(cursor) != {"q", "after"}:
        raise damaged
    query, after = cursor["q"], cursor["after"]
    if not isinstance(query, list) or not (after is None or isinstance(after, str)):
        raise damaged
    params: Params = []
    for pair in query:
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            raise damaged
        key, value = pair
        if not (isinstance(key, str) and isinstance(value, str)):
            raise damaged
        params.append((key, value))
    return params, after
