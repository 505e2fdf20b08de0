"""Streaming listings: :class:`Pager` (resume tokens themselves: :mod:`confclient._resume`).

An adapter describes *how to fetch one page* (a :class:`PageSource`); the pager does the rest:
it streams items (``async for``), pages (``.pages()``) or everything (``.collect()``), stops at
``limit``, and can say at any moment where the listing stands (``resume_token``) so it can be
taken up later, even in another process, with ``svc.list(resume_token=token)``.

A resume token is opaque to callers. Inside it is the provider's name, the adapter's cursor
(whatever JSON value the adapter needs to fetch a page: a page number and query, a next-page
URL) and how many items of that page were already handed out.

Long: :class:`Pager` is one listing's whole life (items or pages, limit, resume positions,
pages fetched ahead, their memory budget, the page guard), parts that share its state.
"""

from __future__ import annotations

import asyncio
import contextvars
import weakref
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import Any, Protocol, TypeVar

import attrs

from . import _json
from ._budget import CURRENT_PAGE, DEFAULT_LISTING_BUDGET, ListingBudget, PageBudget
from ._gc import paused_gc
from ._page import Cursor, DeferredItems, RawPage
from ._page_guard import PageGuard
from ._resume import decode_resume_token, encode_resume_token
from ._tasks import cancel_and_wait
from ._window import PageWindow
from .errors import ConfClientError, InvalidRequestError
from .model import Conference, Page

__all__ = [
    "Cursor",
    "DeferredItems",
    "PageSource",
    "Pager",
    "Position",
    "RawPage",
    "decode_resume_token",
    "encode_resume_token",
]

Position = tuple[Cursor, int]
"""Where a listing stands: the cursor of a page and how many of its items were handed out."""

T = TypeVar("T")


class PageSource(Protocol):
    """What an adapter gives the pager: the provider's name and a page fetcher.

    A provider that pages by number may also offer ``page_cursor(cursor, number)`` (the
    cursor of page ``number`` of the same listing): once a page tells ``total_pages``, the
    pager then fetches the following pages concurrently. A source may say ``pause_gc``
    (``False``: decode pages with the garbage collector left alone; see
    :mod:`confclient._gc`).
    """

    @property
    def provider(self) -> str: ...

    async def fetch_page(self, cursor: Cursor) -> RawPage[Any]: ...


class NumberedPageSource(PageSource, Protocol):
    def page_cursor(self, cursor: Cursor, number: int) -> Cursor: ...


