"""Latency and fault injection as a client observes them (the host's part, seen through the
Telnyx routes; each emulator's fault bodies are tested with it)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import aiohttp
import pytest

from confclient.sandbox import FaultKind, QueuedFault, Sandbox
from tests.sandbox.sandbox_helpers import Api


async def test_drop_is_a_client_error(
    session: aiohttp.ClientSession, api: Api, sandbox: Sandbox
) -> None:
    sandbox.queue_faults("drop")
    async with session.get(sandbox.telnyx_base_url + "/conferences", headers=api.headers) as r:
        assert r.status == 200
        assert int(r.headers["Content-Length"]) > 0
        with pytest.raises((aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError)):
            await r.read()
    assert sandbox.stats.faults == {"drop": 1}
    # The server is fine afterwards.
    status, _, _ = await api.list()
    assert status == 200


async def test_truncate_is_complete_http_with_broken_json(
    session: aiohttp.ClientSession, api: Api, sandbox: Sandbox
) -> None:
    sandbox.queue_faults("truncate")
    async with session.get(sandbox.telnyx_base_url + "/conferences", headers=api.headers) as r:
        assert r.status == 200
        raw = await r.read()
        assert int(r.headers["Content-Length"]) == len(raw)
        assert r.headers["X-Request-Id"]
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw)
    _, _, full = await api.list()
    whole = json.dumps(full, separators=(",", ":")).encode()
    assert raw == whole[: len(whole) // 2]


async def test_queue_order_prefix_and_method(api: Api, sandbox: Sandbox) -> None:
    record_id = sandbox.telnyx_records()[0]["id"]
    sandbox.queue_faults("503", path_prefix="/v2/conferences/")
    sandbox.queue_faults("429", "500", path_prefix="/v2/conferences")
    assert sandbox.queued_faults[0] == QueuedFault(
        FaultKind.SERVICE_UNAVAILABLE, "/v2/conferences/"
    )
    assert (await api.list())[0] == 429  # the 503 waits for a /v2/conferences/ path
    assert (await api.get(f"/v2/conferences/{record_id}"))[0] == 503
    assert (await api.get(f"/v2/conferences/{record_id}"))[0] == 500
    assert (await api.list())[0] == 200
    assert sandbox.queued_faults == ()
    sandbox.queue_faults("500", "500")
    sandbox.clear_faults()
    assert (await api.list())[0] == 200
    with pytest.raises(ValueError, match="unknown fault kind"):
        sandbox.queue_faults("404")


async def test_fault_rate_is_seeded(session: aiohttp.ClientSession) -> None:
    runs = []
    for _ in range(2):
        async with Sandbox(seed=11, size=3, fault_rate=0.5, faults=["500", "503", "429"]) as sb:
            statuses = []
            for _ in range(30):
                async with session.get(sb.telnyx_base_url + "/conferences") as response:
                    statuses.append(response.status)
            runs.append(statuses)
            assert sb.stats.total_faults == sum(s != 401 for s in statuses)
    assert runs[0] == runs[1]
    assert {500, 503, 429, 401} <= set(runs[0])


async def test_fault_rate_knob(api: Api, sandbox: Sandbox) -> None:
    sandbox.set_fault_rate(1.0)
    assert sandbox.fault_rate == 1.0
    for _ in range(5):
        # drop / truncate surface as client or JSON errors
        with contextlib.suppress(aiohttp.ClientError, ValueError):
            await api.list()
    assert sandbox.stats.total_faults == 5
    sandbox.set_fault_rate(0)
    assert (await api.list())[0] == 200
    with pytest.raises(ValueError, match="fault_rate"):
        sandbox.set_fault_rate(-0.1)


async def test_latency_knob(api: Api, sandbox: Sandbox) -> None:
    sandbox.set_latency(120)
    assert sandbox.latency_ms == 120
    started = time.perf_counter()
    await api.list()
    assert time.perf_counter() - started >= 0.12
    sandbox.set_latency(0)


async def test_latency_from_constructor(session: aiohttp.ClientSession) -> None:
    async with Sandbox(size=1, latency_ms=80) as sb:
        started = time.perf_counter()
        async with session.get(sb.telnyx_base_url + "/conferences") as response:
            assert response.status == 401
        assert time.perf_counter() - started >= 0.08


async def test_max_in_flight(api: Api, sandbox: Sandbox) -> None:
    sandbox.set_latency(200)
    results = await asyncio.gather(*(api.list(page_number=n) for n in range(1, 11)))
    assert [status for status, _, _ in results] == [200] * 10
    assert sandbox.stats.max_in_flight >= 5
    assert sandbox.stats.in_flight == 0
    assert sandbox.stats.requests["GET", "/v2/conferences"] == 10
