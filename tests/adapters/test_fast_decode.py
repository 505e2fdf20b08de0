"""The adapters' fast decoding path against their cattrs path.

Each adapter decodes a record in one pass with exact-type checks (``_decode_fast``) and falls
back to the cattrs converter, which names the failing field, when anything is off. These
properties hold the two paths together: on any record the fast path either declines or
builds exactly the conference the cattrs path builds (every field, its type, and ``raw``),
and it declines nothing the sandbox serves, so the fast path really is the one taken.

Every test runs twice: with the adapters' builders as this interpreter makes them
(``__class__`` assignment on CPython) and with the portable builder forced, the one other
interpreters fall back to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import confclient_telnyx.records as telnyx_records
import confclient_twilio.records as twilio_records
from confclient import Conference
from confclient.model import FrozenList
from confclient.sandbox import Sandbox
from tests.adapters._fast_vs_strict import (
    assert_each_field_refuses,
    check_same,
    mutated,
    use_builder,
)

_SANDBOX = Sandbox(seed=11, size=40)
TELNYX_RECORDS = _SANDBOX.telnyx_records("US")
TWILIO_RECORDS = _SANDBOX.twilio_records()


def _slow_telnyx(record: Any) -> Conference:
    native = telnyx_records.CONFERENCES.structure(
        record, telnyx_records.TelnyxConference, "data[0]", status=200, headers={}
    )
    return telnyx_records.to_conference(native, record, data_region="US")


def _slow_twilio(record: Any) -> Conference:
    native = twilio_records.CONFERENCES.structure(
        record, twilio_records.TwilioConference, "conferences[0]", status=200, headers={}
    )
    return twilio_records.to_conference(native, record, path="conferences[0]")


PATHS: dict[str, tuple[Callable[[Any, str | None], Conference | None], Callable[..., Any]]] = {
    "telnyx": (telnyx_records._decode_fast, _slow_telnyx),
    "twilio": (twilio_records._decode_fast, _slow_twilio),
}


@pytest.fixture(autouse=True, params=["native", "portable"])
def builder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The adapters' ``_build`` as made here, or forced onto the portable path."""
    modules = (telnyx_records, twilio_records)
    return use_builder(str(request.param), Conference, modules, monkeypatch)


def _check_same(provider: str, record: Any) -> Conference | None:
    fast_path, slow_path = PATHS[provider]
    result: Conference | None = check_same(fast_path, slow_path, record, _stamps)
    return result


def _stamps(conf: Conference) -> tuple[Any, ...]:
    return (conf.created_at, conf.started_at, conf.ended_at, conf.updated_at)


@pytest.mark.parametrize(
    ("provider", "records"), [("telnyx", TELNYX_RECORDS), ("twilio", TWILIO_RECORDS)]
)
def test_every_sandbox_record_takes_the_fast_path(provider: str, records: list[Any]) -> None:
    fast_path, _ = PATHS[provider]
    assert records
    for record in records:
        assert fast_path(record, "US") is not None, record
        _check_same(provider, record)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=mutated(TELNYX_RECORDS, ("ended_by",)))
def test_telnyx_fast_path_agrees_with_cattrs(record: Any) -> None:
    _check_same("telnyx", record)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=mutated(TWILIO_RECORDS, ("links", "tag_info", "detected_issues")))
def test_twilio_fast_path_agrees_with_cattrs(record: Any) -> None:
    _check_same("twilio", record)


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
@pytest.mark.parametrize(
    "value", [True, 1.5, "12", ["a"], {"a": 1}, 2**80], ids=lambda v: type(v).__name__
)
def test_a_wrong_type_in_any_field_leaves_the_fast_path(provider: str, value: Any) -> None:
    """Field by field: a value of the wrong JSON type is declined by the fast path and
    refused by the cattrs path (so the caller gets a DecodeError naming the field)."""
    fast_path, slow_path = PATHS[provider]
    base = (TELNYX_RECORDS if provider == "telnyx" else TWILIO_RECORDS)[0]
    assert_each_field_refuses(fast_path, slow_path, base, value)


def test_an_unknown_key_with_nested_containers_is_frozen_too() -> None:
    record = {**TELNYX_RECORDS[0], "future": {"deep": [{"x": [1, 2]}]}}
    conf = _check_same("telnyx", record)
    assert conf is not None
    assert type(conf.raw["future"]["deep"][0]["x"]) is FrozenList
