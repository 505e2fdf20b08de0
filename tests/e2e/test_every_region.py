"""No region means everywhere, end to end: real HTTP over loopback against the sandbox.

Telnyx answers a list request for one data region at a time, so ``svc.list()`` is one listing
per region merged in Telnyx's order; Twilio lists every mixer region in one request.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest

import confclient
from confclient import InvalidRequestError, RetryPolicy
from confclient.sandbox import Sandbox

SIZE = 30
PAGE = 7
FAST_RETRY = RetryPolicy(backoff_base=0, retry_after_max=0.01)
TELNYX_REGIONS = ("Australia", "Europe", "Middle East", "US")


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=11, size=SIZE, retry_after=0.01) as sandbox:
        yield sandbox


def telnyx_order(sb: Sandbox) -> list[tuple[str, dict[str, Any]]]:
    """(data region, record) of every Telnyx region, in Telnyx's order: descending
    ``expires_at``, ties by ascending id."""
    everything = [(region, r) for region in TELNYX_REGIONS for r in sb.telnyx_records(region)]
    return sorted(
        everything,
        key=lambda pair: (
            -datetime.fromisoformat(pair[1]["expires_at"]).timestamp(),
            pair[1]["id"],
        ),
    )


async def test_telnyx_lists_every_data_region_once_in_its_order(sb: Sandbox) -> None:
    want = telnyx_order(sb)
    async with sb.connect("telnyx", retry=FAST_RETRY) as svc:
        pager = svc.list(page_size=PAGE)
        got = await pager.collect()
    assert [c.id for c in got] == [r["id"] for _, r in want]
    assert [c.data_region for c in got] == [region for region, _ in want]
    assert all(c.raw == r for c, (_, r) in zip(got, want, strict=True))
    pages_per_region = math.ceil(SIZE / PAGE)
    assert pager.pages_fetched == sb.stats.total_requests == 4 * pages_per_region
    assert pager.resume_token is None


async def test_the_regions_first_pages_go_out_together(sb: Sandbox) -> None:
    sb.set_latency(30)
    async with sb.connect("telnyx") as svc:
        async for _ in svc.list(limit=1):
            pass
    assert sb.stats.total_requests == 4
    assert sb.stats.max_in_flight == 4


async def test_limit_bounds_the_whole_listing(sb: Sandbox) -> None:
    want = [r["id"] for _, r in telnyx_order(sb)]
    async with sb.connect("telnyx") as svc:
        got = await svc.list(limit=10).collect()
    assert [c.id for c in got] == want[:10]
    assert sb.stats.total_requests == 4  # each region: one page of at most 10


@pytest.mark.parametrize("cut", [1, PAGE, 45, 4 * SIZE - 1])
async def test_one_token_resumes_every_region_exactly(sb: Sandbox, cut: int) -> None:
    want = [r["id"] for _, r in telnyx_order(sb)]
    async with sb.connect("telnyx") as svc:
        pager = svc.list(page_size=PAGE)
        got = []
        async for conf in pager:
            got.append(conf.id)
            if len(got) == cut:
                break
        token = pager.resume_token
    assert token is not None
    async with sb.connect("telnyx") as later:  # e.g. another process, days later
        rest = await later.list(resume_token=token).collect()
        with pytest.raises(InvalidRequestError, match="another query"):
            later.list(resume_token=token, status="completed")
    assert got + [c.id for c in rest] == want


async def test_a_default_region_is_where_a_call_without_one_goes(sb: Sandbox) -> None:
    europe = sb.telnyx_records("Europe")
    async with sb.connect("telnyx", default_region="europe") as svc:
        assert svc.default_region == "Europe"
        got = await svc.list().collect()
        assert [c.id for c in got] == [r["id"] for r in europe]
        assert {c.data_region for c in got} == {"Europe"}
        sb.stats.reset()
        conf = await svc.get(europe[3]["id"])
        assert conf.data_region == "Europe"
        assert sb.stats.total_requests == 1  # the default region holds it: one request
        sb.stats.reset()
        elsewhere = sb.telnyx_records("Australia")[0]["id"]
        assert (await svc.get(elsewhere)).data_region == "Australia"
        assert sb.stats.total_requests == 4  # Europe first, then the three others


async def test_get_finds_what_list_gave_whatever_the_region(sb: Sandbox) -> None:
    async with sb.connect("telnyx") as svc:
        listed = await svc.list(page_size=PAGE).collect()
        for conf in (listed[0], listed[len(listed) // 2], listed[-1]):
            assert await svc.get(conf.id) == conf
            sb.stats.reset()
            assert await svc.get(conf) == conf
            assert sb.stats.total_requests == 1  # from its own data region


async def test_create_without_region_uses_the_default_region(sb: Sandbox) -> None:
    async with sb.connect("telnyx", default_region="Middle East") as svc:
        conf = await svc.create(call_control_id="v3:every-region", name="Default region")
        assert conf.data_region == "Middle East"
        assert await svc.get(conf) == conf
    assert any("Default region" in r["name"] for r in sb.telnyx_records("Middle East"))


async def test_twilio_lists_every_mixer_region_in_one_listing(sb: Sandbox) -> None:
    records = sb.twilio_records(None)
    async with sb.connect("twilio") as svc:
        pager = svc.list(page_size=100)
        got = await pager.collect()
    assert [c.id for c in got] == [r["conference_sid"] for r in records]
    assert all(c.data_region == r["mixer_region"] for c, r in zip(got, records, strict=True))
    assert sb.stats.total_requests == math.ceil(len(records) / 100)


async def test_twilio_get_of_a_listed_conference_needs_no_region(sb: Sandbox) -> None:
    async with sb.connect("twilio", default_region="ie1") as svc:
        listed = await svc.list(limit=3).collect()
        assert {c.data_region for c in listed} == {"ie1"}
        sb.stats.reset()
        for conf in listed:
            assert await svc.get(conf) == conf
            assert await svc.get(conf.id, region="jp1") == conf  # a hint it does not need
        assert sb.stats.total_requests == 6


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_fan_out_limit_counts_the_whole_stream(sb: Sandbox, provider: str) -> None:
    async with sb.connect(provider) as svc:
        stream = confclient.fan_out(svc, limit=3)
        got = await stream.collect()
        assert len(got) == 3
        assert stream.items_yielded == 3
        merged = await confclient.merge(
            svc.list(region=svc.regions[0]), svc.list(region=svc.regions[1]), limit=5
        ).collect()
        assert len(merged) == 5


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_fan_out_refuses_a_region_named_twice(sb: Sandbox, provider: str) -> None:
    async with sb.connect(provider) as svc:
        region = svc.regions[0]
        with pytest.raises(InvalidRequestError, match="regions must be distinct"):
            confclient.fan_out(svc, regions=[region, region.upper()])
        with pytest.raises(InvalidRequestError, match="not one string"):
            confclient.fan_out(svc, regions=region)
    assert sb.stats.total_requests == 0
