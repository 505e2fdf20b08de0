"""get: by an id the listing gave, a missing id, an empty id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from confclient import Conference, InvalidRequestError, NotFoundError

if TYPE_CHECKING:
    from confclient.sandbox import Sandbox

    from .conftest import ProviderProfile


async def test_get_returns_the_listed_conference(
    provider_name: str, profile: ProviderProfile, sb: Sandbox, svc: Any
) -> None:
    listed = await svc.list(region=profile.region, limit=5).collect()
    for conf in (listed[0], listed[-1]):
        got = await svc.get(conf.id)
        assert isinstance(got, Conference)
        assert got.provider == provider_name
        assert got.id == conf.id
        assert got.name == conf.name
        assert got.status == conf.status
        assert got.created_at == conf.created_at


async def test_missing_id_is_not_found_with_the_provider_code(
    provider_name: str, profile: ProviderProfile, sb: Sandbox, svc: Any
) -> None:
    with pytest.raises(NotFoundError) as info:
        await svc.get(profile.missing_id)
    error = info.value
    assert error.status == 404
    assert error.provider == provider_name
    assert isinstance(error.code, str)
    assert error.code
    # A 404 is an answer, not retried: one request, or one per region where a lookup
    # searches every region (and then the error names them all).
    if error.regions:
        assert sorted(error.regions) == sorted(svc.regions)
        assert sb.stats.total_requests == len(svc.regions)
    else:
        assert sb.stats.total_requests == 1


@pytest.mark.parametrize("bad_id", ["", "   "], ids=["empty", "blank"])
async def test_empty_id_is_refused_before_any_request(sb: Sandbox, svc: Any, bad_id: str) -> None:
    with pytest.raises(InvalidRequestError):
        await svc.get(bad_id)
    assert sb.stats.total_requests == 0
