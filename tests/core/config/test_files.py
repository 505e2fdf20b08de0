"""Configuration files on disk: parsing and checking profiles (every error names file,
line and key), and finding the files (local, user, $CONFCLIENT_CONFIG)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from confclient import ConfigurationError, RetryPolicy, Timeout, connect
from confclient.config import load_config, load_config_file, resolve_config

from ._support import TWO_PROFILES, FakeService, write

# -- configuration files ----------------------------------------------------------------------


def test_a_file_with_two_profiles(no_config: Path) -> None:
    path = write(no_config / "confclient.toml", TWO_PROFILES)
    loaded = load_config_file(path)
    assert loaded.default_profile == "eu"
    assert sorted(loaded.profiles) == ["eu", "us insights"]
    eu = loaded.profiles["eu"]
    assert (eu.provider, eu.region, eu.line) == ("telnyx", "Europe", 4)
    assert eu.env_options == {"api_key": "TELNYX_EU_KEY"}
    assert eu.options == {"timeout": Timeout(total=10, deadline=60)}
    assert eu.key_where("api_key") == f"{path}:7"
    us = loaded.profiles["us insights"]
    assert us.options["retry"] == RetryPolicy(max_attempts=2, statuses=frozenset({429, 503}))
    assert us.options["account_sid"] == "AC0123456789abcdef0123456789abcdef"
    assert us.env_options == {"auth_token": "TWILIO_US_TOKEN"}
    assert us.key_where("retry") == f"{path}:14"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("timeout = 5", Timeout(total=5.0)),
        ("timeout = 2.5", Timeout(total=2.5)),
        ("timeout = { connect = 1, read = false }", Timeout(connect=1.0, read=None)),
        ("retry = false", RetryPolicy.disabled()),
        ("retry = true", RetryPolicy()),
        (
            "retry = { max_attempts = 6, backoff_max = 1 }",
            RetryPolicy(max_attempts=6, backoff_max=1),
        ),
    ],
)
def test_timeout_and_retry_become_their_types(no_config: Path, value: str, expected: Any) -> None:
    path = write(no_config / "c.toml", f'[profiles.p]\nprovider = "fake"\n{value}\n')
    options = load_config_file(path).profiles["p"].options
    assert list(options.values()) == [expected]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("[profiles.eu]\nprovider = \n", 2, "malformed TOML: Invalid value"),
        ('[profiles.eu]\nprovider = "a"\nprovider = "b"\n', 3, "(key provider)"),
        ('colour = "blue"\n', 1, "unknown key 'colour'; a configuration file holds"),
        ('[profile.eu]\nprovider = "telnyx"\n', 1, "unknown key 'profile'"),
        ("[profiles.eu]\nregion = 'US'\n", 1, "profile 'eu' has no provider key"),
        ("[profiles.eu]\nprovider = 5\n", 2, "provider must be a string"),
        ("[profiles]\neu = 3\n", 2, "profile 'eu' must be a table"),
        ("profiles = 5\n", 1, "profiles must be a table"),
        ("default_profile = 3\n", 1, "default_profile must be a profile name"),
        (
            '[profiles.eu]\nprovider = "x"\n# note\ntimeout = { total = 1, tota = 2 }\n',
            4,
            "unknown key 'tota' in profiles.eu.timeout (did you mean 'total'?); it takes total,",
        ),
        ('[profiles.eu]\nprovider = "x"\n\ntimeout.total = -1\n', 4, "must be a positive number"),
        ('[profiles.eu]\nprovider = "x"\ntimeout = "soon"\n', 3, "must be a number of seconds"),
        (
            '[profiles.eu]\nprovider = "x"\n[profiles.eu.retry]\nmax_attemps = 2\n',
            4,
            "'max_attemps'",
        ),
        ('[profiles.eu]\nprovider = "x"\nretry = { max_attempts = 0 }\n', 3, "max_attempts"),
        ('[profiles.eu]\nprovider = "x"\nretry.statuses = ["503"]\n', 3, "HTTP status codes"),
        ('[profiles.eu]\nprovider = "x"\nretry = 3\n', 3, "must be false (never retry)"),
        (
            '[profiles.eu]\nprovider = "x"\napi_key = "k"\n\napi_key_env = "K"\n',
            5,
            "sets both api_key and api_key_env",
        ),
        (
            '[profiles.eu]\nprovider = "x"\napi_key_env = "not a name"\n',
            3,
            "must name an environment variable",
        ),
        ('[profiles.eu]\nprovider = "x"\nsession = "s"\n', 3, "session is a Python object"),
        (
            '[profiles.eu]\nprovider = "x"\ntimeout_env = "T"\n',
            3,
            "timeout cannot be read from the environment",
        ),
    ],
)
def test_bad_files_name_file_line_and_key(
    no_config: Path, text: str, line: int, fragment: str
) -> None:
    path = write(no_config / "confclient.toml", text)
    with pytest.raises(ConfigurationError) as info:
        load_config_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:"), message
    assert fragment in message


def test_a_secret_on_a_broken_line_is_not_echoed(no_config: Path) -> None:
    path = write(no_config / "c.toml", '[profiles.eu]\nprovider = "x"\napi_key = "KEYsecret42\n')
    with pytest.raises(ConfigurationError) as info:
        load_config_file(path)
    assert str(info.value).startswith(f"{path}:3:")
    assert "(key api_key)" in str(info.value)
    assert "KEYsecret42" not in str(info.value)
    path = write(
        no_config / "d.toml", '[profiles.eu]\nprovider = "x"\napi_key_env = "KEY secret"\n'
    )
    with pytest.raises(ConfigurationError) as info:
        load_config_file(path)
    assert "KEY secret" not in str(info.value)


def test_not_a_file_and_not_utf8(no_config: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_config(no_config / "absent.toml")
    (no_config / "bin.toml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConfigurationError, match="not a UTF-8 text file"):
        load_config_file(no_config / "bin.toml")


def test_unknown_provider_option_named_with_its_line(
    no_config: Path, register: Callable[..., None]
) -> None:
    register("fake", FakeService)
    path = write(
        no_config / "confclient.toml",
        '[profiles.eu]\nprovider = "fake"\napi_key = "k"\ncolour = "red"\nshade_env = "SHADE"\n',
    )
    with pytest.raises(ConfigurationError) as info:
        connect(profile="eu")
    message = str(info.value)
    assert message.startswith(f"{path}:4: unknown key 'colour' in profile 'eu'")
    assert (
        "provider 'fake' takes api_key, base_url; a profile also takes provider, region" in message
    )
    write(path, '[profiles.eu]\nprovider = "fake"\napi_key = "k"\nshade_env = "SHADE"\n')
    with pytest.raises(ConfigurationError, match=r"confclient.toml:4: unknown key 'shade_env'"):
        connect(profile="eu")


def test_literal_secrets_work_and_are_never_shown(
    no_config: Path, register: Callable[..., None]
) -> None:
    register("fake", FakeService)
    write(no_config / "confclient.toml", '[profiles.eu]\nprovider = "fake"\napi_key = "KEYlit99"\n')
    resolved = resolve_config(profile="eu", env={})
    assert resolved.options["api_key"] == "KEYlit99"
    assert resolved.secrets() == ("KEYlit99",)
    profile = load_config(env={}).profile("eu")
    for text in (
        repr(resolved),
        resolved.describe(),
        repr(profile),
        profile.describe_option("api_key"),
    ):
        assert "KEYlit99" not in text
    assert profile.describe_option("api_key") == "*** (literal in the file)"
    svc: Any = resolved.connect()
    assert svc.options["api_key"] == "KEYlit99"


# -- finding the files ------------------------------------------------------------------------


def test_local_file_then_user_file(
    no_config: Path, tmp_path: Path, register: Callable[..., None]
) -> None:
    register("fake", FakeService)
    user = write(
        tmp_path / "xdg" / "confclient" / "config.toml",
        '[profiles.eu]\nprovider = "fake"\napi_key = "user"\n'
        '[profiles.home]\nprovider = "fake"\napi_key = "home"\n',
    )
    local = write(
        no_config / "confclient.toml", '[profiles.eu]\nprovider = "fake"\napi_key = "local"\n'
    )
    config = load_config()
    assert config.paths == (local, user)
    assert resolve_config(profile="eu").options["api_key"] == "local"
    assert resolve_config(profile="home").options["api_key"] == "home"
    assert config.profiles["home"].path == user


def test_the_user_file_with_an_explicit_environment(
    no_config: Path, tmp_path: Path, register: Callable[..., None]
) -> None:
    register("fake", FakeService)
    write(
        tmp_path / "home" / ".config" / "confclient" / "config.toml",
        '[profiles.h]\nprovider = "fake"\napi_key = "h"\n',
    )
    # An explicit env is the whole environment: without HOME or XDG_CONFIG_HOME, no user file.
    assert load_config(env={}).paths == ()
    assert load_config(env={"HOME": str(tmp_path / "home")}).profiles["h"].provider == "fake"
    assert load_config(env={"XDG_CONFIG_HOME": "relative/ignored"}).paths == ()


def test_confclient_config_replaces_the_search(
    no_config: Path, tmp_path: Path, register: Callable[..., None]
) -> None:
    register("fake", FakeService)
    write(no_config / "confclient.toml", '[profiles.eu]\nprovider = "fake"\napi_key = "local"\n')
    other = write(tmp_path / "other.toml", '[profiles.eu]\nprovider = "fake"\napi_key = "other"\n')
    assert (
        resolve_config(profile="eu", env={"CONFCLIENT_CONFIG": str(other)}).options["api_key"]
        == "other"
    )
    assert resolve_config(profile="eu", config_file=other, env={}).options["api_key"] == "other"
    with pytest.raises(ConfigurationError, match=r"\$CONFCLIENT_CONFIG names .*absent.toml"):
        load_config(env={"CONFCLIENT_CONFIG": str(tmp_path / "absent.toml")})
