"""``confclient listen``, ``confclient sandbox --webhook-url`` and the demo's webhooks: real
processes and real HTTP on loopback, the sandbox signing."""

from __future__ import annotations

import asyncio
import io
import json
import signal
import sys
from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession, web

from confclient import ConferenceEvent, EventType
from confclient.cli._events_out import EventWriter
from confclient.cli._listen import listen
from confclient.sandbox import Sandbox
from tests._receiver import receiving
from tests.cli.conftest import Run
from tests.cli.test_cli import child_env


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=0, size=2) as sandbox:
        yield sandbox


@pytest.mark.parametrize("fmt", ["table", "ndjson"])
async def test_listen_prints_each_event_once(sb: Sandbox, fmt: str) -> None:
    out = io.StringIO()
    stop = asyncio.Event()
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        listen(
            sb.webhook_verifier("twilio"),
            host="127.0.0.1",
            port=0,
            path="/hooks",
            on_event=EventWriter(fmt, out).write,
            stop=stop,
            ready=ready.set_result,
        )
    )
    try:
        sb.add_webhook("twilio", await ready)
        await sb.simulate_conference("twilio", participants=2, duplicates=1.0)
    finally:
        stop.set()
        await task
    lines = out.getvalue().splitlines()
    assert len(lines) == sum(sb.webhook_statuses.values()) // 2 == 15
    if fmt == "ndjson":
        first = json.loads(lines[0])
        assert (first["provider"], first["type"], first["sequence"]) == (
            "twilio",
            "participant_joined",
            1,
        )
        assert json.loads(lines[-1])["type"] == "recording_saved"
    else:
        assert "participant_muted" in out.getvalue()
        assert "label=participant-1 muted" in out.getvalue()


def test_event_writer_formats() -> None:
    event = ConferenceEvent(provider="p", id="1", type=EventType.CONFERENCE_ENDED)
    out = io.StringIO()
    EventWriter("table", out).write(event)
    assert out.getvalue().split() == ["-", "p", "conference_ended", "conference", "-", "call", "-"]
    with pytest.raises(ValueError, match="format"):
        EventWriter("csv", out)


async def read_until(stream: asyncio.StreamReader | None, marker: str) -> list[str]:
    assert stream is not None
    lines: list[str] = []
    while not lines or marker not in lines[-1]:
        line = await asyncio.wait_for(stream.readline(), timeout=30)
        assert line, "\n".join(lines)
        lines.append(line.decode().rstrip("\n"))
    return lines


async def command(*argv: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "confclient",
        *argv,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )


async def test_the_listen_command_verifies_what_the_sandbox_sends(sb: Sandbox) -> None:
    env = child_env(**sb.webhook_environment("telnyx"))
    process = await command("listen", "--provider", "telnyx", "--port", "0", env=env)
    try:
        banner = await read_until(process.stderr, "Ctrl-C stops")
        url = banner[-1].split(" on ")[1].split()[0]
        sb.add_webhook("telnyx", url)
        await sb.simulate_conference("telnyx", participants=2, duplicates=0.5)
        async with (
            ClientSession() as session,
            session.post(
                url, data=b'{"forged": true}', headers={"telnyx-timestamp": "1"}
            ) as response,
        ):
            assert response.status == 403
    finally:
        process.send_signal(signal.SIGINT)
        raw_out, raw_err = await asyncio.wait_for(process.communicate(), timeout=30)
    out, err = raw_out.decode(), raw_err.decode()
    assert process.returncode == 0, err
    assert sb.webhook_statuses == {200: sum(sb.webhook_statuses.values())}
    lines = out.splitlines()
    assert len(lines) == 12
    assert "conference_started" in lines[0]
    assert "recording_saved" in lines[-1]
    assert "refused (missing_header)" in err
    assert "forged" not in err


def test_listen_without_a_secret_says_how_to_give_it(run: Run) -> None:
    result = run("listen", "--provider", "telnyx")
    assert result.code == 2
    assert "TELNYX_PUBLIC_KEY" in result.err


async def test_the_sandbox_command_plays_conferences_to_a_webhook_url() -> None:
    received: list[bytes] = []

    async def handle(request: web.Request) -> web.Response:
        received.append(await request.read())
        return web.Response()

    argv = ["sandbox", "--port", "0", "--size", "1", "--webhook-interval", "0"]
    async with receiving(("/in", handle)) as root:
        process = await command(*argv, "--webhook-url", f"twilio={root}/in", env=child_env())
        try:
            lines = await read_until(process.stdout, "webhooks: played twilio")
        finally:
            process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    assert "(so far: 200 x19)" in lines[-1]  # 3 participants by default
    assert len(received) == 19
    assert any("TELNYX_PUBLIC_KEY=" in line for line in lines)


def test_the_sandbox_command_refuses_an_unknown_provider(run: Run) -> None:
    result = run("sandbox", "--port", "0", "--webhook-url", "nope=http://127.0.0.1:1/x")
    assert result.code == 2
    assert "unknown provider 'nope'" in result.err


def test_the_demo_ends_with_verified_events(run: Run) -> None:
    result = run("demo", "--size", "1")
    assert result.code == 0, result.err
    assert "telnyx: 12 events verified, duplicates dropped" in result.out
    assert "twilio: 15 events verified, duplicates dropped" in result.out
