"""Latency and injected faults on the Twilio routes: Twilio-shaped bodies, Retry-After."""

from __future__ import annotations

import contextlib
import json
import time

import aiohttp
import pytest

from confclient.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import TwilioApi, basic_auth


def error(code: int, message: str, status: int) -> dict[str, object]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


async def test_500_503_429_bodies(twilio: TwilioApi, sandbox: Sandbox) -> None:
    sandbox.queue_faults("500", "503", "429", path_prefix="/v1/Conferences")
    status, headers, body = await twilio.list()
    assert (status, body) == (500, error(20500, "Internal Server Error", 500))
    assert "Retry-After" not in headers
    assert headers["X-Request-Id"]
    status, headers, body = await twilio.list()
    assert (status, body) == (503, error(20503, "Service Unavailable", 503))
    assert headers["Retry-After"] == "1"
    sid = sandbox.twilio_records()[0]["conference_sid"]
    status, headers, body = await twilio.get(f"/v1/Conferences/{sid}")
    assert (status, body) == (429, error(20429, "Too Many Requests", 429))
    assert headers["Retry-After"] == "1"
    assert (await twilio.list())[0] == 200
    assert sandbox.stats.faults == {"500": 1, "503": 1, "429": 1}


async def test_faults_answer_before_authentication(session: aiohttp.ClientSession) -> None:
    async with Sandbox(size=1, retry_after=0.25) as sb:
        sb.queue_faults("429", "503", path_prefix="/v1/")
        for expected_status in (429, 503):
            async with session.get(sb.twilio_base_url + "/Conferences") as response:
                assert response.status == expected_status
                assert response.headers["Retry-After"] == "0.25"
                assert response.headers["Twilio-Request-Id"].startswith("RQ")
                assert (await response.json())["code"] == 20000 + expected_status


async def test_queued_faults_respect_the_provider_prefix(
    twilio: TwilioApi, sandbox: Sandbox, session: aiohttp.ClientSession
) -> None:
    sandbox.queue_faults("503", path_prefix="/v1/Conferences/")
    assert (await twilio.list())[0] == 200  # the list path does not start with the prefix
    telnyx_headers = {"Authorization": f"Bearer {sandbox.telnyx_api_key}"}
    async with session.get(sandbox.telnyx_base_url + "/conferences", headers=telnyx_headers) as r:
        assert r.status == 200
    status, _, body = await twilio.get("/v1/Conferences/CF1")
    assert (status, body["code"]) == (503, 20503)


async def test_drop(twilio: TwilioApi, sandbox: Sandbox, session: aiohttp.ClientSession) -> None:
    sandbox.queue_faults("drop", path_prefix="/v1")
    async with session.get(sandbox.twilio_base_url + "/Conferences", headers=twilio.headers) as r:
        assert r.status == 200
        assert r.headers["Twilio-Request-Id"].startswith("RQ")
        with pytest.raises((aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError)):
            await r.read()
    assert sandbox.stats.faults == {"drop": 1}
    assert (await twilio.list())[0] == 200


async def test_truncate(
    twilio: TwilioApi, sandbox: Sandbox, session: aiohttp.ClientSession
) -> None:
    sandbox.queue_faults("truncate", path_prefix="/v1")
    url = sandbox.twilio_base_url + "/Conferences?PageSize=3"
    async with session.get(url, headers=twilio.headers) as r:
        assert r.status == 200
        raw = await r.read()
        assert int(r.headers["Content-Length"]) == len(raw)
        assert r.headers["Twilio-Request-Id"].startswith("RQ")
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw)
    _, _, full = await twilio.get("/v1/Conferences?PageSize=3")
    whole = json.dumps(full, separators=(",", ":")).encode()
    assert raw == whole[: len(whole) // 2]


async def test_fault_rate_applies_to_twilio(session: aiohttp.ClientSession) -> None:
    runs = []
    for _ in range(2):
        async with Sandbox(seed=5, size=3, fault_rate=0.5, faults=["500", "503", "429"]) as sb:
            headers = basic_auth(sb.twilio_account_sid, sb.twilio_auth_token)
            statuses = []
            for _ in range(30):
                async with session.get(sb.twilio_base_url + "/Conferences", headers=headers) as r:
                    statuses.append(r.status)
                    if r.status != 200:
                        assert (await r.json())["code"] == 20000 + r.status
            runs.append(statuses)
            assert sb.stats.total_faults == sum(s != 200 for s in statuses)
            assert sb.stats.requests["GET", "/v1/Conferences"] == 30
    assert runs[0] == runs[1]
    assert {200, 500, 503, 429} <= set(runs[0])


async def test_fault_rate_knob(twilio: TwilioApi, sandbox: Sandbox) -> None:
    sandbox.set_fault_rate(1.0)
    for _ in range(4):
        with contextlib.suppress(aiohttp.ClientError, ValueError):
            await twilio.list()
    assert sandbox.stats.total_faults == 4
    sandbox.set_fault_rate(0)
    assert (await twilio.list())[0] == 200


async def test_latency(twilio: TwilioApi, sandbox: Sandbox) -> None:
    sandbox.set_latency(100)
    started = time.perf_counter()
    assert (await twilio.list())[0] == 200
    assert time.perf_counter() - started >= 0.1
    sandbox.set_latency(0)
