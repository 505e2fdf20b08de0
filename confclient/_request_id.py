"""The provider's request id, read from response headers (one list of header names)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = ["REQUEST_ID_HEADERS", "request_id_of"]

REQUEST_ID_HEADERS: Final = (
    "X-Request-Id",
    "Twilio-Request-Id",
    "X-Twilio-Request-Id",
    "Request-Id",
)
"""Where providers put their request id, in the order looked at (one list for every reader)."""


def request_id_of(headers: Mapping[str, Any]) -> str | None:
    """The provider's request id from response headers, if it sent one."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name) or headers.get(name.lower())
        if isinstance(value, str) and value:
            return value
    return None
