"""Conference, its enums, the read-only ``raw`` record, and Page."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import attrs
import pytest

from confclient import Conference, ConferenceStatus, EndReason, Page
from confclient import _json as cjson
from confclient.model import FrozenDict, FrozenList, freeze, trusted_conference
from tests._conferences import EVERY_FIELD, assert_deep_frozen

RAW = {
    "id": "3fa85f64",
    "name": "All hands",
    "ended_by": {"call_control_id": "v3:abc"},
    "participants": [{"id": 1, "tags": ["a", "b"]}, 2],
    "nothing": None,
}


def make(**overrides: Any) -> Conference:
    fields: dict[str, Any] = {
        "provider": "telnyx",
        "id": "3fa85f64",
        "name": "All hands",
        "status": ConferenceStatus.COMPLETED,
        "region": "sv1",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "duration": timedelta(minutes=5),
        "tags": ["x", "y"],
        "raw": RAW,
    }
    fields.update(overrides)
    return Conference(**fields)


def test_defaults_are_none() -> None:
    conf = Conference(provider="twilio", id="CF1")
    assert conf.status is ConferenceStatus.UNKNOWN
    assert conf.tags == ()
    assert conf.raw == {}
    assert isinstance(conf.raw, FrozenDict)
    for field in attrs.fields(Conference):
        if field.name not in ("provider", "id", "status", "tags", "raw"):
            assert getattr(conf, field.name) is None, field.name


def test_fields_are_the_documented_ones() -> None:
    assert [f.name for f in attrs.fields(Conference)] == [
        "provider",
        "id",
        "name",
        "status",
        "region",
        "created_at",
        "started_at",
        "ended_at",
        "expires_at",
        "updated_at",
        "end_reason",
        "ended_by",
        "duration",
        "max_participants",
        "unique_participants",
        "max_concurrent_participants",
        "account_id",
        "connection_id",
        "tags",
        "data_region",  # added by confclient: the region of the listing that produced it
        "raw",
    ]


def test_keyword_only() -> None:
    with pytest.raises(TypeError):
        Conference("telnyx", "id")  # type: ignore[misc]


def test_frozen() -> None:
    conf = make()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        conf.name = "other"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        conf.raw = {}  # type: ignore[misc]


def test_slotted() -> None:
    conf = make()
    assert "__slots__" in Conference.__dict__
    assert not hasattr(conf, "__dict__")
    with pytest.raises((AttributeError, TypeError)):
        conf.extra = 1  # type: ignore[attr-defined]


def test_hashable_and_raw_excluded_from_eq_and_hash() -> None:
    a = make(raw={"a": 1})
    b = make(raw={"b": [1, 2]})
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert make(name="other") != a


def test_raw_excluded_from_repr() -> None:
    conf = make(raw={"secretish": "RAW-MARKER"})
    text = repr(conf)
    assert "RAW-MARKER" not in text
    assert "raw=" not in text
    assert "All hands" in text


def test_tags_become_a_tuple() -> None:
    assert make(tags=["a", "b"]).tags == ("a", "b")
    assert make(tags=iter(["c"])).tags == ("c",)
    assert make(tags=None).tags == ()


def test_evolve_keeps_raw() -> None:
    conf = make()
    other = attrs.evolve(conf, name="renamed")
    assert other.name == "renamed"
    assert other.raw == conf.raw


def test_raw_keeps_the_record_and_freezes_it() -> None:
    conf = make()
    assert conf.raw == RAW  # exactly the record as received
    assert isinstance(conf.raw, dict)
    assert isinstance(conf.raw["ended_by"], FrozenDict)
    assert isinstance(conf.raw["participants"], FrozenList)
    assert isinstance(conf.raw["participants"], list)
    assert isinstance(conf.raw["participants"][0], FrozenDict)
    assert conf.raw["participants"][0]["tags"] == ["a", "b"]


def test_raw_is_a_copy_of_the_input() -> None:
    record = {"id": "x", "nested": {"a": 1}}
    conf = make(raw=record)
    record["id"] = "changed"
    record["nested"]["a"] = 2
    assert conf.raw == {"id": "x", "nested": {"a": 1}}


def test_raw_accepts_any_mapping() -> None:
    conf = make(raw=MappingProxyType({"a": {"b": [1]}}))
    assert isinstance(conf.raw, FrozenDict)
    assert conf.raw["a"]["b"] == [1]
    assert isinstance(conf.raw["a"]["b"], FrozenList)


MUTATORS: dict[str, Callable[[dict[str, Any]], object]] = {
    "setitem": lambda d: d.__setitem__("k", 1),
    "delitem": lambda d: d.__delitem__("id"),
    "ior": lambda d: d.__ior__({"k": 1}),
    "clear": lambda d: d.clear(),
    "pop": lambda d: d.pop("id"),
    "pop-missing-with-default": lambda d: d.pop("missing", None),
    "popitem": lambda d: d.popitem(),
    "setdefault": lambda d: d.setdefault("k", 1),
    "update": lambda d: d.update(k=1),
    "update-empty": lambda d: d.update(),
}


@pytest.mark.parametrize("mutate", MUTATORS.values(), ids=MUTATORS.keys())
def test_raw_is_read_only(mutate: Callable[[dict[str, Any]], object]) -> None:
    conf = make()
    before = copy.copy(conf.raw)
    with pytest.raises(TypeError, match="read-only"):
        mutate(conf.raw)
    nested = conf.raw["ended_by"]
    with pytest.raises(TypeError, match="read-only"):
        mutate(nested)
    deep = conf.raw["participants"][0]
    with pytest.raises(TypeError, match="read-only"):
        mutate(deep)
    assert conf.raw == before


def test_raw_augmented_assignment_is_refused() -> None:
    raw = make().raw
    with pytest.raises(TypeError):
        raw |= {"k": 1}  # type: ignore[misc]
    with pytest.raises(TypeError):
        raw["k"] = 1  # type: ignore[index]


LIST_MUTATORS: dict[str, Callable[[list[Any]], object]] = {
    "append": lambda x: x.append(3),
    "extend": lambda x: x.extend([3]),
    "insert": lambda x: x.insert(0, 3),
    "pop": lambda x: x.pop(),
    "remove": lambda x: x.remove(2),
    "clear": lambda x: x.clear(),
    "sort": lambda x: x.sort(key=str),
    "reverse": lambda x: x.reverse(),
    "setitem": lambda x: x.__setitem__(0, 3),
    "delitem": lambda x: x.__delitem__(0),
    "iadd": lambda x: x.__iadd__([3]),
    "imul": lambda x: x.__imul__(2),
}


@pytest.mark.parametrize("mutate", LIST_MUTATORS.values(), ids=list(LIST_MUTATORS))
def test_raw_nested_lists_are_read_only(mutate: Callable[[list[Any]], object]) -> None:
    participants = make().raw["participants"]
    with pytest.raises(TypeError, match="read-only"):
        mutate(participants)
    assert participants == RAW["participants"]


def test_frozen_list_copies() -> None:
    participants = make().raw["participants"]
    plain = copy.copy(participants)
    assert type(plain) is list
    assert copy.deepcopy(participants) is participants
    with pytest.raises(TypeError):
        hash(participants)


def test_raw_serialises_as_json() -> None:
    conf = make()
    assert json.loads(json.dumps(conf.raw)) == RAW
    assert json.loads(cjson.dumps(conf.raw)) == RAW


def test_copy_gives_a_mutable_dict() -> None:
    raw = make().raw
    plain = copy.copy(raw)
    assert type(plain) is dict
    plain["k"] = 1
    assert "k" not in raw
    mutable = dict(raw)
    mutable["id"] = "changed"
    assert raw["id"] == "3fa85f64"


def test_deepcopy_and_pickle() -> None:
    conf = make()
    assert copy.deepcopy(conf.raw) is conf.raw
    restored = pickle.loads(pickle.dumps(conf.raw))
    assert type(restored) is FrozenDict
    assert restored == conf.raw
    with pytest.raises(TypeError):
        restored["k"] = 1
    same = pickle.loads(pickle.dumps(conf))
    assert same == conf
    assert same.raw == conf.raw


def test_frozen_dict_repr() -> None:
    assert repr(FrozenDict({"a": 1})) == "FrozenDict({'a': 1})"


def test_freeze() -> None:
    frozen_list = freeze([1, [2, {"a": [3]}]])
    assert frozen_list == [1, [2, {"a": [3]}]]
    assert isinstance(frozen_list, FrozenList)
    assert isinstance(frozen_list[1][1]["a"], FrozenList)
    assert freeze(frozen_list) is frozen_list
    assert freeze("text") == "text"
    frozen = FrozenDict({"a": 1})
    assert freeze(frozen) is frozen


def test_conference_status_values() -> None:
    assert {s.name: s.value for s in ConferenceStatus} == {
        "NOT_STARTED": "not_started",
        "IN_PROGRESS": "in_progress",
        "COMPLETED": "completed",
        "SUMMARY_TIMEOUT": "summary_timeout",
        "UNKNOWN": "unknown",
    }
    assert ConferenceStatus("in_progress") == "in_progress"


def test_end_reason_values() -> None:
    assert {r.name: r.value for r in EndReason} == {
        "ALL_LEFT": "all_left",
        "ENDED_VIA_API": "ended_via_api",
        "HOST_LEFT": "host_left",
        "TIME_EXCEEDED": "time_exceeded",
        "LAST_PARTICIPANT_KICKED": "last_participant_kicked",
        "HOST_KICKED": "host_kicked",
        "UNKNOWN": "unknown",
    }
    assert str(EndReason.HOST_LEFT) == "host_left"


def test_page() -> None:
    items = (make(id="a"), make(id="b"))
    page = Page(items=items, resume_token="tok", number=2, total_results=10)
    assert len(page) == 2
    assert page.items == items
    assert (page.resume_token, page.number, page.total_results) == ("tok", 2, 10)
    bare = Page(items=())
    assert len(bare) == 0
    assert bare.resume_token is bare.number is bare.total_results is None
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        page.resume_token = None  # type: ignore[misc]
    assert "__slots__" in Page.__dict__


def test_trusted_conference_is_the_same_conference() -> None:
    """The adapters' hot-path constructor builds what ``Conference(...)`` builds."""
    values = {k: v for k, v in EVERY_FIELD.items() if k not in ("provider", "id", "raw")}
    assert set(values) | {"provider", "id", "raw"} == {f.name for f in attrs.fields(Conference)}
    raw = {"id": "1", "nested": {"a": [1]}}
    trusted = trusted_conference("telnyx", "1", raw=copy.deepcopy(raw), **values)
    regular = Conference(provider="telnyx", id="1", raw=raw, **values)
    for field in attrs.fields(Conference):
        assert getattr(trusted, field.name) == getattr(regular, field.name), field.name
    assert trusted == regular
    assert hash(trusted) == hash(regular)
    assert repr(trusted) == repr(regular)
    assert pickle.loads(pickle.dumps(trusted)) == regular
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        trusted.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    "record",
    [
        {"id": "1", "ended_by": {"x": "y"}},
        {"id": "1", "ended_by": None, "tags": []},
        {"id": "1", "other": {"deep": [{"x": [1]}]}},
        {"id": "1", "tags": [["a"], {"b": 1}]},
    ],
)
def test_a_handed_over_record_is_frozen_when_first_read(record: dict[str, Any]) -> None:
    """A trusted build keeps the decoder's own record as it is; ``raw`` freezes it (deeply)
    the first time it is read, and every read after returns that same frozen copy."""
    expected = copy.deepcopy(record)
    conf = trusted_conference("telnyx", "1", raw=record)
    raw = conf.raw
    assert raw == expected
    assert_deep_frozen(raw)
    assert conf.raw is raw
    with pytest.raises(TypeError, match="read-only"):
        raw["id"] = "2"  # type: ignore[index]
    assert pickle.loads(pickle.dumps(conf)).raw == expected
    assert attrs.evolve(conf, name="x").raw is raw


def test_raw_frozen_on_read_whatever_reads_it() -> None:
    """Pickling, ``attrs.evolve``, ``attrs.asdict`` and ``copy`` read ``raw`` like anyone."""
    for read in (
        lambda c: pickle.loads(pickle.dumps(c)).raw,
        lambda c: attrs.evolve(c).raw,
        lambda c: attrs.asdict(c, recurse=False)["raw"],
        lambda c: copy.copy(c).raw,
        lambda c: copy.deepcopy(c).raw,
    ):
        raw = read(trusted_conference("telnyx", "1", raw={"a": [{"b": 1}]}))
        assert raw == {"a": [{"b": 1}]}
        assert_deep_frozen(raw)


def test_the_raw_descriptor_on_the_class() -> None:
    """``Conference.raw`` is the freezing descriptor; attrs still knows the field."""
    assert "FreezeOnRead" in repr(Conference.raw)
    assert attrs.fields(Conference).raw.name == "raw"
