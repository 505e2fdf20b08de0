"""Fan-out, merge and concurrent paging end to end against the sandbox (with latency)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

import confclient
from confclient import AuthenticationError, FanOutError, fan_out, merge
from confclient.sandbox import Sandbox

TELNYX_REGIONS = ("Australia", "Europe", "Middle East", "US")


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=5, size=45, retry_after=0.01) as sandbox:
        yield sandbox


def telnyx_ids(sb: Sandbox, region: str) -> list[str]:
    return [r["id"] for r in sb.telnyx_records(region)]


async def confclient_tasks(within: float = 0.5) -> list[asyncio.Task[Any]]:
    """confclient's tasks still alive once cleanup had ``within`` seconds: an abandoned
    stream is closed by the event loop's async-generator finalizer, which then cancels
    producers and their requests in flight, over a few turns of the loop.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        alive = [t for t in asyncio.all_tasks() if t.get_name().startswith("confclient")]
        if not alive or loop.time() > deadline:
            return alive
        await asyncio.sleep(0.005)


async def test_concurrent_pages_keep_the_provider_order(sb: Sandbox) -> None:
    sb.set_latency(10)
    async with sb.connect("telnyx", page_concurrency=4) as svc:
        pager = svc.list(region="US", page_size=5)
        got = [c.id async for c in pager]
    assert got == telnyx_ids(sb, "US")
    assert pager.pages_fetched == 9
    assert sb.stats.max_in_flight >= 3  # pages really were fetched at the same time


async def test_concurrent_pages_respect_the_limit(sb: Sandbox) -> None:
    async with sb.connect("telnyx", page_concurrency=8) as svc:
        got = await svc.list(region="US", page_size=5, limit=12).collect()
        await asyncio.sleep(0.02)
    assert [c.id for c in got] == telnyx_ids(sb, "US")[:12]
    assert sb.stats.total_requests == 3  # pages 1-3 only: none beyond the limit was asked


async def test_fan_out_over_every_region(sb: Sandbox) -> None:
    sb.set_latency(5)
    async with sb.connect("telnyx") as svc:
        stream = fan_out(svc, page_size=10)
        got = [c async for c in stream]
    assert stream.sources == tuple(f"telnyx:{r}" for r in TELNYX_REGIONS)
    assert stream.failures == []
    for region in TELNYX_REGIONS:
        mine = [c.id for c in got if c.data_region == region]
        assert mine == telnyx_ids(sb, region)  # each region in its own order
    assert len(got) == 4 * 45


async def test_fan_out_shows_its_pagers(sb: Sandbox) -> None:
    """``stream.pagers`` (in the order of ``stream.sources``): what a caller reads to count
    the pages of every listing, or to tell which ones finished."""
    async with sb.connect("telnyx") as svc:
        stream = fan_out(svc, regions=["us", "Europe"], page_size=10)
        assert [p.pages_fetched for p in stream.pagers] == [0, 0]
        got = await stream.collect()
    assert stream.sources == ("telnyx:US", "telnyx:Europe")
    assert [p.pages_fetched for p in stream.pagers] == [5, 5]  # 45 records, 10 a page
    assert [p.resume_token for p in stream.pagers] == [None, None]
    assert len(got) == 90


async def test_fan_out_passes_filters_and_regions(sb: Sandbox) -> None:
    async with sb.connect("telnyx") as svc:
        got = await fan_out(svc, regions=["Europe", "US"], status="completed").collect()
    expected = {
        r["id"]
        for region in ("Europe", "US")
        for r in sb.telnyx_records(region)
        if r["status"] == "completed"
    }
    assert {c.id for c in got} == expected
    assert {c.data_region for c in got} == {"Europe", "US"}


async def test_merge_by_key_across_regions_is_globally_ordered(sb: Sandbox) -> None:
    async with sb.connect("telnyx") as svc:
        pagers = [svc.list(region=r, page_size=7) for r in TELNYX_REGIONS]
        got = await merge(*pagers, order_by="expires_at").collect()
    expires = [c.expires_at for c in got]
    assert expires == sorted(expires, reverse=True)  # type: ignore[type-var]
    assert len(got) == 4 * 45


async def test_merge_two_providers(sb: Sandbox) -> None:
    async with sb.connect("telnyx") as telnyx, sb.connect("twilio") as twilio:
        ordered = await merge(
            twilio.list(region="us1", page_size=10),
            twilio.list(region="ie1", page_size=10),
            order_by="created_at",
        ).collect()
        arriving = await merge(telnyx.list(region="US"), twilio.list(region="us1")).collect()
    created = [c.created_at for c in ordered]
    assert created == sorted(created, reverse=True)  # type: ignore[type-var]
    assert {c.provider for c in arriving} == {"telnyx", "twilio"}
    assert len(arriving) == 45 + 45


async def test_merge_ascending_and_by_function(sb: Sandbox) -> None:
    async with sb.connect("twilio") as svc:
        got = await merge(
            svc.list(region="jp1"), order_by=lambda c: c.created_at, descending=False
        ).collect()
    # One listing in descending order merged "ascending": merged, not sorted (documented).
    assert [c.id for c in got] == [r["conference_sid"] for r in sb.twilio_records("jp1")]


