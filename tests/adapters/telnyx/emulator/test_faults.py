"""The Telnyx emulator's fault answers: Telnyx-shaped bodies, rate-limit headers, and what a
faulted create did."""

from __future__ import annotations

import aiohttp
import pytest

from confclient.sandbox import FaultKind, Sandbox
from tests.sandbox.sandbox_helpers import Api

CALL = "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg"


async def test_500(api: Api, sandbox: Sandbox) -> None:
    sandbox.queue_faults("500")
    status, headers, body = await api.list()
    assert status == 500
    assert "Retry-After" not in headers
    assert headers["X-Request-Id"]
    assert body == {
        "errors": [
            {"code": "10000", "title": "Internal error", "detail": "An unexpected error occurred."}
        ]
    }
    assert sandbox.stats.faults == {"500": 1}


async def test_503_carries_retry_after_and_429_the_ratelimit_headers(
    api: Api, sandbox: Sandbox
) -> None:
    """Telnyx documents no Retry-After on a 429, only x-ratelimit-limit, -remaining and
    -reset (seconds until the window resets): the sandbox answers as Telnyx does."""
    sandbox.queue_faults(FaultKind.SERVICE_UNAVAILABLE, "429")
    status, headers, body = await api.list()
    assert (status, headers["Retry-After"]) == (503, "1")
    assert body["errors"][0]["title"] == "Service unavailable"
    status, headers, body = await api.list()
    assert status == 429
    assert "Retry-After" not in headers
    assert headers["x-ratelimit-reset"] == "1"
    assert headers["x-ratelimit-remaining"] == "0"
    assert int(headers["x-ratelimit-limit"]) > 0
    assert body == {
        "errors": [
            {"code": "10011", "title": "Too many requests", "detail": "Rate limit exceeded."}
        ]
    }
    status, _, _ = await api.list()
    assert status == 200
    assert sandbox.stats.faults == {"503": 1, "429": 1}
    assert sandbox.stats.total_faults == 2


@pytest.mark.parametrize(
    ("seconds", "header"), [(0, "0"), (0.25, "0.25"), (2.0, "2"), (1.5, "1.5")]
)
async def test_retry_after_values(
    session: aiohttp.ClientSession, seconds: float, header: str
) -> None:
    async with Sandbox(size=1, retry_after=seconds) as sb:
        sb.queue_faults("429", "503")
        for expected_status, name in ((429, "x-ratelimit-reset"), (503, "Retry-After")):
            async with session.get(sb.telnyx_base_url + "/conferences") as response:
                assert response.status == expected_status
                assert response.headers[name] == header


async def test_status_faults_change_nothing(api: Api, sandbox: Sandbox) -> None:
    sandbox.queue_faults("503", "429", "500", method="POST")
    payload = {"call_control_id": CALL, "name": "Fragile", "command_id": "cmd-1"}
    for expected in (503, 429, 500):
        assert (await api.post(payload))[0] == expected
    assert sandbox.stats.created == 0
    status, _, body = await api.post(payload)
    assert status == 200
    assert sandbox.stats.created == 1
    assert body["data"]["name"] == "Fragile"


async def test_dropped_post_took_effect_and_replays(
    session: aiohttp.ClientSession, api: Api, sandbox: Sandbox
) -> None:
    sandbox.queue_faults("drop", method="POST")
    payload = {"call_control_id": CALL, "name": "Lost reply", "command_id": "cmd-2"}
    with pytest.raises((aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError)):
        async with session.post(
            sandbox.telnyx_base_url + "/conferences", json=payload, headers=api.headers
        ) as r:
            await r.read()
    assert sandbox.stats.created == 1
    status, _, body = await api.post(payload)
    assert status == 200
    assert body["data"]["name"] == "Lost reply"
    assert sandbox.stats.created == 1
