"""Telnyx conference webhooks as the sandbox plays them: one whole conference, in Telnyx's
order, signed with the sandbox's own Ed25519 key.

Order (TX-SPEC): ``conference.created`` (the creator's leg), one
``conference.participant.joined`` per leg, ``conference.floor.changed`` as speakers change,
a playback started and ended, one ``conference.participant.left`` per leg,
``conference.ended`` (``all_left``), then ``conference.recording.saved`` (the recording is
saved after the end). ``occurred_at`` sits at ``data`` level for joins and leaves and in
``payload`` otherwise, as the spec models them. Telnyx has no conference-level mute or hold
events.

Each step carries the change it makes to the emulator's data: created puts the conference in
progress in its region, ended completes it; a join lists its leg's participant ``joined``
(``created_at`` = the join's ``occurred_at``), a leave lists it ``left`` (``updated_at`` = the
leave's ``occurred_at``). A participant's ``call_control_id`` and ``call_leg_id`` are its
leg's, as the events carry them; its ``id`` (a uuid the events do not carry) and its label
``participant-N`` are the sandbox's own. Nobody is muted or on hold: Telnyx sends no
conference-level event for either.
"""

from __future__ import annotations

import base64
import random
import time
from collections.abc import Callable
from functools import partial
from typing import Any, Final

from confclient.adapter import (
    ConferenceScript,
    Delivery,
    Step,
    iso_ms,
    json_dumps,
    load_ed25519_private_key,
    seeded_rng,
    uuid4_str,
)

from .data import DEFAULT_REGION, TELNYX_SITES, make_row
from .participants import ParticipantTables, TelnyxParticipantRow
from .store import RegionTable

__all__ = ["TelnyxConferencePlay", "TelnyxWebhookSigner"]

_LIFETIME_MS: Final = 4 * 60 * 60 * 1000
JSON: Final = "application/json"


class TelnyxWebhookSigner:
    """The sandbox's Ed25519 key pair (derived from the seed) and Telnyx's signing headers."""

    def __init__(self, seed: int) -> None:
        self._secret = seeded_rng(seed, "telnyx", "webhook-key").randbytes(32)
        self._key: Any = None

    def _private(self) -> Any:
        if self._key is None:  # cryptography (the webhooks extra) is needed only from here
            self._key = load_ed25519_private_key(self._secret)
        return self._key

    @property
    def public_key(self) -> str:
        """Base64 of the 32-byte public key (what Mission Control shows)."""
        return base64.b64encode(self._private().public_key().public_bytes_raw()).decode()

    def headers(self, body: bytes, now: float | None = None) -> dict[str, str]:
        """``telnyx-signature-ed25519`` and ``telnyx-timestamp`` of a delivery sent now."""
        stamp = str(int(time.time() if now is None else now))
        signature = self._private().sign(stamp.encode() + b"|" + body)
        return {
            "telnyx-signature-ed25519": base64.b64encode(signature).decode(),
            "telnyx-timestamp": stamp,
            "User-Agent": "telnyx-webhooks",
        }


