"""Conference events: what a provider's webhooks say, as one :class:`ConferenceEvent`.

Telnyx posts JSON ``conference.*`` events signed with Ed25519; Twilio posts form-encoded status
callbacks signed with HMAC-SHA1. A provider's *verifier* (``confclient.webhook_verifier``)
checks the signature and maps the body, with no I/O of its own::

    verifier = confclient.webhook_verifier("telnyx", public_key="...")
    event = verifier.verify(headers, body, url=public_url)

Receiving them in a web backend, once per event across replicas (the dedupe stores and the
aiohttp handler are loaded on first use: importing this module loads no I/O machinery)::

    from confclient.events import aiohttp_handler, MemoryDedupe, RedisDedupe
    app.router.add_post("/hooks/telnyx", aiohttp_handler(verifier, on_event))
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from ._frozen import FreezeOnRead, FrozenDict
from ._lazy import lazy_exports
from .model import EndReason

if TYPE_CHECKING:
    from ._dedupe import Dedupe, MemoryDedupe, RedisDedupe
    from ._webhook_handler import aiohttp_handler

__all__ = [
    "ConferenceEvent",
    "Dedupe",
    "EventType",
    "MemoryDedupe",
    "RedisDedupe",
    "WebhookVerifier",
    "aiohttp_handler",
]


class EventType(enum.StrEnum):
    """What happened. ``UNKNOWN`` stands for any event type not known today."""

    CONFERENCE_STARTED = "conference_started"
    CONFERENCE_ENDED = "conference_ended"
    PARTICIPANT_JOINED = "participant_joined"
    PARTICIPANT_LEFT = "participant_left"
    PARTICIPANT_MUTED = "participant_muted"
    PARTICIPANT_UNMUTED = "participant_unmuted"
    PARTICIPANT_HELD = "participant_held"
    PARTICIPANT_UNHELD = "participant_unheld"
    PARTICIPANT_UPDATED = "participant_updated"
    SPEAKER_CHANGED = "speaker_changed"
    SPEECH_STARTED = "speech_started"
    SPEECH_STOPPED = "speech_stopped"
    PLAYBACK_STARTED = "playback_started"
    PLAYBACK_ENDED = "playback_ended"
    SPEAK_STARTED = "speak_started"
    SPEAK_ENDED = "speak_ended"
    ANNOUNCEMENT_ENDED = "announcement_ended"
    ANNOUNCEMENT_FAILED = "announcement_failed"
    RECORDING_SAVED = "recording_saved"
    UNKNOWN = "unknown"


@attrs.frozen(slots=True, kw_only=True, weakref_slot=False)
class ConferenceEvent:
    """One verified webhook event, whatever the provider.

    ``id`` identifies the event across redeliveries (Telnyx ``data.id``; Twilio sends none, so
    it is derived from fields a redelivery repeats): the dedupe stores key on
    ``(provider, id)``. ``occurred_at`` is UTC (``None`` when the provider does not say);
    ``sequence`` is Twilio's ``SequenceNumber``; ``call_id`` the participant's call handle
    (Telnyx ``call_control_id``, Twilio ``CallSid``); ``attempt`` Telnyx's delivery attempt.
    A field the provider does not send is ``None``. ``raw`` is the body as decoded (the JSON
    object, or the form's fields), read-only, left out of equality and ``repr``.
    """

    provider: str
    id: str
    type: EventType
    conference_id: str | None = None
    conference_name: str | None = None
    occurred_at: datetime | None = None
    sequence: int | None = None
    call_id: str | None = None
    participant_label: str | None = None
    end_reason: EndReason | None = None
    muted: bool | None = None
    on_hold: bool | None = None
    recording_url: str | None = None
    attempt: int | None = None
    raw: Mapping[str, Any] = attrs.field(factory=FrozenDict, eq=False, repr=False)


# A verifier hands over the object it decoded; it is frozen when first read (most never are).
FreezeOnRead.install(ConferenceEvent, "raw")


@runtime_checkable
class WebhookVerifier(Protocol):
    """What ``confclient.webhook_verifier`` returns: one provider's signature check and
    mapping, pure (no I/O).

    ``verify`` takes the request's ``headers`` (any mapping; names matched
    case-insensitively), its raw ``body`` bytes as received, the full ``url`` the provider
    called (query included; Twilio signs it) and ``now`` (an aware datetime or Unix seconds,
    for tests). It raises :class:`confclient.WebhookSignatureError` when the signature does
    not hold and :class:`confclient.DecodeError` when it holds over a body that is not a
    documented event.
    """

    @property
    def provider(self) -> str: ...

    def verify(
        self,
        headers: Mapping[str, str],
        body: bytes,
        *,
        url: str | None = None,
        now: datetime | float | None = None,
    ) -> ConferenceEvent: ...


_LAZY: dict[str, str] = {
    "Dedupe": "_dedupe",
    "MemoryDedupe": "_dedupe",
    "RedisDedupe": "_dedupe",
    "aiohttp_handler": "_webhook_handler",
}

__getattr__, __dir__ = lazy_exports("confclient", _LAZY, globals())
