"""Telnyx list pages decoded by msgspec (``TYPED_CONFERENCES`` and ``TYPED_PARTICIPANTS``,
the ``speed`` extra): the typed path builds exactly what the fast and strict paths build,
declines what they decline, and gives every page it cannot type to them; ``raw`` is parsed
from the page when read."""

from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings

import confclient_telnyx.participant_records as participant_records
import confclient_telnyx.records as telnyx_records
import confclient_twilio.participant_records as twilio_participants
import confclient_twilio.records as twilio_records
from confclient import Conference, Participant
from confclient._typed import TypedBody
from confclient.sandbox import Sandbox
from tests._conferences import assert_deep_frozen
from tests.adapters._fast_vs_strict import check_same, fields_of, mutated, use_builder

if os.environ.get("CI") != "true":  # CI must run these: the dev extra installs msgspec
    pytest.importorskip("msgspec")

TYPED = telnyx_records.TYPED_CONFERENCES
RECORDS = Sandbox(seed=3, size=300).telnyx_records("US")


_SANDBOX = Sandbox(seed=11, size=6)
PARTICIPANT_RECORDS = [
    record
    for conference in _SANDBOX.telnyx_records("US")[:6]
    for record in _SANDBOX.telnyx_participant_records(conference["id"])[:60]
]


@pytest.fixture(autouse=True, params=["native", "portable"])
def builder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    kind = str(request.param)
    use_builder(kind, Participant, (participant_records,), monkeypatch)
    return use_builder(kind, Conference, (telnyx_records,), monkeypatch)


def _typed(body: bytes) -> TypedBody:
    loads = TYPED.loads
    assert loads is not None
    typed = loads(body)
    assert type(typed) is TypedBody, typed
    return typed


def _through(typed_pages: Any, decode_typed: Any, key: str = "data") -> Any:
    """The typed path on one record (a page of it under ``key``): ``None`` where it declines
    or cannot type the page (the record then goes the fast and strict way, checked by
    ``check_same``)."""

    def typed_path(record: Any, region: str | None) -> Any:
        loads = typed_pages.loads
        assert loads is not None
        body = loads(orjson.dumps({key: [record]}))
        if type(body) is not TypedBody:
            return None
        return decode_typed(body.records[0], (region, body.page))

    return typed_path


_typed_path = _through(TYPED, telnyx_records.decode_typed)
_typed_participant = _through(
    participant_records.TYPED_PARTICIPANTS, participant_records.decode_typed
)


def _assume_json(record: Any) -> None:
    """Only records a server could send: no integer past 64 bits, no NaN or infinity."""
    try:
        body = orjson.dumps(record)
    except orjson.JSONEncodeError:
        assume(False)
    assume(orjson.loads(body) == record)


def _slow(record: Any) -> Conference:
    native = telnyx_records.CONFERENCES.structure(
        record, telnyx_records.TelnyxConference, "data[0]", status=200, headers={}
    )
    return telnyx_records.to_conference(native, record, data_region="US")


def _stamps(conf: Conference) -> tuple[Any, ...]:
    return (conf.created_at, conf.expires_at, conf.updated_at)


def test_a_sandbox_page_is_typed_and_every_record_built_as_the_fast_path_builds_it() -> None:
    page = _typed(orjson.dumps({"data": RECORDS, "meta": {"total_pages": 2}}))
    assert page.meta == {
        "total_pages": 2,
        "total_results": None,
        "page_number": None,
        "page_size": None,
    }
    for record, typed in zip(RECORDS, page.records, strict=True):
        built = telnyx_records.decode_typed(typed, ("US", page.page))
        fast = telnyx_records._decode_fast(copy.deepcopy(record), "US")
        assert built is not None
        assert fast is not None
        assert fields_of(built) == fields_of(fast)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=mutated(RECORDS, ("ended_by",)))
def test_the_typed_path_agrees_with_cattrs(record: Any) -> None:
    _assume_json(record)
    check_same(_typed_path, _slow, record, _stamps)


