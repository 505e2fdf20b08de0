"""The provider registry: run-time registrations, the built-in table, entry points,
loading a provider by name (no configuration file involved)."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

import confclient
from confclient import (
    ConfigurationError,
    available_providers,
    connect,
    load_provider,
    register_provider,
    unregister_provider,
)

from ._support import HERE, FakeService, OtherService, Outer, ep

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
