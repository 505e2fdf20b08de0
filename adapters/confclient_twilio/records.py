"""Twilio Voice Insights conference summaries: native records, decoding, mapping.

Pure functions of (status, headers, decoded body); no I/O.

Long: one summary's rules in one place: the record class, the strict (cattrs) path, the two
fast paths (from JSON, from msgspec's typed records) and their shared tail, which a property
test holds to the strict path; split, each would be read against the others anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import attrs

from confclient import (
    APIError,
    Conference,
    ConferenceStatus,
    DecodeError,
    EndReason,
    ErrorDetail,
)
from confclient.adapter import (
    PageBody,
    RecordCodec,
    RetryRules,
    TypedPages,
    api_error,
    as_utc,
    make_strict_converter,
    more_than_microseconds,
    seconds_duration,
    trusted_builder,
)

if TYPE_CHECKING:  # made on first use (the strict path): a fast listing never needs it
    import cattrs

__all__ = [
    "PROVIDER",
    "RETRY_RULES",
    "CONFERENCES",
    "TYPED_CONFERENCES",
    "TwilioConference",
    "TwilioPageMeta",
    "decode_records",
    "decode_typed",
    "duration_of",
    "make_converter",
    "parse_conference_response",
    "parse_error",
    "to_conference",
]

PROVIDER: Final = "twilio"

RETRY_RULES: Final = RetryRules(unprocessed_statuses={429})
"""Twilio rate limits (specs/ratelimits.md): its limit is on requests in flight, a 429
(error 20429) means the request was never processed, so it is safe to send again, a POST
included; there are no rate-limit headers."""

JSONObject = Mapping[str, Any]

_fromisoformat = datetime.fromisoformat

STATUS_MAP: Final[Mapping[str, ConferenceStatus]] = {
    "not_started": ConferenceStatus.NOT_STARTED,
    "in_progress": ConferenceStatus.IN_PROGRESS,
    "completed": ConferenceStatus.COMPLETED,
    "summary_timeout": ConferenceStatus.SUMMARY_TIMEOUT,
}
END_REASON_MAP: Final[Mapping[str, EndReason]] = {
    "last_participant_left": EndReason.ALL_LEFT,
    "conference_ended_via_api": EndReason.ENDED_VIA_API,
    "participant_with_end_conference_on_exit_left": EndReason.HOST_LEFT,
    "last_participant_kicked": EndReason.LAST_PARTICIPANT_KICKED,
    "participant_with_end_conference_on_exit_kicked": EndReason.HOST_KICKED,
}


@attrs.frozen(slots=True)
class TwilioConference:
    """A conference summary as documented; every field may be null. ``detected_issues``,
    ``tag_info``, ``links`` and the like stay reachable through ``Conference.raw``.
    """

    conference_sid: str | None = None
    account_sid: str | None = None
    friendly_name: str | None = None
    create_time: datetime | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    duration_seconds: int | None = None
    connect_duration_seconds: int | None = None
    status: str | None = None
    max_participants: int | None = None
    max_concurrent_participants: int | None = None
    unique_participants: int | None = None
    end_reason: str | None = None
    ended_by: str | None = None
    mixer_region: str | None = None
    mixer_region_requested: str | None = None
    recording_enabled: bool | None = None
    processing_state: str | None = None
    tags: list[str] | None = None
    url: str | None = None


@attrs.frozen(slots=True)
class TwilioPageMeta:
    """``meta`` of a list response (URLs are absolute)."""

    page: int | None = None
    page_size: int | None = None
    first_page_url: str | None = None
    previous_page_url: str | None = None
    next_page_url: str | None = None
    url: str | None = None
    key: str | None = None


def make_converter() -> cattrs.Converter:
    """The converter for Twilio records: strict types, ISO timestamps, extra keys ignored."""
    return make_strict_converter(TwilioConference, TwilioPageMeta)


def duration_of(seconds: int | None, path: str = "") -> timedelta | None:
    """A record's ``duration_seconds`` (``None`` stays ``None``); out of range, a
    :class:`DecodeError` naming it under ``path``."""
    if seconds is None:
        return None
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise DecodeError(
            f"twilio: duration_seconds {seconds} is out of range",
            provider=PROVIDER,
            field=f"{path}.duration_seconds" if path else "duration_seconds",
        ) from None


def to_conference(
    record: TwilioConference,
    raw: JSONObject,
    *,
    path: str = "",
) -> Conference:
    """The neutral :class:`Conference` for a Twilio summary (``raw`` kept as received).

    Its ``data_region`` is the summary's own ``mixer_region``: Twilio lists and retrieves
    every region through one endpoint, so that is the only region a summary has.
    """
    if not record.conference_sid:
        raise DecodeError(
            "twilio: a conference summary has no conference_sid",
            provider=PROVIDER,
            field=f"{path}.conference_sid" if path else "conference_sid",
        )
    status = (
        ConferenceStatus.UNKNOWN
        if record.status is None
        else STATUS_MAP.get(record.status, ConferenceStatus.UNKNOWN)
    )
    end_reason = (
        None
        if record.end_reason is None
        else END_REASON_MAP.get(record.end_reason, EndReason.UNKNOWN)
    )
    duration = duration_of(record.duration_seconds, path)
    return Conference(
        provider=PROVIDER,
        id=record.conference_sid,
        name=record.friendly_name,
        status=status,
        region=record.mixer_region,
        created_at=record.create_time,
        started_at=record.start_time,
        ended_at=record.end_time,
        end_reason=end_reason,
        ended_by=record.ended_by,
        duration=duration,
        max_participants=record.max_participants,
        unique_participants=record.unique_participants,
        max_concurrent_participants=record.max_concurrent_participants,
        account_id=record.account_sid,
        tags=record.tags,
        data_region=record.mixer_region,
        raw=raw,
    )


#: What the fast path passes to ``_build``, in this order (the rest: defaults).
_BUILT_FIELDS: Final = (
    "id",
    "account_id",
    "name",
    "status",
    "region",
    "created_at",
    "started_at",
    "ended_at",
    "end_reason",
    "ended_by",
    "duration",
    "max_participants",
    "unique_participants",
    "max_concurrent_participants",
    "tags",
    "data_region",
    "raw",
)
_build = trusted_builder(Conference, _BUILT_FIELDS, provider=PROVIDER)
_UNKNOWN_STATUS: Final = ConferenceStatus.UNKNOWN
_UNKNOWN_END: Final = EndReason.UNKNOWN


def _decode_fast(record: object, data_region: str | None) -> Conference | None:
    """The common case of decoding one summary, in one pass with exact-type checks
    (``data_region`` is ignored: a summary's is its ``mixer_region``).

    It returns ``None`` as soon as anything is not as documented; the caller then takes the
    cattrs path, which raises the :class:`DecodeError` naming the field. Both paths accept
    the same records and build equal conferences (a property test holds them to it). Every
    check is written out inline, with no loop and no helper call: at this path's speed a
    function call per field is a tenth of the cost.
    """
    if type(record) is not dict:
        return None
    get = record.get
    sid = get("conference_sid")
    if type(sid) is not str or not sid:
        return None
    account_sid, name, status = get("account_sid"), get("friendly_name"), get("status")
    end_reason, ended_by, mixer_region = get("end_reason"), get("ended_by"), get("mixer_region")
    requested, processing, url = get("mixer_region_requested"), get("processing_state"), get("url")
    if (
        (account_sid is not None and type(account_sid) is not str)
        or (name is not None and type(name) is not str)
        or (status is not None and type(status) is not str)
        or (end_reason is not None and type(end_reason) is not str)
        or (ended_by is not None and type(ended_by) is not str)
        or (mixer_region is not None and type(mixer_region) is not str)
        or (requested is not None and type(requested) is not str)
        or (processing is not None and type(processing) is not str)
        or (url is not None and type(url) is not str)
    ):
        return None
    seconds, max_participants = get("duration_seconds"), get("max_participants")
    max_concurrent, unique = get("max_concurrent_participants"), get("unique_participants")
    connect_seconds, recording = get("connect_duration_seconds"), get("recording_enabled")
    if (
        (seconds is not None and type(seconds) is not int)
        or (max_participants is not None and type(max_participants) is not int)
        or (max_concurrent is not None and type(max_concurrent) is not int)
        or (unique is not None and type(unique) is not int)
        or (connect_seconds is not None and type(connect_seconds) is not int)
        or (recording is not None and type(recording) is not bool)
    ):
        return None
    tags = get("tags")
    if tags:
        if type(tags) is not list:
            return None
        tags = tuple(tags)
        for tag in tags:
            if type(tag) is not str:
                return None
    elif tags is None or type(tags) is list:
        tags = ()
    else:
        return None
    created, started, ended = get("create_time"), get("start_time"), get("end_time")
    try:
        created_at = None if created is None else _fromisoformat(created)
        started_at = None if started is None else _fromisoformat(started)
        ended_at = None if ended is None else _fromisoformat(ended)
    except (TypeError, ValueError):
        return None
    if (
        (created is not None and len(created) > 26 and more_than_microseconds(created))
        or (started is not None and len(started) > 26 and more_than_microseconds(started))
        or (ended is not None and len(ended) > 26 and more_than_microseconds(ended))
    ):
        return None  # rounded to the microsecond (as msgspec does) by the strict path
    return _finish(
        sid,
        account_sid,
        name,
        status,
        end_reason,
        ended_by,
        mixer_region,
        seconds,
        max_participants,
        unique,
        max_concurrent,
        tags,
        created_at,
        started_at,
        ended_at,
        record,  # ours alone (just decoded): Conference.raw freezes it when first read
    )


def decode_typed(record: Any, context: tuple[str | None, PageBody]) -> Conference | None:
    """A summary msgspec decoded (:data:`TYPED_CONFERENCES`: every JSON type already
    checked, timestamps parsed) to a :class:`Conference`, or ``None`` where the fast
    path would decline it too; ``raw`` is parsed from the page when first read."""
    sid = record.conference_sid
    if not sid:
        return None
    tags = record.tags
    return _finish(
        sid,
        record.account_sid,
        record.friendly_name,
        record.status,
        record.end_reason,
        record.ended_by,
        record.mixer_region,
        record.duration_seconds,
        record.max_participants,
        record.unique_participants,
        record.max_concurrent_participants,
        tuple(tags) if tags else (),
        record.create_time,
        record.start_time,
        record.end_time,
        (context[1], record),  # raw: parsed from the page when first read
    )


def _finish(
    sid: str,
    account_sid: str | None,
    name: str | None,
    status: str | None,
    end_reason: str | None,
    ended_by: str | None,
    mixer_region: str | None,
    seconds: int | None,
    max_participants: int | None,
    unique: int | None,
    max_concurrent: int | None,
    tags: tuple[str, ...],
    created_at: datetime | None,
    started_at: datetime | None,
    ended_at: datetime | None,
    raw: object,
) -> Conference | None:
    """The common tail of both fast paths: values of the documented types, timestamps
    parsed, to a :class:`Conference` (``None`` for a timestamp out of range in UTC or a
    duration past timedelta's range)."""
    try:
        if created_at is not None and created_at.tzinfo is not UTC:
            created_at = as_utc(created_at)
        if started_at is not None and started_at.tzinfo is not UTC:
            started_at = as_utc(started_at)
        if ended_at is not None and ended_at.tzinfo is not UTC:
            ended_at = as_utc(ended_at)
        duration = None if seconds is None else seconds_duration(seconds)
    except (ValueError, OverflowError):
        return None
    conference: Conference = _build(
        sid,
        account_sid,
        name,
        _UNKNOWN_STATUS if status is None else STATUS_MAP.get(status, _UNKNOWN_STATUS),
        mixer_region,
        created_at,
        started_at,
        ended_at,
        None if end_reason is None else END_REASON_MAP.get(end_reason, _UNKNOWN_END),
        ended_by,
        duration,
        max_participants,
        unique,
        max_concurrent,
        tags,
        mixer_region,
        raw,
    )
    return conference


def _decode_slow(
    record: object, path: str, status: int, headers: JSONObject, data_region: str | None
) -> Conference:
    native = CONFERENCES.structure(record, TwilioConference, path, status=status, headers=headers)
    assert isinstance(record, Mapping)  # the converter accepts objects only
    return to_conference(native, record, path=path)


def parse_error(
    status: int,
    headers: JSONObject,
    data: object,
    text: str = "",
    *,
    method: str | None = None,
    url: str | None = None,
) -> APIError:
    """Twilio's ``{"code", "message", "more_info", "status"}`` body as an :class:`APIError`.

    The code is kept (the official SDK drops it on list errors); ``more_info`` is in
    ``errors[0].meta``.
    """
    detail: ErrorDetail
    if isinstance(data, Mapping) and ("code" in data or "message" in data):
        code, message, more_info = data.get("code"), data.get("message"), data.get("more_info")
        detail = ErrorDetail(
            code=None if code is None else str(code),
            detail=message if isinstance(message, str) else None,
            meta={"more_info": more_info} if isinstance(more_info, str) else None,
        )
    else:
        snippet = text.strip()[:200] if text else None
        detail = ErrorDetail(title=f"HTTP {status}", detail=snippet or None)
    return api_error(
        status, PROVIDER, [detail], headers=headers, method=method, url=url, rules=RETRY_RULES
    )


CONFERENCES: Final[RecordCodec[Conference]] = RecordCodec(
    PROVIDER, parse_error, make_converter, _decode_fast, _decode_slow, id_key="conference_sid"
)
"""How Twilio conference summaries decode (envelopes, errors, the fast and the strict path)."""

TYPED_CONFERENCES: Final = TypedPages(TwilioConference, "conferences", TwilioPageMeta)
"""List pages decoded by msgspec when it is installed (the ``speed`` extra)."""


def parse_conference_response(
    status: int,
    headers: JSONObject,
    data: object,
    text: str = "",
    *,
    data_region: str | None = None,
) -> Conference:
    """``GET /v1/Conferences/{sid}``: one summary, no envelope."""
    body = CONFERENCES.body(status, headers, data, text)
    return CONFERENCES.one(body, "$", status=status, headers=headers, data_region=data_region)


def decode_records(
    records: list[Any],
    *,
    status: int = 200,
    headers: JSONObject | None = None,
    data_region: str | None = None,
) -> tuple[Conference, ...]:
    """A page's records (``conferences[]``) to conferences; a record that is not as documented
    raises :class:`DecodeError` naming it (``conferences[3].create_time``).
    """
    return CONFERENCES.decode(
        records, "conferences", status=status, headers=headers, data_region=data_region
    )
