"""Configuration means one thing: every key a profile holds applies to the library and the
command alike (``region`` is the ``default_region`` option, ``$CONFCLIENT_REGION`` sets it
too), and every key is checked against the profile's provider when the file is loaded, by
every reader, naming the file, the line, the key and the closest known key."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import confclient
from confclient import ConfigurationError, connect, connect_from_env
from confclient.config import load_config, resolve_config

TELNYX_KEY = "KEYprofilekeys"
TWILIO_SID = "AC0123456789abcdef0123456789abcdef"
TWILIO_TOKEN = "t" * 32


@pytest.fixture(autouse=True)
def work(config_home: Path) -> Path:
    """No configuration file or variable but the test's own; returns the working directory."""
    return config_home


def write(work: Path, text: str) -> Path:
    path = work / "confclient.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


PROFILES = f"""\
    default_profile = "eu"

    [profiles.eu]
    provider = "telnyx"
    region = "Europe"
    api_key = "{TELNYX_KEY}"

    [profiles.insights]
    provider = "twilio"
    region = "ie1"
    account_sid = "{TWILIO_SID}"
    auth_token = "{TWILIO_TOKEN}"
    """


# -- region is the default_region option, for the library too --------------------------------


async def test_connect_with_a_profile_applies_its_region(work: Path) -> None:
    path = write(work, PROFILES)
    async with connect(profile="eu") as telnyx, connect(profile="insights") as twilio:
        assert (telnyx.default_region, twilio.default_region) == ("Europe", "ie1")  # type: ignore[attr-defined]
    async with connect_from_env() as svc:  # the file's default_profile
        assert svc.default_region == "Europe"  # type: ignore[attr-defined]
    resolved = resolve_config(profile="eu", env={})
    assert resolved.options["default_region"] == resolved.region == "Europe"
    assert resolved.sources["default_region"] == f"{path}:5"
    assert f"default_region from {path}:5" in resolved.describe()


async def test_confclient_region_sets_the_default_region_for_any_provider(work: Path) -> None:
    write(work, PROFILES)
    telnyx_env = {"CONFCLIENT_PROVIDER": "telnyx", "TELNYX_API_KEY": TELNYX_KEY}
    async with connect_from_env(env={**telnyx_env, "CONFCLIENT_REGION": "us"}) as svc:
        assert svc.default_region == "US"  # type: ignore[attr-defined]
    twilio_env = {
        "CONFCLIENT_PROVIDER": "twilio",
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "CONFCLIENT_REGION": "de1",
    }
    async with connect_from_env(env=twilio_env) as svc:
        assert svc.default_region == "de1"  # type: ignore[attr-defined]
    # Arguments > environment > file, as for every option.
    env = {"CONFCLIENT_REGION": "US"}
    resolved = resolve_config(profile="eu", env=env)
    assert (resolved.region, resolved.sources["default_region"]) == ("US", "$CONFCLIENT_REGION")
    resolved = resolve_config(profile="eu", env=env, options={"default_region": "Australia"})
    assert (resolved.region, resolved.sources["default_region"]) == ("Australia", "argument")
    async with connect_from_env(profile="eu", env=env, default_region="Australia") as svc:
        assert svc.default_region == "Australia"  # type: ignore[attr-defined]


def test_a_region_from_the_environment_is_checked_and_named(work: Path) -> None:
    env = {"CONFCLIENT_PROVIDER": "telnyx", "TELNYX_API_KEY": TELNYX_KEY}
    with pytest.raises(ConfigurationError) as info:
        resolve_config(env={**env, "CONFCLIENT_REGION": "Eurpoe"})
    message = str(info.value)
    assert message.startswith("$CONFCLIENT_REGION 'Eurpoe' is not a region of telnyx")
    assert "did you mean 'Europe'?" in message
    assert "its regions: Australia, Europe, Middle East, US" in message


class NoRegions:
    """A provider whose service takes no default_region (e.g. a third party's, older)."""

    def __init__(self, *, api_key: str) -> None:
        self.api_key = api_key


@pytest.fixture
def no_regions() -> Iterator[str]:
    confclient.register_provider("noregions", NoRegions)
    yield "noregions"
    confclient.unregister_provider("noregions")


def test_a_provider_without_default_region_refuses_a_region(work: Path, no_regions: str) -> None:
    path = write(work, f'[profiles.p]\nprovider = "{no_regions}"\napi_key = "k"\nregion = "x"\n')
    with pytest.raises(ConfigurationError) as info:
        load_config()
    assert str(info.value) == (
        f"{path}:4: profile 'p': provider 'noregions' takes no default_region, so its profiles "
        "cannot set region"
    )
    path.unlink()
    with pytest.raises(ConfigurationError, match=r"^\$CONFCLIENT_REGION is set, but provider"):
        resolve_config(no_regions, env={"CONFCLIENT_REGION": "US"}, options={"api_key": "k"})


