"""Twilio participant queries and pages: pure, no I/O."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from confclient import (
    DecodeError,
    InvalidRequestError,
    NotFoundError,
    ParticipantQuery,
    ParticipantStatus,
    UnsupportedFilterError,
)
from confclient_twilio.participant_pages import (
    build_participant_params,
    check_participant_sid,
    check_resumed_participants,
    check_saved_participant_query,
    parse_participant_page,
    participant_path,
)

CF = "CF" + "a" * 32
CP = "CP" + "b" * 32
RECORD: dict[str, Any] = {
    "participant_sid": CP,
    "label": "alice",
    "conference_sid": CF,
    "call_sid": "CA" + "c" * 32,
    "account_sid": "AC" + "d" * 32,
    "call_direction": "outbound",
    "from": "+15551230000",
    "to": "+15559870000",
    "call_status": "noanswer",
    "country_code": "US",
    "is_moderator": False,
    "join_time": "2026-10-31T09:42:00Z",
    "leave_time": None,
    "duration_seconds": 12,
    "is_coach": True,
    "coached_participants": ["CA" + "e" * 32],
    "participant_region": "us2",
    "conference_region": "us1",
    "call_type": "carrier",
    "processing_state": "complete",
    "events": {"mute": []},
    "url": f"https://insights.twilio.com/v1/Conferences/{CF}/Participants/{CP}",
}


def q(**kwargs: Any) -> ParticipantQuery:
    return ParticipantQuery.build(**kwargs)


def test_label_and_native_filters() -> None:
    params = build_participant_params(
        q(label="alice", filters={"Events": "mute", "ParticipantSid": CP}, limit=5)
    )
    assert params == [
        ("Label", "alice"),
        ("Events", "mute"),
        ("ParticipantSid", CP),
        ("PageSize", "5"),
    ]
    assert build_participant_params(q()) == [("PageSize", "1000")]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"muted": True}, UnsupportedFilterError),
        ({"on_hold": False}, UnsupportedFilterError),
        ({"filters": {"Hold": "true"}}, UnsupportedFilterError),
        ({"filters": {"ParticipantSid": "CA" + "0" * 32}}, InvalidRequestError),
        ({"filters": {"Events": ""}}, InvalidRequestError),
        ({"filters": {"Label": "x"}}, InvalidRequestError),
        ({"page_size": 1001}, InvalidRequestError),
    ],
)
def test_refused_before_any_request(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        build_participant_params(q(**kwargs))


def test_sids_are_checked() -> None:
    assert participant_path(CF) == ("Conferences", CF, "Participants")
    with pytest.raises(InvalidRequestError, match="conference SID"):
        participant_path("CA" + "0" * 32)
    assert check_participant_sid(CP) == CP
    with pytest.raises(InvalidRequestError, match="participant SID"):
        check_participant_sid("../x")


def test_saved_queries_are_checked_and_resumes_keep_their_filters() -> None:
    check_saved_participant_query([("Label", "a"), ("PageSize", "50"), ("Page", "1")])
    for forged in ([("Label", "a")], [("PageSize", "5000")], [("PageSize", "5"), ("Page", "x")]):
        with pytest.raises(InvalidRequestError, match="damaged"):
            check_saved_participant_query(forged)
    saved = {"Label": "a", "PageSize": "50", "PageToken": "PAx"}
    check_resumed_participants(saved, q())
    check_resumed_participants(saved, q(label="a"))
    with pytest.raises(InvalidRequestError, match="another query"):
        check_resumed_participants(saved, q(label="b"))


def test_a_page_maps_every_field() -> None:
    body = {
        "participants": [RECORD],
        "meta": {"page": 0, "page_size": 1, "next_page_url": "https://x/next", "key": "p"},
    }
    page = parse_participant_page(200, {}, body, "", next_cursor=lambda url: url + "!")
    assert page.next_cursor == "https://x/next!"
    (p,) = list(page.items)
    assert (p.id, p.conference_id, p.label, p.call_id) == (CP, CF, "alice", RECORD["call_sid"])
    assert p.status is ParticipantStatus.FAILED
    assert (p.direction, p.caller, p.called) == ("outbound", "+15551230000", "+15559870000")
    assert (p.muted, p.on_hold, p.coaching) == (None, None, True)
    assert p.duration == timedelta(seconds=12)
    assert (p.region, p.data_region, p.account_id) == ("us2", "us1", RECORD["account_sid"])
    assert p.left_at is None
    assert p.joined_at is not None
    assert p.joined_at.tzinfo is not None


@pytest.mark.parametrize(
    ("native", "neutral"),
    [
        ("ringing", ParticipantStatus.JOINING),
        ("answered", ParticipantStatus.JOINED),
        ("completed", ParticipantStatus.LEFT),
        ("busy", ParticipantStatus.FAILED),
        ("canceled", ParticipantStatus.FAILED),
        ("something_new", ParticipantStatus.UNKNOWN),
        (None, ParticipantStatus.UNKNOWN),
    ],
)
def test_status_mapping(native: str | None, neutral: ParticipantStatus) -> None:
    body = {"participants": [{**RECORD, "call_status": native}], "meta": {}}
    page = parse_participant_page(200, {}, body, "", next_cursor=str)
    assert page.items[0].status is neutral


def test_errors_and_broken_records() -> None:
    error = {"code": 20404, "message": "The requested resource was not found", "status": 404}
    with pytest.raises(NotFoundError) as caught:
        parse_participant_page(404, {}, error, "", next_cursor=str)
    assert caught.value.code == "20404"
    body = {"participants": [{**RECORD, "duration_seconds": "12"}], "meta": {}}
    page = parse_participant_page(200, {}, body, "", next_cursor=str)
    with pytest.raises(DecodeError) as decode:
        list(page.items)
    assert decode.value.field == "participants[0].duration_seconds"
