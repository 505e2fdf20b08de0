"""Validation of ``POST /v2/conferences`` bodies (``CreateConferenceRequest``), as Telnyx
does it."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, Final

import attrs

from confclient.adapter import json_loads

from .data import DEFAULT_REGION, TELNYX_REGIONS
from .errors import JSONDict, enum_error, invalid_error, range_error, telnyx_error

__all__ = [
    "BEEP_VALUES",
    "DURATION_MINUTES_RANGE",
    "MAX_PARTICIPANTS_RANGE",
    "NewConference",
    "parse_create_body",
]

BEEP_VALUES: Final = ("always", "never", "on_enter", "on_exit")
MAX_PARTICIPANTS_RANGE: Final = (2, 800)
# The spec gives no maximum; the sandbox's keeps expires_at a valid date (about 19 years).
DURATION_MINUTES_RANGE: Final = (1, 10_000_000)


@attrs.frozen
class NewConference:
    """A validated ``CreateConferenceRequest`` (the parts that shape the created record)."""

    call_control_id: str
    name: str
    region: str = DEFAULT_REGION
    command_id: str | None = None
    duration_minutes: int | None = None
    start_conference_on_create: bool = True


class _Body:
    """Typed reads of one JSON object, collecting errors with JSON pointers."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        self.payload = payload
        self.errors: list[JSONDict] = []

    def required_string(self, key: str) -> str | None:
        value = self.payload.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.errors.append(
                telnyx_error(
                    "10004",
                    "Missing required parameter",
                    f"The '{key}' parameter is required and cannot be blank.",
                    pointer=f"/{key}",
                )
            )
            return None
        return self.string(key)

    def string(self, key: str) -> str | None:
        value = self.payload.get(key)
        if value is None or isinstance(value, str):
            return value
        self.errors.append(invalid_error(f"{key} must be a string", pointer=f"/{key}"))
        return None

    def boolean(self, key: str) -> bool | None:
        value = self.payload.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.errors.append(invalid_error(f"{key} must be a boolean", pointer=f"/{key}"))
        return None

    def integer(self, key: str, minimum: int, maximum: int) -> int | None:
        value = self.payload.get(key)
        if value is None:
            return None
        in_range = (
            isinstance(value, int) and not isinstance(value, bool) and minimum <= value <= maximum
        )
        if in_range:
            return int(value)
        detail = f"The value is outside of allowed range {minimum} to {maximum}"
        self.errors.append(range_error(detail, pointer=f"/{key}"))
        return None

    def enum(self, key: str, values: tuple[str, ...]) -> str | None:
        value = self.string(key)
        if value is not None and value not in values:
            self.errors.append(enum_error(values, pointer=f"/{key}"))
            return None
        return value


def parse_create_body(raw: bytes) -> NewConference | list[JSONDict]:
    """Validate a ``POST /v2/conferences`` body: the request, or the errors to send."""
    try:
        payload = json_loads(raw)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return [
            telnyx_error(
                "10015",
                "Invalid JSON",
                "The request body must be a JSON object.",
                pointer="/",
            )
        ]
    body = _Body(payload)
    call_control_id = body.required_string("call_control_id")
    if call_control_id is not None and (
        not call_control_id.startswith(("v2:", "v3:")) or len(call_control_id) <= 3
    ):
        body.errors.append(
            telnyx_error(
                "90015",
                "Invalid Call Control ID",
                "The call_control_id provided was not valid.",
                pointer="/call_control_id",
            )
        )
    name = body.required_string("name")
    body.enum("beep_enabled", BEEP_VALUES)
    client_state = body.string("client_state")
    if client_state is not None:
        try:
            base64.b64decode(client_state, validate=True)
        except (binascii.Error, ValueError):
            body.errors.append(
                invalid_error(
                    "client_state must be a valid Base-64 encoded string", pointer="/client_state"
                )
            )
    body.boolean("comfort_noise")
    command_id = body.string("command_id")
    duration = body.integer("duration_minutes", *DURATION_MINUTES_RANGE)
    hold_audio_url = body.string("hold_audio_url")
    hold_media_name = body.string("hold_media_name")
    if hold_audio_url is not None and hold_media_name is not None:
        body.errors.append(
            invalid_error(
                "hold_media_name and hold_audio_url cannot be used together in one request.",
                pointer="/hold_media_name",
            )
        )
    body.integer("max_participants", *MAX_PARTICIPANTS_RANGE)
    start = body.boolean("start_conference_on_create")
    region = body.enum("region", TELNYX_REGIONS)
    if body.errors or call_control_id is None or name is None:
        return body.errors
    return NewConference(
        call_control_id=call_control_id,
        name=name,
        region=region or DEFAULT_REGION,
        command_id=command_id,
        duration_minutes=duration,
        start_conference_on_create=True if start is None else start,
    )
