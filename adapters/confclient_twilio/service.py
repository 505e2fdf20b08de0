"""Twilio Voice Insights conference summaries: glue between the pure parts and the transport."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Final, Unpack

from yarl import URL

from confclient import (
    Capability,
    Conference,
    ConfigurationError,
    InvalidRequestError,
    ListQuery,
    Pager,
    Participant,
    UnsafeRedirectError,
)
from confclient.adapter import (
    BaseConferenceService,
    ParticipantQuery,
    RawPage,
    ServiceOptions,
    check_credential,
    raise_for_status,
)

from .pages import check_page_resource, check_resumed_query, parse_page
from .params import MIXER_REGIONS, build_list_params, check_conference_sid, check_saved_query
from .participant_pages import (
    build_participant_params,
    check_participant_sid,
    check_resumed_participants,
    check_saved_participant_query,
    parse_participant_page,
    participant_path,
)
from .participant_records import TYPED_PARTICIPANTS, parse_participant_response
from .records import (
    PROVIDER,
    RETRY_RULES,
    TYPED_CONFERENCES,
    parse_conference_response,
    parse_error,
)

__all__ = ["DEFAULT_BASE_URL", "TwilioInsightsConferenceService"]

DEFAULT_BASE_URL: Final = "https://insights.twilio.com/v1"

# fullmatch: "$" alone would let a trailing line break through.
_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
_API_KEY = re.compile(r"SK[0-9a-fA-F]{32}")


def _secret(value: object, name: str) -> str:
    secret = check_credential(value, name)
    if ":" in secret:
        raise ConfigurationError(f"{name} must not contain ':'")
    return secret


def _missing_credentials(
    account_sid: object, auth_token: object, api_key: object, api_secret: object
) -> list[str]:
    """The credentials not given at all (``None`` or empty), in the order they are needed."""
    given = {
        name: value not in (None, "")
        for name, value in (
            ("account_sid", account_sid),
            ("auth_token", auth_token),
            ("api_key", api_key),
            ("api_secret", api_secret),
        )
    }
    missing = [] if given["account_sid"] else ["account_sid"]
    if given["auth_token"]:
        return missing  # with an API key too: refused later as two credentials
    if given["api_key"] or given["api_secret"]:
        return missing + [name for name in ("api_key", "api_secret") if not given[name]]
    return [*missing, "auth_token"]


def _basic_auth(
    account_sid: object, auth_token: object, api_key: object, api_secret: object
) -> str:
    if not isinstance(account_sid, str) or not _ACCOUNT_SID.fullmatch(account_sid):
        raise ConfigurationError(
            "twilio needs account_sid (AC + 32 hex digits; env TWILIO_ACCOUNT_SID), "
            f"got {account_sid!r:.40}"
        )
    if api_key is not None or api_secret is not None:
        if auth_token is not None:
            raise ConfigurationError(
                "give either auth_token, or api_key with api_secret — not both"
            )
        if not isinstance(api_key, str) or not _API_KEY.fullmatch(api_key):
            raise ConfigurationError(
                f"api_key must be an API key SID (SK + 32 hex digits; env TWILIO_API_KEY), "
                f"got {api_key!r:.40}"
            )
        password = _secret(api_secret, "api_secret")
        return _encode_basic(api_key, password)
    token = _secret(auth_token, "auth_token")
    return _encode_basic(account_sid, token)


def _encode_basic(user: str, password: str) -> str:
    # RFC 7617, UTF-8. (aiohttp.BasicAuth is deprecated as of aiohttp 3.14.)
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


class TwilioInsightsConferenceService(BaseConferenceService):
    """Twilio Voice Insights conference summaries: list and retrieve.

    >>> svc = TwilioInsightsConferenceService(account_sid="AC…", auth_token="…")  # doctest: +SKIP
    >>> async for conf in svc.list(region="us1", status="completed"):         # doctest: +SKIP
    ...     print(conf.id, conf.duration)

    Credentials: the Account SID with its Auth Token, or an API key SID (``SK…``) and
    secret with the Account SID (HTTP Basic auth). ``region`` is the mixer region.
    ``create`` is not offered by the Insights API (``UnsupportedOperationError``).
    """

    provider: ClassVar[str] = PROVIDER
    regions: ClassVar[tuple[str, ...]] = MIXER_REGIONS
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.LIST, Capability.GET, Capability.PARTICIPANTS}
    )
    env_variables: ClassVar[Mapping[str, str]] = MappingProxyType(
        {
            "account_sid": "TWILIO_ACCOUNT_SID",
            "auth_token": "TWILIO_AUTH_TOKEN",
            "api_key": "TWILIO_API_KEY",
            "api_secret": "TWILIO_API_SECRET",
            "base_url": "TWILIO_INSIGHTS_BASE_URL",
        }
    )
    api_version: ClassVar[str | None] = "v1"
    default_base_url: ClassVar[str | None] = DEFAULT_BASE_URL
    emulator: ClassVar[str | None] = "confclient_twilio.emulator:TwilioEmulator"
    webhooks: ClassVar[str | None] = "confclient_twilio.events:TwilioWebhookVerifier"

    def __init__(
        self,
        account_sid: str | None = None,
        auth_token: str | None = None,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        **options: Unpack[ServiceOptions],
    ) -> None:
        missing = _missing_credentials(account_sid, auth_token, api_key, api_secret)
        if missing:
            raise self.missing_options(*missing)
        authorization = _basic_auth(account_sid, auth_token, api_key, api_secret)
        self.account_sid = account_sid
        super().__init__(headers={"Authorization": authorization}, rules=RETRY_RULES, **options)
        self._list_path = self._transport.url("Conferences").raw_path

    @classmethod
    def options_from_env(cls, env: Mapping[str, str]) -> dict[str, Any]:
        """Options read by :func:`confclient.connect_from_env` (see :attr:`env_variables`);
        with both an auth token and an API key set, the API key (the narrower credential).
        """
        options = super().options_from_env(env)
        if "api_key" in options and "auth_token" in options:
            del options["auth_token"]
        return options

    # -- list -------------------------------------------------------------------------------

    def _list(self, query: ListQuery) -> Pager:
        url = self._transport.url("Conferences", params=build_list_params(query))
        return Pager(self, url.raw_path_qs, limit=query.limit)

    def _resume(self, query: ListQuery, cursor: Any, skip: int) -> Pager:
        try:
            saved = self._cursor_url(cursor)
        except UnsafeRedirectError:
            # A token naming another origin or resource, or no URL at all, was not made by
            # us: forged or damaged.
            raise InvalidRequestError(
                "resume_token is damaged: it does not name a page of this service's listing"
            ) from None
        check_saved_query(list(saved.query.items()))
        check_resumed_query(saved.query, query)
        return Pager(self, cursor, limit=query.limit, skip=skip)

    def _cursor_url(self, cursor: object, list_path: str | None = None) -> URL:
        """The page URL a cursor names: on our origin, on the list resource (``list_path``,
        default the conference list), or refused."""
        if not isinstance(cursor, str):
            raise InvalidRequestError("resume_token is damaged: not a twilio listing position")
        # Requested exactly as Twilio sent it (encoded); the transport refuses it when it is
        # no URL, holds what a URL cannot carry, or points anywhere but our origin.
        url = self._transport.pin(cursor, encoded=True)
        expected = self._list_path if list_path is None else list_path
        check_page_resource(url.raw_path, expected, str(url.with_query(None)))
        return url

    async def fetch_page(self, cursor: Any) -> RawPage[Conference]:
        """Fetch the page a cursor names (the :class:`confclient.paging.PageSource` hook)."""
        response = await self._transport.request(
            "GET", self._cursor_url(cursor), loads=TYPED_CONFERENCES.loads
        )
        return parse_page(
            response.status,
            response.headers,
            response.data,
            response.text,
            # Checked now, before anything is sent there: same origin, same resource.
            next_cursor=lambda url: self._cursor_url(url).raw_path_qs,
            method=response.method,
            url=str(response.url),
        )

    # -- participants -----------------------------------------------------------------------

    def _participants(
        self, conference_id: str, region: str | None, query: ParticipantQuery
    ) -> Pager:
        url = self._transport.url(
            *participant_path(conference_id), params=build_participant_params(query)
        )
        return Pager(_ParticipantPages(self, url.raw_path), url.raw_path_qs, limit=query.limit)

    def _resume_participants(
        self,
        conference_id: str,
        region: str | None,
        query: ParticipantQuery,
        cursor: Any,
        skip: int,
    ) -> Pager:
        list_path = self._transport.url(*participant_path(conference_id)).raw_path
        try:
            saved = self._cursor_url(cursor, list_path)
        except UnsafeRedirectError:
            raise InvalidRequestError(
                "resume_token is damaged, or continues the participants of another conference"
            ) from None
        check_saved_participant_query(list(saved.query.items()))
        check_resumed_participants(saved.query, query)
        return Pager(_ParticipantPages(self, list_path), cursor, limit=query.limit, skip=skip)

    async def _get_participant(
        self, conference_id: str, region: str | None, participant_id: str
    ) -> Participant:
        sid = check_participant_sid(participant_id)
        url = self._transport.url(*participant_path(conference_id), sid)
        response = await self._transport.request("GET", url)
        raise_for_status(response, parse_error)
        return parse_participant_response(
            response.status, response.headers, response.data, response.text
        )

    # -- get --------------------------------------------------------------------------------

    async def _get(self, id: str, *, region: str | None) -> Conference:
        # By SID alone: a region (already checked by the caller) is not needed.
        url = self._transport.url("Conferences", check_conference_sid(id, "id"))
        response = await self._transport.request("GET", url)
        raise_for_status(response, parse_error)
        return parse_conference_response(
            response.status, response.headers, response.data, response.text
        )


class _ParticipantPages:
    """The page source of one participant listing: every page on ``list_path``."""

    def __init__(self, service: TwilioInsightsConferenceService, list_path: str) -> None:
        self.provider = service.provider
        self.pause_gc = service.pause_gc
        self._service = service
        self._list_path = list_path

    def _url(self, cursor: object) -> URL:
        return self._service._cursor_url(cursor, self._list_path)

    async def fetch_page(self, cursor: Any) -> RawPage[Participant]:
        response = await self._service.transport.request(
            "GET", self._url(cursor), loads=TYPED_PARTICIPANTS.loads
        )
        return parse_participant_page(
            response.status,
            response.headers,
            response.data,
            response.text,
            next_cursor=lambda url: self._url(url).raw_path_qs,
            method=response.method,
            url=str(response.url),
        )
