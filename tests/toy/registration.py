"""Registering the toy provider: a fixture, as a test suite (or an app) would do it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import pytest

import confclient

TOY: Final = "toy"


@pytest.fixture
def toy_provider() -> Iterator[str]:
    """The toy provider, registered by name for one test (its package loaded lazily)."""
    confclient.register_provider(TOY, "tests.toy.service:ToyConferenceService")
    try:
        yield TOY
    finally:
        confclient.unregister_provider(TOY)
