"""How many numbered pages a listing keeps in flight: pure (no I/O, no asyncio).

Enough pages ahead to keep the decoding busy while the network brings the next ones, and no
more: each page ahead is a response body and its parsed records held in memory. The first
page tells both sides of the trade: its round trip (request to parsed answer) and the time
its records took to decode. While one page is decoded, ``round trip / decode time`` more can
come back; the window is that plus two (the page being decoded and the one arriving), at
most the caller's ``page_concurrency``. Decoding is only part of what a page costs the
listing (the transport and the pager take about as much again), so that already leaves a
margin for a server whose time per page varies. On loopback (the sandbox at 0 ms) that is 5
pages instead of 16, the same speed for less memory; at 20 ms a round trip it is the whole
``page_concurrency``. The consumer's own pace is deliberately left out: a merged or fanned-out
listing's consumer waits on other listings, which says nothing about this one's network, and
the listing's memory budget already bounds what a slow consumer leaves waiting. Before the
first page is measured, :data:`MIN_WINDOW` pages are asked for.
"""

from __future__ import annotations

import math
from typing import Final

__all__ = ["MIN_WINDOW", "PageWindow"]

#: Pages in flight before the first page has been measured, and never fewer after.
MIN_WINDOW: Final = 2


class PageWindow:
    """The number of pages to keep requested ahead, from the first page's timings."""

    __slots__ = ("_round_trip", "maximum", "size")

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self.size = min(MIN_WINDOW, maximum)
        self._round_trip: float | None = None

    def first_round_trip(self, seconds: float) -> None:
        """The first page took ``seconds`` from request to parsed answer."""
        self._round_trip = max(seconds, 0.0)

    def first_decoded(self, seconds: float) -> None:
        """The first page's records took ``seconds`` to decode: size the window."""
        round_trip = self._round_trip
        if round_trip is None:
            return  # no round trip measured first: nothing to decide
        self._round_trip = None
        wanted = self.maximum if seconds <= 0 else math.ceil(round_trip / seconds) + 2
        self.size = max(min(MIN_WINDOW, self.maximum), min(wanted, self.maximum))
