"""Telnyx end to end: real HTTP over loopback against confclient.sandbox."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

import aiohttp
import pytest

import confclient
from confclient import (
    AuthenticationError,
    ConferenceStatus,
    DecodeError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    Timeout,
    TransportError,
    TransportTimeoutError,
    ValidationError,
)
from confclient.sandbox import Sandbox

SIZE = 60  # per region: several pages at page_size 25
FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base=0.0, retry_after_max=0.05)


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=7, size=SIZE, retry_after=0.01) as sandbox:
        yield sandbox


@pytest.fixture
async def svc(sb: Sandbox) -> AsyncIterator[Any]:
    async with sb.connect("telnyx", retry=FAST_RETRY) as service:
        yield service


def ids(records: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in records]


@pytest.mark.parametrize("region", ["Australia", "Europe", "Middle East", "US"])
async def test_full_listing_matches_the_sandbox_in_order(
    sb: Sandbox, svc: Any, region: str
) -> None:
    pager = svc.list(region=region, page_size=25)
    got = await pager.collect()
    assert [c.id for c in got] == ids(sb.telnyx_records(region))
    assert pager.pages_fetched == 3
    assert all(c.provider == "telnyx" for c in got)
    assert all(c.created_at is not None and c.created_at.tzinfo is UTC for c in got)
    expires = [c.expires_at for c in got]
    assert expires == sorted(expires, reverse=True)  # Telnyx: descending expires_at


async def test_default_page_size_is_the_maximum(sb: Sandbox, svc: Any) -> None:
    await svc.list(region="US").collect()
    (_, target), *_ = sb.stats.queries
    assert "page%5Bsize%5D=250" in target or "page[size]=250" in target
    assert sb.stats.total_requests == 1


async def test_status_and_name_filters_apply_server_side(sb: Sandbox, svc: Any) -> None:
    records = sb.telnyx_records("Europe")
    completed = [r["id"] for r in records if r["status"] == "completed"]
    got = await svc.list(region="Europe", status=ConferenceStatus.COMPLETED).collect()
    assert [c.id for c in got] == completed
    name = records[3]["name"]
    named = await svc.list(region="Europe", name=name).collect()
    assert {c.name for c in named} == {name}
    assert records[3]["id"] in {c.id for c in named}


async def test_native_filters_arrive_in_deep_object_form(sb: Sandbox, svc: Any) -> None:
    when = datetime(2019, 3, 29, 11, 10, tzinfo=UTC)
    await svc.list(
        region="US",
        filters={
            "occurred_at": {"gte": when},
            "application_name": {"contains": "sales"},
            "outbound.outbound_voice_profile_id": "1293384261075731499",
        },
    ).collect()
    (_, target), *_ = sb.stats.queries
    from urllib.parse import parse_qsl, urlsplit

    query = dict(parse_qsl(urlsplit(target).query))
    assert query["filter[occurred_at][gte]"] == "2019-03-29T11:10:00Z"
    assert query["filter[application_name][contains]"] == "sales"
    assert query["filter[outbound.outbound_voice_profile_id]"] == "1293384261075731499"


async def test_limit_and_resume_lose_and_repeat_nothing(sb: Sandbox, svc: Any) -> None:
    expected = ids(sb.telnyx_records("Australia"))
    first = svc.list(region="Australia", page_size=25, limit=37)
    head = await first.collect()
    token = first.resume_token
    assert token is not None
    async with sb.connect("telnyx") as other:  # another service: as good as another process
        tail = await other.list(resume_token=token).collect()
    assert [c.id for c in head] + [c.id for c in tail] == expected


async def test_get_and_regions(sb: Sandbox, svc: Any) -> None:
    record = sb.telnyx_records("Middle East")[5]
    conf = await svc.get(record["id"], region="middle east")
    assert conf.id == record["id"]
    assert conf.raw == record
    assert conf.data_region == "Middle East"
    assert sb.stats.total_requests == 1  # the right region first: one request
    # A wrong region is only where to look first: the others are asked next.
    again = await svc.get(record["id"], region="US")
    assert again == conf
    asked = [target for _, target in sb.stats.queries[1:]]
    assert asked[0].endswith("region=US")
    assert sorted(asked[1:]) == sorted(
        f"/v2/conferences/{record['id']}?region={quote_plus(r)}"
        for r in ("Australia", "Europe", "Middle East")
    )
    assert await svc.get(conf) == conf  # fetched again from its own region
    assert sb.stats.queries[-1][1].endswith("region=Middle+East")
    with pytest.raises(NotFoundError) as info:
        await svc.get("3fa85f64-5717-4562-b3fc-2c963f66afa6")
    assert info.value.code == "90058"
    assert info.value.regions == ("Australia", "Europe", "Middle East", "US")


async def test_path_traversal_stays_one_segment(sb: Sandbox, svc: Any) -> None:
    for evil in ("../balance", "..", "a/b?c#d", "%2e%2e"):
        with pytest.raises(NotFoundError) as info:
            await svc.get(evil)
        assert info.value.code == "90058"  # the conference route answered, nothing else
    # Looked for in each of the four regions, always as one segment.
    assert sb.stats.paths["/v2/conferences/..%2Fbalance"] == 4
    assert sb.stats.paths["/v2/conferences/%2E%2E"] == 4
    assert not any(path.startswith("/v2/balance") for path in sb.stats.paths)
    assert all(route == "/v2/conferences/{id}" for _, route in sb.stats.requests)


async def test_create_then_list_and_idempotent_command_id(sb: Sandbox, svc: Any) -> None:
    conf = await svc.create(
        call_control_id="v3:abc",
        name="Weekly sync e2e",
        region="Europe",
        start_conference_on_create=False,
        beep_enabled="on_exit",
        max_participants=10,
        client_state="aGF2ZSBhIG5pY2UgZGF5ID1d",
        command_id="cmd-e2e-1",
    )
    assert conf.name == "Weekly sync e2e"
    assert conf.status is ConferenceStatus.NOT_STARTED
    again = await svc.create(
        call_control_id="v3:abc", name="Weekly sync e2e", region="Europe", command_id="cmd-e2e-1"
    )
    assert again.id == conf.id
    assert sb.stats.created == 1
    listed = await svc.list(region="Europe", name="Weekly sync e2e").collect()
    assert [c.id for c in listed] == [conf.id]


async def test_create_name_conflict_is_a_validation_error(svc: Any) -> None:
    await svc.create(call_control_id="v3:abc", name="Conflict e2e", region="US")
    with pytest.raises(ValidationError) as info:
        await svc.create(call_control_id="v3:abc", name="Conflict e2e", region="US")
    assert info.value.status == 422
    assert info.value.code == "90033"
    assert "already exists" in (info.value.detail or "")


async def test_server_side_validation_keeps_the_source(svc: Any) -> None:
    with pytest.raises(ValidationError) as info:
        await svc.create(call_control_id="not-a-call-control-id", name="Bad leg")
    assert info.value.code == "90015"
    assert info.value.source is not None
    assert info.value.source.pointer == "/call_control_id"


async def test_wrong_key_is_authentication_error(sb: Sandbox) -> None:
    async with confclient.connect("telnyx", api_key="KEYwrong", base_url=sb.telnyx_base_url) as svc:
        with pytest.raises(AuthenticationError) as info:
            await svc.list(region="US").collect()
        with pytest.raises(AuthenticationError) as every_region:
            await svc.list().collect()  # one listing per region: the error as it came
    assert info.value.code == every_region.value.code == "10009"
    assert info.value.status == 401
    assert any("while listing telnyx:" in note for note in every_region.value.__notes__)
    # A 401 is not retried: one request, then one per region.
    assert sb.stats.total_requests == 1 + 4


@pytest.mark.parametrize("fault", ["500", "503", "429", "drop", "truncate"])
async def test_every_fault_kind_is_retried_through(sb: Sandbox, svc: Any, fault: str) -> None:
    sb.queue_faults(fault, fault)
    got = await svc.list(region="US", page_size=25).collect()
    assert [c.id for c in got] == ids(sb.telnyx_records("US"))
    assert sb.stats.faults[fault] == 2
    assert sb.stats.total_requests == 3 + 2


async def test_retry_after_is_honoured(sb: Sandbox) -> None:
    async with Sandbox(seed=1, size=3, retry_after=0.3) as slow:
        policy = RetryPolicy(max_attempts=2, backoff_base=0.0, retry_after_max=5)
        async with slow.connect("telnyx", retry=policy) as svc:
            slow.queue_faults("429")
            loop = asyncio.get_running_loop()
            started = loop.time()
            await svc.list(region="US").collect()
            assert loop.time() - started >= 0.3


@pytest.mark.parametrize(
    ("fault", "cls"),
    [("500", ServerError), ("503", ServerError), ("429", RateLimitError)],
)
async def test_status_faults_after_the_last_retry(sb: Sandbox, fault: str, cls: type) -> None:
    sb.queue_faults(*[fault] * 3)
    policy = RetryPolicy(max_attempts=3, backoff_base=0.0, retry_after_max=0.01)
    async with sb.connect("telnyx", retry=policy) as svc:
        with pytest.raises(cls) as info:
            await svc.get(sb.telnyx_records("US")[0]["id"], region="US")
    assert info.value.status == int(fault)
    assert info.value.code
    assert sb.stats.total_requests == 3
    if cls is RateLimitError:
        assert info.value.retry_after == pytest.approx(0.01)


async def test_dropped_connections_every_time_is_a_transport_error(sb: Sandbox) -> None:
    sb.queue_faults("drop", "drop")
    policy = RetryPolicy(max_attempts=2, backoff_base=0.0)
    async with sb.connect("telnyx", retry=policy) as svc:
        with pytest.raises(TransportError, match="after 2 attempts"):
            await svc.list(region="US").collect()


async def test_truncated_json_every_time_is_a_decode_error(sb: Sandbox) -> None:
    sb.queue_faults("truncate", "truncate")
    policy = RetryPolicy(max_attempts=2, backoff_base=0.0)
    async with sb.connect("telnyx", retry=policy) as svc:
        with pytest.raises(DecodeError):
            await svc.list(region="US").collect()


async def test_create_retried_through_a_dropped_response_creates_once(
    sb: Sandbox, svc: Any
) -> None:
    # The sandbox executes the create, then drops the connection mid-response: the client
    # retries with the same (generated) command_id and gets the same conference back.
    sb.queue_faults("drop", method="POST")
    conf = await svc.create(call_control_id="v3:abc", name="Dropped once", region="US")
    assert sb.stats.faults["drop"] == 1
    assert sb.stats.created == 1
    listed = await svc.list(region="US", name="Dropped once").collect()
    assert [c.id for c in listed] == [conf.id]


async def test_timeout_is_a_transport_timeout_error(sb: Sandbox) -> None:
    sb.set_latency(500)
    async with sb.connect(
        "telnyx", timeout=Timeout(total=0.1), retry=RetryPolicy(max_attempts=2, backoff_base=0)
    ) as svc:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(TransportTimeoutError) as info:
            await svc.list(region="US").collect()
        assert isinstance(info.value, TimeoutError)
        assert loop.time() - started < 0.45  # two attempts of 0.1 s, not the 0.5 s latency
    sb.set_latency(0)


async def test_deadline_bounds_the_whole_call(sb: Sandbox) -> None:
    sb.set_latency(200)
    async with sb.connect(
        "telnyx", timeout=Timeout(total=5, deadline=0.3), retry=RetryPolicy(backoff_base=0)
    ) as svc:
        sb.queue_faults("503", "503", "503")
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises((TransportTimeoutError, ServerError)):
            await svc.list(region="US").collect()
        assert loop.time() - started < 0.6
    sb.set_latency(0)


async def test_api_key_never_in_repr_errors_or_debug_logs(
    sb: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    key = sb.telnyx_api_key
    caplog.set_level(logging.DEBUG, logger="confclient")
    texts: list[str] = []
    async with sb.connect("telnyx", retry=FAST_RETRY) as svc:
        texts += [repr(svc), str(svc), repr(svc.transport)]
        sb.queue_faults("503", "drop", "truncate")
        await svc.list(region="US", page_size=25).collect()
        for call in (svc.get("../balance"), svc.create(call_control_id="bad", name="x")):
            try:
                await call
            except confclient.APIError as exc:
                texts += [str(exc), repr(exc), repr(vars(exc))]
    sb.queue_faults("drop", "drop", "drop", "drop")
    async with sb.connect("telnyx", retry=FAST_RETRY) as svc:
        with pytest.raises(TransportError) as info:
            await svc.list(region="US").collect()
        texts += [str(info.value), repr(info.value), str(info.value.__cause__)]
    texts += [record.getMessage() for record in caplog.records]
    assert any("GET" in t and "/v2/conferences" in t for t in texts)
    assert len(caplog.records) > 5
    for text in texts:
        assert key not in text
        assert "Bearer" not in text


async def test_early_break_leaves_nothing_open(sb: Sandbox) -> None:
    async with sb.connect("telnyx") as svc:
        async for _conf in svc.list(region="US", page_size=10):
            break
        pager = svc.list(region="Europe", page_size=10)
        async for page in pager.pages():
            assert len(page) == 10
            break
        session = svc.transport.session
        assert session is not None
    assert session.closed
    gc.collect()  # a leaked session or generator would warn here; warnings are errors


async def test_caller_session_shared_with_the_app(sb: Sandbox) -> None:
    async with aiohttp.ClientSession() as session:
        async with sb.connect("telnyx", session=session) as svc:
            assert len(await svc.list(region="US", limit=5).collect()) == 5
        assert not session.closed
        async with session.get(sb.telnyx_base_url + "/conferences") as resp:
            assert resp.status == 401  # our credentials were never attached to the session


async def test_concurrent_region_listings_share_one_service(sb: Sandbox, svc: Any) -> None:
    results = await asyncio.gather(
        *(svc.list(region=r, page_size=25).collect() for r in svc.regions)
    )
    for region, got in zip(svc.regions, results, strict=True):
        assert [c.id for c in got] == ids(sb.telnyx_records(region))
