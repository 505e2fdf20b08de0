"""Neutral arguments to the Telnyx list query; every check happens here, on the client,
before any request. Pure functions. (The create request's body: :mod:`.create`.)
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from confclient import (
    ConferenceStatus,
    InvalidRequestError,
    ListQuery,
    UnsupportedFilterError,
)
from confclient.adapter import aware_utc, has_control_character, page_size_for

__all__ = [
    "MAX_PAGE_NUMBER",
    "MAX_PAGE_SIZE",
    "REGIONS",
    "build_list_params",
    "canonical_region",
    "check_saved_query",
    "flatten_filters",
    "format_timestamp",
]

PROVIDER: Final = "telnyx"
REGIONS: Final = ("Australia", "Europe", "Middle East", "US")
MAX_PAGE_SIZE: Final = 250
#: The largest page number a listing position may name (the API's own is not documented;
#: a 32-bit page number is far past any real listing).
MAX_PAGE_NUMBER: Final = 2**31 - 1
PRODUCTS: Final = ("call_control", "fax", "texml")
EVENT_TYPES: Final = ("command", "webhook")
NATIVE_STATUSES: Final = ("init", "in_progress", "completed")
OCCURRED_AT_OPS: Final = ("eq", "gt", "gte", "lt", "lte")
STATUS_TO_NATIVE: Final[Mapping[ConferenceStatus, str]] = {
    ConferenceStatus.NOT_STARTED: "init",
    ConferenceStatus.IN_PROGRESS: "in_progress",
    ConferenceStatus.COMPLETED: "completed",
}

_DIGITS = re.compile(r"^[0-9]{1,19}$")


def canonical_region(region: object, argument: str = "region") -> str:
    """The documented spelling of a Telnyx region, matched case-insensitively."""
    if isinstance(region, str):
        for known in REGIONS:
            if region.casefold() == known.casefold():
                return known
    raise InvalidRequestError(
        f"{argument} must be one of {', '.join(REGIONS)} for telnyx, got {region!r}"
    )


def format_timestamp(value: datetime) -> str:
    """An aware datetime as Telnyx writes them: UTC, ``Z``, milliseconds when not whole."""
    value = value.astimezone(UTC)
    timespec = "milliseconds" if value.microsecond else "seconds"
    return value.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


# -- filters (deepObject) -------------------------------------------------------------------


def _string(path: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidRequestError(f"filters[{path!r}] must be a non-empty string, got {value!r}")
    return value


def _enum(choices: tuple[str, ...]) -> Any:
    def check(path: str, value: object) -> str:
        if value not in choices:
            raise InvalidRequestError(
                f"filters[{path!r}] must be one of {', '.join(choices)}, got {value!r}"
            )
        return str(value)

    return check


def _uuid(path: str, value: object) -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    try:
        return str(uuid.UUID(_string(path, value)))
    except ValueError:
        raise InvalidRequestError(f"filters[{path!r}] must be a UUID, got {value!r}") from None


def _bool(path: str, value: object) -> str:
    if not isinstance(value, bool):
        raise InvalidRequestError(f"filters[{path!r}] must be True or False, got {value!r}")
    return "true" if value else "false"


def _profile_id(path: str, value: object) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _DIGITS.match(text):
        raise InvalidRequestError(f"filters[{path!r}] must be an int64 id (digits), got {value!r}")
    return text


def _contains(path: str, value: object) -> str:
    text = _string(path, value)
    if len(text) < 3:
        raise InvalidRequestError(
            f"filters[{path!r}] needs at least 3 characters (Telnyx rule), got {value!r}"
        )
    return text


def _timestamp(path: str, value: object) -> str:
    if isinstance(value, datetime):
        return format_timestamp(aware_utc(value, f"filters[{path!r}]"))
    text = _string(path, value)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequestError(
            f"filters[{path!r}] must be an aware datetime or an ISO 8601 string such as "
            f"2019-03-29T11:10:00Z, got {value!r}"
        ) from None
    return format_timestamp(aware_utc(parsed, f"filters[{path!r}]"))


# Leaf checkers by path; a path of two parts is a nested deepObject key.
_FILTERS: Final[Mapping[tuple[str, ...], Any]] = {
    ("application_name", "contains"): _contains,
    ("outbound.outbound_voice_profile_id",): _profile_id,
    ("leg_id",): _uuid,
    ("application_session_id",): _uuid,
    ("connection_id",): _string,
    ("product",): _enum(PRODUCTS),
    ("failed",): _bool,
    ("from",): _string,
    ("to",): _string,
    ("name",): _string,
    ("type",): _enum(EVENT_TYPES),
    **{("occurred_at", op): _timestamp for op in OCCURRED_AT_OPS},
    ("status",): _enum(NATIVE_STATUSES),
}
_BRACKETS = re.compile(r"\[([^\[\]]+)\]")


def _known_filters() -> str:
    return ", ".join("[".join(p) + "]" * (len(p) - 1) for p in _FILTERS)


def _split_key(key: str) -> tuple[str, ...]:
    """``"filter[occurred_at][gte]"`` / ``"occurred_at[gte]"`` / ``"name"`` to a path."""
    if key.startswith("filter["):
        parts = tuple(_BRACKETS.findall(key))
        if "".join(f"[{p}]" for p in parts) != key[len("filter") :]:
            raise InvalidRequestError(f"filters key {key!r} is not valid deepObject syntax")
        return parts
    head, bracket, rest = key.partition("[")
    if not bracket:
        return (key,)
    parts = (head, *_BRACKETS.findall("[" + rest))
    if head + "".join(f"[{p}]" for p in parts[1:]) != key:
        raise InvalidRequestError(f"filters key {key!r} is not valid deepObject syntax")
    return parts


def flatten_filters(filters: Mapping[str, Any]) -> dict[tuple[str, ...], str]:
    """Validate ``filters=`` and flatten it to ``{path: value}``.

    Accepts nested mappings (``{"occurred_at": {"gte": dt}}``) and bracket keys
    (``{"occurred_at[gte]": dt}`` or ``{"filter[occurred_at][gte]": dt}``).
    """
    flat: dict[tuple[str, ...], str] = {}

    def walk(prefix: tuple[str, ...], value: object) -> None:
        if isinstance(value, Mapping):
            if not value:
                raise InvalidRequestError(f"filters[{'.'.join(prefix)!r}] is an empty mapping")
            for sub_key, sub_value in value.items():
                if not isinstance(sub_key, str):
                    raise InvalidRequestError(f"filters keys must be strings, got {sub_key!r}")
                walk((*prefix, *_split_key(sub_key)), sub_value)
            return
        check = _FILTERS.get(prefix)
        if check is None:
            raise UnsupportedFilterError(
                f"telnyx has no filter {'filter[' + ']['.join(prefix) + ']'!r}; "
                f"documented filters: {_known_filters()}",
                provider=PROVIDER,
                filter="[".join(prefix) + "]" * (len(prefix) - 1),
            )
        if prefix in flat:
            raise InvalidRequestError(f"filter {'.'.join(prefix)!r} is given twice")
        flat[prefix] = check("[".join(prefix) + "]" * (len(prefix) - 1), value)

    for key, value in filters.items():
        if not isinstance(key, str):
            raise InvalidRequestError(f"filters keys must be strings, got {key!r}")
        walk(_split_key(key), value)
    return flat


def build_list_params(query: ListQuery) -> list[tuple[str, str]]:
    """The query string of a list request, without ``page[number]`` (the pager adds it).

    Raises :class:`UnsupportedFilterError` for what Telnyx cannot filter on.
    """
    for argument in ("created_after", "created_before"):
        if getattr(query, argument) is not None:
            raise UnsupportedFilterError(
                f"telnyx cannot filter conferences by {argument}; the API has no such filter "
                "(confclient never filters on the client)",
                provider=PROVIDER,
                filter=argument,
            )
    page_size = page_size_for(query.page_size, query.limit, MAX_PAGE_SIZE, PROVIDER)
    flat = flatten_filters(query.filters) if query.filters else {}
    if query.name is not None:
        if ("name",) in flat and flat[("name",)] != query.name:
            raise InvalidRequestError("name= and filters['name'] disagree; give one of them")
        flat[("name",)] = query.name
    if query.status is not None:
        native = STATUS_TO_NATIVE.get(query.status)
        if native is None:
            allowed = ", ".join(s.value for s in STATUS_TO_NATIVE)
            raise UnsupportedFilterError(
                f"telnyx has no status {query.status.value!r}; it can filter on: {allowed}",
                provider=PROVIDER,
                filter="status",
            )
        if ("status",) in flat and flat[("status",)] != native:
            raise InvalidRequestError("status= and filters['status'] disagree; give one of them")
        flat[("status",)] = native
    params: list[tuple[str, str]] = []
    if query.region is not None:
        params.append(("region", canonical_region(query.region)))
    for path, value in flat.items():
        params.append(("filter" + "".join(f"[{p}]" for p in path), value))
    params.append(("page[size]", str(page_size)))
    return params


# -- saved queries (resume tokens) --------------------------------------------------------


def check_saved_query(pairs: object) -> list[tuple[str, str]]:
    """The query a resume token saved, checked field by field as :func:`build_list_params`
    would have made it; :class:`InvalidRequestError` for anything else (a forged or damaged
    token), before any request.
    """

    def damaged(why: str) -> InvalidRequestError:
        return InvalidRequestError(f"resume_token is damaged: {why}")

    if not isinstance(pairs, list):
        raise damaged("its query is not a list")
    checked: list[tuple[str, str]] = []
    for pair in pairs:
        if not (
            isinstance(pair, list) and len(pair) == 2 and type(pair[0]) is type(pair[1]) is str
        ):
            raise damaged("a query parameter is not a [name, value] pair of strings")
        key, value = pair
        if has_control_character(key) or has_control_character(value):
            raise damaged(f"query parameter {key[:40]!r} holds a control character")
        if key == "region":
            if value not in REGIONS:
                raise damaged(f"region {value[:40]!r} is not a telnyx data region")
        elif key == "page[size]":
            if not _DIGITS.match(value) or not 1 <= int(value) <= MAX_PAGE_SIZE:
                raise damaged(f"page[size] must be 1..{MAX_PAGE_SIZE}, got {value[:40]!r}")
        elif key.startswith("filter["):
            _check_saved_filter(key, value, damaged)
        else:
            raise damaged(f"{key[:40]!r} is not a parameter of a telnyx listing")
        checked.append((key, value))
    keys = [key for key, _ in checked]
    if len(set(keys)) != len(keys):
        raise damaged("a query parameter is given twice")
    if "page[size]" not in keys:
        raise damaged("it has no page[size]")
    return checked


def _check_saved_filter(key: str, value: str, damaged: Any) -> None:
    try:
        path = _split_key(key)
    except InvalidRequestError:
        raise damaged(f"{key[:40]!r} is not a filter") from None
    check = _FILTERS.get(path)
    if check is None:
        raise damaged(f"{key[:40]!r} is not a telnyx filter")
    shown = "[".join(path) + "]" * (len(path) - 1)
    try:
        # What build_list_params wrote: the checker's own output (booleans as true/false).
        check(shown, {"true": True, "false": False}[value] if check is _bool else value)
    except (InvalidRequestError, KeyError):
        raise damaged(f"{key[:40]!r} has the invalid value {value[:40]!r}") from None
