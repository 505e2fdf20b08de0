"""The progress line: steady when stdout goes elsewhere, shown only in pauses when the rows
scroll on the same terminal (no flicker), erased before rows, gone at the end."""

from __future__ import annotations

import asyncio
import io
import re

import pytest
from rich.console import Console

from confclient.cli._progress import ProgressLine

ERASE = "\x1b[2K"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def terminal() -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    return Console(file=stream, force_terminal=True, width=80, highlight=False), stream


def test_text_counts_pages_and_rate(clock: Clock) -> None:
    console, _ = terminal()
    line = ProgressLine(console, lambda: (1500, 1), shares_screen=False, clock=clock)
    clock.now += 2.0
    assert line.text().plain.endswith("1,500 records · 1 page · 750 records/s · 2.0 s")


def test_alone_on_the_terminal_it_stays_drawn(clock: Clock) -> None:
    console, stream = terminal()

    async def scenario() -> str:
        line = ProgressLine(console, lambda: (10, 2), shares_screen=False, clock=clock)
        line.start()
        await asyncio.sleep(0)  # the first tick draws at once
        line.before_output()  # rows go to a file: nothing to erase
        line.after_output()
        drawn = stream.getvalue()
        line.stop("10 conferences, 2 pages")
        return drawn

    drawn = asyncio.run(scenario())
    assert drawn.count(ERASE) == 1
    assert "10 records · 2 pages" in ANSI.sub("", drawn)
    assert stream.getvalue().endswith(ERASE + "10 conferences, 2 pages\n")


def test_sharing_the_screen_it_waits_for_a_pause(clock: Clock) -> None:
    console, stream = terminal()

    async def scenario() -> list[str]:
        seen = []
        line = ProgressLine(console, lambda: (3, 1), shares_screen=True, clock=clock)
        line.start()
        await asyncio.sleep(0)
        seen.append(stream.getvalue())  # rows just started: no line yet
        clock.now += ProgressLine.IDLE + 0.01  # a pause (a slow page)
        await asyncio.sleep(ProgressLine.REFRESH * 1.5)
        seen.append(stream.getvalue())  # now it is shown
        line.before_output()  # rows come: the line goes
        seen.append(stream.getvalue())
        line.after_output()
        await asyncio.sleep(ProgressLine.REFRESH * 1.5)
        seen.append(stream.getvalue())  # rows just printed: not redrawn yet
        line.stop(None)
        return seen

    empty, shown, erased, quiet = asyncio.run(scenario())
    assert empty == ""
    assert "3 records · 1 page" in ANSI.sub("", shown)
    assert erased.startswith(shown)
    assert erased[len(shown) :].count(ERASE) == 1
    assert quiet == erased
