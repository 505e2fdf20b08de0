"""Participants end to end: real HTTP over loopback against the sandbox, both providers.

Exact sets (what the sandbox generated, in its order), server-side filters, paging at every
page size the providers allow, resume tokens, lookup by id across regions, faults at 30%,
and ``merge`` over participant pagers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import pytest

import confclient
from confclient import (
    DecodeError,
    InvalidRequestError,
    NotFoundError,
    Participant,
    ParticipantStatus,
    RetryPolicy,
    UnsafeRedirectError,
    UnsupportedFilterError,
)
from confclient.sandbox import Sandbox

SIZE = 12
FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base=0.0, retry_after_max=0.05)
PATIENT = RetryPolicy(max_attempts=16, backoff_base=0.001, backoff_max=0.01, retry_after_max=0.005)
REGION = {"telnyx": "Europe", "twilio": "us1"}
ID_KEY = {"telnyx": "id", "twilio": "participant_sid"}
CONFERENCE_ID_KEY = {"telnyx": "id", "twilio": "conference_sid"}
MAX_PAGE = {"telnyx": 250, "twilio": 1000}
PROVIDERS = pytest.mark.parametrize("provider", ["telnyx", "twilio"])


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=7, size=SIZE, retry_after=0.01) as sandbox:
        yield sandbox


def conference_ids(sb: Sandbox, provider: str) -> list[str]:
    return [r[CONFERENCE_ID_KEY[provider]] for r in sb.records(provider, REGION[provider])]


def native(sb: Sandbox, provider: str, conference_id: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = getattr(sb, f"{provider}_participant_records")(conference_id)
    return records


def ids(records: list[dict[str, Any]], provider: str) -> list[str]:
    return [r[ID_KEY[provider]] for r in records]


@PROVIDERS
async def test_every_conference_lists_exactly_its_participants(sb: Sandbox, provider: str) -> None:
    counts = []
    async with sb.connect(provider, retry=FAST_RETRY) as svc:
        for conf in await svc.list(region=REGION[provider]).collect():
            got = await svc.participants(conf).collect()
            assert all(isinstance(p, Participant) for p in got)
            assert [p.id for p in got] == ids(native(sb, provider, conf.id), provider)
            assert {p.conference_id for p in got} <= {conf.id}
            counts.append(len(got))
    # From none to more than one page of the largest size.
    assert min(counts) == 0
    assert sorted(counts)[-2:] == [601, 1503]


@PROVIDERS
@pytest.mark.parametrize("page_size", [1, 7, 250, 1000])
async def test_paging_at_any_size_gives_the_same_stream(
    sb: Sandbox, provider: str, page_size: int
) -> None:
    conference = conference_ids(sb, provider)[2]  # 601 participants
    expected = ids(native(sb, provider, conference), provider)
    async with sb.connect(provider, retry=FAST_RETRY) as svc:
        if page_size > MAX_PAGE[provider]:
            with pytest.raises(InvalidRequestError, match="page_size"):
                svc.participants(conference, page_size=page_size)
            return
        sizes = []
        got: list[str] = []
        async for page in svc.participants(conference, page_size=page_size).pages():
            sizes.append(len(page.items))
            got.extend(p.id for p in page.items)
    assert got == expected
    assert len(sizes) == -(-len(expected) // page_size)


@PROVIDERS
async def test_a_listing_resumes_exactly_after_the_last_participant_received(
    sb: Sandbox, provider: str
) -> None:
    conference = conference_ids(sb, provider)[1]  # 1,503 participants
    expected = ids(native(sb, provider, conference), provider)
    async with sb.connect(provider, retry=FAST_RETRY) as svc:
        first = svc.participants(conference, page_size=100)
        got = []
        async for p in first:
            got.append(p.id)
            if len(got) == 333:
                break
        token = first.resume_token
        assert token is not None
        rest = await svc.participants(conference, resume_token=token).collect()
        limited = await svc.participants(conference, limit=5).collect()
        with pytest.raises(InvalidRequestError, match="another conference"):
            svc.participants(conference_ids(sb, provider)[0], resume_token=token)
    assert got + [p.id for p in rest] == expected
    assert [p.id for p in limited] == expected[:5]


async def test_telnyx_filters_are_applied_by_the_server(sb: Sandbox) -> None:
    conference = conference_ids(sb, "telnyx")[1]
    records = native(sb, "telnyx", conference)
    async with sb.connect("telnyx", retry=FAST_RETRY) as svc:
        muted = await svc.participants(conference, muted=True, on_hold=False).collect()
        whispering = await svc.participants(conference, filters={"whispering": True}).collect()
        with pytest.raises(UnsupportedFilterError):
            svc.participants(conference, label="caller-1")
    assert [p.id for p in muted] == [r["id"] for r in records if r["muted"] and not r["on_hold"]]
    assert 0 < len(muted) < len(records)
    assert [p.id for p in whispering] == [r["id"] for r in records if r["whisper_call_control_ids"]]
    assert all(p.coaching for p in whispering)
    paths = [target for _, target in sb.stats.queries if "/participants" in target]
    assert any("filter%5Bmuted%5D=true" in t or "filter[muted]=true" in t for t in paths)


async def test_twilio_filters_are_applied_by_the_server(sb: Sandbox) -> None:
    conference = conference_ids(sb, "twilio")[1]
    records = native(sb, "twilio", conference)
    async with sb.connect("twilio", retry=FAST_RETRY) as svc:
        labelled = await svc.participants(conference, label="caller-9").collect()
        muted_once = await svc.participants(conference, filters={"Events": "mute"}).collect()
        one = await svc.participants(
            conference, filters={"ParticipantSid": records[3]["participant_sid"]}
        ).collect()
        for refused in ({"muted": True}, {"on_hold": False}):
            with pytest.raises(UnsupportedFilterError):
                svc.participants(conference, **refused)
    assert [p.label for p in labelled] == ["caller-9"]
    assert [p.id for p in muted_once] == [
        r["participant_sid"] for r in records if "mute" in r["events"]
    ]
    assert [p.id for p in one] == [records[3]["participant_sid"]]


@PROVIDERS
async def test_get_participant_and_its_errors(sb: Sandbox, provider: str) -> None:
    conference = conference_ids(sb, provider)[1]
    record = native(sb, provider, conference)[5]
    async with sb.connect(provider, retry=FAST_RETRY) as svc:
        conf = await svc.get(conference)
        by_conf = await svc.get_participant(conf, record[ID_KEY[provider]])
        by_id = await svc.get_participant(conference, record[ID_KEY[provider]])
        listed = (await svc.participants(conf, limit=6).collect())[5]
        before = sb.stats.total_requests
        with pytest.raises(InvalidRequestError):
            await svc.get_participant(conf, "")
        with pytest.raises(InvalidRequestError):
            svc.participants("")
        # Telnyx takes a participant's id or label, but a conference only by its UUID;
        # Twilio takes SIDs only.
        with pytest.raises(InvalidRequestError):
            svc.participants("../balance")
        if provider == "twilio":
            with pytest.raises(InvalidRequestError, match="participant SID"):
                await svc.get_participant(conf, "../balance")
        assert sb.stats.total_requests == before
        missing = (
            "CP" + "0" * 32 if provider == "twilio" else "5d1a1a1e-0000-4000-8000-000000000000"
        )
        with pytest.raises(NotFoundError):
            await svc.get_participant(conf, missing)
    assert by_conf.id == by_id.id == listed.id == record[ID_KEY[provider]]
    assert by_conf.status is listed.status
    assert by_conf.joined_at == listed.joined_at


async def test_telnyx_single_record_shape_and_lookup_by_label(sb: Sandbox) -> None:
    conference = conference_ids(sb, "telnyx")[0]
    async with sb.connect("telnyx", retry=FAST_RETRY) as svc:
        first = (await svc.participants(conference, limit=1).collect())[0]
        by_label = await svc.get_participant(conference, "caller-1")
    assert by_label.id == first.id
    assert (first.label, by_label.label) == (None, "caller-1")
    assert by_label.conference_id == first.conference_id == conference
    assert by_label.status in set(ParticipantStatus)


async def test_telnyx_finds_a_conference_given_by_id_in_whichever_region_has_it(
    sb: Sandbox,
) -> None:
    conference = sb.telnyx_records("Middle East")[0]["id"]
    expected = ids(native(sb, "telnyx", conference), "telnyx")
    async with sb.connect("telnyx", retry=FAST_RETRY) as svc:
        got = await svc.participants(conference, page_size=3).collect()
        with pytest.raises(NotFoundError) as caught:
            await svc.participants("5d1a1a1e-0000-4000-8000-000000000000").collect()
    assert [p.id for p in got] == expected
    assert {p.data_region for p in got} <= {"Middle East"}
    assert set(caught.value.regions or ()) == set(svc.regions)


@PROVIDERS
async def test_faults_at_thirty_percent_lose_and_repeat_nothing(provider: str) -> None:
    async with Sandbox(seed=3, size=4, fault_rate=0.3, retry_after=30) as sb:
        conference = conference_ids(sb, provider)[1]
        expected = ids(native(sb, provider, conference), provider)
        async with sb.connect(provider, retry=PATIENT) as svc:
            pager = svc.participants(conference, page_size=50)
            got = [p.id async for p in pager]
        assert got == expected
        assert sb.stats.total_faults > 3


async def test_merge_over_participant_pagers_of_two_providers(sb: Sandbox) -> None:
    tx_conf, tw_conf = conference_ids(sb, "telnyx")[2], conference_ids(sb, "twilio")[2]
    async with (
        sb.connect("telnyx", retry=FAST_RETRY) as telnyx,
        sb.connect("twilio", retry=FAST_RETRY) as twilio,
    ):
        merged = await confclient.merge(
            telnyx.participants(tx_conf, page_size=100),
            twilio.participants(tw_conf, page_size=100),
        ).collect()
        limited = await confclient.merge(
            telnyx.participants(tx_conf), twilio.participants(tw_conf), limit=10
        ).collect()
    expected = ids(native(sb, "telnyx", tx_conf), "telnyx")
    assert [p.id for p in merged if p.provider == "telnyx"] == expected
    assert [p.id for p in merged if p.provider == "twilio"] == ids(
        native(sb, "twilio", tw_conf), "twilio"
    )
    assert len(limited) == 10


async def test_fan_out_over_regions_then_participants(sb: Sandbox) -> None:
    """``fan_out`` lists conferences of every region; each one's participants follow."""
    async with sb.connect("telnyx", retry=FAST_RETRY) as svc:
        conferences = await confclient.fan_out(svc, limit=8).collect()
        totals = {}
        for conf in conferences:
            totals[conf.id] = len(await svc.participants(conf).collect())
    for conf in conferences:
        assert totals[conf.id] == len(native(sb, "telnyx", conf.id))


