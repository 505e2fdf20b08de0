"""A played conference's participants end to end: as each signed event reaches a receiver on
loopback, ``participants`` and ``get_participant`` list exactly the participants the events
named so far, in the states the events gave them (the sandbox applies a step's change before
it posts the step's event)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from confclient import (
    ConferenceEvent,
    EventType,
    Participant,
    ParticipantStatus,
)
from confclient.events import aiohttp_handler
from confclient.sandbox import Sandbox
from tests._played import ACTIONS, Expected
from tests._receiver import receiving

N = 4
PROVIDERS = ("telnyx", "twilio")


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=5, size=20) as sandbox:
        yield sandbox


def _state(p: Participant) -> tuple[object, ...]:
    return (p.id, p.call_id, p.status, p.muted, p.on_hold, p.joined_at, p.left_at)


async def _listed(svc: Any, conference_id: str, **options: Any) -> list[Participant]:
    return [p async for p in svc.participants(conference_id, **options)]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_the_participants_follow_the_events_step_by_step(sb: Sandbox, provider: str) -> None:
    expected = Expected()
    checked: list[EventType] = []
    async with sb.connect(provider) as svc:

        async def on_event(event: ConferenceEvent) -> None:
            expected.apply(event)
            if event.type is EventType.CONFERENCE_STARTED and provider == "telnyx":
                assert event.conference_id is not None
                assert await _listed(svc, event.conference_id) == []
            if event.type not in (
                EventType.PARTICIPANT_JOINED,
                EventType.PARTICIPANT_LEFT,
                EventType.CONFERENCE_ENDED,
                *ACTIONS,
            ):
                return
            assert event.conference_id is not None
            listed = await _listed(svc, event.conference_id)
            expected.check(provider, listed)
            for index, p in enumerate(listed, 1):  # one by one too
                got = await svc.get_participant(event.conference_id, p.id)
                assert _state(got) == _state(p)
                if provider == "telnyx":  # the single-record shape has the label; by label
                    assert got.label == f"participant-{index}"
                    assert (await svc.get_participant(event.conference_id, got.label)).id == p.id
                else:
                    assert got == p
            checked.append(event.type)

        handler = aiohttp_handler(sb.webhook_verifier(provider), on_event)
        async with receiving(("/hooks", handler)) as root:
            sb.add_webhook(provider, root + "/hooks")
            conference_id = await sb.simulate_conference(provider, participants=N)

        assert checked.count(EventType.PARTICIPANT_JOINED) == N
        assert checked.count(EventType.PARTICIPANT_LEFT) == N
        assert checked[-1] is EventType.CONFERENCE_ENDED
        if provider == "twilio":  # the data was checked after the mute and after the hold
            assert set(ACTIONS) <= set(checked)
        assert sb.webhook_statuses == {200: sum(sb.webhook_statuses.values())}
        final = await _listed(svc, conference_id)
        assert len(final) == N
        assert {p.status for p in final} == {ParticipantStatus.LEFT}
        if provider == "twilio":
            assert {p.raw["processing_state"] for p in final} == {"complete"}
            # Insights' Events filter finds the one muted and the one held participant.
            muted = await _listed(svc, conference_id, filters={"Events": "mute"})
            held = await _listed(svc, conference_id, filters={"Events": "hold"})
            assert [p.label for p in muted] == ["participant-1"]
            assert [p.label for p in held] == ["participant-2"]
        else:
            assert await _listed(svc, conference_id, muted=True) == []
            assert len(await _listed(svc, conference_id, muted=False)) == N
            by_label = await svc.get_participant(conference_id, "participant-2")
            assert by_label.call_id == final[1].call_id


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_played_participants_outlive_many_generated_listings(
    sb: Sandbox, provider: str
) -> None:
    conference_id = await sb.simulate_conference(provider, participants=3)
    async with sb.connect(provider) as svc:
        before = await _listed(svc, conference_id)
        # More conferences than the generated participants' cache keeps.
        others = [c.id async for c in svc.list(limit=12) if c.id != conference_id]
        for other in others:
            await _listed(svc, other, limit=1)
        assert await _listed(svc, conference_id) == before
        assert len(before) == 3
