"""A page as an adapter's page parser makes it: pure (no I/O, no asyncio).

:class:`RawPage` is what a parser returns and the pager consumes; :class:`DeferredItems`
carries a page's records undecoded, so that the pager can ask for the following pages before
this one is decoded. Both are generic in the kind of item (conferences, participants).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

import attrs

__all__ = ["Cursor", "DeferredItems", "RawPage"]

Cursor = Any
"""A JSON-serialisable value naming one page of one listing (adapter-defined)."""

T = TypeVar("T")


class DeferredItems(Sequence[T]):
    """A page's items, decoded when first used.

    An adapter that can read a page's paging information before decoding its records hands
    the pager ``DeferredItems(records, decode)``: the pager asks for the following pages
    first and decodes this one while they are on the network. ``len()`` is the number of
    records, known without decoding; ``decode(records)`` runs once, and a
    :class:`DecodeError` it raises comes out of the listing as it would from ``fetch_page``.
    """

    __slots__ = ("_decode", "_items", "_records")

    def __init__(
        self, records: Sequence[Any], decode: Callable[[Sequence[Any]], Sequence[T]]
    ) -> None:
        self._records: Sequence[Any] | None = records
        self._decode = decode
        self._items: Sequence[T] | None = None

    @property
    def decoded(self) -> bool:
        """Whether the records have been decoded yet."""
        return self._items is not None

    def decode(self) -> Sequence[T]:
        """The decoded items (decoding them now, the first time)."""
        return self._decoded()

    def _decoded(self) -> Sequence[T]:
        items = self._items
        if items is None:
            assert self._records is not None
            items = self._items = self._decode(self._records)
            self._records = None  # the undecoded records are not needed any more
        return items

    def __len__(self) -> int:
        if self._items is not None:
            return len(self._items)
        assert self._records is not None
        return len(self._records)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self._decoded()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._decoded())

    def __repr__(self) -> str:
        state = "decoded" if self._items is not None else "not decoded"
        return f"<DeferredItems: {len(self)} items, {state}>"


@attrs.frozen
class RawPage(Generic[T]):
    """One page as an adapter parsed it: items, and the cursor of the next page, if any.

    ``items`` may be :class:`DeferredItems`, decoded after the next pages are requested.
    """

    items: Sequence[T]
    next_cursor: Cursor | None
    number: int | None = None
    total_pages: int | None = None
    total_results: int | None = None
