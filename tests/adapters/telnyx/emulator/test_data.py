"""Seeded data generation: determinism, shape and list order."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from confclient.sandbox import TELNYX_REGIONS, Sandbox
from confclient.sandbox._data import EPOCH_MS, iso_ms
from confclient_telnyx.emulator.data import TELNYX_SITES, generate_telnyx_region, telnyx_api_key

ISO_MS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
ALLOWED_KEYS = {
    "record_type",
    "id",
    "name",
    "created_at",
    "expires_at",
    "updated_at",
    "region",
    "status",
    "end_reason",
    "ended_by",
    "connection_id",
}


def test_same_seed_same_records() -> None:
    assert Sandbox(seed=3, size=50).telnyx_records("Europe") == Sandbox(
        seed=3, size=50
    ).telnyx_records("Europe")
    assert telnyx_api_key(3) == Sandbox(seed=3).telnyx_api_key


def test_records_do_not_depend_on_region_order() -> None:
    first = Sandbox(seed=1, size=20)
    second = Sandbox(seed=1, size=20)
    first.telnyx_records("US")
    assert first.telnyx_records("Australia") == second.telnyx_records("Australia")


def test_different_seed_different_records() -> None:
    a, b = Sandbox(seed=0, size=20), Sandbox(seed=1, size=20)
    assert {r["id"] for r in a.telnyx_records()}.isdisjoint({r["id"] for r in b.telnyx_records()})
    assert a.telnyx_api_key != b.telnyx_api_key
    assert a.telnyx_api_key.startswith("KEYsandbox")


def test_regions_have_size_records_with_their_sites() -> None:
    sb = Sandbox(seed=0, size=40)
    ids: set[str] = set()
    for region in TELNYX_REGIONS:
        records = sb.telnyx_records(region)
        assert len(records) == 40
        assert {r["region"] for r in records} <= set(TELNYX_SITES[region])
        ids |= {r["id"] for r in records}
    assert len(ids) == 4 * 40


def test_unknown_region_is_rejected() -> None:
    with pytest.raises(ValueError, match="Middle East"):
        Sandbox().telnyx_records("Mars")


def test_record_shape() -> None:
    records = Sandbox(seed=5, size=300).telnyx_records("US")
    statuses = {r["status"] for r in records}
    assert statuses == {"init", "in_progress", "completed"}
    completed = [r for r in records if r["status"] == "completed"]
    assert len(completed) > len(records) // 2
    for record in records:
        assert set(record) <= ALLOWED_KEYS
        assert record["record_type"] == "conference"
        assert str(uuid.UUID(record["id"])) == record["id"]
        assert uuid.UUID(record["id"]).version == 4
        assert record["connection_id"].isdigit()
        for key in ("created_at", "expires_at", "updated_at"):
            assert ISO_MS.fullmatch(record[key]), record[key]
        assert record["created_at"] < record["expires_at"]
        assert record["created_at"] <= record["updated_at"] <= record["expires_at"]
        if record["status"] == "completed":
            assert record["end_reason"] in {
                "all_left",
                "ended_via_api",
                "host_left",
                "time_exceeded",
            }
            assert record["ended_by"]["call_control_id"].startswith("v3:")
            uuid.UUID(record["ended_by"]["call_session_id"])
            assert record["expires_at"] < iso_ms(EPOCH_MS)
        else:
            assert "end_reason" not in record
            assert "ended_by" not in record
            assert record["expires_at"] > iso_ms(EPOCH_MS)
    names = [r["name"] for r in records]
    assert len(set(names)) > 0.9 * len(names)


def test_records_sorted_by_descending_expires_at() -> None:
    records = Sandbox(seed=2, size=500).telnyx_records("Europe")
    keys = [(r["expires_at"], r["id"]) for r in records]
    by_id = sorted(keys, key=lambda k: k[1])
    assert keys == sorted(by_id, key=lambda k: k[0], reverse=True)
    assert keys[0][0] > keys[-1][0]


def test_bodies_are_canonical_json() -> None:
    # The generator writes JSON by hand; it must equal what a JSON encoder would produce.
    for row in generate_telnyx_region(9, "Middle East", 200):
        decoded = json.loads(row.body)
        assert json.dumps(decoded, separators=(",", ":")).encode() == row.body
        assert row.sort_key[1] == decoded["id"] == row.id


def test_size_zero() -> None:
    assert Sandbox(size=0).telnyx_records("US") == []