def _participant_regions(sb: Sandbox) -> list[str]:
    """The ``region`` of each participant list request the sandbox saw, in order."""
    return [
        parse_qs(urlsplit(target).query).get("region", ["-"])[0]
        for _, target in sb.stats.queries
        if target.split("?")[0].endswith("/participants")
    ]


async def test_telnyx_asks_a_conference_s_own_region_and_resumes_where_it_was_found(
    sb: Sandbox,
) -> None:
    conference = sb.telnyx_records("Middle East")[1]["id"]  # 1,503
    expected = ids(native(sb, "telnyx", conference), "telnyx")
    async with sb.connect("telnyx", retry=FAST_RETRY) as svc:
        conf = await svc.get(conference)
        sb.stats.reset()
        whole = await svc.participants(conf, page_size=250).collect()
        assert _participant_regions(sb) == ["Middle East"] * 7  # no lookup elsewhere
        # By id: looked for everywhere once, then every page asked where it was found.
        sb.stats.reset()
        pager = svc.participants(conference, page_size=100)
        head = []
        async for p in pager:
            head.append(p.id)
            if len(head) == 250:
                break
        asked = _participant_regions(sb)
        assert sorted(set(asked)) == sorted(svc.regions)
        assert asked.count("Middle East") >= 3
        sb.stats.reset()
        rest = await svc.participants(conference, resume_token=pager.resume_token).collect()
        assert set(_participant_regions(sb)) == {"Middle East"}
        # A Conference whose region is wrong is still found, as get finds it.
        moved = attrs.evolve(conf, data_region="Europe")
        again = await svc.participants(moved, limit=3).collect()
    assert [p.id for p in whole] == expected
    assert head + [p.id for p in rest] == expected
    assert [p.id for p in again] == expected[:3]
    assert {p.data_region for p in whole} == {"Middle East"}


