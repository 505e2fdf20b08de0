"""One listing over several regions of one service: :class:`MergedPager`.

A provider whose requests each reach one region (Telnyx: a list request without ``region``
lists only the account's default data region) answers ``svc.list()`` with no region through
this: one child :class:`~confclient.paging.Pager` per region, started together, merged item
by item in the provider's own order (``key``: smallest first), under one ``limit``.

The merged listing is resumable by one token. The merge only ever holds one item ahead per
region (the head it compares), so for every region it knows the exact position after the
last item the caller received from it; the token carries those positions, and a region whose
items were all handed out is marked done.
"""

from __future__ import annotations

import asyncio
import heapq
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import aclosing
from typing import Any, Final

from ._tasks import cancel_and_wait
from .errors import InvalidRequestError
from .model import Conference, Page
from .paging import Pager, Position, encode_resume_token

__all__ = ["MERGED_CURSOR_KEY", "MergedPager", "parse_merged_cursor"]

#: The key that marks a resume token's cursor as a merged listing's.
MERGED_CURSOR_KEY: Final = "merged"

_DONE: Final = None


def merged_cursor(regions: Sequence[str], positions: Sequence[Position | None]) -> Any:
    """The JSON cursor of a merged listing: each region's position (``done`` when finished)."""
    parts: list[dict[str, Any]] = []
    for region, position in zip(regions, positions, strict=True):
        if position is _DONE:
            parts.append({"r": region, "done": True})
        else:
            cursor, skip = position
            parts.append({"r": region, "c": cursor, "s": skip})
    return {MERGED_CURSOR_KEY: parts}


def parse_merged_cursor(
    cursor: object, regions: Sequence[str]
) -> list[tuple[str, Position | None]] | None:
    """``[(region, position or None when done), ...]`` of a merged cursor, ``None`` when
    ``cursor`` is not one; :class:`InvalidRequestError` when it claims to be one but is not
    exactly one entry per region of ``regions`` (a forged or foreign token).
    """
    if not isinstance(cursor, dict) or MERGED_CURSOR_KEY not in cursor:
        return None
    damaged = InvalidRequestError("resume_token is damaged: not a listing of every region")
    parts = cursor[MERGED_CURSOR_KEY]
    if len(cursor) != 1 or not isinstance(parts, list) or len(parts) != len(regions):
        raise damaged
    found: list[tuple[str, Position | None]] = []
    for part, region in zip(parts, regions, strict=True):
        if not isinstance(part, dict) or part.get("r") != region:
            raise damaged
        if part.keys() == {"r", "done"} and part["done"] is True:
            found.append((region, _DONE))
        elif part.keys() == {"r", "c", "s"} and type(part["s"]) is int and part["s"] >= 0:
            found.append((region, (part["c"], part["s"])))
        else:
            raise damaged
    return found


