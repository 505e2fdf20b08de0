"""The progress line of a listing: records, pages and rate on stderr, redrawn in place."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Final

from rich.console import Console
from rich.control import Control
from rich.segment import ControlType
from rich.spinner import Spinner
from rich.text import Text

__all__ = ["ProgressLine"]


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
