"""A thin helper over plain aiohttp for talking to the sandbox (no confclient client code)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
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
