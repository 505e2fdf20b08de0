"""connect() by name or mapping, and connect_from_env() from an explicit environment
(no configuration file involved)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from confclient import ConfigurationError, connect, connect_from_env

from ._support import FakeService, OtherService, plain_factory

# -- connect ----------------------------------------------------------------------------------


def test_connect_with_a_mapping(register: Callable[..., None]) -> None:
    register("fake", FakeService)
    config = {"provider": "fake", "api_key": "from-mapping", "default_region": "Europe"}
    svc: Any = connect(config)
    assert svc.options == {"api_key": "from-mapping", "default_region": "Europe", "base_url": None}
    assert config["provider"] == "fake"  # the caller's mapping is left alone


def test_connect_explicit_options_win_over_the_mapping(register: Callable[..., None]) -> None:
    register("fake", FakeService)
    svc: Any = connect(
        {"provider": "fake", "api_key": "a", "default_region": "Europe"}, api_key="b"
    )
    assert svc.options["api_key"] == "b"
    assert svc.options["default_region"] == "Europe"


def test_connect_mapping_without_provider() -> None:
    with pytest.raises(ConfigurationError, match="'provider'"):
        connect({"api_key": "k"})


def test_unknown_option_is_named(register: Callable[..., None]) -> None:
    register("fake", FakeService)
    with pytest.raises(ConfigurationError) as info:
        connect("fake", api_key="k", bogus_option=1)
    message = str(info.value)
    assert "bogus_option" in message
    assert "'fake'" in message
    assert "api_key, default_region, base_url" in message


def test_missing_required_option(register: Callable[..., None]) -> None:
    register("fake", FakeService)
    with pytest.raises(ConfigurationError, match="api_key"):
        connect("fake")


def test_connect_from_env(register: Callable[..., None]) -> None:
    register("fake", FakeService)
    env = {"CONFCLIENT_PROVIDER": "fake", "FAKE_API_KEY": "env-key", "FAKE_REGION": "Europe"}
    svc: Any = connect_from_env(env=env)
    assert isinstance(svc, FakeService)
    assert svc.options == {"api_key": "env-key", "default_region": "Europe", "base_url": None}


def test_connect_from_env_explicit_options_and_provider_win(
    register: Callable[..., None],
) -> None:
    register("fake", FakeService)
    register("other", OtherService)
    env = {"CONFCLIENT_PROVIDER": "fake", "FAKE_API_KEY": "env-key"}
    svc: Any = connect_from_env(env=env, api_key="explicit")
    assert svc.options["api_key"] == "explicit"
    other: Any = connect_from_env("other", env=env)
    assert type(other) is OtherService
    assert other.options["api_key"] == "env-key"


def test_connect_from_env_reads_os_environ_by_default(
    register: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    register("fake", FakeService)
    monkeypatch.setenv("CONFCLIENT_PROVIDER", "fake")
    monkeypatch.setenv("FAKE_API_KEY", "os-key")
    svc: Any = connect_from_env()
    assert svc.options["api_key"] == "os-key"
    # An explicit env= is the whole environment: os.environ is not consulted.
    with pytest.raises(ConfigurationError, match="CONFCLIENT_PROVIDER"):
        connect_from_env(env={})


def test_connect_from_env_without_provider(register: Callable[..., None]) -> None:
    register("fake", FakeService)
    with pytest.raises(ConfigurationError) as info:
        connect_from_env(env={"FAKE_API_KEY": "k"})
    assert "CONFCLIENT_PROVIDER" in str(info.value)
    assert "fake, telnyx, twilio" in str(info.value)
    with pytest.raises(ConfigurationError, match="CONFCLIENT_PROVIDER"):
        connect_from_env(env={"CONFCLIENT_PROVIDER": ""})


def test_connect_from_env_factory_without_options_from_env(
    register: Callable[..., None],
) -> None:
    register("plain", plain_factory)
    assert connect_from_env(env={"CONFCLIENT_PROVIDER": "plain"}, token="t") == {"token": "t"}
    with pytest.raises(ConfigurationError, match="token"):
        connect_from_env(env={"CONFCLIENT_PROVIDER": "plain", "TOKEN": "t"})


def test_connect_from_env_unknown_provider() -> None:
    with pytest.raises(ConfigurationError, match="unknown provider 'mars'"):
        connect_from_env(env={"CONFCLIENT_PROVIDER": "mars"})
