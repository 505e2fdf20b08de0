"""What a listing checks of every page: nothing lost, nothing repeated, nothing endless.

Pure (no I/O, no asyncio): the pager hands each page to :class:`PageGuard` before handing
out its records. The guard keeps the ids of the previous page and one small fingerprint per
page and per cursor — never records, never every id — so its memory grows by a few dozen
bytes a page, whatever the listing's size and whatever the server sends.

* A record repeated across neighbouring pages (records shift while we page by number) is
  dropped, and so is a record repeated within one page.
* A page that repeats an earlier page of the listing, or a next page announced twice, means
  the server is looping: :class:`DecodeError`, never the same records twice.
* An empty page before the last one (where the pages are numbered and the total is known) is
  a :class:`DecodeError`, never a silent end; where the pages are chained by cursor, a bounded
  number of pages in a row without a new record is.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, Final

from . import _json
from ._page import DeferredItems
from .errors import DecodeError
from .model import Conference

__all__ = ["MAX_PAGES_WITHOUT_PROGRESS", "PageGuard", "fingerprint"]

_item_id = operator.attrgetter("id")

#: How many pages in a row may bring no new record before a cursor listing is stopped.
MAX_PAGES_WITHOUT_PROGRESS: Final = 8


def fingerprint(value: Any) -> int:
    """A small stand-in for a JSON value (a cursor): equal values, equal fingerprints."""
    return hash(_json.dumps(value))


class PageGuard:
    """The checks of one listing, page after page (see the module docstring).

    ``start`` is the cursor the listing starts from (a next page naming it is a loop too).
    """

    __slots__ = ("_cursors", "_idle", "_max_idle", "_pages", "_previous_ids", "dropped", "provider")

    def __init__(
        self, provider: str, start: Any, *, max_idle: int = MAX_PAGES_WITHOUT_PROGRESS
    ) -> None:
        self.provider = provider
        self._cursors: set[int] = set() if start is None else {fingerprint(start)}
        self._pages: set[int] = set()
        self._previous_ids: frozenset[object] = frozenset()
        self._idle = 0
        self._max_idle = max_idle
        self.dropped = 0
        """Records dropped so far because they were repeated."""

    def next_page(self, cursor: Any, number: int | None) -> None:
        """Check that the next page ``cursor`` was not announced before."""
        if cursor is None:
            return
        key = fingerprint(cursor)
        if key in self._cursors:
            raise DecodeError(
                f"{self.provider}: the provider sent a next page it already sent "
                f"({cursor!r:.200}); stopping instead of looping",
                provider=self.provider,
                field="next page",
            )
        self._cursors.add(key)

    def check(
        self,
        items: Sequence[Conference],
        *,
        number: int | None,
        total_pages: int | None,
        has_next: bool,
    ) -> frozenset[int]:
        """The positions of ``items`` to drop as repeats; raises :class:`DecodeError` for a
        page that loses or repeats records, or for a listing that stopped progressing."""
        where = "a page" if number is None else f"page {number}"
        if not items:
            self._previous_ids = frozenset()
            if has_next and number is not None and total_pages is not None:
                raise self._error(
                    f"{where} of {total_pages} is empty: the records of the pages after it "
                    "would be lost"
                )
            self._progress(0, where)
            return frozenset()
        ids = items.ids() if isinstance(items, DeferredItems) else tuple(map(_item_id, items))
        previous, current = self._previous_ids, frozenset(ids)
        self._previous_ids = current
        dropped: frozenset[int] = frozenset()
        if len(current) != len(ids) or not previous.isdisjoint(current):
            seen = set(previous)
            repeats = []
            for index, id_ in enumerate(ids):
                if id_ in seen:
                    repeats.append(index)
                seen.add(id_)
            dropped = frozenset(repeats)
            if len(dropped) == len(ids):
                raise self._error(
                    f"{where} holds only records of the previous page; the provider is not "
                    "paging (is a cache ignoring the query?): stopping rather than losing "
                    "records"
                )
        key = hash(ids)
        if key in self._pages:
            raise self._error(
                f"{where} repeats an earlier page of this listing: the provider is not paging "
                "(is a cache ignoring the query?); stopping rather than repeating records"
            )
        self._pages.add(key)
        self.dropped += len(dropped)
        self._progress(len(ids) - len(dropped), where)
        return dropped

    def _progress(self, new_records: int, where: str) -> None:
        self._idle = 0 if new_records else self._idle + 1
        if self._idle >= self._max_idle:
            raise self._error(
                f"{self._idle} pages in a row brought no new record (the last: {where}): the "
                "listing is not progressing; stopping instead of paging forever"
            )

    def _error(self, message: str) -> DecodeError:
        return DecodeError(f"{self.provider}: {message}", provider=self.provider, field="page")
