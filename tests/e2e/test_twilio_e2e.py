"""Twilio Insights end to end: real HTTP over loopback against confclient.sandbox."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from aiohttp import web

import confclient
from confclient import (
    AuthenticationError,
    ConferenceStatus,
    DecodeError,
    EndReason,
    InvalidRequestError,
    NotFoundError,
    RetryPolicy,
    ServerError,
    UnsafeRedirectError,
    UnsupportedOperationError,
)
from confclient.sandbox import Sandbox
from tests._checks import wait_until

SIZE = 30  # per mixer region
FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base=0.0, retry_after_max=0.05)


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=11, size=SIZE, retry_after=0.01) as sandbox:
        yield sandbox


@pytest.fixture
async def svc(sb: Sandbox) -> AsyncIterator[Any]:
    async with sb.connect("twilio", retry=FAST_RETRY) as service:
        yield service


def sids(records: list[dict[str, Any]]) -> list[str]:
    return [r["conference_sid"] for r in records]


def queries(sb: Sandbox) -> list[dict[str, str]]:
    return [dict(parse_qsl(urlsplit(target).query)) for _, target in sb.stats.queries]


async def test_everything_in_order_across_pages(sb: Sandbox, svc: Any) -> None:
    pager = svc.list(page_size=40)
    got = await pager.collect()
    assert [c.id for c in got] == sids(sb.twilio_records())
    assert len(got) == 7 * SIZE  # the seven documented mixer regions
    assert pager.pages_fetched == -(-7 * SIZE // 40)
    assert all(c.provider == "twilio" and c.created_at is not None for c in got)
    assert all(c.created_at.tzinfo is UTC for c in got if c.created_at)


async def test_default_page_size_is_the_maximum(sb: Sandbox, svc: Any) -> None:
    await svc.list(region="us1").collect()
    assert queries(sb)[0]["PageSize"] == "1000"


async def test_mapping_of_real_records(sb: Sandbox, svc: Any) -> None:
    records = {r["conference_sid"]: r for r in sb.twilio_records("de1")}
    for conf in await svc.list(region="de1").collect():
        raw = records[conf.id]
        assert conf.raw == raw
        assert conf.name == raw["friendly_name"]
        assert conf.region == raw["mixer_region"] == "de1"
        assert conf.account_id == raw["account_sid"]
        assert conf.tags == tuple(raw["tags"] or ())
        assert conf.ended_by == raw["ended_by"]
        if raw["duration_seconds"] is not None:
            assert conf.duration == timedelta(seconds=raw["duration_seconds"])
        assert conf.status is not ConferenceStatus.UNKNOWN
        assert (conf.end_reason is None) == (raw["end_reason"] is None)
        assert conf.end_reason is not EndReason.UNKNOWN


async def test_fractional_and_whole_second_timestamps_both_decode(sb: Sandbox, svc: Any) -> None:
    stamps = [r["create_time"] for r in sb.twilio_records()]
    assert any("." in s for s in stamps)
    assert any("." not in s for s in stamps)
    got = await svc.list().collect()
    assert {c.created_at for c in got} == {datetime.fromisoformat(s) for s in stamps}


async def test_every_filter_is_applied_by_the_server(sb: Sandbox, svc: Any) -> None:
    records = sb.twilio_records()
    target = next(r for r in records if r["status"] == "completed" and r["tags"])
    created = datetime.fromisoformat(target["create_time"])
    got = await svc.list(
        region=target["mixer_region"],
        status="completed",
        name=target["friendly_name"],
        created_after=created - timedelta(seconds=1),
        created_before=created + timedelta(seconds=1),
        filters={
            "ConferenceSid": target["conference_sid"],
            "Tags": target["tags"],
            "Subaccount": target["account_sid"],
            "EndReason": target["end_reason"],
        },
    ).collect()
    assert [c.id for c in got] == [target["conference_sid"]]
    (query,) = queries(sb)
    assert query["Tags"] == ",".join(target["tags"])
    assert query["CreatedAfter"].endswith("Z")


async def test_status_and_created_window(sb: Sandbox, svc: Any) -> None:
    records = sb.twilio_records("us1")
    expected = [r["conference_sid"] for r in records if r["status"] == "summary_timeout"]
    got = await svc.list(region="us1", status=ConferenceStatus.SUMMARY_TIMEOUT).collect()
    assert [c.id for c in got] == expected
    middle = datetime.fromisoformat(records[len(records) // 2]["create_time"])
    newer = await svc.list(region="us1", created_after=middle).collect()
    assert newer
    assert all(c.created_at is not None and c.created_at >= middle for c in newer)


async def test_neutral_end_reason_filter(sb: Sandbox, svc: Any) -> None:
    expected = [
        r["conference_sid"]
        for r in sb.twilio_records("au1")
        if r["end_reason"] == "last_participant_left"
    ]
    got = await svc.list(region="au1", filters={"EndReason": EndReason.ALL_LEFT}).collect()
    assert [c.id for c in got] == expected
    assert all(c.end_reason is EndReason.ALL_LEFT for c in got)


async def test_limit_and_resume(sb: Sandbox, svc: Any) -> None:
    expected = sids(sb.twilio_records())
    first = svc.list(page_size=25, limit=33)
    head = await first.collect()
    async with sb.connect("twilio") as other:
        tail = await other.list(resume_token=first.resume_token).collect()
    assert [c.id for c in head] + [c.id for c in tail] == expected


async def test_get(sb: Sandbox, svc: Any) -> None:
    record = sb.twilio_records("jp1")[4]
    conf = await svc.get(record["conference_sid"])
    assert conf.raw == record
    with pytest.raises(NotFoundError) as info:
        await svc.get("CF" + "0" * 32)
    assert info.value.code == "20404"


async def test_create_is_refused_without_a_request(sb: Sandbox, svc: Any) -> None:
    with pytest.raises(UnsupportedOperationError):
        await svc.create(name="x")
    assert sb.stats.total_requests == 0


async def test_fan_out_over_its_regions_asks_only_documented_ones(sb: Sandbox, svc: Any) -> None:
    got = await confclient.fan_out(svc, regions=svc.regions).collect()
    assert sorted(c.id for c in got) == sorted(sids(sb.twilio_records()))
    assert {c.data_region for c in got} == set(sb.twilio_mixer_regions)
    assert all(c.region == c.data_region for c in got)
    assert sorted(q["MixerRegion"] for q in queries(sb)) == sorted(svc.regions)


@pytest.mark.parametrize("region", ["us2", "in1"])
async def test_participant_region_is_refused_before_any_request(
    sb: Sandbox, svc: Any, region: str
) -> None:
    with pytest.raises(InvalidRequestError, match="us1, au1, br1, ie1, jp1, sg1, de1"):
        svc.list(region=region)
    with pytest.raises(InvalidRequestError):
        confclient.fan_out(svc, regions=(*svc.regions, region))
    assert sb.stats.total_requests == 0


async def test_api_key_credentials(sb: Sandbox) -> None:
    async with confclient.connect(
        "twilio",
        account_sid=sb.twilio_account_sid,
        api_key=sb.twilio_api_key,
        api_secret=sb.twilio_api_secret,
        base_url=sb.twilio_base_url,
    ) as svc:
        assert len(await svc.list(region="sg1").collect()) == SIZE


async def test_wrong_credentials(sb: Sandbox) -> None:
    async with confclient.connect(
        "twilio",
        account_sid=sb.twilio_account_sid,
        auth_token="0" * 32,
        base_url=sb.twilio_base_url,
    ) as svc:
        with pytest.raises(AuthenticationError) as info:
            await svc.list().collect()
    assert info.value.code == "20003"
    assert sb.stats.total_requests == 1


async def test_bad_parameter_reaching_the_server_keeps_code_and_message(svc: Any) -> None:
    # Unknown tag values pass the client (new ones may appear) but the server refuses them.
    with pytest.raises(confclient.ValidationError) as info:
        await svc.list(filters={"Tags": ["no_such_tag"]}).collect()
    assert info.value.status == 400
    assert info.value.code == "20001"
    assert "Tags" in (info.value.detail or "")


@pytest.mark.parametrize("fault", ["500", "503", "429", "drop", "truncate"])
async def test_every_fault_kind_is_retried_through(sb: Sandbox, svc: Any, fault: str) -> None:
    sb.queue_faults(fault, fault)
    got = await svc.list(region="br1", page_size=10).collect()
    assert [c.id for c in got] == sids(sb.twilio_records("br1"))
    assert sb.stats.faults[fault] == 2


async def test_server_error_after_retries_keeps_the_code(sb: Sandbox) -> None:
    sb.queue_faults("503", "503")
    async with sb.connect("twilio", retry=RetryPolicy(max_attempts=2, backoff_base=0)) as svc:
        with pytest.raises(ServerError) as info:
            await svc.list().collect()
    assert info.value.code == "20503"


async def test_next_page_on_another_host_is_never_contacted(sb: Sandbox) -> None:
    hits: list[str] = []

    async def trap(request: web.Request) -> web.Response:
        hits.append(request.headers.get("Authorization", ""))
        return web.json_response({"conferences": [], "meta": {}})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", trap)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.2", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        sb.twilio_next_page_origin = f"http://127.0.0.2:{port}"
        async with sb.connect("twilio") as svc:
            with pytest.raises(UnsafeRedirectError, match=r"127\.0\.0\.2"):
                await svc.list(page_size=5).collect()
        assert hits == []
        assert sb.stats.total_requests == 1
    finally:
        await runner.cleanup()


async def test_repeated_next_page_stops(sb: Sandbox, svc: Any) -> None:
    sb.twilio_repeat_next_page = True
    with pytest.raises(DecodeError, match="already sent"):
        await svc.list(page_size=5).collect()
    assert sb.stats.total_requests <= 2


async def test_prefetch_overlaps_the_next_page_with_consumption(sb: Sandbox) -> None:
    sb.set_latency(20)
    async with sb.connect("twilio") as svc:
        pages = 0
        async for _page in svc.list(region="jp1", page_size=10).pages():
            pages += 1
            if pages == 1:
                # While the caller still holds the first page, the second is already asked
                # for; without prefetch this waits forever (bounded by the timeout).
                await wait_until(lambda: sb.stats.total_requests >= 2)
    assert pages == 3


async def test_auth_token_never_logged_or_shown(
    sb: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    import base64

    token = sb.twilio_auth_token
    encoded = base64.b64encode(f"{sb.twilio_account_sid}:{token}".encode()).decode()
    caplog.set_level(logging.DEBUG, logger="confclient")
    texts: list[str] = []
    async with sb.connect("twilio", retry=FAST_RETRY) as svc:
        texts += [repr(svc), repr(svc.transport)]
        sb.queue_faults("503", "drop")
        await svc.list(region="de1").collect()
        try:
            await svc.get("CF" + "1" * 32)
        except NotFoundError as exc:
            texts += [str(exc), repr(exc), repr(vars(exc))]
    texts += [r.getMessage() for r in caplog.records]
    assert len(caplog.records) >= 3
    for text in texts:
        assert token not in text
        assert encoded not in text
