"""The official SDKs list and fetch participants from the sandbox unchanged (the bench extra,
``confclient[bench]``: skipped without it): the sandbox answers as the providers do, so the
participant benchmark compares like with like, and confclient sees what they see.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest

from confclient.sandbox import Sandbox

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
