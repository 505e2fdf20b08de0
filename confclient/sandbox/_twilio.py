"""Emulation of the Twilio Voice Insights conference summaries (``https://insights.twilio.com/v1``).

Routes, all under ``/v1`` and all requiring HTTP Basic auth with ``account_sid:auth_token`` or
``api_key:api_secret``:

- ``GET /v1/Conferences``: the conferences of every mixer region merged (or of one, with
  ``MixerRegion``), by descending ``create_time`` (ties by ascending ``conference_sid``), paged
  by cursor. Every documented filter is applied: ``ConferenceSid``, ``FriendlyName`` (exact,
  case-sensitive), ``Status``, ``CreatedAfter`` (inclusive) and ``CreatedBefore`` (exclusive),
  both ISO 8601 and compared with ``create_time`` (a value without an offset is UTC),
  ``MixerRegion``, ``Tags`` (comma-separated; a record must carry all of them), ``Subaccount``
  (records owned by that account; an account the sandbox does not know owns none),
  ``DetectedIssues`` (comma-separated ``call_quality`` / ``region_configuration`` /
  ``participant_behavior``; each must have a non-zero count) and ``EndReason``. ``PageSize``
  is 1..1000 (default 50); ``Page`` is the 0-based page index, which only labels the page:
  the opaque ``PageToken`` (``PA`` + unpadded URL-safe base64 of ``offset=N``) says where it
  starts, and is required when ``Page`` > 0. Unknown parameters are ignored; a known one given
  twice is refused, except ``Tags`` and ``DetectedIssues``, whose lists are joined.
- ``GET /v1/Conferences/{sid}``: one record, without envelope.

The ``meta`` URLs are absolute, on the request's own scheme, host and port (the next one can be
moved elsewhere, or made to repeat the current page, for client security tests), and carry
every filter of the query plus ``PageSize``, ``Page`` and ``PageToken``. Each record's ``url``
and ``links`` are on the request's origin too.

Errors are Twilio's flat shape ``{"code", "message", "more_info", "status"}``: 20001 (400) for
an invalid parameter, naming it in the message (only the first bad parameter, in the order
above, is reported), 20003 (401), 20004 (405), 20404 (404), 20500 / 20503 / 20429 for the
injected faults. Every response carries a ``Twilio-Request-Id`` (``RQ`` + 32 hex).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Protocol

import attrs
import yarl
from aiohttp import hdrs, web
from aiohttp.typedefs import LooseHeaders

from . import _json
from ._data import seeded_rng
from ._faults import FaultKind
from ._twilio_data import (
    CANONICAL_ORIGIN,
    TWILIO_DETECTED_ISSUES,
    TWILIO_END_REASONS,
    TWILIO_MIXER_REGIONS,
    TWILIO_STATUSES,
    TWILIO_TAGS,
    TwilioRow,
    generate_twilio_region,
    merge_rows,
    rebase,
    region_of_sid,
    twilio_credentials,
)

__all__ = [
    "API_PREFIX",
    "REQUEST_ID_HEADER",
    "TwilioListQuery",
    "TwilioProvider",
    "decode_page_token",
    "encode_page_token",
    "parse_twilio_list_query",
    "twilio_error",
]

JSONDict = dict[str, Any]

API_PREFIX: Final = "/v1"
CONFERENCES_PATH: Final = f"{API_PREFIX}/Conferences"
CONFERENCE_PATH: Final = f"{API_PREFIX}/Conferences/{{sid}}"
REQUEST_ID_HEADER: Final = "Twilio-Request-Id"
PAGE_SIZE_DEFAULT: Final = 50
PAGE_SIZE_MAX: Final = 1000
# The sandbox's own limits, keeping page numbers and offsets plain 32/48-bit integers.
PAGE_MAX: Final = 2**31 - 1
_OFFSET_MAX: Final = 2**48

_CONFERENCE_SID_RE: Final = re.compile(r"CF[0-9a-fA-F]{32}")
_ACCOUNT_SID_RE: Final = re.compile(r"AC[0-9a-fA-F]{32}")
_DIGITS_RE: Final = re.compile(r"[0-9]{1,12}")
_TOKEN_PREFIX: Final = "PA"
_TOKEN_PAYLOAD_RE: Final = re.compile(r"offset=([0-9]{1,15})")
# What a usable origin looks like: a registered name or IPv4 address, or a bracketed IPv6 one.
_ORIGIN_RE: Final = re.compile(
    r"https?://(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?"
)
_UTC_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)
_MORE_INFO: Final = "https://www.twilio.com/docs/errors/{code}"

# The filters in the order they are validated and echoed into the meta URLs.
_FILTER_NAMES: Final = (
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
_KNOWN_PARAMS: Final = frozenset({*_FILTER_NAMES, "PageSize", "Page", "PageToken"})
# Characters left readable in the meta URLs' query values (all legal in a query).
_QUERY_SAFE: Final = ":,"


class QueryParams(Protocol):
    """The read-only multi-valued mapping a query string decodes to (``request.query``)."""

    def keys(self) -> Iterable[str]: ...

    def getall(self, key: str) -> list[str]: ...


# --- error bodies -------------------------------------------------------------------------


def twilio_error(code: int, message: str, status: int) -> bytes:
    """One Twilio error body: ``{"code", "message", "more_info", "status"}``."""
    return _json.dumps(
        {
            "code": code,
            "message": message,
            "more_info": _MORE_INFO.format(code=code),
            "status": status,
        }
    )


UNAUTHORIZED_BODY: Final = twilio_error(20003, "Authenticate", 401)
FAULT_BODIES: Final[Mapping[FaultKind, bytes]] = {
    FaultKind.INTERNAL_ERROR: twilio_error(20500, "Internal Server Error", 500),
    FaultKind.SERVICE_UNAVAILABLE: twilio_error(20503, "Service Unavailable", 503),
    FaultKind.TOO_MANY_REQUESTS: twilio_error(20429, "Too Many Requests", 429),
}
_FAULT_STATUS: Final[Mapping[FaultKind, int]] = {
    FaultKind.INTERNAL_ERROR: 500,
    FaultKind.SERVICE_UNAVAILABLE: 503,
    FaultKind.TOO_MANY_REQUESTS: 429,
}


def _not_found_body(resource: str) -> bytes:
    return twilio_error(20404, f"The requested resource {resource} was not found", 404)


# --- page tokens --------------------------------------------------------------------------


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


# --- list query ---------------------------------------------------------------------------


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
    """The filters as given (name, value), in :data:`_FILTER_NAMES` order, for the meta URLs."""

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
        if not _CONFERENCE_SID_RE.fullmatch(sid):
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
    echo = tuple((name, values[name]) for name in _FILTER_NAMES if name in values)
    return TwilioListQuery(page_size=page_size, page=page, offset=offset, echo=echo, **fields)


def parse_twilio_list_query(query: QueryParams) -> TwilioListQuery | str:
    """Validate a ``GET /v1/Conferences`` query: the parsed query, or the 400 error message."""
    try:
        return _parse(query)
    except _BadParameter as exc:
        return str(exc)


# --- storage ------------------------------------------------------------------------------


class _Store:
    """Every mixer region's conferences, generated on first use, with cached filtered views."""

    def __init__(self, seed: int, size: int) -> None:
        self.seed = seed
        self.size = size
        self._regions: dict[str, list[TwilioRow]] = {}
        self._by_sid: dict[str, dict[str, TwilioRow]] = {}
        self._merged: list[TwilioRow] | None = None
        self._views: dict[tuple[object, ...], list[bytes]] = {}

    def rows(self, mixer_region: str | None) -> list[TwilioRow]:
        """One region's rows, or every region's merged, in list order."""
        if mixer_region is not None:
            rows = self._regions.get(mixer_region)
            if rows is None:
                rows = generate_twilio_region(self.seed, mixer_region, self.size)
                self._regions[mixer_region] = rows
            return rows
        if self._merged is None:
            self._merged = merge_rows(self.rows(region) for region in TWILIO_MIXER_REGIONS)
        return self._merged

    def find(self, sid: str) -> TwilioRow | None:
        """The row of a conference SID (``CF`` + 32 hex, any case), or ``None``."""
        sid = "CF" + sid[2:].lower()
        region = region_of_sid(sid)
        if region is None:
            return None
        index = self._by_sid.get(region)
        if index is None:
            index = self._by_sid[region] = {row.sid: row for row in self.rows(region)}
        return index.get(sid)

    def select(self, query: TwilioListQuery) -> list[bytes]:
        """The bodies of the records ``query`` selects, in list order."""
        key = query.view_key()
        view = self._views.get(key)
        if view is not None:
            return view
        if query.conference_sid is not None:
            row = self.find(query.conference_sid)
            candidates = [] if row is None else [row]
        else:
            candidates = self.rows(query.mixer_region)
        if key == TwilioListQuery(mixer_region=query.mixer_region).view_key():
            view = [row.body for row in candidates]
        else:
            view = [row.body for row in candidates if query.matches(row)]
        if len(self._views) >= 64:
            self._views.clear()
        self._views[key] = view
        return view


