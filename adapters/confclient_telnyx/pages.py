"""Telnyx list pages: every paging quirk, as pure functions (no I/O, no asyncio).

A listing's cursor is ``{"q": [[name, value], ...], "n": page_number}``: the query it was
made for (saved in resume tokens) and the page. Telnyx pages by number: ``page[number]``,
``page[size]`` (up to 250) and ``meta.total_pages``; a page number past the last answers an
empty page, and without ``meta`` a short page is the last.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

from confclient import Conference, InvalidRequestError
from confclient.adapter import ListQuery, RawPage, RecordCodec, TypedDecoder

from .params import MAX_PAGE_NUMBER, build_list_params, check_saved_query
from .records import CONFERENCES, TelnyxPageMeta, decode_typed, parse_error

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "check_cursor",
    "check_resumed_query",
    "deferred_items",
    "first_cursor",
    "list_order",
    "numbered_page",
    "page_cursor",
    "page_params",
    "parse_envelope",
    "parse_page",
]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)

#: What Telnyx sends per page when the query names no ``page[size]``.
DEFAULT_PAGE_SIZE: Final = 20

Cursor = dict[str, Any]
T = TypeVar("T")


def first_cursor(query: ListQuery) -> Cursor:
    """The cursor of a new listing's first page."""
    return {"q": [list(pair) for pair in build_list_params(query)], "n": 1}


def list_order(conf: Conference) -> Any:
    """Telnyx's list order as a sort key, smallest first: descending ``expires_at`` (ties:
    ascending id), for merging the listings of several data regions."""
    assert conf.expires_at is not None  # required in every Telnyx record
    return (-(conf.expires_at - _EPOCH) // _MICROSECOND, conf.id)


def page_cursor(cursor: Cursor, number: int) -> Cursor:
    """The cursor of page ``number`` of the listing ``cursor`` belongs to."""
    return {"q": cursor["q"], "n": number}


def check_cursor(cursor: object) -> list[tuple[str, str]]:
    """The saved query of a cursor, checked field by field (a cursor comes back from a
    caller's resume token); :class:`InvalidRequestError` for anything else."""
    if not (
        isinstance(cursor, dict)
        and cursor.keys() == {"q", "n"}
        and type(cursor["n"]) is int
        and 1 <= cursor["n"] <= MAX_PAGE_NUMBER
    ):
        raise InvalidRequestError("resume_token is damaged: not a telnyx listing position")
    return check_saved_query(cursor["q"])


def check_resumed_query(cursor: Cursor, query: ListQuery) -> None:
    """Filters given with a resume token must be those it was made with."""
    if not (query.has_filters or query.page_size is not None):
        return
    saved = check_cursor(cursor)
    given = build_list_params(query)
    if query.page_size is None:
        given = [p for p in given if p[0] != "page[size]"]
        saved = [p for p in saved if p[0] != "page[size]"]
    if sorted(given) != sorted(saved):
        raise InvalidRequestError(
            "resume_token was made for another query; pass only resume_token "
            "(and limit), or the same filters it was made with"
        )


def page_params(cursor: Cursor) -> list[tuple[str, str]]:
    """The query string of the request for the page ``cursor`` names."""
    return [*check_cursor(cursor), ("page[number]", str(cursor["n"]))]


def parse_envelope(
    status: int, headers: Mapping[str, Any], data: object, text: str = ""
) -> tuple[list[Any], TelnyxPageMeta]:
    """A list response's records, still undecoded, and its paging meta."""
    return CONFERENCES.envelope(status, headers, data, text, key="data", meta=TelnyxPageMeta)


def parse_page(
    status: int,
    headers: Mapping[str, Any],
    data: object,
    text: str,
    cursor: Cursor,
    *,
    method: str | None = None,
    url: str | None = None,
) -> RawPage[Conference]:
    """The answer to the request for page ``cursor``: its records (decoded by the pager once
    it has asked for the following pages), the next page's cursor, the totals; or the
    mapped error."""
    if not 200 <= status < 300:
        raise parse_error(status, headers, data, text, method=method, url=url)
    params = dict(cursor["q"])  # checked when the request was made (page_params)
    items, meta = deferred_items(
        CONFERENCES, decode_typed, status, headers, data, text, params.get("region")
    )
    return numbered_page(
        items,
        meta,
        cursor["n"],
        int(params.get("page[size]", DEFAULT_PAGE_SIZE)),
        lambda number: page_cursor(cursor, number),
    )


def deferred_items(
    codec: RecordCodec[T],
    typed: TypedDecoder[T],
    status: int,
    headers: Mapping[str, Any],
    data: object,
    text: str,
    data_region: str | None,
) -> tuple[Sequence[T], TelnyxPageMeta]:
    """A success Telnyx list page's items, decoded as the pager hands them out, and its meta
    (typed by msgspec or from its JSON: :meth:`RecordCodec.page_items`)."""
    return codec.page_items(
        status,
        headers,
        data,
        text,
        key="data",
        meta=TelnyxPageMeta,
        typed=typed,
        data_region=data_region,
    )


def numbered_page(
    items: Sequence[T],
    meta: TelnyxPageMeta,
    number: int,
    page_size: int,
    cursor_of: Callable[[int], Cursor],
) -> RawPage[T]:
    """Page ``number`` of a listing paged by number (``cursor_of(n)``: page ``n``'s cursor):
    its items (deferred: decoded as the pager hands them out), the next page's cursor and
    the totals. Without ``meta`` a short page is the last."""
    if meta.total_pages is not None:
        # An empty page before the last is the pager's to refuse, not a silent end.
        has_next = number < meta.total_pages
    else:
        has_next = len(items) >= page_size
    return RawPage(
        items=items,
        next_cursor=cursor_of(number + 1) if has_next else None,
        number=number,
        total_pages=meta.total_pages,
        total_results=meta.total_results,
    )
