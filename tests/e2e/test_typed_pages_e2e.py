"""Telnyx listings over real HTTP with the typed pages (msgspec) and without them: the same
conferences, field by field and ``raw`` included, and the same error for a bad record."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

import confclient_telnyx.participant_records as participant_records
import confclient_telnyx.records as telnyx_records
import confclient_twilio.participant_records as twilio_participants
import confclient_twilio.records as twilio_records
from confclient import Conference, DecodeError, Participant
from confclient.sandbox import Sandbox
from tests.adapters._fast_vs_strict import fields_of

if os.environ.get("CI") != "true":  # CI must run these: the dev extra installs msgspec
    pytest.importorskip("msgspec")


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=11, size=600) as sandbox:
        yield sandbox


async def _listing(sb: Sandbox, typed: bool, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    monkeypatch.setattr(telnyx_records.TYPED_CONFERENCES, "enabled", typed)
    async with sb.connect("telnyx") as svc:
        return await svc.list(region="US", page_size=100).collect()


async def test_the_same_conferences_either_way(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = await _listing(sb, True, monkeypatch)
    plain = await _listing(sb, False, monkeypatch)
    assert len(typed) == 600
    # Before raw is read: the typed listing's items hold (page, record) (the first page, decoded
    # whole to size the window, too), the other listing's the decoded dicts.
    unread = vars(Conference)["raw"]._read
    assert {type(unread(c, None)) for c in typed} == {tuple}
    assert {type(unread(c, None)) for c in plain} == {dict}
    assert [fields_of(c) for c in typed] == [fields_of(c) for c in plain]
    assert [c.raw for c in typed] == sb.telnyx_records("US")


def _spoil(sb: Sandbox, index: int, **values: Any) -> None:
    """Serve record ``index`` of region US with ``values`` in it."""
    table = sb.emulator("telnyx").table("US")
    record = orjson.loads(table.bodies[index])
    table.bodies[index] = orjson.dumps({**record, **values})


async def _until_error(sb: Sandbox) -> tuple[list[str], DecodeError]:
    seen: list[str] = []
    async with sb.connect("telnyx") as svc:
        try:
            async for conference in svc.list(region="US", page_size=100):
                seen.append(conference.id)
        except DecodeError as exc:
            return seen, exc
    raise AssertionError("the listing ended without the DecodeError")


@pytest.mark.parametrize("typed", [True, False])
async def test_a_bad_record_is_the_same_decode_error_either_way(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, typed: bool
) -> None:
    sb.records("telnyx", "US")  # the region's table, made before it is spoiled
    _spoil(sb, 150, created_at="not a time")  # typed, then declined: a bad timestamp
    monkeypatch.setattr(telnyx_records.TYPED_CONFERENCES, "enabled", typed)
    seen, error = await _until_error(sb)
    assert error.field == "data[50].created_at"
    assert len(seen) == 150  # every record before it, then the error


@pytest.mark.parametrize("typed", [True, False])
async def test_a_wrong_json_type_is_the_same_decode_error_either_way(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, typed: bool
) -> None:
    sb.records("telnyx", "US")
    _spoil(sb, 420, name=42)  # not typed at all: the page goes today's way
    monkeypatch.setattr(telnyx_records.TYPED_CONFERENCES, "enabled", typed)
    seen, error = await _until_error(sb)
    assert error.field == "data[20].name"
    assert len(seen) == 420


async def test_the_same_participants_either_way(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    conference = sb.records("telnyx", "US")[1]["id"]  # one of the sandbox's large ones
    listed = {}
    for typed in (True, False):
        monkeypatch.setattr(participant_records.TYPED_PARTICIPANTS, "enabled", typed)
        async with sb.connect("telnyx") as svc:
            listed[typed] = await svc.participants(conference, page_size=100).collect()
    unread = vars(Participant)["raw"]._read
    assert {type(unread(p, None)) for p in listed[True]} == {tuple}
    assert len(listed[True]) > 200
    assert [fields_of(p) for p in listed[True]] == [fields_of(p) for p in listed[False]]
    assert [p.raw for p in listed[True]] == sb.telnyx_participant_records(conference)


async def test_the_same_twilio_conferences_and_participants_either_way(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    conference = sb.records("twilio", "us1")[1]["conference_sid"]  # a large one
    listed: dict[bool, tuple[list[Any], list[Any]]] = {}
    for typed in (True, False):
        monkeypatch.setattr(twilio_records.TYPED_CONFERENCES, "enabled", typed)
        monkeypatch.setattr(twilio_participants.TYPED_PARTICIPANTS, "enabled", typed)
        async with sb.connect("twilio") as svc:
            conferences = await svc.list(region="us1", page_size=150).collect()
            participants = await svc.participants(conference, page_size=100).collect()
        listed[typed] = (conferences, participants)
    unread = vars(Conference)["raw"]._read
    assert {type(unread(c, None)) for c in listed[True][0]} == {tuple}
    for typed_items, plain_items in zip(listed[True], listed[False], strict=True):
        assert len(typed_items) > 200
        assert [fields_of(i) for i in typed_items] == [fields_of(i) for i in plain_items]
        assert [i.raw for i in typed_items] == [i.raw for i in plain_items]
    assert [c.raw for c in listed[True][0]] == sb.records("twilio", "us1")