# --- the provider -------------------------------------------------------------------------


def _origin(request: web.Request) -> str:
    """``scheme://host[:port]`` as the client addressed this server (its ``Host`` header)."""
    try:
        origin = str(request.url.origin())
    except ValueError:
        origin = ""
    if _ORIGIN_RE.fullmatch(origin):
        return origin
    # A Host header that is no host name: fall back to the address the request came in on.
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    host = sockname[0] if sockname else "127.0.0.1"
    port = sockname[1] if sockname else 80
    host = f"[{host}]" if ":" in host else host
    return f"{request.scheme}://{host}:{port}"


def _origin_bytes(origin: str) -> bytes:
    # The origin lands inside JSON strings: encode it as JSON would (a no-op for real hosts).
    return _json.dumps(origin)[1:-1]


def _check_origin(value: str) -> str:
    url = yarl.URL(value)
    if not url.absolute or url.scheme not in ("http", "https") or not url.host:
        raise ValueError(
            f"expected an absolute http(s) URL such as 'http://127.0.0.2:9', got {value!r}"
        )
    return str(url.origin())


class TwilioProvider:
    """The Twilio half of the sandbox: data, routes, Basic auth and Twilio-shaped errors."""

    name: Final = "twilio"
    prefix: Final = API_PREFIX

    def __init__(self, *, seed: int, size: int) -> None:
        self.seed = seed
        self.size = size
        self.credentials = twilio_credentials(seed)
        self._store = _Store(seed, size)
        self._request_ids = seeded_rng(seed, "twilio", "request-ids")
        self._next_page_origin: str | None = None
        self.repeat_next_page = False
        """When true, every page's ``next_page_url`` is the URL of that page itself."""

    # -- knobs

    @property
    def next_page_origin(self) -> str | None:
        """The origin every ``next_page_url`` uses instead of the request's own (``None``: off)."""
        return self._next_page_origin

    @next_page_origin.setter
    def next_page_origin(self, value: str | None) -> None:
        self._next_page_origin = None if value is None else _check_origin(value)

    # -- data

    def records(self, mixer_region: str | None, origin: str = CANONICAL_ORIGIN) -> list[JSONDict]:
        """Decoded copies of the records (of one region, or all merged), in list order, with
        their URLs on ``origin``."""
        if mixer_region is not None and mixer_region not in TWILIO_MIXER_REGIONS:
            raise ValueError(
                f"unknown Twilio mixer region {mixer_region!r}; "
                f"expected one of {TWILIO_MIXER_REGIONS}"
            )
        rows = self._store.rows(mixer_region)
        if not rows:
            return []
        joined = b"[" + b",".join(row.body for row in rows) + b"]"
        decoded: list[JSONDict] = _json.loads(rebase(joined, _origin_bytes(origin)))
        return decoded

    # -- provider hooks used by the sandbox middleware

    def _response(
        self, status: int, body: bytes, headers: LooseHeaders | None = None
    ) -> web.Response:
        response = web.Response(
            status=status, body=body, headers=headers, content_type="application/json"
        )
        response.headers[REQUEST_ID_HEADER] = f"RQ{self._request_ids.getrandbits(128):032x}"
        return response

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get(CONFERENCES_PATH, self.list_conferences)
        router.add_get(CONFERENCE_PATH, self.retrieve_conference)

    def authenticate(self, request: web.Request) -> web.Response | None:
        scheme, _, encoded = request.headers.get(hdrs.AUTHORIZATION, "").partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
            except (binascii.Error, ValueError):
                decoded = ""
            username, colon, password = decoded.partition(":")
            creds = self.credentials
            for expected_user, expected_password in (
                (creds.account_sid, creds.auth_token),
                (creds.api_key, creds.api_secret),
            ):
                # Both halves are always compared, so timing tells nothing about either.
                user_ok = hmac.compare_digest(username.encode(), expected_user.encode())
                password_ok = hmac.compare_digest(password.encode(), expected_password.encode())
                if colon and user_ok and password_ok:
                    return None
        return self._response(
            401, UNAUTHORIZED_BODY, {hdrs.WWW_AUTHENTICATE: 'Basic realm="Twilio API"'}
        )

    def not_found(self, request: web.Request) -> web.Response:
        path = request.path
        resource = path[len(API_PREFIX) :] if path.startswith(API_PREFIX + "/") else path
        return self._response(404, _not_found_body(resource))

    def method_not_allowed(self, method: str, allowed: set[str]) -> web.Response:
        body = twilio_error(20004, "Method not allowed", 405)
        return self._response(405, body, {hdrs.ALLOW: ",".join(sorted(allowed))})

    def http_error(self, status: int, reason: str) -> web.Response:
        return self._response(status, twilio_error(20000 + status, reason, status))

    def fault_response(self, kind: FaultKind, retry_after: str) -> web.Response:
        headers = {} if kind is FaultKind.INTERNAL_ERROR else {hdrs.RETRY_AFTER: retry_after}
        return self._response(_FAULT_STATUS[kind], FAULT_BODIES[kind], headers)

    # -- handlers

    def _page_url(
        self,
        origin: str,
        query: TwilioListQuery,
        page: int,
        offset: int | None,
    ) -> str:
        params = [*query.echo, ("PageSize", str(query.page_size)), ("Page", str(page))]
        if offset is not None:
            params.append(("PageToken", encode_page_token(offset)))
        encoded = urllib.parse.urlencode(params, quote_via=urllib.parse.quote, safe=_QUERY_SAFE)
        return f"{origin}{CONFERENCES_PATH}?{encoded}"

    async def list_conferences(self, request: web.Request) -> web.Response:
        query = parse_twilio_list_query(request.query)
        if isinstance(query, str):
            return self._response(400, twilio_error(20001, query, 400))
        bodies = self._store.select(query)
        origin = _origin(request)
        size, page, start = query.page_size, query.page, query.offset
        end = start + size
        this_token = start if "PageToken" in request.query else None
        this_url = self._page_url(origin, query, page, this_token)
        next_origin = self._next_page_origin or origin
        if self.repeat_next_page:
            next_url: str | None = next_origin + this_url[len(origin) :]
        elif end < len(bodies):
            next_url = self._page_url(next_origin, query, page + 1, end)
        else:
            next_url = None
        previous_url = None
        if page > 0:
            previous_offset = max(start - size, 0) if page > 1 else None
            previous_url = self._page_url(origin, query, page - 1, previous_offset)
        meta = {
            "page": page,
            "page_size": size,
            "first_page_url": self._page_url(origin, query, 0, None),
            "previous_page_url": previous_url,
            "url": this_url,
            "next_page_url": next_url,
            "key": "conferences",
        }
        records = rebase(b",".join(bodies[start:end]), _origin_bytes(origin))
        body = b'{"conferences":[' + records + b'],"meta":' + _json.dumps(meta) + b"}"
        return self._response(200, body)

    async def retrieve_conference(self, request: web.Request) -> web.Response:
        sid = request.match_info["sid"]
        row = self._store.find(sid) if _CONFERENCE_SID_RE.fullmatch(sid) else None
        if row is None:
            return self._response(404, _not_found_body(f"/Conferences/{sid}"))
        return self._response(200, rebase(row.body, _origin_bytes(_origin(request))))
