"""Telnyx conference webhooks: the Ed25519 signature check and the mapping to
:class:`ConferenceEvent` (pure: no I/O).

Telnyx signs ``"{telnyx-timestamp}|{raw body}"`` with the account's Ed25519 key; the header
``telnyx-signature-ed25519`` holds the base64 signature. A timestamp more than ``tolerance``
seconds (300) away from now, either way, is refused: the current SDKs do the same, and it
bounds how long a captured delivery can be replayed.

The envelope is ``{"data": {...event...}, "meta": {"attempt": n, ...}}``, but the spec also
models ``conference.floor.changed`` without the ``data`` wrapper, and puts ``occurred_at`` in
``data`` for participant joins and leaves but in ``data.payload`` for every other event: both
variants are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Final

from confclient import (
    ConferenceEvent,
    ConfigurationError,
    DecodeError,
    EndReason,
    EventType,
    WebhookSignatureError,
)
from confclient.adapter import (
    as_bytes,
    b64decode_exact,
    check_credential,
    header_value,
    json_body,
    load_ed25519_public_key,
    parse_timestamp,
    unix_seconds,
)

from .records import END_REASON_MAP, PROVIDER

__all__ = [
    "EVENT_TYPES",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "TOLERANCE",
    "TelnyxWebhookVerifier",
    "parse_event",
]

SIGNATURE_HEADER: Final = "telnyx-signature-ed25519"
TIMESTAMP_HEADER: Final = "telnyx-timestamp"
TOLERANCE: Final = 300.0

#: Every documented ``conference.*`` event type; any other maps to ``EventType.UNKNOWN``.
EVENT_TYPES: Final[Mapping[str, EventType]] = {
    "conference.created": EventType.CONFERENCE_STARTED,
    "conference.ended": EventType.CONFERENCE_ENDED,
    "conference.floor.changed": EventType.SPEAKER_CHANGED,
    "conference.participant.joined": EventType.PARTICIPANT_JOINED,
    "conference.participant.left": EventType.PARTICIPANT_LEFT,
    "conference.participant.playback.started": EventType.PLAYBACK_STARTED,
    "conference.participant.playback.ended": EventType.PLAYBACK_ENDED,
    "conference.participant.speak.started": EventType.SPEAK_STARTED,
    "conference.participant.speak.ended": EventType.SPEAK_ENDED,
    "conference.playback.started": EventType.PLAYBACK_STARTED,
    "conference.playback.ended": EventType.PLAYBACK_ENDED,
    "conference.speak.started": EventType.SPEAK_STARTED,
    "conference.speak.ended": EventType.SPEAK_ENDED,
    "conference.recording.saved": EventType.RECORDING_SAVED,
}


class TelnyxWebhookVerifier:
    """Checks Telnyx webhook signatures with the account's public key and maps the events.

    >>> verifier = TelnyxWebhookVerifier(public_key="base64 of 32 bytes")  # doctest: +SKIP
    >>> event = verifier.verify(request.headers, await request.read())      # doctest: +SKIP
    """

    provider: ClassVar[str] = PROVIDER
    env_variables: ClassVar[Mapping[str, str]] = {"public_key": "TELNYX_PUBLIC_KEY"}

    __slots__ = ("_key", "tolerance")

    def __init__(self, public_key: str | None = None, *, tolerance: float = TOLERANCE) -> None:
        if public_key is None or public_key == "":
            raise ConfigurationError(
                "telnyx webhooks need public_key (base64, Mission Control > Keys & Credentials): "
                "pass public_key=..., or set TELNYX_PUBLIC_KEY",
                provider=PROVIDER,
                missing=("public_key",),
            )
        check_credential(public_key, "public_key")
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
            raise ConfigurationError(f"tolerance must be seconds >= 0, got {tolerance!r}")
        self._key = load_ed25519_public_key(public_key, provider=PROVIDER, option="public_key")
        self.tolerance = float(tolerance)

    def __repr__(self) -> str:
        return f"<TelnyxWebhookVerifier tolerance={self.tolerance:g}s>"

    def verify(
        self,
        headers: Mapping[str, str],
        body: bytes,
        *,
        url: str | None = None,
        now: datetime | float | None = None,
    ) -> ConferenceEvent:
        """The event ``body`` holds, once its signature and timestamp hold (``url`` is not
        signed by Telnyx and is ignored)."""
        raw = as_bytes(body)
        signature = header_value(headers, SIGNATURE_HEADER)
        timestamp = header_value(headers, TIMESTAMP_HEADER)
        if not signature or not timestamp:
            missing = SIGNATURE_HEADER if not signature else TIMESTAMP_HEADER
            raise WebhookSignatureError(
                f"telnyx webhook: no {missing} header", reason="missing_header", provider=PROVIDER
            )
        stamp = timestamp.strip()
        if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
            raise WebhookSignatureError(
                f"telnyx webhook: {TIMESTAMP_HEADER} is not Unix seconds",
                reason="malformed",
                provider=PROVIDER,
            )
        decoded = b64decode_exact(signature.strip(), 64, provider=PROVIDER, what=SIGNATURE_HEADER)
        drift = unix_seconds(now) - int(stamp)
        if abs(drift) > self.tolerance:
            when = "old" if drift > 0 else "far in the future"
            raise WebhookSignatureError(
                f"telnyx webhook: the signed timestamp is {abs(drift):.0f} s {when} "
                f"(tolerance {self.tolerance:g} s)",
                reason="stale",
                provider=PROVIDER,
            )
        try:
            self._key.verify(decoded, stamp.encode() + b"|" + raw)
        except Exception:  # cryptography's InvalidSignature, PyNaCl's BadSignatureError
            raise WebhookSignatureError(
                "telnyx webhook: the signature does not hold over this body",
                reason="bad_signature",
                provider=PROVIDER,
            ) from None
        return parse_event(json_body(raw, provider=PROVIDER))


def _fail(message: str, field: str) -> DecodeError:
    return DecodeError(f"telnyx webhook: {message} at {field}", provider=PROVIDER, field=field)


def _text(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is None or type(value) is str:
        return value
    raise _fail("expected a string", f"{where}.{key}")


def _when(value: object, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_timestamp(value)
    except (TypeError, ValueError):
        raise _fail("expected an ISO 8601 timestamp", field) from None


def _recording_url(payload: Mapping[str, Any]) -> str | None:
    for key in ("recording_urls", "public_recording_urls"):
        urls = payload.get(key)
        if urls is None:
            continue
        if not isinstance(urls, dict):
            raise _fail("expected an object", f"data.payload.{key}")
        for fmt in ("mp3", "wav"):
            found = _text(urls, fmt, f"data.payload.{key}")
            if found:
                return found
    return None


def parse_event(document: object) -> ConferenceEvent:
    """The :class:`ConferenceEvent` of a decoded Telnyx webhook body (either envelope);
    :class:`DecodeError` naming the field when it is not a documented event."""
    if not isinstance(document, dict):
        raise _fail("expected a JSON object", "body")
    data = document.get("data", document)
    where = "data" if "data" in document else "body"
    if not isinstance(data, dict):
        raise _fail("expected an object", where)
    event_type = data.get("event_type")
    if type(event_type) is not str:
        raise _fail("expected the event type", f"{where}.event_type")
    ident = data.get("id")
    if type(ident) is not str or not ident:
        raise _fail("expected the event id", f"{where}.id")
    payload = data.get("payload")
    if not isinstance(payload, dict):
        raise _fail("expected an object", f"{where}.payload")
    meta = document.get("meta") if where == "data" else None
    attempt = None
    if isinstance(meta, dict):
        attempt = meta.get("attempt")
        if attempt is not None and (type(attempt) is not int):
            raise _fail("expected an integer", "meta.attempt")
    occurred = data.get("occurred_at")
    field = f"{where}.occurred_at"
    if occurred is None:
        occurred, field = payload.get("occurred_at"), f"{where}.payload.occurred_at"
    kind = EVENT_TYPES.get(event_type, EventType.UNKNOWN)
    end_reason = None
    if kind is EventType.CONFERENCE_ENDED:
        reason = _text(payload, "reason", f"{where}.payload")
        end_reason = None if reason is None else END_REASON_MAP.get(reason, EndReason.UNKNOWN)
    pwhere = f"{where}.payload"
    return ConferenceEvent(
        provider=PROVIDER,
        id=ident,
        type=kind,
        conference_id=_text(payload, "conference_id", pwhere),
        occurred_at=_when(occurred, field),
        call_id=_text(payload, "call_control_id", pwhere),
        end_reason=end_reason,
        recording_url=_recording_url(payload) if kind is EventType.RECORDING_SAVED else None,
        attempt=attempt,
        raw=document,
    )
