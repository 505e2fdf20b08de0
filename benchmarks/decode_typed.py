"""What a page of Telnyx records costs to decode, by each path (run by hand; no network).

    pip install -e ".[speed]"      # msgspec (the bench and dev extras include it)
    python benchmarks/decode_typed.py

Decodes 40 sandbox pages of 250 Telnyx conferences (one region of 10,000) and prints
milliseconds of CPU per 10,000 records, median of 15, each page parsed from its bytes and
every record built, as a listing does:

* orjson to dicts only, keeping nothing (what the raw floor does);
* the JSON path: orjson, then the fast decoder record by record (without msgspec);
* the typed path as shipped (``TYPED_CONFERENCES``): msgspec parses and type-checks the
  page into structs, timestamps included, and the adapter builds each ``Conference``;
* for comparison, the typed path as it was before msgspec parsed the timestamps: structs
  holding them as strings, parsed by ``datetime.fromisoformat`` record by record.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

try:
    import msgspec
except ImportError:  # pragma: no cover - run by hand
    raise SystemExit('this needs msgspec: pip install -e ".[speed]"') from None

import confclient_telnyx.records as telnyx
from confclient._typed import PageBody, as_struct
from confclient.sandbox import Sandbox

RECORDS = 10_000
PAGE = 250


def _string_stamps_decoder() -> Any:
    record = as_struct(telnyx.TelnyxConference, "Strings", timestamps=str)
    page = msgspec.defstruct("StringsPage", [("data", list[record])], gc=False)  # type: ignore[valid-type]
    return msgspec.json.Decoder(page)


def _utc(text: str | None) -> datetime | None:
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is UTC else telnyx.as_utc(value)


def _conference_of_strings(record: Any) -> Any:
    status, end_reason = record.status, record.end_reason
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
        None,
    )


def main() -> None:
    records = Sandbox(seed=0, size=RECORDS).telnyx_records("US")
    pages = [
        orjson.dumps({"data": records[i : i + PAGE], "meta": {"total_pages": RECORDS // PAGE}})
        for i in range(0, RECORDS, PAGE)
    ]
    typed_loads = telnyx.TYPED_CONFERENCES.loads
    assert typed_loads is not None
    string_stamps = _string_stamps_decoder()
    fast, decode_typed = telnyx._decode_fast, telnyx.decode_typed

    def orjson_only() -> None:
        for body in pages:
            for record in orjson.loads(body)["data"]:
                hash(record["id"])

    def json_path() -> None:
        for body in pages:
            for record in orjson.loads(body)["data"]:
                hash(fast(record, "US").id)  # type: ignore[union-attr]

    def typed_path() -> None:
        for body in pages:
            typed = typed_loads(body)
            context = ("US", typed.page)
            for record in typed.records:
                hash(decode_typed(record, context).id)  # type: ignore[union-attr]

    def string_timestamps() -> None:
        for body in pages:
            for record in string_stamps.decode(body).data:
                hash(_conference_of_strings(record).id)

    cases: list[tuple[str, Callable[[], None]]] = [
        ("orjson to dicts only (the floor's work)", orjson_only),
        ("the JSON path: orjson + the fast decoder", json_path),
        ("the typed path (msgspec), as shipped", typed_path),
        ("typed, timestamps parsed by fromisoformat (before)", string_timestamps),
    ]
    print(f"ms of CPU per {RECORDS:,} Telnyx records ({len(pages)} pages), median of 15")
    for name, case in cases:
        times = []
        for _ in range(15):
            started = time.process_time()
            case()
            times.append(time.process_time() - started)
        print(f"  {name:<50} {statistics.median(times) * 1e3:6.1f}")
    assert isinstance(typed_loads(pages[0]).page, PageBody)


if __name__ == "__main__":
    main()
