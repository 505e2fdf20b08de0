"""The Telnyx emulator: state, routes, auth and error rendering (``https://api.telnyx.com/v2``).

Routes, all under ``/v2`` and all requiring ``Authorization: Bearer <api key>``:

- ``GET /v2/conferences``: page-number paging (``page[number]`` 1..2**31-1, default 1;
  ``page[size]`` 1..250, default 20) over the conferences of one data ``region`` (default
  ``US``, standing in for the account's data locality), listed by descending ``expires_at``;
  filters as :mod:`.query` says. A page past the end has empty ``data`` and the usual meta.
- ``GET /v2/conferences/{id}``: one conference of one ``region`` (default ``US``); an id
  from another region is not found there (404, code 90058).
- ``GET /v2/conferences/{id}/participants`` and ``.../participants/{participant_id}``: see
  :mod:`.participants`.
- ``POST /v2/conferences``: validates a ``CreateConferenceRequest`` (:mod:`.create`);
  creates an ``init`` (``start_conference_on_create: false``) or ``in_progress`` conference
  that later listings show. A name used by an active conference of the same region is
  refused (90033). A ``command_id`` seen before replays the earlier result and creates
  nothing.

The sandbox's clock never advances: generated data is anchored at 2026-11-01T00:00:00Z, and a
conference created here stays active (so its name stays taken) until the sandbox stops.
"""

from __future__ import annotations

import hmac
import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, ClassVar, Final

from aiohttp import hdrs, web

from confclient.adapter import (
    ConferenceScript,
    ContractFacts,
    FaultKind,
    SandboxStats,
    iso_ms,
    json_dumps,
    json_loads,
    json_response,
    seeded_rng,
    uuid4_str,
)

from .create import NewConference, parse_create_body
from .data import (
    DEFAULT_REGION,
    TELNYX_REGIONS,
    TELNYX_SITES,
    TelnyxRow,
    generate_telnyx_region,
    make_row,
    telnyx_api_key,
    telnyx_connection_ids,
)
from .errors import (
    CONFERENCE_NOT_FOUND_BODY,
    FAULT_BODIES,
    NAME_CONFLICT_ERROR,
    NOT_FOUND_BODY,
    RATE_LIMIT,
    UNAUTHORIZED_BODY,
    JSONDict,
    errors_body,
    telnyx_error,
)
from .participants import ParticipantTables
from .query import PAGE_SIZE_MAX, parse_list_query, parse_region, single_values
from .store import RegionTable
from .webhooks import TelnyxConferencePlay, TelnyxWebhookSigner

__all__ = ["API_PREFIX", "TelnyxEmulator"]

API_PREFIX: Final = "/v2"
CONFERENCES_PATH: Final = f"{API_PREFIX}/conferences"
# Any one segment is an id (aiohttp's default pattern would refuse "{" and "}").
CONFERENCE_PATH: Final = f"{API_PREFIX}/conferences/{{id:[^/]+}}"
PARTICIPANTS_PATH: Final = f"{CONFERENCE_PATH}/participants"
PARTICIPANT_PATH: Final = f"{PARTICIPANTS_PATH}/{{participant_id:[^/]+}}"
_LIFETIME_MINUTES: Final = 4 * 60


def _errors_response(status: int, errors: list[JSONDict]) -> web.Response:
    return json_response(status, errors_body(*errors))


def _now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


