"""The provider registry (run time, built-in table, entry points), connect(), and the
configuration loader (TOML profiles, precedence arguments > environment > file)."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

import confclient
import confclient.config.registry
from confclient import (
    ConfigurationError,
    RetryPolicy,
    Timeout,
    available_providers,
    connect,
    connect_from_env,
    load_provider,
    register_provider,
    unregister_provider,
)
from confclient.config import (
    ENTRY_POINT_GROUP,
    load_config,
    load_config_file,
    locate_keys,
    resolve_config,
)

HERE = __name__


class FakeService:
    """Stands in for a provider's service class: records the options it was made with."""

    def __init__(
        self, *, api_key: str, default_region: str = "US", base_url: str | None = None
    ) -> None:
        self.options = {"api_key": api_key, "default_region": default_region, "base_url": base_url}

    @staticmethod
    def options_from_env(env: Mapping[str, str]) -> dict[str, Any]:
        names = {"FAKE_API_KEY": "api_key", "FAKE_REGION": "default_region"}
        return {option: env[var] for var, option in names.items() if var in env}


class OtherService(FakeService):
    """A different target."""


class Outer:
    class Inner(FakeService):
        """A nested target."""


def plain_factory(*, token: str) -> dict[str, str]:
    """A factory without options_from_env."""
    return {"token": token}


NOT_CALLABLE = 42


@pytest.fixture
def register() -> Iterator[Callable[..., None]]:
    names: list[str] = []

    def do(name: str, factory: Any, **kw: Any) -> None:
        names.append(name)
        register_provider(name, factory, **kw)

    yield do
    for name in names:
        unregister_provider(name)
    assert not set(names) & set(confclient.config.registry._registered)


@pytest.fixture(autouse=True)
def no_config(config_home: Path) -> Path:
    """No configuration file or variable but the test's own; returns the working directory."""
    return config_home


@pytest.fixture(autouse=True)
def entry_points(monkeypatch: pytest.MonkeyPatch) -> list[EntryPoint]:
    """The installed entry points, as the tests choose them (none unless a test adds some)."""
    found: list[EntryPoint] = []

    def fake(*, group: str) -> list[EntryPoint]:
        assert group == ENTRY_POINT_GROUP == "confclient.providers"
        return list(found)

    monkeypatch.setattr(confclient.config.registry, "entry_points", fake)
    return found


def ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


# -- registering ------------------------------------------------------------------------------


def test_register_a_callable(register: Callable[..., None]) -> None:
    register("fake", FakeService)
    assert load_provider("fake") is FakeService
    assert available_providers()["fake"] == f"{HERE}:FakeService"
    svc: Any = connect("fake", api_key="k")
    assert isinstance(svc, FakeService)
    assert svc.options == {"api_key": "k", "default_region": "US", "base_url": None}


def test_register_a_module_attribute_string(register: Callable[..., None]) -> None:
    register("fakestr", f"{HERE}:FakeService")
    register("nested", f"{HERE}:Outer.Inner")
    assert load_provider("fakestr") is FakeService
    assert load_provider("nested") is Outer.Inner
    assert available_providers()["fakestr"] == f"{HERE}:FakeService"


def test_registering_the_same_target_twice_is_fine(register: Callable[..., None]) -> None:
    register("fake", FakeService)
    register("fake", FakeService)
    register("fakestr", f"{HERE}:FakeService")
    register("fakestr", f"{HERE}:FakeService")
    assert load_provider("fake") is FakeService
    assert load_provider("fakestr") is FakeService


def test_registering_a_different_target_raises(register: Callable[..., None]) -> None:
    register("fake", FakeService)
    with pytest.raises(ConfigurationError, match="already defined") as info:
        register("fake", OtherService)
    assert f"{HERE}:FakeService" in str(info.value)
    assert f"{HERE}:OtherService" in str(info.value)
    assert "replace=True" in str(info.value)
    with pytest.raises(ConfigurationError):
        register("fake", f"{HERE}:OtherService")
    assert load_provider("fake") is FakeService


def test_replace_true_replaces(register: Callable[..., None]) -> None:
    register("fake", FakeService)
    register("fake", OtherService, replace=True)
    assert load_provider("fake") is OtherService