class MergedPager(Pager):
    """Several regions' listings of one service as one listing, in the provider's order.

    ``children`` are ``(region, pager)`` pairs, one per region still to list; ``done`` names
    the regions a resumed listing had already finished. ``key`` orders items (smallest
    first; ties go to the earlier region). A child's failure ends the listing with that
    failure (a note names the region), after the other children are stopped.

    It is a :class:`Pager` in every way a caller sees (``async for``, ``pages()``,
    ``collect()``, ``limit``, ``resume_token``, ``aclose()``); it shares no state with the
    single-listing machinery, so it sets up its own instead of calling ``Pager.__init__``.
    """

    def __init__(
        self,
        provider: str,
        children: Sequence[tuple[str, Pager]],
        *,
        regions: Sequence[str],
        key: Callable[[Conference], Any],
        limit: int | None = None,
        page_size: int,
    ) -> None:
        by_region = dict(children)
        if len(by_region) != len(children) or not set(by_region) <= set(regions):
            raise ValueError("children must be distinct regions among regions")
        self._provider = provider
        self._regions = tuple(regions)
        self._children: list[Pager | None] = [by_region.get(region) for region in self._regions]
        # Where each region stands after the last item handed out; None: finished.
        self._positions: list[Position | None] = [
            None if child is None else child._position() for child in self._children
        ]
        self._key = key
        self._limit = limit
        self._page_size = page_size
        self._yielded = 0
        self._started = False
        self._exhausted = False
        # Weak, as in Pager: a strong reference would make a cycle (the generator's frame
        # holds the pager) and keep an abandoned listing open until a GC pass.
        self._generator_ref: weakref.ref[AsyncGenerator[Any, None]] | None = None

    def __repr__(self) -> str:
        state = "exhausted" if self._exhausted else ("running" if self._started else "new")
        return (
            f"<MergedPager {self._provider} {len(self._regions)} regions {state} "
            f"items={self._yielded} pages={self.pages_fetched}"
            f"{'' if self._limit is None else f' limit={self._limit}'}>"
        )

    # -- what a caller reads ----------------------------------------------------------------

    @property
    def items_yielded(self) -> int:
        return self._yielded

    @property
    def pages_fetched(self) -> int:
        return sum(child.pages_fetched for child in self._children if child is not None)

    @property
    def duplicates_dropped(self) -> int:
        return sum(child.duplicates_dropped for child in self._children if child is not None)

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions this listing covers, in the order ties are broken."""
        return self._regions

    @property
    def resume_token(self) -> str | None:
        if self._exhausted or all(position is _DONE for position in self._positions):
            return None
        cursor = merged_cursor(self._regions, self._positions)
        return encode_resume_token(self._provider, cursor, 0)

    # -- iteration ---------------------------------------------------------------------------

    def _begin(self, generator: AsyncGenerator[Any, None]) -> AsyncGenerator[Any, None]:
        if self._started:
            raise RuntimeError("a Pager is iterated once; call svc.list(...) again for a new one")
        self._started = True
        self._generator_ref = weakref.ref(generator)
        return generator

    def __aiter__(self) -> AsyncGenerator[Conference, None]:
        return self._begin(self._iter_items())

    def pages(self) -> AsyncGenerator[Page, None]:
        """Iterate in pages of up to the listing's page size, each with its resume token."""
        return self._begin(self._iter_pages())

    async def aclose(self) -> None:
        generator = None if self._generator_ref is None else self._generator_ref()
        if generator is not None:
            try:
                await generator.aclose()
                return
            except RuntimeError:  # being iterated, or closed, right now by another task
                pass
        await self._close_children()

    async def _close_children(self) -> None:
        for child in self._children:
            if child is not None:
                await child.aclose()

    async def _iter_pages(self) -> AsyncGenerator[Page, None]:
        batch: list[Conference] = []
        token: str | None = None
        async with aclosing(self._iter_items()) as items:
            async for item in items:
                if len(batch) == self._page_size:
                    # Only now, one item further, is it known that this was not the last page.
                    yield Page(items=tuple(batch), resume_token=token)
                    batch = []
                batch.append(item)
                token = self.resume_token  # after this item, before the next one is pulled
        if batch:
            yield Page(items=tuple(batch), resume_token=self.resume_token)

    async def _iter_items(self) -> AsyncGenerator[Conference, None]:
        children = [
            (index, aiter(child)) for index, child in enumerate(self._children) if child is not None
        ]
        key = self._key
        try:
            heads = await self._first_heads(children)
            heap: list[tuple[Any, int, Conference, Position]] = []
            iterators = dict(children)
            for index, head in heads:
                if head is None:
                    self._positions[index] = _DONE
                else:
                    heapq.heappush(heap, (key(head[0]), index, head[0], head[1]))
            while heap:
                if self._limit is not None and self._yielded >= self._limit:
                    return
                _, index, item, position = heapq.heappop(heap)
                # The caller may read resume_token inside its loop body: update first.
                self._positions[index] = position
                self._yielded += 1
                yield item
                following = await self._pull(index, iterators[index])
                if following is None:
                    self._positions[index] = _DONE
                else:
                    heapq.heappush(heap, (key(following[0]), index, *following))
            self._exhausted = True
        finally:
            await self._close_children()

    async def _first_heads(
        self, children: Sequence[tuple[int, AsyncIterator[Conference]]]
    ) -> list[tuple[int, tuple[Conference, Position] | None]]:
        """Every region's first item, their first pages requested all at once."""
        tasks = [
            asyncio.create_task(
                self._pull(index, iterator),
                name=f"confclient first page {self._provider}:{self._regions[index]}",
            )
            for index, iterator in children
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            unfinished = [task for task in tasks if not task.done()]
            if unfinished:
                await cancel_and_wait(unfinished)
        # Every failure is retrieved (none is left to be logged); the first in region
        # order, not in arrival order, is raised.
        errors = [task.exception() for task in tasks if not task.cancelled()]
        for error in errors:
            if error is not None:
                raise error
        return [(index, task.result()) for (index, _), task in zip(children, tasks, strict=True)]

    async def _pull(
        self, index: int, iterator: AsyncIterator[Conference]
    ) -> tuple[Conference, Position] | None:
        """The next item of region ``index`` with the position right after it, or ``None``."""
        child = self._children[index]
        assert child is not None
        try:
            item = await anext(iterator)
        except StopAsyncIteration:
            return None
        except Exception as exc:
            exc.add_note(f"while listing {self._provider}:{self._regions[index]}")
            raise
        position = child._position()
        assert position is not None
        return item, position