class TelnyxConferencePlay:
    """One simulated conference: its legs, its events, and the data changes they make."""

    def __init__(
        self,
        table: Callable[[str], RegionTable],
        participant_tables: ParticipantTables,
        connections: tuple[str, ...],
        clock: Callable[[], int],
        participants: int,
        rng: random.Random,
    ) -> None:
        if participants < 1:
            raise ValueError(f"a telnyx conference needs participants >= 1, got {participants}")
        self._table = table(DEFAULT_REGION)
        self._participants = participant_tables
        self._rng = rng
        self.id = uuid4_str(rng.getrandbits(128))
        self.name = f"Simulated conference {rng.randrange(10_000)}"
        self.connection_id = connections[rng.randrange(len(connections))]
        self.site = TELNYX_SITES[DEFAULT_REGION][0]
        self.legs = [self._leg() for _ in range(participants)]
        self.participant_ids = [uuid4_str(rng.getrandbits(128)) for _ in self.legs]
        self.created_ms = clock()
        self._now = self.created_ms

    def _leg(self) -> dict[str, str]:
        rng = self._rng
        control = base64.urlsafe_b64encode(rng.randbytes(40)).rstrip(b"=").decode()
        return {
            "call_control_id": f"v3:{control}",
            "call_leg_id": uuid4_str(rng.getrandbits(128)),
            "call_session_id": uuid4_str(rng.getrandbits(128)),
        }

    def _event(
        self, event_type: str, payload: dict[str, Any], *, at_data_level: bool = False
    ) -> Delivery:
        self._now += self._rng.randrange(200, 3000)
        occurred = iso_ms(self._now)
        common = {"conference_id": self.id, "connection_id": self.connection_id}
        data: dict[str, Any] = {
            "record_type": "event",
            "event_type": event_type,
            "id": uuid4_str(self._rng.getrandbits(128)),
        }
        if at_data_level:
            data["occurred_at"] = occurred
            data["payload"] = {**payload, **common, "client_state": None}
        else:
            data["payload"] = {**payload, **common, "client_state": None, "occurred_at": occurred}
        return Delivery(json_dumps({"data": data, "meta": {"attempt": 1}}), JSON)

    # -- the data changes

    def _record(self, status: str, **more: Any) -> dict[str, Any]:
        return {
            "record_type": "conference",
            "id": self.id,
            "name": self.name,
            "created_at": iso_ms(self.created_ms),
            "region": self.site,
            "status": status,
            "connection_id": self.connection_id,
            **more,
        }

    def started(self) -> None:
        expires = self.created_ms + _LIFETIME_MS
        record = self._record(
            "in_progress", expires_at=iso_ms(expires), updated_at=iso_ms(self.created_ms)
        )
        self._table.insert(make_row(record, expires))
        self._participants.begin(self.id)

    def _participant(self, index: int, status: str, created_ms: int, updated_ms: int) -> None:
        leg = self.legs[index]
        record = {
            "record_type": "participant",
            "id": self.participant_ids[index],
            "call_control_id": leg["call_control_id"],
            "call_leg_id": leg["call_leg_id"],
            "conference": {"id": self.id, "name": self.name},
            "status": status,
            "muted": False,
            "on_hold": False,
            "end_conference_on_exit": False,
            "soft_end_conference_on_exit": False,
            "whisper_call_control_ids": [],
            "created_at": iso_ms(created_ms),
            "updated_at": iso_ms(updated_ms),
        }
        row = TelnyxParticipantRow(
            self.participant_ids[index],
            f"participant-{index + 1}",
            False,
            False,
            False,
            json_dumps(record),
        )
        self._participants.put(self.id, row)

    def joined(self, index: int, at_ms: int) -> None:
        self._participant(index, "joined", at_ms, at_ms)

    def left(self, index: int, joined_ms: int, at_ms: int) -> None:
        self._participant(index, "left", joined_ms, at_ms)

    def ended(self, by: dict[str, str], at_ms: int) -> None:
        ended_by = {k: by[k] for k in ("call_control_id", "call_session_id")}
        record = self._record(
            "completed",
            expires_at=iso_ms(at_ms),
            updated_at=iso_ms(at_ms),
            end_reason="all_left",
            ended_by=ended_by,
        )
        self._table.replace(make_row(record, at_ms))

    # -- the script

    def script(self) -> ConferenceScript:
        legs, rng = self.legs, self._rng
        steps = [Step(self._event("conference.created", dict(legs[0])), self.started)]
        joined_ms = []
        for index, leg in enumerate(legs):
            joined = self._event("conference.participant.joined", dict(leg), at_data_level=True)
            joined_ms.append(self._now)
            steps.append(Step(joined, partial(self.joined, index, self._now)))
        for _ in range(min(len(legs) + 1, 4)):
            speaker = legs[rng.randrange(len(legs))]
            steps.append(Step(self._event("conference.floor.changed", dict(speaker))))
        media = {"creator_call_session_id": legs[0]["call_session_id"], "media_name": "welcome"}
        steps.append(Step(self._event("conference.playback.started", media)))
        steps.append(Step(self._event("conference.playback.ended", media)))
        for index, leg in enumerate(legs):
            left = self._event("conference.participant.left", dict(leg), at_data_level=True)
            steps.append(Step(left, partial(self.left, index, joined_ms[index], self._now)))
        last = legs[-1]
        ended = self._event("conference.ended", {**last, "reason": "all_left"})
        ended_at = self._now
        steps.append(Step(ended, partial(self.ended, last, ended_at)))
        recording = uuid4_str(rng.getrandbits(128))
        base = f"https://s3.amazonaws.com/telephony-recorder-prod/{recording}"
        saved = {
            "call_control_id": legs[0]["call_control_id"],
            "call_session_id": legs[0]["call_session_id"],
            "recording_id": recording,
            "recording_started_at": iso_ms(self.created_ms),
            "recording_ended_at": iso_ms(ended_at),
            "channels": "single",
            "format": "mp3",
            "recording_urls": {"mp3": f"{base}.mp3", "wav": f"{base}.wav"},
            "public_recording_urls": {"mp3": None, "wav": None},
        }
        steps.append(Step(self._event("conference.recording.saved", saved)))
        return ConferenceScript(self.id, steps)
