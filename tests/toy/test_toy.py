"""A provider registered by a fixture, and nothing else, gets everything the built-in ones get:
``confclient.connect``, a sandbox serving it beside the others, the pytest plugin and the
command (the contract suite runs on it too: ``tests/contract``)."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

import confclient
from confclient.cli import main
from confclient.sandbox import Sandbox
from confclient.testing import ThreadedSandbox


async def test_unregistered_nothing_knows_it() -> None:
    with pytest.raises(confclient.ConfigurationError, match="unknown provider 'toy'"):
        confclient.connect("toy", api_key="k")
    async with Sandbox(size=1) as sb:
        assert "toy" not in sb.providers
        with pytest.raises(ValueError, match="unknown sandbox provider 'toy'"):
            sb.connect("toy")


async def test_connect_by_name_to_a_sandbox_serving_it_beside_the_others(
    toy_provider: str,
) -> None:
    async with Sandbox(seed=2, size=6) as sb:
        assert sb.providers == ("telnyx", "toy", "twilio")
        assert sb.toy_base_url == sb.base_url + "/toy/v1" == sb.base_url_of("toy")
        assert sb.client_options("toy") == {"api_key": sb.toy_api_key, "base_url": sb.toy_base_url}
        assert f"toy  base_url={sb.toy_base_url}  api_key={sb.toy_api_key}" in sb.describe()
        async with confclient.connect(toy_provider, **sb.client_options("toy")) as svc:
            assert svc.provider == "toy"
            listed = await svc.list().collect()
            assert [c.id for c in listed] == [r["id"] for r in sb.toy_records()]
            assert len(listed) == 2 * 6
            assert await svc.get(listed[3]) == listed[3]
        async with sb.connect("telnyx") as telnyx, sb.connect("twilio") as twilio:
            assert len(await telnyx.list(region="US").collect()) == 6
            assert len(await twilio.list(region="us1").collect()) == 6
        assert sb.stats.requests["GET", "/toy/v1/rooms"] == 1


async def test_a_sandbox_of_the_toy_alone(toy_provider: str) -> None:
    async with Sandbox(size=2, providers=[toy_provider]) as sb:
        assert sb.providers == ("toy",)
        async with sb.connect("toy") as svc:
            assert {c.data_region for c in await svc.list().collect()} == {"north", "south"}
        with pytest.raises(ValueError, match="the sandbox serves: toy"):
            sb.connect("telnyx")
        # A provider without webhooks: the sandbox says so, and so does webhook_verifier.
        with pytest.raises(ValueError, match="toy emulator plays no webhooks"):
            sb.add_webhook("toy", "http://127.0.0.1:1/hooks")
        with pytest.raises(ValueError, match="plays no webhooks"):
            await sb.simulate_conference("toy")
        with pytest.raises(confclient.ConfigurationError, match="does not verify webhooks"):
            confclient.webhook_verifier("toy")


def test_the_pytest_plugin(toy_provider: str, confclient_sandbox: ThreadedSandbox) -> None:
    options = confclient_sandbox.options("toy")
    assert options == {
        "api_key": confclient_sandbox.toy_api_key,
        "base_url": confclient_sandbox.toy_base_url,
    }
    assert confclient_sandbox.env("toy") == {
        "CONFCLIENT_PROVIDER": "toy",
        "TOY_API_KEY": confclient_sandbox.toy_api_key,
        "TOY_BASE_URL": confclient_sandbox.toy_base_url,
    }
    north = confclient_sandbox.toy_records("north")

    async def first_north() -> str:
        async with confclient_sandbox.connect("toy") as svc:
            return (await svc.list(region="north", limit=1).collect())[0].id

    assert asyncio.run(first_north()) == north[0]["id"]
    assert confclient_sandbox.stats.requests["GET", "/toy/v1/rooms"] == 1


def test_the_command(
    toy_provider: str,
    confclient_sandbox: ThreadedSandbox,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in list(os.environ):  # none of the developer's own configuration
        if name.startswith(("CONFCLIENT_", "TOY_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    for name, value in confclient_sandbox.env("toy").items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    assert main(["list", "--provider", "toy", "--region", "all", "-f", "ndjson"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    want = [r["id"] for zone in ("north", "south") for r in confclient_sandbox.toy_records(zone)]
    assert sorted(row["id"] for row in listed) == sorted(want)
    assert {row["provider"] for row in listed} == {"toy"}
    some = want[-1]
    assert main(["get", some, "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == some


def test_the_plugin_serves_the_providers_asked_for(
    toy_provider: str, confclient_sandbox_factory: Callable[..., ThreadedSandbox]
) -> None:
    sandbox = confclient_sandbox_factory(size=1, providers=[toy_provider])
    assert sandbox.providers == ("toy",)
    assert sandbox.toy_records() == sandbox.records("toy")
    with pytest.raises(ValueError, match="the sandbox serves: toy"):
        sandbox.options("telnyx")
    with pytest.raises(AttributeError):
        _ = sandbox.telnyx_api_key