def test_raw_is_parsed_once_a_page_when_read_and_is_the_record() -> None:
    page = _typed(orjson.dumps({"data": RECORDS[:3]}))
    built = [telnyx_records.decode_typed(r, ("US", page.page)) for r in page.records]
    assert page.page._dicts is None  # nothing parsed until raw is read
    first, second, third = built
    assert first is not None
    assert second is not None
    assert third is not None
    assert second.raw == RECORDS[1]
    parsed = page.page._dicts
    assert parsed is not None
    assert first.raw == RECORDS[0]
    assert third.raw == RECORDS[2]
    assert page.page._dicts is parsed  # once per page
    assert_deep_frozen(first.raw)
    with pytest.raises(TypeError):
        first.raw["name"] = "changed"  # type: ignore[index]


def test_a_typed_conference_pickles_evolves_compares_and_hashes_as_any_other() -> None:
    page = _typed(orjson.dumps({"data": RECORDS[:1]}))
    typed = telnyx_records.decode_typed(page.records[0], ("US", page.page))
    fast = telnyx_records._decode_fast(copy.deepcopy(RECORDS[0]), "US")
    assert typed is not None
    assert fast is not None
    assert typed == fast
    assert hash(typed) == hash(fast)
    again = pickle.loads(pickle.dumps(typed))
    assert again == typed
    assert again.raw == RECORDS[0]
    renamed = attrs.evolve(typed, name="renamed")
    assert renamed.name == "renamed"
    assert renamed.raw == RECORDS[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"errors":[{"code":"10009","title":"Authentication failed"}]}', dict),
        (b'{"data":[{"id":7,"name":"x"}]}', dict),  # a wrong type: today's path names it
        (b'{"data":[{"id":"a"}],"meta":{"total_pages":"2"}}', dict),
        (b'{"data":[],"meta":{"total_pages":0}}', TypedBody),
    ],
)
def test_what_cannot_be_typed_comes_back_as_the_json_decoder_returns_it(
    body: bytes, expected: type
) -> None:
    loads = TYPED.loads
    assert loads is not None
    decoded = loads(body)
    assert type(decoded) is expected
    if expected is dict:
        assert decoded == orjson.loads(body)


@pytest.mark.parametrize("body", [b'{"data":[', b"<html>busy</html>", b""])
def test_a_body_that_is_not_json_raises_what_the_json_decoder_raises(body: bytes) -> None:
    loads = TYPED.loads
    assert loads is not None
    with pytest.raises(orjson.JSONDecodeError):
        loads(body)


def test_switched_off_there_is_no_body_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TYPED, "enabled", False)
    assert TYPED.loads is None


def _slow_participant(record: Any) -> Participant:
    return participant_records._decode_slow(record, "data[0]", 200, {}, "US")


def _participant_stamps(participant: Participant) -> tuple[Any, ...]:
    return (participant.joined_at, participant.left_at, participant.updated_at)


def test_every_sandbox_participant_is_typed_and_built_as_the_fast_path_builds_it() -> None:
    loads = participant_records.TYPED_PARTICIPANTS.loads
    assert loads is not None
    page = loads(orjson.dumps({"data": PARTICIPANT_RECORDS}))
    assert type(page) is TypedBody
    for record, typed in zip(PARTICIPANT_RECORDS, page.records, strict=True):
        built = participant_records.decode_typed(typed, ("US", page.page))
        fast = participant_records._decode_fast(copy.deepcopy(record), "US")
        assert built is not None
        assert fast is not None
        assert fields_of(built) == fields_of(fast)
        assert built.raw == record


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=mutated(PARTICIPANT_RECORDS, ("conference",)))
def test_the_typed_participant_path_agrees_with_cattrs(record: Any) -> None:
    _assume_json(record)
    check_same(_typed_participant, _slow_participant, record, _participant_stamps)


