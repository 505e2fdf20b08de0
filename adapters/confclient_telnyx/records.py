"""Telnyx native records, their decoding, and the mapping to :class:`confclient.Conference`.

Everything here is pure: functions of (status, headers, decoded body) that return records or
raise the mapped :mod:`confclient.errors` exception. No I/O, no asyncio.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, TypeVar

import attrs
import cattrs

from confclient import (
    APIError,
    Conference,
    ConferenceStatus,
    EndReason,
    ErrorDetail,
    ErrorSource,
)
from confclient.decoding import (
    api_error,
    json_array,
    json_object,
    make_strict_converter,
    structure,
)

T = TypeVar("T")

__all__ = [
    "PROVIDER",
    "TelnyxConference",
    "TelnyxEndedBy",
    "TelnyxListPage",
    "TelnyxPageMeta",
    "make_converter",
    "parse_conference_response",
    "parse_error",
    "parse_list_response",
    "to_conference",
]

PROVIDER: Final = "telnyx"

JSONObject = Mapping[str, Any]

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


@attrs.frozen(slots=True)
class TelnyxListPage:
    """A parsed list response: the conferences and the paging meta."""

    items: tuple[Conference, ...]
    meta: TelnyxPageMeta


def make_converter() -> cattrs.Converter:
    """The converter for Telnyx records: strict types, ISO timestamps, extra keys ignored."""
    return make_strict_converter(TelnyxEndedBy, TelnyxConference, TelnyxPageMeta)


_converter = make_converter()


def _structure(value: object, cls: type[T], path: str, status: int, headers: JSONObject) -> T:
    return structure(
        _converter, value, cls, path=path, provider=PROVIDER, status=status, headers=headers
    )


def to_conference(
    record: TelnyxConference, raw: JSONObject, *, data_region: str | None = None
) -> Conference:
    """The neutral :class:`Conference` for a Telnyx record (``raw`` kept as received)."""
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
    return api_error(status, PROVIDER, details, headers=headers, method=method, url=url)


def _check_ok(status: int, headers: JSONObject, data: object, text: str) -> Mapping[str, Any]:
    return json_object(status, headers, data, text, provider=PROVIDER, parse_error=parse_error)


def parse_conference_response(
    status: int,
    headers: JSONObject,
    data: object,
    text: str = "",
    *,
    data_region: str | None = None,
) -> Conference:
    """A retrieve / create response (``{"data": {...}}``) to a :class:`Conference`."""
    body = _check_ok(status, headers, data, text)
    record = body.get("data")
    native = _structure(record, TelnyxConference, "data", status, headers)
    assert isinstance(record, Mapping)  # the converter accepts objects only
    return to_conference(native, record, data_region=data_region)


def parse_list_response(
    status: int,
    headers: JSONObject,
    data: object,
    text: str = "",
    *,
    data_region: str | None = None,
) -> TelnyxListPage:
    """A list response (``{"data": [...], "meta": {...}}``) to conferences and meta."""
    body = _check_ok(status, headers, data, text)
    records = json_array(body, "data", provider=PROVIDER, status=status, headers=headers)
    items = []
    for index, record in enumerate(records):
        native = _structure(record, TelnyxConference, f"data[{index}]", status, headers)
        items.append(to_conference(native, record, data_region=data_region))
    raw_meta = body.get("meta")
    meta = (
        TelnyxPageMeta()
        if raw_meta is None
        else _structure(raw_meta, TelnyxPageMeta, "meta", status, headers)
    )
    return TelnyxListPage(items=tuple(items), meta=meta)
