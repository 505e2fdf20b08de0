"""Telnyx participant listings: the query, the cursor and the page parser, as pure functions.

``GET /conferences/{conference_id}/participants`` pages by number exactly as the conference
list does (``page[number]``, ``page[size]`` up to 250, ``meta.total_pages``), so the pager
fetches the pages after the first concurrently. A cursor is ``{"c": conference id, "q":
[[name, value], ...], "n": page number}``; the query holds ``region`` when the conference's
data region is known (else the service finds it, as ``get`` finds a conference).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any, Final

from confclient import InvalidRequestError, Participant, UnsupportedFilterError
from confclient.adapter import ParticipantQuery, RawPage, page_size_for

from .pages import DEFAULT_PAGE_SIZE, deferred_items, numbered_page
from .params import MAX_PAGE_NUMBER, MAX_PAGE_SIZE, REGIONS, canonical_region
from .participant_records import PARTICIPANTS, decode_typed
from .records import PROVIDER, parse_error

__all__ = [
    "FILTERS",
    "build_participant_params",
    "check_conference_id",
    "check_participant_cursor",
    "check_resumed_participants",
    "first_participant_cursor",
    "parse_participant_page",
    "participant_page_cursor",
    "participant_page_params",
]

#: The participant filters Telnyx documents (``filter[...]``, booleans).
FILTERS: Final = ("muted", "on_hold", "whispering")
_FILTER_KEY = re.compile(r"^(?:filter\[)?(muted|on_hold|whispering)\]?$")
_DIGITS = re.compile(r"^[0-9]{1,3}$")

Cursor = dict[str, Any]


def check_conference_id(value: str) -> str:
    """A Telnyx conference id is a UUID (its canonical lower-case text is sent)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidRequestError(
            f"conference must be a Telnyx conference id (a UUID), got {value[:80]!r}"
        ) from None


def _filter_name(key: object) -> str:
    match = _FILTER_KEY.match(key) if isinstance(key, str) else None
    if match is None or (isinstance(key, str) and key.startswith("filter[") != key.endswith("]")):
        raise UnsupportedFilterError(
            f"telnyx has no participant filter {key!r}; filters= takes: {', '.join(FILTERS)}",
            provider=PROVIDER,
            filter=str(key),
        )
    return match.group(1)


def build_participant_params(query: ParticipantQuery) -> list[tuple[str, str]]:
    """The query string of a participant listing, without ``region`` and ``page[number]``.

    ``label`` raises :class:`UnsupportedFilterError`: Telnyx cannot filter on it.
    """
    if query.label is not None:
        raise UnsupportedFilterError(
            "telnyx cannot filter participants by label; the API has no such filter "
            "(confclient never filters on the client)",
            provider=PROVIDER,
            filter="label",
        )
    page_size = page_size_for(query.page_size, query.limit, MAX_PAGE_SIZE, PROVIDER)
    flags: dict[str, bool] = {}
    for key, value in query.filters.items():
        name = _filter_name(key)
        if not isinstance(value, bool):
            raise InvalidRequestError(f"filters[{key!r}] must be True or False, got {value!r}")
        if name in flags:
            raise InvalidRequestError(f"filter {name!r} is given twice")
        flags[name] = value
    for name, value in (("muted", query.muted), ("on_hold", query.on_hold)):
        if value is None:
            continue
        if name in flags and flags[name] != value:
            raise InvalidRequestError(f"{name}= and filters[{name!r}] disagree; give one of them")
        flags[name] = value
    params: list[tuple[str, str]] = []
    for name in FILTERS:
        if name in flags:
            params.append((f"filter[{name}]", "true" if flags[name] else "false"))
    params.append(("page[size]", str(page_size)))
    return params


def first_participant_cursor(
    conference_id: str, query: ParticipantQuery, region: str | None
) -> Cursor:
    """The cursor of a new participant listing's first page (``region``: where to look
    first, ``None``: the service's default region)."""
    params = build_participant_params(query)
    return {
        "c": check_conference_id(conference_id),
        "r": None if region is None else canonical_region(region),
        "q": [list(p) for p in params],
        "n": 1,
    }


