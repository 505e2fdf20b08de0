"""Regions: ``svc.regions`` is exactly what the provider documents for conferences, and the
sandbox, which answers as the provider does, agrees with the client on every one of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from confclient import ConfigurationError, InvalidRequestError, ValidationError, fan_out

from ._support import SIZE

if TYPE_CHECKING:
    from confclient.sandbox import Sandbox

    from .conftest import ProviderProfile


async def test_the_client_and_the_sandbox_have_the_same_regions(
    profile: ProviderProfile, sb: Sandbox, svc: Any
) -> None:
    assert svc.regions == profile.sandbox_regions(sb)


async def test_every_region_is_accepted_and_lists_its_own_conferences(
    profile: ProviderProfile, sb: Sandbox, svc: Any
) -> None:
    for region in svc.regions:
        got = await svc.list(region=region).collect()
        assert [c.id for c in got] == profile.expected_ids(sb, region)
        assert {c.data_region for c in got} == {region}
    assert sb.stats.total_requests == len(svc.regions)


async def test_fan_out_over_svc_regions_lists_every_conference_once(
    profile: ProviderProfile, sb: Sandbox, svc: Any
) -> None:
    got = await fan_out(svc, regions=svc.regions).collect()
    assert len(got) == len({c.id for c in got}) == SIZE * len(svc.regions)
    for region in svc.regions:
        listed = [c.id for c in got if c.data_region == region]
        assert listed == profile.expected_ids(sb, region)


async def test_an_undocumented_region_is_refused_by_the_client_and_by_the_sandbox(
    provider_name: str, profile: ProviderProfile, sb: Sandbox, svc: Any
) -> None:
    region = profile.undocumented_region
    assert region.casefold() not in {r.casefold() for r in svc.regions}
    with pytest.raises(InvalidRequestError, match=f"got '{region}'"):
        svc.list(region=region)
    with pytest.raises(InvalidRequestError, match=f"got '{region}'"):
        fan_out(svc, regions=(*svc.regions, region))
    with pytest.raises(ConfigurationError, match="default_region"):
        profile.connect(sb, default_region=region)
    assert sb.stats.total_requests == 0

    # Asked directly, the sandbox refuses it as the provider documents, and the adapter
    # reads that answer as a validation error naming the parameter.
    async with aiohttp.ClientSession() as session:
        status, headers, body = await profile.list_natively(session, sb, region)
    error = profile.parse_error(status, headers, body)
    assert isinstance(error, ValidationError)
    assert (error.status, error.code) == profile.region_refusal
    assert error.provider == provider_name
    assert profile.region_parameter in str(error)
