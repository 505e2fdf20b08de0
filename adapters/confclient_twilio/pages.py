"""Twilio Insights list pages: every paging quirk, as pure functions (no I/O, no asyncio).

Twilio pages by cursor: each page's ``meta.next_page_url`` is the absolute URL of the next
one (``PageSize``, ``Page`` and an opaque ``PageToken`` on top of the query), ``null`` on the
last. A listing's cursor is that URL's path and query; the service checks every one is on
the configured origin (its transport's rule) and on the list resource (this module's).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from confclient import Conference, InvalidRequestError, UnsafeRedirectError
from confclient.adapter import ListQuery, RawPage, RecordCodec, TypedDecoder

from .params import build_list_params
from .records import CONFERENCES, TwilioPageMeta, decode_typed, parse_error

__all__ = [
    "PAGING_PARAMS",
    "check_page_resource",
    "check_resumed_query",
    "check_same_query",
    "parse_envelope",
    "parse_list_page",
    "parse_page",
]

T = TypeVar("T")

#: Paging parameters of a page URL: everything else in it is the query it was made for.
PAGING_PARAMS: Final = frozenset({"Page", "PageToken", "PageSize"})


def check_page_resource(path: str, list_path: str, shown: str) -> None:
    """A next page must be a page of the same list resource (``shown``: the URL, for the
    error), or :class:`UnsafeRedirectError`."""
    if path != list_path:
        raise UnsafeRedirectError(
            f"twilio: refusing a next page on another resource ({path}); expected {list_path}",
            url=shown,
        )


def check_resumed_query(saved: Mapping[str, str], query: ListQuery) -> None:
    """Filters given with a resume token must be those its page URL was made with."""
    if query.has_filters or query.page_size is not None:
        check_same_query(saved, build_list_params(query), query.page_size)


def check_same_query(
    saved: Mapping[str, str], given: list[tuple[str, str]], page_size: int | None
) -> None:
    """The query of a resumed page URL (``saved``) against the one the caller gave (built
    as a first page's, ``given``): same filters, and the same page size when one is given."""
    given = [p for p in given if p[0] not in PAGING_PARAMS]
    kept = [(k, v) for k, v in saved.items() if k not in PAGING_PARAMS]
    if sorted(given) != sorted(kept) or (
        page_size is not None and saved.get("PageSize") != str(page_size)
    ):
        raise InvalidRequestError(
            "resume_token was made for another query; pass only resume_token "
            "(and limit), or the same filters it was made with"
        )


def parse_envelope(
    status: int, headers: Mapping[str, Any], data: object, text: str = ""
) -> tuple[list[Any], TwilioPageMeta]:
    """A list response's records, still undecoded, and its paging meta."""
    return CONFERENCES.envelope(status, headers, data, text, key="conferences", meta=TwilioPageMeta)


def parse_page(
    status: int,
    headers: Mapping[str, Any],
    data: object,
    text: str,
    *,
    next_cursor: Callable[[str], str],
    method: str | None = None,
    url: str | None = None,
) -> RawPage[Conference]:
    """A list answer: its records (decoded by the pager once the next page is on its way)
    and the next page's cursor, made by ``next_cursor(next_page_url)`` (which refuses a URL
    off the origin or the resource); or the mapped error."""
    return parse_list_page(
        CONFERENCES,
        decode_typed,
        "conferences",
        status,
        headers,
        data,
        text,
        next_cursor=next_cursor,
        method=method,
        url=url,
    )


def parse_list_page(
    codec: RecordCodec[T],
    typed: TypedDecoder[T],
    key: str,
    status: int,
    headers: Mapping[str, Any],
    data: object,
    text: str,
    *,
    next_cursor: Callable[[str], str],
    method: str | None = None,
    url: str | None = None,
) -> RawPage[T]:
    """Any Insights list answer (records under ``key``, decoded with ``codec``, or ``typed``
    when msgspec typed the page; the same ``meta`` on every list resource): as
    :func:`parse_page` says."""
    if not 200 <= status < 300:
        raise parse_error(status, headers, data, text, method=method, url=url)
    # Each summary says its own region: no data region to give.
    items, meta = codec.page_items(
        status, headers, data, text, key=key, meta=TwilioPageMeta, typed=typed
    )
    following = next_cursor(meta.next_page_url) if meta.next_page_url else None
    return RawPage(items=items, next_cursor=following, number=meta.page)
