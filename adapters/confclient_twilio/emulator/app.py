"""The Twilio emulator: Voice Insights conference summaries (``https://insights.twilio.com/v1``).

Routes, all under ``/v1`` and all requiring HTTP Basic auth with ``account_sid:auth_token`` or
``api_key:api_secret``:

- ``GET /v1/Conferences``: the conferences of every mixer region merged (or of one, with
  ``MixerRegion``), by descending ``create_time`` (ties by ascending ``conference_sid``), paged
  by cursor; parameters as :mod:`.query` says.
- ``GET /v1/Conferences/{sid}``: one record, without envelope.
- ``GET /v1/Conferences/{sid}/Participants`` and ``.../Participants/{sid}``: participant
  summaries, see :mod:`.participants`.

The ``meta`` URLs are absolute, on the request's own scheme, host and port (the next one can be
moved elsewhere, or made to repeat the current page, for client security tests), and carry
every filter of the query plus ``PageSize``, ``Page`` and ``PageToken``. Each record's ``url``
and ``links`` are on the request's origin too. Errors are Twilio's flat shape
(:mod:`.errors`); every response carries a ``Twilio-Request-Id`` (``RQ`` + 32 hex).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import random
import re
import time
import urllib.parse
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Final

from aiohttp import hdrs, web
from aiohttp.typedefs import LooseHeaders

from confclient.adapter import (
    ConferenceScript,
    ContractFacts,
    FaultKind,
    SandboxStats,
    check_origin,
    json_dumps,
    json_loads,
    json_response,
    seeded_rng,
)

from .data import CANONICAL_ORIGIN, TWILIO_MIXER_REGIONS, TwilioRow, rebase, twilio_credentials
from .errors import FAULT_BODIES, UNAUTHORIZED_BODY, not_found_body, twilio_error
from .participants import ParticipantQuery, ParticipantTables, parse_participant_query
from .query import (
    CONFERENCE_SID_RE,
    PAGE_SIZE_MAX,
    TwilioListQuery,
    encode_page_token,
    parse_twilio_list_query,
)
from .store import Store
from .webhooks import TwilioConferencePlay, sign_callback

__all__ = ["API_PREFIX", "REQUEST_ID_HEADER", "TwilioEmulator"]

JSONDict = dict[str, Any]

API_PREFIX: Final = "/v1"
CONFERENCES_PATH: Final = f"{API_PREFIX}/Conferences"
CONFERENCE_PATH: Final = f"{API_PREFIX}/Conferences/{{sid}}"
PARTICIPANTS_PATH: Final = f"{CONFERENCE_PATH}/Participants"
PARTICIPANT_PATH: Final = f"{PARTICIPANTS_PATH}/{{participant_sid}}"
REQUEST_ID_HEADER: Final = "Twilio-Request-Id"

# What a usable origin looks like: a registered name or IPv4 address, or a bracketed IPv6 one.
_ORIGIN_RE: Final = re.compile(
    r"https?://(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?"
)
# Characters left readable in the meta URLs' query values (all legal in a query).
_QUERY_SAFE: Final = ":,"


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
    return json_dumps(origin)[1:-1]


class TwilioEmulator:
    """The Twilio half of the sandbox: data, routes, Basic auth and Twilio-shaped errors."""

    name: Final = "twilio"
    prefix: Final = API_PREFIX
    regions: Final = TWILIO_MIXER_REGIONS
    mixer_regions: Final = TWILIO_MIXER_REGIONS
    """The documented mixer regions (values of ``MixerRegion``; any other value is a 400)."""
    attributes: Final = frozenset(
        {
            "mixer_regions",
            "next_page_origin",
            "repeat_next_page",
            "participant_counts",
            "participant_records",
        }
    )
    constants: Final[Mapping[str, object]] = MappingProxyType(
        {"TWILIO_MIXER_REGIONS": TWILIO_MIXER_REGIONS}
    )
    facts: ClassVar[ContractFacts] = ContractFacts(
        id_key="conference_sid",
        status_key="status",
        completed_status="completed",
        missing_id="CF" + "0" * 32,
        max_page_size=PAGE_SIZE_MAX,
        list_path="/Conferences",
        region_parameter="MixerRegion",
        # A participant region: documented for participants, never as a mixer region.
        refused_region="us2",
        region_refusal=(400, "20001"),
        error_parser="confclient_twilio.records:parse_error",
    )

    def __init__(self, *, seed: int, size: int, stats: SandboxStats | None = None) -> None:
        self.seed = seed
        self.size = size
        self._credentials = twilio_credentials(seed)
        self.credentials: Mapping[str, str] = MappingProxyType(self._credentials._asdict())
        """Its account SID and auth token, and an API key SID and secret (both pairs work)."""
        self._store = Store(seed, size)
        self.participants = ParticipantTables(seed, self._find_conference)
        self._request_ids = seeded_rng(seed, "twilio", "request-ids")
        self._next_page_origin: str | None = None
        self._repeat_next_page = False

    # -- participants

    def _find_conference(self, sid: str) -> TwilioRow | None:
        row = self._store.find(sid)
        if row is not None:
            # The large conferences are those of the region's list as generated.
            self.participants.make_large(self._store.rows(row.mixer_region)[1:4])
        return row

    @property
    def participant_counts(self) -> dict[str, int]:
        """Participants per conference SID where set (e.g. ``{sid: 10_000}``; set before the
        conference's participants are first listed)."""
        return self.participants.counts

    def participant_records(self, conference_sid: str, origin: str | None = None) -> list[JSONDict]:
        """Decoded copies of a conference's summaries in list order, with their URLs on
        ``origin`` (default ``https://insights.twilio.com``)."""
        row = self._find_conference(conference_sid)
        if row is None:
            raise ValueError(f"no Twilio conference has the SID {conference_sid!r}")
        bodies = [p.body for p in self.participants.rows(row)]
        joined = b"[" + b",".join(bodies) + b"]"
        decoded: list[JSONDict] = json_loads(
            rebase(joined, _origin_bytes(origin or CANONICAL_ORIGIN))
        )
        return decoded

    # -- knobs

    @property
    def next_page_origin(self) -> str | None:
        """When set (e.g. ``"http://127.0.0.2:9"``), every ``next_page_url`` is on this
        scheme, host and port instead of the request's own: a client must refuse to follow it.

        Only the origin of the value is kept (``None``, the default, turns the knob off).
        """
        return self._next_page_origin

    @next_page_origin.setter
    def next_page_origin(self, value: str | None) -> None:
        self._next_page_origin = None if value is None else check_origin(value)

    @property
    def repeat_next_page(self) -> bool:
        """When true, every page's ``next_page_url`` is the URL of that page itself (the last
        page's included), to test a client's loop guard. Default false."""
        return self._repeat_next_page

    @repeat_next_page.setter
    def repeat_next_page(self, value: bool) -> None:
        self._repeat_next_page = bool(value)

    # -- webhooks (see confclient.sandbox's WebhookHost)

    def webhook_options(self) -> dict[str, str]:
        return {"auth_token": self._credentials.auth_token}

    def sign_webhook(self, url: str, body: bytes) -> dict[str, str]:
        return sign_callback(self._credentials.auth_token, url, body)

    def conference_script(self, participants: int, rng: random.Random) -> ConferenceScript:
        play = TwilioConferencePlay(
            self._store.put,
            self.participants,
            self._credentials.account_sid,
            int(time.time() * 1000),
            participants,
            rng,
        )
        return play.script()

    # -- what the sandbox host asks

    def client_options(self, base_url: str) -> dict[str, Any]:
        return {
            "account_sid": self._credentials.account_sid,
            "auth_token": self._credentials.auth_token,
            "base_url": base_url,
        }

    def auth_headers(self) -> dict[str, str]:
        pair = f"{self._credentials.account_sid}:{self._credentials.auth_token}"
        return {hdrs.AUTHORIZATION: "Basic " + base64.b64encode(pair.encode()).decode()}

    def records(self, region: str | None, origin: str | None = None) -> list[JSONDict]:
        """Decoded copies of the records (of one mixer region, or all merged), in list order,
        with their URLs on ``origin`` (default ``https://insights.twilio.com``)."""
        if region is not None and region not in TWILIO_MIXER_REGIONS:
            raise ValueError(
                f"unknown Twilio mixer region {region!r}; expected one of {TWILIO_MIXER_REGIONS}"
            )
        rows = self._store.rows(region)
        if not rows:
            return []
        joined = b"[" + b",".join(row.body for row in rows) + b"]"
        decoded: list[JSONDict] = json_loads(
            rebase(joined, _origin_bytes(origin or CANONICAL_ORIGIN))
        )
        return decoded

    def _response(
        self, status: int, body: bytes, headers: LooseHeaders | None = None
    ) -> web.Response:
        response = json_response(status, body, headers)
        response.headers[REQUEST_ID_HEADER] = f"RQ{self._request_ids.getrandbits(128):032x}"
        return response

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get(CONFERENCES_PATH, self.list_conferences)
        router.add_get(CONFERENCE_PATH, self.retrieve_conference)
        router.add_get(PARTICIPANTS_PATH, self.list_participants)
        router.add_get(PARTICIPANT_PATH, self.retrieve_participant)

    def authenticate(self, request: web.Request) -> web.Response | None:
        scheme, _, encoded = request.headers.get(hdrs.AUTHORIZATION, "").partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
            except (binascii.Error, ValueError):
                decoded = ""
            username, colon, password = decoded.partition(":")
            creds = self._credentials
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
        return self._response(404, not_found_body(resource))

    def method_not_allowed(self, method: str, allowed: set[str]) -> web.Response:
        body = twilio_error(20004, "Method not allowed", 405)
        return self._response(405, body, {hdrs.ALLOW: ",".join(sorted(allowed))})

    def http_error(self, status: int, reason: str) -> web.Response:
        return self._response(status, twilio_error(20000 + status, reason, status))

    def fault_response(self, kind: FaultKind, retry_after: str) -> web.Response:
        headers = {} if kind is FaultKind.INTERNAL_ERROR else {hdrs.RETRY_AFTER: retry_after}
        return self._response(kind.status, FAULT_BODIES[kind], headers)

    # -- handlers

    def _page_url(
        self,
        origin: str,
        query: TwilioListQuery | ParticipantQuery,
        page: int,
        offset: int | None,
        path: str = CONFERENCES_PATH,
    ) -> str:
        params = [*query.echo, ("PageSize", str(query.page_size)), ("Page", str(page))]
        if offset is not None:
            params.append(("PageToken", encode_page_token(offset)))
        encoded = urllib.parse.urlencode(params, quote_via=urllib.parse.quote, safe=_QUERY_SAFE)
        return f"{origin}{path}?{encoded}"

    async def list_conferences(self, request: web.Request) -> web.Response:
        query = parse_twilio_list_query(request.query)
        if isinstance(query, str):
            return self._response(400, twilio_error(20001, query, 400))
        return self._page(
            request, query, self._store.select(query), CONFERENCES_PATH, "conferences"
        )

    def _page(
        self,
        request: web.Request,
        query: TwilioListQuery | ParticipantQuery,
        bodies: list[bytes],
        path: str,
        key: str,
    ) -> web.Response:
        """One page of ``bodies`` (the whole selection) as ``query`` asks, with its meta."""
        origin = _origin(request)
        size, page, start = query.page_size, query.page, query.offset
        end = start + size
        this_token = start if "PageToken" in request.query else None
        this_url = self._page_url(origin, query, page, this_token, path)
        next_origin = self._next_page_origin or origin
        if self._repeat_next_page:
            next_url: str | None = next_origin + this_url[len(origin) :]
        elif end < len(bodies):
            next_url = self._page_url(next_origin, query, page + 1, end, path)
        else:
            next_url = None
        previous_url = None
        if page > 0:
            previous_offset = max(start - size, 0) if page > 1 else None
            previous_url = self._page_url(origin, query, page - 1, previous_offset, path)
        meta = {
            "page": page,
            "page_size": size,
            "first_page_url": self._page_url(origin, query, 0, None, path),
            "previous_page_url": previous_url,
            "url": this_url,
            "next_page_url": next_url,
            "key": key,
        }
        records = rebase(b",".join(bodies[start:end]), _origin_bytes(origin))
        body = b"".join(
            (b'{"', key.encode(), b'":[', records, b'],"meta":', json_dumps(meta), b"}")
        )
        return self._response(200, body)

    def _participant_conference(self, request: web.Request) -> TwilioRow | web.Response:
        sid = request.match_info["sid"]
        row = self._store.find(sid) if CONFERENCE_SID_RE.fullmatch(sid) else None
        if row is None:
            return self._response(404, not_found_body(f"/Conferences/{sid}/Participants"))
        return row

    async def list_participants(self, request: web.Request) -> web.Response:
        conference = self._participant_conference(request)
        if isinstance(conference, web.Response):
            return conference
        query = parse_participant_query(request.query)
        if isinstance(query, str):
            return self._response(400, twilio_error(20001, query, 400))
        bodies = self.participants.select(conference, query)
        path = f"{CONFERENCES_PATH}/{conference.sid}/Participants"
        return self._page(request, query, bodies, path, "participants")

    async def retrieve_participant(self, request: web.Request) -> web.Response:
        conference = self._participant_conference(request)
        if isinstance(conference, web.Response):
            return conference
        wanted = request.match_info["participant_sid"]
        for row in self.participants.rows(conference):
            if row.sid == wanted:
                return self._response(200, rebase(row.body, _origin_bytes(_origin(request))))
        return self._response(
            404, not_found_body(f"/Conferences/{conference.sid}/Participants/{wanted}")
        )

    async def retrieve_conference(self, request: web.Request) -> web.Response:
        sid = request.match_info["sid"]
        row = self._store.find(sid) if CONFERENCE_SID_RE.fullmatch(sid) else None
        if row is None:
            return self._response(404, not_found_body(f"/Conferences/{sid}"))
        return self._response(200, rebase(row.body, _origin_bytes(_origin(request))))
