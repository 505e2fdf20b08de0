"""Telnyx webhooks, pure: the Ed25519 check (headers, timestamp window, tampering) and the
mapping of every documented ``conference.*`` event, on spec-shaped bodies."""

from __future__ import annotations

import base64
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

import confclient
import confclient._signing
from confclient import (
    ConferenceEvent,
    ConfigurationError,
    DecodeError,
    EndReason,
    EventType,
    WebhookSignatureError,
)
from confclient_telnyx.events import EVENT_TYPES, TelnyxWebhookVerifier, parse_event
from tests._webhooks import TELNYX_KEY, TELNYX_PUBLIC_KEY, telnyx_headers

FIXTURES = Path(__file__).parent / "fixtures" / "webhooks"
NOW = 1_700_000_000
PUBLIC = TELNYX_PUBLIC_KEY


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def signed(body: bytes, stamp: int = NOW, key: Ed25519PrivateKey = TELNYX_KEY) -> dict[str, str]:
    return telnyx_headers(body, stamp, key)


@pytest.fixture(params=["sodium", "cryptography"])
def verifier(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The verifier on each Ed25519 backend: libsodium (PyNaCl) when installed, else
    ``cryptography`` (the webhooks extra)."""
    if request.param == "sodium":
        pytest.importorskip("nacl.signing", reason="PyNaCl (the bench extra) is not installed")
    else:
        monkeypatch.setattr(confclient._signing, "_sodium_key", lambda raw: None)
    verifier = TelnyxWebhookVerifier(public_key=PUBLIC)
    backend = type(verifier._key).__name__
    assert (backend == "_SodiumKey") == (request.param == "sodium"), backend
    return verifier


def test_without_cryptography_or_pynacl_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(confclient._signing, "_sodium_key", lambda raw: None)
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.asymmetric.ed25519", None)
    with pytest.raises(ConfigurationError, match=r"pip install 'confclient\[webhooks\]'"):
        TelnyxWebhookVerifier(public_key=PUBLIC)


def test_a_signed_join_verifies_and_maps(verifier: TelnyxWebhookVerifier) -> None:
    body = fixture("participant_joined.json")
    event = verifier.verify(signed(body), body, now=NOW)
    assert event == ConferenceEvent(
        provider="telnyx",
        id="6b3e5b1a-2a6a-4b3f-8a5e-1d6c2f5f9a01",
        type=EventType.PARTICIPANT_JOINED,
        conference_id="41b9acd4-f4da-4ff5-a85c-e07e90b53f46",
        occurred_at=datetime(2018, 2, 2, 22, 25, 27, 521992, tzinfo=UTC),
        call_id="v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg",
        attempt=1,
    )
    assert event.raw == json.loads(body)
    with pytest.raises(TypeError):
        event.raw["data"] = {}  # type: ignore[index]


def test_occurred_at_in_the_payload_and_the_unwrapped_envelope(
    verifier: TelnyxWebhookVerifier,
) -> None:
    body = fixture("floor_changed_unwrapped.json")
    event = verifier.verify(signed(body), body, now=NOW)
    assert event.type is EventType.SPEAKER_CHANGED
    assert event.occurred_at == datetime(2018, 2, 2, 22, 25, 30, tzinfo=UTC)
    assert event.call_id == "v3:floor"
    assert event.attempt is None


def test_end_reason_and_recording_url(verifier: TelnyxWebhookVerifier) -> None:
    ended = fixture("ended.json")
    event = verifier.verify(signed(ended), ended, now=NOW)
    assert (event.type, event.end_reason, event.attempt) == (
        EventType.CONFERENCE_ENDED,
        EndReason.ALL_LEFT,
        2,
    )
    saved = fixture("recording_saved.json")
    event = verifier.verify(signed(saved), saved, now=NOW)
    assert event.type is EventType.RECORDING_SAVED
    assert event.recording_url is not None
    assert event.recording_url.endswith("recording.mp3?X-Amz-Expires=600")


def envelope(event_type: str, **payload: object) -> dict[str, object]:
    return {
        "data": {
            "record_type": "event",
            "event_type": event_type,
            "id": "e-1",
            "payload": {"conference_id": "c-1", "occurred_at": "2026-01-01T00:00:00Z", **payload},
        }
    }


@pytest.mark.parametrize(("native", "neutral"), sorted(EVENT_TYPES.items()))
def test_every_documented_type_maps(native: str, neutral: EventType) -> None:
    assert parse_event(envelope(native)).type is neutral


def test_the_table_covers_the_documented_types() -> None:
    documented = {
        "conference.created",
        "conference.ended",
        "conference.floor.changed",
        "conference.participant.joined",
        "conference.participant.left",
        "conference.participant.playback.started",
        "conference.participant.playback.ended",
        "conference.participant.speak.started",
        "conference.participant.speak.ended",
        "conference.playback.started",
        "conference.playback.ended",
        "conference.speak.started",
        "conference.speak.ended",
        "conference.recording.saved",
    }
    assert set(EVENT_TYPES) == documented
    assert EventType.UNKNOWN not in EVENT_TYPES.values()


def test_an_unknown_type_or_reason_is_unknown_not_an_error() -> None:
    assert parse_event(envelope("conference.teleported")).type is EventType.UNKNOWN
    ended = parse_event(envelope("conference.ended", reason="meteor"))
    assert ended.end_reason is EndReason.UNKNOWN


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ([], "body"),
        ({"data": []}, "data"),
        ({"data": {"id": "x", "payload": {}}}, "data.event_type"),
        ({"data": {"event_type": "conference.created", "payload": {}}}, "data.id"),
        ({"data": {"event_type": "conference.created", "id": "x"}}, "data.payload"),
        (envelope("conference.created", conference_id=5), "data.payload.conference_id"),
        (envelope("conference.created", occurred_at="yesterday"), "data.payload.occurred_at"),
        ({**envelope("conference.created"), "meta": {"attempt": "1"}}, "meta.attempt"),
        (envelope("conference.recording.saved", recording_urls=[]), "data.payload.recording_urls"),
    ],
)
def test_a_signed_body_of_no_documented_shape_is_a_decode_error(
    verifier: TelnyxWebhookVerifier, document: object, field: str
) -> None:
    body = json.dumps(document).encode()
    with pytest.raises(DecodeError) as caught:
        verifier.verify(signed(body), body, now=NOW)
    assert caught.value.field == field


def test_a_signed_body_that_is_not_json_is_a_decode_error_without_its_text(
    verifier: TelnyxWebhookVerifier,
) -> None:
    body = b"<html>secret-looking text</html>"
    with pytest.raises(DecodeError) as caught:
        verifier.verify(signed(body), body, now=NOW)
    assert "secret-looking" not in str(caught.value)


# -- the signature --------------------------------------------------------------------------


def reason_of(verifier: TelnyxWebhookVerifier, headers: dict[str, str], body: bytes) -> str:
    with pytest.raises(WebhookSignatureError) as caught:
        verifier.verify(headers, body, now=NOW)
    message = str(caught.value)
    assert body.decode() not in message
    assert headers.get("Telnyx-Signature-Ed25519", "@") not in message
    assert PUBLIC not in message
    return caught.value.reason


def test_tampering_is_a_bad_signature(verifier: TelnyxWebhookVerifier) -> None:
    body = fixture("ended.json")
    headers = signed(body)
    assert reason_of(verifier, headers, body.replace(b"all_left", b"host_left")) == "bad_signature"
    # The timestamp is signed too: moving it (even within the window) breaks the signature.
    assert reason_of(verifier, {**headers, "Telnyx-Timestamp": str(NOW + 1)}, body) == (
        "bad_signature"
    )
    other = Ed25519PrivateKey.from_private_bytes(bytes(32))
    assert reason_of(verifier, signed(body, key=other), body) == "bad_signature"


@pytest.mark.parametrize("drop", ["Telnyx-Signature-Ed25519", "Telnyx-Timestamp"])
def test_a_missing_header(verifier: TelnyxWebhookVerifier, drop: str) -> None:
    body = fixture("ended.json")
    headers = signed(body)
    del headers[drop]
    assert reason_of(verifier, headers, body) == "missing_header"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Telnyx-Timestamp", "17e8"),
        ("Telnyx-Timestamp", "-5"),
        ("Telnyx-Signature-Ed25519", "not base64!"),
        ("Telnyx-Signature-Ed25519", base64.b64encode(b"short").decode()),
    ],
)
def test_malformed_headers(verifier: TelnyxWebhookVerifier, name: str, value: str) -> None:
    body = fixture("ended.json")
    assert reason_of(verifier, {**signed(body), name: value}, body) == "malformed"


@pytest.mark.parametrize(("offset", "reason"), [(300, None), (301, "stale"), (-301, "stale")])
def test_the_window_is_300_seconds_both_ways(
    verifier: TelnyxWebhookVerifier, offset: int, reason: str | None
) -> None:
    body = fixture("ended.json")
    headers = signed(body, stamp=NOW - offset)
    if reason is None:
        assert verifier.verify(headers, body, now=NOW).type is EventType.CONFERENCE_ENDED
    else:
        assert reason_of(verifier, headers, body) == reason


def test_now_as_a_datetime_and_header_names_in_any_case(verifier: TelnyxWebhookVerifier) -> None:
    body = fixture("ended.json")
    headers = {name.upper(): value for name, value in signed(body).items()}
    when = datetime.fromtimestamp(NOW, UTC)
    assert verifier.verify(headers, bytearray(body), now=when).id.endswith("777f1")
    with pytest.raises(confclient.InvalidRequestError):
        verifier.verify(headers, body, now=datetime(2026, 1, 1))


@given(st.binary(max_size=200))
def test_any_signed_bytes_give_an_event_or_a_decode_error(body: bytes) -> None:
    verifier = TelnyxWebhookVerifier(public_key=PUBLIC)
    try:
        event = verifier.verify(signed(body), body, now=NOW)
    except DecodeError:
        return
    assert isinstance(event, ConferenceEvent)


# -- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "bm90IDMyIGJ5dGVz", "not base64 at all!"])
def test_a_bad_public_key_is_a_configuration_error_that_does_not_show_it(key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        TelnyxWebhookVerifier(public_key=key)
    if key:
        assert key not in str(caught.value)


def test_repr_holds_no_key(verifier: TelnyxWebhookVerifier) -> None:
    assert PUBLIC not in repr(verifier)
