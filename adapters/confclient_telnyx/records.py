"""Telnyx native records, their decoding, and the mapping to :class:`confclient.Conference`.

Everything here is pure: functions of (status, headers, decoded body) that return records or
raise the mapped :mod:`confclient.errors` exception. No I/O, no asyncio.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

import attrs
import cattrs
from cattrs.errors import ClassValidationError, IterableValidationError
from cattrs.gen import make_dict_structure_fn

from confclient import (
    APIError,
    Conference,
    ConferenceStatus,
    DecodeError,
    EndReason,
    ErrorDetail,
    ErrorSource,
)
from confclient.errors import RateLimitError, error_class_for_status
from confclient.transport import parse_retry_after

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


def parse_timestamp(value: object) -> datetime:
    """ISO 8601 (``2019-01-23T18:10:02.574Z``) to an aware UTC datetime.

    A timestamp without an offset is taken as UTC, which is what Telnyx means.
    """
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 string, got {type(value).__name__}")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _strict_str(value: object, _type: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _strict_int(value: object, _type: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return value


def make_converter() -> cattrs.Converter:
    """The converter for Telnyx records: strict types, ISO timestamps, extra keys ignored."""
    converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=False)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(datetime, lambda value, _t: parse_timestamp(value))
    for cls in (TelnyxEndedBy, TelnyxConference, TelnyxPageMeta):
        converter.register_structure_hook(
            cls, _objects_only(make_dict_structure_fn(cls, converter))
        )
    return converter


def _objects_only(structure: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    # A generated hook reads keys with ``in``, which a string would satisfy by substring.
    def hook(value: Any, cls: Any) -> Any:
        if not isinstance(value, Mapping):
            raise TypeError(f"expected an object, got {type(value).__name__}")
        return structure(value, cls)

    return hook


_converter = make_converter()


def _field_path(exc: BaseException, prefix: str) -> str:
    """``data[3].created_at`` from a cattrs validation error (the first failing leaf)."""
    messages = cattrs.transform_error(exc, path=prefix)
    first = messages[0] if messages else prefix
    return first.rsplit(" @ ", 1)[-1] if " @ " in first else prefix


def _decode_error(exc: BaseException, prefix: str, status: int, headers: JSONObject) -> DecodeError:
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        messages = cattrs.transform_error(exc, path=prefix)
        detail = "; ".join(messages[:3])
        field = _field_path(exc, prefix)
    else:
        detail = f"{type(exc).__name__}: {exc}"
        field = prefix
    return DecodeError(
        f"telnyx: unexpected record shape: {detail}",
        provider=PROVIDER,
        field=field,
        status=status,
        request_id=_request_id(headers),
    )


def structure_conference(record: object, path: str = "data") -> TelnyxConference:
    """One raw record to :class:`TelnyxConference` (raises cattrs errors)."""
    if not isinstance(record, Mapping):
        raise TypeError(f"{path}: expected an object, got {type(record).__name__}")
    return _converter.structure(record, TelnyxConference)


def to_conference(record: TelnyxConference, raw: JSONObject) -> Conference:
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
        raw=raw,
    )


def _request_id(headers: JSONObject) -> str | None:
    value = headers.get("X-Request-Id") or headers.get("x-request-id")
    return value if isinstance(value, str) else None


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
    cls = error_class_for_status(status)
    kwargs: dict[str, Any] = {
        "status": status,
        "provider": PROVIDER,
        "errors": details,
        "request_id": _request_id(headers),
        "method": method,
        "url": url,
    }
    if cls is RateLimitError:
        kwargs["retry_after"] = parse_retry_after(headers.get("Retry-After"))
    return cls(**kwargs)


def _check_ok(status: int, headers: JSONObject, data: object, text: str) -> Mapping[str, Any]:
    if not 200 <= status < 300:
        raise parse_error(status, headers, data, text)
    if not isinstance(data, Mapping):
        what = "not JSON" if text or data is None else type(data).__name__
        raise DecodeError(
            f"telnyx: expected a JSON object body, got {what}"
            + (f": {text[:80]!r}" if text else ""),
            provider=PROVIDER,
            status=status,
            request_id=_request_id(headers),
        )
    return data


def parse_conference_response(
    status: int, headers: JSONObject, data: object, text: str = ""
) -> Conference:
    """A retrieve / create response (``{"data": {...}}``) to a :class:`Conference`."""
    body = _check_ok(status, headers, data, text)
    record = body.get("data")
    try:
        native = structure_conference(record, "data")
    except Exception as exc:
        raise _decode_error(exc, "data", status, headers) from exc
    assert isinstance(record, Mapping)
    return to_conference(native, record)


def parse_list_response(
    status: int, headers: JSONObject, data: object, text: str = ""
) -> TelnyxListPage:
    """A list response (``{"data": [...], "meta": {...}}``) to conferences and meta."""
    body = _check_ok(status, headers, data, text)
    records = body.get("data")
    if not isinstance(records, list):
        raise DecodeError(
            f"telnyx: expected 'data' to be a list, got {type(records).__name__}",
            provider=PROVIDER,
            field="data",
            status=status,
            request_id=_request_id(headers),
        )
    items = []
    for index, record in enumerate(records):
        path = f"data[{index}]"
        try:
            native = structure_conference(record, path)
        except Exception as exc:
            raise _decode_error(exc, path, status, headers) from exc
        items.append(to_conference(native, record))
    raw_meta = body.get("meta")
    try:
        meta = (
            TelnyxPageMeta()
            if raw_meta is None
            else _converter.structure(raw_meta, TelnyxPageMeta)
            if isinstance(raw_meta, Mapping)
            else _raise_type("meta", raw_meta)
        )
    except Exception as exc:
        raise _decode_error(exc, "meta", status, headers) from exc
    return TelnyxListPage(items=tuple(items), meta=meta)


def _raise_type(path: str, value: object) -> TelnyxPageMeta:
    raise TypeError(f"{path}: expected an object, got {type(value).__name__}")
