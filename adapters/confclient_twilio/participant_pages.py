"""Twilio participant summaries: the query and the page parser, as pure functions.

``GET /v1/Conferences/{ConferenceSid}/Participants`` pages by cursor exactly as the conference
list does (``meta.next_page_url``, ``PageSize`` up to 1,000): a listing's cursor is the page
URL's path and query, which the service checks is on its origin and on this conference's
participant resource.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from confclient import InvalidRequestError, Participant, UnsupportedFilterError
from confclient.adapter import (
    ParticipantQuery,
    RawPage,
    check_text,
    page_size_for,
)

from .pages import PAGING_PARAMS, check_same_query, parse_list_page
from .params import MAX_PAGE_SIZE, check_conference_sid, check_saved_query
from .participant_records import PARTICIPANTS, decode_typed
from .records import PROVIDER

__all__ = [
    "FILTERS",
    "build_participant_params",
    "check_participant_sid",
    "check_resumed_participants",
    "check_saved_participant_query",
    "parse_participant_page",
    "participant_path",
]

#: What ``filters=`` takes (the documented query parameters with no neutral argument).
FILTERS: Final = ("ParticipantSid", "Events")
_PARTICIPANT_SID = re.compile(r"^CP[0-9a-fA-F]{32}$")


def check_participant_sid(value: object, argument: str = "participant_id") -> str:
    """``CP`` + 32 hex digits, or :class:`InvalidRequestError`."""
    if not isinstance(value, str) or not _PARTICIPANT_SID.match(value):
        raise InvalidRequestError(
            f"{argument} must be a Twilio participant SID (CP + 32 hex digits), got {value!r:.80}"
        )
    return value


def build_participant_params(query: ParticipantQuery) -> list[tuple[str, str]]:
    """The query string of a participant listing's first page.

    ``muted`` / ``on_hold`` raise :class:`UnsupportedFilterError`: a summary's ``Events=mute``
    means "had a mute event", not "is muted".
    """
    for argument in ("muted", "on_hold"):
        if getattr(query, argument) is not None:
            raise UnsupportedFilterError(
                f"twilio cannot filter participant summaries by {argument} (Events=mute means "
                "'had a mute event', not 'is muted'; confclient never filters on the client)",
                provider=PROVIDER,
                filter=argument,
            )
    page_size = page_size_for(query.page_size, query.limit, MAX_PAGE_SIZE, PROVIDER)
    params: list[tuple[str, str]] = []
    if query.label is not None:
        params.append(("Label", query.label))
    for key, value in query.filters.items():
        if key == "ParticipantSid":
            params.append((key, check_participant_sid(value, "filters['ParticipantSid']")))
        elif key == "Events":
            if not isinstance(value, str) or not value:
                raise InvalidRequestError(
                    f"filters['Events'] must be a non-empty string, got {value!r:.80}"
                )
            params.append((key, check_text(value, "filters['Events']")))
        elif key == "Label":
            raise InvalidRequestError("pass Label as the label= argument, not in filters=")
        elif key in PAGING_PARAMS:
            raise InvalidRequestError(f"pass {key} as page_size= / resume_token=, not filters=")
        else:
            raise UnsupportedFilterError(
                f"twilio has no participant filter {key!r}; filters= takes: {', '.join(FILTERS)}",
                provider=PROVIDER,
                filter=str(key),
            )
    params.append(("PageSize", str(page_size)))
    return params


def check_saved_participant_query(pairs: Sequence[tuple[str, str]]) -> None:
    """The query of a page URL a resume token saved, checked field by field;
    :class:`InvalidRequestError` for anything else (a forged or damaged token)."""
    check_saved_query(pairs, _participant_filter_problem)


def _participant_filter_problem(name: str, value: str) -> str | None:
    if name == "ParticipantSid" and not _PARTICIPANT_SID.match(value):
        return f"ParticipantSid {value[:40]!r} is not a participant SID"
    return None


def check_resumed_participants(saved: Mapping[str, str], query: ParticipantQuery) -> None:
    """Filters given with a resume token must be those its page URL was made with."""
    if query.has_filters or query.page_size is not None:
        check_same_query(saved, build_participant_params(query), query.page_size)


def participant_path(conference_sid: str) -> tuple[str, str, str]:
    """The path segments of a conference's participant list (under the API root)."""
    return ("Conferences", check_conference_sid(conference_sid, "conference"), "Participants")


def parse_participant_page(
    status: int,
    headers: Mapping[str, Any],
    data: object,
    text: str,
    *,
    next_cursor: Callable[[str], str],
    method: str | None = None,
    url: str | None = None,
) -> RawPage[Participant]:
    """A participant list answer: its records (decoded once the next page is on its way)
    and the next page's cursor, made by ``next_cursor(next_page_url)`` (which refuses a URL
    off the origin or the resource); or the mapped error."""
    return parse_list_page(
        PARTICIPANTS,
        decode_typed,
        "participants",
        status,
        headers,
        data,
        text,
        next_cursor=next_cursor,
        method=method,
        url=url,
    )
