"""Thin helpers over plain aiohttp for talking to the sandbox (no confclient client code), and
the fixtures of the sandbox's tests and of the emulators' (each conftest imports them)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import pytest
import yarl

from confclient.sandbox import Sandbox

Reply = tuple[int, Mapping[str, str], Any]


class Api:
    """Requests against a running sandbox, authenticated with its Telnyx key by default."""

    def __init__(self, session: aiohttp.ClientSession, sandbox: Sandbox) -> None:
        self.session = session
        self.sandbox = sandbox
        self.headers = {"Authorization": f"Bearer {sandbox.telnyx_api_key}"}

    def url(self, path: str) -> yarl.URL:
        """``path`` (already percent-encoded, query included) on the sandbox."""
        return yarl.URL(self.sandbox.base_url + path, encoded=True)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        async with self.session.request(
            method,
            self.url(path),
            params=params,
            json=json,
            data=data,
            headers=self.headers if headers is None else headers,
        ) as response:
            assert response.content_type == "application/json"
            return response.status, response.headers, await response.json()

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Reply:
        return await self.request("GET", path, params=params)

    async def list(self, **params: str | int) -> Reply:
        """``GET /v2/conferences``; ``page_size=5`` is sent as ``page[size]=5`` and so on."""
        query = {_bracketed(key): str(value) for key, value in params.items()}
        return await self.get("/v2/conferences", query)

    async def post(self, payload: Any) -> Reply:
        return await self.request("POST", "/v2/conferences", json=payload)


def _bracketed(key: str) -> str:
    # page_size -> page[size], filter_name -> filter[name]; other keys pass through.
    for prefix in ("page_", "filter_"):
        if key.startswith(prefix):
            return f"{prefix[:-1]}[{key[len(prefix) :]}]"
    return key


def basic_auth(username: str, password: str) -> dict[str, str]:
    """An ``Authorization: Basic`` header (built by hand: aiohttp's BasicAuth is deprecated)."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class TwilioApi:
    """Requests against a running sandbox's Twilio routes, with ``account_sid:auth_token``."""

    def __init__(self, session: aiohttp.ClientSession, sandbox: Sandbox) -> None:
        self.session = session
        self.sandbox = sandbox
        self.headers = basic_auth(sandbox.twilio_account_sid, sandbox.twilio_auth_token)

    async def get_url(
        self,
        url: str | yarl.URL,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """GET an absolute URL (a string is sent exactly as given: already encoded)."""
        target = yarl.URL(url, encoded=True) if isinstance(url, str) else url
        async with self.session.get(
            target, params=params, headers=self.headers if headers is None else headers
        ) as response:
            assert response.content_type == "application/json"
            assert response.headers["Twilio-Request-Id"].startswith("RQ")
            return response.status, response.headers, await response.json()

    async def get(
        self,
        path: str,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """GET ``path`` (already percent-encoded) on the sandbox root."""
        return await self.get_url(self.sandbox.base_url + path, params, headers)

    async def list(self, **params: str | int) -> Reply:
        """``GET /v1/Conferences`` with PascalCase parameters (``PageSize=5``)."""
        query = {key: str(value) for key, value in params.items()}
        return await self.get("/v1/Conferences", query)

    async def walk(self, **params: str | int) -> tuple[list[dict[str, Any]], list[str]]:
        """Follow ``next_page_url`` from the first page to the end: every record and every
        page URL requested."""
        status, _, body = await self.list(**params)
        assert status == 200, body
        records = list(body["conferences"])
        urls = [body["meta"]["url"]]
        while body["meta"]["next_page_url"] is not None:
            url = body["meta"]["next_page_url"]
            assert url not in urls, "the sandbox repeated a page"
            status, _, body = await self.get_url(url)
            assert status == 200, body
            assert body["meta"]["url"] == url
            urls.append(url)
            records.extend(body["conferences"])
        return records, urls


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=0, size=100) as sb:
        yield sb


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def api(session: aiohttp.ClientSession, sandbox: Sandbox) -> Api:
    return Api(session, sandbox)


@pytest.fixture
def twilio(session: aiohttp.ClientSession, sandbox: Sandbox) -> TwilioApi:
    return TwilioApi(session, sandbox)
