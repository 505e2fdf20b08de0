"""README's aiohttp.web pattern: one service per app, shared by handlers, closed at shutdown;
the same handler code for both providers, switched by configuration only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

import confclient
from confclient.sandbox import Sandbox

CONFERENCES = web.AppKey("conferences", confclient.ConferenceService)


def make_app(env: dict[str, str]) -> web.Application:
    async def conferences_ctx(app: web.Application) -> AsyncIterator[None]:
        async with confclient.connect_from_env(env=env) as svc:
            app[CONFERENCES] = svc
            yield

    async def list_conferences(request: web.Request) -> web.Response:
        svc = request.app[CONFERENCES]
        items = await svc.list(region=request.query.get("region"), limit=100).collect()
        return web.json_response(
            [{"id": c.id, "name": c.name, "status": c.status.value} for c in items]
        )

    app = web.Application()
    app.cleanup_ctx.append(conferences_ctx)
    app.router.add_get("/conferences", list_conferences)
    return app


@pytest.mark.parametrize(("provider", "region"), [("telnyx", "Europe"), ("twilio", "ie1")])
async def test_same_app_two_configurations(provider: str, region: str) -> None:
    async with Sandbox(seed=2, size=12) as sb:
        env = {
            "CONFCLIENT_PROVIDER": provider,
            "TELNYX_API_KEY": sb.telnyx_api_key,
            "TELNYX_BASE_URL": sb.telnyx_base_url,
            "TWILIO_ACCOUNT_SID": sb.twilio_account_sid,
            "TWILIO_AUTH_TOKEN": sb.twilio_auth_token,
            "TWILIO_INSIGHTS_BASE_URL": sb.twilio_base_url,
        }
        app = make_app(env)
        async with TestClient(TestServer(app)) as client:
            responses = [
                await client.get("/conferences", params={"region": region}) for _ in range(3)
            ]
            bodies = [await r.json() for r in responses]
            svc = app[CONFERENCES]
            assert svc.provider == provider
        assert all(r.status == 200 for r in responses)
        assert bodies[0] == bodies[1] == bodies[2]
        expected = (
            [r["id"] for r in sb.telnyx_records(region)]
            if provider == "telnyx"
            else [r["conference_sid"] for r in sb.twilio_records(region)]
        )
        assert [b["id"] for b in bodies[0]] == expected
        assert svc.closed  # closed at app shutdown
