"""What the ``confclient`` command prints: records, streaming writers, the table, the progress line.

Writers take conferences in batches and flush after each one, so a listing's rows appear as
its pages arrive. The table is laid out once, from the width of the terminal (or without a
limit when stdout is not one), so each batch can be printed as it comes and the columns
still line up.
"""

from __future__ import annotations

import asyncio
import csv
import errno
import json
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, Protocol, TextIO

import attrs
from rich.console import Console
from rich.control import Control
from rich.segment import ControlType
from rich.spinner import Spinner
from rich.text import Text

from .model import Conference, ConferenceStatus

__all__ = [
    "FIELDS",
    "FORMATS",
    "CsvWriter",
    "JsonWriter",
    "NdjsonWriter",
    "OutputConsole",
    "ProgressLine",
    "TableLayout",
    "TableWriter",
    "Writer",
    "conference_record",
    "format_datetime",
    "make_writer",
    "plan_table",
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

GAP: Final = "  "
STATUS_STYLES: Final[Mapping[str, str]] = {
    ConferenceStatus.IN_PROGRESS.value: "bold green",
    ConferenceStatus.NOT_STARTED.value: "yellow",
    ConferenceStatus.SUMMARY_TIMEOUT.value: "magenta",
    ConferenceStatus.UNKNOWN.value: "red",
}


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


def _dumps(data: Any, *, indent: int | None = None) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent)


class Writer(Protocol):
    """Prints conferences as they come; :meth:`write` flushes, :meth:`close` ends the output."""

    def write(self, items: Sequence[Conference]) -> None: ...

    def close(self) -> None: ...


class NdjsonWriter:
    """One JSON object per line."""

    def __init__(self, stream: TextIO, *, raw: bool = False) -> None:
        self._stream = stream
        self._raw = raw

    def write(self, items: Sequence[Conference]) -> None:
        self._stream.write(
            "".join(_dumps(conference_record(c, raw=self._raw)) + "\n" for c in items)
        )
        self._stream.flush()

    def close(self) -> None:
        self._stream.flush()


