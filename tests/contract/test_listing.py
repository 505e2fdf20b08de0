"""Listing: paging to the end, limit, resume tokens, and filters applied by the provider."""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from confclient import (
    Conference,
    ConferenceStatus,
    InvalidRequestError,
    Page,
    UnsupportedFilterError,
    available_providers,
)
from confclient.paging import encode_resume_token

from ._support import FAST_RETRY, PAGE_SIZE, SIZE

if TYPE_CHECKING:
    from collections.abc import Mapping

    from confclient.sandbox import Sandbox

    from .conftest import ProviderProfile

PAGES = math.ceil(SIZE / PAGE_SIZE)


# -- paging to the end ----------------------------------------------------------------------


async def test_items_stream_every_record_in_order(
    provider_name: str, profile: ProviderProfile, sb: Sandbox, svc: Any, expected: list[str]
) -> None:
    records = profile.records(sb, profile.region)
    pager = svc.list(region=profile.region, page_size=PAGE_SIZE)
    got = [conf async for conf in pager]
    assert [c.id for c in got] == expected
    for conf, record in zip(got, records, strict=True):
        assert isinstance(conf, Conference)
        assert conf.provider == provider_name
        assert conf.created_at is not None
        assert conf.created_at.utcoffset() == timedelta(0)
        assert conf.raw == record
    assert pager.pages_fetched == PAGES
    assert pager.items_yielded == SIZE
    assert pager.resume_token is None
    assert sb.stats.total_requests == PAGES


async def test_pages_have_page_size_and_a_token_until_the_last(
    profile: ProviderProfile, sb: Sandbox, svc: Any, expected: list[str]
) -> None:
    pager = svc.list(region=profile.region, page_size=PAGE_SIZE)
    pages = [page async for page in pager.pages()]
    assert all(isinstance(p, Page) for p in pages)
    sizes = [len(p.items) for p in pages]
    assert sizes == [PAGE_SIZE] * (PAGES - 1) + [SIZE - PAGE_SIZE * (PAGES - 1)]
    assert [c.id for p in pages for c in p.items] == expected
    assert [p.resume_token is None for p in pages] == [False] * (PAGES - 1) + [True]
    assert pager.pages_fetched == PAGES
    assert pager.resume_token is None
    assert sb.stats.total_requests == PAGES


async def test_collect_gives_the_same_listing(
    profile: ProviderProfile, svc: Any, expected: list[str]
) -> None:
    pager = svc.list(region=profile.region, page_size=PAGE_SIZE)
    got = await pager.collect()
    assert isinstance(got, list)
    assert [c.id for c in got] == expected
    assert pager.pages_fetched == PAGES
    assert pager.resume_token is None


async def test_the_largest_page_size_is_accepted(
    profile: ProviderProfile, sb: Sandbox, svc: Any, expected: list[str]
) -> None:
    pager = svc.list(region=profile.region, page_size=profile.max_page_size)
    assert [c.id for c in await pager.collect()] == expected
    assert pager.pages_fetched == 1
    assert sb.stats.total_requests == 1


# -- limit ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "limit",
    [3, PAGE_SIZE, PAGE_SIZE + 3, 2 * PAGE_SIZE, SIZE - 1, SIZE, SIZE + 5],
    ids=lambda n: f"limit{n}",
)
async def test_limit_stops_without_requesting_another_page(
    profile: ProviderProfile, sb: Sandbox, svc: Any, expected: list[str], limit: int
) -> None:
    pager = svc.list(region=profile.region, page_size=PAGE_SIZE, limit=limit)
    got: list[Conference] = []
    async for conf in pager:
        got.append(conf)
        if len(got) == min(limit, SIZE):
            await asyncio.sleep(0.02)  # time for a needless prefetch to reach the server
    assert [c.id for c in got] == expected[:limit]
    needed = math.ceil(min(limit, SIZE) / PAGE_SIZE)
    assert pager.pages_fetched == needed
    assert sb.stats.total_requests == needed
    assert pager.items_yielded == min(limit, SIZE)
    # What is left is exactly where the token points.
    token = pager.resume_token
    if limit >= SIZE:
        assert token is None
        return
    assert token is not None
    async with profile.connect(sb, retry=FAST_RETRY) as other:
        rest = await other.list(resume_token=token).collect()
    assert [c.id for c in got + rest] == expected


async def test_limit_by_pages_cuts_the_last_page(
    profile: ProviderProfile, sb: Sandbox, svc: Any, expected: list[str]
) -> None:
    limit = PAGE_SIZE + 3
    pages = [
        p async for p in svc.list(region=profile.region, page_size=PAGE_SIZE, limit=limit).pages()
    ]
    assert [len(p.items) for p in pages] == [PAGE_SIZE, 3]
    assert [c.id for p in pages for c in p.items] == expected[:limit]
    assert sb.stats.total_requests == 2
    token = pages[-1].resume_token
    assert token is not None  # the listing goes on
    async with profile.connect(sb, retry=FAST_RETRY) as other:
        rest = await other.list(resume_token=token).collect()
    assert [c.id for c in rest] == expected[limit:]


