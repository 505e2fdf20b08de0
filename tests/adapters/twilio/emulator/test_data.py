"""Seeded Twilio data: credentials, determinism, record shape, timestamps and list order."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from confclient.sandbox import TWILIO_MIXER_REGIONS, Sandbox
from confclient_twilio.emulator.data import (
    TWILIO_DETECTED_ISSUES,
    TWILIO_END_REASONS,
    TWILIO_TAGS,
    generate_twilio_region,
    region_of_sid,
    twilio_subaccount_sids,
)

KEYS = [
    "account_sid",
    "conference_sid",
    "friendly_name",
    "create_time",
    "start_time",
    "end_time",
    "duration_seconds",
    "connect_duration_seconds",
    "status",
    "max_participants",
    "max_concurrent_participants",
    "unique_participants",
    "end_reason",
    "ended_by",
    "mixer_region",
    "mixer_region_requested",
    "recording_enabled",
    "detected_issues",
    "tags",
    "tag_info",
    "processing_state",
    "url",
    "links",
]
WHOLE_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
MILLISECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
ACCOUNT_SID = re.compile(r"AC[0-9a-f]{32}")
CONFERENCE_SID = re.compile(r"CF[0-9a-f]{32}")
CALL_SID = re.compile(r"CA[0-9a-f]{32}")
# specs/twilio-insights-list-conferences.md: the values of MixerRegion, mixer_region and
# mixer_region_requested. (us2 and in1 are participant regions only.)
DOCUMENTED_MIXER_REGIONS = ("us1", "au1", "br1", "ie1", "jp1", "sg1", "de1")


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_credentials_are_seeded_and_well_formed() -> None:
    a, b, c = Sandbox(seed=1), Sandbox(seed=1), Sandbox(seed=2)
    for sb in (a, c):
        assert ACCOUNT_SID.fullmatch(sb.twilio_account_sid)
        assert re.fullmatch(r"[0-9a-f]{32}", sb.twilio_auth_token)
        assert re.fullmatch(r"SK[0-9a-f]{32}", sb.twilio_api_key)
        assert re.fullmatch(r"[0-9A-Za-z]{32}", sb.twilio_api_secret)
    creds = ("twilio_account_sid", "twilio_auth_token", "twilio_api_key", "twilio_api_secret")
    assert [getattr(a, name) for name in creds] == [getattr(b, name) for name in creds]
    for name in creds:
        assert getattr(a, name) != getattr(c, name)


def test_same_seed_same_records_whatever_the_region_order() -> None:
    first, second = Sandbox(seed=3, size=40), Sandbox(seed=3, size=40)
    first.twilio_records("jp1")
    assert first.twilio_records("de1") == second.twilio_records("de1")
    assert first.twilio_records() == second.twilio_records()
    other = Sandbox(seed=4, size=40).twilio_records()
    sids = {r["conference_sid"] for r in first.twilio_records()}
    assert sids.isdisjoint({r["conference_sid"] for r in other})


def test_size_records_per_mixer_region_and_merged() -> None:
    sb = Sandbox(seed=0, size=30)
    merged = sb.twilio_records()
    assert len(merged) == 30 * len(TWILIO_MIXER_REGIONS) == 210
    assert sb.twilio_mixer_regions == TWILIO_MIXER_REGIONS == DOCUMENTED_MIXER_REGIONS
    for region in TWILIO_MIXER_REGIONS:
        records = sb.twilio_records(region)
        assert len(records) == 30
        assert {r["mixer_region"] for r in records} == {region}
        assert {region_of_sid(r["conference_sid"]) for r in records} == {region}
    assert len({r["conference_sid"] for r in merged}) == 210
    assert Counter(r["mixer_region"] for r in merged) == dict.fromkeys(TWILIO_MIXER_REGIONS, 30)
    # Some records request another region than they were mixed in: only documented ones.
    requested = {r["mixer_region_requested"] for r in merged}
    assert requested == {None, *DOCUMENTED_MIXER_REGIONS}


@pytest.mark.parametrize("digit", "0123456789abcdef")
def test_the_last_sid_digit_names_the_region(digit: str) -> None:
    regions = dict(zip("0123456", DOCUMENTED_MIXER_REGIONS, strict=True))
    for sid in ("CF" + "5" * 31 + digit, "CF" + "5" * 31 + digit.upper()):
        assert region_of_sid(sid) == regions.get(digit)


@pytest.mark.parametrize("region", ["us3", "us2", "in1", "US1", "US"])
def test_unknown_mixer_region(region: str) -> None:
    with pytest.raises(ValueError, match="us1"):
        Sandbox().twilio_records(region)
    with pytest.raises(ValueError, match="mixer region"):
        generate_twilio_region(0, region, 1)


def test_size_zero() -> None:
    assert Sandbox(size=0).twilio_records() == []


def _key(record: dict[str, Any]) -> tuple[datetime, str]:
    return parse(record["create_time"]), record["conference_sid"]


@pytest.mark.parametrize("region", [None, "us1"])
def test_list_order_is_descending_create_time_then_sid(region: str | None) -> None:
    records = Sandbox(seed=2, size=300).twilio_records(region)
    keys = [_key(r) for r in records]
    by_sid = sorted(keys, key=lambda key: key[1])
    assert keys == sorted(by_sid, key=lambda key: key[0], reverse=True)
    assert keys[0][0] > keys[-1][0]


def test_ties_are_broken_by_ascending_sid() -> None:
    # Whole-second timestamps make equal create_time values likely in a large region.
    rows = generate_twilio_region(0, "us1", 20_000)
    ties = 0
    for before, after in itertools.pairwise(rows):
        if before.create_ms == after.create_ms:
            ties += 1
            assert before.sid < after.sid
    assert ties > 0


def test_both_timestamp_formats_are_served() -> None:
    records = Sandbox(seed=0, size=200).twilio_records("ie1")
    formats = Counter()
    for record in records:
        for key in ("create_time", "start_time", "end_time"):
            value = record[key]
            if value is None:
                continue
            if WHOLE_SECONDS.fullmatch(value):
                formats["seconds"] += 1
            else:
                assert MILLISECONDS.fullmatch(value), value
                formats["millis"] += 1
    assert formats["seconds"] > formats["millis"] > 0


def test_record_shape_and_consistency() -> None:
    sb = Sandbox(seed=5, size=400)
    records = sb.twilio_records("de1")
    subaccounts = set(twilio_subaccount_sids(5))
    statuses = Counter(r["status"] for r in records)
    assert set(statuses) == {"in_progress", "not_started", "completed", "summary_timeout"}
    assert statuses["completed"] > len(records) // 2
    epoch = parse("2026-11-01T00:00:00Z")
    for record in records:
        assert list(record) == KEYS
        assert record["account_sid"] == sb.twilio_account_sid or record["account_sid"] in (
            subaccounts
        )
        assert CONFERENCE_SID.fullmatch(record["conference_sid"])
        assert record["friendly_name"].rsplit(" ", 1)[1].isdigit()
        assert record["mixer_region"] == "de1"
        assert record["mixer_region_requested"] in (None, *TWILIO_MIXER_REGIONS)
        assert isinstance(record["recording_enabled"], bool)
        assert 1 <= record["max_concurrent_participants"] <= record["unique_participants"]
        assert record["max_concurrent_participants"] <= record["max_participants"]
        url = f"https://insights.twilio.com/v1/Conferences/{record['conference_sid']}"
        assert record["url"] == url
        assert record["links"] == {"conference_participants": url + "/Participants"}
        assert set(record["tags"]) <= set(TWILIO_TAGS)
        created = parse(record["create_time"])
        assert created <= epoch
        if record["status"] in ("not_started", "in_progress"):
            for key in ("end_time", "end_reason", "ended_by", "duration_seconds"):
                assert record[key] is None, key
            assert record["connect_duration_seconds"] is None
            assert record["processing_state"] == "in_progress"
            assert record["detected_issues"] is None
            assert (record["start_time"] is None) == (record["status"] == "not_started")
            continue
        started, ended = parse(record["start_time"]), parse(record["end_time"])
        assert created <= started < ended <= epoch
        assert record["duration_seconds"] == int((ended - created).total_seconds())
        assert record["connect_duration_seconds"] == int((ended - started).total_seconds())
        if record["status"] == "summary_timeout":
            assert record["processing_state"] == "timeout"
            assert record["end_reason"] is None
            assert record["ended_by"] is None
            continue
        assert record["end_reason"] in TWILIO_END_REASONS
        if record["end_reason"] == "conference_ended_via_api":
            assert record["ended_by"] is None
        else:
            assert CALL_SID.fullmatch(record["ended_by"])
        issues = record["detected_issues"]
        if issues is None:
            assert record["processing_state"] == "in_progress"
            assert record["tags"] == []
            continue
        assert record["processing_state"] == "complete"
        assert list(issues) == list(TWILIO_DETECTED_ISSUES)
        assert ("quality_warnings" in record["tags"]) == (issues["call_quality"] > 0)
        assert ("participant_behavior_issues" in record["tags"]) == (
            issues["participant_behavior"] > 0
        )
        assert (record["tag_info"] is None) == (record["tags"] == [])
        if record["tag_info"] is not None:
            assert list(record["tag_info"]) == record["tags"]
    assert {r["end_reason"] for r in records} == {*TWILIO_END_REASONS, None}
    assert any(r["account_sid"] in subaccounts for r in records)
    assert any(len(r["tags"]) >= 3 for r in records)


def test_records_on_the_canonical_origin_when_stopped() -> None:
    sb = Sandbox(size=2)
    assert sb.twilio_records("sg1")[0]["url"].startswith("https://insights.twilio.com/v1/")


async def test_records_on_the_sandbox_origin_while_running() -> None:
    async with Sandbox(size=2) as sb:
        record = sb.twilio_records("sg1")[0]
        assert record["url"] == f"{sb.twilio_base_url}/Conferences/{record['conference_sid']}"
        assert record["links"]["conference_participants"] == record["url"] + "/Participants"


def test_bodies_are_canonical_json() -> None:
    for row in generate_twilio_region(9, "br1", 300):
        decoded = json.loads(row.body)
        assert json.dumps(decoded, separators=(",", ":")).encode() == row.body
        assert row.sort_key[1] == row.sid == decoded["conference_sid"]
        assert row.status == decoded["status"]
        assert row.tags == frozenset(decoded["tags"])
        issues = decoded["detected_issues"] or {}
        assert row.issues == {name for name, count in issues.items() if count}
