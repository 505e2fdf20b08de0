"""Twilio conference status callbacks: the ``X-Twilio-Signature`` check and the mapping to
:class:`ConferenceEvent` (pure: no I/O).

Twilio signs the full URL it called followed, for a form POST, by every parameter sorted by
name (``name + value``, each distinct value of a repeated name in sorted order), with
HMAC-SHA1 keyed by the account's auth token, base64-encoded. Its own signing is inconsistent
about the port, so the URL is tried as given and with the port flipped (the scheme's default
added when absent, removed when present), as Twilio's SDKs do. A JSON body is announced by a
``bodySHA256`` query parameter: the HMAC then covers the URL alone, and the body must hash to
that parameter. A GET callback (no body) carries its fields in the URL's query, signed with it.

Twilio sends no event id: :func:`event_id` derives one from fields a redelivery repeats
(account, conference, event, sequence number, call, timestamp), so the dedupe stores can
recognise a redelivery.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Final
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from confclient import (
    ConferenceEvent,
    ConfigurationError,
    DecodeError,
    EndReason,
    EventType,
    InvalidRequestError,
    WebhookSignatureError,
)
from confclient.adapter import as_bytes, check_credential, header_value, json_body

from .records import END_REASON_MAP, PROVIDER

__all__ = [
    "EVENT_TYPES",
    "SIGNATURE_HEADER",
    "TwilioWebhookVerifier",
    "event_id",
    "parse_event",
    "sign",
    "signing_string",
]

SIGNATURE_HEADER: Final = "x-twilio-signature"

#: Every ``StatusCallbackEvent`` value; any other maps to ``EventType.UNKNOWN``.
EVENT_TYPES: Final[Mapping[str, EventType]] = {
    "conference-start": EventType.CONFERENCE_STARTED,
    "conference-end": EventType.CONFERENCE_ENDED,
    "participant-join": EventType.PARTICIPANT_JOINED,
    "participant-leave": EventType.PARTICIPANT_LEFT,
    "participant-mute": EventType.PARTICIPANT_MUTED,
    "participant-unmute": EventType.PARTICIPANT_UNMUTED,
    "participant-hold": EventType.PARTICIPANT_HELD,
    "participant-unhold": EventType.PARTICIPANT_UNHELD,
    "participant-modify": EventType.PARTICIPANT_UPDATED,
    "participant-speech-start": EventType.SPEECH_STARTED,
    "participant-speech-stop": EventType.SPEECH_STOPPED,
    "announcement-end": EventType.ANNOUNCEMENT_ENDED,
    "announcement-fail": EventType.ANNOUNCEMENT_FAILED,
    # Deprecated (eventCallbackUrl), still delivered by old configurations.
    "conference-record-end": EventType.RECORDING_SAVED,
}
_DEFAULT_PORTS: Final = {"https": 443, "http": 80}
_BOOLEANS: Final = {"true": True, "false": False}

Params = list[tuple[str, str]]


def signing_string(url: str, params: Params | None) -> str:
    """What Twilio signs: ``url``, then each parameter name and value in sorted order."""
    if not params:
        return url
    by_name: dict[str, set[str]] = {}
    for name, value in params:
        by_name.setdefault(name, set()).add(value)
    parts = [url]
    for name in sorted(by_name):
        for value in sorted(by_name[name]):
            parts.append(name)
            parts.append(value)
    return "".join(parts)


def sign(auth_token: str, url: str, params: Params | None) -> str:
    """The ``X-Twilio-Signature`` of a request (base64 of HMAC-SHA1)."""
    digest = hmac.new(
        auth_token.encode(), signing_string(url, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def _port_flipped(url: str) -> str | None:
    """``url`` with the scheme's default port added when it has none, or its port removed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    default = _DEFAULT_PORTS.get(parts.scheme.lower())
    if host is None or default is None:
        return None
    userinfo, _, _hostport = parts.netloc.rpartition("@")
    host = f"[{host}]" if ":" in host else host
    hostport = host if port is not None else f"{host}:{default}"
    netloc = f"{userinfo}@{hostport}" if userinfo else hostport
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _query_value(url: str, name: str) -> str | None:
    query = urlsplit(url).query
    if name not in query:
        return None
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key == name:
            return value
    return None


