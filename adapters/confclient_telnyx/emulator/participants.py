"""The participants of the Telnyx emulator's conferences, and their two routes.

- ``GET /v2/conferences/{conference_id}/participants``: the conference must be in the data
  ``region`` asked (default ``US``), else 404 (90058). ``filter[muted]``, ``filter[on_hold]``
  and ``filter[whispering]`` (``true`` / ``false``) are applied; ``page[number]`` /
  ``page[size]`` (1..250, default 20) page as the conference list does. Live and departed
  participants are listed, in the order they joined.
- ``GET /v2/conferences/{id}/participants/{participant_id}``: one participant by id or
  label, in the single-record shape (flat ``conference_id``, a ``label``); no region.

Participants are generated on first request, per conference, from the seed and the
conference id (a few recent conferences are kept): a region of 100,000 conferences costs
nothing more to start. Every conference has from none to 40; in each data region the
second, third and fourth conferences in list order at start have 1,503, 601
and none
(:data:`FIXED_PARTICIPANTS`), and ``counts`` (``sb.telnyx_participant_counts``) sets any
conference's number by id.

The participants of a conference the sandbox plays (``sb.simulate_conference``) are not
generated: the play puts each one as its events say (:meth:`ParticipantTables.put`), and
they are kept for the sandbox's life.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final, NamedTuple

from aiohttp import web

from confclient.adapter import (
    EPOCH_MS,
    FIXED_PARTICIPANTS,
    QueryParams,
    iso_ms,
    json_dumps,
    json_loads,
    json_response,
    participant_count,
    paused_gc,
    seeded_rng,
    uuid4_str,
)

from .errors import (
    CONFERENCE_NOT_FOUND_BODY,
    JSONDict,
    errors_body,
    invalid_error,
    telnyx_error,
)
from .query import PAGE_NUMBER_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, parse_region, single_values

__all__ = ["ParticipantTables", "TelnyxParticipantRow", "generate_participants"]

_FLAGS: Final = ("muted", "on_hold", "whispering")
_KEPT: Final = 8  # conferences whose participants stay generated
_PARTICIPANT_NOT_FOUND: Final = errors_body(
    telnyx_error("90059", "Participant not found", "The requested participant was not found.")
)


class TelnyxParticipantRow(NamedTuple):
    """One participant: what the routes filter and look up on, and its list record."""

    id: str
    label: str
    muted: bool
    on_hold: bool
    whispering: bool
    body: bytes


def generate_participants(
    seed: int,
    conference_id: str,
    conference_name: str,
    count: int,
    start: int = EPOCH_MS,
    ended: bool = False,
) -> list[TelnyxParticipantRow]:
    """``count`` participants of one conference, joining one a second from ``start`` (epoch
    ms, the conference's creation), in that order: 60% joined, 35% left, 5% joining (all
    left once the conference has ``ended``); a fifth muted, a tenth on hold, one in twenty
    whispering to the one before it."""
    with paused_gc():
        rng = seeded_rng(seed, "telnyx", "participants", conference_id)
        random_, bits = rng.random, rng.getrandbits
        conference = json_dumps({"id": conference_id, "name": conference_name}).decode()
        rows: list[TelnyxParticipantRow] = []
        previous = ""
        for index in range(count):
            ident = uuid4_str(bits(128))
            control = f"v3:{bits(160):040x}"
            roll = random_()
            status = "joined" if roll < 0.6 else ("left" if roll < 0.95 else "joining")
            if ended:
                status = "left"
            muted, on_hold = random_() < 0.2, random_() < 0.1
            whispering = bool(previous) and random_() < 0.05
            created = start + index * 1_000 + int(random_() * 1_000)
            # Up to half an hour, and nobody leaves after the sandbox's "now".
            span = min(1_800_000, max(0, EPOCH_MS - created))
            updated = created + (int(random_() * span) if status == "left" else 0)
            whisper = f'"{previous}"' if whispering else ""
            body = (
                f'{{"record_type":"participant","id":"{ident}","call_control_id":"{control}",'
                f'"call_leg_id":"{uuid4_str(bits(128))}","conference":{conference},'
                f'"status":"{status}","muted":{"true" if muted else "false"},'
                f'"on_hold":{"true" if on_hold else "false"},'
                f'"end_conference_on_exit":{"true" if index == 0 else "false"},'
                f'"soft_end_conference_on_exit":false,'
                f'"whisper_call_control_ids":[{whisper}],'
                f'"created_at":"{iso_ms(created)}","updated_at":"{iso_ms(updated)}"}}'
            ).encode()
            rows.append(
                TelnyxParticipantRow(ident, f"caller-{index + 1}", muted, on_hold, whispering, body)
            )
            previous = control
        return rows


def _single_record(row: TelnyxParticipantRow) -> bytes:
    """The single-record shape of a participant (``ConferenceParticipantResource``)."""
    record = json_loads(row.body)
    record.pop("record_type")
    conference = record.pop("conference")
    record["conference_id"] = conference["id"]
    record["label"] = row.label
    return json_dumps(record)


class ParticipantTables:
    """The participants of the emulator's conferences, generated on first use, and the two
    routes serving them. ``find(region, id)`` gives a conference's JSON record in a region,
    ``locate(id)`` the region holding it (``None``: no conference has it)."""

    def __init__(
        self,
        seed: int,
        find: Callable[[str, str], bytes | None],
        locate: Callable[[str], str | None],
    ) -> None:
        self._seed = seed
        self._find = find
        self._locate = locate
        self.counts: dict[str, int] = {}
        """Participants per conference id, where set (``sb.telnyx_participant_counts``)."""
        self._cache: OrderedDict[str, list[TelnyxParticipantRow]] = OrderedDict()
        self._played: dict[str, dict[str, TelnyxParticipantRow]] = {}

    def begin(self, conference_id: str) -> None:
        """Make ``conference_id`` a played conference: it has no participants until put."""
        self._played.setdefault(conference_id, {})

    def put(self, conference_id: str, row: TelnyxParticipantRow) -> None:
        """Add or change (by id) a participant of a played conference; join order is kept."""
        self._played.setdefault(conference_id, {})[row.id] = row

    def make_large(self, conference_ids: list[str]) -> None:
        """Give the first conferences of ``conference_ids`` the fixed counts (unless set)."""
        for conference_id, count in zip(conference_ids, FIXED_PARTICIPANTS, strict=False):
            self.counts.setdefault(conference_id, count)

    def rows(self, conference_id: str, record: bytes) -> list[TelnyxParticipantRow]:
        """The participants of a conference (``record``: its JSON record)."""
        played = self._played.get(conference_id)
        if played is not None:
            return list(played.values())
        rows = self._cache.get(conference_id)
        if rows is None:
            count = self.counts.get(conference_id)
            if count is None:
                count = participant_count(self._seed, "telnyx", conference_id)
            conference: Any = json_loads(record)
            created = datetime.fromisoformat(conference["created_at"])
            rows = generate_participants(
                self._seed,
                conference_id,
                str(conference.get("name")),
                count,
                int(created.timestamp() * 1000),
                conference.get("status") == "completed",
            )
            self._cache[conference_id] = rows
            if len(self._cache) > _KEPT:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(conference_id)
        return rows

    def records(self, conference_id: str) -> list[JSONDict]:
        """Decoded copies of a conference's participants (list shape), in list order."""
        region = self._locate(conference_id)
        if region is None:
            raise ValueError(f"no Telnyx conference has the id {conference_id!r}")
        record = self._find(region, conference_id)
        assert record is not None
        return [json_loads(row.body) for row in self.rows(conference_id, record)]

    async def list_participants(self, request: web.Request) -> web.Response:
        parsed = _parse_query(request.query)
        if isinstance(parsed, list):
            return json_response(422, errors_body(*parsed))
        region, number, size, flags = parsed
        conference_id = request.match_info["id"]
        record = self._find(region, conference_id)
        if record is None:
            return json_response(404, CONFERENCE_NOT_FOUND_BODY)
        rows = self.rows(conference_id, record)
        if flags:
            rows = [row for row in rows if all(getattr(row, k) is v for k, v in flags.items())]
        total = len(rows)
        start = (number - 1) * size
        meta = {
            "total_pages": -(-total // size),
            "total_results": total,
            "page_number": number,
            "page_size": size,
        }
        bodies = b",".join(row.body for row in rows[start : start + size])
        return json_response(200, b'{"data":[' + bodies + b'],"meta":' + json_dumps(meta) + b"}")

    async def retrieve_participant(self, request: web.Request) -> web.Response:
        conference_id = request.match_info["id"]
        region = self._locate(conference_id)
        record = None if region is None else self._find(region, conference_id)
        if record is None:
            return json_response(404, CONFERENCE_NOT_FOUND_BODY)
        wanted = request.match_info["participant_id"]
        for row in self.rows(conference_id, record):
            if wanted in (row.id, row.label):
                return json_response(200, b'{"data":' + _single_record(row) + b"}")
        return json_response(404, _PARTICIPANT_NOT_FOUND)


def _parse_query(
    query: QueryParams,
) -> tuple[str, int, int, Mapping[str, bool]] | list[JSONDict]:
    errors: list[JSONDict] = []
    values = single_values(query, errors)
    region = parse_region(values, errors)
    number, size = 1, PAGE_SIZE_DEFAULT
    flags: dict[str, bool] = {}
    for key, value in values.items():
        if key in ("page[number]", "page[size]"):
            top = PAGE_NUMBER_MAX if key == "page[number]" else PAGE_SIZE_MAX
            if not value.isdigit() or not 1 <= int(value) <= top:
                errors.append(invalid_error(f"{key} must be between 1 and {top}", parameter=key))
            elif key == "page[number]":
                number = int(value)
            else:
                size = int(value)
        elif key.startswith("filter["):
            name = key[len("filter[") : -1]
            if name not in _FLAGS or not key.endswith("]"):
                errors.append(
                    telnyx_error(
                        "10015",
                        "Unsupported parameter",
                        f"{key} is not a supported filter",
                        parameter=key,
                    )
                )
            elif value not in ("true", "false"):
                errors.append(invalid_error(f"{key} must be true or false", parameter=key))
            else:
                flags[name] = value == "true"
    return errors or (region, number, size, flags)