def test_different_callables_with_the_same_name_are_different_targets(
    register: Callable[..., None],
) -> None:
    def make(region: str) -> Callable[..., FakeService]:
        def factory(*, api_key: str) -> FakeService:
            return FakeService(api_key=api_key, default_region=region)

        return factory

    first, second = make("US"), make("Europe")
    register("closure", first)
    register("closure", first)
    with pytest.raises(ConfigurationError, match="already defined"):
        register("closure", second)
    assert load_provider("closure") is first


def test_builtin_names_are_protected(register: Callable[..., None]) -> None:
    builtin = "confclient_telnyx:TelnyxConferenceService"
    assert available_providers()["telnyx"] == builtin
    with pytest.raises(ConfigurationError, match="telnyx"):
        register("telnyx", FakeService)
    register("telnyx", builtin)  # the same target: fine
    register("telnyx", FakeService, replace=True)
    assert load_provider("telnyx") is FakeService
    unregister_provider("telnyx")
    assert available_providers()["telnyx"] == builtin


def test_unregister_unknown_name_is_a_no_op() -> None:
    unregister_provider("never-registered")
    assert "never-registered" not in available_providers()


@pytest.mark.parametrize("name", ["", "has space", "a-b", "1abc", None, 5])
def test_register_refuses_bad_names(name: Any) -> None:
    with pytest.raises(ConfigurationError, match="provider name"):
        register_provider(name, FakeService)


@pytest.mark.parametrize("factory", ["no_colon_here", 5, None])
def test_register_refuses_bad_factories(factory: Any) -> None:
    with pytest.raises(ConfigurationError, match="factory must be"):
        register_provider("fake", factory)
    assert "fake" not in available_providers()


# -- loading ----------------------------------------------------------------------------------


def test_unknown_provider_lists_the_available_ones(register: Callable[..., None]) -> None:
    register("fake", FakeService)
    with pytest.raises(ConfigurationError) as info:
        load_provider("nope")
    message = str(info.value)
    assert "unknown provider 'nope'" in message
    assert "available providers: fake, telnyx, twilio" in message
    with pytest.raises(ConfigurationError, match="unknown provider 'nope'"):
        connect("nope")


def test_provider_must_be_a_string() -> None:
    with pytest.raises(ConfigurationError, match="must be a string"):
        load_provider(5)  # type: ignore[arg-type]


def test_missing_module_gives_a_hint(register: Callable[..., None]) -> None:
    register("ghost", "confclient_ghost_provider_xyz:GhostService")
    with pytest.raises(ConfigurationError) as info:
        load_provider("ghost")
    message = str(info.value)
    assert "'ghost'" in message
    assert "confclient_ghost_provider_xyz" in message
    assert "install the package that provides confclient_ghost_provider_xyz" in message
    assert isinstance(info.value.__cause__, ImportError)


