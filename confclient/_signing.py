"""Pure helpers the adapters' webhook verifiers share (no I/O): reading signing headers,
the clock a check runs at, Ed25519 through ``cryptography`` (the ``webhooks`` extra), and the
checks that turn a failure into a :class:`WebhookSignatureError` or a :class:`DecodeError`.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ._json import JSONDecodeError
from ._json import loads as _json_loads
from .errors import ConfigurationError, DecodeError, InvalidRequestError, WebhookSignatureError

__all__ = [
    "WEBHOOKS_INSTALL_HINT",
    "as_bytes",
    "b64decode_exact",
    "header_value",
    "json_body",
    "load_ed25519_public_key",
    "load_ed25519_private_key",
    "unix_seconds",
]

WEBHOOKS_INSTALL_HINT = "pip install 'confclient[webhooks]'"


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header ``name`` (lower case) in any mapping, matched case-insensitively:
    a multidict or a plain ``dict`` alike."""
    value = headers.get(name)
    if value is not None:
        return value
    for key, found in headers.items():
        if key.lower() == name:
            return found
    return None


def as_bytes(body: object) -> bytes:
    """The raw body as bytes (``str`` is taken as UTF-8, for frameworks that decoded it)."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    raise InvalidRequestError(f"body must be the raw bytes received, got {type(body).__name__}")


def unix_seconds(now: datetime | float | None) -> float:
    """``now`` as Unix seconds: the clock when ``None``, an aware datetime, or a number."""
    if now is None:
        return time.time()
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise InvalidRequestError("now must be an aware datetime (or Unix seconds)")
        return now.timestamp()
    if isinstance(now, bool) or not isinstance(now, int | float):
        raise InvalidRequestError(f"now must be a datetime or Unix seconds, got {now!r:.40}")
    return float(now)


def b64decode_exact(value: str, size: int, *, provider: str, what: str) -> bytes:
    """``value`` decoded from base64 when it decodes to exactly ``size`` bytes; otherwise a
    ``malformed`` :class:`WebhookSignatureError` naming ``what`` (never the value)."""
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) != size:
        raise WebhookSignatureError(
            f"{provider} webhook: {what} is not base64 of {size} bytes",
            reason="malformed",
            provider=provider,
        )
    return decoded


def json_body(body: bytes, *, provider: str) -> Any:
    """The decoded JSON of a body whose signature held; :class:`DecodeError` (without the
    body's text) when it is not JSON."""
    try:
        return _json_loads(body)
    except JSONDecodeError:
        raise DecodeError(f"{provider} webhook: the body is not JSON", provider=provider) from None


def _ed25519() -> Any:
    try:
        return importlib.import_module("cryptography.hazmat.primitives.asymmetric.ed25519")
    except ImportError:
        raise ConfigurationError(
            f"Ed25519 webhook signatures need the 'cryptography' package: {WEBHOOKS_INSTALL_HINT}"
        ) from None


class _SodiumKey:
    """An Ed25519 public key checked by libsodium (PyNaCl), with ``cryptography``'s
    ``verify(signature, data)`` (raising when it does not hold)."""

    __slots__ = ("_key",)

    def __init__(self, key: Any) -> None:
        self._key = key

    def verify(self, signature: bytes, data: bytes) -> None:
        self._key.verify(data, signature)

    def public_bytes_raw(self) -> bytes:
        return bytes(self._key)


def _sodium_key(raw: bytes) -> _SodiumKey | None:
    try:
        signing = importlib.import_module("nacl.signing")
    except ImportError:
        return None
    return _SodiumKey(signing.VerifyKey(raw))


def load_ed25519_public_key(
    encoded: str, *, provider: str, option: str, sodium: bool = True
) -> Any:
    """An Ed25519 public key from base64 of its 32 raw bytes, with ``verify(signature,
    data)``: ``cryptography``'s (the ``webhooks`` extra), or libsodium's when PyNaCl is
    installed (``sodium``), which checks a signature in about 60% of the time.
    :class:`ConfigurationError` naming ``option`` when it is no such key, or when neither
    library is installed."""
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ConfigurationError(
            f"{provider}: {option} must be base64 of a 32-byte Ed25519 public key "
            "(Mission Control > Keys & Credentials > Public Key)",
            provider=provider,
        )
    fast = _sodium_key(raw) if sodium else None
    if fast is not None:
        return fast
    return _ed25519().Ed25519PublicKey.from_public_bytes(raw)


def load_ed25519_private_key(raw: bytes) -> Any:
    """An Ed25519 private key from its 32 raw bytes (the sandbox signs with one)."""
    return _ed25519().Ed25519PrivateKey.from_private_bytes(raw)
