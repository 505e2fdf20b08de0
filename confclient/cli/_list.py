"""``confclient list``: conferences of one region or several, printed as pages arrive.

Several regions (``--region all``, or ``-r`` repeated) are listed concurrently as one
:func:`~confclient.fan_out`; ``--limit`` counts across them. While stderr is a terminal a
progress line sits at its bottom, replaced at the end by a summary.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import click
from rich.console import Console

from confclient.config import REGION_ENV, ResolvedConfig
from confclient.errors import FanOutError
from confclient.fanout import FanOut, fan_out
from confclient.model import ConferenceStatus
from confclient.paging import Pager
from confclient.service import ConferenceService

from ._connection import ConnectionOptions, connect, connection_options
from ._errors import errors_to_exit_codes, how_the_others_ended
from ._options import check_raw, format_option, parse_when, raw_option, run_async
from ._progress import ProgressLine
from ._writers import Writer, make_writer

__all__ = ["list_command", "stream_out"]

STATUSES: Final = tuple(s.value for s in ConferenceStatus if s is not ConferenceStatus.UNKNOWN)


def _regions_to_list(svc: ConferenceService, asked: Sequence[str]) -> list[str]:
    """The regions to list, each once (none asked: none, one listing without a region,
    which is the service's default region, else every region, as in the library)."""
    if any(r.lower() == "all" for r in asked):
        if len(asked) > 1:
            raise click.BadParameter(
                "'all' lists every region; give it alone", param_hint="'--region'"
            )
        return list(svc.regions)
    # Region names are not case-sensitive: "us1" given twice, in any case, is listed once.
    unique: dict[str, str] = {}
    for region in asked:
        unique.setdefault(region.casefold(), region)
    return list(unique.values())


class _Sink:
    """Collects items as they come and prints them when the listing waits for the network.

    The flush is scheduled with ``call_soon``: it runs as soon as the consuming task
    suspends (the next page is not there yet), so rows appear page by page and the first
    row never waits for the end of the listing; a full batch is printed at once.
    """

    MAX_BATCH: Final = 500

    def __init__(self, writer: Writer, pagers: Sequence[Pager]) -> None:
        self._writer = writer
        self._pagers = pagers
        self._pending: list[Any] = []
        self._handle: asyncio.Handle | None = None
        self.records = 0
        self.progress: ProgressLine | None = None
        self._deferred: Exception | None = None

    @property
    def pages(self) -> int:
        return sum(p.pages_fetched for p in self._pagers)

    def counts(self) -> tuple[int, int]:
        return self.records, self.pages

    def add(self, conf: Any) -> None:
        self._raise_deferred()
        self._pending.append(conf)
        self.records += 1
        if len(self._pending) >= self.MAX_BATCH:
            self.flush()
        elif self._handle is None:
            self._handle = asyncio.get_running_loop().call_soon(self._flush_soon)

    def _flush_soon(self) -> None:
        # A loop callback: an error here (the reader of a pipe left) is kept for the
        # consuming task, which raises it, instead of being logged by the loop.
        self._handle = None
        try:
            self.flush()
        except Exception as exc:
            self._deferred = exc

    def _raise_deferred(self) -> None:
        if self._deferred is not None:
            error, self._deferred = self._deferred, None
            raise error

    def flush(self) -> None:
        self._raise_deferred()
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        if self.progress is not None:
            self.progress.before_output()
        self._writer.write(batch)
        if self.progress is not None:
            self.progress.after_output()


async def _consume(stream: Pager | FanOut, sink: _Sink, limit: int | None) -> None:
    iterator: AsyncIterator[Any] = aiter(stream)
    try:
        async for conf in iterator:
            sink.add(conf)
            if limit is not None and sink.records >= limit:
                break
    finally:
        close = getattr(iterator, "aclose", None)
        if close is not None:
            await close()
        await stream.aclose()


async def _list(
    resolved: ResolvedConfig,
    regions: Sequence[str],
    query: Mapping[str, Any],
    limit: int | None,
    fmt: str,
    raw: bool,
    progress: bool,
) -> None:
    svc = connect(resolved)
    async with svc:
        chosen = _regions_to_list(svc, regions)
        stream: Pager | FanOut
        if len(chosen) > 1:
            stream = fan_out(svc, regions=chosen, limit=limit, **query)
            pagers: Sequence[Pager] = stream.pagers
        else:
            stream = svc.list(region=chosen[0] if chosen else None, limit=limit, **query)
            pagers = [stream]
        writer = make_writer(
            fmt, sys.stdout, providers=[svc.provider], regions=svc.regions, raw=raw
        )
        nouns = ("conference", "conferences")
        records = await stream_out(stream, pagers, writer, limit, progress, nouns)
        if records == 0 and fmt == "table":
            click.echo("no conferences", err=True)


async def stream_out(
    stream: Pager | FanOut,
    pagers: Sequence[Pager],
    writer: Writer,
    limit: int | None,
    progress: bool,
    nouns: tuple[str, str],
) -> int:
    """Print ``stream`` through ``writer`` as its pages arrive, with the progress line and
    its summary (``nouns``: the singular and plural of an item); the items printed."""
    out = sys.stdout
    sink = _Sink(writer, pagers)
    line: ProgressLine | None = None
    if progress:
        line = ProgressLine(
            Console(file=sys.stderr, highlight=False), sink.counts, shares_screen=out.isatty()
        )
        sink.progress = line
        line.start()
    started = time.monotonic()
    summary: str | None = None
    try:
        try:
            await _consume(stream, sink, limit)
        except BaseException as exc:
            # What did arrive is printed before the error is reported.
            with contextlib.suppress(Exception):
                sink.flush()
            if isinstance(exc, FanOutError) and isinstance(stream, FanOut):
                listings = list(zip(stream.sources, stream.pagers, strict=True))
                exc.add_note(how_the_others_ended(exc, listings))
            raise
        sink.flush()
        elapsed = time.monotonic() - started
        noun = nouns[0] if sink.records == 1 else nouns[1]
        pages = "page" if sink.pages == 1 else "pages"
        summary = (
            f"{sink.records:,} {noun}, {sink.pages:,} {pages}, {elapsed:.2f} s "
            f"({sink.records / max(elapsed, 1e-9):,.0f}/s)"
        )
    finally:
        if line is not None:
            line.stop(summary)
    writer.close()
    return sink.records


@click.command("list")
@connection_options
@click.option(
    "--region",
    "-r",
    "regions",
    multiple=True,
    metavar="REGION",
    help="Region to list; repeat for several, or 'all' for every region (listed "
    f"concurrently). Default: the default region (profile key region, ${REGION_ENV}), "
    "else every region.",
)
@click.option("--status", type=click.Choice(STATUSES), help="Only conferences in this state.")
@click.option("--name", metavar="TEXT", help="Only conferences with this name.")
@click.option(
    "--created-after",
    metavar="WHEN",
    callback=parse_when,
    help="ISO 8601, e.g. 2026-01-31 (UTC) or 2026-01-31T10:00+02:00.",
)
@click.option(
    "--created-before", metavar="WHEN", callback=parse_when, help="ISO 8601, like the above."
)
@click.option("--limit", type=click.IntRange(min=1), help="Stop after N conferences in all.")
@click.option("--page-size", type=click.IntRange(min=1), help="Records per request.")
@format_option()
@raw_option
@click.option(
    "--no-progress",
    is_flag=True,
    help="No progress line (shown on stderr when stderr is a terminal).",
)
@errors_to_exit_codes
def list_command(
    connection: ConnectionOptions,
    regions: tuple[str, ...],
    status: str | None,
    name: str | None,
    created_after: datetime | None,
    created_before: datetime | None,
    limit: int | None,
    page_size: int | None,
    fmt: str,
    raw: bool,
    no_progress: bool,
) -> None:
    """List conferences; rows are printed as pages arrive.

    \b
      confclient list --profile eu --status in_progress
      confclient list --provider twilio --region all --format ndjson
    """
    check_raw(fmt, raw)
    resolved = connection.resolve()
    query: dict[str, Any] = {}
    for key, value in (
        ("status", status),
        ("name", name),
        ("created_after", created_after),
        ("created_before", created_before),
        ("page_size", page_size),
    ):
        if value is not None:
            query[key] = value
    # The progress line and --debug's log lines would share stderr: one or the other.
    show_progress = sys.stderr.isatty() and not no_progress and not connection.debug
    run_async(_list(resolved, regions, query, limit, fmt, raw, show_progress))