class Pager:
    """A listing in progress: iterate it once, by item or by page.

    >>> async for conf in svc.list(region="US"):          # doctest: +SKIP
    ...     ...
    >>> async for page in svc.list(page_size=100).pages():  # doctest: +SKIP
    ...     save(page.items, page.resume_token)
    >>> first50 = await svc.list(limit=50).collect()       # doctest: +SKIP

    Nothing is requested until iteration starts. ``limit`` caps the items handed out;
    ``resume_token`` tells where the listing stands after the last item handed out
    (``None`` once it is exhausted). While you consume one page the next is already being
    fetched (``prefetch=1``), so at most two pages are held in memory. A provider that
    sends the same next page twice raises :class:`DecodeError` instead of looping.
    Leaving early (``break``, an exception, cancellation) cancels the page in flight;
    ``await pager.aclose()`` does so at once.
    """

    def __init__(
        self,
        source: PageSource,
        cursor: Cursor,
        *,
        limit: int | None = None,
        skip: int = 0,
        prefetch: bool = True,
        page_concurrency: int = 1,
        memory_budget: int = DEFAULT_LISTING_BUDGET,
    ) -> None:
        try:
            _json.dumps(cursor)  # every page's position is saved as JSON (resume tokens)
        except (TypeError, ValueError) as exc:
            raise InvalidRequestError(
                f"{source.provider}: the listing's arguments cannot be encoded ({exc}); "
                "strings must be valid Unicode text"
            ) from None
        self._source = source
        self._provider = source.provider
        self._pause_gc = getattr(source, "pause_gc", True) is not False
        self._cursor: Cursor | None = cursor
        self._skip = skip
        self._limit = limit
        self._yielded = 0
        # While a page is handed out the fast way: what was handed out before its first
        # item (the count is then this plus ``_skip``).
        self._yielded_before_page: int | None = None
        self._started = False
        self._exhausted = False
        self._pages_fetched = 0
        self._current_number: int | None = None
        self._total_results: int | None = None
        self._prefetch = prefetch
        if isinstance(page_concurrency, bool) or not (
            isinstance(page_concurrency, int) and page_concurrency >= 1
        ):
            raise InvalidRequestError(
                f"page_concurrency must be an integer >= 1, got {page_concurrency!r}"
            )
        self._page_concurrency = page_concurrency
        self._window = PageWindow(page_concurrency)
        # Pages requested ahead of the one being consumed, by cursor key, in page order,
        # and each one's share of the listing's memory budget.
        self._ahead: dict[bytes, asyncio.Task[RawPage[Any]]] = {}
        self._ahead_budgets: dict[bytes, PageBudget] = {}
        self._budget = ListingBudget(memory_budget)
        self._guard = PageGuard(self._provider, cursor)
        # Weak: a strong reference would make a cycle (the generator's frame holds the
        # pager) and delay the closing of an abandoned listing until a GC pass.
        self._generator: weakref.ref[AsyncGenerator[Any, None]] | None = None

    def __repr__(self) -> str:
        state = "exhausted" if self._exhausted else ("running" if self._started else "new")
        return (
            f"<Pager {self._provider} {state} items={self.items_yielded} "
            f"pages={self._pages_fetched}"
            f"{'' if self._limit is None else f' limit={self._limit}'}>"
        )

    @property
    def provider(self) -> str:
        return self._provider

    @property
    def items_yielded(self) -> int:
        before = self._yielded_before_page
        return self._yielded if before is None else before + self._skip

    @property
    def pages_fetched(self) -> int:
        return self._pages_fetched

    @property
    def duplicates_dropped(self) -> int:
        """Items dropped because the previous page already had them (records shifted)."""
        return self._guard.dropped

    @property
    def resume_token(self) -> str | None:
        """Where the listing stands after the last item handed out; ``None`` when it is done."""
        position = self._position()
        return None if position is None else encode_resume_token(self._provider, *position)

    def _position(self) -> Position | None:
        """``(cursor, skip)`` after the last item handed out (``None``: finished), cheap
        enough to read after every item (a merged listing does)."""
        if self._exhausted or self._cursor is None:
            return None
        return (self._cursor, self._skip)

    def _start(self, generator: AsyncGenerator[T, None]) -> AsyncGenerator[T, None]:
        if self._started:
            raise RuntimeError("a Pager is iterated once; call svc.list(...) again for a new one")
        self._started = True
        self._generator = weakref.ref(generator)
        return generator

    def __aiter__(self) -> AsyncGenerator[Conference, None]:
        return self._start(self._iter_items())

    def pages(self) -> AsyncGenerator[Page, None]:
        """Iterate page by page; each :class:`Page` carries the token to resume after it."""
        return self._start(self._iter_pages())

    async def aclose(self) -> None:
        """Stop the listing: cancel the page in flight. ``resume_token`` stays valid."""
        generator = None if self._generator is None else self._generator()
        if generator is not None:
            try:
                await generator.aclose()
            except RuntimeError:  # being iterated, or closed, right now by another task
                await cancel_and_wait(list(self._ahead.values()))

    async def collect(self) -> list[Conference]:
        """Every item (up to ``limit``) in a list."""
        return [item async for item in self]

    async def _iter_items(self) -> AsyncGenerator[Conference, None]:
        # aclosing: leaving early closes the page loop (and cancels its prefetch) right away.
        async with aclosing(self._raw_pages()) as raw_pages:
            async for skip, page, dropped in raw_pages:
                items = page.items
                if self._limit is None and not dropped:
                    # The common case, kept lean: it runs once per item of every listing.
                    lazy = items.one_by_one() if isinstance(items, DeferredItems) else None
                    if lazy is not None:
                        records, decode_one, fast, context = lazy
                        # One store per item: the count handed out follows from _skip.
                        self._yielded_before_page = self._yielded - skip
                        try:
                            for index in range(skip, len(records)):
                                item = fast(records[index], context)
                                if item is None:
                                    item = decode_one(records[index], index)
                                self._skip = index + 1
                                yield item
                        finally:
                            self._yielded = self._yielded_before_page + self._skip
                            self._yielded_before_page = None
                        continue
                    for index in range(skip, len(items)):
                        # Position *after* this item (in the page as the provider sent it),
                        # so a token read inside the loop body resumes with the next one.
                        self._skip = index + 1
                        self._yielded += 1
                        yield items[index]
                    continue
                for index in range(skip, len(items)):
                    if self._limit is not None and self._yielded >= self._limit:
                        return
                    if dropped and index in dropped:
                        continue
                    self._skip = index + 1
                    self._yielded += 1
                    yield items[index]

    async def _iter_pages(self) -> AsyncGenerator[Page, None]:
        async with aclosing(self._raw_pages()) as raw_pages:
            async for skip, page, dropped in raw_pages:
                positions = [i for i in range(skip, len(page.items)) if i not in dropped]
                if self._limit is not None and len(positions) > self._limit - self._yielded:
                    positions = positions[: self._limit - self._yielded]
                    self._skip = positions[-1] + 1 if positions else skip
                else:
                    self._skip = len(page.items)
                self._yielded += len(positions)
                if self._skip < len(page.items):
                    token = self.resume_token  # stopped inside this page
                elif page.next_cursor is None:
                    token = None
                else:
                    token = encode_resume_token(self._provider, page.next_cursor, 0)
                yield Page(
                    items=tuple(page.items[i] for i in positions),
                    resume_token=token,
                    number=self._current_number,
                    total_results=self._total_results,
                )

    async def _raw_pages(self) -> AsyncGenerator[tuple[int, RawPage[Any], frozenset[int]], None]:
        """(items to skip, page, positions to drop as repeats) per page; moves ``_cursor`` /
        ``_skip`` along. Positions count the page's items as the provider sent them, so a
        resume token means the same place whatever was dropped."""
        guard = self._guard
        clock = asyncio.get_running_loop().time
        try:
            while self._cursor is not None:
                if self._limit is not None and self._yielded >= self._limit:
                    return
                first = self._pages_fetched == 0
                started = clock() if first else 0.0
                page, budget = await self._take(self._cursor)
                if first:
                    self._window.first_round_trip(clock() - started)
                guard.next_page(page.next_cursor, page.number)
                if page.next_cursor is not None:
                    self._request_ahead(page, min(self._skip, len(page.items)))
                    if isinstance(page.items, DeferredItems) and self._ahead:
                        # Let the requests just started go out before this page is decoded
                        # (the next line), so the network and the decoding overlap.
                        await asyncio.sleep(0)
                items = page.items
                if isinstance(items, DeferredItems) and (first or items.one_by_one() is None):
                    # Decoded all at once: an adapter that decodes page by page, or the first
                    # page, whose decoding time sizes the window (the others are decoded one
                    # record at a time as they are handed out).
                    started = clock()
                    with paused_gc(self._pause_gc):
                        page = attrs.evolve(page, items=items.decode())
                    if first:
                        self._window.first_decoded(clock() - started)
                elif first:
                    self._window.first_decoded(0.0)  # decoded by the source: nothing to time
                if first and page.next_cursor is not None and len(self._ahead) < self._window.size:
                    # A wider window than the first guess: top it up now.
                    self._request_ahead(page, min(self._skip, len(page.items)))
                budget.release()  # the page is no longer ahead: it is the one consumed
                dropped = guard.check(
                    page.items,
                    number=page.number,
                    total_pages=page.total_pages,
                    has_next=page.next_cursor is not None,
                )
                self._pages_fetched += 1
                self._current_number = page.number
                self._total_results = page.total_results
                skip = min(self._skip, len(page.items))
                yield skip, page, dropped
                limit_hit = self._limit is not None and self._yielded >= self._limit
                if limit_hit and self._skip < len(page.items):
                    return  # stopped mid-page: the token points into this page
                # The whole page was handed out: move to the next one.
                self._cursor = page.next_cursor
                self._skip = 0
            self._exhausted = True
        finally:
            await self._cancel_ahead()

    def _request_ahead(self, page: RawPage[Any], skip: int) -> None:
        """Start fetching the pages after ``page`` that the listing will want: the next one
        (``prefetch``), or up to ``page_concurrency`` of them where pages are numbered.
        """
        assert page.next_cursor is not None
        if not self._prefetch:
            return
        # Items still wanted after this page; pages that could not be needed are not asked.
        wanted = (
            None if self._limit is None else self._limit - self._yielded - (len(page.items) - skip)
        )
        if wanted is not None and wanted <= 0:
            return
        page_cursor: Callable[[Cursor, int], Cursor] | None = getattr(
            self._source, "page_cursor", None
        )
        numbered = (
            self._page_concurrency > 1
            and page_cursor is not None
            and page.number is not None
            and page.total_pages is not None
            and len(page.items) > 0
        )
        if not numbered:
            self._fetch_ahead(page.next_cursor)
            return
        assert page_cursor is not None
        assert page.number is not None
        assert page.total_pages is not None
        assert self._cursor is not None
        for number in range(page.number + 1, page.total_pages + 1):
            if len(self._ahead) >= self._window.size:
                break
            if wanted is not None and (number - page.number - 1) * len(page.items) >= wanted:
                break
            self._fetch_ahead(page_cursor(self._cursor, number))

    def _fetch_ahead(self, cursor: Cursor) -> None:
        key = _json.dumps(cursor)
        if key not in self._ahead:
            budget = self._budget.page()
            context = contextvars.copy_context()
            context.run(CURRENT_PAGE.set, budget)  # what the transport charges this page to
            self._ahead_budgets[key] = budget
            self._ahead[key] = asyncio.create_task(
                self._source.fetch_page(cursor),
                name=f"confclient page {self._provider}",
                context=context,
            )

    async def _take(self, cursor: Cursor) -> tuple[RawPage[Any], PageBudget]:
        """The page ``cursor`` names (requested ahead, or now) and its share of the budget,
        which the caller releases once it is done with the page."""
        key = _json.dumps(cursor)
        task = self._ahead.pop(key, None)
        budget = self._ahead_budgets.pop(key, None) or self._budget.page()
        budget.await_it()
        try:
            if task is None:
                token = CURRENT_PAGE.set(budget)
                try:
                    return await self._source.fetch_page(cursor), budget
                finally:
                    CURRENT_PAGE.reset(token)
            try:
                return await task, budget
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise
                # Cancelled by aclose() from elsewhere (e.g. the service closing).
                raise ConfClientError(f"{self._provider}: the listing was closed") from None
        except BaseException:
            budget.release()
            raise

    async def _cancel_ahead(self) -> None:
        tasks = list(self._ahead.values())
        budgets = list(self._ahead_budgets.values())
        self._ahead.clear()
        self._ahead_budgets.clear()
        await cancel_and_wait(tasks)
        for budget in budgets:
            budget.release()
