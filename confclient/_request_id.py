"""The provider's request id, read from response headers: one rule for every reader.

``X-Request-Id`` or ``Request-Id`` when the response has one; otherwise any header whose
name ends in ``-Request-Id`` (a provider's own, such as ``Acme-Request-Id``), so that no
provider needs naming here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = ["REQUEST_ID_HEADERS", "request_id_of"]

REQUEST_ID_HEADERS: Final = ("X-Request-Id", "Request-Id")
"""The header names looked at first, in order; then any ``*-Request-Id``."""

_SUFFIX: Final = "-request-id"


def request_id_of(headers: Mapping[str, Any]) -> str | None:
    """The provider's request id from response headers, if it sent one."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name) or headers.get(name.lower())
        if isinstance(value, str) and value:
            return value
    for name, value in headers.items():
        if name.lower().endswith(_SUFFIX) and isinstance(value, str) and value:
            return value
    return None