class JsonWriter:
    """A JSON array, written element by element (one object per line) as items arrive."""

    def __init__(self, stream: TextIO, *, raw: bool = False) -> None:
        self._stream = stream
        self._raw = raw
        self._count = 0

    def write(self, items: Sequence[Conference]) -> None:
        if not items:
            return
        parts = []
        for conf in items:
            lead = "[\n  " if self._count == 0 else ",\n  "
            parts.append(lead + _dumps(conference_record(conf, raw=self._raw)))
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
    """A header line, then one line per conference (tags joined with ``;``)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._csv = csv.writer(stream, lineterminator="\n")
        self._header = False

    def _ensure_header(self) -> None:
        if not self._header:
            self._csv.writerow(FIELDS)
            self._header = True

    def write(self, items: Sequence[Conference]) -> None:
        self._ensure_header()
        for conf in items:
            record = conference_record(conf)
            self._csv.writerow([_csv_cell(record[f]) for f in FIELDS])
        self._stream.flush()

    def close(self) -> None:
        self._ensure_header()
        self._stream.flush()


# -- the table ------------------------------------------------------------------------------


def _when(value: datetime | None, compact: bool) -> str:
    if value is None:
        return "-"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M" if compact else "%Y-%m-%d %H:%M:%S")


def _region(conf: Conference) -> str:
    return conf.data_region or conf.region or "-"


def _ended(conf: Conference, compact: bool) -> str:
    return _when(conf.ended_at if conf.ended_at is not None else conf.expires_at, compact)


@attrs.frozen
class _Column:
    header: str
    width: int
    cell: Callable[[Conference], str]
    style: Callable[[Conference], str] = lambda _conf: ""
    truncate: bool = False


@attrs.frozen
class TableLayout:
    """Columns chosen for a width; ``stacked`` puts each name on a second line."""

    columns: tuple[_Column, ...]
    stacked: bool
    show_provider: bool

    @property
    def width(self) -> int:
        return sum(c.width for c in self.columns) + len(GAP) * (len(self.columns) - 1)


#: Wide enough for every neutral status ("summary_timeout").
STATUS_WIDTH: Final = max(len(s.value) for s in ConferenceStatus)


def plan_table(
    width: int | None,
    *,
    show_provider: bool,
    region_width: int,
    id_width: int,
    status_width: int,
) -> TableLayout:
    """The widest layout that fits ``width`` columns (``None``: no limit).

    In order: every column; without ended/expires, with minute-precision times; and the
    stacked form (id, region, status, created, the name on a line of its own), which fits
    80 columns with Telnyx's 36-character ids and "Middle East". The status column is wide
    enough for every status when that fits, else for ``status_width`` (the statuses seen so
    far); a longer one is then cut short rather than wrapping the line.
    """
    provider = _Column("provider", 8, lambda c: c.provider)
    region = _Column("region", max(6, region_width), _region)
    ident = _Column("id", max(2, id_width), lambda c: c.id, lambda _c: "cyan")

    def status(size: int) -> _Column:
        return _Column(
            "status",
            max(6, size),
            lambda c: c.status.value,
            lambda c: STATUS_STYLES.get(c.status.value, ""),
        )

    def name(size: int) -> _Column:
        return _Column("name", size, lambda c: c.name or "-", truncate=True)

    def times(compact: bool) -> tuple[_Column, _Column]:
        size = 16 if compact else 19
        created = _Column("created", size, lambda c: _when(c.created_at, compact))
        ended = _Column("ended/expires", size, lambda c: _ended(c, compact))
        return created, ended

    lead = (provider,) if show_provider else ()
    if width is None:
        created, ended = times(compact=False)
        columns = (*lead, region, ident, name(32), status(STATUS_WIDTH), created, ended)
        return TableLayout(columns, stacked=False, show_provider=show_provider)
    sizes = sorted({STATUS_WIDTH, min(STATUS_WIDTH, status_width)}, reverse=True)
    for compact, with_ended, least in ((False, True, 20), (True, False, 16)):
        created, ended = times(compact)
        for size in sizes:
            rest = (status(size), created, ended) if with_ended else (status(size), created)
            trial = TableLayout((*lead, region, ident, name(least), *rest), False, show_provider)
            if trial.width <= width:
                room = min(48, least + width - trial.width)
                columns = (*lead, region, ident, name(room), *rest)
                return TableLayout(columns, stacked=False, show_provider=show_provider)
    created, _ = times(compact=True)
    for size in sizes:
        layout = TableLayout((ident, region, status(size), created), True, show_provider)
        if layout.width <= width:
            break
    return layout


def _line(
    cells: Sequence[tuple[str, _Column]], styles: Sequence[str] = (), *, fit: bool = False
) -> Text:
    """One table line; with ``fit``, a value longer than its column is cut short (with an
    ellipsis) so the line never wraps."""
    line = Text()
    for index, (value, column) in enumerate(cells):
        if index:
            line.append(GAP)
        cell = Text(value, style=styles[index] if index < len(styles) else "")
        if column.truncate or (fit and cell.cell_len > column.width):
            cell.truncate(column.width, overflow="ellipsis", pad=True)
        elif cell.cell_len < column.width:
            cell.pad_right(column.width - cell.cell_len)
        line.append_text(cell)
    line.rstrip()
    return line


class TableWriter:
    """A table printed batch by batch; the header comes with the first batch."""

    def __init__(
        self,
        console: Console,
        *,
        providers: Sequence[str],
        regions: Sequence[str],
        width: int | None,
    ) -> None:
        self._console = console
        self._show_provider = len(set(providers)) > 1
        self._region_width = max((len(r) for r in regions), default=6)
        self._width = width
        self._layout: TableLayout | None = None
        self.rows = 0

    @property
    def layout(self) -> TableLayout | None:
        return self._layout

    def _plan(self, items: Sequence[Conference]) -> TableLayout:
        layout = plan_table(
            self._width,
            show_provider=self._show_provider,
            region_width=max([self._region_width, *(len(_region(c)) for c in items)]),
            id_width=max(len(c.id) for c in items),
            status_width=max(11, *(len(c.status.value) for c in items)),
        )
        header = Text(style="bold")
        heads = [
            ("id / name" if layout.stacked and c.header == "id" else c.header, c)
            for c in layout.columns
        ]
        header.append_text(_line(heads))
        self._print(header)
        rule = _line([("-" * c.width, c) for c in layout.columns])
        rule.stylize("dim")
        self._print(rule)
        return layout

    def _print(self, text: Text) -> None:
        self._console.print(text, soft_wrap=True, highlight=False)

    def write(self, items: Sequence[Conference]) -> None:
        if not items:
            return
        if self._layout is None:
            self._layout = self._plan(items)
        layout = self._layout
        lines: list[Text] = []
        for conf in items:
            lines.append(
                _line(
                    [(column.cell(conf), column) for column in layout.columns],
                    [column.style(conf) for column in layout.columns],
                    fit=self._width is not None,
                )
            )
            if layout.stacked:
                second = Text("  ")
                if layout.show_provider:
                    second.append(conf.provider + "  ", style="dim")
                second.append(conf.name or "-")
                if self._width is not None:
                    second.truncate(self._width, overflow="ellipsis")
                lines.append(second)
        # One print per batch: rich's per-call overhead dominates a print per row.
        self._print(Text("\n").join(lines))
        self.rows += len(items)
        self._console.file.flush()

    def close(self) -> None:
        self._console.file.flush()


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


# -- the progress line ----------------------------------------------------------------------


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


class ProgressLine:
    """A one-line status on stderr (records, pages, rate), redrawn in place.

    Used only when stderr is a terminal; rows always go to stdout and the line always to
    stderr. When stdout is another destination (a file, a pipe) the line stays at the
    bottom of the terminal, refreshed ten times a second. When stdout is that terminal too,
    the rows scrolling by are the progress: the line is shown only while no row has been
    printed for a moment (a slow page), and erased before the next rows, so the two never
    mix and the line does not flicker between batches.
    """

    REFRESH: Final = 0.1
    IDLE: Final = 0.3

    def __init__(
        self,
        console: Console,
        counts: Callable[[], tuple[int, int]],
        *,
        shares_screen: bool,
        label: str = "records",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._console = console
        self._counts = counts
        self._clock = clock
        self._shares_screen = shares_screen
        self._label = label
        self._spinner = Spinner("dots", style="cyan")
        self._started = clock()
        self._last_output = self._started
        self._shown = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._started = self._last_output = self._clock()
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def _tick(self) -> None:
        while True:
            if not self._shares_screen or self._clock() - self._last_output >= self.IDLE:
                self.draw()
            await asyncio.sleep(self.REFRESH)

    def text(self) -> Text:
        records, pages = self._counts()
        elapsed = self._clock() - self._started
        rate = records / elapsed if elapsed >= self.REFRESH else 0.0
        line = Text()
        frame = self._spinner.render(self._clock())
        if isinstance(frame, Text):
            line.append_text(frame)
            line.append(" ")
        line.append(f"{records:,} {self._label}", style="bold")
        line.append(f" · {_count(pages, 'page')} · {rate:,.0f} {self._label}/s · {elapsed:.1f} s")
        return line

    def _erase(self) -> None:
        self._console.control(Control.move_to_column(0), Control((ControlType.ERASE_IN_LINE, 2)))

    def draw(self) -> None:
        text = self.text()
        text.truncate(max(10, self._console.width - 1), overflow="ellipsis")
        self._erase()
        self._console.print(text, end="", soft_wrap=True, highlight=False)
        self._console.file.flush()
        self._shown = True

    def before_output(self) -> None:
        """Call before printing rows to stdout (erases the line if it shares the screen)."""
        if self._shown and self._shares_screen:
            self._erase()
            self._console.file.flush()
            self._shown = False

    def after_output(self) -> None:
        """Call after printing rows."""
        self._last_output = self._clock()

    def stop(self, summary: str | None) -> None:
        """Remove the line; print ``summary`` on stderr in its place."""
        if self._task is not None:
            # Not awaited: it only sleeps and draws, and the caller may itself be cancelled.
            self._task.cancel()
            self._task = None
        if self._shown:
            self._erase()
            self._shown = False
        if summary:
            self._console.print(summary, highlight=False, soft_wrap=True)
        self._console.file.flush()
