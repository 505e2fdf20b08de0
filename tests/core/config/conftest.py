"""Fixtures of the configuration tests: a registry cleaned after each test, no
configuration file or variable but the test's own, and entry points chosen by the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

import confclient.config.registry
from confclient import register_provider, unregister_provider
from confclient.config import ENTRY_POINT_GROUP


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