def participant_page_cursor(cursor: Cursor, number: int, region: str | None) -> Cursor:
    """The cursor of page ``number`` of the listing ``cursor`` belongs to, in ``region``
    (where the conference was found)."""
    return {"c": cursor["c"], "r": region, "q": cursor["q"], "n": number}


def check_participant_cursor(cursor: object) -> tuple[str, list[tuple[str, str]]]:
    """The conference and saved query of a cursor (from a caller's resume token), checked
    field by field (its region too); :class:`InvalidRequestError` for anything else."""

    def damaged(why: str) -> InvalidRequestError:
        return InvalidRequestError(f"resume_token is damaged: {why}")

    if not (
        isinstance(cursor, dict)
        and cursor.keys() == {"c", "r", "q", "n"}
        and type(cursor["c"]) is str
        and (cursor["r"] is None or cursor["r"] in REGIONS)
        and type(cursor["n"]) is int
        and 1 <= cursor["n"] <= MAX_PAGE_NUMBER
        and isinstance(cursor["q"], list)
    ):
        raise damaged("not a telnyx participant listing position")
    try:
        conference_id = check_conference_id(cursor["c"])
    except InvalidRequestError:
        raise damaged("its conference is not a telnyx conference id") from None
    checked: list[tuple[str, str]] = []
    for pair in cursor["q"]:
        if not (isinstance(pair, list) and len(pair) == 2 and all(type(p) is str for p in pair)):
            raise damaged("a query parameter is not a [name, value] pair of strings")
        key, value = pair
        if key == "page[size]":
            ok = bool(_DIGITS.match(value)) and 1 <= int(value) <= MAX_PAGE_SIZE
        else:
            ok = key in {f"filter[{name}]" for name in FILTERS} and value in ("true", "false")
        if not ok:
            raise damaged(f"{key[:40]!r}={value[:40]!r} is not a parameter it could hold")
        checked.append((key, value))
    keys = [key for key, _ in checked]
    if len(set(keys)) != len(keys) or "page[size]" not in keys:
        raise damaged("its query is not one a participant listing makes")
    return conference_id, checked


def check_resumed_participants(cursor: Cursor, conference_id: str, query: ParticipantQuery) -> None:
    """A resume token continues a listing of the same conference, and filters given with it
    are those it was made with."""
    saved_conference, saved = check_participant_cursor(cursor)
    if saved_conference != check_conference_id(conference_id):
        raise InvalidRequestError(
            f"resume_token continues the participants of another conference ({saved_conference!r})"
        )
    if not (query.has_filters or query.page_size is not None):
        return
    given = build_participant_params(query)
    kept = saved
    if query.page_size is None:
        given = [p for p in given if p[0] != "page[size]"]
        kept = [p for p in kept if p[0] != "page[size]"]
    if sorted(given) != sorted(kept):
        raise InvalidRequestError(
            "resume_token was made for another query; pass only resume_token "
            "(and limit), or the same filters it was made with"
        )


def participant_page_params(cursor: Cursor, region: str) -> list[tuple[str, str]]:
    """The query string of the request for the page ``cursor`` names, asked in ``region``."""
    _, saved = check_participant_cursor(cursor)
    return [("region", canonical_region(region)), *saved, ("page[number]", str(cursor["n"]))]


def parse_participant_page(
    status: int,
    headers: Mapping[str, Any],
    data: object,
    text: str,
    cursor: Cursor,
    *,
    region: str,
    method: str | None = None,
    url: str | None = None,
) -> RawPage[Participant]:
    """The answer to the request for page ``cursor`` (asked in ``region``): its records,
    decoded once the following pages are requested, the next cursor (in ``region``) and
    the totals; or the mapped error (a conference that region does not have:
    :class:`NotFoundError`)."""
    if not 200 <= status < 300:
        raise parse_error(status, headers, data, text, method=method, url=url)
    items, meta = deferred_items(PARTICIPANTS, decode_typed, status, headers, data, text, region)
    return numbered_page(
        items,
        meta,
        cursor["n"],
        int(dict(cursor["q"]).get("page[size]", DEFAULT_PAGE_SIZE)),
        lambda number: participant_page_cursor(cursor, number, region),
    )
