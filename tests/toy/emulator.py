"""The toy provider's half of the sandbox: its API on loopback, with seeded rooms.

``GET /toy/v1/rooms`` (``zone``, ``state``, ``title``, ``limit`` 1..50 default 10,
``after``; newest first, every zone unless one is named) and ``GET /toy/v1/rooms/{id}``,
behind ``Authorization: Token <key>``. A bad zone, state or parameter is a 400 naming it.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from operator import itemgetter
from typing import Any, ClassVar, Final

from aiohttp import hdrs, web

from confclient.adapter import (
    CONFERENCE_NAMES,
    EPOCH_MS,
    ContractFacts,
    FaultKind,
    SandboxStats,
    iso_ms,
    json_dumps,
    json_response,
    seeded_rng,
)

__all__ = ["ToyEmulator"]

Room = dict[str, str]

# The emulator's own statement of the API, which the contract suite checks the client against.
_ZONES: Final = ("north", "south")
_STATES: Final = ("waiting", "live", "over")
_PARAMETERS: Final = frozenset({"zone", "state", "title", "limit", "after"})
_MAX_LIMIT: Final = 50
_DEFAULT_LIMIT: Final = 10


def _error(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> web.Response:
    return json_response(status, json_dumps({"error": {"code": code, "message": message}}), headers)


def _generate(seed: int, zone: str, size: int) -> list[Room]:
    rng = seeded_rng(seed, "toy", "rooms", zone)
    rooms = []
    for _ in range(size):
        roll = rng.random()
        rooms.append(
            {
                "id": f"room-{rng.getrandbits(48):012x}",
                "title": f"{rng.choice(CONFERENCE_NAMES)} {rng.randrange(1, 1000)}",
                "zone": zone,
                "state": "waiting" if roll < 0.1 else "live" if roll < 0.3 else "over",
                "opened": iso_ms(EPOCH_MS - rng.randrange(1, 30 * 86_400_000)),
            }
        )
    return _in_list_order(rooms)


def _in_list_order(rooms: list[Room]) -> list[Room]:
    # Newest first, ties by id (timestamps of one format sort as text; sorts are stable).
    return sorted(sorted(rooms, key=itemgetter("id")), key=itemgetter("opened"), reverse=True)


class ToyEmulator:
    """The toy API: two zones of seeded rooms, token auth, paging by opaque position."""

    name: Final = "toy"
    prefix: Final = "/toy/v1"
    regions: Final = _ZONES
    facts: ClassVar[ContractFacts] = ContractFacts(
        id_key="id",
        status_key="state",
        completed_status="over",
        missing_id="room-000000000000",
        max_page_size=_MAX_LIMIT,
        list_path="/rooms",
        region_parameter="zone",
        refused_region="west",
        region_refusal=(400, "bad_zone"),
        error_parser="tests.toy.records:parse_error",
        unfilterable=frozenset({"created_after", "created_before"}),
    )

    def __init__(self, *, seed: int, size: int, stats: SandboxStats) -> None:
        self._key = f"toy-{seeded_rng(seed, 'toy', 'key').getrandbits(64):016x}"
        self._zones = {zone: _generate(seed, zone, size) for zone in _ZONES}

    @property
    def credentials(self) -> Mapping[str, str]:
        return {"api_key": self._key}

    def client_options(self, base_url: str) -> dict[str, Any]:
        return {"api_key": self._key, "base_url": base_url}

    def auth_headers(self) -> dict[str, str]:
        return {hdrs.AUTHORIZATION: f"Token {self._key}"}

    def _rooms(self, zone: str | None) -> list[Room]:
        if zone is None:
            return _in_list_order([room for rooms in self._zones.values() for room in rooms])
        return self._zones[zone]

    def records(self, region: str | None, origin: str | None = None) -> list[dict[str, Any]]:
        if region is not None and region not in _ZONES:
            raise ValueError(f"unknown toy zone {region!r}; expected one of {_ZONES}")
        return [dict(room) for room in self._rooms(region)]

    # -- HTTP

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get(self.prefix + "/rooms", self._list)
        router.add_get(self.prefix + "/rooms/{id}", self._retrieve)

    def authenticate(self, request: web.Request) -> web.Response | None:
        given = request.headers.get(hdrs.AUTHORIZATION, "")
        if hmac.compare_digest(given.encode(), f"Token {self._key}".encode()):
            return None
        return _error(401, "unauthorized", "a valid 'Authorization: Token <key>' is required")

    def not_found(self, request: web.Request) -> web.Response:
        return _error(404, "not_found", f"no such path: {request.path}")

    def method_not_allowed(self, method: str, allowed: set[str]) -> web.Response:
        headers = {hdrs.ALLOW: ",".join(sorted(allowed))}
        return _error(405, "method_not_allowed", f"{method} is not allowed here", headers)

    def http_error(self, status: int, reason: str) -> web.Response:
        return _error(status, "http_error", reason)

    def fault_response(self, kind: FaultKind, retry_after: str) -> web.Response:
        headers = {} if kind is FaultKind.INTERNAL_ERROR else {hdrs.RETRY_AFTER: retry_after}
        return _error(kind.status, f"fault_{kind.value}", "injected by the sandbox", headers)

    async def _list(self, request: web.Request) -> web.Response:
        values: dict[str, str] = {}
        for key in dict.fromkeys(request.query):
            given = request.query.getall(key)
            if key not in _PARAMETERS or len(given) > 1:
                return _error(400, "bad_parameter", f"{key} is unknown or given twice")
            values[key] = given[0]
        zone, state = values.get("zone"), values.get("state")
        if zone is not None and zone not in _ZONES:
            return _error(400, "bad_zone", f"zone must be one of {', '.join(_ZONES)}")
        if state is not None and state not in _STATES:
            return _error(400, "bad_state", f"state must be one of {', '.join(_STATES)}")
        limit = values.get("limit", str(_DEFAULT_LIMIT))
        if not limit.isdigit() or not 1 <= int(limit) <= _MAX_LIMIT:
            return _error(400, "bad_limit", f"limit must be from 1 to {_MAX_LIMIT}")
        after = values.get("after", "p0")
        if not (after.startswith("p") and after[1:].isdigit() and len(after) < 12):
            return _error(400, "bad_after", "after must be a position a page gave")
        rooms = [
            room
            for room in self._rooms(zone)
            if (state is None or room["state"] == state)
            and ("title" not in values or room["title"] == values["title"])
        ]
        start, end = int(after[1:]), int(after[1:]) + int(limit)
        following = f"p{end}" if end < len(rooms) else None
        return json_response(200, json_dumps({"rooms": rooms[start:end], "next": following}))

    async def _retrieve(self, request: web.Request) -> web.Response:
        wanted = request.match_info["id"]
        for room in self._rooms(None):
            if room["id"] == wanted:
                return json_response(200, json_dumps({"room": room}))
        return _error(404, "no_room", f"no room {wanted}")
