"""Telnyx conference participants: native records, decoding, the mapping to
:class:`confclient.Participant`. Pure: no I/O, no asyncio.

Two shapes decode (specs/participants.md): the list record (``Participant``: every field
required, ``conference`` an object ``{id, name}``, a ``record_type``) and the single record
of ``GET /conferences/{id}/participants/{participant_id}`` (``ConferenceParticipantResource``:
a flat ``conference_id``, a ``label``, no field required but ``id`` here, without which it
could never be fetched again).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import attrs

from confclient import DecodeError, Participant, ParticipantStatus
from confclient.adapter import (
    PageBody,
    RecordCodec,
    TypedPages,
    as_utc,
    make_strict_converter,
    more_than_microseconds,
    trusted_builder,
)

from .records import PROVIDER, TelnyxPageMeta, parse_error

if TYPE_CHECKING:  # made on first use (the strict path): a fast listing never needs it
    import cattrs

__all__ = [
    "PARTICIPANTS",
    "STATUS_MAP",
    "TYPED_PARTICIPANTS",
    "TelnyxParticipant",
    "TelnyxParticipantConference",
    "decode_typed",
    "make_converter",
    "parse_participant_response",
    "to_participant",
]

JSONObject = Mapping[str, Any]

_fromisoformat = datetime.fromisoformat

STATUS_MAP: Final[Mapping[str, ParticipantStatus]] = {
    "joining": ParticipantStatus.JOINING,
    "joined": ParticipantStatus.JOINED,
    "left": ParticipantStatus.LEFT,
}


@attrs.frozen(slots=True)
class TelnyxParticipantConference:
    """``conference`` of a list record."""

    id: str | None = None
    name: str | None = None


@attrs.frozen(slots=True)
class TelnyxParticipant:
    """Either documented participant record (unknown keys are ignored)."""

    id: str
    record_type: str | None = None
    call_control_id: str | None = None
    call_leg_id: str | None = None
    conference: TelnyxParticipantConference | None = None
    conference_id: str | None = None
    label: str | None = None
    status: str | None = None
    muted: bool | None = None
    on_hold: bool | None = None
    end_conference_on_exit: bool | None = None
    soft_end_conference_on_exit: bool | None = None
    whisper_call_control_ids: list[str] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


def make_converter() -> cattrs.Converter:
    """The converter for participant records: strict types, ISO timestamps."""
    return make_strict_converter(TelnyxParticipantConference, TelnyxParticipant, TelnyxPageMeta)


def to_participant(
    record: TelnyxParticipant, raw: JSONObject, *, path: str = "", data_region: str | None = None
) -> Participant:
    """The neutral :class:`Participant` for a Telnyx record of either shape.

    ``left_at`` is ``updated_at`` once the status is ``left`` (the record's last change is
    its leaving); ``coaching`` says whether it whispers to any leg.
    """
    if not record.id:
        raise DecodeError(
            "telnyx: a participant record has an empty id",
            provider=PROVIDER,
            field=f"{path}.id" if path else "id",
        )
    conference_id = record.conference_id
    if conference_id is None and record.conference is not None:
        conference_id = record.conference.id
    status = (
        ParticipantStatus.UNKNOWN
        if record.status is None
        else STATUS_MAP.get(record.status, ParticipantStatus.UNKNOWN)
    )
    whisper = record.whisper_call_control_ids
    return Participant(
        provider=PROVIDER,
        id=record.id,
        conference_id=conference_id,
        call_id=record.call_control_id,
        label=record.label,
        status=status,
        muted=record.muted,
        on_hold=record.on_hold,
        coaching=None if whisper is None else bool(whisper),
        end_conference_on_exit=record.end_conference_on_exit,
        joined_at=record.created_at,
        left_at=record.updated_at if status is ParticipantStatus.LEFT else None,
        updated_at=record.updated_at,
        data_region=data_region,
        raw=raw,
    )


#: What the fast path passes to ``_build``, in this order (the rest: defaults).
_BUILT_FIELDS: Final = (
    "id",
    "conference_id",
    "call_id",
    "label",
    "status",
    "muted",
    "on_hold",
    "coaching",
    "end_conference_on_exit",
    "joined_at",
    "left_at",
    "updated_at",
    "data_region",
    "raw",
)
_build = trusted_builder(Participant, _BUILT_FIELDS, provider=PROVIDER)
_UNKNOWN: Final = ParticipantStatus.UNKNOWN
_LEFT: Final = ParticipantStatus.LEFT


def _decode_fast(record: object, data_region: str | None) -> Participant | None:
    """One record in one pass with exact-type checks, or ``None`` as soon as anything is not
    as documented (the strict path then names the field). Both paths accept the same
    records and build equal participants (a property test holds them to it); the checks
    are inline because a call per field would be most of the cost.
    """
    if type(record) is not dict:
        return None
    get = record.get
    id_ = get("id")
    if type(id_) is not str or not id_:
        return None
    call_control_id, call_leg_id, label = get("call_control_id"), get("call_leg_id"), get("label")
    status, record_type, conference_id = get("status"), get("record_type"), get("conference_id")
    if (
        (call_control_id is not None and type(call_control_id) is not str)
        or (call_leg_id is not None and type(call_leg_id) is not str)
        or (label is not None and type(label) is not str)
        or (status is not None and type(status) is not str)
        or (record_type is not None and type(record_type) is not str)
        or (conference_id is not None and type(conference_id) is not str)
    ):
        return None
    muted, on_hold, end_on_exit = get("muted"), get("on_hold"), get("end_conference_on_exit")
    soft_end = get("soft_end_conference_on_exit")
    if (
        (muted is not None and type(muted) is not bool)
        or (on_hold is not None and type(on_hold) is not bool)
        or (end_on_exit is not None and type(end_on_exit) is not bool)
        or (soft_end is not None and type(soft_end) is not bool)
    ):
        return None
    conference = get("conference")
    if conference is not None:
        if type(conference) is not dict:
            return None
        nested_id, nested_name = conference.get("id"), conference.get("name")
        if (nested_id is not None and type(nested_id) is not str) or (
            nested_name is not None and type(nested_name) is not str
        ):
            return None
        if conference_id is None:
            conference_id = nested_id
    whisper = get("whisper_call_control_ids")
    coaching = None
    if whisper is not None:
        if type(whisper) is not list:
            return None
        for leg in whisper:
            if type(leg) is not str:
                return None
        coaching = bool(whisper)
    created, updated = get("created_at"), get("updated_at")
    try:
        created_at = None if created is None else _fromisoformat(created)
        updated_at = None if updated is None else _fromisoformat(updated)
    except (TypeError, ValueError):
        return None
    if (created is not None and len(created) > 26 and more_than_microseconds(created)) or (
        updated is not None and len(updated) > 26 and more_than_microseconds(updated)
    ):
        return None  # rounded to the microsecond (as msgspec does) by the strict path
    return _finish(
        id_,
        conference_id,
        call_control_id,
        label,
        status,
        muted,
        on_hold,
        coaching,
        end_on_exit,
        created_at,
        updated_at,
        data_region,
        record,  # ours alone (just decoded): Participant.raw freezes it when first read
    )


def decode_typed(record: Any, context: tuple[str | None, PageBody]) -> Participant | None:
    """A record msgspec decoded (:data:`TYPED_PARTICIPANTS`: every JSON type already
    checked, timestamps parsed) to a :class:`Participant`, or ``None`` where the fast
    path would decline it too; ``raw`` is parsed from the page when first read."""
    id_ = record.id
    if not id_:
        return None
    data_region, page = context
    conference_id, conference = record.conference_id, record.conference
    if conference_id is None and conference is not None:
        conference_id = conference.id
    whisper = record.whisper_call_control_ids
    return _finish(
        id_,
        conference_id,
        record.call_control_id,
        record.label,
        record.status,
        record.muted,
        record.on_hold,
        None if whisper is None else bool(whisper),
        record.end_conference_on_exit,
        record.created_at,
        record.updated_at,
        data_region,
        (page, record),  # raw: parsed from the page when first read
    )


def _finish(
    id_: str,
    conference_id: str | None,
    call_control_id: str | None,
    label: str | None,
    status: str | None,
    muted: bool | None,
    on_hold: bool | None,
    coaching: bool | None,
    end_on_exit: bool | None,
    created_at: datetime | None,
    updated_at: datetime | None,
    data_region: str | None,
    raw: object,
) -> Participant | None:
    """The common tail of both fast paths: values of the documented types, timestamps
    parsed, to a :class:`Participant` (``None`` for a timestamp out of range in UTC)."""
    try:
        if created_at is not None and created_at.tzinfo is not UTC:
            created_at = as_utc(created_at)
        if updated_at is not None and updated_at.tzinfo is not UTC:
            updated_at = as_utc(updated_at)
    except ValueError:
        return None
    neutral = _UNKNOWN if status is None else STATUS_MAP.get(status, _UNKNOWN)
    participant: Participant = _build(
        id_,
        conference_id,
        call_control_id,
        label,
        neutral,
        muted,
        on_hold,
        coaching,
        end_on_exit,
        created_at,
        updated_at if neutral is _LEFT else None,
        updated_at,
        data_region,
        raw,
    )
    return participant


def _decode_slow(
    record: object, path: str, status: int, headers: JSONObject, data_region: str | None
) -> Participant:
    native = PARTICIPANTS.structure(record, TelnyxParticipant, path, status=status, headers=headers)
    assert isinstance(record, Mapping)  # the converter accepts objects only
    return to_participant(native, record, path=path, data_region=data_region)


PARTICIPANTS: Final[RecordCodec[Participant]] = RecordCodec(
    PROVIDER, parse_error, make_converter, _decode_fast, _decode_slow, id_key="id"
)
"""How Telnyx participant records decode (envelopes, errors, the fast and the strict path)."""

TYPED_PARTICIPANTS: Final = TypedPages(TelnyxParticipant, "data", TelnyxPageMeta)
"""List pages decoded by msgspec when it is installed (the ``speed`` extra)."""


def parse_participant_response(
    status: int,
    headers: JSONObject,
    data: object,
    text: str = "",
    *,
    data_region: str | None = None,
) -> Participant:
    """A retrieve response (``{"data": {...}}``) to a :class:`Participant`."""
    body = PARTICIPANTS.body(status, headers, data, text)
    return PARTICIPANTS.one(
        body.get("data"), "data", status=status, headers=headers, data_region=data_region
    )