class TelnyxEmulator:
    """The Telnyx half of the sandbox: state, routes, auth and error rendering."""

    name: Final = "telnyx"
    prefix: Final = API_PREFIX
    regions: Final = TELNYX_REGIONS
    default_region: Final = DEFAULT_REGION
    attributes: Final = frozenset(
        {"inserted", "participant_counts", "participant_records", "public_key"}
    )
    constants: Final[Mapping[str, object]] = MappingProxyType({"TELNYX_REGIONS": TELNYX_REGIONS})
    facts: ClassVar[ContractFacts] = ContractFacts(
        id_key="id",
        status_key="status",
        completed_status="completed",
        missing_id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
        max_page_size=PAGE_SIZE_MAX,
        list_path="/conferences",
        region_parameter="region",
        refused_region="Asia Pacific",
        region_refusal=(422, "10032"),
        error_parser="confclient_telnyx.records:parse_error",
        unfilterable=frozenset({"created_after", "created_before"}),
        create_example={"call_control_id": "v3:contract-suite", "name": "Contract suite"},
    )

    def __init__(
        self, *, seed: int, size: int, stats: SandboxStats, clock: Callable[[], int] = _now_ms
    ) -> None:
        self.seed = seed
        self.size = size
        self.api_key = telnyx_api_key(seed)
        self._stats = stats
        self._clock = clock
        self._tables: dict[str, RegionTable] = {}
        self._commands: dict[str, bytes] = {}
        self._create_rng = seeded_rng(seed, "telnyx", "create")
        self._connections = telnyx_connection_ids(seed)
        self.insert_every = 0
        """When > 0, every that-many-th list request first adds a new conference at the top
        of the listed region (records shifting while a client pages, for dedupe tests)."""
        self._list_requests = 0
        self.inserted = 0
        """Conferences inserted while listing so far."""
        self.participants = ParticipantTables(seed, self._conference_record, self._locate)
        self._signer = TelnyxWebhookSigner(seed)

    @property
    def participant_counts(self) -> dict[str, int]:
        """Participants per conference id where set (e.g. ``{id: 10_000}``; set before the
        conference's participants are first listed)."""
        return self.participants.counts

    def participant_records(self, conference_id: str) -> list[JSONDict]:
        """Decoded copies of a conference's participants (list shape), in list order."""
        return self.participants.records(conference_id)

    def _conference_record(self, region: str, conference_id: str) -> bytes | None:
        return self.table(region).by_id.get(conference_id)

    def _locate(self, conference_id: str) -> str | None:
        for region in TELNYX_REGIONS:
            if conference_id in self.table(region).by_id:
                return region
        return None

    # -- what the sandbox host asks

    @property
    def credentials(self) -> Mapping[str, str]:
        """The one API key it accepts."""
        return {"api_key": self.api_key}

    def client_options(self, base_url: str) -> dict[str, Any]:
        return {"api_key": self.api_key, "base_url": base_url}

    def auth_headers(self) -> dict[str, str]:
        return {hdrs.AUTHORIZATION: f"Bearer {self.api_key}"}

    # -- webhooks (see confclient.sandbox's WebhookHost)

    @property
    def public_key(self) -> str:
        """The public key of the sandbox's Ed25519 webhook signing key (base64)."""
        return self._signer.public_key

    def webhook_options(self) -> dict[str, str]:
        return {"public_key": self.public_key}

    def sign_webhook(self, url: str, body: bytes) -> dict[str, str]:
        return self._signer.headers(body)

    def conference_script(self, participants: int, rng: random.Random) -> ConferenceScript:
        play = TelnyxConferencePlay(
            self.table, self.participants, self._connections, self._clock, participants, rng
        )
        return play.script()

    def insert_while_listing(self, every: int) -> None:
        """Every ``every``-th list request first inserts a conference (0: never)."""
        self.insert_every = every

    def table(self, region: str) -> RegionTable:
        """The region's conferences, generated on first use."""
        table = self._tables.get(region)
        if table is None:
            table = RegionTable(generate_telnyx_region(self.seed, region, self.size))
            self._tables[region] = table
            self.participants.make_large([row.id for row in table.rows[1:4]])
        return table

    def records(self, region: str | None, origin: str | None = None) -> list[JSONDict]:
        """Decoded copies of the region's records (default ``US``), in list order."""
        region = DEFAULT_REGION if region is None else region
        if region not in TELNYX_REGIONS:
            raise ValueError(f"unknown Telnyx region {region!r}; expected one of {TELNYX_REGIONS}")
        return [json_loads(body) for body in self.table(region).bodies]

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get(CONFERENCES_PATH, self.list_conferences)
        router.add_post(CONFERENCES_PATH, self.create_conference)
        router.add_get(CONFERENCE_PATH, self.retrieve_conference)
        router.add_get(PARTICIPANTS_PATH, self.participants.list_participants)
        router.add_get(PARTICIPANT_PATH, self.participants.retrieve_participant)

    def authenticate(self, request: web.Request) -> web.Response | None:
        scheme, _, token = request.headers.get(hdrs.AUTHORIZATION, "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self.api_key.encode()
        ):
            return None
        return json_response(401, UNAUTHORIZED_BODY)

    def not_found(self, request: web.Request) -> web.Response:
        return json_response(404, NOT_FOUND_BODY)

    def method_not_allowed(self, method: str, allowed: set[str]) -> web.Response:
        error = telnyx_error(
            "10005",
            "Method not allowed",
            f"The {method} method is not supported for this resource.",
        )
        return json_response(405, errors_body(error), {hdrs.ALLOW: ",".join(sorted(allowed))})

    def http_error(self, status: int, reason: str) -> web.Response:
        return _errors_response(status, [telnyx_error(str(status), reason, reason)])

    def fault_response(self, kind: FaultKind, retry_after: str) -> web.Response:
        headers: dict[str, str] = {}
        if kind is FaultKind.TOO_MANY_REQUESTS:
            # As Telnyx documents its 429: no Retry-After, the x-ratelimit-* trio instead.
            headers = {
                "x-ratelimit-limit": str(RATE_LIMIT),
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": retry_after,
            }
        elif kind is FaultKind.SERVICE_UNAVAILABLE:
            headers = {hdrs.RETRY_AFTER: retry_after}
        return json_response(kind.status, FAULT_BODIES[kind], headers)

    # -- handlers

    async def list_conferences(self, request: web.Request) -> web.Response:
        query = parse_list_query(request.query)
        if isinstance(query, list):
            return _errors_response(422, query)
        self._list_requests += 1
        if self.insert_every and self._list_requests % self.insert_every == 0:
            self.inserted += 1
            new = NewConference(
                call_control_id="v3:sandbox-insert",
                name=f"Inserted while listing {self.inserted}",
                region=query.region,
            )
            self.table(query.region).insert(self._new_row(new))
        bodies = self.table(query.region).select(query.name, query.status, query.connection_id)
        total = len(bodies)
        size = query.page_size
        start = (query.page_number - 1) * size
        meta = {
            "total_pages": -(-total // size),
            "total_results": total,
            "page_number": query.page_number,
            "page_size": size,
        }
        body = b"".join(
            (
                b'{"data":[',
                b",".join(bodies[start : start + size]),
                b'],"meta":',
                json_dumps(meta),
                b"}",
            )
        )
        return json_response(200, body)

    async def retrieve_conference(self, request: web.Request) -> web.Response:
        errors: list[JSONDict] = []
        region = parse_region(single_values(request.query, errors), errors)
        if errors:
            return _errors_response(422, errors)
        record = self.table(region).by_id.get(request.match_info["id"])
        if record is None:
            return json_response(404, CONFERENCE_NOT_FOUND_BODY)
        return json_response(200, b'{"data":' + record + b"}")

    async def create_conference(self, request: web.Request) -> web.Response:
        parsed = parse_create_body(await request.read())
        if isinstance(parsed, list):
            return _errors_response(422, parsed)
        # No await from here on: the replay check, the conflict check and the insert are atomic.
        if parsed.command_id is not None:
            replay = self._commands.get(parsed.command_id)
            if replay is not None:
                return json_response(200, replay)
        table = self.table(parsed.region)
        if table.active_names[parsed.name] > 0:
            return _errors_response(422, [NAME_CONFLICT_ERROR])
        row = self._new_row(parsed)
        table.insert(row)
        self._stats.created += 1
        body = b'{"data":' + row.body + b"}"
        if parsed.command_id is not None:
            self._commands[parsed.command_id] = body
        return json_response(200, body)

    def _new_row(self, new: NewConference) -> TelnyxRow:
        rng = self._create_rng
        ident = uuid4_str(rng.getrandbits(128))
        created = self._clock()
        minutes = new.duration_minutes if new.duration_minutes is not None else _LIFETIME_MINUTES
        expires = created + minutes * 60_000
        sites = TELNYX_SITES[new.region]
        record = {
            "record_type": "conference",
            "id": ident,
            "name": new.name,
            "created_at": iso_ms(created),
            "expires_at": iso_ms(expires),
            "updated_at": iso_ms(created),
            "region": sites[rng.randrange(len(sites))],
            "status": "in_progress" if new.start_conference_on_create else "init",
            "connection_id": self._connections[rng.randrange(len(self._connections))],
        }
        return make_row(record, expires)