async def test_duplicates_at_page_boundaries_are_dropped_while_records_shift(
    sb: Sandbox,
) -> None:
    before = telnyx_ids(sb, "Europe")
    sb.insert_while_listing(every=2)  # every other page request shifts the list down
    async with sb.connect("telnyx", page_concurrency=1) as svc:
        pager = svc.list(region="Europe", page_size=10)
        got = [c.id for c in await pager.collect()]
    assert sb.telnyx_inserted >= 2
    assert len(got) == len(set(got)), "no record twice"
    assert pager.duplicates_dropped >= 1
    originals = [i for i in got if i in set(before)]
    assert originals == before  # sequential pages after top inserts: nothing lost, in order


async def test_on_error_raise_cancels_the_rest_and_names_the_source(sb: Sandbox) -> None:
    sb.set_latency(20)
    async with (
        sb.connect("twilio") as good,
        confclient.connect("telnyx", api_key="KEYwrong", base_url=sb.telnyx_base_url) as bad,
    ):
        stream = merge(good.list(page_size=5), bad.list())
        with pytest.raises(FanOutError) as info:
            await stream.collect()
    group = info.value
    assert isinstance(group, ExceptionGroup)
    (error,) = group.exceptions
    assert isinstance(error, AuthenticationError)
    assert error.confclient_source == "telnyx#1"  # type: ignore[attr-defined]
    assert any("telnyx#1" in note for note in error.__notes__)
    assert group.subgroup(AuthenticationError) is not None
    assert sb.stats.total_requests < 1 + 9 * 45 // 5  # the good listing was cut short
    assert await confclient_tasks() == []


async def test_on_error_skip_keeps_streaming(sb: Sandbox) -> None:
    async with (
        sb.connect("twilio") as good,
        confclient.connect("telnyx", api_key="KEYwrong", base_url=sb.telnyx_base_url) as bad,
    ):
        stream = merge(good.list(region="au1"), bad.list(), on_error="skip")
        got = await stream.collect()
    assert [c.id for c in got] == [r["conference_sid"] for r in sb.twilio_records("au1")]
    ((source, error),) = stream.failures
    assert source == "telnyx#1"
    assert isinstance(error, AuthenticationError)


async def test_fan_out_region_failure_is_reported_per_region(sb: Sandbox) -> None:
    sb.queue_faults("500", "500", "500", "500", path_prefix="/v2/conferences")
    policy = confclient.RetryPolicy(max_attempts=1)
    async with sb.connect("telnyx", retry=policy) as svc:
        stream = fan_out(svc, regions=["Europe", "US"], on_error="skip")
        got = await stream.collect()
    assert {source for source, _ in stream.failures} == {"telnyx:Europe", "telnyx:US"}
    assert got == []


@pytest.mark.parametrize("how", ["break", "raise", "cancel"])
async def test_leaving_early_cancels_every_producer(sb: Sandbox, how: str) -> None:
    sb.set_latency(30)
    async with sb.connect("telnyx") as svc:

        async def consume() -> None:
            async for _ in fan_out(svc, page_size=5):
                if how == "break":
                    break
                if how == "raise":
                    raise KeyError("caller's own error")
                await asyncio.sleep(10)

        if how == "cancel":
            task = asyncio.create_task(consume())
            await asyncio.sleep(0.1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        elif how == "raise":
            with pytest.raises(KeyError):
                await consume()
        else:
            await consume()
        assert await confclient_tasks() == []
        seen = sb.stats.total_requests
        await asyncio.sleep(0.1)
        assert sb.stats.total_requests == seen  # nothing more is being requested
    assert svc.transport.session is None or svc.transport.session.closed


async def test_cap_on_requests_in_flight_is_shared(sb: Sandbox) -> None:
    sb.set_latency(15)
    async with sb.connect("telnyx", max_connections=3) as svc:
        got = await fan_out(svc, page_size=5).collect()
    assert len(got) == 4 * 45
    assert sb.stats.max_in_flight <= 3
    assert sb.stats.max_in_flight == 3  # and it was reached: the cap, not the work, bound it


def test_bad_arguments() -> None:
    with pytest.raises(confclient.InvalidRequestError, match="at least one pager"):
        merge()
    with pytest.raises(confclient.InvalidRequestError, match="order_by"):
        merge(confclient.connect("telnyx", api_key="K").list(), order_by="colour")


async def test_max_concurrency_is_the_shared_cap(sb: Sandbox) -> None:
    sb.set_latency(10)
    async with sb.connect("telnyx", max_connections=2) as svc:
        assert svc.max_concurrency == 2
        gets = [svc.get(r["id"], region="US") for r in sb.telnyx_records("US")[:6]]
        listing = fan_out(svc, regions=["Europe", "Australia"], page_size=9).collect()
        results = await asyncio.gather(listing, *gets)
    assert len(results[0]) == 90
    assert sb.stats.max_in_flight == 2
