"""Resolving a configuration from files on disk: precedence arguments > environment >
file, which profile is used, and profiles for the real providers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from confclient import ConfigurationError, RetryPolicy, Timeout, connect, connect_from_env
from confclient.config import resolve_config

from ._support import TWO_PROFILES, FakeService, OtherService, TimedService, write

# -- precedence -------------------------------------------------------------------------------


def test_argument_over_environment_over_file(
    no_config: Path, register: Callable[..., None]
) -> None:
    register("fake", TimedService)
    path = write(
        no_config / "confclient.toml",
        """\
        [profiles.eu]
        provider = "fake"
        api_key = "from-file"
        region = "Europe"
        timeout = 3
        """,
    )
    resolved = resolve_config(profile="eu", env={})
    assert dict(resolved.options) == {
        "api_key": "from-file",
        "default_region": "Europe",
        "timeout": Timeout(total=3),
    }
    assert resolved.sources["api_key"] == f"{path}:3"
    env = {"FAKE_API_KEY": "from-env", "FAKE_REGION": "US"}
    resolved = resolve_config(profile="eu", env=env)
    assert (resolved.options["api_key"], resolved.options["default_region"]) == ("from-env", "US")
    assert resolved.sources["api_key"] == "$FAKE_API_KEY"
    resolved = resolve_config(profile="eu", env=env, options={"api_key": "from-argument"})
    assert resolved.options["api_key"] == "from-argument"
    assert resolved.sources["api_key"] == "argument"
    assert resolved.options["timeout"] == Timeout(total=3)
    assert "from-" not in resolved.describe()


def test_a_profiles_own_variable(no_config: Path, register: Callable[..., None]) -> None:
    register("fake", FakeService)
    write(
        no_config / "confclient.toml", '[profiles.eu]\nprovider = "fake"\napi_key_env = "EU_KEY"\n'
    )
    both = {"EU_KEY": "eu-key", "FAKE_API_KEY": "other-account"}
    assert resolve_config(profile="eu", env=both).options["api_key"] == "eu-key"
    with pytest.raises(ConfigurationError) as info:
        resolve_config(profile="eu", env={"FAKE_API_KEY": "other-account"})
    assert "confclient.toml:3: profile 'eu' reads api_key from $EU_KEY, which is not set" in str(
        info.value
    )
    given = resolve_config(profile="eu", env={}, options={"api_key": "arg"})
    assert given.options["api_key"] == "arg"


def test_which_profile(no_config: Path, register: Callable[..., None]) -> None:
    register("fake", FakeService)
    register("other", OtherService)
    write(
        no_config / "confclient.toml",
        """\
        default_profile = "eu"
        [profiles.eu]
        provider = "fake"
        api_key = "eu"
        [profiles.us]
        provider = "fake"
        api_key = "us"
        [profiles.elsewhere]
        provider = "other"
        api_key = "elsewhere"
        """,
    )

    def key(provider: str | None = None, **kw: Any) -> tuple[str, Any]:
        resolved = resolve_config(provider, **kw)
        return resolved.provider, resolved.options.get("api_key")

    assert key(env={}) == ("fake", "eu")  # default_profile
    assert key(env={"CONFCLIENT_PROFILE": "us"}) == ("fake", "us")
    assert key(profile="elsewhere", env={"CONFCLIENT_PROFILE": "us"}) == ("other", "elsewhere")
    # A provider named by the environment or an argument: no default profile.
    assert key(env={"CONFCLIENT_PROVIDER": "fake", "FAKE_API_KEY": "env"}) == ("fake", "env")
    assert key("fake", env={"FAKE_API_KEY": "env"}) == ("fake", "env")
    # The stronger choice wins when they disagree...
    assert key(profile="elsewhere", env={"CONFCLIENT_PROVIDER": "fake"}) == ("other", "elsewhere")
    assert key("fake", env={"CONFCLIENT_PROFILE": "elsewhere", "FAKE_API_KEY": "e"}) == (
        "fake",
        "e",
    )
    # ...and the same provider through both is fine.
    assert key("fake", profile="us", env={}) == ("fake", "us")
    # At the same level they must agree.
    with pytest.raises(ConfigurationError, match=r"profile 'elsewhere' .* is for other"):
        resolve_config("fake", profile="elsewhere", env={})
    with pytest.raises(ConfigurationError, match=r"\$CONFCLIENT_PROVIDER"):
        resolve_config(env={"CONFCLIENT_PROVIDER": "fake", "CONFCLIENT_PROFILE": "elsewhere"})
    with pytest.raises(
        ConfigurationError, match=r"no profile 'nope' in .*; profiles: elsewhere, eu, us"
    ):
        resolve_config(profile="nope", env={})


def test_default_profile_naming_nothing(no_config: Path) -> None:
    write(
        no_config / "confclient.toml",
        'default_profile = "gone"\n[profiles.eu]\nprovider = "telnyx"\n',
    )
    with pytest.raises(
        ConfigurationError, match=r"no profile 'gone'.*asked for by default_profile"
    ):
        connect_from_env(env={})


def test_connect_with_a_profile_and_connect_from_env_share_the_loader(
    no_config: Path, register: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    register("fake", FakeService)
    write(
        no_config / "confclient.toml",
        '[profiles.eu]\nprovider = "fake"\nregion = "Europe"\napi_key_env = "EU_KEY"\n',
    )
    monkeypatch.setenv("EU_KEY", "k")
    monkeypatch.setenv("FAKE_REGION", "US")
    by_profile: Any = connect(profile="eu")
    from_env: Any = connect_from_env(profile="eu")
    assert (
        by_profile.options
        == from_env.options
        == {"api_key": "k", "default_region": "US", "base_url": None}
    )
    explicit: Any = connect(profile="eu", default_region="Middle East")
    assert explicit.options["default_region"] == "Middle East"
    monkeypatch.setenv("CONFCLIENT_PROFILE", "eu")
    assert connect_from_env().options == by_profile.options  # type: ignore[attr-defined]
    with pytest.raises(ConfigurationError, match="needs a provider name"):
        connect()


def test_connect_by_name_reads_neither_environment_nor_file(
    no_config: Path, register: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    register("fake", FakeService)
    write(
        no_config / "confclient.toml", 'default_profile = "eu"\n[profiles.eu]\nprovider = "fake"\n'
    )
    monkeypatch.setenv("FAKE_API_KEY", "env")
    with pytest.raises(ConfigurationError, match="api_key"):
        connect("fake")


# -- the real providers -----------------------------------------------------------------------


def test_profiles_for_the_real_providers(no_config: Path) -> None:
    write(no_config / "confclient.toml", TWO_PROFILES)
    env = {"TELNYX_EU_KEY": "KEYeu", "TWILIO_US_TOKEN": "t" * 32}
    telnyx: Any = connect_from_env(env=env)
    assert telnyx.provider == "telnyx"
    assert telnyx.transport.timeout == Timeout(total=10, deadline=60)
    resolved = resolve_config(profile="us insights", env=env)
    assert resolved.region is None
    twilio: Any = resolved.connect()
    assert twilio.provider == "twilio"
    assert twilio.account_sid == "AC0123456789abcdef0123456789abcdef"
    assert twilio.transport.retry == RetryPolicy(max_attempts=2, statuses=frozenset({429, 503}))
    # The profile's region is the default_region option, for the library as for the command.
    assert telnyx.default_region == "Europe"
    eu = resolve_config(profile="eu", env=env)
    assert eu.region == eu.options["default_region"] == "Europe"
    assert "region" not in eu.options


def test_a_providers_complaint_names_the_profile(no_config: Path) -> None:
    write(no_config / "confclient.toml", '[profiles.x]\nprovider = "twilio"\naccount_sid = "AC1"\n')
    with pytest.raises(
        ConfigurationError, match=r"twilio needs auth_token: .*\[profile 'x', .*confclient.toml:1\]"
    ):
        connect(profile="x")
