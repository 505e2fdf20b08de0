"""Pure decoding and mapping of Twilio Insights bodies (no I/O)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confclient import (
    AuthenticationError,
    Conference,
    ConferenceStatus,
    DecodeError,
    EndReason,
    NotFoundError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from confclient_twilio.pages import parse_envelope
from confclient_twilio.records import (
    TwilioPageMeta,
    decode_records,
    parse_conference_response,
    parse_error,
)

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class TwilioListPage:
    """A list response taken apart as the page parser does, its records all decoded."""

    items: tuple[Conference, ...]
    meta: TwilioPageMeta


def parse_list_response(status: int, headers: dict[str, str], data: object) -> TwilioListPage:
    records, meta = parse_envelope(status, headers, data)
    return TwilioListPage(decode_records(records, status=status, headers=headers), meta)


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def test_fixture_sids_are_well_formed() -> None:
    for record in load("page1.json")["conferences"] + load("page2.json")["conferences"]:
        assert re.fullmatch(r"CF[0-9a-f]{32}", record["conference_sid"])


def test_spec_example_decodes() -> None:
    page = parse_list_response(200, {}, load("spec_list.json"))
    (conf,) = page.items
    assert conf.id == "string"
    assert conf.status is ConferenceStatus.IN_PROGRESS
    assert conf.end_reason is EndReason.ALL_LEFT
    assert conf.created_at == datetime(2023, 5, 4, 9, 42, tzinfo=UTC)
    assert conf.duration == timedelta(seconds=42)
    assert page.meta.next_page_url == "https://example.com"


def test_every_documented_field_is_mapped() -> None:
    raw = load("page1.json")["conferences"][0]
    conf = parse_list_response(200, {}, load("page1.json")).items[0]
    assert conf.provider == "twilio"
    assert conf.id == raw["conference_sid"]
    assert conf.name == "All hands 12"
    assert conf.region == "ie1"
    assert conf.status is ConferenceStatus.COMPLETED
    assert conf.created_at == datetime(2025, 5, 4, 9, 42, tzinfo=UTC)
    assert conf.started_at == datetime(2025, 5, 4, 9, 42, 10, 500000, tzinfo=UTC)
    assert conf.ended_at == datetime(2025, 5, 4, 10, 42, 0, 250000, tzinfo=UTC)
    assert conf.duration == timedelta(hours=1)
    assert conf.end_reason is EndReason.HOST_LEFT
    assert conf.ended_by == raw["ended_by"]
    assert conf.max_participants == 250
    assert conf.max_concurrent_participants == 17
    assert conf.unique_participants == 21
    assert conf.account_id == raw["account_sid"]
    assert conf.tags == ("high_latency", "low_mos")
    assert conf.expires_at is None
    assert conf.updated_at is None
    assert conf.connection_id is None
    # Not modelled, still reachable:
    assert conf.raw["detected_issues"]["call_quality"] == 2
    assert conf.raw["tag_info"]["high_latency"]["count"] == 2
    assert conf.raw["links"]["conference_participants"].endswith("/Participants")
    assert conf.raw["processing_state"] == "complete"
    assert conf.raw["recording_enabled"] is False
    assert conf.raw == raw


def test_nulls_and_missing_fields() -> None:
    conf = parse_list_response(200, {}, load("page2.json")).items[0]
    assert conf.status is ConferenceStatus.NOT_STARTED
    assert conf.started_at is None
    assert conf.ended_at is None
    assert conf.duration is None
    assert conf.end_reason is None
    assert conf.ended_by is None
    assert conf.tags == ()


@pytest.mark.parametrize(
    ("native", "status"),
    [
        ("not_started", ConferenceStatus.NOT_STARTED),
        ("in_progress", ConferenceStatus.IN_PROGRESS),
        ("completed", ConferenceStatus.COMPLETED),
        ("summary_timeout", ConferenceStatus.SUMMARY_TIMEOUT),
        ("archived", ConferenceStatus.UNKNOWN),
    ],
)
def test_status_mapping(native: str, status: ConferenceStatus) -> None:
    body = load("page2.json")
    body["conferences"][0]["status"] = native
    assert parse_list_response(200, {}, body).items[0].status is status


@pytest.mark.parametrize(
    ("native", "reason"),
    [
        ("last_participant_left", EndReason.ALL_LEFT),
        ("conference_ended_via_api", EndReason.ENDED_VIA_API),
        ("participant_with_end_conference_on_exit_left", EndReason.HOST_LEFT),
        ("last_participant_kicked", EndReason.LAST_PARTICIPANT_KICKED),
        ("participant_with_end_conference_on_exit_kicked", EndReason.HOST_KICKED),
        ("moderator_vanished", EndReason.UNKNOWN),
    ],
)
def test_end_reason_mapping(native: str, reason: EndReason) -> None:
    body = load("page2.json")
    body["conferences"][0]["end_reason"] = native
    assert parse_list_response(200, {}, body).items[0].end_reason is reason


@pytest.mark.parametrize(
    "stamp",
    [
        "2025-05-04T09:42:00Z",
        "2025-05-04T09:42:00.000Z",
        "2025-05-04T09:42:00+00:00",
        "2025-05-04T11:42:00+02:00",
        "2025-05-04T09:42:00.000000Z",
    ],
)
def test_timestamps_with_or_without_fractions(stamp: str) -> None:
    body = load("page2.json")
    body["conferences"][0]["create_time"] = stamp
    created = parse_list_response(200, {}, body).items[0].created_at
    assert created == datetime(2025, 5, 4, 9, 42, tzinfo=UTC)
    assert created is not None
    assert created.tzinfo is UTC


def test_retrieve_is_one_record_without_envelope() -> None:
    raw = load("page1.json")["conferences"][1]
    conf = parse_conference_response(200, {}, raw)
    assert conf.id == raw["conference_sid"]
    assert conf.status is ConferenceStatus.IN_PROGRESS


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r.update(conference_sid=None), "conferences[1].conference_sid"),
        (lambda r: r.pop("conference_sid"), "conferences[1].conference_sid"),
        (lambda r: r.update(create_time="May 4th"), "conferences[1].create_time"),
        (lambda r: r.update(duration_seconds="60"), "conferences[1].duration_seconds"),
        (lambda r: r.update(duration_seconds=10**20), "conferences[1].duration_seconds"),
        (lambda r: r.update(tags="high_jitter"), "conferences[1].tags"),
        (lambda r: r.update(recording_enabled=1), "conferences[1].recording_enabled"),
        (lambda r: r.update(max_participants=True), "conferences[1].max_participants"),
    ],
)
def test_wrong_shapes_name_the_field(mutate: Any, field: str) -> None:
    body = load("page1.json")
    mutate(body["conferences"][1])
    with pytest.raises(DecodeError) as info:
        parse_list_response(200, {"Twilio-Request-Id": "RQ1"}, body)
    assert info.value.field == field
    assert info.value.provider == "twilio"


@pytest.mark.parametrize("body", [None, [], {"conferences": {}}, {"conferences": [3]}, {}])
def test_list_body_not_documented_shape(body: object) -> None:
    with pytest.raises(DecodeError):
        parse_list_response(200, {}, body)


@pytest.mark.parametrize(
    ("status", "fixture", "cls", "code"),
    [
        (401, "error_401.json", AuthenticationError, "20003"),
        (404, "error_404.json", NotFoundError, "20404"),
        (400, "error_400.json", ValidationError, "20001"),
        (500, "error_401.json", ServerError, "20003"),
    ],
)
def test_error_mapping_keeps_the_code(status: int, fixture: str, cls: type, code: str) -> None:
    body = load(fixture)
    with pytest.raises(cls) as info:
        parse_list_response(status, {"Twilio-Request-Id": "RQ42"}, body)
    exc = info.value
    assert exc.code == code
    assert exc.status == status
    assert exc.detail == body["message"]
    assert exc.errors[0].meta == {"more_info": body["more_info"]}
    assert exc.request_id == "RQ42"
    assert str(exc).startswith("[request RQ42] twilio HTTP")
    assert code in str(exc)


def test_rate_limit() -> None:
    body = {"code": 20429, "message": "Too Many Requests", "status": 429}
    exc = parse_error(429, {"Retry-After": "2"}, body)
    assert isinstance(exc, RateLimitError)
    assert exc.retry_after == 2.0
    assert exc.code == "20429"
    # Twilio sends no rate-limit headers; a header of another API's means nothing here.
    exc = parse_error(429, {"x-ratelimit-reset": "9", "x-ratelimit-limit": "5"}, body)
    assert (exc.retry_after, exc.limit, exc.remaining) == (None, None, None)


def test_error_without_body() -> None:
    exc = parse_error(503, {}, None, "upstream unavailable")
    assert isinstance(exc, ServerError)
    assert exc.code is None
    assert "upstream unavailable" in str(exc)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children)
    ),
    max_leaves=8,
)


@given(field=st.sampled_from(sorted(load("page1.json")["conferences"][0])), value=_json_values)
def test_hostile_values_decode_or_raise_decode_error(field: str, value: object) -> None:
    body = load("page1.json")
    body["conferences"][0][field] = value
    outcome: object
    try:
        outcome = parse_list_response(200, {}, body)
    except DecodeError as exc:
        outcome = exc
    if isinstance(outcome, DecodeError):
        assert outcome.field is not None
        assert outcome.field.startswith("conferences[0]")
    else:
        assert isinstance(outcome, TwilioListPage)
        assert len(outcome.items) == 2
