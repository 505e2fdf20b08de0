"""How the command prints conference events: one aligned line each (``table``), or one JSON
object per line (``ndjson``)."""

from __future__ import annotations

from typing import Any, Final, TextIO

from confclient._json import dumps
from confclient.events import ConferenceEvent

__all__ = ["EVENT_FORMATS", "EventWriter", "event_fields"]

EVENT_FORMATS: Final = ("table", "ndjson")


def event_fields(event: ConferenceEvent) -> dict[str, Any]:
    """The event's neutral fields as JSON values (``raw`` left out)."""
    return {
        "provider": event.provider,
        "id": event.id,
        "type": event.type.value,
        "conference_id": event.conference_id,
        "conference_name": event.conference_name,
        "occurred_at": None if event.occurred_at is None else event.occurred_at.isoformat(),
        "sequence": event.sequence,
        "call_id": event.call_id,
        "participant_label": event.participant_label,
        "end_reason": None if event.end_reason is None else event.end_reason.value,
        "muted": event.muted,
        "on_hold": event.on_hold,
        "recording_url": event.recording_url,
        "attempt": event.attempt,
    }


def _flags(event: ConferenceEvent) -> str:
    parts = []
    if event.participant_label:
        parts.append(f"label={event.participant_label}")
    if event.muted:
        parts.append("muted")
    if event.on_hold:
        parts.append("on hold")
    if event.end_reason is not None:
        parts.append(f"reason={event.end_reason.value}")
    if event.recording_url:
        parts.append(f"recording={event.recording_url}")
    return " ".join(parts)


class EventWriter:
    """Writes events to ``out`` as they come, flushing each (a reader may be waiting)."""

    def __init__(self, fmt: str, out: TextIO) -> None:
        if fmt not in EVENT_FORMATS:
            raise ValueError(f"format must be one of {', '.join(EVENT_FORMATS)}, got {fmt!r}")
        self.fmt = fmt
        self.out = out

    def write(self, event: ConferenceEvent) -> None:
        if self.fmt == "ndjson":
            line = dumps(event_fields(event)).decode()
        else:
            when = "-" if event.occurred_at is None else event.occurred_at.strftime("%H:%M:%S")
            seq = "" if event.sequence is None else f"#{event.sequence}"
            call = event.call_id or "-"
            line = (
                f"{when}  {event.provider:<8} {event.type.value:<20} {seq:>4}  "
                f"conference {event.conference_id or '-'}  call {call}  {_flags(event)}"
            ).rstrip()
        self.out.write(line + "\n")
        self.out.flush()
