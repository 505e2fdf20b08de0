"""Pure query building for Telnyx, with every client-side check."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confclient import (
    ConferenceStatus,
    InvalidRequestError,
    ListQuery,
    UnsupportedFilterError,
)
from confclient_telnyx.params import (
    REGIONS,
    build_list_params,
    flatten_filters,
    format_timestamp,
)


def params(**kwargs: Any) -> list[tuple[str, str]]:
    return build_list_params(ListQuery.build(**kwargs))


def test_defaults_to_the_largest_page() -> None:
    assert params() == [("page[size]", "250")]


def test_limit_below_page_size_shrinks_the_page() -> None:
    assert params(limit=30) == [("page[size]", "30")]
    assert params(limit=1000) == [("page[size]", "250")]


def test_neutral_filters() -> None:
    got = params(region="middle east", status="in_progress", name="All hands", page_size=10)
    assert got == [
        ("region", "Middle East"),
        ("filter[name]", "All hands"),
        ("filter[status]", "in_progress"),
        ("page[size]", "10"),
    ]


@pytest.mark.parametrize(
    ("status", "native"),
    [
        (ConferenceStatus.NOT_STARTED, "init"),
        ("in_progress", "in_progress"),
        (ConferenceStatus.COMPLETED, "completed"),
    ],
)
def test_status_to_native(status: Any, native: str) -> None:
    assert ("filter[status]", native) in params(status=status)


def test_summary_timeout_is_unsupported() -> None:
    with pytest.raises(UnsupportedFilterError) as info:
        params(status=ConferenceStatus.SUMMARY_TIMEOUT)
    assert info.value.provider == "telnyx"
    assert info.value.filter == "status"


@pytest.mark.parametrize("argument", ["created_after", "created_before"])
def test_created_filters_are_unsupported(argument: str) -> None:
    with pytest.raises(UnsupportedFilterError) as info:
        params(**{argument: datetime(2026, 1, 1, tzinfo=UTC)})
    assert info.value.filter == argument
    assert argument in str(info.value)


@pytest.mark.parametrize("size", [251, 1000])
def test_page_size_above_telnyx_maximum(size: int) -> None:
    with pytest.raises(InvalidRequestError, match=r"page_size must be between 1 and 250"):
        params(page_size=size)


@pytest.mark.parametrize("size", [0, -1])
def test_page_size_below_one(size: int) -> None:
    with pytest.raises(InvalidRequestError, match="page_size"):
        params(page_size=size)


def test_unknown_region_names_the_allowed_ones() -> None:
    with pytest.raises(InvalidRequestError) as info:
        params(region="Mars")
    for region in REGIONS:
        assert region in str(info.value)


def test_deep_object_filters_nested_and_bracketed() -> None:
    when = datetime(2019, 3, 29, 11, 10, tzinfo=UTC)
    got = params(
        filters={
            "occurred_at": {"gte": when, "lt": "2019-03-30T00:00:00+00:00"},
            "application_name[contains]": "sales",
            "filter[outbound.outbound_voice_profile_id]": 1293384261075731499,
            "leg_id": "428C31B6-ABF3-3BC1-B7F4-5013EF9657C1",
            "product": "texml",
            "failed": False,
            "from": "+12025550142",
            "to": "+12025550143",
            "type": "webhook",
            "connection_id": "abc",
            "application_session_id": uuid.UUID(int=5),
        }
    )
    assert got == [
        ("filter[occurred_at][gte]", "2019-03-29T11:10:00Z"),
        ("filter[occurred_at][lt]", "2019-03-30T00:00:00Z"),
        ("filter[application_name][contains]", "sales"),
        ("filter[outbound.outbound_voice_profile_id]", "1293384261075731499"),
        ("filter[leg_id]", "428c31b6-abf3-3bc1-b7f4-5013ef9657c1"),
        ("filter[product]", "texml"),
        ("filter[failed]", "false"),
        ("filter[from]", "+12025550142"),
        ("filter[to]", "+12025550143"),
        ("filter[type]", "webhook"),
        ("filter[connection_id]", "abc"),
        ("filter[application_session_id]", str(uuid.UUID(int=5))),
        ("page[size]", "250"),
    ]


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"application_name": {"contains": "ab"}}, "at least 3 characters"),
        ({"product": "sms"}, "call_control, fax, texml"),
        ({"type": "event"}, "command, webhook"),
        ({"failed": "no"}, "True or False"),
        ({"leg_id": "not-a-uuid"}, "UUID"),
        ({"outbound.outbound_voice_profile_id": "12ab"}, "int64"),
        ({"occurred_at": {"gte": "yesterday"}}, "ISO 8601"),
        ({"occurred_at": {"gte": datetime(2019, 3, 29)}}, "timezone-aware"),
        ({"occurred_at": {"gte": "2019-03-29T11:10:00"}}, "timezone-aware"),
        ({"occurred_at": {}}, "empty"),
        ({"status": "ended"}, "init, in_progress, completed"),
        ({"from": ""}, "non-empty"),
        ({"filter[occurred_at": "x"}, "deepObject"),
    ],
)
def test_bad_filter_values(filters: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidRequestError, match=message):
        params(filters=filters)


@pytest.mark.parametrize(
    "filters",
    [{"colour": "red"}, {"occurred_at": {"around": "x"}}, {"application_name": "abc"}],
)
def test_undocumented_filters_are_refused_not_dropped(filters: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedFilterError, match="documented filters"):
        params(filters=filters)


def test_neutral_and_native_filter_must_agree() -> None:
    assert ("filter[name]", "A") in params(name="A", filters={"name": "A"})
    with pytest.raises(InvalidRequestError, match="disagree"):
        params(name="A", filters={"name": "B"})
    with pytest.raises(InvalidRequestError, match="disagree"):
        params(status="completed", filters={"status": "init"})


def test_same_filter_twice() -> None:
    with pytest.raises(InvalidRequestError, match="twice"):
        flatten_filters({"occurred_at": {"gte": "2019-01-01T00:00:00Z"}, "occurred_at[gte]": "x"})


def test_format_timestamp() -> None:
    assert format_timestamp(datetime(2019, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2019-01-02T03:04:05Z"
    plus_two = timezone(timedelta(hours=2))
    when = datetime(2019, 1, 2, 5, 4, 5, 574000, tzinfo=plus_two)
    assert format_timestamp(when) == "2019-01-02T03:04:05.574Z"


@given(st.datetimes(timezones=st.just(UTC)))
def test_format_timestamp_round_trips_to_the_millisecond(when: datetime) -> None:
    text = format_timestamp(when)
    assert text.endswith("Z")
    back = datetime.fromisoformat(text)
    assert abs(back - when) < timedelta(milliseconds=1)


@given(
    region=st.sampled_from([None, *REGIONS]),
    status=st.sampled_from([None, *[s for s in ConferenceStatus if s.value != "unknown"]]),
    name=st.one_of(st.none(), st.text(min_size=1, max_size=20)),
    page_size=st.one_of(st.none(), st.integers(1, 250)),
)
def test_query_builder_properties(
    region: str | None, status: ConferenceStatus | None, name: str | None, page_size: int | None
) -> None:
    try:
        got = dict(params(region=region, status=status, name=name, page_size=page_size))
    except UnsupportedFilterError:
        assert status is ConferenceStatus.SUMMARY_TIMEOUT
        return
    assert got["page[size]"] == str(page_size or 250)
    assert got.get("region") == region
    assert got.get("filter[name]") == name
    assert ("filter[status]" in got) == (status is not None)
