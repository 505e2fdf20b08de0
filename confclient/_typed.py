"""List pages decoded straight into typed records by msgspec, when it is installed (the
``speed`` extra): pure (no I/O, no asyncio).

Parsing a page into dicts and then checking every field in Python is most of a 0 ms
listing's CPU; msgspec parses the JSON and checks the types in one pass in C, into records
the cyclic collector does not track. :class:`TypedPages` gives the transport a body decoder
(``loads``): a list page whose every record has the documented JSON types comes back as a
:class:`TypedBody`; anything else (an error body, a record with a wrong type, a page that
is not JSON) comes back exactly as :func:`confclient._json.loads` returns it (or raises), so
today's path, with its :class:`~confclient.errors.DecodeError` naming the field, handles it.

The records are structs made from the adapter's own attrs record class (same fields, same
defaults, timestamps parsed by msgspec in C). msgspec reads a timestamp as RFC 3339 does;
where ``datetime.fromisoformat`` would read one that msgspec accepts differently (a
lowercase ``z``, more than six fractional digits), the other paths follow msgspec
(:func:`confclient._strict.parse_timestamp`), and a timestamp msgspec refuses sends its
page the JSON way: both paths accept and build exactly the same things. ``raw`` is not
parsed with the page: the pair ``(page, record)`` stands for it, parsed (from the page's own
bytes, once per page) when it is first read.
"""

from __future__ import annotations

import functools
import operator
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from . import _json

try:
    import msgspec
except ImportError:  # the speed extra is not installed: every page goes today's way
    msgspec = None  # type: ignore[assignment]

__all__ = ["AVAILABLE", "PageBody", "TypedBody", "TypedPages", "as_struct"]

AVAILABLE = msgspec is not None
"""Whether msgspec is installed (``pip install "confclient[speed]"``)."""


class PageBody:
    """A typed page's bytes, parsed into dicts the first time a record's ``raw`` is read."""

    __slots__ = ("_dicts", "_positions", "body", "key", "records")

    def __init__(self, body: bytes | bytearray, key: str, records: Sequence[Any]) -> None:
        self.body = body
        self.key = key
        self.records = records
        self._dicts: list[Any] | None = None
        self._positions: dict[int, int] | None = None

    def dicts(self) -> list[Any]:
        """The page's records as JSON objects (what today's path would have decoded)."""
        if self._dicts is None:
            self._dicts = _json.loads(self.body)[self.key]
        return self._dicts

    def dict_of(self, record: object) -> Any:
        """The JSON object ``record`` (one of :attr:`records`) was decoded from."""
        if self._positions is None:
            self._positions = {id(r): i for i, r in enumerate(self.records)}
        return self.dicts()[self._positions[id(record)]]


@attrs.frozen
class TypedBody:
    """A list page decoded by msgspec: its typed records, its meta (a dict, or ``None``)
    and its bytes."""

    records: list[Any]
    meta: dict[str, Any] | None
    page: PageBody


def as_struct(
    cls: type,
    name: str,
    *,
    timestamps: type = datetime,
    renames: Mapping[str, str] | None = None,
) -> Any:
    """A msgspec Struct with attrs class ``cls``'s fields and defaults, nested attrs classes
    as structs, untracked by the cyclic collector; timestamps as ``timestamps`` (``str``:
    left to the adapter to parse); ``renames``: the JSON key of a field whose name differs
    (``{"from_": "from"}``)."""
    attrs.resolve_types(cls)

    def convert(kind: Any) -> Any:
        if kind is datetime:
            return timestamps
        if attrs.has(kind):
            return as_struct(kind, f"{name}_{kind.__name__}", timestamps=timestamps)
        arguments = typing.get_args(kind)
        if arguments and typing.get_origin(kind) in (typing.Union, type(int | None)):
            return functools.reduce(operator.or_, [convert(a) for a in arguments])
        if arguments:
            converted = tuple(convert(a) for a in arguments)
            origin = typing.get_origin(kind)
            return origin[converted[0]] if len(converted) == 1 else origin[converted]
        return kind

    renames = renames or {}
    fields = []
    for field in attrs.fields(cls):
        default = msgspec.NODEFAULT if field.default is attrs.NOTHING else field.default
        spec = msgspec.field(default=default, name=renames.get(field.name))
        fields.append((field.name, convert(field.type), spec))
    return msgspec.defstruct(name, fields, gc=False)


class TypedPages:
    """The typed decoding of one kind of list page: records under ``key`` (of attrs class
    ``record``), paging information under ``meta_key`` (attrs class ``meta``, optional).

    ``renames`` as :func:`as_struct` takes them. :attr:`loads` is ``None`` when msgspec
    is not installed (the transport then parses as always). :attr:`enabled` switches it
    off at run time (tests run both ways)."""

    def __init__(
        self,
        record: type,
        key: str,
        meta: type,
        meta_key: str = "meta",
        *,
        renames: Mapping[str, str] | None = None,
    ) -> None:
        self.key = key
        self.enabled = AVAILABLE
        self._decoder: Any = None
        if msgspec is not None:
            prefix = f"Typed{record.__name__}"
            page = msgspec.defstruct(
                f"{prefix}Page",
                [
                    (key, list[as_struct(record, prefix, renames=renames)]),  # type: ignore[misc]
                    (meta_key, as_struct(meta, f"{prefix}Meta") | None, None),
                ],
                gc=False,
            )
            self._decoder = msgspec.json.Decoder(page)
            self._meta_key = meta_key

    @property
    def loads(self) -> Callable[[bytes | bytearray], Any] | None:
        """The transport's body decoder for these pages, or ``None`` (parse as always)."""
        return self._loads if self.enabled and self._decoder is not None else None

    def _loads(self, body: bytes | bytearray) -> Any:
        try:
            page = self._decoder.decode(body)
        except (msgspec.MsgspecError, RecursionError):
            # Not as documented, not JSON, or nested deeper than msgspec goes (orjson takes
            # 1,024 levels): the JSON decoder and today's path decide.
            return _json.loads(body)
        records = getattr(page, self.key)
        meta = getattr(page, self._meta_key)
        return TypedBody(
            records,
            None if meta is None else msgspec.structs.asdict(meta),
            PageBody(body, self.key, records),
        )
