"""Twilio Voice Insights participant summaries: native records, decoding, the mapping to
:class:`confclient.Participant`. Pure: no I/O, no asyncio.

A summary documents no muted / on-hold state (its ``events`` say what happened, not what
is), so those fields are ``None``; ``call_status`` gives the status.
"""

from __future__ import annotations

import operator
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
    seconds_duration,
    trusted_builder,
)

from .records import PROVIDER, TwilioPageMeta, duration_of, parse_error

if TYPE_CHECKING:  # made on first use (the strict path): a fast listing never needs it
    import cattrs

__all__ = [
    "PARTICIPANTS",
    "TYPED_PARTICIPANTS",
    "STATUS_MAP",
    "TwilioParticipant",
    "decode_typed",
    "make_converter",
    "parse_participant_response",
    "to_participant",
]

JSONObject = Mapping[str, Any]

_fromisoformat = datetime.fromisoformat

STATUS_MAP: Final[Mapping[str, ParticipantStatus]] = {
    "ringing": ParticipantStatus.JOINING,
    "answered": ParticipantStatus.JOINED,
    "completed": ParticipantStatus.LEFT,
    "busy": ParticipantStatus.FAILED,
    "fail": ParticipantStatus.FAILED,
    "noanswer": ParticipantStatus.FAILED,
    "canceled": ParticipantStatus.FAILED,
}


@attrs.frozen(slots=True)
class TwilioParticipant:
    """A participant summary as documented; every field may be null. ``events``,
    ``metrics``, ``properties`` and the rest stay reachable through ``Participant.raw``."""

    participant_sid: str | None = None
    label: str | None = None
    conference_sid: str | None = None
    call_sid: str | None = None
    account_sid: str | None = None
    call_direction: str | None = None
    from_: str | None = None
    to: str | None = None
    call_status: str | None = None
    country_code: str | None = None
    is_moderator: bool | None = None
    join_time: datetime | None = None
    leave_time: datetime | None = None
    duration_seconds: int | None = None
    is_coach: bool | None = None
    coached_participants: list[str] | None = None
    participant_region: str | None = None
    conference_region: str | None = None
    call_type: str | None = None
    processing_state: str | None = None
    url: str | None = None


def make_converter() -> cattrs.Converter:
    """The converter for participant summaries (``from`` is a Python keyword: ``from_``)."""
    from cattrs.gen import make_dict_structure_fn, override

    converter = make_strict_converter(TwilioPageMeta)
    structure = make_dict_structure_fn(TwilioParticipant, converter, from_=override(rename="from"))

    def hook(value: Any, cls: Any) -> TwilioParticipant:
        if not isinstance(value, Mapping):
            raise TypeError(f"expected an object, got {type(value).__name__}")
        return structure(value, cls)

    converter.register_structure_hook(TwilioParticipant, hook)
    return converter


