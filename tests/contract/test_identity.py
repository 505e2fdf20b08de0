"""Every registered provider has a profile and describes itself the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import confclient
from confclient import Capability

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .conftest import ProviderProfile


def test_every_registered_provider_has_a_profile(profiles: Mapping[str, ProviderProfile]) -> None:
    registered = set(confclient.available_providers())
    assert registered, "no provider is registered"
    missing = sorted(registered - set(profiles))
    assert not missing, f"add a ProviderProfile to tests/contract/conftest.py for: {missing}"
    for name, profile in profiles.items():
        assert profile.name == name


async def test_identity(provider_name: str, profile: ProviderProfile, svc: Any) -> None:
    assert isinstance(svc, confclient.ConferenceService)
    assert svc.provider == provider_name
    assert isinstance(svc.regions, tuple)
    assert svc.regions
    assert all(isinstance(r, str) and r for r in svc.regions)
    assert profile.region in svc.regions
    caps = svc.capabilities
    assert isinstance(caps, frozenset)
    assert all(isinstance(c, Capability) for c in caps)
    assert {Capability.LIST, Capability.GET} <= caps
    assert (Capability.CREATE in caps) is profile.supports_create
    assert (profile.create_fields is not None) is profile.supports_create
