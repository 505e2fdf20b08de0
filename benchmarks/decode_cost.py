"""Per-record decoding cost, part by part (run by hand; no network, no sandbox server).

    python benchmarks/decode_cost.py

Decodes one data region of sandbox records per provider (JSON parsed beforehand, the
collector off so that its share does not land on whichever part it interrupts) and prints
nanoseconds per record, best of 7: a whole page through ``CONFERENCES.decode``, the fast path
alone, and the parts it is made of or avoids. To compare with an older checkout, run this file
with that checkout first on ``PYTHONPATH`` (``PYTHONPATH=old:old/adapters``); a part the older
code lacks is skipped.
"""

from __future__ import annotations

import gc
import timeit
from datetime import datetime
from typing import Any

import attrs
import orjson

from confclient import Conference
from confclient.sandbox import Sandbox

RECORDS = 4_000


def _best_ns(stmt: str, records: list[Any], **names: Any) -> float:
    names["records"] = records
    best = min(timeit.repeat(stmt, globals=names, number=3, repeat=7))
    return best / 3 / len(records) * 1e9


def _freeze() -> Any:
    try:
        from confclient._frozen import freeze
    except ImportError:  # older checkouts kept it in the model
        from confclient.model import freeze  # type: ignore[attr-defined,no-redef]
    return freeze


def main() -> None:
    import confclient_telnyx.records as telnyx
    import confclient_twilio.records as twilio

    sandbox = Sandbox(seed=0, size=RECORDS)
    cases = [
        (
            "telnyx",
            telnyx,
            sandbox.telnyx_records("US"),
            ("created_at", "expires_at", "updated_at"),
        ),
        (
            "twilio",
            twilio,
            sandbox.twilio_records("us1"),
            ("create_time", "start_time", "end_time"),
        ),
    ]
    keywords = {
        f.name: None for f in attrs.fields(Conference) if f.name not in ("provider", "id", "raw")
    }
    gc.disable()
    print(f"ns per record, {RECORDS:,} records, collector off, best of 7")
    for name, module, native, stamps in cases:
        records = [orjson.loads(orjson.dumps(record)) for record in native]
        rows = [
            (
                "a page through CONFERENCES.decode",
                "decode(records, 'data')",
                {"decode": module.CONFERENCES.decode},
            ),
            (
                "the fast path, record by record",
                "for r in records: fast(r, None)",
                {"fast": module._decode_fast},
            ),
            (
                "deep copy of raw into read-only containers",
                "for r in records: freeze(r)",
                {"freeze": _freeze()},
            ),
            (
                f"Conference(...) with {len(keywords) + 3} keywords (validating)",
                "for r in records: C(provider='p', id='i', raw={}, **kw)",
                {"C": Conference, "kw": keywords},
            ),
            (
                "timestamps: datetime.fromisoformat x3",
                "for r in records:\n for k in keys:\n  v = r.get(k)\n  v and parse(v)",
                {"parse": datetime.fromisoformat, "keys": stamps},
            ),
        ]
        build = getattr(module, "_build", None)
        if build is not None:
            width = len(module._BUILT_FIELDS)
            rows.insert(
                3,
                (
                    f"trusted_builder, {width} positional arguments",
                    "for r in records: build(*args)",
                    {"build": build, "args": ("x",) * (width - 1) + ({},)},
                ),
            )
        print(name)
        for label, stmt, names in rows:
            print(f"  {label:54} {_best_ns(stmt, records, **names):7,.0f}")


if __name__ == "__main__":
    main()
