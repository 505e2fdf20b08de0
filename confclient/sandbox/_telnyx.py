"""Emulation of the Telnyx Call Control conferences API (``https://api.telnyx.com/v2``).

Routes, all under ``/v2`` and all requiring ``Authorization: Bearer <api key>``:

- ``GET /v2/conferences``: page-number paging (``page[number]`` 1..2**31-1, default 1;
  ``page[size]`` 1..250, default 20) over the conferences of one data ``region`` (default
  ``US``, standing in for the account's data locality), listed by descending ``expires_at``.
  ``filter[name]`` (exact, case-sensitive), ``filter[status]`` and ``filter[connection_id]``
  (exact) are applied. Every other documented filter (``filter[application_name][contains]``,
  ``filter[outbound.outbound_voice_profile_id]``, ``filter[leg_id]``,
  ``filter[application_session_id]``, ``filter[product]``, ``filter[failed]``,
  ``filter[from]``, ``filter[to]``, ``filter[type]``, ``filter[occurred_at][eq|gt|gte|lt|lte]``)
  is validated as the spec describes but not applied: conference records carry no such fields.
  ``page[limit]``, ``page[after]`` and ``page[before]`` are likewise validated and ignored.
  Unknown ``filter[...]``/``page[...]`` keys and repeated parameters are rejected; other
  unknown parameters are ignored. A page past the end has empty ``data`` and the usual meta.
- ``GET /v2/conferences/{id}``: one conference of one ``region`` (default ``US``); an id
  from another region is not found there (404, code 90058).
- ``POST /v2/conferences``: validates a ``CreateConferenceRequest``; creates an ``init``
  (``start_conference_on_create: false``) or ``in_progress`` conference that later listings
  show. A name used by an active conference of the same region is refused (90033). A
  ``command_id`` seen before replays the earlier result and creates nothing.

Errors use the ``call-control_Errors`` shape; codes follow the spec's examples. Codes the spec
does not name are the sandbox's own choice: 10002 "Invalid parameter" for malformed values and
wrong JSON types (but 10033 for any bad ``max_participants`` / ``duration_minutes``), 10015 for
an unreadable body and for unknown filter or page keys, 10005 for a 405.

The sandbox's clock never advances: generated data is anchored at 2026-11-01T00:00:00Z, and a
conference created here stays active (so its name stays taken) until the sandbox stops.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hmac
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, Protocol

import attrs
from aiohttp import hdrs, web
from aiohttp.typedefs import LooseHeaders

from . import _json
from ._data import (
    TELNYX_REGIONS,
    TELNYX_SITES,
    TelnyxRow,
    generate_telnyx_region,
    iso_ms,
    seeded_rng,
    telnyx_api_key,
    telnyx_connection_ids,
    uuid4_str,
)
from ._faults import FaultKind
from ._stats import SandboxStats

__all__ = [
    "API_PREFIX",
    "DEFAULT_REGION",
    "ListQuery",
    "NewConference",
    "TelnyxProvider",
    "parse_create_body",
    "parse_list_query",
    "telnyx_error",
]

JSONDict = dict[str, Any]

API_PREFIX: Final = "/v2"
DEFAULT_REGION: Final = "US"
CONFERENCES_PATH: Final = f"{API_PREFIX}/conferences"
# Any one segment is an id (aiohttp's default pattern would refuse "{" and "}").
CONFERENCE_PATH: Final = f"{API_PREFIX}/conferences/{{id:[^/]+}}"

PAGE_SIZE_DEFAULT: Final = 20
PAGE_SIZE_MAX: Final = 250
# The spec gives no maximum; the sandbox's keeps meta.page_number a 32-bit integer.
PAGE_NUMBER_MAX: Final = 2**31 - 1
STATUSES: Final = ("init", "in_progress", "completed")
ACTIVE_STATUSES: Final = frozenset({"init", "in_progress"})
BEEP_VALUES: Final = ("always", "never", "on_enter", "on_exit")
PRODUCTS: Final = ("call_control", "fax", "texml")
EVENT_TYPES: Final = ("command", "webhook")
MAX_PARTICIPANTS_RANGE: Final = (2, 800)
# The spec gives no maximum; the sandbox's keeps expires_at a valid date (about 19 years).
DURATION_MINUTES_RANGE: Final = (1, 10_000_000)
_LIFETIME_MINUTES: Final = 4 * 60

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


class QueryParams(Protocol):
    """The read-only multi-valued mapping a query string decodes to (``request.query``)."""

    def keys(self) -> Iterable[str]: ...

    def getall(self, key: str) -> list[str]: ...


# --- error bodies -------------------------------------------------------------------------


def telnyx_error(
    code: str,
    title: str,
    detail: str | None = None,
    *,
    pointer: str | None = None,
    parameter: str | None = None,
) -> JSONDict:
    """One ``call-control_Error`` object."""
    error: JSONDict = {"code": code, "title": title}
    if detail is not None:
        error["detail"] = detail
    if pointer is not None:
        error["source"] = {"pointer": pointer}
    elif parameter is not None:
        error["source"] = {"parameter": parameter}
    return error


def _json_response(status: int, body: bytes, headers: LooseHeaders | None = None) -> web.Response:
    return web.Response(status=status, body=body, headers=headers, content_type="application/json")


def _errors_response(status: int, errors: list[JSONDict]) -> web.Response:
    return _json_response(status, _json.dumps({"errors": errors}))


def _errors_body(*errors: JSONDict) -> bytes:
    return _json.dumps({"errors": list(errors)})


UNAUTHORIZED_BODY: Final = _errors_body(
    {
        "code": "10009",
        "title": "Authentication failed",
        "detail": (
            "The required authentication headers were either invalid or not included in the "
            "request."
        ),
        "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10009"},
    }
)
NOT_FOUND_BODY: Final = _errors_body(
    telnyx_error("10007", "Resource not found", "Resource not found")
)
CONFERENCE_NOT_FOUND_BODY: Final = _errors_body(
    telnyx_error("90058", "Invalid conference_id", "The conference does not exist.")
)
NAME_CONFLICT_ERROR: Final = telnyx_error(
    "90033",
    "Unable to execute command",
    "Conference with given name already exists and it's active.",
)
FAULT_BODIES: Final[Mapping[FaultKind, bytes]] = {
    FaultKind.INTERNAL_ERROR: _errors_body(
        telnyx_error("10000", "Internal error", "An unexpected error occurred.")
    ),
    FaultKind.SERVICE_UNAVAILABLE: _errors_body(
        telnyx_error("10000", "Service unavailable", "The service is temporarily unavailable.")
    ),
    FaultKind.TOO_MANY_REQUESTS: _errors_body(
        telnyx_error("10011", "Too many requests", "Rate limit exceeded.")
    ),
}
RATE_LIMIT: Final = 100
"""``x-ratelimit-limit`` on the 429 fault (Telnyx publishes no number; any will do)."""
_FAULT_STATUS: Final[Mapping[FaultKind, int]] = {
    FaultKind.INTERNAL_ERROR: 500,
    FaultKind.SERVICE_UNAVAILABLE: 503,
    FaultKind.TOO_MANY_REQUESTS: 429,
}


def _enum_error(values: tuple[str, ...], **source: str) -> JSONDict:
    return telnyx_error(
        "10032",
        "Invalid enumerated value",
        f"The value must be one of: {', '.join(values)}.",
        **source,
    )


def _range_error(detail: str, **source: str) -> JSONDict:
    return telnyx_error("10033", "Value outside of range", detail, **source)


def _invalid_error(detail: str, **source: str) -> JSONDict:
    return telnyx_error("10002", "Invalid parameter", detail, **source)


# --- list query ---------------------------------------------------------------------------


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
        errors.append(_invalid_error(f"{key} must be an integer", parameter=key))
        return None
    try:
        number = int(value)
    except ValueError:  # more digits than int() accepts
        number = minimum - 1 if value.startswith("-") else maximum + 1
    if number < minimum or number > maximum:
        detail = f"{key} must be between {minimum} and {maximum}"
        errors.append(_range_error(detail, parameter=key))
        return None
    return number


def _check_datetime(key: str, value: str, errors: list[JSONDict]) -> None:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        errors.append(_invalid_error(f"{key} must be an ISO 8601 datetime", parameter=key))


def _check_ignored_filter(key: str, value: str, errors: list[JSONDict]) -> None:
    if key == "filter[application_name][contains]":
        if len(value) < 3:
            errors.append(
                _invalid_error(f"{key} requires at least three characters", parameter=key)
            )
    elif key == "filter[outbound.outbound_voice_profile_id]":
        if not _INT64_RE.fullmatch(value):
            errors.append(_invalid_error(f"{key} must be an int64 id", parameter=key))
    elif key in ("filter[leg_id]", "filter[application_session_id]"):
        if not _UUID_RE.fullmatch(value):
            errors.append(_invalid_error(f"{key} must be a UUID", parameter=key))
    elif key == "filter[product]":
        if value not in PRODUCTS:
            errors.append(_enum_error(PRODUCTS, parameter=key))
    elif key == "filter[type]":
        if value not in EVENT_TYPES:
            errors.append(_enum_error(EVENT_TYPES, parameter=key))
    elif key == "filter[failed]":
        if value not in ("true", "false"):
            errors.append(_invalid_error(f"{key} must be true or false", parameter=key))
    elif key.startswith("filter[occurred_at]"):
        _check_datetime(key, value, errors)


def _single_values(query: QueryParams, errors: list[JSONDict]) -> dict[str, str]:
    values: dict[str, str] = {}
    for key in dict.fromkeys(query.keys()):
        given = query.getall(key)
        if len(given) > 1:
            errors.append(_invalid_error(f"{key} must be given at most once", parameter=key))
        else:
            values[key] = given[0]
    return values


def _parse_region(values: Mapping[str, str], errors: list[JSONDict]) -> str:
    region = values.get("region", DEFAULT_REGION)
    if region not in TELNYX_REGIONS:
        errors.append(_enum_error(TELNYX_REGIONS, parameter="region"))
        return DEFAULT_REGION
    return region


def parse_list_query(query: QueryParams) -> ListQuery | list[JSONDict]:
    """Validate a ``GET /v2/conferences`` query: the parsed query, or the errors to send."""
    errors: list[JSONDict] = []
    values = _single_values(query, errors)
    region = _parse_region(values, errors)
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
                errors.append(
                    telnyx_error(
                        "10015",
                        "Unsupported parameter",
                        f"{key} is not a supported page parameter",
                        parameter=key,
                    )
                )
        elif key.startswith("filter[") or key == "filter":
            if key not in _KNOWN_FILTERS:
                errors.append(
                    telnyx_error(
                        "10015",
                        "Unsupported parameter",
                        f"{key} is not a supported filter",
                        parameter=key,
                    )
                )
            elif key == "filter[status]" and value not in STATUSES:
                errors.append(_enum_error(STATUSES, parameter=key))
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


# --- create body --------------------------------------------------------------------------


@attrs.frozen
class NewConference:
    """A validated ``CreateConferenceRequest`` (the parts that shape the created record)."""

    call_control_id: str
    name: str
    region: str = DEFAULT_REGION
    command_id: str | None = None
    duration_minutes: int | None = None
    start_conference_on_create: bool = True


class _Body:
    """Typed reads of one JSON object, collecting errors with JSON pointers."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        self.payload = payload
        self.errors: list[JSONDict] = []

    def required_string(self, key: str) -> str | None:
        value = self.payload.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.errors.append(
                telnyx_error(
                    "10004",
                    "Missing required parameter",
                    f"The '{key}' parameter is required and cannot be blank.",
                    pointer=f"/{key}",
                )
            )
            return None
        return self.string(key)

    def string(self, key: str) -> str | None:
        value = self.payload.get(key)
        if value is None or isinstance(value, str):
            return value
        self.errors.append(_invalid_error(f"{key} must be a string", pointer=f"/{key}"))
        return None

    def boolean(self, key: str) -> bool | None:
        value = self.payload.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.errors.append(_invalid_error(f"{key} must be a boolean", pointer=f"/{key}"))
        return None

    def integer(self, key: str, minimum: int, maximum: int) -> int | None:
        value = self.payload.get(key)
        if value is None:
            return None
        in_range = (
            isinstance(value, int) and not isinstance(value, bool) and minimum <= value <= maximum
        )
        if in_range:
            return int(value)
        detail = f"The value is outside of allowed range {minimum} to {maximum}"
        self.errors.append(_range_error(detail, pointer=f"/{key}"))
        return None

    def enum(self, key: str, values: tuple[str, ...]) -> str | None:
        value = self.string(key)
        if value is not None and value not in values:
            self.errors.append(_enum_error(values, pointer=f"/{key}"))
            return None
        return value