async def test_merge_orders_participants_of_several_conferences_by_joined_at(
    sb: Sandbox,
) -> None:
    first, second = conference_ids(sb, "twilio")[1:3]
    async with sb.connect("twilio", retry=FAST_RETRY) as svc:
        merged = await confclient.merge(
            svc.participants(first, page_size=200),
            svc.participants(second, page_size=200),
            order_by="joined_at",
            descending=False,  # each listing is in the order its participants joined
        ).collect()
    joined = [p.joined_at for p in merged]
    assert joined == sorted(joined)
    assert len(merged) == len(native(sb, "twilio", first)) + len(native(sb, "twilio", second))


async def test_twilio_participant_pages_are_guarded_like_conference_pages(sb: Sandbox) -> None:
    """A next page on another host is refused unsent; one that repeats itself stops the
    listing; a token of one conference's listing does not resume another's."""
    conference = conference_ids(sb, "twilio")[1]
    async with sb.connect("twilio", retry=FAST_RETRY) as svc:
        sb.twilio_next_page_origin = "http://127.0.0.2:9"
        with pytest.raises(UnsafeRedirectError, match=r"127\.0\.0\.2"):
            await svc.participants(conference, page_size=5).collect()
        sb.twilio_next_page_origin = None
        sb.twilio_repeat_next_page = True
        with pytest.raises(DecodeError, match="already sent"):
            await svc.participants(conference, page_size=5).collect()
        sb.twilio_repeat_next_page = False
        other = conference_ids(sb, "twilio")[2]
        token = svc.participants(conference, page_size=5)
        async for _ in token:
            break
        with pytest.raises(InvalidRequestError, match="another conference"):
            svc.participants(other, resume_token=token.resume_token)
