"""A page as an adapter's page parser makes it: pure (no I/O, no asyncio).

:class:`RawPage` is what a parser returns and the pager consumes; :class:`DeferredItems`
carries a page's records undecoded, so that the pager can ask for the following pages before
this one is decoded, and can decode it one record at a time as it hands the records out.
Both are generic in the kind of item (conferences, participants).
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
    """A page's items, decoded when used.

    An adapter that can read a page's paging information before decoding its records hands
    the pager ``DeferredItems(records, decode)``: the pager asks for the following pages
    first and decodes this one while they are on the network. ``len()`` is the number of
    records, known without decoding; ``decode(records)`` runs once, and a
    :class:`DecodeError` it raises comes out of the listing as it would from ``fetch_page``.

    With ``decode_one(record, index)`` and ``record_ids(records)`` as well (what
    :meth:`RecordCodec.deferred <confclient.decoding.RecordCodec.deferred>` builds), the pager
    reads the records' ids for its checks without decoding, and decodes each record just
    before handing it out: through ``fast(record, context)`` first when given (the common
    case, called from the pager's loop without a wrapper in between: it runs once per item
    of every listing), ``decode_one`` when that declines (``None``). Each item then lives
    only as long as the consumer keeps it: a consumer that keeps nothing leaves the cyclic
    garbage collector a handful of young objects instead of a page of them (which it would
    walk, and promote to older generations, while they wait their turn). A record that is
    not as documented raises its :class:`DecodeError` when the listing reaches it, after the
    records before it.
    """

    __slots__ = ("_decode", "_items", "_records", "decode_one", "fast", "record_ids")

    def __init__(
        self,
        records: Sequence[Any],
        decode: Callable[[Sequence[Any]], Sequence[T]],
        *,
        decode_one: Callable[[Any, int], T] | None = None,
        record_ids: Callable[[Sequence[Any]], tuple[object, ...]] | None = None,
        fast: tuple[Callable[[Any, Any], T | None], Any] | None = None,
    ) -> None:
        self._records: Sequence[Any] | None = records
        self._decode = decode
        self._items: Sequence[T] | None = None
        self.decode_one = decode_one if record_ids is not None else None
        self.record_ids = record_ids
        self.fast: tuple[Callable[[Any, Any], T | None], Any] = fast or (_decline, None)

    @property
    def decoded(self) -> bool:
        """Whether the records have been decoded yet (all at once)."""
        return self._items is not None

    def one_by_one(
        self,
    ) -> tuple[Sequence[Any], Callable[[Any, int], T], Callable[[Any, Any], T | None], Any] | None:
        """``(records, decode_one, fast, context)`` while the records can still be decoded one
        at a time: record ``i`` is ``fast(records[i], context)``, or ``decode_one(records[i],
        i)`` when that is ``None``."""
        if self.decode_one is None or self._records is None:
            return None
        fast, context = self.fast
        return self._records, self.decode_one, fast, context

    def decode(self) -> Sequence[T]:
        """The decoded items (decoding them now, the first time)."""
        return self._decoded()

    def ids(self) -> tuple[object, ...]:
        """The records' ids, for the page guard: read from the records when the adapter
        said how, else from the decoded items."""
        record_ids, records = self.record_ids, self._records
        if record_ids is None or records is None:
            return tuple(item.id for item in self._decoded())  # type: ignore[attr-defined]
        return record_ids(records)

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
        decode_one, records = self.decode_one, self._records
        if decode_one is not None and records is not None and isinstance(index, int):
            if index < 0:
                index += len(records)
            if not 0 <= index < len(records):
                raise IndexError("DeferredItems index out of range")
            return decode_one(records[index], index)
        return self._decoded()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._decoded())

    def __repr__(self) -> str:
        state = "decoded" if self._items is not None else "not decoded"
        return f"<DeferredItems: {len(self)} items, {state}>"


def _decline(record: Any, context: Any) -> None:
    """The fast decoder of a page that has none: ``decode_one`` decodes every record."""


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
