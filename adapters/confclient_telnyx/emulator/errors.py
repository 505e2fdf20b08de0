"""Telnyx error bodies (the ``call-control_Errors`` shape) as the emulator sends them.

Codes follow the spec's examples. Codes the spec does not name are the sandbox's own choice:
10002 "Invalid parameter" for malformed values and wrong JSON types (but 10033 for any bad
``max_participants`` / ``duration_minutes``), 10015 for an unreadable body and for unknown
filter or page keys, 10005 for a 405.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from confclient.adapter import FaultKind, json_dumps

__all__ = [
    "CONFERENCE_NOT_FOUND_BODY",
    "FAULT_BODIES",
    "NAME_CONFLICT_ERROR",
    "NOT_FOUND_BODY",
    "RATE_LIMIT",
    "UNAUTHORIZED_BODY",
    "JSONDict",
    "enum_error",
    "errors_body",
    "invalid_error",
    "range_error",
    "telnyx_error",
]

JSONDict = dict[str, Any]


def telnyx_error(
    code: str,
    title: str,
    detail: str | None = None,
    *,
    pointer: str | None = None,
    parameter: str | None = None,
) -> JSONDict:
    """One ``call-control_Error`` object."""
    error: JSONDict = {"code": code, "title": title}
    if detail is not None:
        error["detail"] = detail
    if pointer is not None:
        error["source"] = {"pointer": pointer}
    elif parameter is not None:
        error["source"] = {"parameter": parameter}
    return error


def errors_body(*errors: JSONDict) -> bytes:
    """An error response body: ``{"errors": [...]}``."""
    return json_dumps({"errors": list(errors)})


def enum_error(values: tuple[str, ...], **source: str) -> JSONDict:
    """10032: a value outside an enumeration."""
    return telnyx_error(
        "10032",
        "Invalid enumerated value",
        f"The value must be one of: {', '.join(values)}.",
        **source,
    )


def range_error(detail: str, **source: str) -> JSONDict:
    """10033: a number out of range."""
    return telnyx_error("10033", "Value outside of range", detail, **source)


def invalid_error(detail: str, **source: str) -> JSONDict:
    """10002: a malformed value."""
    return telnyx_error("10002", "Invalid parameter", detail, **source)


UNAUTHORIZED_BODY: Final = errors_body(
    {
        "code": "10009",
        "title": "Authentication failed",
        "detail": (
            "The required authentication headers were either invalid or not included in the "
            "request."
        ),
        "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10009"},
    }
)
NOT_FOUND_BODY: Final = errors_body(
    telnyx_error("10007", "Resource not found", "Resource not found")
)
CONFERENCE_NOT_FOUND_BODY: Final = errors_body(
    telnyx_error("90058", "Invalid conference_id", "The conference does not exist.")
)
NAME_CONFLICT_ERROR: Final = telnyx_error(
    "90033",
    "Unable to execute command",
    "Conference with given name already exists and it's active.",
)
FAULT_BODIES: Final[Mapping[FaultKind, bytes]] = {
    FaultKind.INTERNAL_ERROR: errors_body(
        telnyx_error("10000", "Internal error", "An unexpected error occurred.")
    ),
    FaultKind.SERVICE_UNAVAILABLE: errors_body(
        telnyx_error("10000", "Service unavailable", "The service is temporarily unavailable.")
    ),
    FaultKind.TOO_MANY_REQUESTS: errors_body(
        telnyx_error("10011", "Too many requests", "Rate limit exceeded.")
    ),
}
RATE_LIMIT: Final = 100
"""``x-ratelimit-limit`` on the 429 fault (Telnyx publishes no number; any will do)."""
