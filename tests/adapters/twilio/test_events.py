"""Twilio status callbacks, pure: ``X-Twilio-Signature`` (URL and sorted parameters, ports,
JSON bodies with ``bodySHA256``, tampering) and the mapping of every ``StatusCallbackEvent``.

Signatures are computed here from the documented algorithm, independently of the module.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest

from confclient import (
    ConfigurationError,
    DecodeError,
    EndReason,
    EventType,
    InvalidRequestError,
    WebhookSignatureError,
)
from confclient_twilio.events import EVENT_TYPES, TwilioWebhookVerifier
from tests._webhooks import TWILIO_TOKEN, twilio_signature

FIXTURES = Path(__file__).parent / "fixtures" / "webhooks"
TOKEN = TWILIO_TOKEN
URL = "https://hooks.example.com/twilio/conference?tenant=7"


signature = twilio_signature


def form(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def headers_for(body: bytes, url: str = URL) -> dict[str, str]:
    return {"X-Twilio-Signature": signature(url, parse_qsl(body.decode(), keep_blank_values=True))}


@pytest.fixture
def verifier() -> TwilioWebhookVerifier:
    return TwilioWebhookVerifier(auth_token=TOKEN)


def test_a_signed_mute_verifies_and_maps(verifier: TwilioWebhookVerifier) -> None:
    body = form("participant_mute.form")
    event = verifier.verify(headers_for(body), body, url=URL)
    assert event.provider == "twilio"
    assert event.type is EventType.PARTICIPANT_MUTED
    assert event.conference_id == "CF" + "c" * 32
    assert event.conference_name == "Standup"
    assert event.call_id == "CA" + "b" * 32
    assert event.participant_label == "alice"
    assert (event.muted, event.on_hold, event.sequence) == (True, False, 3)
    assert event.occurred_at == datetime(2017, 6, 1, 20, 48, 32, tzinfo=UTC)
    assert event.raw["FriendlyName"] == "Standup"


def test_the_id_is_stable_across_redeliveries_and_differs_between_events(
    verifier: TwilioWebhookVerifier,
) -> None:
    body = form("participant_mute.form")
    first = verifier.verify(headers_for(body), body, url=URL)
    # A redelivery may order its fields differently: same event, same id.
    pairs = sorted(parse_qsl(body.decode()), reverse=True)
    again = urlencode(pairs).encode()
    assert verifier.verify(headers_for(again), again, url=URL).id == first.id
    other = body.replace(b"SequenceNumber=3", b"SequenceNumber=4")
    assert verifier.verify(headers_for(other), other, url=URL).id != first.id


def test_end_reason_with_hyphens(verifier: TwilioWebhookVerifier) -> None:
    body = form("conference_end.form")
    event = verifier.verify(headers_for(body), body, url=URL)
    assert (event.type, event.end_reason) == (EventType.CONFERENCE_ENDED, EndReason.HOST_LEFT)


@pytest.mark.parametrize(
    ("spelt", "reason"),
    [
        ("conference-ended-via-api", EndReason.ENDED_VIA_API),
        ("last-participant-kicked", EndReason.LAST_PARTICIPANT_KICKED),
        ("last-participant-left", EndReason.ALL_LEFT),
        ("participant-with-end-conference-on-exit-kicked", EndReason.HOST_KICKED),
        ("participant-with-end-conference-on-exit-left", EndReason.HOST_LEFT),
        ("last_participant_left", EndReason.ALL_LEFT),
        ("a-new-reason", EndReason.UNKNOWN),
    ],
)
def test_every_end_reason(verifier: TwilioWebhookVerifier, spelt: str, reason: EndReason) -> None:
    pairs = [
        (k, spelt if k == "ReasonConferenceEnded" else v)
        for k, v in parse_qsl(form("conference_end.form").decode())
    ]
    body = urlencode(pairs).encode()
    assert verifier.verify(headers_for(body), body, url=URL).end_reason is reason


def test_a_recording_callback(verifier: TwilioWebhookVerifier) -> None:
    body = form("recording_completed.form")
    event = verifier.verify(headers_for(body), body, url=URL)
    assert event.type is EventType.RECORDING_SAVED
    assert event.recording_url is not None
    assert event.recording_url.endswith("R" + "E" + "d" * 32)
    assert event.sequence is None
    # Saved at its start (20:48:40) plus its duration (712 s).
    assert event.occurred_at == datetime(2017, 6, 1, 21, 0, 32, tzinfo=UTC)
    in_progress = body.replace(b"RecordingStatus=completed", b"RecordingStatus=in-progress")
    assert verifier.verify(headers_for(in_progress), in_progress, url=URL).type is (
        EventType.UNKNOWN
    )


def callback(event: str, **extra: str) -> list[tuple[str, str]]:
    return [
        ("AccountSid", "AC" + "a" * 32),
        ("ConferenceSid", "CF" + "c" * 32),
        ("FriendlyName", "Standup"),
        ("SequenceNumber", "1"),
        ("StatusCallbackEvent", event),
        ("Timestamp", "Thu, 1 Jun 2017 20:48:32 +0000"),
        *extra.items(),
    ]


DOCUMENTED = {
    "conference-start",
    "conference-end",
    "participant-join",
    "participant-leave",
    "participant-mute",
    "participant-unmute",
    "participant-hold",
    "participant-unhold",
    "participant-modify",
    "participant-speech-start",
    "participant-speech-stop",
    "announcement-end",
    "announcement-fail",
    "conference-record-end",
}


def test_the_table_covers_every_status_callback_event() -> None:
    assert set(EVENT_TYPES) == DOCUMENTED
    assert EventType.UNKNOWN not in EVENT_TYPES.values()


@pytest.mark.parametrize(("native", "neutral"), sorted(EVENT_TYPES.items()))
def test_every_event_maps(verifier: TwilioWebhookVerifier, native: str, neutral: EventType) -> None:
    body = urlencode(callback(native)).encode()
    assert verifier.verify(headers_for(body), body, url=URL).type is neutral


def test_an_unknown_event_is_unknown(verifier: TwilioWebhookVerifier) -> None:
    body = urlencode(callback("participant-teleport")).encode()
    assert verifier.verify(headers_for(body), body, url=URL).type is EventType.UNKNOWN


@pytest.mark.parametrize(
    ("pairs", "field"),
    [
        ([("Foo", "bar")], "AccountSid"),
        (
            [(k, v) for k, v in callback("participant-join") if k != "ConferenceSid"],
            "ConferenceSid",
        ),
        ([(k, v) for k, v in callback("participant-join") if k != "Timestamp"], "Timestamp"),
        (callback("participant-join", Muted="maybe"), "Muted"),
        ([(k, "x" if k == "SequenceNumber" else v) for k, v in callback("x")], "SequenceNumber"),
        ([(k, "soon" if k == "Timestamp" else v) for k, v in callback("x")], "Timestamp"),
        ([("AccountSid", "AC1"), ("ConferenceSid", "CF1")], "RecordingSid"),
    ],
)
def test_a_signed_body_of_no_documented_shape_is_a_decode_error(
    verifier: TwilioWebhookVerifier, pairs: list[tuple[str, str]], field: str
) -> None:
    body = urlencode(pairs).encode()
    with pytest.raises(DecodeError) as caught:
        verifier.verify(headers_for(body), body, url=URL)
    assert caught.value.field == field


# -- the signature ----------------------------------------------------------------------------


def reason_of(
    verifier: TwilioWebhookVerifier, headers: dict[str, str], body: bytes, url: str
) -> str:
    with pytest.raises(WebhookSignatureError) as caught:
        verifier.verify(headers, body, url=url)
    message = str(caught.value)
    assert TOKEN not in message
    assert "Standup" not in message
    return caught.value.reason


def test_tampering_is_a_bad_signature(verifier: TwilioWebhookVerifier) -> None:
    body = form("participant_mute.form")
    headers = headers_for(body)
    assert reason_of(verifier, headers, body.replace(b"Muted=true", b"Muted=false"), URL) == (
        "bad_signature"
    )
    assert reason_of(verifier, headers, body + b"&Extra=1", URL) == "bad_signature"
    assert reason_of(verifier, headers, body, URL.replace("tenant=7", "tenant=8")) == (
        "bad_signature"
    )
    assert reason_of(verifier, headers, body, URL.replace("https:", "http:")) == "bad_signature"
    wrong = {"X-Twilio-Signature": signature(URL, parse_qsl(body.decode()), token="f" * 32)}
    assert reason_of(verifier, wrong, body, URL) == "bad_signature"
    assert reason_of(verifier, headers, b"\xff\xfe", URL) == "bad_signature"


def test_missing_and_malformed_headers(verifier: TwilioWebhookVerifier) -> None:
    body = form("participant_mute.form")
    assert reason_of(verifier, {}, body, URL) == "missing_header"
    assert reason_of(verifier, {"X-Twilio-Signature": "nope!"}, body, URL) == "malformed"
    sha256 = base64.b64encode(b"x" * 32).decode()
    assert reason_of(verifier, {"X-Twilio-Signature": sha256}, body, URL) == "malformed"


@pytest.mark.parametrize(
    ("signed_url", "called_url"),
    [
        ("https://hooks.example.com:443/t?x=1", "https://hooks.example.com/t?x=1"),
        ("https://hooks.example.com/t?x=1", "https://hooks.example.com:443/t?x=1"),
        ("http://hooks.example.com:80/t", "http://hooks.example.com/t"),
        ("http://127.0.0.1:8080/t", "http://127.0.0.1:8080/t"),
    ],
)
def test_the_url_with_and_without_its_port(
    verifier: TwilioWebhookVerifier, signed_url: str, called_url: str
) -> None:
    body = form("participant_mute.form")
    event = verifier.verify(headers_for(body, signed_url), body, url=called_url)
    assert event.type is EventType.PARTICIPANT_MUTED


def test_repeated_parameters_sign_each_distinct_value_in_order(
    verifier: TwilioWebhookVerifier,
) -> None:
    pairs = [*callback("participant-join"), ("Tag", "b"), ("Tag", "a"), ("Tag", "b")]
    body = urlencode(pairs).encode()
    distinct = sorted(set(pairs))
    assert verifier.verify({"X-Twilio-Signature": signature(URL, distinct)}, body, url=URL)


def test_a_json_body_is_signed_through_body_sha256(verifier: TwilioWebhookVerifier) -> None:
    document = dict(callback("participant-hold", Hold="true", CallSid="CA" + "1" * 32))
    body = json.dumps(document).encode()
    url = f"{URL}&bodySHA256={hashlib.sha256(body).hexdigest()}"
    headers = {"X-Twilio-Signature": signature(url)}
    event = verifier.verify(headers, body, url=url)
    assert (event.type, event.on_hold) == (EventType.PARTICIPANT_HELD, True)
    tampered = body.replace(b"true", b"false")
    assert reason_of(verifier, headers, tampered, url) == "bad_signature"
    array = b"[1, 2]"
    url = f"{URL}&bodySHA256={hashlib.sha256(array).hexdigest()}"
    with pytest.raises(DecodeError):
        verifier.verify({"X-Twilio-Signature": signature(url)}, array, url=url)


def test_a_get_callback_carries_its_fields_in_the_signed_url(
    verifier: TwilioWebhookVerifier,
) -> None:
    url = f"{URL}&{urlencode(callback('participant-leave', CallSid='CA' + '2' * 32))}"
    headers = {"X-Twilio-Signature": signature(url)}
    event = verifier.verify(headers, b"", url=url)
    assert (event.type, event.call_id) == (EventType.PARTICIPANT_LEFT, "CA" + "2" * 32)
    assert reason_of(verifier, headers, b"", url.replace("leave", "join")) == "bad_signature"


def test_no_url_is_refused_before_anything(verifier: TwilioWebhookVerifier) -> None:
    with pytest.raises(InvalidRequestError):
        verifier.verify({}, b"", url=None)


def test_configuration() -> None:
    with pytest.raises(ConfigurationError) as caught:
        TwilioWebhookVerifier()
    assert caught.value.missing == ("auth_token",)
    with pytest.raises(ConfigurationError) as caught:
        TwilioWebhookVerifier(auth_token="bad token\n")
    assert "bad token" not in str(caught.value)
    assert TOKEN not in repr(TwilioWebhookVerifier(auth_token=TOKEN))
