"""Spec-shaped deliveries, really signed (see tests/_webhooks.py)."""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import urlencode

from tests._webhooks import telnyx_headers, twilio_signature


def telnyx_delivery(
    event_type: str = "conference.participant.joined", *, ident: str | None = None
) -> tuple[dict[str, str], bytes]:
    """Headers and body of a Telnyx conference event signed now."""
    body = json.dumps(
        {
            "data": {
                "record_type": "event",
                "event_type": event_type,
                "id": ident or str(uuid.uuid4()),
                "occurred_at": "2026-11-01T10:00:00.000000Z",
                "payload": {
                    "conference_id": "41b9acd4-f4da-4ff5-a85c-e07e90b53f46",
                    "call_control_id": "v3:leg",
                    "connection_id": "1234567890123456789",
                },
            },
            "meta": {"attempt": 1},
        }
    ).encode()
    return telnyx_headers(body, int(time.time())), body


def twilio_delivery(url: str, sequence: int = 1) -> tuple[dict[str, str], bytes]:
    """Headers and form body of a Twilio participant-join callback signed for ``url``."""
    params = [
        ("AccountSid", "AC" + "a" * 32),
        ("CallSid", "CA" + "b" * 32),
        ("ConferenceSid", "CF" + "c" * 32),
        ("FriendlyName", "Standup"),
        ("Muted", "false"),
        ("Hold", "false"),
        ("SequenceNumber", str(sequence)),
        ("StatusCallbackEvent", "participant-join"),
        ("Timestamp", "Sun, 1 Nov 2026 10:00:00 +0000"),
    ]
    headers = {
        "X-Twilio-Signature": twilio_signature(url, params),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return headers, urlencode(params).encode()