def parse_create_body(raw: bytes) -> NewConference | list[JSONDict]:
    """Validate a ``POST /v2/conferences`` body: the request, or the errors to send."""
    try:
        payload = _json.loads(raw)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return [
            telnyx_error(
                "10015",
                "Invalid JSON",
                "The request body must be a JSON object.",
                pointer="/",
            )
        ]
    body = _Body(payload)
    call_control_id = body.required_string("call_control_id")
    if call_control_id is not None and (
        not call_control_id.startswith(("v2:", "v3:")) or len(call_control_id) <= 3
    ):
        body.errors.append(
            telnyx_error(
                "90015",
                "Invalid Call Control ID",
                "The call_control_id provided was not valid.",
                pointer="/call_control_id",
            )
        )
    name = body.required_string("name")
    body.enum("beep_enabled", BEEP_VALUES)
    client_state = body.string("client_state")
    if client_state is not None:
        try:
            base64.b64decode(client_state, validate=True)
        except (binascii.Error, ValueError):
            body.errors.append(
                _invalid_error(
                    "client_state must be a valid Base-64 encoded string", pointer="/client_state"
                )
            )
    body.boolean("comfort_noise")
    command_id = body.string("command_id")
    duration = body.integer("duration_minutes", *DURATION_MINUTES_RANGE)
    hold_audio_url = body.string("hold_audio_url")
    hold_media_name = body.string("hold_media_name")
    if hold_audio_url is not None and hold_media_name is not None:
        body.errors.append(
            _invalid_error(
                "hold_media_name and hold_audio_url cannot be used together in one request.",
                pointer="/hold_media_name",
            )
        )
    body.integer("max_participants", *MAX_PARTICIPANTS_RANGE)
    start = body.boolean("start_conference_on_create")
    region = body.enum("region", TELNYX_REGIONS)
    if body.errors or call_control_id is None or name is None:
        return body.errors
    return NewConference(
        call_control_id=call_control_id,
        name=name,
        region=region or DEFAULT_REGION,
        command_id=command_id,
        duration_minutes=duration,
        start_conference_on_create=True if start is None else start,
    )


