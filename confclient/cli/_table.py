"""The table of conferences: laid out once for the terminal's width, printed batch by batch.

The table is laid out once, from the width of the terminal (or without a limit when stdout
is not one), so each batch can be printed as it comes and the columns still line up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Final

import attrs
from rich.console import Console
from rich.text import Text

from confclient.model import Conference, ConferenceStatus

__all__ = ["GAP", "STATUS_STYLES", "STATUS_WIDTH", "TableLayout", "TableWriter", "plan_table"]

GAP: Final = "  "
STATUS_STYLES: Final[Mapping[str, str]] = {
    ConferenceStatus.IN_PROGRESS.value: "bold green",
    ConferenceStatus.NOT_STARTED.value: "yellow",
    ConferenceStatus.SUMMARY_TIMEOUT.value: "magenta",
    ConferenceStatus.UNKNOWN.value: "red",
}


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
