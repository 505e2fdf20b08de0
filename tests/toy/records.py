"""Toy rooms -> :class:`Conference`, and the toy API's error answers -> errors (pure).

A room: ``{"id", "title", "zone", "state", "opened"}``; an error:
``{"error": {"code", "message"}}``. (A page of rooms: :mod:`.pages`.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from confclient import APIError, Conference, ConferenceStatus, DecodeError, ErrorDetail
from confclient.adapter import api_error, json_object, parse_timestamp

from .params import PROVIDER, STATES

__all__ = ["parse_error", "parse_room", "to_conference"]

_STATUSES: Final = {native: status for status, native in STATES.items()}


def to_conference(record: object, path: str = "room") -> Conference:
    """One room; a record that is not one raises :class:`DecodeError` naming ``path``."""
    if not isinstance(record, Mapping):
        raise DecodeError(f"toy: {path} is not an object", provider=PROVIDER, field=path)
    try:
        return Conference(
            provider=PROVIDER,
            id=record["id"],
            name=record["title"],
            status=_STATUSES.get(record["state"], ConferenceStatus.UNKNOWN),
            region=record["zone"],
            created_at=parse_timestamp(record["opened"]),
            data_region=record["zone"],
            raw=record,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DecodeError(
            f"toy: {path} is not a room ({exc})", provider=PROVIDER, field=path
        ) from None


def parse_error(
    status: int,
    headers: Mapping[str, Any],
    data: object,
    text: str = "",
    *,
    method: str | None = None,
    url: str | None = None,
) -> APIError:
    """The :class:`APIError` for an error answer (its code and message kept)."""
    error = data.get("error") if isinstance(data, Mapping) else None
    if isinstance(error, Mapping):
        detail = ErrorDetail(code=str(error.get("code")), detail=str(error.get("message")))
    else:
        detail = ErrorDetail(title=f"HTTP {status}", detail=text[:200] or None)
    return api_error(status, PROVIDER, [detail], headers=headers, method=method, url=url)


def parse_room(status: int, headers: Mapping[str, Any], data: object, text: str = "") -> Conference:
    """A retrieve answer: ``{"room": {...}}``."""
    body = json_object(status, headers, data, text, provider=PROVIDER, parse_error=parse_error)
    return to_conference(body.get("room"))