# --- storage ------------------------------------------------------------------------------

_ViewKey = tuple[str | None, str | None, str | None]


def _row_key(row: TelnyxRow) -> tuple[int, str]:
    return row.sort_key


class _RegionTable:
    """The conferences of one data region, in list order, with cached filtered views."""

    def __init__(self, rows: list[TelnyxRow]) -> None:
        self.rows = rows
        self.bodies = [row.body for row in rows]
        self.by_id = {row.id: row.body for row in rows}
        self.active_names = Counter(row.name for row in rows if row.status in ACTIVE_STATUSES)
        self._views: dict[_ViewKey, list[bytes]] = {}

    def select(
        self, name: str | None, status: str | None, connection_id: str | None
    ) -> list[bytes]:
        if name is None and status is None and connection_id is None:
            return self.bodies
        key = (name, status, connection_id)
        view = self._views.get(key)
        if view is None:
            view = [
                row.body
                for row in self.rows
                if (name is None or row.name == name)
                and (status is None or row.status == status)
                and (connection_id is None or row.connection_id == connection_id)
            ]
            if len(self._views) >= 64:
                self._views.clear()
            self._views[key] = view
        return view

    def insert(self, row: TelnyxRow) -> None:
        index = bisect.bisect_left(self.rows, row.sort_key, key=_row_key)
        self.rows.insert(index, row)
        self.bodies.insert(index, row.body)
        self.by_id[row.id] = row.body
        if row.status in ACTIVE_STATUSES:
            self.active_names[row.name] += 1
        self._views.clear()


