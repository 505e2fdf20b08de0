"""Conference events end to end: the sandbox plays whole conferences as signed webhooks over
real HTTP on loopback, an ``aiohttp_handler`` verifies and dedupes them, and the listed data
agrees with the events at each moment."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from confclient import ConferenceEvent, ConferenceStatus, EventType, WebhookSignatureError
from confclient.events import MemoryDedupe, aiohttp_handler
from confclient.sandbox import Sandbox
from tests._played import Expected
from tests._receiver import receiving

N = 4
EXPECTED: dict[str, Counter[EventType]] = {
    "telnyx": Counter(
        {
            EventType.CONFERENCE_STARTED: 1,
            EventType.PARTICIPANT_JOINED: N,
            EventType.SPEAKER_CHANGED: 4,
            EventType.PLAYBACK_STARTED: 1,
            EventType.PLAYBACK_ENDED: 1,
            EventType.PARTICIPANT_LEFT: N,
            EventType.CONFERENCE_ENDED: 1,
            EventType.RECORDING_SAVED: 1,
        }
    ),
    "twilio": Counter(
        {
            EventType.PARTICIPANT_JOINED: N,
            EventType.CONFERENCE_STARTED: 1,
            EventType.PARTICIPANT_MUTED: 1,
            EventType.PARTICIPANT_UNMUTED: 1,
            EventType.PARTICIPANT_HELD: 1,
            EventType.PARTICIPANT_UNHELD: 1,
            EventType.SPEECH_STARTED: 3,
            EventType.SPEECH_STOPPED: 3,
            EventType.PARTICIPANT_LEFT: N,
            EventType.CONFERENCE_ENDED: 1,
            EventType.RECORDING_SAVED: 1,
        }
    ),
}
PROVIDERS = sorted(EXPECTED)


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=3, size=20) as sandbox:
        yield sandbox


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_conference_in_order_with_the_data_following(sb: Sandbox, provider: str) -> None:
    seen: list[ConferenceEvent] = []
    statuses: dict[EventType, ConferenceStatus] = {}
    async with sb.connect(provider) as svc:

        async def on_event(event: ConferenceEvent) -> None:
            seen.append(event)
            if event.type in (EventType.CONFERENCE_STARTED, EventType.CONFERENCE_ENDED):
                assert event.conference_id is not None
                statuses[event.type] = (await svc.get(event.conference_id)).status

        handler = aiohttp_handler(sb.webhook_verifier(provider), on_event)
        async with receiving(("/hooks", handler)) as root:
            sb.add_webhook(provider, root + "/hooks")
            conference_id = await sb.simulate_conference(provider, participants=N)
        assert Counter(event.type for event in seen) == EXPECTED[provider]
        assert {event.conference_id for event in seen} == {conference_id}
        assert statuses == {
            EventType.CONFERENCE_STARTED: ConferenceStatus.IN_PROGRESS,
            EventType.CONFERENCE_ENDED: ConferenceStatus.COMPLETED,
        }
        # list and get agree with the events once it is over.
        listed = [conf async for conf in svc.list(status="completed") if conf.id == conference_id]
        assert len(listed) == 1
        assert listed[0].end_reason is not None
    assert seen[-1].type is EventType.RECORDING_SAVED  # saved after the end
    assert seen[-2].type is EventType.CONFERENCE_ENDED
    if provider == "twilio":
        # Twilio starts a conference once two participants have joined.
        assert [event.type for event in seen[:3]] == [
            EventType.PARTICIPANT_JOINED,
            EventType.PARTICIPANT_JOINED,
            EventType.CONFERENCE_STARTED,
        ]
        sequences = [event.sequence for event in seen[:-1]]
        assert sequences == list(range(1, len(seen)))
    else:
        assert seen[0].type is EventType.CONFERENCE_STARTED
    assert sb.webhook_statuses == {200: len(seen)}


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_duplicated_and_shuffled_deliveries_reach_on_event_once_each(
    sb: Sandbox, provider: str
) -> None:
    seen: list[ConferenceEvent] = []
    handler = aiohttp_handler(sb.webhook_verifier(provider), seen.append, dedupe=MemoryDedupe())
    async with receiving(("/a", handler), ("/b", handler)) as root:
        for path in ("/a", "/b"):  # two URLs: every event reaches the handler twice at least
            sb.add_webhook(provider, root + path)
        conference_id = await sb.simulate_conference(
            provider, participants=N, duplicates=0.5, shuffle=True
        )
    assert Counter(event.type for event in seen) == EXPECTED[provider]
    # The participants are as the events, put back in time order, leave them.
    expected = Expected()
    expected.apply_all(seen)
    async with sb.connect(provider) as svc:
        expected.check(provider, [p async for p in svc.participants(conference_id)])
    assert len({event.id for event in seen}) == len(seen)
    deliveries = sum(sb.webhook_statuses.values())
    assert sb.webhook_statuses[200] == deliveries > 2 * len(seen)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_another_key_refuses_what_the_sandbox_signs(provider: str) -> None:
    async with Sandbox(seed=1, size=1) as one, Sandbox(seed=2, size=1) as other:
        refused: list[str] = []

        async def handle(request: web.Request) -> web.Response:
            body = await request.read()
            try:
                other.webhook_verifier(provider).verify(request.headers, body, url=str(request.url))
            except WebhookSignatureError as exc:
                refused.append(exc.reason)
            return web.Response()

        async with receiving(("/hooks", handle)) as root:
            one.add_webhook(provider, root + "/hooks")
            await one.simulate_conference(provider, participants=2)
        assert sum(one.webhook_statuses.values()) == len(refused) > 0
        assert set(refused) == {"bad_signature"}


async def test_without_urls_the_data_still_changes_and_bad_calls_are_refused(sb: Sandbox) -> None:
    conference_id = await sb.simulate_conference("telnyx", participants=1)
    async with sb.connect("telnyx") as svc:
        assert (await svc.get(conference_id)).status is ConferenceStatus.COMPLETED
    assert sb.webhooks("telnyx") == ()
    assert sb.telnyx_public_key == sb.emulator("telnyx").webhook_options()["public_key"]
    with pytest.raises(ValueError, match="participants >= 2"):
        await sb.simulate_conference("twilio", participants=1)
    with pytest.raises(ValueError, match="probability"):
        await sb.simulate_conference("twilio", duplicates=2.0)
    with pytest.raises(ValueError, match="unknown sandbox provider"):
        sb.add_webhook("nope", "http://127.0.0.1:1/x")
    with pytest.raises(ValueError, match="absolute http"):
        sb.add_webhook("telnyx", "/relative")
