"""One body of code, written once against ``ConferenceService``, on every provider.

``users_code`` is what a user of confclient writes without knowing the provider: count
conferences by status, fetch again what the listing gave (by id and as a ``Conference``), take
the first few of a fan-out, resume a listing. It runs unchanged over every registered provider
against the sandbox, and must give the same kinds of answers: every conference of every region
listed exactly once, each retrievable, the same limits, the same errors for the same mistakes.
A provider added later runs it as soon as it has a profile in conftest.py.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import attrs
import pytest

import confclient
from confclient import (
    Conference,
    ConferenceStatus,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    fan_out,
)

if TYPE_CHECKING:
    from confclient.sandbox import Sandbox

    from .conftest import ProviderProfile


@attrs.frozen
class Report:
    by_status: Counter[ConferenceStatus]
    listed: list[Conference]
    fetched_by_id: list[Conference]
    fetched_again: list[Conference]
    first_five: list[Conference]
    resumed: list[Conference]
    named: list[Conference]
    named_in_other_case: list[Conference]


async def users_code(svc: confclient.ConferenceService) -> Report:
    """A user's code: nothing in it names a provider, a region or a provider's field."""
    by_status: Counter[ConferenceStatus] = Counter()
    listed = []
    async for conf in svc.list():
        by_status[conf.status] += 1
        listed.append(conf)
    sample = [listed[0], listed[len(listed) // 2], listed[-1]]
    fetched_by_id = [await svc.get(conf.id) for conf in sample]
    fetched_again = [await svc.get(conf) for conf in sample]
    first_five = await fan_out(svc, limit=5).collect()
    pager = svc.list()
    async for _ in pager:
        if pager.items_yielded == 10:
            break
    resumed = await svc.list(resume_token=pager.resume_token).collect()
    name = listed[0].name
    assert name is not None
    named = await svc.list(name=name).collect()
    named_in_other_case = await svc.list(name=name.swapcase()).collect()
    return Report(
        by_status,
        listed,
        fetched_by_id,
        fetched_again,
        first_five,
        resumed,
        named,
        named_in_other_case,
    )


def everything(profile: ProviderProfile, sb: Sandbox) -> dict[str, str]:
    """Every conference id the sandbox holds for the provider, with its region."""
    return {
        record[profile.id_field]: region
        for region in profile.sandbox_regions(sb)
        for record in profile.records(sb, region)
    }


async def test_the_same_code_gives_the_same_kinds_of_answers(
    provider_name: str, profile: ProviderProfile, sb: Sandbox, svc: Any
) -> None:
    report = await users_code(svc)
    want = everything(profile, sb)

    # Every conference of every region, exactly once, each saying where it lives.
    ids = [c.id for c in report.listed]
    assert Counter(ids) == Counter(want.keys())
    assert all(c.provider == provider_name for c in report.listed)
    assert {c.id: c.data_region for c in report.listed} == want
    assert sum(report.by_status.values()) == len(want)
    assert ConferenceStatus.UNKNOWN not in report.by_status

    # What the listing gave can be fetched again, by id and as a Conference.
    sample = [report.listed[0], report.listed[len(ids) // 2], report.listed[-1]]
    assert report.fetched_by_id == sample
    assert report.fetched_again == sample

    # A limit bounds what the caller sees, also across a fan-out; a token resumes exactly.
    assert len(report.first_five) == len({c.id for c in report.first_five}) == 5
    assert {c.id for c in report.first_five} <= set(want)
    assert ids[:10] + [c.id for c in report.resumed] == ids

    # name is exact and case-sensitive.
    name = report.listed[0].name
    assert report.named
    assert {c.name for c in report.named} == {name}
    assert {c.id for c in report.named} == {c.id for c in report.listed if c.name == name}
    assert report.named_in_other_case == []


async def test_the_same_mistakes_raise_the_same_errors(
    profile: ProviderProfile, sb: Sandbox, svc: Any
) -> None:
    mistakes: list[tuple[type[Exception], Any]] = [
        (InvalidRequestError, lambda: svc.list(region="nowhere")),
        (InvalidRequestError, lambda: svc.list(page_size=0)),
        (InvalidRequestError, lambda: svc.list(limit=0)),
        (InvalidRequestError, lambda: svc.list(status="brand_new")),
        (InvalidRequestError, lambda: svc.list(resume_token="not a token")),
        (InvalidRequestError, lambda: fan_out(svc, regions=[svc.regions[0]] * 2)),
        (InvalidRequestError, lambda: fan_out(svc, limit=0)),
        (ConfigurationError, lambda: profile.connect(sb, default_region="nowhere")),
    ]
    for error, mistake in mistakes:
        with pytest.raises(error):
            mistake()
    awaited: list[tuple[type[Exception], Any]] = [
        (InvalidRequestError, svc.get("")),
        (InvalidRequestError, svc.get(Conference(provider="elsewhere", id="x"))),
        (InvalidRequestError, svc.get(profile.missing_id, region="nowhere")),
    ]
    for error, call in awaited:
        with pytest.raises(error):
            await call
    assert sb.stats.total_requests == 0  # every mistake above was caught before sending
    with pytest.raises(NotFoundError):
        await svc.get(profile.missing_id)


async def test_a_token_of_one_provider_is_refused_by_another(
    profiles: dict[str, ProviderProfile], sb: Sandbox
) -> None:
    services = [p.connect(sb) for p in profiles.values()]
    try:
        tokens = []
        for service in services:
            pager = service.list(limit=1)
            await pager.collect()
            tokens.append(pager.resume_token)
        for service, token in zip(services, [*tokens[1:], tokens[0]], strict=True):
            with pytest.raises(InvalidRequestError, match="belongs to provider"):
                service.list(resume_token=token)
    finally:
        for service in services:
            await service.aclose()