# --- the provider -------------------------------------------------------------------------


def _now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


class TelnyxProvider:
    """The Telnyx half of the sandbox: state, routes, auth and error rendering."""

    name: Final = "telnyx"
    prefix: Final = API_PREFIX

    def __init__(
        self, *, seed: int, size: int, stats: SandboxStats, clock: Callable[[], int] = _now_ms
    ) -> None:
        self.seed = seed
        self.size = size
        self.api_key = telnyx_api_key(seed)
        self._stats = stats
        self._clock = clock
        self._tables: dict[str, _RegionTable] = {}
        self._commands: dict[str, bytes] = {}
        self._create_rng = seeded_rng(seed, "telnyx", "create")
        self._connections = telnyx_connection_ids(seed)
        self.insert_every = 0
        """When > 0, every that-many-th list request first adds a new conference at the top
        of the listed region (records shifting while a client pages, for dedupe tests)."""
        self._list_requests = 0
        self.inserted = 0

    # -- data

    def table(self, region: str) -> _RegionTable:
        """The region's conferences, generated on first use."""
        table = self._tables.get(region)
        if table is None:
            table = _RegionTable(generate_telnyx_region(self.seed, region, self.size))
            self._tables[region] = table
        return table

    def records(self, region: str) -> list[JSONDict]:
        """Decoded copies of the region's records, in list order."""
        if region not in TELNYX_REGIONS:
            raise ValueError(f"unknown Telnyx region {region!r}; expected one of {TELNYX_REGIONS}")
        return [_json.loads(body) for body in self.table(region).bodies]

    # -- provider hooks used by the sandbox middleware

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get(CONFERENCES_PATH, self.list_conferences)
        router.add_post(CONFERENCES_PATH, self.create_conference)
        router.add_get(CONFERENCE_PATH, self.retrieve_conference)

    def authenticate(self, request: web.Request) -> web.Response | None:
        scheme, _, token = request.headers.get(hdrs.AUTHORIZATION, "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self.api_key.encode()
        ):
            return None
        return _json_response(401, UNAUTHORIZED_BODY)

    def not_found(self, request: web.Request) -> web.Response:
        return _json_response(404, NOT_FOUND_BODY)

    def method_not_allowed(self, method: str, allowed: set[str]) -> web.Response:
        error = telnyx_error(
            "10005",
            "Method not allowed",
            f"The {method} method is not supported for this resource.",
        )
        return _json_response(405, _errors_body(error), {hdrs.ALLOW: ",".join(sorted(allowed))})

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
        return _json_response(_FAULT_STATUS[kind], FAULT_BODIES[kind], headers)

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
                _json.dumps(meta),
                b"}",
            )
        )
        return _json_response(200, body)

    async def retrieve_conference(self, request: web.Request) -> web.Response:
        errors: list[JSONDict] = []
        region = _parse_region(_single_values(request.query, errors), errors)
        if errors:
            return _errors_response(422, errors)
        record = self.table(region).by_id.get(request.match_info["id"])
        if record is None:
            return _json_response(404, CONFERENCE_NOT_FOUND_BODY)
        return _json_response(200, b'{"data":' + record + b"}")

    async def create_conference(self, request: web.Request) -> web.Response:
        parsed = parse_create_body(await request.read())
        if isinstance(parsed, list):
            return _errors_response(422, parsed)
        # No await from here on: the replay check, the conflict check and the insert are atomic.
        if parsed.command_id is not None:
            replay = self._commands.get(parsed.command_id)
            if replay is not None:
                return _json_response(200, replay)
        table = self.table(parsed.region)
        if table.active_names[parsed.name] > 0:
            return _errors_response(422, [NAME_CONFLICT_ERROR])
        row = self._new_row(parsed)
        table.insert(row)
        self._stats.created += 1
        body = b'{"data":' + row.body + b"}"
        if parsed.command_id is not None:
            self._commands[parsed.command_id] = body
        return _json_response(200, body)

    def _new_row(self, new: NewConference) -> TelnyxRow:
        rng = self._create_rng
        ident = uuid4_str(rng.getrandbits(128))
        created = self._clock()
        minutes = new.duration_minutes if new.duration_minutes is not None else _LIFETIME_MINUTES
        expires = created + minutes * 60_000
        status = "in_progress" if new.start_conference_on_create else "init"
        sites = TELNYX_SITES[new.region]
        record = {
            "record_type": "conference",
            "id": ident,
            "name": new.name,
            "created_at": iso_ms(created),
            "expires_at": iso_ms(expires),
            "updated_at": iso_ms(created),
            "region": sites[rng.randrange(len(sites))],
            "status": status,
            "connection_id": self._connections[rng.randrange(len(self._connections))],
        }
        return TelnyxRow(
            (-expires, ident), ident, new.name, status, record["connection_id"], _json.dumps(record)
        )
