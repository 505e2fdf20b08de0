"""Pure create-body building for Telnyx, with every client-side check (moved from
test_params.py along with the code it tests)."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confclient import InvalidRequestError
from confclient_telnyx.create import build_create_body

REQUIRED = {"call_control_id": "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg"}


def test_create_body_with_every_field() -> None:
    body = build_create_body(
        **REQUIRED,
        name="Business",
        beep_enabled="always",
        client_state="aGF2ZSBhIG5pY2UgZGF5ID1d",
        comfort_noise=False,
        command_id="891510ac-f3e4-11e8-af5b-de00688a4901",
        duration_minutes=5,
        hold_audio_url="http://www.example.com/audio.wav",
        max_participants=250,
        start_conference_on_create=False,
        region="us",
    )
    assert body == {
        **REQUIRED,
        "name": "Business",
        "beep_enabled": "always",
        "client_state": "aGF2ZSBhIG5pY2UgZGF5ID1d",
        "comfort_noise": False,
        "command_id": "891510ac-f3e4-11e8-af5b-de00688a4901",
        "duration_minutes": 5,
        "hold_audio_url": "http://www.example.com/audio.wav",
        "max_participants": 250,
        "start_conference_on_create": False,
        "region": "US",
    }


def test_command_id_is_generated_when_missing() -> None:
    first = build_create_body(**REQUIRED, name="Business")
    second = build_create_body(**REQUIRED, name="Business")
    assert uuid.UUID(first["command_id"]).version == 4
    assert first["command_id"] != second["command_id"]
    assert set(first) == {"call_control_id", "name", "command_id"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"call_control_id": None, "name": "B"}, "call_control_id is required"),
        ({"call_control_id": " ", "name": "B"}, "call_control_id is required"),
        ({"name": None}, "name is required"),
        ({"name": 3}, "name is required"),
        ({"beep_enabled": "sometimes"}, "always, never, on_enter, on_exit"),
        ({"max_participants": 1}, "between 2 and 800"),
        ({"max_participants": 801}, "between 2 and 800"),
        ({"max_participants": True}, "between 2 and 800"),
        ({"max_participants": 2.5}, "between 2 and 800"),
        ({"duration_minutes": 0}, ">= 1"),
        ({"duration_minutes": "5"}, ">= 1"),
        (
            {"hold_audio_url": "http://e.com/a.wav", "hold_media_name": "m"},
            "cannot be used together",
        ),
        ({"hold_audio_url": "ftp://e.com/a.wav"}, "http"),
        ({"hold_audio_url": "a.wav"}, "http"),
        ({"region": "Antarctica"}, "Australia, Europe, Middle East, US"),
        ({"client_state": "not base64!"}, "base64"),
        ({"client_state": b"aGk="}, "base64"),
        ({"comfort_noise": "yes"}, "True or False"),
        ({"start_conference_on_create": 0}, "True or False"),
        ({"command_id": ""}, "command_id"),
    ],
)
def test_create_validation(fields: dict[str, Any], message: str) -> None:
    args = {**REQUIRED, "name": "Business", **fields}
    with pytest.raises(InvalidRequestError, match=message):
        build_create_body(**args)


@given(st.binary(max_size=64))
def test_any_base64_client_state_is_accepted(data: bytes) -> None:
    state = base64.b64encode(data).decode()
    body = build_create_body(**REQUIRED, name="B", client_state=state or None)
    assert body.get("client_state") == (state or None)