def _field(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def to_participant(record: TwilioParticipant, raw: JSONObject, *, path: str = "") -> Participant:
    """The neutral :class:`Participant` for a summary (``raw`` kept as received); its
    ``data_region`` is the summary's ``conference_region``."""
    if not record.participant_sid:
        raise DecodeError(
            "twilio: a participant summary has no participant_sid",
            provider=PROVIDER,
            field=_field(path, "participant_sid"),
        )
    duration = duration_of(record.duration_seconds, path)
    status = (
        ParticipantStatus.UNKNOWN
        if record.call_status is None
        else STATUS_MAP.get(record.call_status, ParticipantStatus.UNKNOWN)
    )
    return Participant(
        provider=PROVIDER,
        id=record.participant_sid,
        conference_id=record.conference_sid,
        call_id=record.call_sid,
        label=record.label,
        status=status,
        coaching=record.is_coach,
        direction=record.call_direction,
        caller=record.from_,
        called=record.to,
        joined_at=record.join_time,
        left_at=record.leave_time,
        duration=duration,
        region=record.participant_region,
        data_region=record.conference_region,
        account_id=record.account_sid,
        raw=raw,
    )


#: What the fast path passes to ``_build``, in this order (the rest: defaults).
_BUILT_FIELDS: Final = (
    "id",
    "conference_id",
    "call_id",
    "label",
    "status",
    "coaching",
    "direction",
    "caller",
    "called",
    "joined_at",
    "left_at",
    "duration",
    "region",
    "data_region",
    "account_id",
    "raw",
)
_build = trusted_builder(Participant, _BUILT_FIELDS, provider=PROVIDER)
_UNKNOWN: Final = ParticipantStatus.UNKNOWN


#: Every key the fast path reads, in the order ``_pick`` returns them.
_KEYS: Final = (
    "participant_sid",
    "label",
    "conference_sid",
    "call_sid",
    "account_sid",
    "call_direction",
    "from",
    "to",
    "call_status",
    "country_code",
    "participant_region",
    "conference_region",
    "call_type",
    "processing_state",
    "url",
    "is_moderator",
    "is_coach",
    "duration_seconds",
    "coached_participants",
    "join_time",
    "leave_time",
)
# One C call for every field (a summary has every key, null or not): a tenth of a record's
# cost against a get() per field.
_pick: Final = operator.itemgetter(*_KEYS)
_MISSING: Final = dict.fromkeys(_KEYS)


def _decode_fast(record: object, data_region: str | None) -> Participant | None:
    """One summary in one pass with exact-type checks, or ``None`` as soon as anything is
    not as documented (the strict path then names the field). Both paths build equal
    participants (a property test holds them to it); the checks are inline because a call
    per field would be most of the cost.
    """
    if type(record) is not dict:
        return None
    try:
        values = _pick(record)
    except KeyError:  # a key left out means null, as the strict path reads it
        values = _pick(_MISSING | record)
    (
        sid,
        label,
        conference_sid,
        call_sid,
        account_sid,
        direction,
        caller,
        called,
        call_status,
        country,
        region,
        conference_region,
        call_type,
        processing,
        url,
        moderator,
        coach,
        seconds,
        coached,
        joined,
        left,
    ) = values
    if type(sid) is not str or not sid:
        return None
    # Each check: "not a string" first, as nearly every value is one.
    if (
        (type(label) is not str and label is not None)
        or (type(conference_sid) is not str and conference_sid is not None)
        or (type(call_sid) is not str and call_sid is not None)
        or (type(account_sid) is not str and account_sid is not None)
        or (type(direction) is not str and direction is not None)
        or (type(caller) is not str and caller is not None)
        or (type(called) is not str and called is not None)
        or (type(call_status) is not str and call_status is not None)
        or (type(country) is not str and country is not None)
        or (type(region) is not str and region is not None)
        or (type(conference_region) is not str and conference_region is not None)
        or (type(call_type) is not str and call_type is not None)
        or (type(processing) is not str and processing is not None)
        or (type(url) is not str and url is not None)
        or (moderator is not None and type(moderator) is not bool)
        or (coach is not None and type(coach) is not bool)
        or (seconds is not None and type(seconds) is not int)
    ):
        return None
    if coached is not None:
        if type(coached) is not list:
            return None
        for leg in coached:
            if type(leg) is not str:
                return None
    try:
        joined_at = None if joined is None else _fromisoformat(joined)
        left_at = None if left is None else _fromisoformat(left)
    except (TypeError, ValueError):
        return None
    if (joined is not None and len(joined) > 26 and more_than_microseconds(joined)) or (
        left is not None and len(left) > 26 and more_than_microseconds(left)
    ):
        return None  # rounded to the microsecond (as msgspec does) by the strict path
    return _finish(
        sid,
        conference_sid,
        call_sid,
        label,
        call_status,
        coach,
        direction,
        caller,
        called,
        joined_at,
        left_at,
        seconds,
        region,
        conference_region,
        account_sid,
        record,  # ours alone (just decoded): Participant.raw freezes it when first read
    )


def decode_typed(record: Any, context: tuple[str | None, PageBody]) -> Participant | None:
    """A summary msgspec decoded (:data:`TYPED_PARTICIPANTS`: every JSON type already
    checked, timestamps parsed) to a :class:`Participant`, or ``None`` where the fast
    path would decline it too; ``raw`` is parsed from the page when first read."""
    sid = record.participant_sid
    if not sid:
        return None
    return _finish(
        sid,
        record.conference_sid,
        record.call_sid,
        record.label,
        record.call_status,
        record.is_coach,
        record.call_direction,
        record.from_,
        record.to,
        record.join_time,
        record.leave_time,
        record.duration_seconds,
        record.participant_region,
        record.conference_region,
        record.account_sid,
        (context[1], record),  # raw: parsed from the page when first read
    )


def _finish(
    sid: str,
    conference_sid: str | None,
    call_sid: str | None,
    label: str | None,
    call_status: str | None,
    coach: bool | None,
    direction: str | None,
    caller: str | None,
    called: str | None,
    joined_at: datetime | None,
    left_at: datetime | None,
    seconds: int | None,
    region: str | None,
    conference_region: str | None,
    account_sid: str | None,
    raw: object,
) -> Participant | None:
    """The common tail of both fast paths: values of the documented types, timestamps
    parsed, to a :class:`Participant` (``None`` for a timestamp out of range in UTC or a
    duration past timedelta's range)."""
    try:
        if joined_at is not None and joined_at.tzinfo is not UTC:
            joined_at = as_utc(joined_at)
        if left_at is not None and left_at.tzinfo is not UTC:
            left_at = as_utc(left_at)
        duration = None if seconds is None else seconds_duration(seconds)
    except (ValueError, OverflowError):
        return None
    participant: Participant = _build(
        sid,
        conference_sid,
        call_sid,
        label,
        _UNKNOWN if call_status is None else STATUS_MAP.get(call_status, _UNKNOWN),
        coach,
        direction,
        caller,
        called,
        joined_at,
        left_at,
        duration,
        region,
        conference_region,
        account_sid,
        raw,
    )
    return participant


def _decode_slow(
    record: object, path: str, status: int, headers: JSONObject, data_region: str | None
) -> Participant:
    try:
        native = PARTICIPANTS.structure(
            record, TwilioParticipant, path, status=status, headers=headers
        )
    except DecodeError as exc:
        if exc.field is not None and exc.field.endswith(".from_"):
            # Named as the record spells it, not as the attribute must.
            exc.field = exc.field[:-1]
            exc.args = (str(exc).replace(".from_", ".from"),)
        raise
    assert isinstance(record, Mapping)  # the converter accepts objects only
    return to_participant(native, record, path=path)


PARTICIPANTS: Final[RecordCodec[Participant]] = RecordCodec(
    PROVIDER, parse_error, make_converter, _decode_fast, _decode_slow, id_key="participant_sid"
)
"""How Twilio participant summaries decode (envelopes, errors, the fast and the strict path)."""

TYPED_PARTICIPANTS: Final = TypedPages(
    TwilioParticipant, "participants", TwilioPageMeta, renames={"from_": "from"}
)
"""List pages decoded by msgspec when it is installed (the ``speed`` extra)."""


def parse_participant_response(
    status: int, headers: JSONObject, data: object, text: str = ""
) -> Participant:
    """``GET /v1/Conferences/{sid}/Participants/{sid}``: one summary, no envelope."""
    body = PARTICIPANTS.body(status, headers, data, text)
    return PARTICIPANTS.one(body, "$", status=status, headers=headers)
