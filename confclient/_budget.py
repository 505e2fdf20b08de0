"""One memory budget per listing: what the pages in flight or waiting to be consumed may hold.

A listing fetches pages ahead of the one being consumed (Telnyx: up to ``page_concurrency``
at once). Without a bound, a server sending pages just under ``max_body_bytes`` made of
millions of tiny records multiplies that by the number of pages in flight, and again by what
parsing makes of each byte. So each page fetch carries a :class:`PageBudget` of its
listing's :class:`ListingBudget`, and the transport charges it as the body arrives: the
bytes, then an estimate of what parsing them makes (every JSON value costs an object). A page
the consumer is not waiting for yet waits while the listing is over its limit; the page the
consumer waits for never waits, so the listing always progresses. A single page whose
estimate alone exceeds the whole budget is refused before it is parsed
(:class:`~confclient.transport.ResponseTooLargeError`).

The handle reaches the transport through a context variable, set for the page's fetch only,
so adapters' ``fetch_page`` need not pass it along.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from typing import Final

__all__ = [
    "CURRENT_PAGE",
    "DEFAULT_LISTING_BUDGET",
    "PARSED_BYTES_PER_VALUE",
    "ListingBudget",
    "PageBudget",
    "parsed_size_estimate",
]

#: The memory a listing's pages ahead may hold together (bytes and their parsed estimate):
#: an honest Telnyx page of 250 records costs about 0.35 MiB by this count, a Twilio page of
#: 1,000 about 3.5 MiB, so honest listings never wait on it.
DEFAULT_LISTING_BUDGET: Final = 8 * 1024 * 1024

#: What a parsed JSON value costs at most, in round numbers: an empty dict is 64 bytes on
#: CPython, and its slot in the enclosing list or dict 8 more.
PARSED_BYTES_PER_VALUE: Final = 64

CURRENT_PAGE: ContextVar[PageBudget | None] = ContextVar("confclient_page_budget", default=None)


def parsed_size_estimate(body: bytes | bytearray) -> int:
    """An upper estimate of what parsing JSON ``body`` takes, counting a value per comma (a
    value is separated by one from the next; a comma in a string only overestimates)."""
    return (body.count(b",") + 1) * PARSED_BYTES_PER_VALUE


class ListingBudget:
    """The budget of one listing: ``limit`` bytes shared by every page fetched for it."""

    __slots__ = ("_waiters", "limit", "peak", "used")

    def __init__(self, limit: int = DEFAULT_LISTING_BUDGET) -> None:
        self.limit = limit
        self.used = 0
        """What the listing's pages hold now."""
        self.peak = 0
        """The most they held at once."""
        self._waiters: list[asyncio.Future[None]] = []

    def page(self) -> PageBudget:
        """A handle for one page fetch of this listing."""
        return PageBudget(self)

    async def _take(self, amount: int, page: PageBudget) -> None:
        while self.used + amount > self.limit and not page.awaited:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        self.used += amount
        self.peak = max(self.peak, self.used)

    def _give(self, amount: int) -> None:
        self.used -= amount
        self.wake()

    def wake(self) -> None:
        """Let waiting pages look again (room was freed, or the awaited page changed)."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)


class PageBudget:
    """One page fetch's share of its listing's budget.

    The transport charges it (:meth:`charge`) as the body arrives and refunds an attempt it
    throws away (:meth:`refund`); the pager marks the page it waits for (:meth:`await_it`)
    and frees the page once consumed (:meth:`release`).
    """

    __slots__ = ("awaited", "held", "listing")

    def __init__(self, listing: ListingBudget) -> None:
        self.listing = listing
        self.held = 0
        self.awaited = False

    @property
    def limit(self) -> int:
        return self.listing.limit

    async def charge(self, amount: int) -> None:
        """Hold ``amount`` more bytes, waiting while the listing is over its limit (unless
        this is the page the consumer waits for)."""
        await self.listing._take(amount, self)
        self.held += amount

    def refund(self, amount: int) -> None:
        """Give back ``amount`` of what this page holds (an attempt that was thrown away)."""
        amount = min(amount, self.held)
        self.held -= amount
        self.listing._give(amount)

    def await_it(self) -> None:
        """The consumer waits for this page now: it no longer waits for room."""
        self.awaited = True
        self.listing.wake()

    def release(self) -> None:
        """The page was consumed (or abandoned): everything it held is free again."""
        self.refund(self.held)
