"""The concurrent-page window: sized from the first page's round trip vs its cost to the client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import pytest

from confclient import Conference
from confclient._window import MIN_WINDOW, PageWindow
from confclient.paging import DeferredItems, Pager, RawPage

# --- the pure decision ----------------------------------------------------------------------


def test_before_the_first_page_is_measured_the_window_is_small() -> None:
    assert PageWindow(16).size == MIN_WINDOW
    assert PageWindow(1).size == 1


@pytest.mark.parametrize(
    ("round_trip", "decoded", "maximum", "size"),
    [
        (0.001, 0.002, 16, 4),  # a fast network: the model's 2, raised to the minimum
        (0.0008, 0.0004, 16, 4),  # the sandbox on loopback
        (0.0027, 0.0006, 16, 4),  # the same, a process's first listing (a new connection)
        (0.012, 0.001, 16, 5),  # four pages come back while one costs the client its time
        (0.030, 0.001, 16, 11),  # ten pages per round trip
        (0.030, 0.0005, 16, 16),  # a slow network: as many as allowed
        (0.0038, 0.00035, 16, 5),  # a first listing of Telnyx participants on loopback
        (0.020, 0.001, 4, 4),
        (0.020, 0.0, 16, 16),  # nothing to decode (the source decoded its pages)
        (0.0, 0.001, 16, 4),
        (0.0, 0.001, 3, 3),  # page_concurrency below the minimum caps it
        (0.020, 0.001, 1, 1),  # page_concurrency=1 stays one page at a time
    ],
)
def test_the_window_fits_the_round_trip_into_the_decode_time(
    round_trip: float, decoded: float, maximum: int, size: int
) -> None:
    window = PageWindow(maximum)
    window.first_round_trip(round_trip)
    window.first_decoded(decoded)
    assert window.size == size


def test_only_the_first_measurement_counts() -> None:
    window = PageWindow(16)
    window.first_decoded(0.001)  # nothing measured first: nothing to decide
    assert window.size == MIN_WINDOW
    window.first_round_trip(0.021)
    window.first_decoded(0.001)
    assert window.size == 8
    window.first_decoded(1.0)  # a later page does not shrink it again
    assert window.size == 8


# --- the pager --------------------------------------------------------------------------------


class Numbered:
    """``pages`` numbered pages of 3 items; each fetch takes ``delay`` seconds; it records the
    most fetches in flight at once."""

    provider = "fake"

    def __init__(self, pages: int, delay: float, decode_s: float = 0.0) -> None:
        self.pages = pages
        self.delay = delay
        self.decode_s = decode_s
        self.in_flight = 0
        self.most_in_flight = 0
        self.started: dict[int, float] = {}
        self.finished: dict[int, float] = {}

    def page_cursor(self, cursor: Any, number: int) -> Any:
        return number

    async def fetch_page(self, cursor: Any) -> RawPage[Conference]:
        clock = asyncio.get_running_loop().time
        self.started[cursor] = clock()
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        self.finished[cursor] = clock()
        items = [Conference(provider="fake", id=f"p{cursor}-{i}") for i in range(3)]
        following = cursor + 1 if cursor < self.pages else None

        def decode(records: Sequence[Conference]) -> Sequence[Conference]:
            time.sleep(self.decode_s)  # the CPU the records take to decode
            return records

        return RawPage(
            items=DeferredItems(items, decode),
            next_cursor=following,
            number=cursor,
            total_pages=self.pages,
        )


async def test_a_slow_network_fills_the_window() -> None:
    source = Numbered(pages=12, delay=0.05)
    listed = await Pager(source, 1, page_concurrency=8).collect()
    assert len(listed) == 36
    assert source.most_in_flight == 8
    # Pages 2 and 3 were asked for with the first guess; the rest of the window as soon as
    # the first page was decoded, not a round trip later when page 2 arrived.
    assert max(source.started[n] for n in range(4, 10)) < source.finished[2]


async def test_a_slow_decode_keeps_few_pages_in_flight() -> None:
    source = Numbered(pages=12, delay=0.0, decode_s=0.03)
    seen = 0
    async for _ in Pager(source, 1, page_concurrency=8):
        seen += 1
    assert seen == 36
    # A round trip of ~0 against 30 ms: the smallest window.
    assert source.most_in_flight <= MIN_WINDOW


async def test_a_slow_consumer_does_not_shrink_the_window() -> None:
    """The consumer's pace is not the network's: a merged listing's consumer waits on the
    other listings, and the memory budget bounds what a slow consumer leaves waiting."""
    source = Numbered(pages=12, delay=0.02)
    async for _ in Pager(source, 1, page_concurrency=8):
        await asyncio.sleep(0.005)
    assert source.most_in_flight == 8
