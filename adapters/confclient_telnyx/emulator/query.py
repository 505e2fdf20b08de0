"""Validation of ``GET /v2/conferences`` queries, as the Telnyx API does it.

``filter[name]`` (exact, case-sensitive), ``filter[status]`` and ``filter[connection_id]``
(exact) are applied. Every other documented filter (``filter[application_name][contains]``,
``filter[outbound.outbound_voice_profile_id]``, ``filter[leg_id]``,
``filter[application_session_id]``, ``filter[product]``, ``filter[failed]``, ``filter[from]``,
``filter[to]``, ``filter[type]``, ``filter[occurred_at][eq|gt|gte|lt|lte]``) is validated as
the spec describes but not applied: conference records carry no such fields. ``page[limit]``,
``page[after]`` and ``page[before]`` are likewise validated and ignored. Unknown
``filter[...]``/``page[...]`` keys and repeated parameters are rejected; other unknown
parameters are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Final

import attrs

from confclient.adapter import QueryParams

from .data import DEFAULT_REGION, TELNYX_REGIONS
from .errors import JSONDict, enum_error, invalid_error, range_error, telnyx_error

__all__ = [
    "PAGE_NUMBER_MAX",
    "PAGE_SIZE_DEFAULT",
    "PAGE_SIZE_MAX",
    "STATUSES",
    "ListQuery",
    "parse_list_query",
    "parse_region",
    "single_values",
]

PAGE_SIZE_DEFAULT: Final = 20
PAGE_SIZE_MAX: Final = 250
# The spec gives no maximum; the sandbox's keeps meta.page_number a 32-bit integer.
PAGE_NUMBER_MAX: Final = 2**31 - 1
STATUSES: Final = ("init", "in_progress", "completed")
PRODUCTS: Final = ("call_control", "fax", "texml")
EVENT_TYPES: Final = ("command", "webhook")

_UUID_RE: Final = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_INT64_RE: Final = re.compile(r"[0-9]{1,19}")
_INT_RE: Final = re.compile(r"[+-]?[0-9]+")

_FILTERS_APPLIED: Final = ("filter[name]", "filter[status]", "filter[connection_id]")
_FILTERS_IGNORED: Final = (
    "filter[application_name][contains]",
    "filter[outbound.outbound_voice_profile_id]",
    "filter[leg_id]",
    "filter[application_session_id]",
    "filter[product]",
    "filter[failed]",
    "filter[from]",
    "filter[to]",
    "filter[type]",
    *(f"filter[occurred_at][{op}]" for op in ("eq", "gt", "gte", "lt", "lte")),
)
_KNOWN_FILTERS: Final = frozenset(_FILTERS_APPLIED + _FILTERS_IGNORED)
_KNOWN_PAGE_KEYS: Final = frozenset(
    f"page[{key}]" for key in ("number", "size", "limit", "after", "before")
)


@attrs.frozen
class ListQuery:
    """A validated ``GET /v2/conferences`` query (the parts that affect the answer)."""

    region: str = DEFAULT_REGION
    page_number: int = 1
    page_size: int = PAGE_SIZE_DEFAULT
    name: str | None = None
    status: str | None = None
    connection_id: str | None = None


def _parse_int(
    key: str, value: str, minimum: int, maximum: int, errors: list[JSONDict]
) -> int | None:
    if not _INT_RE.fullmatch(value):
        errors.append(invalid_error(f"{key} must be an integer", parameter=key))
        return None
    try:
        number = int(value)
    except ValueError:  # more digits than int() accepts
        number = minimum - 1 if value.startswith("-") else maximum + 1
    if number < minimum or number > maximum:
        detail = f"{key} must be between {minimum} and {maximum}"
        errors.append(range_error(detail, parameter=key))
        return None
    return number


def _check_datetime(key: str, value: str, errors: list[JSONDict]) -> None:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        errors.append(invalid_error(f"{key} must be an ISO 8601 datetime", parameter=key))


def _check_ignored_filter(key: str, value: str, errors: list[JSONDict]) -> None:
    if key == "filter[application_name][contains]":
        if len(value) < 3:
            errors.append(invalid_error(f"{key} requires at least three characters", parameter=key))
    elif key == "filter[outbound.outbound_voice_profile_id]":
        if not _INT64_RE.fullmatch(value):
            errors.append(invalid_error(f"{key} must be an int64 id", parameter=key))
    elif key in ("filter[leg_id]", "filter[application_session_id]"):
        if not _UUID_RE.fullmatch(value):
            errors.append(invalid_error(f"{key} must be a UUID", parameter=key))
    elif key == "filter[product]":
        if value not in PRODUCTS:
            errors.append(enum_error(PRODUCTS, parameter=key))
    elif key == "filter[type]":
        if value not in EVENT_TYPES:
            errors.append(enum_error(EVENT_TYPES, parameter=key))
    elif key == "filter[failed]":
        if value not in ("true", "false"):
            errors.append(invalid_error(f"{key} must be true or false", parameter=key))
    elif key.startswith("filter[occurred_at]"):
        _check_datetime(key, value, errors)


def single_values(query: QueryParams, errors: list[JSONDict]) -> dict[str, str]:
    """Each parameter's one value; a parameter given twice adds an error instead."""
    values: dict[str, str] = {}
    for key in dict.fromkeys(query.keys()):
        given = query.getall(key)
        if len(given) > 1:
            errors.append(invalid_error(f"{key} must be given at most once", parameter=key))
        else:
            values[key] = given[0]
    return values


def parse_region(values: Mapping[str, str], errors: list[JSONDict]) -> str:
    """The ``region`` parameter (default ``US``); an unknown one adds an error."""
    region = values.get("region", DEFAULT_REGION)
    if region not in TELNYX_REGIONS:
        errors.append(enum_error(TELNYX_REGIONS, parameter="region"))
        return DEFAULT_REGION
    return region


def _unsupported(key: str, what: str) -> JSONDict:
    return telnyx_error(
        "10015", "Unsupported parameter", f"{key} is not a supported {what}", parameter=key
    )


def parse_list_query(query: QueryParams) -> ListQuery | list[JSONDict]:
    """Validate a ``GET /v2/conferences`` query: the parsed query, or the errors to send."""
    errors: list[JSONDict] = []
    values = single_values(query, errors)
    region = parse_region(values, errors)
    page_number, page_size = 1, PAGE_SIZE_DEFAULT
    applied: dict[str, str] = {}
    for key, value in values.items():
        if key == "page[number]":
            page_number = _parse_int(key, value, 1, PAGE_NUMBER_MAX, errors) or 1
        elif key in ("page[size]", "page[limit]"):
            size = _parse_int(key, value, 1, PAGE_SIZE_MAX, errors)
            if key == "page[size]" and size is not None:
                page_size = size
        elif key.startswith("page[") or key == "page":
            if key not in _KNOWN_PAGE_KEYS:
                errors.append(_unsupported(key, "page parameter"))
        elif key.startswith("filter[") or key == "filter":
            if key not in _KNOWN_FILTERS:
                errors.append(_unsupported(key, "filter"))
            elif key == "filter[status]" and value not in STATUSES:
                errors.append(enum_error(STATUSES, parameter=key))
            elif key in _FILTERS_APPLIED:
                applied[key] = value
            else:
                _check_ignored_filter(key, value, errors)
    if errors:
        return errors
    return ListQuery(
        region=region,
        page_number=page_number,
        page_size=page_size,
        name=applied.get("filter[name]"),
        status=applied.get("filter[status]"),
        connection_id=applied.get("filter[connection_id]"),
    )
