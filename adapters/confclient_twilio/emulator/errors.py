"""Twilio error bodies, the flat ``{"code", "message", "more_info", "status"}`` shape.

20001 (400) for an invalid parameter, naming it in the message, 20003 (401), 20004 (405),
20404 (404), 20500 / 20503 / 20429 for the injected faults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from confclient.adapter import FaultKind, json_dumps

__all__ = ["FAULT_BODIES", "UNAUTHORIZED_BODY", "not_found_body", "twilio_error"]

_MORE_INFO: Final = "https://www.twilio.com/docs/errors/{code}"


def twilio_error(code: int, message: str, status: int) -> bytes:
    """One Twilio error body: ``{"code", "message", "more_info", "status"}``."""
    return json_dumps(
        {
            "code": code,
            "message": message,
            "more_info": _MORE_INFO.format(code=code),
            "status": status,
        }
    )


def not_found_body(resource: str) -> bytes:
    """20404 for ``resource`` (its path under the API root)."""
    return twilio_error(20404, f"The requested resource {resource} was not found", 404)


UNAUTHORIZED_BODY: Final = twilio_error(20003, "Authenticate", 401)
FAULT_BODIES: Final[Mapping[FaultKind, bytes]] = {
    FaultKind.INTERNAL_ERROR: twilio_error(20500, "Internal Server Error", 500),
    FaultKind.SERVICE_UNAVAILABLE: twilio_error(20503, "Service Unavailable", 503),
    FaultKind.TOO_MANY_REQUESTS: twilio_error(20429, "Too Many Requests", 429),
}
