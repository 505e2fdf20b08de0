"""What the ``confclient`` command prints: conferences as records, and the streaming writers.

Writers take conferences in batches and flush after each one, so a listing's rows appear as
its pages arrive (the table's layout is in ``_table``).
"""

from __future__ import annotations

import csv
import errno
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Final, Protocol, TextIO

from rich.console import Console
from rich.text import Text

from confclient.model import Conference

from ._table import GAP, STATUS_STYLES, TableWriter

__all__ = [
    "FIELDS",
    "FORMATS",
    "CsvWriter",
    "JsonWriter",
    "NdjsonWriter",
    "OutputConsole",
    "Writer",
    "conference_record",
    "format_datetime",
    "make_writer",
    "write_one",
]

FORMATS: Final = ("table", "json", "ndjson", "csv")

#: The fields of a record, in output order (``raw`` is added on request).
FIELDS: Final = (
    "provider",
    "id",
    "name",
    "status",
    "region",
    "data_region",
    "created_at",
    "started_at",
    "ended_at",
    "expires_at",
    "updated_at",
    "end_reason",
    "ended_by",
    "duration_seconds",
    "max_participants",
    "unique_participants",
    "max_concurrent_participants",
    "account_id",
    "connection_id",
    "tags",
)


def format_datetime(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with ``Z`` (``2026-10-17T14:23:52Z``), or ``None``."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def conference_record(conf: Conference, *, raw: bool = False) -> dict[str, Any]:
    """A conference as JSON-ready data: the neutral fields (and the provider's record)."""
    record: dict[str, Any] = {
        "provider": conf.provider,
        "id": conf.id,
        "name": conf.name,
        "status": conf.status.value,
        "region": conf.region,
        "data_region": conf.data_region,
        "created_at": format_datetime(conf.created_at),
        "started_at": format_datetime(conf.started_at),
        "ended_at": format_datetime(conf.ended_at),
        "expires_at": format_datetime(conf.expires_at),
        "updated_at": format_datetime(conf.updated_at),
        "end_reason": None if conf.end_reason is None else conf.end_reason.value,
        "ended_by": conf.ended_by,
        "duration_seconds": None if conf.duration is None else conf.duration.total_seconds(),
        "max_participants": conf.max_participants,
        "unique_participants": conf.unique_participants,
        "max_concurrent_participants": conf.max_concurrent_participants,
        "account_id": conf.account_id,
        "connection_id": conf.connection_id,
        "tags": list(conf.tags),
    }
    if raw:
        record["raw"] = conf.raw
    return record


#: A kind of item as JSON-ready data: ``record(item, raw=...)`` (conferences by default).
RecordOf = Callable[..., dict[str, Any]]


def _dumps(data: Any, *, indent: int | None = None) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent)


class Writer(Protocol):
    """Prints conferences as they come; :meth:`write` flushes, :meth:`close` ends the output."""

    def write(self, items: Sequence[Any]) -> None: ...

    def close(self) -> None: ...


class NdjsonWriter:
    """One JSON object per line."""

    def __init__(
        self, stream: TextIO, *, raw: bool = False, record: RecordOf = conference_record
    ) -> None:
        self._stream = stream
        self._raw = raw
        self._record = record

    def write(self, items: Sequence[Any]) -> None:
        self._stream.write("".join(_dumps(self._record(c, raw=self._raw)) + "\n" for c in items))
        self._stream.flush()

    def close(self) -> None:
        self._stream.flush()


class JsonWriter:
    """A JSON array, written element by element (one object per line) as items arrive."""

    def __init__(
        self, stream: TextIO, *, raw: bool = False, record: RecordOf = conference_record
    ) -> None:
        self._stream = stream
        self._raw = raw
        self._record = record
        self._count = 0

    def write(self, items: Sequence[Any]) -> None:
        if not items:
            return
        parts = []
        for conf in items:
            lead = "[\n  " if self._count == 0 else ",\n  "
            parts.append(lead + _dumps(self._record(conf, raw=self._raw)))
            self._count += 1
        self._stream.write("".join(parts))
        self._stream.flush()

    def close(self) -> None:
        self._stream.write("[]\n" if self._count == 0 else "\n]\n")
        self._stream.flush()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


class CsvWriter:
    """A header line, then one line per item (lists joined with ``;``)."""

    def __init__(
        self,
        stream: TextIO,
        *,
        record: RecordOf = conference_record,
        fields: Sequence[str] = FIELDS,
    ) -> None:
        self._stream = stream
        self._csv = csv.writer(stream, lineterminator="\n")
        self._header = False
        self._record = record
        self._fields = fields

    def _ensure_header(self) -> None:
        if not self._header:
            self._csv.writerow(self._fields)
            self._header = True

    def write(self, items: Sequence[Any]) -> None:
        self._ensure_header()
        for conf in items:
            record = self._record(conf)
            self._csv.writerow([_csv_cell(record[f]) for f in self._fields])
        self._stream.flush()

    def close(self) -> None:
        self._ensure_header()
        self._stream.flush()


class OutputConsole(Console):
    """A rich console that reports a closed pipe like any other write (``BrokenPipeError``)
    instead of exiting the process with status 1, so the command decides what it means."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


def make_writer(
    fmt: str,
    stream: TextIO,
    *,
    providers: Sequence[str],
    regions: Sequence[str],
    raw: bool = False,
) -> Writer:
    """The writer for ``--format``; the table is laid out for the terminal's width."""
    if fmt == "json":
        return JsonWriter(stream, raw=raw)
    if fmt == "ndjson":
        return NdjsonWriter(stream, raw=raw)
    if fmt == "csv":
        return CsvWriter(stream)
    console = OutputConsole(file=stream, highlight=False)
    width = console.width if console.is_terminal else None
    return TableWriter(console, providers=providers, regions=regions, width=width)


def write_one(fmt: str, stream: TextIO, conf: Conference, *, raw: bool = False) -> None:
    """One conference (``get``, ``create``): a field list for ``table``, else the format."""
    if fmt == "json":
        stream.write(_dumps(conference_record(conf, raw=raw), indent=2) + "\n")
    elif fmt in ("ndjson", "csv"):
        writer = make_writer(fmt, stream, providers=[conf.provider], regions=[], raw=raw)
        writer.write([conf])
        writer.close()
        return
    else:
        console = OutputConsole(file=stream, highlight=False)
        record = conference_record(conf)
        shown = {k: v for k, v in record.items() if v not in (None, [], "")}
        width = max(len(k) for k in shown)
        for key, value in shown.items():
            text = Text(key.ljust(width) + GAP, style="bold")
            shown_value = ", ".join(value) if isinstance(value, list) else str(value)
            style = STATUS_STYLES.get(shown_value, "") if key == "status" else ""
            text.append(shown_value, style=style)
            console.print(text, soft_wrap=True, highlight=False)
    stream.flush()
