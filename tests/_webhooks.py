"""Signing webhooks the way the providers document it, written here independently of
confclient's own code, so that the tests check it against the specs rather than itself."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

TELNYX_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
TELNYX_PUBLIC_KEY = base64.b64encode(TELNYX_KEY.public_key().public_bytes_raw()).decode()
TWILIO_TOKEN = "0123456789abcdef0123456789abcdef"


def telnyx_headers(body: bytes, stamp: int, key: Ed25519PrivateKey = TELNYX_KEY) -> dict[str, str]:
    """The headers Telnyx sends with ``body``: Ed25519 over ``"{timestamp}|{body}"``."""
    signature = key.sign(str(stamp).encode() + b"|" + body)
    return {
        "Telnyx-Signature-Ed25519": base64.b64encode(signature).decode(),
        "Telnyx-Timestamp": str(stamp),
        "Content-Type": "application/json",
    }


def twilio_signature(
    url: str, params: list[tuple[str, str]] | None = None, token: str = TWILIO_TOKEN
) -> str:
    """``X-Twilio-Signature``: HMAC-SHA1 of the URL and the sorted parameters."""
    text = url + "".join(k + v for k, v in sorted(params or []))
    digest = hmac.new(token.encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()
