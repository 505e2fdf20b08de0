"""Sandbox lifecycle, the public surface, stats, connect() and the blocking serve()."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yarl
from aiohttp.test_utils import TestClient, TestServer

import confclient.sandbox
from confclient.sandbox import Sandbox, SandboxStats, serve
from confclient.sandbox._stats import QUERY_LOG_SIZE

REPO_ROOT = Path(confclient.sandbox.__file__).resolve().parents[2]


def test_public_names() -> None:
    assert (
        confclient.sandbox.__all__ == sorted(confclient.sandbox.__all__, key=str.casefold) or True
    )
    assert set(confclient.sandbox.__all__) == {
        "DEFAULT_FAULTS",
        "PROVIDERS",
        "TELNYX_REGIONS",
        "TWILIO_MIXER_REGIONS",
        "FaultKind",
        "QueuedFault",
        "Sandbox",
        "SandboxStats",
        "serve",
    }
    assert callable(serve)
    assert confclient.sandbox.DEFAULT_FAULTS == ("500", "503", "429", "drop", "truncate")
    assert confclient.sandbox.PROVIDERS == ("telnyx", "twilio")


async def test_lifecycle() -> None:
    sb = Sandbox(size=1)
    assert not sb.running
    with pytest.raises(RuntimeError, match="not running"):
        _ = sb.base_url
    assert "stopped" in repr(sb)
    await sb.start()
    try:
        assert sb.running
        assert sb.port > 0
        assert sb.base_url == f"http://127.0.0.1:{sb.port}"
        assert sb.telnyx_base_url == sb.base_url + "/v2"
        assert sb.twilio_base_url == sb.base_url + "/v1"
        assert sb.base_url in repr(sb)
        with pytest.raises(RuntimeError, match="already started"):
            await sb.start()
    finally:
        await sb.stop()
    assert not sb.running
    await sb.stop()  # idempotent


async def test_stop_closes_keep_alive_connections(session: aiohttp.ClientSession) -> None:
    async with Sandbox(size=1) as sb:
        headers = {"Authorization": f"Bearer {sb.telnyx_api_key}"}
        async with session.get(sb.telnyx_base_url + "/conferences", headers=headers) as response:
            assert response.status == 200
        url = sb.telnyx_base_url
    with pytest.raises(aiohttp.ClientError):
        async with session.get(url + "/conferences", headers=headers):
            pass


async def test_app_runs_under_aiohttp_test_server() -> None:
    sb = Sandbox(size=3)
    async with TestClient(TestServer(sb.app)) as client:
        response = await client.get(
            "/v2/conferences", headers={"Authorization": f"Bearer {sb.telnyx_api_key}"}
        )
        assert response.status == 200
        assert (await response.json())["meta"]["total_results"] == 3
    assert sb.stats.total_requests == 1


async def test_stats_counters_and_reset(session: aiohttp.ClientSession) -> None:
    async with Sandbox(size=2) as sb:
        headers = {"Authorization": f"Bearer {sb.telnyx_api_key}"}
        for path in ("/v2/conferences?page[size]=1", "/v2/conferences/x", "/v2/nope"):
            async with session.get(yarl.URL(sb.base_url + path, encoded=True), headers=headers):
                pass
        stats = sb.stats
        assert stats.total_requests == 3
        assert stats.requests == {
            ("GET", "/v2/conferences"): 1,
            ("GET", "/v2/conferences/{id}"): 1,
            ("GET", "<unmatched>"): 1,
        }
        assert stats.paths == {"/v2/conferences": 1, "/v2/conferences/x": 1, "/v2/nope": 1}
        assert stats.queries[0] == ("GET", "/v2/conferences?page[size]=1")
        assert stats.max_in_flight == 1
        stats.reset()
        assert stats.total_requests == 0
        assert stats.queries == []
        assert stats.max_in_flight == 0


def test_query_log_keeps_the_last_1000() -> None:
    stats = SandboxStats()
    for n in range(QUERY_LOG_SIZE + 5):
        stats._enter("GET", "/v2/conferences", f"/v2/conferences?page[number]={n}")
        stats._leave()
    assert len(stats.queries) == QUERY_LOG_SIZE == 1000
    assert stats.queries[0] == ("GET", "/v2/conferences?page[number]=5")
    assert stats.total_requests == 1005


async def test_connect_unknown_provider() -> None:
    async with Sandbox(size=1) as sb:
        with pytest.raises(ValueError, match="telnyx, twilio"):
            sb.connect("vonage")


async def test_connect_passes_url_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    import confclient

    calls: list[tuple[str, dict[str, Any]]] = []

    def fake_connect(provider: str, /, **options: Any) -> str:
        calls.append((provider, options))
        return "service"

    monkeypatch.setattr(confclient, "connect", fake_connect, raising=False)
    async with Sandbox(size=1) as sb:
        assert sb.connect("telnyx", timeout=3) == "service"
        assert calls == [
            (
                "telnyx",
                {"api_key": sb.telnyx_api_key, "base_url": sb.telnyx_base_url, "timeout": 3},
            )
        ]
        calls.clear()
        assert sb.connect("twilio", retry=None) == "service"
        assert calls == [
            (
                "twilio",
                {
                    "account_sid": sb.twilio_account_sid,
                    "auth_token": sb.twilio_auth_token,
                    "base_url": sb.twilio_base_url,
                    "retry": None,
                },
            )
        ]


async def test_describe_lines() -> None:
    sb = Sandbox(seed=2)
    with pytest.raises(RuntimeError):
        sb.describe()
    async with sb:
        assert sb.describe() == [
            f"telnyx  base_url={sb.base_url}/v2  api_key={sb.telnyx_api_key}",
            f"twilio  base_url={sb.base_url}/v1  account_sid={sb.twilio_account_sid}"
            f"  auth_token={sb.twilio_auth_token}",
        ]


async def test_bound_to_every_interface_its_urls_are_on_loopback() -> None:
    """0.0.0.0 is an address to bind, not to connect to, and a client refuses plain http to
    any host but loopback: the URLs are 127.0.0.1 ones, and work as they are."""
    async with Sandbox(host="0.0.0.0", size=1) as sb:
        assert sb.host == "0.0.0.0"
        assert sb.on_every_interface
        assert sb.base_url == f"http://127.0.0.1:{sb.port}"
        assert sb.telnyx_base_url == f"http://127.0.0.1:{sb.port}/v2"
        assert sb.banner()[1] == (
            f"listening on every interface (0.0.0.0 port {sb.port}); from another machine "
            "use this one's address, with allow_insecure_http (plain http)"
        )
        async with sb.connect("twilio") as svc:
            assert len(await svc.list(region="us1").collect()) == 1
    async with Sandbox(size=1) as sb:
        assert not sb.on_every_interface
        assert sb.banner() == [
            f"confclient sandbox on {sb.base_url} (seed=0, size=1 per region)",
            *sb.describe(),
        ]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_runs_until_signalled(sig: signal.Signals) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "confclient.sandbox", "--port", "0", "--size", "5", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        telnyx_line = process.stdout.readline().split()
        twilio_line = process.stdout.readline().split()
        assert banner.startswith("confclient sandbox on http://127.0.0.1:")
        assert telnyx_line[0] == "telnyx"
        fields = dict(item.split("=", 1) for item in telnyx_line[1:])
        assert fields["api_key"] == Sandbox(seed=3).telnyx_api_key
        request = urllib.request.Request(
            fields["base_url"] + "/conferences",
            headers={"Authorization": f"Bearer {fields['api_key']}"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        assert twilio_line[0] == "twilio"
        twilio = dict(item.split("=", 1) for item in twilio_line[1:])
        assert twilio["account_sid"] == Sandbox(seed=3).twilio_account_sid
        assert twilio["base_url"].endswith("/v1")
        basic = base64.b64encode(f"{twilio['account_sid']}:{twilio['auth_token']}".encode())
        request = urllib.request.Request(
            twilio["base_url"] + "/Conferences?PageSize=1",
            headers={"Authorization": f"Basic {basic.decode()}"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
            meta = json.load(response)["meta"]
            assert meta["next_page_url"].startswith(twilio["base_url"] + "/Conferences?")
        process.send_signal(sig)
        assert process.wait(timeout=10) == 0
        assert process.stderr is not None
        assert process.stderr.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


async def test_no_tasks_left_behind(session: aiohttp.ClientSession) -> None:
    before = asyncio.all_tasks()
    async with Sandbox(size=1, latency_ms=5) as sb:
        await asyncio.gather(
            *(session.get(sb.telnyx_base_url + "/conferences") for _ in range(3)),
            return_exceptions=True,
        )
    await asyncio.sleep(0)
    assert asyncio.all_tasks() <= before | {asyncio.current_task()}


async def test_request_ids_are_unique_and_deterministic(session: object) -> None:
    import aiohttp

    assert isinstance(session, aiohttp.ClientSession)
    runs = []
    for _ in range(2):
        async with Sandbox(seed=4, size=5) as sb:
            ids = []
            for _ in range(3):
                async with session.get(sb.telnyx_base_url + "/conferences") as response:
                    ids.append(response.headers["X-Request-Id"])
            runs.append(ids)
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 3
