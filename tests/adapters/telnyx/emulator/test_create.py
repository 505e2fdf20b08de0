"""POST /v2/conferences: validation, creation, name conflicts and idempotent command_id."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from confclient.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Api

CALL = "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg"


async def test_create_appears_in_list_and_retrieve(api: Api, sandbox: Sandbox) -> None:
    status, _, body = await api.post({"call_control_id": CALL, "name": "Business"})
    assert status == 200
    record = body["data"]
    assert record["record_type"] == "conference"
    assert record["name"] == "Business"
    assert record["status"] == "in_progress"
    assert record["region"] in {"sv1", "ch1", "dc2"}
    assert record["created_at"] == record["updated_at"] < record["expires_at"]
    assert "end_reason" not in record
    assert sandbox.stats.created == 1

    records = sandbox.telnyx_records("US")
    assert len(records) == 101
    assert record in records
    expires = [r["expires_at"] for r in records]
    assert expires == sorted(expires, reverse=True)

    _, _, listed = await api.list(filter_name="Business")
    assert listed["data"] == [record]
    _, _, listed = await api.list(page_size=250)
    assert listed["data"] == records
    status, _, fetched = await api.get(f"/v2/conferences/{record['id']}")
    assert (status, fetched) == (200, {"data": record})


async def test_create_options_shape_the_record(api: Api, sandbox: Sandbox) -> None:
    status, _, body = await api.post(
        {
            "call_control_id": "v2:T02llQxIyaRkhfRKxgAP8nY511EhFLizdvdUKJiSw8d6A9Bborher",
            "name": "Sales sync",
            "beep_enabled": "on_exit",
            "client_state": base64.b64encode(b"have a nice day").decode(),
            "comfort_noise": False,
            "duration_minutes": 5,
            "hold_audio_url": "http://example.com/message.wav",
            "max_participants": 250,
            "start_conference_on_create": False,
            "region": "Europe",
            "unknown_field": "ignored",
        }
    )
    assert status == 200
    record = body["data"]
    assert record["status"] == "init"
    assert record["region"] in {"am3", "fr5"}
    created_minute = record["created_at"][:16]
    assert created_minute <= record["expires_at"][:16]
    assert record in sandbox.telnyx_records("Europe")
    assert record not in sandbox.telnyx_records("US")
    _, _, listed = await api.list(region="Europe", filter_status="init", filter_name="Sales sync")
    assert listed["data"] == [record]


async def test_active_name_conflict_is_90033(api: Api, sandbox: Sandbox) -> None:
    status, _, _ = await api.post({"call_control_id": CALL, "name": "Weekly"})
    assert status == 200
    status, _, body = await api.post({"call_control_id": CALL, "name": "Weekly"})
    assert status == 422
    assert body == {
        "errors": [
            {
                "code": "90033",
                "title": "Unable to execute command",
                "detail": "Conference with given name already exists and it's active.",
            }
        ]
    }
    # Another region is another namespace.
    status, _, _ = await api.post({"call_control_id": CALL, "name": "Weekly", "region": "Europe"})
    assert status == 200
    assert sandbox.stats.created == 2


async def test_generated_active_names_conflict_but_completed_do_not(
    api: Api, sandbox: Sandbox
) -> None:
    records = sandbox.telnyx_records("US")
    active = {r["name"] for r in records if r["status"] != "completed"}
    completed = {r["name"] for r in records if r["status"] == "completed"} - active
    status, _, body = await api.post({"call_control_id": CALL, "name": sorted(active)[0]})
    assert status == 422
    assert body["errors"][0]["code"] == "90033"
    status, _, _ = await api.post({"call_control_id": CALL, "name": sorted(completed)[0]})
    assert status == 200


async def test_command_id_is_idempotent(api: Api, sandbox: Sandbox) -> None:
    payload = {"call_control_id": CALL, "name": "Retry me", "command_id": "891510ac-f3e4"}
    first = await api.post(payload)
    second = await api.post(payload)
    assert first[0] == second[0] == 200
    assert first[2] == second[2]
    assert sandbox.stats.created == 1
    _, _, listed = await api.list(filter_name="Retry me")
    assert listed["meta"]["total_results"] == 1
    # A new command id with the same (now active) name is a conflict, not a replay.
    status, _, body = await api.post({**payload, "command_id": "other"})
    assert status == 422
    assert body["errors"][0]["code"] == "90033"


def _pointer_error(code: str, title: str, detail: str, pointer: str) -> dict[str, object]:
    return {"code": code, "title": title, "detail": detail, "source": {"pointer": pointer}}


MISSING = "Missing required parameter"
INVALID = "Invalid parameter"
RANGE = "Value outside of range"
ENUM = "Invalid enumerated value"


def _missing(key: str) -> dict[str, object]:
    return _pointer_error(
        "10004", MISSING, f"The '{key}' parameter is required and cannot be blank.", f"/{key}"
    )


INVALID_CALL = _pointer_error(
    "90015",
    "Invalid Call Control ID",
    "The call_control_id provided was not valid.",
    "/call_control_id",
)


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"name": "x"}, [_missing("call_control_id")]),
        ({"call_control_id": CALL}, [_missing("name")]),
        ({"call_control_id": CALL, "name": "  "}, [_missing("name")]),
        ({"call_control_id": None, "name": "x"}, [_missing("call_control_id")]),
        ({}, [_missing("call_control_id"), _missing("name")]),
        ({"call_control_id": "abc", "name": "x"}, [INVALID_CALL]),
        ({"call_control_id": "v1:abc", "name": "x"}, [INVALID_CALL]),
        ({"call_control_id": "v3:", "name": "x"}, [INVALID_CALL]),
        (
            {"call_control_id": 12, "name": "x"},
            [
                _pointer_error(
                    "10002", INVALID, "call_control_id must be a string", "/call_control_id"
                )
            ],
        ),
        (
            {"call_control_id": CALL, "name": ["x"]},
            [_pointer_error("10002", INVALID, "name must be a string", "/name")],
        ),
        (
            {"call_control_id": CALL, "name": "x", "beep_enabled": "sometimes"},
            [
                _pointer_error(
                    "10032",
                    ENUM,
                    "The value must be one of: always, never, on_enter, on_exit.",
                    "/beep_enabled",
                )
            ],
        ),
        (
            {"call_control_id": CALL, "name": "x", "max_participants": 1},
            [
                _pointer_error(
                    "10033",
                    RANGE,
                    "The value is outside of allowed range 2 to 800",
                    "/max_participants",
                )
            ],
        ),
        (
            {"call_control_id": CALL, "name": "x", "max_participants": 801},
            [
                _pointer_error(
                    "10033",
                    RANGE,
                    "The value is outside of allowed range 2 to 800",
                    "/max_participants",
                )
            ],
        ),
        (
            {"call_control_id": CALL, "name": "x", "max_participants": "3"},
            [
                _pointer_error(
                    "10033",
                    RANGE,
                    "The value is outside of allowed range 2 to 800",
                    "/max_participants",
                )
            ],
        ),
        (
            {"call_control_id": CALL, "name": "x", "duration_minutes": 0},
            [
                _pointer_error(
                    "10033",
                    RANGE,
                    "The value is outside of allowed range 1 to 10000000",
                    "/duration_minutes",
                )
            ],
        ),
        (
            {"call_control_id": CALL, "name": "x", "duration_minutes": 2.5},
            [
                _pointer_error(
                    "10033",
                    RANGE,
                    "The value is outside of allowed range 1 to 10000000",
                    "/duration_minutes",
                )
            ],
        ),
        (
            {"call_control_id": CALL, "name": "x", "duration_minutes": True},
            [
                _pointer_error(
                    "10033",
                    RANGE,
                    "The value is outside of allowed range 1 to 10000000",
                    "/duration_minutes",
                )
            ],
        ),
        (
            {
                "call_control_id": CALL,
                "name": "x",
                "hold_audio_url": "http://example.com/a.wav",
                "hold_media_name": "my_media",
            },
            [
                _pointer_error(
                    "10002",
                    INVALID,
                    "hold_media_name and hold_audio_url cannot be used together in one request.",
                    "/hold_media_name",
                )
            ],
        ),
        (
            {"call_control_id": CALL, "name": "x", "client_state": "not base64!"},
            [
                _pointer_error(
                    "10002",
                    INVALID,
                    "client_state must be a valid Base-64 encoded string",
                    "/client_state",
                )
            ],
        ),
        (
            {"call_control_id": CALL, "name": "x", "client_state": 5},
            [_pointer_error("10002", INVALID, "client_state must be a string", "/client_state")],
        ),
        (
            {"call_control_id": CALL, "name": "x", "region": "Asia"},
            [
                _pointer_error(
                    "10032",
                    ENUM,
                    "The value must be one of: Australia, Europe, Middle East, US.",
                    "/region",
                )
            ],
        ),
        (
            {"call_control_id": CALL, "name": "x", "comfort_noise": "yes"},
            [_pointer_error("10002", INVALID, "comfort_noise must be a boolean", "/comfort_noise")],
        ),
        (
            {"call_control_id": CALL, "name": "x", "start_conference_on_create": 0},
            [
                _pointer_error(
                    "10002",
                    INVALID,
                    "start_conference_on_create must be a boolean",
                    "/start_conference_on_create",
                )
            ],
        ),
        (
            {"call_control_id": CALL, "name": "x", "command_id": 7},
            [_pointer_error("10002", INVALID, "command_id must be a string", "/command_id")],
        ),
        (
            {"call_control_id": CALL, "name": "x", "hold_media_name": False},
            [
                _pointer_error(
                    "10002", INVALID, "hold_media_name must be a string", "/hold_media_name"
                )
            ],
        ),
    ],
)
async def test_invalid_body_is_422_with_pointer(
    api: Api, sandbox: Sandbox, payload: dict[str, Any], errors: list[dict[str, object]]
) -> None:
    status, _, body = await api.post(payload)
    assert status == 422
    assert body == {"errors": errors}
    assert sandbox.stats.created == 0


INVALID_JSON = {
    "errors": [
        _pointer_error("10015", "Invalid JSON", "The request body must be a JSON object.", "/")
    ]
}


@pytest.mark.parametrize("raw", [b"", b"{", b"[1, 2]", b'"text"', b"null", b"\xff\xfe"])
async def test_non_object_body_is_422(api: Api, raw: bytes) -> None:
    status, _, body = await api.request(
        "POST",
        "/v2/conferences",
        data=raw,
        headers={**api.headers, "Content-Type": "application/json"},
    )
    assert (status, body) == (422, INVALID_JSON)


async def test_validation_runs_before_replay(api: Api) -> None:
    payload = {"call_control_id": CALL, "name": "Idem", "command_id": "c-1"}
    assert (await api.post(payload))[0] == 200
    status, _, body = await api.post({**payload, "max_participants": 1})
    assert status == 422
    assert body["errors"][0]["source"] == {"pointer": "/max_participants"}