# -- resume ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "k",
    [1, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1, 2 * PAGE_SIZE, 20, SIZE - 1, SIZE],
    ids=lambda k: f"after{k}",
)
async def test_resume_in_a_new_service_loses_and_repeats_nothing(
    profile: ProviderProfile, sb: Sandbox, svc: Any, expected: list[str], k: int
) -> None:
    pager = svc.list(region=profile.region, page_size=PAGE_SIZE)
    head: list[str] = []
    async for conf in pager:
        head.append(conf.id)
        if len(head) == k:
            break
    token = pager.resume_token
    await pager.aclose()
    assert isinstance(token, str)
    assert token == pager.resume_token  # closing keeps the position
    async with profile.connect(sb, retry=FAST_RETRY) as other:
        rest = other.list(resume_token=token)
        tail = [c.id for c in await rest.collect()]
        assert rest.resume_token is None
    assert head + tail == expected


async def test_resume_from_every_page_token(
    profile: ProviderProfile, sb: Sandbox, svc: Any, expected: list[str]
) -> None:
    pages = [p async for p in svc.list(region=profile.region, page_size=PAGE_SIZE).pages()]
    async with profile.connect(sb, retry=FAST_RETRY) as other:
        for index, page in enumerate(pages[:-1]):
            rest = await other.list(resume_token=page.resume_token).collect()
            done = sum(len(p.items) for p in pages[: index + 1])
            assert [c.id for c in rest] == expected[done:]


async def test_token_of_another_provider_is_refused(
    provider_name: str,
    profile: ProviderProfile,
    profiles: Mapping[str, ProviderProfile],
    sb: Sandbox,
    svc: Any,
) -> None:
    foreign = [encode_resume_token(f"not-{provider_name}", {"q": [], "n": 2}, 0)]
    for other_name, other in profiles.items():
        if other_name == provider_name or other_name not in available_providers():
            continue
        async with other.connect(sb, retry=FAST_RETRY) as other_svc:
            pager = other_svc.list(region=other.region, page_size=2, limit=3)
            await pager.collect()
            assert pager.resume_token is not None
            foreign.append(pager.resume_token)
    before = sb.stats.total_requests
    for token in foreign:
        with pytest.raises(InvalidRequestError):
            svc.list(resume_token=token)
    assert sb.stats.total_requests == before


@pytest.mark.parametrize(
    "token",
    ["garbage", "", "cc1.", "cc1.!!!not-base64!!!", "cc1.eyJwIjog", 12345],
    ids=["word", "empty", "prefix-only", "not-base64", "cut-json", "not-a-string"],
)
async def test_garbage_token_is_refused(sb: Sandbox, svc: Any, token: Any) -> None:
    with pytest.raises(InvalidRequestError):
        svc.list(resume_token=token)
    assert sb.stats.total_requests == 0


async def test_own_token_with_a_damaged_cursor_is_refused(
    provider_name: str, sb: Sandbox, svc: Any
) -> None:
    cursors: list[Any] = [None, 42, [], {"nonsense": True}]
    for cursor in cursors:
        token = encode_resume_token(provider_name, cursor, 0)
        with pytest.raises(InvalidRequestError):
            svc.list(resume_token=token)
    assert sb.stats.total_requests == 0


# -- filters --------------------------------------------------------------------------------


async def test_status_filter_round_trip(profile: ProviderProfile, sb: Sandbox, svc: Any) -> None:
    records = profile.records(sb, profile.region)
    completed = [
        r[profile.id_field] for r in records if r[profile.status_field] == profile.native_completed
    ]
    assert 0 < len(completed) < len(records)  # the filter has something to filter
    got = await svc.list(
        region=profile.region, status=ConferenceStatus.COMPLETED, page_size=PAGE_SIZE
    ).collect()
    assert [c.id for c in got] == completed
    assert {c.status for c in got} == {ConferenceStatus.COMPLETED}


async def test_name_filter_round_trip(profile: ProviderProfile, svc: Any) -> None:
    everything = await svc.list(region=profile.region).collect()
    name = everything[3].name
    assert name
    got = await svc.list(region=profile.region, name=name).collect()
    assert everything[3].id in {c.id for c in got}
    assert {c.name for c in got} == {name}
    assert [c.id for c in got] == [c.id for c in everything if c.name == name]


async def test_unsupported_neutral_filters_are_refused_before_any_request(
    provider_name: str, profile: ProviderProfile, sb: Sandbox, svc: Any
) -> None:
    for argument, value in profile.unsupported_filters.items():
        with pytest.raises(UnsupportedFilterError) as info:
            svc.list(region=profile.region, **{argument: value})
        assert info.value.provider == provider_name
        assert info.value.filter == argument
        assert provider_name in str(info.value)
        assert argument in str(info.value)
    assert sb.stats.total_requests == 0


@pytest.mark.parametrize("argument", ["created_after", "created_before"])
async def test_supported_time_filters_round_trip(
    provider_name: str, profile: ProviderProfile, sb: Sandbox, svc: Any, argument: str
) -> None:
    everything = await svc.list(region=profile.region).collect()
    times = sorted({c.created_at for c in everything})
    middle = len(times) // 2
    # Halfway between two records: no record sits on the bound, whatever its inclusiveness.
    bound = times[middle - 1] + (times[middle] - times[middle - 1]) / 2
    if argument in profile.unsupported_filters:
        with pytest.raises(UnsupportedFilterError) as info:
            svc.list(region=profile.region, **{argument: bound})
        assert info.value.provider == provider_name
        return
    got = await svc.list(region=profile.region, **{argument: bound}).collect()
    if argument == "created_after":
        wanted = [c.id for c in everything if c.created_at > bound]
    else:
        wanted = [c.id for c in everything if c.created_at < bound]
    assert 0 < len(wanted) < len(everything)
    assert [c.id for c in got] == wanted
