"""Validation of ``GET /v1/Conferences`` queries, and the opaque page tokens, as Twilio does it.

Every documented filter is applied: ``ConferenceSid``, ``FriendlyName`` (exact,
case-sensitive), ``Status``, ``CreatedAfter`` (inclusive) and ``CreatedBefore`` (exclusive),
both ISO 8601 and compared with ``create_time`` (a value without an offset is UTC),
``MixerRegion``, ``Tags`` (comma-separated; a record must carry all of them), ``Subaccount``
(records owned by that account; an account the sandbox does not know owns none),
``DetectedIssues`` (comma-separated ``call_quality`` / ``region_configuration`` /
``participant_behavior``; each must have a non-zero count) and ``EndReason``. ``PageSize`` is
1..1000 (default 50); ``Page`` is the 0-based page index, which only labels the page: the
opaque ``PageToken`` (``PA`` + unpadded URL-safe base64 of ``offset=N``) says where it starts,
and is required when ``Page`` > 0. Unknown parameters are ignored; a known one given twice is
refused, except ``Tags`` and ``DetectedIssues``, whose lists are joined. Only the first bad
parameter, in the order above, is reported.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import attrs

from confclient.adapter import QueryParams

from .data import (
    TWILIO_DETECTED_ISSUES,
    TWILIO_END_REASONS,
    TWILIO_MIXER_REGIONS,
    TWILIO_STATUSES,
    TWILIO_TAGS,
    TwilioRow,
)

__all__ = [
    "CONFERENCE_SID_RE",
    "FILTER_NAMES",
    "PAGE_MAX",
    "PAGE_SIZE_DEFAULT",
    "PAGE_SIZE_MAX",
    "TwilioListQuery",
    "decode_page_token",
    "encode_page_token",
    "parse_twilio_list_query",
]

PAGE_SIZE_DEFAULT: Final = 50
PAGE_SIZE_MAX: Final = 1000
# The sandbox's own limits, keeping page numbers and offsets plain 32/48-bit integers.
PAGE_MAX: Final = 2**31 - 1
_OFFSET_MAX: Final = 2**48

CONFERENCE_SID_RE: Final = re.compile(r"CF[0-9a-fA-F]{32}")
_ACCOUNT_SID_RE: Final = re.compile(r"AC[0-9a-fA-F]{32}")
_DIGITS_RE: Final = re.compile(r"[0-9]{1,12}")
_TOKEN_PREFIX: Final = "PA"
_TOKEN_PAYLOAD_RE: Final = re.compile(r"offset=([0-9]{1,15})")
_UTC_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)

# The filters in the order they are validated and echoed into the meta URLs.
FILTER_NAMES: Final = (
    "ConferenceSid",
    "FriendlyName",
    "Status",
    "CreatedAfter",
    "CreatedBefore",
    "MixerRegion",
    "Tags",
    "Subaccount",
    "DetectedIssues",
    "EndReason",
)
_LIST_PARAMS: Final = frozenset({"Tags", "DetectedIssues"})
_KNOWN_PARAMS: Final = frozenset({*FILTER_NAMES, "PageSize", "Page", "PageToken"})


def encode_page_token(offset: int) -> str:
    """The opaque ``PageToken`` of the page starting at ``offset`` in the filtered listing."""
    payload = base64.urlsafe_b64encode(f"offset={offset}".encode()).rstrip(b"=").decode()
    return _TOKEN_PREFIX + payload


def decode_page_token(token: str) -> int | None:
    """The offset a token from :func:`encode_page_token` stands for, or ``None`` if invalid."""
    if not token.startswith(_TOKEN_PREFIX) or len(token) > 64:
        return None
    payload = token[len(_TOKEN_PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        return None
    match = _TOKEN_PAYLOAD_RE.fullmatch(raw.decode("ascii", "replace"))
    if match is None or encode_page_token(int(match[1])) != token:
        return None
    offset = int(match[1])
    return offset if offset <= _OFFSET_MAX else None


class _BadParameter(Exception):
    def __init__(self, name: str, value: str, reason: str) -> None:
        shown = value if len(value) <= 64 else value[:61] + "..."
        super().__init__(f"Invalid {name}: {shown} ({reason})")


@attrs.frozen
class TwilioListQuery:
    """A validated ``GET /v1/Conferences`` query."""

    conference_sid: str | None = None
    friendly_name: str | None = None
    status: str | None = None
    created_after_us: int | None = None
    """``CreatedAfter`` in microseconds since the Unix epoch (inclusive bound)."""
    created_before_us: int | None = None
    """``CreatedBefore`` in microseconds since the Unix epoch (exclusive bound)."""
    mixer_region: str | None = None
    tags: frozenset[str] = frozenset()
    subaccount: str | None = None
    detected_issues: frozenset[str] = frozenset()
    end_reason: str | None = None
    page_size: int = PAGE_SIZE_DEFAULT
    page: int = 0
    offset: int = 0
    echo: tuple[tuple[str, str], ...] = ()
    """The filters as given (name, value), in :data:`FILTER_NAMES` order, for the meta URLs."""

    def view_key(self) -> tuple[object, ...]:
        """What selects the records (everything but the paging)."""
        return (
            self.conference_sid,
            self.friendly_name,
            self.status,
            self.created_after_us,
            self.created_before_us,
            self.mixer_region,
            self.tags,
            self.subaccount,
            self.detected_issues,
            self.end_reason,
        )

    def matches(self, row: TwilioRow) -> bool:
        """Whether ``row`` passes every filter."""
        return (
            (self.conference_sid is None or row.sid == self.conference_sid)
            and (self.friendly_name is None or row.friendly_name == self.friendly_name)
            and (self.status is None or row.status == self.status)
            and (self.created_after_us is None or row.create_ms * 1000 >= self.created_after_us)
            and (self.created_before_us is None or row.create_ms * 1000 < self.created_before_us)
            and (self.mixer_region is None or row.mixer_region == self.mixer_region)
            and self.tags <= row.tags
            and (self.subaccount is None or row.account_sid == self.subaccount)
            and self.detected_issues <= row.issues
            and (self.end_reason is None or row.end_reason == self.end_reason)
        )


def _enum(name: str, value: str, values: tuple[str, ...]) -> str:
    if value not in values:
        raise _BadParameter(name, value, f"must be one of {', '.join(values)}")
    return value


def _names(name: str, value: str, values: tuple[str, ...]) -> frozenset[str]:
    items = [item.strip() for item in value.split(",")]
    for item in items:
        if item not in values:
            raise _BadParameter(name, value, f"each value must be one of {', '.join(values)}")
    return frozenset(items)


def _timestamp_us(name: str, value: str) -> int:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _BadParameter(name, value, "must be an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _UTC_EPOCH) // _MICROSECOND


def _integer(name: str, value: str, minimum: int, maximum: int) -> int:
    if not _DIGITS_RE.fullmatch(value) or not minimum <= int(value) <= maximum:
        raise _BadParameter(name, value, f"must be an integer from {minimum} to {maximum}")
    return int(value)


def _values(query: QueryParams) -> dict[str, str]:
    values: dict[str, str] = {}
    for key in dict.fromkeys(query.keys()):
        if key not in _KNOWN_PARAMS:
            continue
        given = query.getall(key)
        if key in _LIST_PARAMS:
            values[key] = ",".join(given)
        elif len(given) > 1:
            raise _BadParameter(key, given[-1], "must be given at most once")
        else:
            values[key] = given[0]
    return values


def _parse(query: QueryParams) -> TwilioListQuery:
    values = _values(query)
    fields: dict[str, Any] = {}
    sid = values.get("ConferenceSid")
    if sid is not None:
        if not CONFERENCE_SID_RE.fullmatch(sid):
            raise _BadParameter("ConferenceSid", sid, "must match ^CF[0-9a-fA-F]{32}$")
        fields["conference_sid"] = "CF" + sid[2:].lower()
    if "FriendlyName" in values:
        fields["friendly_name"] = values["FriendlyName"]
    if "Status" in values:
        fields["status"] = _enum("Status", values["Status"], TWILIO_STATUSES)
    if "CreatedAfter" in values:
        fields["created_after_us"] = _timestamp_us("CreatedAfter", values["CreatedAfter"])
    if "CreatedBefore" in values:
        fields["created_before_us"] = _timestamp_us("CreatedBefore", values["CreatedBefore"])
    if "MixerRegion" in values:
        fields["mixer_region"] = _enum("MixerRegion", values["MixerRegion"], TWILIO_MIXER_REGIONS)
    if "Tags" in values:
        fields["tags"] = _names("Tags", values["Tags"], TWILIO_TAGS)
    subaccount = values.get("Subaccount")
    if subaccount is not None:
        if not _ACCOUNT_SID_RE.fullmatch(subaccount):
            raise _BadParameter("Subaccount", subaccount, "must match ^AC[0-9a-fA-F]{32}$")
        fields["subaccount"] = "AC" + subaccount[2:].lower()
    if "DetectedIssues" in values:
        fields["detected_issues"] = _names(
            "DetectedIssues", values["DetectedIssues"], TWILIO_DETECTED_ISSUES
        )
    if "EndReason" in values:
        fields["end_reason"] = _enum("EndReason", values["EndReason"], TWILIO_END_REASONS)
    page_size = PAGE_SIZE_DEFAULT
    if "PageSize" in values:
        page_size = _integer("PageSize", values["PageSize"], 1, PAGE_SIZE_MAX)
    page = _integer("Page", values["Page"], 0, PAGE_MAX) if "Page" in values else 0
    offset = 0
    token = values.get("PageToken")
    if token is not None:
        decoded = decode_page_token(token)
        if decoded is None:
            raise _BadParameter("PageToken", token, "not a page token this API issued")
        offset = decoded
    elif page > 0:
        raise _BadParameter("Page", str(page), "a PageToken is required when Page > 0")
    echo = tuple((name, values[name]) for name in FILTER_NAMES if name in values)
    return TwilioListQuery(page_size=page_size, page=page, offset=offset, echo=echo, **fields)


def parse_twilio_list_query(query: QueryParams) -> TwilioListQuery | str:
    """Validate a ``GET /v1/Conferences`` query: the parsed query, or the 400 error message."""
    try:
        return _parse(query)
    except _BadParameter as exc:
        return str(exc)