def test_a_typed_listing_never_imports_cattrs_which_the_strict_path_loads_when_needed() -> None:
    """In a fresh interpreter: a typed page decodes without cattrs (its import and the
    converters cost memory); a record the fast paths decline brings it in, and names the
    field as always."""
    code = """
import sys, orjson
import confclient_telnyx.pages as pages
import confclient_telnyx.records as records
from confclient import DecodeError
record = {"id": "c1", "name": "n", "created_at": "2026-01-01T00:00:00Z",
          "expires_at": "2026-01-01T01:00:00Z", "status": "init"}
cursor = {"q": [["region", "US"]], "n": 1}
typed = records.TYPED_CONFERENCES.loads(orjson.dumps({"data": [record], "meta": {}}))
page = pages.parse_page(200, {}, typed, "", cursor)
assert [c.id for c in page.items] == ["c1"], page.items
assert "cattrs" not in sys.modules, "a typed page loaded cattrs"
bad = orjson.loads(orjson.dumps({"data": [{**record, "created_at": "never"}]}))
try:
    list(pages.parse_page(200, {}, bad, "", cursor).items)
except DecodeError as exc:
    assert exc.field == "data[0].created_at", exc.field
else:
    raise AssertionError("no DecodeError")
assert "cattrs" in sys.modules
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.stdout.strip() == "ok", done.stderr


# --- Twilio: conference and participant summaries --------------------------------------------

_TWILIO = Sandbox(seed=5, size=200)
TWILIO_CONFERENCES = _TWILIO.twilio_records("us1")
TWILIO_PARTICIPANTS = [
    record
    for conference in TWILIO_CONFERENCES[:5]
    for record in _TWILIO.twilio_participant_records(conference["conference_sid"])[:60]
]
TWILIO = {
    "conferences": (
        twilio_records.TYPED_CONFERENCES,
        twilio_records,
        "conferences",
        TWILIO_CONFERENCES,
    ),
    "participants": (
        twilio_participants.TYPED_PARTICIPANTS,
        twilio_participants,
        "participants",
        TWILIO_PARTICIPANTS,
    ),
}


@pytest.fixture(autouse=True)
def twilio_builders(builder: str, monkeypatch: pytest.MonkeyPatch) -> None:
    use_builder(builder, Conference, (twilio_records,), monkeypatch)
    use_builder(builder, Participant, (twilio_participants,), monkeypatch)


@pytest.mark.parametrize("kind", sorted(TWILIO))
def test_every_twilio_sandbox_summary_is_typed_and_built_as_the_fast_path_builds_it(
    kind: str,
) -> None:
    typed_pages, module, key, records = TWILIO[kind]
    page = typed_pages.loads(orjson.dumps({key: records, "meta": {"page": 0}}))
    assert type(page) is TypedBody
    assert page.meta is not None
    assert page.meta["page"] == 0
    for record, typed in zip(records, page.records, strict=True):
        built = module.decode_typed(typed, (None, page.page))
        fast = module._decode_fast(copy.deepcopy(record), None)
        assert built is not None
        assert fast is not None
        assert fields_of(built) == fields_of(fast)
        assert built.raw == record


def _twilio_path(kind: str) -> Any:
    typed_pages, module, key, _ = TWILIO[kind]
    return _through(typed_pages, module.decode_typed, key)


def _twilio_slow(kind: str) -> Any:
    _, module, key, _ = TWILIO[kind]
    return lambda record: module._decode_slow(record, f"{key}[0]", 200, {}, None)


def _twilio_stamps(item: Any) -> tuple[Any, ...]:
    if isinstance(item, Conference):
        return (item.created_at, item.started_at, item.ended_at)
    return (item.joined_at, item.left_at)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=mutated(TWILIO_CONFERENCES, ("tags",)))
def test_the_typed_twilio_conference_path_agrees_with_cattrs(record: Any) -> None:
    _assume_json(record)
    check_same(_twilio_path("conferences"), _twilio_slow("conferences"), record, _twilio_stamps)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=mutated(TWILIO_PARTICIPANTS, ("coached_participants",)))
def test_the_typed_twilio_participant_path_agrees_with_cattrs(record: Any) -> None:
    _assume_json(record)
    check_same(_twilio_path("participants"), _twilio_slow("participants"), record, _twilio_stamps)
