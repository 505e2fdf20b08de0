"""Neutral arguments to the Twilio Insights query; every check happens here, before any
request. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from confclient import (
    ConferenceStatus,
    EndReason,
    InvalidRequestError,
    ListQuery,
    UnsupportedFilterError,
)
from confclient.adapter import has_control_character, page_size_for

__all__ = [
    "END_REASONS",
    "MAX_PAGE_SIZE",
    "MIXER_REGIONS",
    "PARTICIPANT_REGIONS",
    "build_list_params",
    "canonical_region",
    "check_conference_sid",
    "check_saved_query",
    "format_timestamp",
]

PROVIDER: Final = "twilio"
#: The regions a conference can be mixed in, as Voice Insights documents them for the
#: ``MixerRegion`` filter and the summaries' ``mixer_region`` / ``mixer_region_requested``
#: (specs/twilio-insights-list-conferences.md), in that order. A conference's ``region``.
MIXER_REGIONS: Final = ("us1", "au1", "br1", "ie1", "jp1", "sg1", "de1")
#: The regions a participant summary documents (``participant_region`` and
#: ``conference_region``, specs/participants.md): two more than a conference may be mixed in
#: (``us2``, ``in1``). Never a conference's region, so never in ``svc.regions``.
PARTICIPANT_REGIONS: Final = ("us1", "us2", "au1", "br1", "ie1", "jp1", "sg1", "de1", "in1")
MAX_PAGE_SIZE: Final = 1000
END_REASONS: Final = (
    "last_participant_left",
    "conference_ended_via_api",
    "participant_with_end_conference_on_exit_left",
    "last_participant_kicked",
    "participant_with_end_conference_on_exit_kicked",
)
STATUS_TO_NATIVE: Final[Mapping[ConferenceStatus, str]] = {
    ConferenceStatus.NOT_STARTED: "not_started",
    ConferenceStatus.IN_PROGRESS: "in_progress",
    ConferenceStatus.COMPLETED: "completed",
    ConferenceStatus.SUMMARY_TIMEOUT: "summary_timeout",
}
END_REASON_TO_NATIVE: Final[Mapping[EndReason, str]] = {
    EndReason.ALL_LEFT: "last_participant_left",
    EndReason.ENDED_VIA_API: "conference_ended_via_api",
    EndReason.HOST_LEFT: "participant_with_end_conference_on_exit_left",
    EndReason.LAST_PARTICIPANT_KICKED: "last_participant_kicked",
    EndReason.HOST_KICKED: "participant_with_end_conference_on_exit_kicked",
}

_CONFERENCE_SID = re.compile(r"^CF[0-9a-fA-F]{32}$")
_ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")

# Neutral arguments that have a native name: refused in filters= with a pointer to them.
_NEUTRAL_NATIVE = {
    "FriendlyName": "name",
    "Status": "status",
    "MixerRegion": "region",
    "CreatedAfter": "created_after",
    "CreatedBefore": "created_before",
    "PageSize": "page_size",
    "PageToken": "resume_token",
    "Page": "resume_token",
}


def canonical_region(region: object, argument: str = "region") -> str:
    """A documented Twilio mixer region (:data:`MIXER_REGIONS`), matched case-insensitively."""
    if isinstance(region, str) and region.lower() in MIXER_REGIONS:
        return region.lower()
    raise InvalidRequestError(
        f"{argument} must be one of {', '.join(MIXER_REGIONS)} for twilio, got {region!r}"
    )


def check_conference_sid(value: object, argument: str = "conference_sid") -> str:
    """``CF`` + 32 hex digits, or :class:`InvalidRequestError`."""
    if not isinstance(value, str) or not _CONFERENCE_SID.match(value):
        raise InvalidRequestError(
            f"{argument} must be a Twilio conference SID (CF + 32 hex digits), got {value!r:.80}"
        )
    return value


def format_timestamp(value: datetime) -> str:
    """An aware datetime as ISO 8601 UTC with ``Z`` (microseconds kept when present)."""
    value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds" if value.microsecond else "seconds") + "Z"


def _text_list(name: str, value: object) -> str:
    items: Sequence[object]
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",")]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    else:
        raise InvalidRequestError(
            f"filters[{name!r}] must be a list of strings or a comma-separated string, "
            f"got {value!r}"
        )
    if not items or not all(isinstance(i, str) and i and "," not in i for i in items):
        raise InvalidRequestError(
            f"filters[{name!r}] must hold non-empty strings without commas, got {value!r}"
        )
    return ",".join(str(i) for i in items)


def _end_reason(value: object) -> str:
    if isinstance(value, EndReason):
        native = END_REASON_TO_NATIVE.get(value)
        if native is None:
            raise UnsupportedFilterError(
                f"twilio has no end reason matching {value.value!r}; it has: "
                f"{', '.join(e.value for e in END_REASON_TO_NATIVE)}",
                provider=PROVIDER,
                filter="EndReason",
            )
        return native
    if value in END_REASONS:
        return str(value)
    raise InvalidRequestError(
        f"filters['EndReason'] must be an EndReason or one of {', '.join(END_REASONS)}, "
        f"got {value!r}"
    )


def _native_filters(filters: Mapping[str, Any]) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    for key, value in filters.items():
        if key == "ConferenceSid":
            params.append((key, check_conference_sid(value, "filters['ConferenceSid']")))
        elif key == "Tags" or key == "DetectedIssues":
            params.append((key, _text_list(key, value)))
        elif key == "Subaccount":
            if not isinstance(value, str) or not _ACCOUNT_SID.match(value):
                raise InvalidRequestError(
                    f"filters['Subaccount'] must be an account SID (AC + 32 hex digits), "
                    f"got {value!r:.80}"
                )
            params.append((key, value))
        elif key == "EndReason":
            params.append((key, _end_reason(value)))
        elif key in _NEUTRAL_NATIVE:
            raise InvalidRequestError(
                f"pass {key} as the {_NEUTRAL_NATIVE[key]}= argument, not in filters="
            )
        else:
            raise UnsupportedFilterError(
                f"twilio has no filter {key!r}; filters= takes: ConferenceSid, Tags, "
                "Subaccount, DetectedIssues, EndReason",
                provider=PROVIDER,
                filter=str(key),
            )
    return params


_PAGING_NAMES: Final = frozenset({"Page", "PageSize", "PageToken"})
_DIGITS = re.compile(r"^[0-9]{1,10}$")


def check_saved_query(
    pairs: Sequence[tuple[str, str]],
    check_filter: Callable[[str, str], str | None] | None = None,
) -> None:
    """Check the query of a page URL a resume token saved, field by field, as
    :func:`build_list_params` and Twilio's own next-page links make them;
    :class:`InvalidRequestError` for anything else (a forged or damaged token).

    ``check_filter(name, value)`` says what is wrong with a filter's value (``None``:
    nothing); the default checks a conference listing's.
    """

    def damaged(why: str) -> InvalidRequestError:
        return InvalidRequestError(f"resume_token is damaged: {why}")

    check = _conference_filter_problem if check_filter is None else check_filter
    names = [name for name, _ in pairs]
    for name, value in pairs:
        if has_control_character(name) or has_control_character(value):
            raise damaged(f"query parameter {name[:40]!r} holds a control character")
        if name == "PageSize":
            if not _DIGITS.match(value) or not 1 <= int(value) <= MAX_PAGE_SIZE:
                raise damaged(f"PageSize must be 1..{MAX_PAGE_SIZE}, got {value[:40]!r}")
        elif name == "Page":
            if not _DIGITS.match(value):
                raise damaged(f"Page must be a page index, got {value[:40]!r}")
        else:
            problem = check(name, value)
            if problem is None and not value:
                problem = f"query parameter {name[:40]!r} is empty"
            if problem is not None:
                raise damaged(problem)
    repeated = {name for name in names if names.count(name) > 1}
    if repeated:
        raise damaged(f"{', '.join(sorted(repeated))} given more than once")
    if "PageSize" not in names:
        raise damaged("it has no PageSize")


def _conference_filter_problem(name: str, value: str) -> str | None:
    if name == "MixerRegion" and value not in MIXER_REGIONS:
        return f"MixerRegion {value[:40]!r} is not a conference mixer region"
    if name == "ConferenceSid" and not _CONFERENCE_SID.match(value):
        return f"ConferenceSid {value[:40]!r} is not a conference SID"
    if name == "Subaccount" and not _ACCOUNT_SID.match(value):
        return f"Subaccount {value[:40]!r} is not an account SID"
    return None


def build_list_params(query: ListQuery) -> list[tuple[str, str]]:
    """The query string of ``GET /v1/Conferences`` (paging by ``PageSize``; the cursor, the
    provider's ``next_page_url``, carries the rest).
    """
    page_size = page_size_for(query.page_size, query.limit, MAX_PAGE_SIZE, PROVIDER)
    params: list[tuple[str, str]] = []
    if query.name is not None:
        params.append(("FriendlyName", query.name))
    if query.status is not None:
        params.append(("Status", STATUS_TO_NATIVE[query.status]))
    if query.created_after is not None:
        params.append(("CreatedAfter", format_timestamp(query.created_after)))
    if query.created_before is not None:
        params.append(("CreatedBefore", format_timestamp(query.created_before)))
    if query.region is not None:
        params.append(("MixerRegion", canonical_region(query.region)))
    if query.filters:
        params.extend(_native_filters(query.filters))
    params.append(("PageSize", str(page_size)))
    return params
