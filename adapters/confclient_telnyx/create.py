"""The Telnyx ``CreateConferenceRequest``: its fields, described for front ends, and the body
built from them, every field checked on the client first. Pure functions.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any, Final

from yarl import URL

from confclient import InvalidRequestError
from confclient.adapter import CreateField

from .params import canonical_region

__all__ = ["BEEP_ENABLED", "CREATE_FIELDS", "CREATE_FIELD_SPECS", "build_create_body"]

BEEP_ENABLED: Final = ("always", "never", "on_enter", "on_exit")
CREATE_FIELD_SPECS: Final = (
    CreateField("call_control_id", required=True, help="The call leg that joins first."),
    CreateField("name", required=True, help="Name of the conference."),
    CreateField("beep_enabled", metavar="WHEN", help="always, never, on_enter or on_exit."),
    CreateField("client_state", metavar="BASE64", help="State echoed in webhooks (base64)."),
    CreateField("comfort_noise", bool, help="Comfort noise when alone."),
    CreateField("command_id", help="Idempotency key (generated when not given)."),
    CreateField("duration_minutes", int, help="Time limit in minutes."),
    CreateField("hold_audio_url", metavar="URL", help="Audio played to participants on hold."),
    CreateField("hold_media_name", metavar="NAME", help="Uploaded media played on hold."),
    CreateField("max_participants", int, help="Participant limit (2..800)."),
    CreateField("start_conference_on_create", bool, help="Start at once, before anyone joins."),
    CreateField("region", metavar="REGION", help="Data region (default: the default region)."),
)
"""Every field of a ``CreateConferenceRequest``, for front ends (the command's flags)."""
CREATE_FIELDS: Final = tuple(field.name for field in CREATE_FIELD_SPECS)


def _require_str(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(f"{name} is required and must be a non-empty string")
    return value


def _opt_bool(name: str, value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise InvalidRequestError(f"{name} must be True or False, got {value!r}")
    return value


def _opt_int(name: str, value: object, low: int, high: int | None) -> int | None:
    if value is None:
        return None
    bounds = f"between {low} and {high}" if high is not None else f">= {low}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequestError(f"{name} must be an integer {bounds}, got {value!r}")
    if value < low or (high is not None and value > high):
        raise InvalidRequestError(f"{name} must be {bounds}, got {value}")
    return value


def build_create_body(
    *,
    call_control_id: object,
    name: object,
    beep_enabled: object = None,
    client_state: object = None,
    comfort_noise: object = None,
    command_id: object = None,
    duration_minutes: object = None,
    hold_audio_url: object = None,
    hold_media_name: object = None,
    max_participants: object = None,
    start_conference_on_create: object = None,
    region: object = None,
) -> dict[str, Any]:
    """A validated ``CreateConferenceRequest`` body. ``command_id`` is generated (uuid4)
    when not given, so a retried create is executed at most once by Telnyx.
    """
    body: dict[str, Any] = {
        "call_control_id": _require_str("call_control_id", call_control_id),
        "name": _require_str("name", name),
    }
    if beep_enabled is not None:
        if beep_enabled not in BEEP_ENABLED:
            raise InvalidRequestError(
                f"beep_enabled must be one of {', '.join(BEEP_ENABLED)}, got {beep_enabled!r}"
            )
        body["beep_enabled"] = beep_enabled
    if client_state is not None:
        if not isinstance(client_state, str):
            raise InvalidRequestError(f"client_state must be a base64 string, got {client_state!r}")
        try:
            base64.b64decode(client_state, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidRequestError(
                "client_state must be valid base64 (e.g. base64.b64encode(b'...').decode())"
            ) from None
        body["client_state"] = client_state
    if (value := _opt_bool("comfort_noise", comfort_noise)) is not None:
        body["comfort_noise"] = value
    if command_id is None:
        command_id = str(uuid.uuid4())
    body["command_id"] = _require_str("command_id", command_id)
    if (minutes := _opt_int("duration_minutes", duration_minutes, 1, None)) is not None:
        body["duration_minutes"] = minutes
    if hold_audio_url is not None and hold_media_name is not None:
        raise InvalidRequestError(
            "hold_audio_url and hold_media_name cannot be used together; give one of them"
        )
    if hold_audio_url is not None:
        url_text = _require_str("hold_audio_url", hold_audio_url)
        try:
            url = URL(url_text)
        except ValueError:
            url = None
        if url is None or url.scheme not in ("http", "https") or not url.host:
            raise InvalidRequestError(
                f"hold_audio_url must be an absolute http(s) URL, got {hold_audio_url!r}"
            )
        body["hold_audio_url"] = url_text
    if hold_media_name is not None:
        body["hold_media_name"] = _require_str("hold_media_name", hold_media_name)
    if (count := _opt_int("max_participants", max_participants, 2, 800)) is not None:
        body["max_participants"] = count
    if (start := _opt_bool("start_conference_on_create", start_conference_on_create)) is not None:
        body["start_conference_on_create"] = start
    if region is not None:
        body["region"] = canonical_region(region)
    return body
