"""How the page guard reads a page's record ids without decoding the records: pure."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["json_record_ids", "typed_record_ids"]


@functools.cache  # one reader per id key, not one per page
def json_record_ids(id_key: str) -> Callable[[Sequence[Any]], tuple[object, ...]]:
    """A page's record ids as the page guard compares them, read without decoding. An id
    that is missing or not a string stands for itself alone (a fresh object): its record
    is never taken for a repeat, and fails to decode when its turn comes."""
    get_id = operator.itemgetter(id_key)

    def record_ids(records: Sequence[Any]) -> tuple[object, ...]:
        try:
            ids = tuple(map(get_id, records))
        except (KeyError, TypeError, IndexError):
            ids = tuple(r.get(id_key) if type(r) is dict else None for r in records)
        try:
            "".join(ids)  # every id a string (join takes nothing else): checked in C, 5x faster
        except TypeError:
            return tuple(id_ if isinstance(id_, str) else object() for id_ in ids)
        return ids

    return record_ids


@functools.cache
def typed_record_ids(id_key: str) -> Callable[[Sequence[Any]], tuple[object, ...]]:
    """A typed page's record ids (strings: msgspec checked them)."""
    get_id = operator.attrgetter(id_key)

    def record_ids(records: Sequence[Any]) -> tuple[object, ...]:
        return tuple(map(get_id, records))

    return record_ids
