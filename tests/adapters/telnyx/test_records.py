"""Pure decoding and mapping of Telnyx bodies (no I/O)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
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
    ErrorSource,
    NotFoundError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from confclient_telnyx.pages import parse_envelope
from confclient_telnyx.records import (
    TelnyxPageMeta,
    decode_records,
    parse_conference_response,
    parse_error,
)

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class TelnyxListPage:
    """A list response taken apart as the page parser does, its records all decoded."""

    items: tuple[Conference, ...]
    meta: TelnyxPageMeta


def parse_list_response(status: int, headers: dict[str, str], data: object) -> TelnyxListPage:
    records, meta = parse_envelope(status, headers, data)
    return TelnyxListPage(decode_records(records, status=status, headers=headers), meta)


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def test_spec_record_maps_every_field() -> None:
    raw = load("conference.json")
    conf = parse_conference_response(200, {}, {"data": raw})
    assert conf.provider == "telnyx"
    assert conf.id == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert conf.name == "All hands meeting"
    assert conf.status is ConferenceStatus.COMPLETED
    assert conf.end_reason is EndReason.ALL_LEFT
    assert conf.region == "sv1"
    assert conf.created_at == datetime(2019, 1, 23, 18, 10, 2, 574000, tzinfo=UTC)
    assert conf.expires_at == conf.created_at
    assert conf.updated_at == conf.created_at
    assert conf.ended_by == raw["ended_by"]["call_control_id"]
    assert conf.connection_id == "3fa85f64-9191-4567-b3fc-2c963f66afa6"
    # Telnyx has none of these: they stay None rather than being guessed.
    assert conf.started_at is None
    assert conf.ended_at is None
    assert conf.duration is None
    assert conf.account_id is None
    assert conf.tags == ()
    assert conf.raw == raw
    assert conf.raw["ended_by"]["call_session_id"] == "428c31b6-abf3-3bc1-b7f4-5013ef9657c1"


def test_timestamps_are_aware_utc() -> None:
    raw = {**load("conference.json"), "created_at": "2019-01-23T19:10:02.574+01:00"}
    conf = parse_conference_response(200, {}, {"data": raw})
    assert conf.created_at == datetime(2019, 1, 23, 18, 10, 2, 574000, tzinfo=UTC)
    assert conf.created_at is not None
    assert conf.created_at.utcoffset() is not None
    assert conf.created_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("native", "status"),
    [
        ("init", ConferenceStatus.NOT_STARTED),
        ("in_progress", ConferenceStatus.IN_PROGRESS),
        ("completed", ConferenceStatus.COMPLETED),
        ("paused_by_new_feature", ConferenceStatus.UNKNOWN),
    ],
)
def test_status_mapping(native: str, status: ConferenceStatus) -> None:
    raw = {**load("conference.json"), "status": native}
    assert parse_conference_response(200, {}, {"data": raw}).status is status


@pytest.mark.parametrize(
    ("native", "reason"),
    [
        ("all_left", EndReason.ALL_LEFT),
        ("ended_via_api", EndReason.ENDED_VIA_API),
        ("host_left", EndReason.HOST_LEFT),
        ("time_exceeded", EndReason.TIME_EXCEEDED),
        ("brand_new_reason", EndReason.UNKNOWN),
    ],
)
def test_end_reason_mapping(native: str, reason: EndReason) -> None:
    raw = {**load("conference.json"), "end_reason": native}
    assert parse_conference_response(200, {}, {"data": raw}).end_reason is reason


def test_optional_fields_absent() -> None:
    raw = {
        "record_type": "conference",
        "id": "x",
        "name": "n",
        "created_at": "2019-01-23T18:10:02Z",
        "expires_at": "2019-01-23T18:10:02Z",
    }
    conf = parse_conference_response(200, {}, {"data": raw})
    assert conf.status is ConferenceStatus.UNKNOWN
    assert conf.end_reason is None
    assert conf.ended_by is None
    assert conf.updated_at is None
    assert conf.region is None


def test_unknown_keys_are_kept_in_raw() -> None:
    raw = {**load("conference.json"), "new_field": {"nested": [1, 2]}}
    conf = parse_conference_response(200, {}, {"data": raw})
    assert conf.raw["new_field"]["nested"] == [1, 2]
    assert conf.raw == raw


def test_list_page_and_meta() -> None:
    page = parse_list_response(200, {}, load("list_page1.json"))
    assert [c.id for c in page.items] == [
        "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "7c1f2a10-1b2c-4d5e-8f90-123456789abc",
    ]
    assert page.items[1].status is ConferenceStatus.IN_PROGRESS
    assert page.items[1].end_reason is None
    assert (page.meta.total_pages, page.meta.total_results) == (2, 3)
    assert (page.meta.page_number, page.meta.page_size) == (1, 2)


def test_list_without_meta() -> None:
    body = load("list_page2.json")
    del body["meta"]
    page = parse_list_response(200, {}, body)
    assert page.meta.total_pages is None
    assert len(page.items) == 1


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r.pop("id"), "data[1].id"),
        (lambda r: r.update(created_at="yesterday"), "data[1].created_at"),
        (lambda r: r.update(created_at=12), "data[1].created_at"),
        (lambda r: r.update(name=["a"]), "data[1].name"),
        (lambda r: r.update(ended_by="someone"), "data[1].ended_by"),
    ],
)
def test_wrong_shape_is_decode_error_naming_the_field(mutate: Any, field: str) -> None:
    body = load("list_page1.json")
    mutate(body["data"][1])
    with pytest.raises(DecodeError) as info:
        parse_list_response(200, {"X-Request-Id": "r1"}, body)
    assert info.value.field == field
    assert info.value.provider == "telnyx"
    assert info.value.request_id == "r1"
    assert field.split(".")[-1] in str(info.value)


@pytest.mark.parametrize(
    "body",
    [None, [], "text", {"data": {"id": 1}}, {"data": None}, {"data": [1]}, {"meta": {}}],
)
def test_list_body_not_documented_shape(body: object) -> None:
    with pytest.raises(DecodeError):
        parse_list_response(200, {}, body)


def test_non_json_success_body() -> None:
    with pytest.raises(DecodeError, match="not JSON"):
        parse_conference_response(200, {}, None, "<html>oops</html>")


def test_meta_of_wrong_type() -> None:
    body = load("list_page2.json")
    body["meta"] = {"total_pages": "two"}
    with pytest.raises(DecodeError) as info:
        parse_list_response(200, {}, body)
    assert info.value.field == "meta.total_pages"


@pytest.mark.parametrize(
    ("status", "fixture", "cls", "code"),
    [
        (401, "error_401.json", AuthenticationError, "10009"),
        (403, "error_401.json", AuthenticationError, "10009"),
        (404, "error_404.json", NotFoundError, "90058"),
        (422, "error_422_conflict.json", ValidationError, "90033"),
        (400, "error_422_multi.json", ValidationError, "10004"),
        (500, "error_404.json", ServerError, "90058"),
        (503, "error_404.json", ServerError, "90058"),
    ],
)
def test_error_mapping(status: int, fixture: str, cls: type, code: str) -> None:
    body = load(fixture)
    with pytest.raises(cls) as info:
        parse_conference_response(status, {"X-Request-Id": "req-9"}, body)
    exc = info.value
    assert exc.status == status
    assert exc.code == code
    assert exc.title == body["errors"][0]["title"]
    assert exc.detail == body["errors"][0]["detail"]
    assert exc.request_id == "req-9"
    assert str(exc).startswith("[request req-9]")
    assert code in str(exc)


def test_every_error_is_kept_with_source() -> None:
    exc = parse_error(422, {}, load("error_422_multi.json"))
    assert isinstance(exc, ValidationError)
    assert [e.code for e in exc.errors] == ["10004", "10033", "10032"]
    assert exc.source == ErrorSource(pointer="/to")
    assert exc.errors[1].source == ErrorSource(pointer="/max_participants")
    assert exc.errors[2].source == ErrorSource(parameter="page[size]")
    assert "+2 more errors" in str(exc)


def test_error_meta_kept() -> None:
    exc = parse_error(401, {}, load("error_401.json"))
    assert exc.errors[0].meta == {"url": "https://developers.telnyx.com/docs/overview/errors/10009"}


def test_rate_limit_carries_retry_after() -> None:
    exc = parse_error(429, {"Retry-After": "7"}, {"errors": [{"code": "10011", "title": "Slow"}]})
    assert isinstance(exc, RateLimitError)
    assert exc.retry_after == 7.0
    assert (exc.limit, exc.remaining) == (None, None)


def test_rate_limit_reads_the_x_ratelimit_headers() -> None:
    """Telnyx's 429 has no Retry-After: the wait is ``x-ratelimit-reset`` (seconds), and
    the limit and what remains are carried too."""
    headers = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "12"}
    exc = parse_error(429, headers, {"errors": [{"code": "10011", "title": "Too many requests"}]})
    assert isinstance(exc, RateLimitError)
    assert (exc.retry_after, exc.limit, exc.remaining) == (12.0, 60, 0)


def test_error_without_json_body_keeps_status_and_text() -> None:
    exc = parse_error(502, {}, None, "<html>Bad gateway</html>")
    assert isinstance(exc, ServerError)
    assert exc.status == 502
    assert exc.code is None
    assert "Bad gateway" in str(exc)


def test_numeric_error_code_becomes_string() -> None:
    exc = parse_error(404, {}, {"errors": [{"code": 90058, "title": "Invalid conference_id"}]})
    assert exc.code == "90058"


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children)
    ),
    max_leaves=10,
)


@given(
    field=st.sampled_from(
        [
            *("id", "name", "created_at", "expires_at", "updated_at", "region", "status"),
            *("end_reason", "ended_by", "connection_id", "record_type"),
        ]
    ),
    value=_json_values,
)
def test_mutated_record_decodes_or_raises_decode_error(field: str, value: object) -> None:
    body = load("list_page1.json")
    body["data"][0][field] = value
    outcome: object
    try:
        outcome = parse_list_response(200, {}, body)
    except DecodeError as exc:
        outcome = exc
    if isinstance(outcome, DecodeError):
        assert outcome.field is not None
        assert outcome.field.startswith("data[0]")
    else:
        assert isinstance(outcome, TelnyxListPage)
        assert outcome.items[0].id == body["data"][0]["id"]
