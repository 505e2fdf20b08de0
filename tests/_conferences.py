"""What several test modules need of a `Conference`: every field set, and a deep read-only check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from confclient import ConferenceStatus, EndReason
from confclient._frozen import FrozenDict, FrozenList

NOW = datetime(2026, 11, 1, tzinfo=UTC)

#: A value for every field of `Conference` (provider, id and raw included).
EVERY_FIELD: dict[str, Any] = {
    "provider": "telnyx",
    "id": "1",
    "name": "n",
    "status": ConferenceStatus.COMPLETED,
    "region": "ch1",
    "created_at": NOW,
    "started_at": NOW,
    "ended_at": NOW,
    "expires_at": NOW,
    "updated_at": NOW,
    "end_reason": EndReason.HOST_LEFT,
    "ended_by": "v3:x",
    "duration": timedelta(seconds=5),
    "max_participants": 9,
    "unique_participants": 3,
    "max_concurrent_participants": 2,
    "account_id": "AC1",
    "connection_id": "c1",
    "tags": ("a", "b"),
    "data_region": "US",
    "raw": {"id": "1", "nested": {"a": [1]}},
}


def assert_deep_frozen(value: Any) -> None:
    """Every dict and list inside ``value`` is the read-only kind."""
    if isinstance(value, dict):
        assert type(value) is FrozenDict
        for item in value.values():
            assert_deep_frozen(item)
    elif isinstance(value, list):
        assert type(value) is FrozenList
        for item in value:
            assert_deep_frozen(item)
