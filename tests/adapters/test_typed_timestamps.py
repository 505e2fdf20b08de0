"""Timestamps that msgspec (the typed pages of the ``speed`` extra) and
``datetime.fromisoformat`` read differently give the same instant on every path: typed by
msgspec, the JSON fast path and the strict path (``confclient._strict.parse_timestamp``
follows msgspec: a lowercase ``z`` is UTC, more than six fractional digits round half up).
"""

from __future__ import annotations

import copy
import os
from datetime import UTC, datetime, timedelta, timezone
from types import ModuleType
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import confclient_telnyx.participant_records as telnyx_participants
import confclient_telnyx.records as telnyx_records
import confclient_twilio.participant_records as twilio_participants
import confclient_twilio.records as twilio_records
from confclient import DecodeError
from confclient._strict import as_utc, more_than_microseconds, parse_timestamp
from confclient._typed import TypedBody, TypedPages
from confclient.sandbox import Sandbox
from tests.adapters._fast_vs_strict import fields_of

if os.environ.get("CI") != "true":  # CI must run these: the dev extra installs msgspec
    pytest.importorskip("msgspec")
import msgspec

_MSGSPEC_DATETIME = msgspec.json.Decoder(datetime)

_AT = datetime(2026, 10, 31, 23, 59, 57, tzinfo=UTC)
#: Each form and the instant every path reads (``None``: every path refuses it).
FORMS: dict[str, datetime | None] = {
    "2026-10-31T23:59:57.268Z": _AT.replace(microsecond=268000),
    "2026-10-31T23:59:57.268z": _AT.replace(microsecond=268000),
    "2026-10-31t23:59:57.123456z": _AT.replace(microsecond=123456),
    "2026-10-31T23:59:57.1234567Z": _AT.replace(microsecond=123457),
    "2026-10-31T23:59:57.1234565Z": _AT.replace(microsecond=123457),
    "2026-10-31T23:59:57.1234564999Z": _AT.replace(microsecond=123456),
    "2026-10-31T23:59:59.9999995z": datetime(2026, 11, 1, tzinfo=UTC),
    "2026-10-31T23:59:57.9999999+05:30": _AT.replace(second=58) - timedelta(hours=5, minutes=30),
    "2026-10-31 23:59:57.123456789+0530": (
        _AT.replace(microsecond=123457) - timedelta(hours=5, minutes=30)
    ),
    "2026-10-31T23:59:57.1234567": _AT.replace(microsecond=123457),
    "2026-10-31T23:59:57+05:30:15": _AT - timedelta(hours=5, minutes=30, seconds=15),
    "20261031T235957Z": _AT,
    "9999-12-31T23:59:59.9999995Z": None,
    "2026-10-31T23:59:57.268zz": None,
}

_SANDBOX = Sandbox(seed=2, size=4)
_TELNYX = _SANDBOX.telnyx_records("US")[0]
_TWILIO = _SANDBOX.twilio_records("us1")[0]
#: Per kind of record: its typed pages, module, list key, a record, its timestamp fields.
KINDS: dict[str, tuple[TypedPages, ModuleType, str, dict[str, Any], tuple[str, ...]]] = {
    "telnyx conference": (
        telnyx_records.TYPED_CONFERENCES,
        telnyx_records,
        "data",
        _TELNYX,
        ("created_at", "expires_at", "updated_at"),
    ),
    "telnyx participant": (
        telnyx_participants.TYPED_PARTICIPANTS,
        telnyx_participants,
        "data",
        _SANDBOX.telnyx_participant_records(_TELNYX["id"])[0],
        ("created_at", "updated_at"),
    ),
    "twilio conference": (
        twilio_records.TYPED_CONFERENCES,
        twilio_records,
        "conferences",
        _TWILIO,
        ("create_time", "start_time", "end_time"),
    ),
    "twilio participant": (
        twilio_participants.TYPED_PARTICIPANTS,
        twilio_participants,
        "participants",
        _SANDBOX.twilio_participant_records(_TWILIO["conference_sid"])[0],
        ("join_time", "leave_time"),
    ),
}


def _msgspec_reads(text: str) -> datetime | None:
    try:
        return as_utc(_MSGSPEC_DATETIME.decode(orjson.dumps(text)))
    except (msgspec.ValidationError, ValueError):
        return None


@pytest.mark.parametrize("text", sorted(FORMS))
def test_every_form_reads_as_msgspec_reads_it_where_msgspec_reads_it(text: str) -> None:
    expected = FORMS[text]
    try:
        parsed: datetime | None = parse_timestamp(text)
    except ValueError:
        parsed = None
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is UTC
    read = _msgspec_reads(text)
    if read is not None:
        assert parsed == read


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("text", sorted(FORMS))
def test_a_record_gives_the_same_instant_on_every_path(kind: str, text: str) -> None:
    typed_pages, module, key, sample, fields = KINDS[kind]
    for field in fields:
        record = copy.deepcopy(sample)
        record[field] = text
        if FORMS[text] is None:
            with pytest.raises(DecodeError) as refused:
                module._decode_slow(copy.deepcopy(record), f"{key}[0]", 200, {}, None)
            assert refused.value.field is not None
            assert refused.value.field.endswith(field)
            strict = None
        else:
            strict = module._decode_slow(copy.deepcopy(record), f"{key}[0]", 200, {}, None)
        fast = module._decode_fast(copy.deepcopy(record), None)
        if fast is not None:  # the fast path declines a long fraction: the strict path rounds
            assert fields_of(fast) == fields_of(strict)
        loads = typed_pages.loads
        assert loads is not None
        page = loads(orjson.dumps({key: [record]}))
        if _msgspec_reads(text) is None:
            # msgspec refuses it: the page goes the JSON way, as without the extra.
            assert type(page) is not TypedBody
            continue
        assert type(page) is TypedBody
        typed = module.decode_typed(page.records[0], (None, page.page))
        assert typed is not None
        assert fields_of(typed) == fields_of(strict)


_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=12)


@st.composite
def rfc3339_like(draw: st.DrawFn) -> str:
    """Timestamps around the RFC 3339 grammar: separators, fractions, offsets, cases."""
    moment = draw(
        st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
    ).replace(microsecond=0)
    text = moment.isoformat(sep=draw(st.sampled_from(["T", "t", " ", "_"])))
    if draw(st.booleans()):
        text += "." + draw(_DIGITS)
    offset = draw(
        st.one_of(
            st.sampled_from(["", "Z", "z", "+00:00", "-00:00", "+05:30", "-0800", "+23:59"]),
            st.integers(min_value=-1439, max_value=1439).map(
                lambda minutes: str(timezone(timedelta(minutes=minutes)))[3:] or "+00:00"
            ),
        )
    )
    return text + offset


@given(rfc3339_like())
def test_where_msgspec_reads_a_timestamp_every_path_reads_the_same(text: str) -> None:
    read = _msgspec_reads(text)
    if read is None:
        return  # a page holding it goes the JSON way: nothing to agree with
    assert parse_timestamp(text) == read
    if more_than_microseconds(text):
        return  # the hot paths leave it to parse_timestamp
    try:
        inline = datetime.fromisoformat(text)  # what the hot paths parse inline
    except ValueError:
        return  # they decline it: parse_timestamp reads it
    assert as_utc(inline) == read
