"""Several listings as one stream: :func:`fan_out` over regions, :func:`merge` over pagers.

Every listing runs in its own task and hands whole pages to the consumer through a small
bounded queue, so memory stays at a few pages per listing whatever the totals. Requests in
flight are capped per service by its transport (``max_connections``), shared by everything
the service runs, so a fan-out cannot open more connections than the caller allowed.

Failures: ``on_error="raise"`` (default) cancels the other listings at the first failure and
raises :class:`FanOutError` (an ``ExceptionGroup``) holding every failure seen; each failure
has ``confclient_source`` (``"telnyx:Europe"``) and a note naming it. ``on_error="skip"`` logs
the failure, keeps streaming the others, and leaves the failures in ``stream.failures``.

Leaving early (``break``, an exception in the loop body, cancellation) cancels every
listing and its requests in flight; ``await stream.aclose()`` does so at once.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Sequence
from contextlib import aclosing
from typing import Any, Final, Literal

import attrs

from ._tasks import cancel_and_wait
from .errors import FanOutError, InvalidRequestError
from .model import Conference
from .paging import Pager
from .query import positive_int
from .service import ConferenceService

__all__ = ["FanOut", "fan_out", "merge"]

log = logging.getLogger("confclient")

OnError = Literal["raise", "skip"]

ORDERABLE_FIELDS: Final = (
    "created_at",
    "started_at",
    "ended_at",
    "expires_at",
    "updated_at",
    "duration",
    "name",
    "id",
    "region",
    "max_participants",
    "unique_participants",
    "max_concurrent_participants",
    # A participant's (merging participant listings): a conference has none, so its key is
    # None and it comes last, as does any item without the field.
    "joined_at",
    "left_at",
)

_DONE: Final = object()


@attrs.frozen
class _Failure:
    source: str
    error: Exception


class _Descending:
    """Inverts the order of a key, for a heap that pops the largest first."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Descending) -> bool:
        return bool(other.key < self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and bool(self.key == other.key)

    __hash__ = None  # type: ignore[assignment]


def _key_function(order_by: str | Callable[[Conference], Any]) -> Callable[[Conference], Any]:
    if callable(order_by):
        return order_by
    if order_by not in ORDERABLE_FIELDS:
        raise InvalidRequestError(
            f"order_by must be a callable or one of {', '.join(ORDERABLE_FIELDS)}, got {order_by!r}"
        )
    return lambda item: getattr(item, order_by, None)


class FanOut:
    """One async stream of :class:`Conference` from several listings (see :func:`merge`).

    Iterate it once. ``failures`` holds ``(source, exception)`` pairs of the listings that
    failed under ``on_error="skip"``; ``sources`` names every listing.
    """

    def __init__(
        self,
        sources: Sequence[tuple[str, Pager]],
        *,
        order_by: str | Callable[[Conference], Any] | None = None,
        descending: bool = True,
        on_error: OnError = "raise",
        queue_pages: int = 2,
        limit: int | None = None,
    ) -> None:
        if on_error not in ("raise", "skip"):
            raise InvalidRequestError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
        _check_limit(limit)
        names = [name for name, _ in sources]
        if len(set(names)) != len(names):
            raise InvalidRequestError(f"listings must have distinct names, got {names}")
        for name, pager in sources:
            if not isinstance(pager, Pager):
                raise InvalidRequestError(
                    f"merge() takes pagers (svc.list(...)), got {type(pager).__name__} for {name}"
                )
        self._sources = list(sources)
        self._key = None if order_by is None else _key_function(order_by)
        self._descending = descending
        self._on_error: OnError = on_error
        self._queue_pages = queue_pages
        self._limit = limit
        self._yielded = 0
        self._failures: list[tuple[str, Exception]] = []
        self._started = False
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self._sources)

    @property
    def pagers(self) -> tuple[Pager, ...]:
        """The listings' pagers, in the order of :attr:`sources` (to read their
        ``pages_fetched`` or ``resume_token`` while or after the stream runs)."""
        return tuple(pager for _, pager in self._sources)

    @property
    def failures(self) -> list[tuple[str, Exception]]:
        """``(source, exception)`` for each listing that failed (``on_error="skip"``)."""
        return list(self._failures)

    @property
    def items_yielded(self) -> int:
        """Items handed out so far (at most ``limit``, across every listing)."""
        return self._yielded

    def __aiter__(self) -> AsyncIterator[Conference]:
        if self._started:
            raise RuntimeError("a fan-out is iterated once; build a new one to list again")
        self._started = True
        return self._limited(self._as_they_come() if self._key is None else self._merged())

    async def _limited(
        self, items: AsyncGenerator[Conference, None]
    ) -> AsyncGenerator[Conference, None]:
        """``items`` up to ``limit`` in total; stopping closes every listing at once."""
        async with aclosing(items):
            async for item in items:
                if self._limit is not None and self._yielded >= self._limit:
                    return
                self._yielded += 1
                yield item
                if self._limit is not None and self._yielded >= self._limit:
                    return

    async def collect(self) -> list[Conference]:
        """Every item in a list."""
        return [item async for item in self]

    async def aclose(self) -> None:
        """Cancel every listing still running."""
        await cancel_and_wait(self._tasks)

    # -- producers ----------------------------------------------------------------------------

    def _spawn(self, name: str, pager: Pager, queue: asyncio.Queue[Any]) -> asyncio.Task[None]:
        async def produce() -> None:
            # A cancelled producer just stops: only the consumer cancels, when it is leaving.
            try:
                async with aclosing(pager.pages()) as pages:
                    async for page in pages:
                        if page.items:
                            await queue.put(page.items)
            except Exception as exc:
                await queue.put(_Failure(name, exc))
            await queue.put(_DONE)

        return asyncio.create_task(produce(), name=f"confclient listing {name}")

    def _failed(self, failure: _Failure) -> None:
        error = failure.error
        error.confclient_source = failure.source  # type: ignore[attr-defined]
        error.add_note(f"while listing {failure.source}")
        self._failures.append((failure.source, error))
        if self._on_error == "skip":
            log.warning("listing %s failed and is skipped: %s", failure.source, error)

    def _raise_failures(self) -> None:
        raise FanOutError(
            f"{len(self._failures)} of {len(self._sources)} listings failed: "
            + ", ".join(source for source, _ in self._failures),
            [error for _, error in self._failures],
        )

    async def _stop_on_failure(self, pending: Iterable[asyncio.Queue[Any]]) -> None:
        """Cancel everything, collect the failures that already arrived, raise them all."""
        await cancel_and_wait(self._tasks)
        for queue in pending:
            while not queue.empty():
                message = queue.get_nowait()
                if isinstance(message, _Failure):
                    self._failed(message)
        self._raise_failures()

    # -- consumers ----------------------------------------------------------------------------

    async def _as_they_come(self) -> AsyncGenerator[Conference, None]:
        queue: asyncio.Queue[Any] = asyncio.Queue(
            maxsize=max(1, self._queue_pages * len(self._sources))
        )
        self._tasks = [self._spawn(name, pager, queue) for name, pager in self._sources]
        running = len(self._tasks)
        try:
            while running:
                message = await queue.get()
                if message is _DONE:
                    running -= 1
                elif isinstance(message, _Failure):
                    self._failed(message)
                    if self._on_error == "raise":
                        await self._stop_on_failure([queue])
                else:
                    for item in message:
                        yield item
        finally:
            await cancel_and_wait(self._tasks)

    async def _merged(self) -> AsyncGenerator[Conference, None]:
        assert self._key is not None
        key = self._key
        queues: list[asyncio.Queue[Any]] = [
            asyncio.Queue(maxsize=self._queue_pages) for _ in self._sources
        ]
        self._tasks = [
            self._spawn(name, pager, queue)
            for (name, pager), queue in zip(self._sources, queues, strict=True)
        ]
        buffers: list[list[Conference]] = [[] for _ in self._sources]
        positions = [0] * len(self._sources)
        heap: list[tuple[Any, int, int]] = []
        counter = 0

        async def refill(index: int) -> bool:
            """Next page of listing ``index`` into its buffer; False when it is finished."""
            while True:
                message = await queues[index].get()
                if message is _DONE:
                    return False
                if isinstance(message, _Failure):
                    self._failed(message)
                    if self._on_error == "raise":
                        await self._stop_on_failure(queues)
                    continue
                buffers[index] = list(message)
                positions[index] = 0
                return True

        def push(index: int) -> None:
            nonlocal counter
            item = buffers[index][positions[index]]
            value = key(item)
            # Items without a value come after every item with one, in either direction.
            rank = (
                (1, 0) if value is None else (0, _Descending(value) if self._descending else value)
            )
            heapq.heappush(heap, (rank, counter, index))
            counter += 1

        try:
            for index in range(len(self._sources)):
                if await refill(index):
                    push(index)
            while heap:
                _, _, index = heapq.heappop(heap)
                item = buffers[index][positions[index]]
                positions[index] += 1
                yield item
                if positions[index] < len(buffers[index]) or await refill(index):
                    push(index)
        finally:
            await cancel_and_wait(self._tasks)


