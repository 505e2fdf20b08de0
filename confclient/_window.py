"""How many numbered pages a listing keeps in flight: pure (no I/O, no asyncio).

Enough pages ahead to keep the client busy while the network brings the next ones, and no
more: each page ahead is a response body and its parsed records held in memory. The first
page tells both sides of the trade: its round trip (request to parsed answer) and the time
its records took to decode. A page costs the client more than its decoding: reading, parsing
and checking it, and handing out its items, take more again (a listing of 10,000 records at
0 ms with typed pages, ``benchmarks/cpu_split.py``: Telnyx decodes its records in 8.5 of
its 34.4 ms of CPU, Twilio in 11.2 of 42.3, so a page costs about 4 times its decoding; on
the JSON path, 18 of 52 ms: 2.9 times). A page's whole cost is taken as
:data:`COST_PER_DECODE` times its decode time, under what was measured, which errs towards
a larger window. While
the client spends that on one page, ``round trip / page cost`` more can come back; the
window is that plus the page being consumed, at most the caller's ``page_concurrency``.

At least :data:`MIN_WINDOW` pages: on loopback (the sandbox at 0 ms), where the listing's
speed is the client's CPU, the model asks for 2 or 3, but 4 measured faster (a Telnyx
listing of 10,000, ``benchmarks/window.py``: 50.8 ms with 4 pages in flight, 50.7 with 5,
52.4 with 2, 52.9 with 3) for the ~0.4 MiB a page costs. The first listing of a process gets
4 too (its first round trip opens a connection and runs code for the first time: 2.7 ms
instead of 0.8); at 20 ms a round trip it is the whole ``page_concurrency``. (The first
version, ``round trip / decode time + 2``, kept 5 pages on loopback and 7 in a process's
first listing: peak RSS 41.8 MiB in the benchmark harness where 4 pages hold 40.7, for the
same speed. With a page's cost taken as twice its decoding, typed pages, whose records
decode faster, kept 6 or 7 pages in a process's first listing of Telnyx participants; as
three times, 5.) The consumer's own pace is deliberately left out: a merged or fanned-out
listing's consumer waits on other listings, which says nothing about this one's network,
and the listing's memory budget already bounds what a slow consumer leaves waiting.
"""

from __future__ import annotations

import math
from typing import Final

__all__ = ["COST_PER_DECODE", "MIN_WINDOW", "PageWindow"]

#: Pages in flight before the first page has been measured, and never fewer after.
MIN_WINDOW: Final = 4

#: A page's cost to the client, in multiples of its records' decode time.
COST_PER_DECODE: Final = 3


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
        if seconds <= 0:
            wanted = self.maximum
        else:
            wanted = math.ceil(round_trip / (COST_PER_DECODE * seconds)) + 1
        self.size = max(min(MIN_WINDOW, self.maximum), min(wanted, self.maximum))