def test_module_failing_to_import_gives_a_hint(
    register: Callable[..., None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "confclient_broken_xyz.py").write_text(
        textwrap.dedent(
            """
            import confclient_missing_dependency_xyz

            class Service:
                pass
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    register("broken", "confclient_broken_xyz:Service")
    with pytest.raises(ConfigurationError, match="install the package") as info:
        load_provider("broken")
    assert "confclient_missing_dependency_xyz" in str(info.value)
    assert "confclient_broken_xyz" not in sys.modules


def test_builtin_adapter_missing_says_reinstall(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "confclient_twilio", None)  # makes its import fail
    with pytest.raises(ConfigurationError, match=r"reinstall confclient from its checkout: pip"):
        load_provider("twilio")


def test_missing_attribute(register: Callable[..., None]) -> None:
    register("noattr", f"{HERE}:NoSuchThing")
    with pytest.raises(ConfigurationError, match="has no attribute 'NoSuchThing'"):
        load_provider("noattr")


def test_not_callable_target(register: Callable[..., None]) -> None:
    register("notcallable", f"{HERE}:NOT_CALLABLE")
    with pytest.raises(ConfigurationError, match="is not callable"):
        load_provider("notcallable")


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


# -- the read-only view and entry points ------------------------------------------------------


def test_available_providers_is_read_only_and_complete() -> None:
    view = available_providers()
    assert view["telnyx"] == "confclient_telnyx:TelnyxConferenceService"
    assert "twilio" in view
    assert list(view) == sorted(view)
    with pytest.raises(TypeError):
        view["acme"] = "x:y"  # type: ignore[index]
    with pytest.raises(TypeError):
        del view["telnyx"]  # type: ignore[attr-defined]
    assert confclient.available_providers()["telnyx"] == view["telnyx"]


def test_available_providers_is_a_snapshot(register: Callable[..., None]) -> None:
    before = available_providers()
    register("fake", FakeService)
    assert "fake" not in before
    assert "fake" in available_providers()


def test_entry_point_adds_a_provider(entry_points: list[EntryPoint]) -> None:
    entry_points.append(ep("acme", f"{HERE}:FakeService"))
    assert available_providers()["acme"] == f"{HERE}:FakeService"
    assert load_provider("acme") is FakeService
    svc: Any = connect("acme", api_key="k")
    assert isinstance(svc, FakeService)


def test_entry_points_are_loaded_lazily(entry_points: list[EntryPoint]) -> None:
    entry_points.append(ep("lazy", "confclient_never_imported_xyz:Service"))
    assert "lazy" in available_providers()
    assert "confclient_never_imported_xyz" not in sys.modules
    with pytest.raises(ConfigurationError, match="confclient_never_imported_xyz"):
        load_provider("lazy")


def test_entry_point_redefining_a_builtin_raises(entry_points: list[EntryPoint]) -> None:
    entry_points.append(ep("telnyx", "evil_package:StealKeys"))
    with pytest.raises(ConfigurationError) as info:
        load_provider("telnyx")
    assert "evil_package:StealKeys" in str(info.value)
    assert "confclient_telnyx:TelnyxConferenceService" in str(info.value)
    with pytest.raises(ConfigurationError, match="telnyx"):
        available_providers()


def test_entry_point_repeating_a_builtin_is_fine(entry_points: list[EntryPoint]) -> None:
    entry_points.append(ep("telnyx", "confclient_telnyx:TelnyxConferenceService"))
    assert available_providers()["telnyx"] == "confclient_telnyx:TelnyxConferenceService"


def test_entry_points_defining_a_name_twice(entry_points: list[EntryPoint]) -> None:
    entry_points += [ep("acme", f"{HERE}:FakeService"), ep("acme", f"{HERE}:FakeService")]
    assert load_provider("acme") is FakeService
    entry_points.append(ep("acme", f"{HERE}:OtherService"))
    with pytest.raises(ConfigurationError, match="defined twice"):
        load_provider("acme")


# -- configuration files ----------------------------------------------------------------------


class TimedService(FakeService):
    """A provider taking timeout and retry, like the real ones."""

    def __init__(
        self,
        *,
        api_key: str,
        default_region: str = "US",
        base_url: str | None = None,
        timeout: Timeout | float | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(api_key=api_key, default_region=default_region, base_url=base_url)
        self.options.update(timeout=timeout, retry=retry)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


TWO_PROFILES = """\
    # confclient profiles
    default_profile = "eu"

    [profiles.eu]
    provider = "telnyx"
    region = "Europe"
    api_key_env = "TELNYX_EU_KEY"
    timeout = { total = 10, deadline = 60 }

    [profiles."us insights"]
    provider = "twilio"
    account_sid = "AC0123456789abcdef0123456789abcdef"
    auth_token_env = "TWILIO_US_TOKEN"
    retry.max_attempts = 2
    retry.statuses = [429,
      503]
    """


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


# -- finding lines ----------------------------------------------------------------------------


def test_locate_keys() -> None:
    text = "\n".join(
        [
            "# a comment with key = value",
            "top = 1",
            "[a]",
            "\"quoted key\" = 'x'",
            'dotted.inner.leaf = """',
            "fake = 1",
            '"""',
            "array = [",
            "  { in_array = 1 },  # comment",
            "  2,",
            "]",
            'inline = { one = 1, two.three = "}" }',
            '[a."b.c"]',
            "d = '''literal",
            "also_fake = 2'''",
            "[[tables]]",
            "e = 1",
        ]
    )
    lines = locate_keys(text)
    assert lines[("top",)] == 2
    assert lines[("a",)] == 3
    assert lines[("a", "quoted key")] == 4
    assert lines[("a", "dotted", "inner", "leaf")] == 5
    assert ("a", "fake") not in lines
    assert lines[("a", "array")] == 8
    assert lines[("a", "inline", "two", "three")] == 12
    assert lines[("a", "b.c")] == 13
    assert lines[("a", "b.c", "d")] == 14
    assert ("a", "b.c", "also_fake") not in lines
    assert lines[("tables", "e")] == 17
