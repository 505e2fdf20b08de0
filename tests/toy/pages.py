"""Toy pages: every paging quirk, as pure functions (no I/O, no asyncio).

A page is ``{"rooms": [...], "next": <position> | null}``; the next page is asked for with
``after=<position>``. A listing's cursor is ``{"q": [[name, value], ...], "after": ...}``:
the first page's query (saved in resume tokens) and the position.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from confclient import Conference, DecodeError, InvalidRequestError
from confclient.adapter import ListQuery, RawPage, json_array, json_object

from .params import PROVIDER, build_list_params, check_cursor
from .records import parse_error, to_conference

__all__ = ["check_resumed_query", "first_cursor", "page_params", "parse_page"]


def first_cursor(query: ListQuery) -> dict[str, Any]:
    return {"q": build_list_params(query), "after": None}


def page_params(cursor: Any) -> list[tuple[str, str]]:
    """The query string of the request for the page ``cursor`` names (checked)."""
    params, after = check_cursor(cursor)
    return [*params, *([("after", after)] if after else [])]


def check_resumed_query(cursor: Any, query: ListQuery) -> None:
    """Filters given with a resume token must be those it was made with."""
    saved, _ = check_cursor(cursor)
    if (query.has_filters or query.page_size is not None) and sorted(
        build_list_params(query)
    ) != sorted(saved):
        raise InvalidRequestError(
            "resume_token was made for another query; pass only resume_token (and limit)"
        )


def parse_page(
    status: int,
    headers: Mapping[str, Any],
    data: object,
    text: str,
    cursor: Any,
    *,
    method: str | None = None,
    url: str | None = None,
) -> RawPage[Conference]:
    """A list answer: its rooms and the next page's cursor (``None`` on the last); or the
    mapped error."""
    if not 200 <= status < 300:
        raise parse_error(status, headers, data, text, method=method, url=url)
    body = json_object(status, headers, data, text, provider=PROVIDER, parse_error=parse_error)
    rooms = json_array(body, "rooms", provider=PROVIDER, status=status, headers=headers)
    after = body.get("next")
    if not (after is None or isinstance(after, str)):
        raise DecodeError("toy: next is not a string", provider=PROVIDER, field="next")
    items = [to_conference(room, f"rooms[{i}]") for i, room in enumerate(rooms)]
    following = None if after is None else {"q": cursor["q"], "after": after}
    return RawPage(items=items, next_cursor=following)
