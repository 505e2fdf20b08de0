"""Telnyx participant queries, cursors and pages: pure, no I/O."""

from __future__ import annotations

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
from confclient.adapter import DeferredItems
from confclient_telnyx.participant_pages import (
    build_participant_params,
    check_participant_cursor,
    check_resumed_participants,
    first_participant_cursor,
    parse_participant_page,
    participant_page_params,
)

CONF = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
RECORD: dict[str, Any] = {
    "record_type": "participant",
    "id": "9a2a6a4e-6f5e-4a1c-a9c8-2d5b1d9f0c11",
    "call_control_id": "v3:abc",
    "call_leg_id": "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0",
    "conference": {"id": CONF, "name": "Business"},
    "status": "left",
    "muted": True,
    "on_hold": False,
    "end_conference_on_exit": False,
    "soft_end_conference_on_exit": False,
    "whisper_call_control_ids": [],
    "created_at": "2019-01-23T18:10:02.574Z",
    "updated_at": "2019-01-23T18:20:02.574Z",
}


def q(**kwargs: Any) -> ParticipantQuery:
    return ParticipantQuery.build(**kwargs)


def test_muted_and_on_hold_become_filters_and_whispering_passes_through() -> None:
    params = build_participant_params(q(muted=True, on_hold=False, filters={"whispering": True}))
    assert params == [
        ("filter[muted]", "true"),
        ("filter[on_hold]", "false"),
        ("filter[whispering]", "true"),
        ("page[size]", "250"),
    ]


def test_page_size_follows_limit_and_is_capped() -> None:
    assert build_participant_params(q(limit=30)) == [("page[size]", "30")]
    with pytest.raises(InvalidRequestError, match="between 1 and 250"):
        build_participant_params(q(page_size=251))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"label": "caller-1"}, UnsupportedFilterError),
        ({"filters": {"status": "joined"}}, UnsupportedFilterError),
        ({"filters": {"whispering": "yes"}}, InvalidRequestError),
        ({"muted": True, "filters": {"filter[muted]": False}}, InvalidRequestError),
    ],
)
def test_refused_before_any_request(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        build_participant_params(q(**kwargs))


def test_a_conference_id_must_be_a_uuid() -> None:
    with pytest.raises(InvalidRequestError, match="UUID"):
        first_participant_cursor("../balance", q(), None)


def test_the_cursor_round_trips_and_a_forged_one_is_refused() -> None:
    cursor = first_participant_cursor(CONF, q(muted=True), "europe")
    assert cursor["r"] == "Europe"
    assert check_participant_cursor(cursor)[0] == CONF
    assert participant_page_params(cursor, "US") == [
        ("region", "US"),
        ("filter[muted]", "true"),
        ("page[size]", "250"),
        ("page[number]", "1"),
    ]
    for forged in (
        {**cursor, "n": 0},
        {**cursor, "c": "x"},
        {**cursor, "r": "Asia"},
        {k: v for k, v in cursor.items() if k != "r"},
        {**cursor, "q": [["filter[name]", "a"], ["page[size]", "3"]]},
        {**cursor, "q": [["page[size]", "999"]]},
    ):
        with pytest.raises(InvalidRequestError, match="damaged"):
            check_participant_cursor(forged)


def test_a_token_resumes_only_its_own_conference_and_query() -> None:
    cursor = first_participant_cursor(CONF, q(muted=True), None)
    check_resumed_participants(cursor, CONF, q())
    check_resumed_participants(cursor, CONF, q(muted=True))
    with pytest.raises(InvalidRequestError, match="another query"):
        check_resumed_participants(cursor, CONF, q(muted=False))
    with pytest.raises(InvalidRequestError, match="another conference"):
        check_resumed_participants(cursor, "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0", q())


def test_a_page_parses_with_next_cursor_and_deferred_items() -> None:
    cursor = first_participant_cursor(CONF, q(page_size=1), None)
    body = {
        "data": [RECORD],
        "meta": {"page_number": 1, "page_size": 1, "total_pages": 3, "total_results": 3},
    }
    page = parse_participant_page(200, {}, body, "", cursor, region="US")
    assert isinstance(page.items, DeferredItems)
    assert page.next_cursor == {**cursor, "r": "US", "n": 2}  # where it was found
    assert (page.number, page.total_pages, page.total_results) == (1, 3, 3)
    (participant,) = page.items.decode()
    assert participant.status is ParticipantStatus.LEFT
    assert participant.left_at == participant.updated_at
    assert participant.conference_id == CONF
    assert participant.data_region == "US"
    assert participant.coaching is False


def test_the_last_page_has_no_next_cursor() -> None:
    cursor = {**first_participant_cursor(CONF, q(), None), "n": 3}
    body = {"data": [], "meta": {"total_pages": 3}}
    assert parse_participant_page(200, {}, body, "", cursor, region=None).next_cursor is None


def test_errors_map_and_a_broken_record_names_its_field() -> None:
    cursor = first_participant_cursor(CONF, q(), None)
    body = {"errors": [{"code": "90058", "title": "Conference not found"}]}
    with pytest.raises(NotFoundError) as caught:
        parse_participant_page(404, {}, body, "", cursor, region="US")
    assert caught.value.code == "90058"
    broken = {"data": [RECORD, {**RECORD, "on_hold": "no"}], "meta": {"total_pages": 1}}
    page = parse_participant_page(200, {}, broken, "", cursor, region="US")
    assert isinstance(page.items, DeferredItems)
    with pytest.raises(DecodeError) as decode:
        page.items.decode()
    assert decode.value.field == "data[1].on_hold"
