"""participants / get_participant: the same user-style code on every provider.

A provider with ``Capability.PARTICIPANTS`` lists each conference's participants (given as the
listed ``Conference`` or its id: the same stream), fetches each one again, answers a missing
conference with ``NotFoundError`` and refuses, before any request, a neutral filter it cannot
apply; a filter it can apply is applied. A provider without the capability refuses both
calls before any request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from confclient import (
    Capability,
    NotFoundError,
    Participant,
    UnsupportedFilterError,
    UnsupportedOperationError,
)

if TYPE_CHECKING:
    from confclient.sandbox import Sandbox

    from .conftest import ProviderProfile

# A value of each neutral filter (the sandbox names participants caller-1, caller-2, ...).
NEUTRAL_FILTERS: dict[str, Any] = {"label": "caller-2", "muted": True, "on_hold": False}


async def test_each_conference_lists_its_participants_once_by_object_or_id(
    provider_name: str, profile: ProviderProfile, svc: Any
) -> None:
    if Capability.PARTICIPANTS not in svc.capabilities:
        pytest.skip(f"{provider_name} does not declare participants (checked below)")
    conferences = await svc.list(region=profile.region, limit=5).collect()
    seen_any = False
    for conf in conferences:
        by_object = await svc.participants(conf).collect()
        by_id = await svc.participants(conf.id).collect()
        assert [p.id for p in by_object] == [p.id for p in by_id]
        assert len({p.id for p in by_object}) == len(by_object)
        for p in by_object:
            assert isinstance(p, Participant)
            assert p.provider == provider_name
            assert p.conference_id == conf.id
        if by_object:
            seen_any = True
            again = await svc.get_participant(conf, by_object[-1].id)
            assert again.id == by_object[-1].id
            assert again.status == by_object[-1].status
    assert seen_any


async def test_paging_and_resume_give_the_same_participants(
    provider_name: str, profile: ProviderProfile, svc: Any
) -> None:
    if Capability.PARTICIPANTS not in svc.capabilities:
        pytest.skip(f"{provider_name} does not declare participants")
    conferences = await svc.list(region=profile.region, limit=5).collect()
    counts = {conf.id: len(await svc.participants(conf).collect()) for conf in conferences}
    conference = max(counts, key=counts.__getitem__)
    whole = [p.id for p in await svc.participants(conference).collect()]
    pager = svc.participants(conference, page_size=3)
    head = []
    async for p in pager:
        head.append(p.id)
        if len(head) == 4:
            break
    rest = await svc.participants(conference, resume_token=pager.resume_token).collect()
    assert head + [p.id for p in rest] == whole


async def test_missing_conference_is_not_found(
    provider_name: str, profile: ProviderProfile, svc: Any
) -> None:
    if Capability.PARTICIPANTS not in svc.capabilities:
        pytest.skip(f"{provider_name} does not declare participants")
    with pytest.raises(NotFoundError) as info:
        await svc.participants(profile.missing_id).collect()
    assert info.value.provider == provider_name


@pytest.mark.parametrize("name", sorted(NEUTRAL_FILTERS))
async def test_a_neutral_filter_is_applied_by_the_server_or_refused_before_any_request(
    provider_name: str, profile: ProviderProfile, sb: Sandbox, svc: Any, name: str
) -> None:
    if Capability.PARTICIPANTS not in svc.capabilities:
        pytest.skip(f"{provider_name} does not declare participants")
    conferences = await svc.list(region=profile.region, limit=3).collect()
    conference = conferences[1]  # the large one of the region
    before = sb.stats.total_requests
    refused: UnsupportedFilterError | None = None
    try:
        pager = svc.participants(conference, **{name: NEUTRAL_FILTERS[name]})
    except UnsupportedFilterError as exc:
        refused = exc
    if refused is not None:
        assert (refused.provider, refused.filter) == (provider_name, name)
        assert sb.stats.total_requests == before
        return
    got = await pager.collect()
    every = await svc.participants(conference).collect()
    assert 0 < len(got) < len(every)
    assert all(getattr(p, name) == NEUTRAL_FILTERS[name] for p in got)


async def test_without_the_capability_both_calls_are_refused_before_any_request(
    provider_name: str, sb: Sandbox, svc: Any
) -> None:
    if Capability.PARTICIPANTS in svc.capabilities:
        pytest.skip(f"{provider_name} declares participants (checked above)")
    before = sb.stats.total_requests
    with pytest.raises(UnsupportedOperationError):
        svc.participants("any")
    with pytest.raises(UnsupportedOperationError):
        await svc.get_participant("any", "one")
    assert sb.stats.total_requests == before
