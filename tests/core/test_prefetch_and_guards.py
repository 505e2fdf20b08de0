"""Pager prefetch, loop guard and closing; small hardening of the core."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import confclient
from confclient import (
    Conference,
    ConfigurationError,
    DecodeError,
    InvalidRequestError,
    RetryPolicy,
    UnsafeRedirectError,
)
from confclient.paging import DeferredItems, Pager, RawPage
from confclient.transport import Transport


def conf(i: int) -> Conference:
    return Conference(provider="fake", id=f"c{i}")


class Source:
    """Pages of ``size`` items; ``gate`` lets a test hold a fetch in flight."""

    provider = "fake"

    def __init__(self, pages: int, size: int = 3, *, delay: float = 0.0) -> None:
        self.pages = pages
        self.size = size
        self.delay = delay
        self.started: list[int] = []
        self.finished: list[int] = []
        self.cancelled: list[int] = []
        self.next_of: dict[int, int | None] = {
            n: (n + 1 if n + 1 < pages else None) for n in range(pages)
        }

    async def fetch_page(self, cursor: Any) -> RawPage:
        self.started.append(cursor)
        try:
            await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            self.cancelled.append(cursor)
            raise
        self.finished.append(cursor)
        items = [conf(cursor * self.size + i) for i in range(self.size)]
        return RawPage(items=items, next_cursor=self.next_of[cursor], number=cursor)


async def test_next_page_is_fetched_while_the_current_one_is_consumed() -> None:
    source = Source(pages=3, delay=0.01)
    pager = Pager(source, 0)
    seen = []
    async for item in pager:
        seen.append(item.id)
        if item.id == "c0":
            await asyncio.sleep(0.05)  # the caller is slow on the first item
            assert source.finished == [0, 1]  # page 1 arrived meanwhile
    assert seen == [f"c{i}" for i in range(9)]
    assert source.started == [0, 1, 2]


async def test_without_prefetch_pages_are_fetched_on_demand() -> None:
    source = Source(pages=3, delay=0.0)
    pager = Pager(source, 0, prefetch=False)
    async for item in pager:
        if item.id == "c0":
            await asyncio.sleep(0.01)
            assert source.started == [0]
    assert source.started == [0, 1, 2]


async def test_no_prefetch_beyond_the_limit() -> None:
    source = Source(pages=5, size=3)
    items = await Pager(source, 0, limit=3).collect()
    assert len(items) == 3
    await asyncio.sleep(0.01)
    assert source.started == [0]


async def test_break_cancels_the_page_in_flight() -> None:
    source = Source(pages=3, delay=0.2)
    pager = Pager(source, 0)
    iterator = aiter(pager)
    first = await anext(iterator)
    assert first.id == "c0"
    await asyncio.sleep(0)  # let the prefetch start
    assert source.started == [0, 1]
    await pager.aclose()
    assert source.cancelled == [1]
    assert pager.resume_token is not None


async def test_service_aclose_stops_live_listings() -> None:
    source = Source(pages=3, delay=0.2)

    class Service(confclient.BaseConferenceService):
        provider = "fake"
        regions = ("r",)
        capabilities = frozenset({confclient.Capability.LIST})

        def _list(self, query: confclient.ListQuery) -> Pager:
            return Pager(source, 0)

    transport = Transport(provider="fake", base_url="http://127.0.0.1:9", headers={})
    async with Service(transport) as svc:
        iterator = aiter(svc.list())
        await anext(iterator)
        await asyncio.sleep(0)
    assert source.cancelled == [1]


async def test_a_next_page_seen_twice_raises_instead_of_looping() -> None:
    source = Source(pages=3)
    source.next_of[2] = 1  # 0 -> 1 -> 2 -> 1 -> ...
    pager = Pager(source, 0)
    with pytest.raises(DecodeError, match="already sent"):
        await pager.collect()
    assert source.started.count(1) == 1


async def test_a_page_pointing_at_itself_raises() -> None:
    source = Source(pages=2)
    source.next_of[0] = 0
    with pytest.raises(DecodeError):
        await Pager(source, 0).collect()
    assert source.started == [0]


async def test_failure_of_the_prefetched_page_surfaces_after_the_current_page() -> None:
    class Failing(Source):
        async def fetch_page(self, cursor: Any) -> RawPage:
            if cursor == 1:
                raise confclient.ServerError(status=503, provider="fake")
            return await super().fetch_page(cursor)

    source = Failing(pages=3)
    seen: list[str] = []

    async def consume() -> None:
        async for item in Pager(source, 0):
            seen.append(item.id)

    with pytest.raises(confclient.ServerError):
        await consume()
    assert seen == ["c0", "c1", "c2"]


async def test_cancelling_the_consumer_cancels_the_prefetch() -> None:
    class SlowSecondPage(Source):
        async def fetch_page(self, cursor: Any) -> RawPage:
            self.delay = 5.0 if cursor == 1 else 0.0
            return await super().fetch_page(cursor)

    source = SlowSecondPage(pages=3)
    consumed = asyncio.Event()

    async def consume() -> None:
        async for _ in Pager(source, 0):
            consumed.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(consume())
    await consumed.wait()
    await asyncio.sleep(0.01)
    assert source.started == [0, 1]  # page 1 is in flight while the caller works
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The abandoned generator is closed by the event loop's async-generator finalizer, which
    # runs as soon as the loop turns; that closing cancels the page in flight.
    for _ in range(3):
        await asyncio.sleep(0)
    assert source.cancelled == [1]
    assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]


# -- hardening ------------------------------------------------------------------------------


def transport() -> Transport:
    return Transport(provider="p", base_url="https://api.example.com/v1", headers={})


def test_pin_refuses_urls_with_their_own_credentials() -> None:
    with pytest.raises(UnsafeRedirectError, match="credentials"):
        transport().pin("https://user:pw@api.example.com/v1/x")


def test_empty_path_segment_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="empty"):
        transport().url("conferences", "")


def test_backoff_does_not_overflow() -> None:
    policy = RetryPolicy(max_attempts=5000, backoff_base=0.1, backoff_max=2.0)
    assert 0.0 <= policy.backoff(4999) <= 2.0


@pytest.mark.parametrize("kwargs", [{"max_attempts": 2.5}, {"backoff_max": "1"}])
def test_retry_policy_types(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        RetryPolicy(**kwargs)


def test_timeout_types() -> None:
    with pytest.raises(ConfigurationError):
        confclient.Timeout(total="5")  # type: ignore[arg-type]


def test_tags_refuse_a_single_string() -> None:
    with pytest.raises(TypeError):
        Conference(provider="p", id="x", tags="ab")  # type: ignore[arg-type]


@pytest.fixture
def broken_module() -> Iterator[str]:
    name = "confclient_broken_provider_for_tests"
    sys.modules.pop(name, None)
    yield name
    sys.modules.pop(name, None)
    confclient.unregister_provider("broken")


def test_a_provider_module_failing_on_import_is_a_configuration_error(
    broken_module: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / f"{broken_module}.py").write_text("raise RuntimeError('boom at import')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    confclient.register_provider("broken", f"{broken_module}:Service")
    with pytest.raises(ConfigurationError, match="boom at import"):
        confclient.load_provider("broken")


def test_registering_the_builtin_class_itself_is_not_a_conflict() -> None:
    from confclient_telnyx import TelnyxConferenceService

    try:
        confclient.register_provider("telnyx", TelnyxConferenceService)
        assert confclient.load_provider("telnyx") is TelnyxConferenceService
    finally:
        confclient.unregister_provider("telnyx")
    with pytest.raises(ConfigurationError, match="already defined"):
        confclient.register_provider("telnyx", lambda **kw: None)


class DeferredSource(Source):
    """Pages whose items are :class:`DeferredItems`: decoding records what had been asked
    of the network by then."""

    def __init__(self, pages: int, size: int = 3, *, bad_page: int | None = None) -> None:
        super().__init__(pages, size, delay=0.01)
        self.bad_page = bad_page
        self.fetches_started_at_decode: dict[int, list[int]] = {}

    async def fetch_page(self, cursor: Any) -> RawPage:
        page = await super().fetch_page(cursor)

        def decode(records: Any) -> list[Conference]:
            self.fetches_started_at_decode[cursor] = list(self.started)
            if cursor == self.bad_page:
                raise DecodeError("fake: bad record", provider="fake", field="data[0].id")
            return list(records)

        return RawPage(
            items=DeferredItems(list(page.items), decode),
            next_cursor=page.next_cursor,
            number=page.number,
        )


async def test_a_deferred_page_is_decoded_after_the_next_page_is_requested() -> None:
    """The network and the decoding overlap: by the time page n is decoded, the request for
    page n+1 has started (and, having run to its first wait, gone out)."""
    source = DeferredSource(pages=4)
    items = await Pager(source, 0).collect()
    assert [c.id for c in items] == [f"c{i}" for i in range(12)]
    for page in range(3):
        assert page + 1 in source.fetches_started_at_decode[page], page
    assert source.fetches_started_at_decode[3] == [0, 1, 2, 3]  # the last: nothing after it


async def test_without_prefetch_a_deferred_page_is_decoded_before_the_next_request() -> None:
    source = DeferredSource(pages=3)
    await Pager(source, 0, prefetch=False).collect()
    assert source.fetches_started_at_decode == {0: [0], 1: [0, 1], 2: [0, 1, 2]}


async def test_a_decode_error_in_a_deferred_page_ends_the_listing_and_its_prefetch() -> None:
    source = DeferredSource(pages=4, bad_page=1)
    seen: list[str] = []

    async def consume() -> None:
        async for item in Pager(source, 0):
            seen.append(item.id)

    with pytest.raises(DecodeError, match="bad record"):
        await consume()
    assert seen == ["c0", "c1", "c2"]
    assert 2 in source.cancelled  # the prefetch of the page after the bad one
    assert source.finished == [0, 1]


def test_deferred_items_decode_once_and_count_without_decoding() -> None:
    calls = []

    def decode(records: Any) -> list[Conference]:
        calls.append(1)
        return [conf(i) for i in records]

    items = DeferredItems([1, 2, 3], decode)
    assert len(items) == 3
    assert not items.decoded
    assert "not decoded" in repr(items)
    assert items[0].id == "c1"
    assert [c.id for c in items[1:]] == ["c2", "c3"]
    assert [c.id for c in items] == ["c1", "c2", "c3"]
    assert items.decoded
    assert len(items) == 3
    assert calls == [1]
