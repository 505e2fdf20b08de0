"""Exploratory (run by hand, not part of the suite or of ``python -m benchmarks``): how fast
Telnyx pages would decode with msgspec doing the JSON, the types and the timestamps in C, as
the next step for issue 14's Telnyx target (README, "Where the 0 ms cases stand").

    pip install msgspec        # not a dependency of confclient
    python benchmarks/decode_msgspec.py

Decodes 40 sandbox pages of 250 Telnyx conferences (one region of 10,000) five ways and
prints milliseconds of CPU per 10,000 records, median of 15: orjson to dicts only (what the
raw floor does); orjson plus confclient's decoding today (record by record, as the pager
does); msgspec straight into typed structs (made from the adapter's own attrs record classes,
so the same fields, types and defaults, untracked by the cyclic collector) plus building each
``Conference`` with the same generated constructor; msgspec into the adapter's attrs records
themselves; and msgspec splitting each page into raw records first (``raw`` would then be
parsed only when read), then decoding each. Only the common case is modelled: a record
msgspec refuses would go to today's path, which names the field.
"""

from __future__ import annotations

import functools
import operator
import statistics
import time
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs
import orjson

try:
    import msgspec
except ImportError:  # pragma: no cover - run by hand
    raise SystemExit("this exploration needs msgspec: pip install msgspec") from None

import confclient_telnyx.records as telnyx
from confclient.sandbox import Sandbox

RECORDS = 10_000
PAGE = 250


def _struct_of(cls: type) -> Any:
    """A msgspec Struct with the fields, types and defaults of attrs class ``cls`` (nested
    attrs classes too), untracked by the cyclic collector (``gc=False``)."""
    attrs.resolve_types(cls)

    def convert(kind: Any) -> Any:
        if attrs.has(kind):
            return _struct_of(kind)
        arguments = typing.get_args(kind)
        if arguments:
            return functools.reduce(operator.or_, (convert(a) for a in arguments))
        return kind

    fields = [
        (f.name, convert(f.type))
        if f.default is attrs.NOTHING
        else (f.name, convert(f.type), f.default)
        for f in attrs.fields(cls)
    ]
    return msgspec.defstruct(cls.__name__, fields, gc=False)


Record = _struct_of(telnyx.TelnyxConference)


class TypedPage(msgspec.Struct, gc=False):
    data: list[Record]  # type: ignore[valid-type]


class AttrsPage(msgspec.Struct, gc=False):
    data: list[telnyx.TelnyxConference]  # msgspec builds the adapter's attrs records directly


class RawPage(msgspec.Struct, gc=False):
    data: list[msgspec.Raw]


def _utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is UTC:
        return value
    return telnyx.as_utc(value)


def _conference(record: Any, raw: object) -> object:
    status = record.status
    end_reason = record.end_reason
    return telnyx._build(
        record.id,
        record.name,
        telnyx._UNKNOWN_STATUS
        if status is None
        else telnyx.STATUS_MAP.get(status, telnyx._UNKNOWN_STATUS),
        record.region,
        _utc(record.created_at),
        _utc(record.expires_at),
        _utc(record.updated_at),
        None if end_reason is None else telnyx.END_REASON_MAP.get(end_reason, telnyx._UNKNOWN_END),
        None if record.ended_by is None else record.ended_by.call_control_id,
        record.connection_id,
        "US",
        raw,
    )


def main() -> None:
    records = Sandbox(seed=0, size=RECORDS).telnyx_records("US")
    pages = [
        orjson.dumps({"data": records[i : i + PAGE], "meta": {"total_pages": RECORDS // PAGE}})
        for i in range(0, RECORDS, PAGE)
    ]
    typed = msgspec.json.Decoder(TypedPage)
    split = msgspec.json.Decoder(RawPage)
    one = msgspec.json.Decoder(Record)
    into_attrs = msgspec.json.Decoder(AttrsPage)
    fast = telnyx._decode_fast

    def orjson_only() -> None:
        for body in pages:
            for record in orjson.loads(body)["data"]:
                hash(record["id"])

    def orjson_and_confclient() -> None:
        for body in pages:
            for record in orjson.loads(body)["data"]:
                hash(fast(record, "US").id)  # type: ignore[union-attr]

    def msgspec_typed() -> None:
        for body in pages:
            for record in typed.decode(body).data:
                hash(_conference(record, None).id)  # type: ignore[attr-defined]

    def msgspec_attrs() -> None:
        for body in pages:
            for record in into_attrs.decode(body).data:
                hash(_conference(record, None).id)  # type: ignore[attr-defined]

    def msgspec_split() -> None:
        for body in pages:
            for raw in split.decode(body).data:
                hash(_conference(one.decode(raw), raw).id)  # type: ignore[attr-defined]

    cases: list[tuple[str, Callable[[], None]]] = [
        ("orjson to dicts only (the floor's work)", orjson_only),
        ("orjson + confclient's decoding today", orjson_and_confclient),
        ("msgspec typed pages + Conference", msgspec_typed),
        ("msgspec into the adapter's attrs records + Conference", msgspec_attrs),
        ("msgspec raw records, each typed + Conference", msgspec_split),
    ]
    print(f"ms of CPU per {RECORDS:,} Telnyx records ({len(pages)} pages), median of 15")
    for name, case in cases:
        times = []
        for _ in range(15):
            started = time.process_time()
            case()
            times.append(time.process_time() - started)
        print(f"  {name:<54} {statistics.median(times) * 1e3:6.1f}")


if __name__ == "__main__":
    main()
