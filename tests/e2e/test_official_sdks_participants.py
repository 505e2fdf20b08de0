"""The official SDKs list and fetch participants from the sandbox unchanged (the bench extra,
``confclient[bench]``: skipped without it): the sandbox answers as the providers do, so the
participant benchmark compares like with like, and confclient sees what they see. A played
conference's participants too: the records the sandbox writes as the events go are in the
documented shapes and carry the events' call ids and labels.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest

from confclient import ConferenceEvent, EventType
from confclient.events import aiohttp_handler
from confclient.sandbox import Sandbox
from tests._receiver import receiving

telnyx = pytest.importorskip("telnyx")
twilio_rest = pytest.importorskip("twilio.rest")
twilio_http = pytest.importorskip("twilio.http.async_http_client")


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=5, size=6) as sandbox:
        yield sandbox


async def test_telnyx_sdk_lists_and_retrieves_participants(sb: Sandbox) -> None:
    conference = sb.telnyx_records("Europe")[2]["id"]  # 601 participants
    expected = sb.telnyx_participant_records(conference)
    client = telnyx.AsyncTelnyx(api_key=sb.telnyx_api_key, base_url=sb.telnyx_base_url)
    try:
        listed = [
            p
            async for p in client.conferences.list_participants(
                conference, region="Europe", page_size=250
            )
        ]
        muted = [
            p
            async for p in client.conferences.list_participants(
                conference, region="Europe", filter={"muted": True}, page_size=250
            )
        ]
        resource = await client.conferences.retrieve_participant(expected[4]["id"], id=conference)
    finally:
        await client.close()
    assert [p.id for p in listed] == [r["id"] for r in expected]
    assert [p.status for p in listed] == [r["status"] for r in expected]
    assert [p.conference.id for p in listed] == [conference] * len(expected)
    assert [p.id for p in muted] == [r["id"] for r in expected if r["muted"]]
    one = resource.data
    assert one is not None
    assert (one.id, one.conference_id, one.label) == (expected[4]["id"], conference, "caller-5")
    async with sb.connect("telnyx") as svc:
        ours = await svc.participants(conference).collect()
    assert [p.id for p in ours] == [p.id for p in listed]
    assert [p.call_id for p in ours] == [p.call_control_id for p in listed]


# The SDK's own use of aiohttp's basic auth, deprecated in the aiohttp we pin.
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:The 'auth' parameter is deprecated:DeprecationWarning")
async def test_twilio_sdk_lists_and_fetches_participant_summaries(sb: Sandbox) -> None:
    conference = sb.twilio_records("us1")[1]["conference_sid"]  # 1,503 participants
    expected = sb.twilio_participant_records(conference)
    http = twilio_http.AsyncTwilioHttpClient()
    try:
        client = twilio_rest.Client(sb.twilio_account_sid, sb.twilio_auth_token, http_client=http)
        client.insights.base_url = sb.twilio_base_url.removesuffix("/v1")
        participants = client.insights.v1.conferences(conference).conference_participants
        listed: list[Any] = [p async for p in await participants.stream_async(page_size=1000)]
        labelled = [p async for p in await participants.stream_async(label="caller-3")]
        one = await participants(expected[7]["participant_sid"]).fetch_async()
    finally:
        await http.close()
    assert [p.participant_sid for p in listed] == [r["participant_sid"] for r in expected]
    assert [p.call_status for p in listed] == [r["call_status"] for r in expected]
    assert [p.label for p in labelled] == ["caller-3"]
    assert one.participant_sid == expected[7]["participant_sid"]
    async with sb.connect("twilio") as svc:
        ours = await svc.participants(conference).collect()
    assert [p.id for p in ours] == [p.participant_sid for p in listed]
    # The SDK leaves the summary's timestamps as the strings received.
    assert [p.joined_at for p in ours] == [datetime.fromisoformat(p.join_time) for p in listed]


async def _play(sb: Sandbox, provider: str) -> tuple[str, list[ConferenceEvent]]:
    seen: list[ConferenceEvent] = []
    handler = aiohttp_handler(sb.webhook_verifier(provider), seen.append)
    async with receiving(("/hooks", handler)) as root:
        sb.add_webhook(provider, root + "/hooks")
        conference = await sb.simulate_conference(provider, participants=3)
    return conference, [e for e in seen if e.type is EventType.PARTICIPANT_JOINED]


async def test_telnyx_sdk_reads_the_played_participants(sb: Sandbox) -> None:
    conference, joins = await _play(sb, "telnyx")
    client = telnyx.AsyncTelnyx(api_key=sb.telnyx_api_key, base_url=sb.telnyx_base_url)
    try:
        listed = [p async for p in client.conferences.list_participants(conference)]
        one = (await client.conferences.retrieve_participant("participant-2", id=conference)).data
    finally:
        await client.close()
    assert [p.call_control_id for p in listed] == [e.call_id for e in joins]
    # The SDK leaves the timestamps as the strings received.
    assert [datetime.fromisoformat(p.created_at) for p in listed] == [e.occurred_at for e in joins]
    assert {(p.status, p.muted, p.on_hold) for p in listed} == {("left", False, False)}
    assert one is not None
    assert (one.id, one.call_control_id) == (listed[1].id, joins[1].call_id)


# The SDK's own use of aiohttp's basic auth, deprecated in the aiohttp we pin.
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:The 'auth' parameter is deprecated:DeprecationWarning")
async def test_twilio_sdk_reads_the_played_summaries(sb: Sandbox) -> None:
    conference, joins = await _play(sb, "twilio")
    http = twilio_http.AsyncTwilioHttpClient()
    try:
        client = twilio_rest.Client(sb.twilio_account_sid, sb.twilio_auth_token, http_client=http)
        client.insights.base_url = sb.twilio_base_url.removesuffix("/v1")
        participants = client.insights.v1.conferences(conference).conference_participants
        listed: list[Any] = [p async for p in await participants.stream_async()]
        muted = [p async for p in await participants.stream_async(events="mute")]
        one = await participants(listed[2].participant_sid).fetch_async()
    finally:
        await http.close()
    assert [(p.call_sid, p.label) for p in listed] == [
        (e.call_id, e.participant_label) for e in joins
    ]
    # Second-resolution ISO times, which the SDK parses (it leaves ".000Z" ones as strings).
    assert [p.join_time for p in listed] == [e.occurred_at for e in joins]
    assert {p.call_status for p in listed} == {"completed"}
    assert [p.label for p in muted] == ["participant-1"]
    assert (one.call_sid, one.events) == (joins[2].call_id, {})
