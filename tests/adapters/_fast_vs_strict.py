"""What the fast-vs-strict decoding tests share, for conferences and participants alike:
forcing the portable builder, and the check that both paths build the same item."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import UTC
from types import ModuleType
from typing import Any

import attrs
import pytest
from hypothesis import strategies as st

from confclient import DecodeError
from confclient._builder import trusted_builder, uses_class_assignment
from tests._conferences import assert_deep_frozen

FastPath = Callable[[Any, str | None], Any]


def use_builder(
    kind: str, cls: type, modules: Iterable[ModuleType], monkeypatch: pytest.MonkeyPatch
) -> str:
    """Leave the adapters' ``_build`` as made here (``"native"``) or force the portable one."""
    if kind == "portable":
        for module in modules:
            portable = trusted_builder(
                cls, module._BUILT_FIELDS, provider=module.PROVIDER, class_assignment=False
            )
            assert not uses_class_assignment(portable)
            monkeypatch.setattr(module, "_build", portable)
    return kind


def fields_of(item: Any) -> dict[str, tuple[type, Any]]:
    return {f.name: (type(value := getattr(item, f.name)), value) for f in attrs.fields(type(item))}


def check_same(
    fast_path: FastPath,
    slow_path: Callable[[Any], Any],
    record: Any,
    stamps: Callable[[Any], Iterable[Any]],
) -> Any:
    """Both paths on ``record``: the fast one declines, or builds exactly what the strict
    one builds (every field and its type, ``raw`` equal and read-only, UTC ``stamps``);
    neither touches the record. The item built, or ``None`` when both refuse."""
    received = copy.deepcopy(record)
    try:
        slow = slow_path(record)
    except DecodeError:
        slow = None
    fast = fast_path(record, "US")
    assert record == received  # neither path touches the record
    if fast is None:
        return slow
    assert slow is not None, f"the fast path accepted a record the strict path refuses: {record}"
    assert fields_of(fast) == fields_of(slow)
    assert fast.raw == record
    assert fast.raw is not record  # a frozen copy: the record itself stays as received
    assert_deep_frozen(fast.raw)
    for stamp in stamps(fast):
        assert stamp is None or stamp.tzinfo is UTC
    return fast


#: Timestamps good, odd and bad, and values of every JSON type, for mutated records.
TIMESTAMPS = st.sampled_from(
    [
        "2026-10-31T23:59:57.268Z",
        "2026-10-31T23:59:57Z",
        "2026-10-31T23:59:57+02:00",
        "2026-10-31T23:59:57",
        "2026-10-31",
        "2026-13-01T00:00:00Z",
        "yesterday",
        "",
        # Read differently by datetime.fromisoformat and by msgspec (the typed pages):
        # msgspec's reading is the rule (confclient._strict.parse_timestamp).
        "2026-10-31T23:59:57.268z",
        "2026-10-31t23:59:57.123456z",
        "2026-10-31T23:59:57.1234567Z",
        "2026-10-31T23:59:57.1234564999Z",
        "2026-10-31T23:59:59.9999995+05:30",
        "2026-10-31 23:59:57.123456789+0530",
        "9999-12-31T23:59:59.9999995Z",
        # Read by datetime.fromisoformat, refused by msgspec.
        "2026-10-31T23:59:57+05:30:15",
        "20261031T235957Z",
        "2026-10-31T23:59:57,5Z",
    ]
)
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    TIMESTAMPS,
    st.lists(st.text(max_size=3), max_size=3),
    st.lists(st.integers(), max_size=2),
    st.lists(st.lists(st.integers(), max_size=2), max_size=2),
    st.dictionaries(st.text(max_size=3), st.one_of(st.none(), st.text(max_size=3)), max_size=2),
    st.dictionaries(st.text(max_size=3), st.lists(st.integers(), max_size=2), max_size=2),
)


@st.composite
def mutated(draw: st.DrawFn, records: list[Any], nested: tuple[str, ...]) -> Any:
    record = copy.deepcopy(draw(st.sampled_from(records)))
    keys = sorted(record)
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        op = draw(st.sampled_from(["set", "delete", "add", "nested"]))
        if op == "set":
            record[draw(st.sampled_from(keys))] = draw(ODD_VALUES)
        elif op == "delete":
            record.pop(draw(st.sampled_from(keys)), None)
        elif op == "add":
            record[draw(st.sampled_from(["extra", "new_field", "links2"]))] = draw(ODD_VALUES)
        else:
            key = draw(st.sampled_from(nested))
            inner = record.get(key)
            if isinstance(inner, dict):
                inner[draw(st.sampled_from([*sorted(inner), "other"]))] = draw(ODD_VALUES)
            else:
                record[key] = draw(
                    st.dictionaries(st.sampled_from(["call_control_id", "x"]), ODD_VALUES)
                )
    return record


def assert_each_field_refuses(
    fast_path: Callable[[Any, str | None], Any],
    slow_path: Callable[[Any], Any],
    base: dict[str, Any],
    value: Any,
) -> None:
    """``value`` in each field of ``base`` in turn: where the strict path refuses it, the
    fast path declines; where the strict path takes it, both build the same item."""
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
            assert fields_of(fast) == fields_of(slow), (key, value)
    assert declined > 0
