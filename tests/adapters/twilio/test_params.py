"""Pure query building for Twilio Insights, with every client-side check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confclient import (
    ConferenceStatus,
    EndReason,
    InvalidRequestError,
    ListQuery,
    UnsupportedFilterError,
)
from confclient_twilio.params import (
    MIXER_REGIONS,
    PARTICIPANT_REGIONS,
    build_list_params,
    check_conference_sid,
    format_timestamp,
)

SID = "CF" + "0123456789abcdef" * 2
ACCOUNT = "AC" + "fedcba9876543210" * 2


def params(**kwargs: Any) -> list[tuple[str, str]]:
    return build_list_params(ListQuery.build(**kwargs))


def test_defaults_to_the_largest_page() -> None:
    assert params() == [("PageSize", "1000")]
    assert params(limit=10) == [("PageSize", "10")]


def test_every_neutral_filter() -> None:
    after = datetime(2025, 5, 4, 11, 42, tzinfo=timezone(timedelta(hours=2)))
    before = datetime(2025, 5, 5, tzinfo=UTC)
    assert params(
        name="All hands",
        status=ConferenceStatus.SUMMARY_TIMEOUT,
        created_after=after,
        created_before=before,
        region="IE1",
        page_size=50,
    ) == [
        ("FriendlyName", "All hands"),
        ("Status", "summary_timeout"),
        ("CreatedAfter", "2025-05-04T09:42:00Z"),
        ("CreatedBefore", "2025-05-05T00:00:00Z"),
        ("MixerRegion", "ie1"),
        ("PageSize", "50"),
    ]


@pytest.mark.parametrize(
    ("status", "native"),
    [
        ("not_started", "not_started"),
        (ConferenceStatus.IN_PROGRESS, "in_progress"),
        ("completed", "completed"),
        ("summary_timeout", "summary_timeout"),
    ],
)
def test_status(status: Any, native: str) -> None:
    assert ("Status", native) in params(status=status)


def test_native_filters() -> None:
    got = params(
        filters={
            "ConferenceSid": SID,
            "Tags": ["high_jitter", "low_mos"],
            "Subaccount": ACCOUNT,
            "DetectedIssues": "call_quality, participant_behavior",
            "EndReason": EndReason.HOST_KICKED,
        }
    )
    assert got == [
        ("ConferenceSid", SID),
        ("Tags", "high_jitter,low_mos"),
        ("Subaccount", ACCOUNT),
        ("DetectedIssues", "call_quality,participant_behavior"),
        ("EndReason", "participant_with_end_conference_on_exit_kicked"),
        ("PageSize", "1000"),
    ]
    assert ("EndReason", "last_participant_left") in params(
        filters={"EndReason": "last_participant_left"}
    )


@pytest.mark.parametrize(
    ("filters", "error", "message"),
    [
        ({"ConferenceSid": "CF123"}, InvalidRequestError, "CF \\+ 32 hex"),
        ({"Subaccount": "AC123"}, InvalidRequestError, "AC \\+ 32 hex"),
        ({"Subaccount": SID}, InvalidRequestError, "AC \\+ 32 hex"),
        ({"Tags": []}, InvalidRequestError, "non-empty"),
        ({"Tags": ["a,b"]}, InvalidRequestError, "without commas"),
        ({"Tags": 3}, InvalidRequestError, "list of strings"),
        ({"EndReason": "it_ended"}, InvalidRequestError, "last_participant_left"),
        ({"EndReason": EndReason.TIME_EXCEEDED}, UnsupportedFilterError, "no end reason"),
        ({"FriendlyName": "x"}, InvalidRequestError, "name= argument"),
        ({"MixerRegion": "us1"}, InvalidRequestError, "region= argument"),
        ({"PageToken": "PA"}, InvalidRequestError, "resume_token= argument"),
        ({"Colour": "red"}, UnsupportedFilterError, "ConferenceSid, Tags"),
    ],
)
def test_bad_filters(filters: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        params(filters=filters)


@pytest.mark.parametrize("size", [1001, 5000])
def test_page_size_above_maximum(size: int) -> None:
    with pytest.raises(InvalidRequestError, match="between 1 and 1000"):
        params(page_size=size)


def test_mixer_regions_are_the_documented_ones() -> None:
    # specs/twilio-insights-list-conferences.md: the MixerRegion filter and the summaries'
    # mixer_region / mixer_region_requested take "us1, au1, br1, ie1, jp1, sg1, or de1".
    assert MIXER_REGIONS == ("us1", "au1", "br1", "ie1", "jp1", "sg1", "de1")
    # specs/participants.md: participant_region / conference_region add us2 and in1.
    assert PARTICIPANT_REGIONS == ("us1", "us2", "au1", "br1", "ie1", "jp1", "sg1", "de1", "in1")


@pytest.mark.parametrize("region", ["us2", "in1", "IN1"])
def test_participant_only_regions_are_no_mixer_region(region: str) -> None:
    assert region.lower() in PARTICIPANT_REGIONS
    with pytest.raises(InvalidRequestError, match="us1, au1, br1, ie1, jp1, sg1, de1 for twilio"):
        params(region=region)


def test_unknown_region_lists_the_mixer_regions() -> None:
    with pytest.raises(InvalidRequestError) as info:
        params(region="eu1")
    for region in MIXER_REGIONS:
        assert region in str(info.value)


def test_naive_datetimes_refused() -> None:
    with pytest.raises(InvalidRequestError, match="created_after must be timezone-aware"):
        params(created_after=datetime(2025, 1, 1))


@pytest.mark.parametrize("sid", ["", "CF", "CA" + "0" * 32, "CF" + "g" * 32, "CF" + "0" * 33, 42])
def test_conference_sid_check(sid: Any) -> None:
    with pytest.raises(InvalidRequestError):
        check_conference_sid(sid)
    assert check_conference_sid(SID) == SID


@given(st.datetimes(timezones=st.just(UTC)))
def test_timestamps_round_trip(when: datetime) -> None:
    text = format_timestamp(when)
    assert text.endswith("Z")
    assert datetime.fromisoformat(text) == when
