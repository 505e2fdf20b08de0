"""Errors: refused credentials, retried and exhausted server faults, bad neutral input,
operations the provider does not offer.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest

from confclient import (
    AuthenticationError,
    Capability,
    Conference,
    InvalidRequestError,
    RetryPolicy,
    ServerError,
    UnsupportedOperationError,
)

from ._support import FAST_RETRY, PAGE_SIZE, SIZE

if TYPE_CHECKING:
    from confclient.sandbox import Sandbox

    from .conftest import ProviderProfile


async def test_wrong_credentials_are_an_authentication_error_not_retried(
    provider_name: str, profile: ProviderProfile, sb: Sandbox
) -> None:
    async with profile.connect_wrong_credentials(sb, retry=FAST_RETRY) as svc:
        with pytest.raises(AuthenticationError) as info:
            await svc.list(region=profile.region).collect()
    error = info.value
    assert error.status == 401
    assert error.provider == provider_name
    assert isinstance(error.code, str)
    assert error.code
    assert sb.stats.total_requests == 1


async def test_transient_faults_are_retried_through(
    profile: ProviderProfile, sb: Sandbox, svc: Any, expected: list[str]
) -> None:
    sb.queue_faults("503", "503", path_prefix=profile.fault_path_prefix)
    got = await svc.list(region=profile.region, page_size=PAGE_SIZE).collect()
    assert [c.id for c in got] == expected
    assert sb.stats.faults["503"] == 2
    assert sb.stats.total_requests == math.ceil(SIZE / PAGE_SIZE) + 2


async def test_server_error_after_the_last_attempt_keeps_status_and_code(
    provider_name: str, profile: ProviderProfile, sb: Sandbox
) -> None:
    sb.queue_faults("500", "500", "500", "500", path_prefix=profile.fault_path_prefix)
    async with profile.connect(sb, retry=RetryPolicy(max_attempts=2, backoff_base=0)) as svc:
        with pytest.raises(ServerError) as info:
            await svc.list(region=profile.region).collect()
    error = info.value
    assert error.status == 500
    assert error.provider == provider_name
    assert isinstance(error.code, str)
    assert error.code
    assert sb.stats.total_requests == 2
    assert sb.stats.faults["500"] == 2
    assert len(sb.queued_faults) == 2


def _bad_inputs(profile: ProviderProfile) -> dict[str, dict[str, Any]]:
    return {
        "unknown-region": {"region": "Atlantis"},
        "page_size-0": {"page_size": 0},
        "page_size-above-max": {"page_size": profile.max_page_size + 1},
        "limit-0": {"limit": 0},
        "naive-created_after": {"created_after": datetime(2024, 1, 1)},  # naive
        "status-bogus": {"status": "bogus"},
    }


@pytest.mark.parametrize(
    "case",
    [
        "unknown-region",
        "page_size-0",
        "page_size-above-max",
        "limit-0",
        "naive-created_after",
        "status-bogus",
    ],
)
async def test_bad_neutral_input_is_refused_before_any_request(
    profile: ProviderProfile, sb: Sandbox, svc: Any, case: str
) -> None:
    kwargs = _bad_inputs(profile)[case]
    kwargs.setdefault("region", profile.region)
    with pytest.raises(InvalidRequestError):
        svc.list(**kwargs)  # at once: not when iterated
    assert sb.stats.total_requests == 0


async def test_create_only_where_the_capability_says(
    provider_name: str, profile: ProviderProfile, sb: Sandbox, svc: Any
) -> None:
    if Capability.CREATE not in svc.capabilities:
        with pytest.raises(UnsupportedOperationError) as info:
            await svc.create(name="x")
        assert info.value.provider == provider_name
        assert info.value.operation == "create"
        assert sb.stats.total_requests == 0
        assert not profile.supports_create
        return
    assert profile.create_fields is not None
    conf = await svc.create(**profile.create_fields)
    assert isinstance(conf, Conference)
    assert conf.provider == provider_name
    assert (await svc.get(conf.id)).id == conf.id
