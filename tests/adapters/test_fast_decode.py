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

import copy
from collections.abc import Callable
from datetime import UTC
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import confclient_telnyx.records as telnyx_records
import confclient_twilio.records as twilio_records
from confclient import Conference, DecodeError
from confclient._builder import trusted_builder, uses_class_assignment
from confclient.model import FrozenList
from confclient.sandbox import Sandbox
from tests._conferences import assert_deep_frozen

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
    if request.param == "portable":
        for module in (telnyx_records, twilio_records):
            portable = trusted_builder(
                Conference, module._BUILT_FIELDS, provider=module.PROVIDER, class_assignment=False
            )
            assert not uses_class_assignment(portable)
            monkeypatch.setattr(module, "_build", portable)
    return str(request.param)


def _fields(conf: Conference) -> dict[str, tuple[type, Any]]:
    return {f.name: (type(value := getattr(conf, f.name)), value) for f in attrs.fields(Conference)}


def _check_same(provider: str, record: Any) -> Conference | None:
    fast_path, slow_path = PATHS[provider]
    received = copy.deepcopy(record)
    try:
        slow = slow_path(record)
    except DecodeError:
        slow = None
    fast = fast_path(record, "US")
    assert record == received  # neither path touches the record
    if fast is None:
        return slow
    assert slow is not None, f"the fast path accepted a record the cattrs path refuses: {record}"
    assert _fields(fast) == _fields(slow)
    assert fast.raw == record
    assert fast.raw is not record  # a frozen copy: the record itself stays as received
    assert_deep_frozen(fast.raw)
    for stamp in (fast.created_at, fast.started_at, fast.ended_at, fast.updated_at):
        assert stamp is None or stamp.tzinfo is UTC
    return fast


@pytest.mark.parametrize(
    ("provider", "records"), [("telnyx", TELNYX_RECORDS), ("twilio", TWILIO_RECORDS)]
)
def test_every_sandbox_record_takes_the_fast_path(provider: str, records: list[Any]) -> None:
    fast_path, _ = PATHS[provider]
    assert records
    for record in records:
        assert fast_path(record, "US") is not None, record
        _check_same(provider, record)


_TIMESTAMPS = st.sampled_from(
    [
        "2026-10-31T23:59:57.268Z",
        "2026-10-31T23:59:57Z",
        "2026-10-31T23:59:57+02:00",
        "2026-10-31T23:59:57",
        "2026-10-31",
        "2026-13-01T00:00:00Z",
        "yesterday",
        "",
    ]
)
_ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    _TIMESTAMPS,
    st.lists(st.text(max_size=3), max_size=3),
    st.lists(st.integers(), max_size=2),
    st.lists(st.lists(st.integers(), max_size=2), max_size=2),
    st.dictionaries(st.text(max_size=3), st.one_of(st.none(), st.text(max_size=3)), max_size=2),
    st.dictionaries(st.text(max_size=3), st.lists(st.integers(), max_size=2), max_size=2),
)


@st.composite
def _mutated(draw: st.DrawFn, records: list[Any], nested: tuple[str, ...]) -> Any:
    record = copy.deepcopy(draw(st.sampled_from(records)))
    keys = sorted(record)
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        op = draw(st.sampled_from(["set", "delete", "add", "nested"]))
        if op == "set":
            record[draw(st.sampled_from(keys))] = draw(_ODD_VALUES)
        elif op == "delete":
            record.pop(draw(st.sampled_from(keys)), None)
        elif op == "add":
            record[draw(st.sampled_from(["extra", "new_field", "links2"]))] = draw(_ODD_VALUES)
        else:
            key = draw(st.sampled_from(nested))
            inner = record.get(key)
            if isinstance(inner, dict):
                inner[draw(st.sampled_from([*sorted(inner), "other"]))] = draw(_ODD_VALUES)
            else:
                record[key] = draw(
                    st.dictionaries(st.sampled_from(["call_control_id", "x"]), _ODD_VALUES)
                )
    return record


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=_mutated(TELNYX_RECORDS, ("ended_by",)))
def test_telnyx_fast_path_agrees_with_cattrs(record: Any) -> None:
    _check_same("telnyx", record)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=_mutated(TWILIO_RECORDS, ("links", "tag_info", "detected_issues")))
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
    declined = 0
    for key in base:
        record = {**base, key: value}
        fast = fast_path(record, "US")
        try:
            slow = slow_path(record)
        except DecodeError:
            assert fast is None, (key, value)
            declined += 1
        else:
            assert fast is not None, (key, value)
            assert _fields(fast) == _fields(slow), (key, value)
    assert declined > 0


def test_an_unknown_key_with_nested_containers_is_frozen_too() -> None:
    record = {**TELNYX_RECORDS[0], "future": {"deep": [{"x": [1, 2]}]}}
    conf = _check_same("telnyx", record)
    assert conf is not None
    assert type(conf.raw["future"]["deep"][0]["x"]) is FrozenList