def merge(
    *pagers: Pager,
    order_by: str | Callable[[Conference], Any] | None = None,
    descending: bool = True,
    on_error: OnError = "raise",
    limit: int | None = None,
) -> FanOut:
    """Several listings — of one or several services — as one stream.

    ``order_by=None`` yields items as pages arrive (each listing's own order is kept, the
    interleaving is by arrival). ``order_by="created_at"`` (any field of ``ORDERABLE_FIELDS``,
    or a key function) k-way merges the listings, largest first when ``descending``: the
    output is in that order **if every listing is** (Telnyx lists by descending
    ``expires_at``; Twilio's sandbox by descending ``created_at``). A listing that is not in
    that order is still merged (each step takes the best head), but the result is not sorted:
    merging never buffers whole listings to sort them. Items whose key is ``None`` come last.
    ``limit`` bounds the whole stream (not each listing).

    >>> stream = merge(telnyx.list(), twilio.list(), order_by="created_at")  # doctest: +SKIP
    >>> async for conf in stream:                                           # doctest: +SKIP
    ...     ...
    """
    if not pagers:
        raise InvalidRequestError("merge() needs at least one pager")
    named = [(f"{p.provider}#{i}", p) for i, p in enumerate(pagers)]
    return FanOut(named, order_by=order_by, descending=descending, on_error=on_error, limit=limit)


