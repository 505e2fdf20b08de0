"""The participant summaries of the Twilio emulator's conferences, and their two routes.

- ``GET /v1/Conferences/{ConferenceSid}/Participants``: ``Label`` (exact), ``ParticipantSid``
  and ``Events`` (the summary had that event, e.g. ``mute``) are applied; ``PageSize``
  (1..1000, default 50), ``Page`` and ``PageToken`` page as the conference list does, and the
  ``meta`` URLs are built the same way (key ``participants``). An unknown conference is a 404.
- ``GET /v1/Conferences/{ConferenceSid}/Participants/{ParticipantSid}``: one summary.

Summaries are generated on first request, per conference, from the seed and the SID (a few
recent conferences are kept). Every conference has from none to 40; in each mixer region the
second, third and fourth conferences in list order have 1,503, 601 and
none (:data:`FIXED_PARTICIPANTS`),
and ``counts`` (``sb.twilio_participant_counts``) sets any conference's number by SID.

The summaries of a conference the sandbox plays (``sb.simulate_conference``) are not
generated: the play puts each one as its callbacks say (:meth:`ParticipantTables.put`), and
they are kept for the sandbox's life.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from typing import Final, NamedTuple

from confclient.adapter import (
    EPOCH_MS,
    FIXED_PARTICIPANTS,
    QueryParams,
    iso_ms,
    participant_count,
    paused_gc,
    seeded_rng,
)

from .data import CANONICAL_ORIGIN, TwilioRow
from .query import PAGE_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, decode_page_token

__all__ = [
    "ParticipantQuery",
    "ParticipantTables",
    "TwilioParticipantRow",
    "generate_participants",
    "parse_participant_query",
]

_KEPT: Final = 8
_PARTICIPANT_SID_RE: Final = re.compile(r"CP[0-9a-fA-F]{32}")
_STATUSES: Final = (
    ("completed", 0.85),
    ("answered", 0.9),
    ("ringing", 0.92),
    ("noanswer", 0.95),
    ("busy", 0.97),
    ("fail", 0.99),
    ("canceled", 1.0),
)


class TwilioParticipantRow(NamedTuple):
    """One summary: what the route filters on, and its JSON bytes (canonical origin)."""

    sid: str
    label: str
    events: frozenset[str]
    body: bytes


def generate_participants(
    seed: int, conference: TwilioRow, count: int
) -> list[TwilioParticipantRow]:
    """``count`` summaries of one conference, in the order they joined (none still in the
    call once the conference has ended)."""
    with paused_gc():
        rng = seeded_rng(seed, "twilio", "participants", conference.sid)
        random_, bits = rng.random, rng.getrandbits
        region = conference.mixer_region
        start = min(conference.create_ms, EPOCH_MS)
        ended = conference.status in ("completed", "summary_timeout")
        rows: list[TwilioParticipantRow] = []
        for index in range(count):
            sid = f"CP{bits(128):032x}"
            label = f"caller-{index + 1}"
            roll = random_()
            status = next(name for name, edge in _STATUSES if roll < edge)
            if ended and status in ("answered", "ringing"):
                status = "completed"
            joined = start + index * 1_000 + int(random_() * 1_000)
            # Up to an hour, and nobody leaves after the sandbox's "now".
            span = min(3_600, max(0, (EPOCH_MS - joined) // 1000))
            seconds = int(random_() * span) if status in ("completed", "answered") else 0
            still_in = status in ("answered", "ringing")
            left = "null" if still_in else f'"{iso_ms(joined + seconds * 1000)}"'
            events: list[str] = []
            if random_() < 0.2:
                events.append("mute")
            if random_() < 0.1:
                events.append("hold")
            events_json = ",".join(f'"{e}":[{{"timestamp":"{iso_ms(joined)}"}}]' for e in events)
            direction = "inbound" if random_() < 0.7 else "outbound"
            number = f"+1555{bits(24) % 10_000_000:07d}"
            url = f"{CANONICAL_ORIGIN}/v1/Conferences/{conference.sid}/Participants/{sid}"
            body = (
                f'{{"participant_sid":"{sid}","label":"{label}",'
                f'"conference_sid":"{conference.sid}","call_sid":"CA{bits(128):032x}",'
                f'"account_sid":"{conference.account_sid}","call_direction":"{direction}",'
                f'"from":"{number}","to":"+15550000000","call_status":"{status}",'
                f'"country_code":"US","is_moderator":{"true" if index == 0 else "false"},'
                f'"join_time":"{iso_ms(joined)}","leave_time":{left},'
                f'"duration_seconds":{seconds},"outbound_queue_length":0,'
                f'"outbound_time_in_queue":0,"jitter_buffer_size":"small",'
                f'"is_coach":false,"coached_participants":null,'
                f'"participant_region":"{region}","conference_region":"{region}",'
                f'"call_type":"carrier","processing_state":"complete","properties":{{}},'
                f'"events":{{{events_json}}},"metrics":{{}},"url":"{url}"}}'
            ).encode()
            rows.append(TwilioParticipantRow(sid, label, frozenset(events), body))
        return rows


class ParticipantQuery(NamedTuple):
    """A validated participant list query."""

    label: str | None
    participant_sid: str | None
    events: str | None
    page_size: int
    page: int
    offset: int
    echo: tuple[tuple[str, str], ...]


def parse_participant_query(query: QueryParams) -> ParticipantQuery | str:
    """Validate a participant list query: the parsed query, or the 400 error message."""
    values: dict[str, str] = {}
    present = set(query.keys())
    for key in ("Label", "ParticipantSid", "Events", "PageSize", "Page", "PageToken"):
        given = query.getall(key) if key in present else []
        if len(given) > 1:
            return f"Invalid {key}: {given[-1][:64]} (must be given at most once)"
        if given:
            values[key] = given[0]
    sid = values.get("ParticipantSid")
    if sid is not None and not _PARTICIPANT_SID_RE.fullmatch(sid):
        return f"Invalid ParticipantSid: {sid[:64]} (must match ^CP[0-9a-fA-F]{{32}}$)"
    size = values.get("PageSize", str(PAGE_SIZE_DEFAULT))
    if not size.isdigit() or not 1 <= int(size) <= PAGE_SIZE_MAX:
        return f"Invalid PageSize: {size[:64]} (must be an integer from 1 to {PAGE_SIZE_MAX})"
    page = values.get("Page", "0")
    if not page.isdigit() or int(page) > PAGE_MAX:
        return f"Invalid Page: {page[:64]} (must be an integer from 0 to {PAGE_MAX})"
    offset = 0
    token = values.get("PageToken")
    if token is not None:
        decoded = decode_page_token(token)
        if decoded is None:
            return f"Invalid PageToken: {token[:64]} (not a page token this API issued)"
        offset = decoded
    elif int(page) > 0:
        return f"Invalid Page: {page} (a PageToken is required when Page > 0)"
    echo = tuple((k, values[k]) for k in ("Label", "ParticipantSid", "Events") if k in values)
    return ParticipantQuery(
        values.get("Label"), sid, values.get("Events"), int(size), int(page), offset, echo
    )


class ParticipantTables:
    """The summaries of the emulator's conferences, generated on first use (``find``: the
    row of a conference SID, or ``None``)."""

    def __init__(self, seed: int, find: Callable[[str], TwilioRow | None]) -> None:
        self._seed = seed
        self._find = find
        self.counts: dict[str, int] = {}
        """Participants per conference SID, where set (``sb.twilio_participant_counts``)."""
        self._cache: OrderedDict[str, list[TwilioParticipantRow]] = OrderedDict()
        self._bodies: dict[str, list[bytes]] = {}
        self._played: dict[str, dict[str, TwilioParticipantRow]] = {}

    def begin(self, conference_sid: str) -> None:
        """Make ``conference_sid`` a played conference: it has no participants until put."""
        self._played.setdefault(conference_sid, {})

    def put(self, conference_sid: str, row: TwilioParticipantRow) -> None:
        """Add or change (by SID) a summary of a played conference; join order is kept."""
        self._played.setdefault(conference_sid, {})[row.sid] = row
        self._bodies.pop(conference_sid, None)

    def make_large(self, rows: list[TwilioRow]) -> None:
        """Give the first conferences of ``rows`` the fixed counts (unless set)."""
        for row, count in zip(rows, FIXED_PARTICIPANTS, strict=False):
            self.counts.setdefault(row.sid, count)

    def rows(self, conference: TwilioRow) -> list[TwilioParticipantRow]:
        """The summaries of a conference, in list order."""
        self._find(conference.sid)  # the large counts are set on first sight of a region
        played = self._played.get(conference.sid)
        if played is not None:
            return list(played.values())
        rows = self._cache.get(conference.sid)
        if rows is None:
            count = self.counts.get(conference.sid)
            if count is None:
                count = participant_count(self._seed, "twilio", conference.sid)
            rows = generate_participants(self._seed, conference, count)
            self._cache[conference.sid] = rows
            if len(self._cache) > _KEPT:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(conference.sid)
        return rows

    def select(self, conference: TwilioRow, query: ParticipantQuery) -> list[bytes]:
        """The bodies ``query`` selects, in list order (without filters, kept: every page
        of a listing asks for the same)."""
        rows = self.rows(conference)
        if query.label is None and query.participant_sid is None and query.events is None:
            bodies = self._bodies.get(conference.sid)
            if bodies is None or len(bodies) != len(rows):
                bodies = self._bodies[conference.sid] = [row.body for row in rows]
                while len(self._bodies) > _KEPT:
                    del self._bodies[next(iter(self._bodies))]
            return bodies
        return [
            row.body
            for row in rows
            if (query.label is None or row.label == query.label)
            and (query.participant_sid is None or row.sid == query.participant_sid)
            and (query.events is None or query.events in row.events)
        ]

    def find(self, conference_sid: str) -> TwilioRow | None:
        return self._find(conference_sid)