class TwilioWebhookVerifier:
    """Checks ``X-Twilio-Signature`` with the account's auth token and maps the callbacks.

    >>> verifier = TwilioWebhookVerifier(auth_token="...")                   # doctest: +SKIP
    >>> event = verifier.verify(headers, body, url="https://example.com/hooks/twilio")
    """

    provider: ClassVar[str] = PROVIDER
    env_variables: ClassVar[Mapping[str, str]] = {"auth_token": "TWILIO_AUTH_TOKEN"}

    __slots__ = ("_key",)

    def __init__(self, auth_token: str | None = None) -> None:
        if auth_token is None or auth_token == "":
            raise ConfigurationError(
                "twilio webhooks need auth_token (an API key cannot check signatures): "
                "pass auth_token=..., or set TWILIO_AUTH_TOKEN",
                provider=PROVIDER,
                missing=("auth_token",),
            )
        self._key = check_credential(auth_token, "auth_token").encode()

    def __repr__(self) -> str:
        return "<TwilioWebhookVerifier>"

    def verify(
        self,
        headers: Mapping[str, str],
        body: bytes,
        *,
        url: str | None = None,
        now: datetime | float | None = None,
    ) -> ConferenceEvent:
        """The event ``body`` holds, once its signature over ``url`` (the full URL Twilio
        called, query included) holds. Twilio signs no timestamp: ``now`` is unused."""
        if not isinstance(url, str) or not url:
            raise InvalidRequestError("twilio signs the URL it called: pass url=")
        raw = as_bytes(body)
        signature = header_value(headers, SIGNATURE_HEADER)
        if not signature:
            raise WebhookSignatureError(
                "twilio webhook: no X-Twilio-Signature header",
                reason="missing_header",
                provider=PROVIDER,
            )
        given = signature.strip().encode("ascii", "replace")
        try:
            if len(base64.b64decode(given, validate=True)) != hashlib.sha1().digest_size:
                raise ValueError
        except ValueError:
            raise WebhookSignatureError(
                "twilio webhook: X-Twilio-Signature is not base64 of an HMAC-SHA1",
                reason="malformed",
                provider=PROVIDER,
            ) from None
        body_hash = _query_value(url, "bodySHA256")
        params: Params | None = None
        if body_hash is None and raw:
            try:
                params = parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                self._refuse()
        if not self._holds(given, url, params):
            self._refuse()
        if body_hash is None and not raw:
            # A GET callback (statusCallbackMethod GET): the fields are the URL's query, which
            # the signature covered as part of the URL.
            return parse_event(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        if body_hash is not None:
            if not hmac.compare_digest(hashlib.sha256(raw).hexdigest(), body_hash.lower()):
                self._refuse()
            document = json_body(raw, provider=PROVIDER)
            if not isinstance(document, dict):
                raise DecodeError(
                    "twilio webhook: expected a JSON object", provider=PROVIDER, field="body"
                )
            return parse_event(_json_fields(document))
        assert params is not None
        return parse_event(params)

    def _holds(self, given: bytes, url: str, params: Params | None) -> bool:
        text = signing_string(url, params)
        if _matches(self._key, text, given):
            return True
        other = _port_flipped(url)
        if other is None or other == url:
            return False
        return _matches(self._key, other + text[len(url) :], given)

    @staticmethod
    def _refuse() -> None:
        raise WebhookSignatureError(
            "twilio webhook: the signature does not hold over this URL and body",
            reason="bad_signature",
            provider=PROVIDER,
        )


def _matches(key: bytes, text: str, given: bytes) -> bool:
    expected = base64.b64encode(hmac.new(key, text.encode(), hashlib.sha1).digest())
    return hmac.compare_digest(expected, given)


def _json_fields(document: Mapping[str, Any]) -> Params:
    fields: Params = []
    for name, value in document.items():
        if isinstance(value, bool):
            fields.append((name, "true" if value else "false"))
        elif isinstance(value, str | int):
            fields.append((name, str(value)))
        elif value is not None:
            raise DecodeError(
                f"twilio webhook: expected a string at {name}", provider=PROVIDER, field=name
            )
    return fields


def event_id(fields: Mapping[str, str]) -> str:
    """A stable id for a callback, from fields every redelivery of it repeats."""
    keys = (
        ("AccountSid", "ConferenceSid", "StatusCallbackEvent", "SequenceNumber", "CallSid")
        if "StatusCallbackEvent" in fields
        else ("AccountSid", "ConferenceSid", "RecordingSid", "RecordingStatus")
    )
    joined = "\x1f".join(fields.get(key, "") for key in (*keys, "Timestamp"))
    return "tw-" + hashlib.sha256(joined.encode()).hexdigest()[:32]


def _fail(message: str, field: str) -> DecodeError:
    return DecodeError(f"twilio webhook: {message} at {field}", provider=PROVIDER, field=field)


def _required(fields: Mapping[str, str], key: str) -> str:
    value = fields.get(key)
    if not value:
        raise _fail("expected a value", key)
    return value


def _flag(fields: Mapping[str, str], key: str) -> bool | None:
    value = fields.get(key)
    if value is None or value == "":
        return None
    flag = _BOOLEANS.get(value.lower())
    if flag is None:
        raise _fail("expected true or false", key)
    return flag


def _rfc2822(fields: Mapping[str, str], key: str) -> datetime | None:
    value = fields.get(key)
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise _fail("expected an RFC 2822 date", key) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _end_reason(value: str | None) -> EndReason | None:
    if not value:
        return None
    # Callbacks spell reasons with hyphens, Insights with underscores: one table serves both.
    return END_REASON_MAP.get(value.replace("-", "_"), EndReason.UNKNOWN)


def parse_event(params: Params) -> ConferenceEvent:
    """The :class:`ConferenceEvent` of a callback's fields (a conference status callback, or
    a recording status callback); :class:`DecodeError` naming the field when it is neither."""
    fields: dict[str, str] = {}
    for name, value in params:
        fields.setdefault(name, value)
    _required(fields, "AccountSid")
    conference_id = _required(fields, "ConferenceSid")
    callback = fields.get("StatusCallbackEvent")
    if callback is None:
        _required(fields, "RecordingSid")
        status = _required(fields, "RecordingStatus")
        # Saved when it ended: its start plus its duration, when the callback tells both.
        saved = _rfc2822(fields, "RecordingStartTime")
        duration = fields.get("RecordingDuration", "")
        if saved is not None and duration.isascii() and duration.isdigit():
            saved += timedelta(seconds=int(duration))
        return ConferenceEvent(
            provider=PROVIDER,
            id=event_id(fields),
            type=EventType.RECORDING_SAVED if status == "completed" else EventType.UNKNOWN,
            conference_id=conference_id,
            occurred_at=saved,
            recording_url=fields.get("RecordingUrl") or None,
            raw=fields,
        )
    sequence_text = _required(fields, "SequenceNumber")
    if not (sequence_text.isascii() and sequence_text.isdigit()):
        raise _fail("expected an integer", "SequenceNumber")
    occurred = _rfc2822(fields, "Timestamp")
    if occurred is None:
        raise _fail("expected a value", "Timestamp")
    kind = EVENT_TYPES.get(callback, EventType.UNKNOWN)
    return ConferenceEvent(
        provider=PROVIDER,
        id=event_id(fields),
        type=kind,
        conference_id=conference_id,
        conference_name=fields.get("FriendlyName") or None,
        occurred_at=occurred,
        sequence=int(sequence_text),
        call_id=fields.get("CallSid") or None,
        participant_label=fields.get("ParticipantLabel") or None,
        end_reason=_end_reason(fields.get("ReasonConferenceEnded")),
        muted=_flag(fields, "Muted"),
        on_hold=_flag(fields, "Hold"),
        recording_url=fields.get("RecordingUrl") or None,
        raw=fields,
    )
