"""The adapters' fast participant decoding against their cattrs path (as
``test_fast_decode.py`` holds the conference decoders): on any record the fast path either
declines or builds exactly the participant the strict path builds, and it declines nothing
the sandbox serves. Every test runs with the builders as made here and with the portable
builder forced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import confclient_telnyx.participant_records as telnyx_records
import confclient_twilio.participant_records as twilio_records
from confclient import DecodeError, Participant
from confclient.sandbox import Sandbox
from tests.adapters._fast_vs_strict import (
    assert_each_field_refuses,
    check_same,
    mutated,
    use_builder,
)

_SANDBOX = Sandbox(seed=11, size=40)
_TELNYX_CONFERENCES = _SANDBOX.telnyx_records("US")
_TWILIO_CONFERENCES = _SANDBOX.twilio_records("us1")
TELNYX_RECORDS = [
    record
    for conference in _TELNYX_CONFERENCES[:6]
    for record in _SANDBOX.telnyx_participant_records(conference["id"])[:60]
]
TWILIO_RECORDS = [
    record
    for conference in _TWILIO_CONFERENCES[:6]
    for record in _SANDBOX.twilio_participant_records(conference["conference_sid"])[:60]
]
# The single-record shape: flat conference_id, a label, no record_type.
TELNYX_SINGLE = [
    {
        **{k: v for k, v in record.items() if k not in ("record_type", "conference")},
        "conference_id": record["conference"]["id"],
        "label": f"caller-{index}",
    }
    for index, record in enumerate(TELNYX_RECORDS[:40])
]


def _slow_telnyx(record: Any) -> Participant:
    return telnyx_records._decode_slow(record, "data[0]", 200, {}, "US")


def _slow_twilio(record: Any) -> Participant:
    return twilio_records._decode_slow(record, "participants[0]", 200, {}, None)


PATHS: dict[str, tuple[Callable[[Any, str | None], Participant | None], Callable[..., Any]]] = {
    "telnyx": (telnyx_records._decode_fast, _slow_telnyx),
    "twilio": (twilio_records._decode_fast, _slow_twilio),
}


@pytest.fixture(autouse=True, params=["native", "portable"])
def builder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    modules = (telnyx_records, twilio_records)
    return use_builder(str(request.param), Participant, modules, monkeypatch)


def _check_same(provider: str, record: Any) -> Participant | None:
    fast_path, slow_path = PATHS[provider]
    result: Participant | None = check_same(fast_path, slow_path, record, _stamps)
    return result


def _stamps(participant: Participant) -> tuple[Any, ...]:
    return (participant.joined_at, participant.left_at, participant.updated_at)


@pytest.mark.parametrize(
    ("provider", "records"),
    [("telnyx", TELNYX_RECORDS), ("telnyx", TELNYX_SINGLE), ("twilio", TWILIO_RECORDS)],
    ids=["telnyx-list", "telnyx-single", "twilio"],
)
def test_every_sandbox_record_takes_the_fast_path(provider: str, records: list[Any]) -> None:
    fast_path, _ = PATHS[provider]
    assert len(records) > 30
    for record in records:
        assert fast_path(record, "US") is not None, record
        _check_same(provider, record)


def test_both_telnyx_shapes_give_the_same_participant_but_the_label() -> None:
    listed = _check_same("telnyx", TELNYX_RECORDS[0])
    single = _check_same("telnyx", TELNYX_SINGLE[0])
    assert listed is not None
    assert single is not None
    assert listed.conference_id == single.conference_id == _TELNYX_CONFERENCES[0]["id"]
    assert (listed.label, single.label) == (None, "caller-0")
    assert attrs.evolve(listed, label="caller-0") == single


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=mutated(TELNYX_RECORDS + TELNYX_SINGLE, ("conference",)))
def test_telnyx_fast_path_agrees_with_the_strict_path(record: Any) -> None:
    _check_same("telnyx", record)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=mutated(TWILIO_RECORDS, ("events", "metrics", "properties")))
def test_twilio_fast_path_agrees_with_the_strict_path(record: Any) -> None:
    _check_same("twilio", record)


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
@pytest.mark.parametrize(
    "value", [True, 1.5, "12", ["a"], {"a": 1}, 2**80], ids=lambda v: type(v).__name__
)
def test_a_wrong_type_in_any_field_leaves_the_fast_path(provider: str, value: Any) -> None:
    fast_path, slow_path = PATHS[provider]
    base = (TELNYX_RECORDS if provider == "telnyx" else TWILIO_RECORDS)[0]
    assert_each_field_refuses(fast_path, slow_path, base, value)


@pytest.mark.parametrize(
    ("provider", "record", "field"),
    [
        ("telnyx", {"id": "", "status": "joined"}, "data[0].id"),
        ("telnyx", {"id": "p", "muted": "yes"}, "data[0].muted"),
        ("telnyx", {"id": "p", "conference": {"id": 3}}, "data[0].conference.id"),
        ("twilio", {"participant_sid": None}, "participants[0].participant_sid"),
        ("twilio", {"participant_sid": "CP1", "join_time": "soon"}, "participants[0].join_time"),
        ("twilio", {"participant_sid": "CP1", "from": 5}, "participants[0].from"),
    ],
)
def test_a_broken_record_is_a_decode_error_naming_the_field(
    provider: str, record: dict[str, Any], field: str
) -> None:
    _, slow_path = PATHS[provider]
    with pytest.raises(DecodeError) as caught:
        slow_path(record)
    assert caught.value.field == field