def fan_out(
    svc: ConferenceService,
    *,
    regions: Iterable[str] | None = None,
    on_error: OnError = "raise",
    order_by: str | Callable[[Conference], Any] | None = None,
    descending: bool = True,
    limit: int | None = None,
    **filters: Any,
) -> FanOut:
    """One query over many regions of one service, listed concurrently, as one stream.

    ``regions`` defaults to every region of the service (each named once, in any case);
    ``filters`` are the neutral list filters (``status=``, ``name=``, ``page_size=``,
    ``filters=``, ...). ``limit`` bounds the stream: at most ``limit`` items in total, not
    per region. Each listing is named ``"provider:region"`` in failures. Each item's
    ``data_region`` says which listing it came from.

    >>> async for conf in fan_out(svc, status="in_progress"):   # doctest: +SKIP
    ...     print(conf.data_region, conf.id)
    """
    chosen = _distinct_regions(svc, svc.regions if regions is None else regions)
    for forbidden in ("region", "resume_token"):
        if forbidden in filters:
            raise InvalidRequestError(
                f"fan_out does not take {forbidden}=; it lists the regions given in regions="
            )
    _check_limit(limit)
    # Each listing is bounded by the limit too: no region needs more than the whole stream.
    sources = [
        (f"{svc.provider}:{region}", svc.list(region=region, limit=limit, **filters))
        for region in chosen
    ]
    return FanOut(sources, order_by=order_by, descending=descending, on_error=on_error, limit=limit)


def _check_limit(limit: object) -> None:
    if limit is not None:
        positive_int(limit, "limit")


def _distinct_regions(svc: ConferenceService, regions: Iterable[str] | str) -> list[str]:
    """``regions`` in the service's spelling, each once; an unknown one is left for the
    service to refuse, a region named twice (``"us1"``, ``"US1"``) is an error."""
    if isinstance(regions, str):
        raise InvalidRequestError(f"regions must be a list of regions, not one string: {regions!r}")
    chosen = list(regions)
    if not chosen:
        raise InvalidRequestError("fan_out needs at least one region")
    known = {region.casefold(): region for region in svc.regions}
    canonical = [
        known.get(region.casefold(), region) if isinstance(region, str) else region
        for region in chosen
    ]
    if len(set(canonical)) != len(canonical):
        raise InvalidRequestError(
            f"regions must be distinct, got {chosen} (region names are not case-sensitive)"
        )
    return canonical