# -- unknown keys fail wherever the profile is read ------------------------------------------


def misspelt(work: Path) -> Path:
    """Two profiles; the one not used has a misspelt key."""
    return write(
        work,
        f"""\
        [profiles.eu]
        provider = "telnyx"
        api_key = "{TELNYX_KEY}"

        [profiles.fast]
        provider = "telnyx"
        api_key = "{TELNYX_KEY}"
        page_concurency = 4
        """,
    )


def test_a_misspelt_key_names_file_line_key_and_the_closest_key(work: Path) -> None:
    path = misspelt(work)
    expected = (
        f"{path}:8: unknown key 'page_concurency' in profile 'fast' (did you mean "
        "'page_concurrency'?); provider 'telnyx' takes "
    )
    readers = {
        "load_config": lambda: load_config(),
        "connect(profile=) of the other profile": lambda: connect(profile="eu"),
        "connect_from_env": lambda: connect_from_env(profile="eu"),
        "resolve_config": lambda: resolve_config(profile="eu"),
    }
    for reader, read in readers.items():
        with pytest.raises(ConfigurationError) as info:
            read()
        assert str(info.value).startswith(expected), reader


def test_an_option_the_provider_does_not_take_fails_at_load_time(work: Path) -> None:
    """page_concurrency is a Telnyx option: in a Twilio profile it is refused when the file
    is read, not when a listing first uses it."""
    path = write(
        work,
        f"""\
        [profiles.insights]
        provider = "twilio"
        account_sid = "{TWILIO_SID}"
        auth_token_env = "TWILIO_AUTH_TOKEN"
        page_concurrency = 4
        """,
    )
    with pytest.raises(ConfigurationError) as info:
        load_config()
    message = str(info.value)
    assert message.startswith(f"{path}:5: unknown key 'page_concurrency' in profile 'insights'")
    assert "provider 'twilio' takes account_sid, allow_insecure_http, api_key," in message
    assert "page_concurrency" not in message.partition("takes")[2]


@pytest.mark.parametrize(
    ("line", "key", "closest"),
    [
        ('api_kye_env = "K"', "api_kye_env", "api_key_env"),
        ('base_ulr = "https://api.telnyx.com/v2"', "base_ulr", "base_url"),
        ('provder = "telnyx"', "provder", "provider"),
        ("max_conections = 4", "max_conections", "max_connections"),
    ],
)
def test_the_closest_known_key(work: Path, line: str, key: str, closest: str) -> None:
    path = write(work, f'[profiles.eu]\nprovider = "telnyx"\n{line}\n')
    with pytest.raises(ConfigurationError) as info:
        load_config()
    assert str(info.value).startswith(
        f"{path}:3: unknown key {key!r} in profile 'eu' (did you mean {closest!r}?)"
    )


def test_an_unknown_provider_in_any_profile_names_file_and_line(work: Path) -> None:
    path = write(
        work,
        f'[profiles.eu]\nprovider = "telnyx"\napi_key = "{TELNYX_KEY}"\n\n'
        '[profiles.old]\nprovider = "telnix"\n',
    )
    with pytest.raises(ConfigurationError) as info:
        connect(profile="eu")
    assert str(info.value).startswith(
        f"{path}:6: profile 'old': unknown provider 'telnix'; available providers: "
    )


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('region = "Eurpoe"', "profile 'eu': region 'Eurpoe' is not a region of telnyx (did "),
        ('default_region = "Europe"', "profile 'eu': a profile spells the default_region option"),
        ('region_env = "R"', "profile 'eu': region cannot name a variable; $CONFCLIENT_REGION"),
    ],
)
def test_region_keys_are_checked_at_load_time(work: Path, line: str, fragment: str) -> None:
    path = write(work, f'[profiles.eu]\nprovider = "telnyx"\n{line}\n')
    with pytest.raises(ConfigurationError) as info:
        load_config()
    assert str(info.value).startswith(f"{path}:3: {fragment}")


def test_a_misspelt_option_given_to_connect_gets_the_closest_too() -> None:
    with pytest.raises(ConfigurationError) as info:
        connect("telnyx", api_key=TELNYX_KEY, page_concurency=4)
    assert str(info.value).startswith(
        "provider 'telnyx': takes no option 'page_concurency' (did you mean 'page_concurrency'?)"
    )
