"""The concurrent-page window: sized from the first page's round trip vs its consume time."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from confclient import Conference
from confclient._window import MIN_WINDOW, PageWindow
from confclient.paging import Pager, RawPage

# --- the pure decision ----------------------------------------------------------------------


def test_before_the_first_page_is_measured_the_window_is_small() -> None:
    assert PageWindow(16).size == MIN_WINDOW
    assert PageWindow(1).size == 1


@pytest.mark.parametrize(
    ("round_trip", "consumed", "maximum", "size"),
    [
        (0.001, 0.002, 16, 3),  # a fast network: one page ahead, doubled, plus two
        (0.001, 0.001, 16, 4),  # the sandbox on loopback
        (0.004, 0.001, 16, 10),  # four pages come back while one is consumed
        (0.020, 0.001, 16, 16),  # a slow network: as many as allowed
        (0.020, 0.001, 4, 4),
        (0.020, 0.0, 16, 16),  # a consumer too fast to time
        (0.0, 0.001, 16, 2),
        (0.020, 0.001, 1, 1),  # page_concurrency=1 stays one page at a time
    ],
)
def test_the_window_fits_the_round_trip_into_the_consume_time(
    round_trip: float, consumed: float, maximum: int, size: int
) -> None:
    window = PageWindow(maximum)
    window.first_round_trip(round_trip)
    window.first_consumed(consumed)
    assert window.size == size


def test_only_the_first_measurement_counts() -> None:
    window = PageWindow(16)
    window.first_consumed(0.001)  # nothing measured first: nothing to decide
    assert window.size == MIN_WINDOW
    window.first_round_trip(0.003)
    window.first_consumed(0.001)
    assert window.size == 8
    window.first_consumed(1.0)  # a later page does not shrink it again
    assert window.size == 8


# --- the pager --------------------------------------------------------------------------------


class Numbered:
    """``pages`` numbered pages of 3 items; each fetch takes ``delay`` seconds; it records the
    most fetches in flight at once."""

    provider = "fake"

    def __init__(self, pages: int, delay: float) -> None:
        self.pages = pages
        self.delay = delay
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
        return RawPage(items=items, next_cursor=following, number=cursor, total_pages=self.pages)


async def test_a_slow_network_fills_the_window() -> None:
    source = Numbered(pages=12, delay=0.05)
    listed = await Pager(source, 1, page_concurrency=8).collect()
    assert len(listed) == 36
    assert source.most_in_flight == 8
    # Pages 2 and 3 were asked for with the first guess; the rest of the window as soon as
    # the first page was consumed, not a round trip later when page 2 arrived.
    assert max(source.started[n] for n in range(4, 10)) < source.finished[2]


async def test_a_slow_consumer_keeps_few_pages_in_flight() -> None:
    source = Numbered(pages=12, delay=0.0)
    seen = 0
    async for _ in Pager(source, 1, page_concurrency=8):
        seen += 1
        await asyncio.sleep(0.01)  # each page takes the consumer 30 ms; fetching takes ~0
    assert seen == 36
    assert source.most_in_flight <= 3  # a round trip of ~0 against 30 ms: a window of 3
