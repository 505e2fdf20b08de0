"""Telnyx native records, their decoding, and the mapping to :class:`confclient.Conference`.

Everything here is pure: functions of (status, headers, decoded body) that return records or
raise the mapped :mod:`confclient.errors` exception. No I/O, no asyncio.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import attrs

from confclient import (
    APIError,
    Conference,
    ConferenceStatus,
    DecodeError,
    EndReason,
    ErrorDetail,
    ErrorSource,
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
    trusted_builder,
)

if TYPE_CHECKING:  # made on first use (the strict path): a fast listing never needs it
    import cattrs

__all__ = [
    "PROVIDER",
    "RETRY_RULES",
    "TYPED_CONFERENCES",
    "TelnyxConference",
    "CONFERENCES",
    "TelnyxEndedBy",
    "TelnyxPageMeta",
    "decode_records",
    "decode_typed",
    "make_converter",
    "parse_conference_response",
    "parse_error",
    "to_conference",
]

PROVIDER: Final = "telnyx"

RETRY_RULES: Final = RetryRules(
    reset_header="x-ratelimit-reset",
    limit_header="x-ratelimit-limit",
    remaining_header="x-ratelimit-remaining",
)
"""Telnyx rate limits (specs/ratelimits.md): a 429 carries no ``Retry-After``, only
``x-ratelimit-limit``, ``x-ratelimit-remaining`` and ``x-ratelimit-reset`` (seconds until
the window resets)."""

JSONObject = Mapping[str, Any]

_fromisoformat = datetime.fromisoformat

STATUS_MAP: Final[Mapping[str, ConferenceStatus]] = {
    "init": ConferenceStatus.NOT_STARTED,
    "in_progress": ConferenceStatus.IN_PROGRESS,
    "completed": ConferenceStatus.COMPLETED,
}
END_REASON_MAP: Final[Mapping[str, EndReason]] = {
    "all_left": EndReason.ALL_LEFT,
    "ended_via_api": EndReason.ENDED_VIA_API,
    "host_left": EndReason.HOST_LEFT,
    "time_exceeded": EndReason.TIME_EXCEEDED,
}


@attrs.frozen(slots=True)
class TelnyxEndedBy:
    """``ended_by``: who ended the conference."""

    call_control_id: str | None = None
    call_session_id: str | None = None


@attrs.frozen(slots=True)
class TelnyxConference:
    """A Telnyx ``Conference`` record as documented (unknown keys are ignored)."""

    id: str
    name: str
    created_at: datetime
    expires_at: datetime
    record_type: str = "conference"
    updated_at: datetime | None = None
    region: str | None = None
    status: str | None = None
    end_reason: str | None = None
    ended_by: TelnyxEndedBy | None = None
    connection_id: str | None = None


@attrs.frozen(slots=True)
class TelnyxPageMeta:
    """``meta`` of a list response."""

    total_pages: int | None = None
    total_results: int | None = None
    page_number: int | None = None
    page_size: int | None = None


def make_converter() -> cattrs.Converter:
    """The converter for Telnyx records: strict types, ISO timestamps, extra keys ignored."""
    return make_strict_converter(TelnyxEndedBy, TelnyxConference, TelnyxPageMeta)


def to_conference(
    record: TelnyxConference,
    raw: JSONObject,
    *,
    path: str = "",
    data_region: str | None = None,
) -> Conference:
    """The neutral :class:`Conference` for a Telnyx record (``raw`` kept as received).

    An empty ``id`` is a :class:`DecodeError`: such a conference could never be fetched.
    """
    if not record.id:
        raise DecodeError(
            "telnyx: a conference record has an empty id",
            provider=PROVIDER,
            field=f"{path}.id" if path else "id",
        )
    end_reason = None
    if record.end_reason is not None:
        end_reason = END_REASON_MAP.get(record.end_reason, EndReason.UNKNOWN)
    status = (
        ConferenceStatus.UNKNOWN
        if record.status is None
        else STATUS_MAP.get(record.status, ConferenceStatus.UNKNOWN)
    )
    return Conference(
        provider=PROVIDER,
        id=record.id,
        name=record.name,
        status=status,
        region=record.region,
        created_at=record.created_at,
        expires_at=record.expires_at,
        updated_at=record.updated_at,
        end_reason=end_reason,
        ended_by=None if record.ended_by is None else record.ended_by.call_control_id,
        connection_id=record.connection_id,
        data_region=data_region,
        raw=raw,
    )


#: What the fast path passes to ``_build``, in this order (the rest: defaults).
_BUILT_FIELDS: Final = (
    "id",
    "name",
    "status",
    "region",
    "created_at",
    "expires_at",
    "updated_at",
    "end_reason",
    "ended_by",
    "connection_id",
    "data_region",
    "raw",
)
_build = trusted_builder(Conference, _BUILT_FIELDS, provider=PROVIDER)
_UNKNOWN_STATUS: Final = ConferenceStatus.UNKNOWN
_UNKNOWN_END: Final = EndReason.UNKNOWN


def _decode_fast(record: object, data_region: str | None) -> Conference | None:
    """The common case of decoding one record, in one pass with exact-type checks.

    It returns ``None`` as soon as anything is not as documented (a wrong type, a missing
    field, an unparsable timestamp); the caller then takes the cattrs path, which raises the
    :class:`DecodeError` naming the field. Both paths accept the same records and build
    equal conferences (a property test holds them to it). Every check is written out
    inline, with no loop and no helper call: at this path's speed a function call per field
    is a tenth of the cost.
    """
    if type(record) is not dict:
        return None
    get = record.get
    id_, name = get("id"), get("name")
    if type(id_) is not str or not id_ or type(name) is not str:
        return None
    region, status, end_reason = get("region"), get("status"), get("end_reason")
    connection_id, ended_by = get("connection_id"), get("ended_by")
    record_type = get("record_type", "conference")
    if (
        (region is not None and type(region) is not str)
        or (status is not None and type(status) is not str)
        or (end_reason is not None and type(end_reason) is not str)
        or (connection_id is not None and type(connection_id) is not str)
        or type(record_type) is not str
    ):
        return None
    ended_by_id = None
    if ended_by is not None:
        if type(ended_by) is not dict:
            return None
        ended_by_id = ended_by.get("call_control_id")
        session_id = ended_by.get("call_session_id")
        if (ended_by_id is not None and type(ended_by_id) is not str) or (
            session_id is not None and type(session_id) is not str
        ):
            return None
    created, expires, updated = get("created_at"), get("expires_at"), get("updated_at")
    if type(created) is not str or type(expires) is not str:
        return None
    try:
        created_at, expires_at = _fromisoformat(created), _fromisoformat(expires)
        updated_at = None if updated is None else _fromisoformat(updated)
    except (TypeError, ValueError):
        return None
    if (
        (len(created) > 26 and more_than_microseconds(created))
        or (len(expires) > 26 and more_than_microseconds(expires))
        or (updated is not None and len(updated) > 26 and more_than_microseconds(updated))
    ):
        return None  # rounded to the microsecond (as msgspec does) by the strict path
    return _finish(
        id_,
        name,
        status,
        region,
        created_at,
        expires_at,
        updated_at,
        end_reason,
        ended_by_id,
        connection_id,
        data_region,
        record,  # ours alone (just decoded): Conference.raw freezes it when first read
    )


def decode_typed(record: Any, context: tuple[str | None, PageBody]) -> Conference | None:
    """A record msgspec decoded (:data:`TYPED_CONFERENCES`: every JSON type already checked,
    timestamps parsed) to a :class:`Conference`, or ``None`` where the fast path would
    decline it too; ``raw`` is parsed from the page when first read."""
    id_ = record.id
    if not id_:
        return None
    data_region, page = context
    ended_by = record.ended_by
    return _finish(
        id_,
        record.name,
        record.status,
        record.region,
        record.created_at,
        record.expires_at,
        record.updated_at,
        record.end_reason,
        None if ended_by is None else ended_by.call_control_id,
        record.connection_id,
        data_region,
        (page, record),  # raw: parsed from the page when first read
    )


def _finish(
    id_: str,
    name: str,
    status: str | None,
    region: str | None,
    created_at: datetime,
    expires_at: datetime,
    updated: datetime | None,
    end_reason: str | None,
    ended_by_id: str | None,
    connection_id: str | None,
    data_region: str | None,
    raw: object,
) -> Conference | None:
    """The common tail of both fast paths: values of the documented types, timestamps
    parsed, to a :class:`Conference` (``None`` for a timestamp out of range in UTC)."""
    try:
        if created_at.tzinfo is not UTC:
            created_at = as_utc(created_at)
        if expires_at.tzinfo is not UTC:
            expires_at = as_utc(expires_at)
        if updated is not None and updated.tzinfo is not UTC:
            updated = as_utc(updated)
    except ValueError:
        return None
    conference: Conference = _build(
        id_,
        name,
        _UNKNOWN_STATUS if status is None else STATUS_MAP.get(status, _UNKNOWN_STATUS),
        region,
        created_at,
        expires_at,
        updated,
        None if end_reason is None else END_REASON_MAP.get(end_reason, _UNKNOWN_END),
        ended_by_id,
        connection_id,
        data_region,
        raw,
    )
    return conference


def _decode_slow(
    record: object, path: str, status: int, headers: JSONObject, data_region: str | None
) -> Conference:
    native = CONFERENCES.structure(record, TelnyxConference, path, status=status, headers=headers)
    assert isinstance(record, Mapping)  # the converter accepts objects only
    return to_conference(native, record, path=path, data_region=data_region)


def _error_details(data: object) -> list[ErrorDetail]:
    if not isinstance(data, Mapping):
        return []
    errors = data.get("errors")
    if not isinstance(errors, list):
        return []
    details = []
    for item in errors:
        if not isinstance(item, Mapping):
            continue
        source = item.get("source")
        error_source = None
        if isinstance(source, Mapping):
            pointer, parameter = source.get("pointer"), source.get("parameter")
            error_source = ErrorSource(
                pointer=pointer if isinstance(pointer, str) else None,
                parameter=parameter if isinstance(parameter, str) else None,
            )
        code = item.get("code")
        meta = item.get("meta")
        details.append(
            ErrorDetail(
                code=None if code is None else str(code),
                title=_opt_str(item.get("title")),
                detail=_opt_str(item.get("detail")),
                source=error_source,
                meta=meta if isinstance(meta, Mapping) else None,
            )
        )
    return details


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def parse_error(
    status: int,
    headers: JSONObject,
    data: object,
    text: str = "",
    *,
    method: str | None = None,
    url: str | None = None,
) -> APIError:
    """The :class:`APIError` subclass for an error response, every ``errors[]`` entry kept."""
    details = _error_details(data)
    if not details:
        snippet = text.strip()[:200] if text else None
        details = [ErrorDetail(title=f"HTTP {status}", detail=snippet or None)]
    return api_error(
        status, PROVIDER, details, headers=headers, method=method, url=url, rules=RETRY_RULES
    )


CONFERENCES: Final[RecordCodec[Conference]] = RecordCodec(
    PROVIDER, parse_error, make_converter, _decode_fast, _decode_slow, id_key="id"
)
"""How Telnyx conference records decode (envelopes, errors, the fast and the strict path)."""


TYPED_CONFERENCES: Final = TypedPages(TelnyxConference, "data", TelnyxPageMeta)
"""List pages decoded by msgspec when it is installed (the ``speed`` extra)."""


def parse_conference_response(
    status: int,
    headers: JSONObject,
    data: object,
    text: str = "",
    *,
    data_region: str | None = None,
) -> Conference:
    """A retrieve / create response (``{"data": {...}}``) to a :class:`Conference`."""
    body = CONFERENCES.body(status, headers, data, text)
    return CONFERENCES.one(
        body.get("data"), "data", status=status, headers=headers, data_region=data_region
    )


def decode_records(
    records: list[Any],
    *,
    status: int = 200,
    headers: JSONObject | None = None,
    data_region: str | None = None,
) -> tuple[Conference, ...]:
    """A page's records (``data[]``) to conferences; a record that is not as documented
    raises :class:`DecodeError` naming it (``data[3].created_at``).
    """
    return CONFERENCES.decode(
        records, "data", status=status, headers=headers, data_region=data_region
    )
