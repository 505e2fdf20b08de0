"""Twilio conference status callbacks as the sandbox plays them: one whole conference, in
Twilio's order, signed with the sandbox account's auth token.

Order (TW-TWIML): the first participant joins and waits; the conference starts only once a
second one has joined (``participant-join``, ``participant-join``, ``conference-start``); the
others join; mutes and holds, speech starts and stops; every participant leaves; the last
leaving ends it (``conference-end``, ``last-participant-left``); then the recording status
callback (``RecordingStatus=completed``: a recording is saved after the end). Every callback
carries the conference's ``SequenceNumber``, one more each time.

Each step carries the change it makes to the emulator's data: the summary appears
``not_started`` at the first join, goes ``in_progress`` at the start and ``completed`` at the
end. Each participant's summary appears at its join (``call_status`` ``answered``,
``join_time`` = the callback's ``Timestamp``), gains a ``mute`` or ``hold`` entry in its
``events`` at a ``participant-mute`` / ``participant-hold`` (what Insights' ``Events`` filter
matches; the un- callbacks add nothing, as Insights documents no such event), and is
``completed`` with a ``leave_time`` at its leave; ``processing_state`` turns ``complete`` at
the end. ``call_sid`` and ``label`` are the callbacks' ``CallSid`` and ``ParticipantLabel``;
the ``participant_sid`` (which no callback carries) is the sandbox's own.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import partial
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode

from confclient.adapter import ConferenceScript, Delivery, Step, iso_ms, json_dumps
from confclient_twilio.events import sign

from .data import CANONICAL_ORIGIN, TWILIO_MIXER_REGIONS, TwilioRow
from .participants import ParticipantTables, TwilioParticipantRow

__all__ = ["TwilioConferencePlay", "sign_callback"]

FORM: Final = "application/x-www-form-urlencoded"
_REGION: Final = TWILIO_MIXER_REGIONS[0]


def sign_callback(auth_token: str, url: str, body: bytes) -> dict[str, str]:
    """The ``X-Twilio-Signature`` header of a form-encoded callback posted to ``url``."""
    params = parse_qsl(body.decode(), keep_blank_values=True)
    return {"X-Twilio-Signature": sign(auth_token, url, params)}


def _seconds(ms: int) -> str:
    return iso_ms(ms)[:-5] + "Z"


class TwilioConferencePlay:
    """One simulated conference: its participants, its callbacks, the data changes they make."""

    def __init__(
        self,
        put: Callable[[TwilioRow], None],
        participant_tables: ParticipantTables,
        account_sid: str,
        now_ms: int,
        participants: int,
        rng: random.Random,
    ) -> None:
        if participants < 2:
            raise ValueError(
                f"a twilio conference starts once two participants joined: participants >= 2, "
                f"got {participants}"
            )
        self._put = put
        self._participants = participant_tables
        self._rng = rng
        self.account_sid = account_sid
        region_index = TWILIO_MIXER_REGIONS.index(_REGION)
        self.sid = f"CF{(rng.getrandbits(124) << 4) | region_index:032x}"
        self.name = f"Simulated conference {rng.randrange(10_000)}"
        self.calls = [f"CA{rng.getrandbits(128):032x}" for _ in range(participants)]
        self.participant_sids = [f"CP{rng.getrandbits(128):032x}" for _ in self.calls]
        self._numbers = [f"+1555{rng.randrange(10_000_000):07d}" for _ in self.calls]
        # Per participant: join and leave times (epoch ms), and its events' times by name.
        self._joined_ms: list[int | None] = [None] * participants
        self._left_ms: list[int | None] = [None] * participants
        self._events: list[dict[str, list[int]]] = [{} for _ in self.calls]
        self.created_ms = now_ms - now_ms % 1000
        self._now = self.created_ms
        self._sequence = 0
        self.started_ms: int | None = None

    def _callback(self, event: str, **fields: str) -> Delivery:
        self._now += 1000 * self._rng.randrange(1, 4)
        self._sequence += 1
        when = datetime.fromtimestamp(self._now / 1000, UTC)
        params = {
            "AccountSid": self.account_sid,
            "ConferenceSid": self.sid,
            "FriendlyName": self.name,
            "SequenceNumber": str(self._sequence),
            "StatusCallbackEvent": event,
            "Timestamp": format_datetime(when),
            **fields,
        }
        return Delivery(urlencode(params).encode(), FORM)

    def _participant(self, event: str, index: int, **fields: str) -> Delivery:
        flags = {"Muted": "false", "Hold": "false", "Coaching": "false"}
        return self._callback(
            event,
            CallSid=self.calls[index],
            ParticipantLabel=f"participant-{index + 1}",
            EndConferenceOnExit="false",
            StartConferenceOnEnter="true",
            **{**flags, **fields},
        )

    # -- the data changes

    def _summary(self, status: str, **more: Any) -> None:
        url = f"{CANONICAL_ORIGIN}/v1/Conferences/{self.sid}"
        count = len(self.calls)
        record = {
            "account_sid": self.account_sid,
            "conference_sid": self.sid,
            "friendly_name": self.name,
            "create_time": _seconds(self.created_ms),
            "start_time": None if self.started_ms is None else _seconds(self.started_ms),
            "end_time": None,
            "duration_seconds": None,
            "connect_duration_seconds": None,
            "status": status,
            "max_participants": 250,
            "max_concurrent_participants": count,
            "unique_participants": count,
            "end_reason": None,
            "ended_by": None,
            "mixer_region": _REGION,
            "mixer_region_requested": None,
            "recording_enabled": True,
            "detected_issues": None,
            "tags": [],
            "tag_info": None,
            "processing_state": "in_progress",
            **more,
            "url": url,
            "links": {"conference_participants": f"{url}/Participants"},
        }
        self._put(
            TwilioRow(
                (-self.created_ms, self.sid),
                self.sid,
                self.account_sid,
                self.name,
                status,
                self.created_ms,
                _REGION,
                record["end_reason"],
                frozenset(),
                frozenset(),
                json_dumps(record),
            )
        )

    def _participant_summary(self, index: int, processing_state: str) -> None:
        sid, joined = self.participant_sids[index], self._joined_ms[index]
        left = self._left_ms[index]
        assert joined is not None
        events = {
            name: [{"timestamp": _seconds(at)} for at in times]
            for name, times in self._events[index].items()
        }
        url = f"{CANONICAL_ORIGIN}/v1/Conferences/{self.sid}/Participants/{sid}"
        record = {
            "participant_sid": sid,
            "label": f"participant-{index + 1}",
            "conference_sid": self.sid,
            "call_sid": self.calls[index],
            "account_sid": self.account_sid,
            "call_direction": "inbound",
            "from": self._numbers[index],
            "to": "+15550000000",
            "call_status": "answered" if left is None else "completed",
            "country_code": "US",
            "is_moderator": True,  # every participant starts the conference on entering
            "join_time": _seconds(joined),
            "leave_time": None if left is None else _seconds(left),
            "duration_seconds": None if left is None else (left - joined) // 1000,
            "outbound_queue_length": 0,
            "outbound_time_in_queue": 0,
            "jitter_buffer_size": "small",
            "is_coach": False,
            "coached_participants": None,
            "participant_region": _REGION,
            "conference_region": _REGION,
            "call_type": "carrier",
            "processing_state": processing_state,
            "properties": {},
            "events": events,
            "metrics": {},
            "url": url,
        }
        row = TwilioParticipantRow(
            sid, f"participant-{index + 1}", frozenset(events), json_dumps(record)
        )
        self._participants.put(self.sid, row)

    def joined(self, index: int, at_ms: int) -> None:
        if index == 0:
            self._summary("not_started")
            self._participants.begin(self.sid)
        self._joined_ms[index] = at_ms
        self._participant_summary(index, "in_progress")

    def acted(self, index: int, event: str, at_ms: int) -> None:
        """A participant was muted or held (``event``: ``mute`` or ``hold``)."""
        self._events[index].setdefault(event, []).append(at_ms)
        self._participant_summary(index, "in_progress")

    def left(self, index: int, at_ms: int) -> None:
        self._left_ms[index] = at_ms
        self._participant_summary(index, "in_progress")

    def started(self, at_ms: int) -> None:
        self.started_ms = at_ms
        self._summary("in_progress")

    def ended(self, at_ms: int) -> None:
        started = self.started_ms if self.started_ms is not None else self.created_ms
        self._summary(
            "completed",
            end_time=_seconds(at_ms),
            duration_seconds=(at_ms - self.created_ms) // 1000,
            connect_duration_seconds=(at_ms - started) // 1000,
            end_reason="last_participant_left",
            ended_by=self.calls[-1],
            processing_state="complete",
        )
        for index in range(len(self.calls)):
            self._participant_summary(index, "complete")

    # -- the script

    def script(self) -> ConferenceScript:
        count, rng = len(self.calls), self._rng
        steps = []
        for index in (0, 1):
            joined = self._participant("participant-join", index)
            steps.append(Step(joined, partial(self.joined, index, self._now)))
        start = self._callback("conference-start")
        start_ms = self._now
        steps.append(Step(start, partial(self.started, start_ms)))
        for index in range(2, count):
            joined = self._participant("participant-join", index)
            steps.append(Step(joined, partial(self.joined, index, self._now)))
        muted = self._participant("participant-mute", 0, Muted="true")
        steps.append(Step(muted, partial(self.acted, 0, "mute", self._now)))
        steps.append(Step(self._participant("participant-unmute", 0)))
        held = self._participant("participant-hold", 1, Hold="true")
        steps.append(Step(held, partial(self.acted, 1, "hold", self._now)))
        steps.append(Step(self._participant("participant-unhold", 1)))
        for _ in range(min(count, 3)):
            speaker = rng.randrange(count)
            steps.append(Step(self._participant("participant-speech-start", speaker)))
            steps.append(Step(self._participant("participant-speech-stop", speaker)))
        for index in range(count):
            left = self._participant(
                "participant-leave",
                index,
                ParticipantCallStatus="completed",
                ReasonParticipantLeft="participant_hung_up",
            )
            steps.append(Step(left, partial(self.left, index, self._now)))
        end = self._callback(
            "conference-end",
            ReasonConferenceEnded="last-participant-left",
            Reason="Participant hung up",
            CallSidEndingConference=self.calls[-1],
            ParticipantLabelEndingConference=f"participant-{count}",
        )
        end_ms = self._now
        steps.append(Step(end, partial(self.ended, end_ms)))
        steps.append(Step(self._recording(end_ms)))
        return ConferenceScript(self.sid, steps)

    def _recording(self, end_ms: int) -> Delivery:
        recording = f"RE{self._rng.getrandbits(128):032x}"
        started = self.started_ms if self.started_ms is not None else self.created_ms
        params = {
            "AccountSid": self.account_sid,
            "ConferenceSid": self.sid,
            "RecordingSid": recording,
            "RecordingUrl": (
                f"https://api.twilio.com/2010-04-01/Accounts/{self.account_sid}"
                f"/Recordings/{recording}"
            ),
            "RecordingStatus": "completed",
            "RecordingDuration": str((end_ms - started) // 1000),
            "RecordingChannels": "1",
            "RecordingStartTime": format_datetime(datetime.fromtimestamp(started / 1000, UTC)),
            "RecordingSource": "Conference",
        }
        return Delivery(urlencode(params).encode(), FORM)
