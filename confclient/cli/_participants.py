"""``confclient participants CONFERENCE``: the participants of one conference, printed as
pages arrive (as ``list`` prints conferences), in a table, JSON, NDJSON or CSV."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any, Final, TextIO

import click
from rich.text import Text

from confclient.config import ResolvedConfig
from confclient.model import Participant, ParticipantStatus

from ._connection import ConnectionOptions, connect, connection_options
from ._errors import errors_to_exit_codes
from ._list import stream_out
from ._options import check_raw, format_option, raw_option, run_async
from ._table import GAP
from ._writers import (
    CsvWriter,
    JsonWriter,
    NdjsonWriter,
    OutputConsole,
    Writer,
    format_datetime,
)

__all__ = ["PARTICIPANT_FIELDS", "participant_record", "participants_command"]

#: The fields of a participant record, in output order (``raw`` is added on request).
PARTICIPANT_FIELDS: Final = (
    "provider",
    "id",
    "conference_id",
    "call_id",
    "label",
    "status",
    "muted",
    "on_hold",
    "coaching",
    "end_conference_on_exit",
    "direction",
    "caller",
    "called",
    "joined_at",
    "left_at",
    "updated_at",
    "duration_seconds",
    "region",
    "data_region",
    "account_id",
)
_STYLES: Final = {
    ParticipantStatus.JOINED.value: "bold green",
    ParticipantStatus.JOINING.value: "yellow",
    ParticipantStatus.FAILED.value: "red",
    ParticipantStatus.UNKNOWN.value: "magenta",
}


def participant_record(p: Participant, *, raw: bool = False) -> dict[str, Any]:
    """A participant as JSON-ready data: the neutral fields (and the provider's record)."""
    record: dict[str, Any] = {
        "provider": p.provider,
        "id": p.id,
        "conference_id": p.conference_id,
        "call_id": p.call_id,
        "label": p.label,
        "status": p.status.value,
        "muted": p.muted,
        "on_hold": p.on_hold,
        "coaching": p.coaching,
        "end_conference_on_exit": p.end_conference_on_exit,
        "direction": p.direction,
        "caller": p.caller,
        "called": p.called,
        "joined_at": format_datetime(p.joined_at),
        "left_at": format_datetime(p.left_at),
        "updated_at": format_datetime(p.updated_at),
        "duration_seconds": None if p.duration is None else p.duration.total_seconds(),
        "region": p.region,
        "data_region": p.data_region,
        "account_id": p.account_id,
    }
    if raw:
        record["raw"] = p.raw
    return record


def _flag(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def _when(p: Participant, left: bool) -> str:
    value = p.left_at if left else p.joined_at
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


class ParticipantTable:
    """Participants as a table, printed batch by batch; the header comes with the first."""

    HEADERS: Final = ("id", "label", "status", "muted", "on hold", "joined", "left")

    def __init__(self, stream: TextIO) -> None:
        self._console = OutputConsole(file=stream, highlight=False)
        self._widths: list[int] | None = None

    def _cells(self, p: Participant) -> list[str]:
        return [
            p.id,
            p.label or "-",
            p.status.value,
            _flag(p.muted),
            _flag(p.on_hold),
            _when(p, False),
            _when(p, True),
        ]

    def _line(self, cells: Sequence[str], styles: Sequence[str] = ()) -> Text:
        assert self._widths is not None
        line = Text()
        for index, (cell, width) in enumerate(zip(cells, self._widths, strict=True)):
            if index:
                line.append(GAP)
            line.append(cell.ljust(width), style=styles[index] if styles else "")
        line.rstrip()
        return line

    def write(self, items: Sequence[Participant]) -> None:
        if not items:
            return
        rows = [self._cells(p) for p in items]
        lines: list[Text] = []
        if self._widths is None:
            # Laid out from the first batch (ids of one provider have one length).
            self._widths = [
                max(len(header), *(len(row[i]) for row in rows))
                for i, header in enumerate(self.HEADERS)
            ]
            lines.append(self._line(self.HEADERS, ["bold"] * len(self.HEADERS)))
            lines.append(self._line(["-" * w for w in self._widths], ["dim"] * len(self._widths)))
        for p, row in zip(items, rows, strict=True):
            styles = ["cyan", "", _STYLES.get(p.status.value, ""), "", "", "", ""]
            lines.append(self._line(row, styles))
        self._console.print(Text("\n").join(lines), soft_wrap=True, highlight=False)
        self._console.file.flush()

    def close(self) -> None:
        self._console.file.flush()


def make_participant_writer(fmt: str, stream: TextIO, *, raw: bool = False) -> Writer:
    """The writer for ``--format``."""
    if fmt == "json":
        return JsonWriter(stream, raw=raw, record=participant_record)
    if fmt == "ndjson":
        return NdjsonWriter(stream, raw=raw, record=participant_record)
    if fmt == "csv":
        return CsvWriter(stream, record=participant_record, fields=PARTICIPANT_FIELDS)
    return ParticipantTable(stream)


async def _participants(
    resolved: ResolvedConfig,
    conference: str,
    query: Mapping[str, Any],
    limit: int | None,
    fmt: str,
    raw: bool,
    progress: bool,
) -> None:
    async with connect(resolved) as svc:
        pager = svc.participants(conference, limit=limit, **query)
        writer = make_participant_writer(fmt, sys.stdout, raw=raw)
        nouns = ("participant", "participants")
        records = await stream_out(pager, [pager], writer, limit, progress, nouns)
        if records == 0 and fmt == "table":
            click.echo("no participants", err=True)


@click.command("participants")
@connection_options
@click.argument("conference", metavar="CONFERENCE")
@click.option("--muted/--not-muted", default=None, help="Only (un)muted participants (Telnyx).")
@click.option(
    "--on-hold/--not-on-hold", default=None, help="Only participants (not) on hold (Telnyx)."
)
@click.option("--label", metavar="TEXT", help="Only the participant with this label (Twilio).")
@click.option("--limit", type=click.IntRange(min=1), help="Stop after N participants.")
@click.option("--page-size", type=click.IntRange(min=1), help="Records per request.")
@format_option()
@raw_option
@click.option(
    "--no-progress",
    is_flag=True,
    help="No progress line (shown on stderr when stderr is a terminal).",
)
@errors_to_exit_codes
def participants_command(
    connection: ConnectionOptions,
    conference: str,
    muted: bool | None,
    on_hold: bool | None,
    label: str | None,
    limit: int | None,
    page_size: int | None,
    fmt: str,
    raw: bool,
    no_progress: bool,
) -> None:
    """List the participants of one conference (by its id, found in whichever region has
    it); rows are printed as pages arrive. A filter the provider cannot apply is refused
    before any request.

    \b
      confclient participants 3fa85f64-5717-4562-b3fc-2c963f66afa6 --muted
      confclient participants CF0123... --provider twilio --label alice -f ndjson
    """
    check_raw(fmt, raw)
    resolved = connection.resolve()
    query = {
        key: value
        for key, value in (
            ("muted", muted),
            ("on_hold", on_hold),
            ("label", label),
            ("page_size", page_size),
        )
        if value is not None
    }
    show_progress = sys.stderr.isatty() and not no_progress and not connection.debug
    run_async(_participants(resolved, conference, query, limit, fmt, raw, show_progress))
