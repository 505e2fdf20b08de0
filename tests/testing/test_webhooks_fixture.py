"""The pytest fixture plays conferences to a receiver the test serves on its own loop."""

from __future__ import annotations

from collections import Counter

import pytest

import confclient
from confclient.events import aiohttp_handler
from confclient.testing import ThreadedSandbox
from tests._played import Expected
from tests._receiver import receiving


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_handler_under_test_gets_every_event_once(
    confclient_sandbox: ThreadedSandbox, provider: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in confclient_sandbox.webhook_environment(provider).items():
        monkeypatch.setenv(name, value)  # the code under test reads its secret from there
    seen: list[confclient.ConferenceEvent] = []
    handler = aiohttp_handler(confclient.webhook_verifier(provider), seen.append)
    async with receiving(("/hooks", handler)) as root:
        confclient_sandbox.add_webhook(provider, root + "/hooks")
        conf_id = await confclient_sandbox.simulate_conference(
            provider, participants=2, duplicates=0.5, shuffle=True
        )
    kinds = Counter(event.type for event in seen)
    assert kinds[confclient.EventType.PARTICIPANT_JOINED] == 2
    assert kinds[confclient.EventType.CONFERENCE_ENDED] == 1
    assert {event.conference_id for event in seen} == {conf_id}
    expected = Expected()
    expected.apply_all(seen)
    async with confclient_sandbox.connect(provider) as svc:
        assert (await svc.get(conf_id)).status is confclient.ConferenceStatus.COMPLETED
        # The participants the events named, as they said: joined then, and left then.
        listed = [p async for p in svc.participants(conf_id)]
        expected.check(provider, listed)
        assert {p.status for p in listed} == {confclient.ParticipantStatus.LEFT}


async def test_not_running() -> None:
    sb = ThreadedSandbox()
    with pytest.raises(RuntimeError, match="not running"):
        await sb.simulate_conference("telnyx")
    with pytest.raises(RuntimeError, match="not running"):
        sb.add_webhook("telnyx", "http://127.0.0.1:1/x")
