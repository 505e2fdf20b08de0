"""The participants a played conference's events describe, to hold the sandbox's listing to."""

from __future__ import annotations

from datetime import datetime

from confclient import ConferenceEvent, EventType, Participant, ParticipantStatus

# What a Twilio summary records in its ``events`` for each event (Insights' ``Events=``).
ACTIONS = {EventType.PARTICIPANT_MUTED: "mute", EventType.PARTICIPANT_HELD: "hold"}


class Expected:
    """The participants as the events so far describe them, by call id."""

    def __init__(self) -> None:
        self.joined_at: dict[str, datetime | None] = {}
        self.left_at: dict[str, datetime | None] = {}
        self.labels: dict[str, str | None] = {}
        self.actions: dict[str, set[str]] = {}

    def apply(self, event: ConferenceEvent) -> None:
        call = event.call_id
        if event.type is EventType.PARTICIPANT_JOINED:
            assert call is not None
            assert call not in self.joined_at
            self.joined_at[call] = event.occurred_at
            self.left_at[call] = None
            self.labels[call] = event.participant_label
            self.actions[call] = set()
        elif event.type is EventType.PARTICIPANT_LEFT:
            assert call in self.joined_at
            self.left_at[call] = event.occurred_at
        elif event.type in ACTIONS:
            assert call is not None
            self.actions[call].add(ACTIONS[event.type])

    def check(self, provider: str, listed: list[Participant]) -> None:
        assert [p.call_id for p in listed] == list(self.joined_at)  # in the order they joined
        assert len({p.id for p in listed}) == len(listed)
        for p in listed:
            assert p.call_id is not None
            left = self.left_at[p.call_id]
            assert p.status is (
                ParticipantStatus.JOINED if left is None else ParticipantStatus.LEFT
            )
            assert (p.joined_at, p.left_at) == (self.joined_at[p.call_id], left)
            if provider == "twilio":
                assert p.label == self.labels[p.call_id]
                assert set(p.raw["events"]) == self.actions[p.call_id]
                assert (p.duration is None) is (left is None)
            else:
                assert (p.muted, p.on_hold) == (False, False)  # Telnyx sends no mute or hold

    def apply_all(self, seen: list[ConferenceEvent]) -> None:
        """Apply the participant events of ``seen`` (any order, once each) in time order."""
        kinds = (EventType.PARTICIPANT_JOINED, EventType.PARTICIPANT_LEFT, *ACTIONS)
        in_order: dict[datetime, ConferenceEvent] = {}
        for event in seen:
            if event.type in kinds:
                assert event.occurred_at is not None
                assert event.occurred_at not in in_order
                in_order[event.occurred_at] = event
        for when in sorted(in_order):
            self.apply(in_order[when])
