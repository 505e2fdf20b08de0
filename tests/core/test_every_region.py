"""The neutral meaning of a missing region, on an in-memory region-scoped service.

``svc.list()`` without a region is one stream over every region, in the provider's order,
under one limit, resumable by one token; ``svc.get(id)`` finds a conference wherever it is.
(End to end over HTTP: tests/e2e/test_every_region.py.)
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confclient import (
    AuthenticationError,
    Capability,
    Conference,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    Page,
    Pager,
    RetryPolicy,
)
from confclient.errors import error_class_for_status
from confclient.paging import RawPage, encode_resume_token
from confclient.service import BaseConferenceService, ListQuery
from confclient.transport import Transport

REGIONS = ("north", "south", "east", "west")


def conference(region: str, rank: int) -> Conference:
    return Conference(provider="fake", id=f"{region}-{rank:03d}", max_participants=rank)


def order_key(conf: Conference) -> Any:
    assert conf.max_participants is not None
    return (-conf.max_participants, conf.id)


class RegionSource:
    """One region's conferences in list order (descending rank), paged by number."""

    def __init__(self, region: str, items: Sequence[Conference], page_size: int) -> None:
        self.region = region
        self.items = [
            Conference(
                provider="fake", id=c.id, max_participants=c.max_participants, data_region=region
            )
            for c in sorted(items, key=order_key)
        ]
        self.page_size = page_size
        self.in_flight = 0
        self.most_in_flight = 0
        self.fetched = 0
        self.fail_on_page: int | None = None

    @property
    def provider(self) -> str:
        return "fake"

    async def fetch_page(self, cursor: Any) -> RawPage:
        number = cursor["n"]
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.001)
        finally:
            self.in_flight -= 1
        self.fetched += 1
        if number == self.fail_on_page:
            raise AuthenticationError(status=401, provider="fake")
        start = (number - 1) * self.page_size
        page = self.items[start : start + self.page_size]
        more = start + self.page_size < len(self.items)
        return RawPage(
            items=page, next_cursor={"r": self.region, "n": number + 1} if more else None
        )


class RegionalService(BaseConferenceService):
    """A provider whose requests each reach one region (like Telnyx)."""

    provider: ClassVar[str] = "fake"
    regions: ClassVar[tuple[str, ...]] = REGIONS
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.LIST, Capability.GET})
    region_scoped: ClassVar[bool] = True

    def __init__(
        self,
        data: Mapping[str, Sequence[Conference]],
        *,
        page_size: int = 3,
        default_region: str | None = None,
    ) -> None:
        super().__init__(
            Transport(
                provider="fake",
                base_url="http://127.0.0.1:9/v1",  # port 9: a request that slipped out fails
                headers={},
                retry=RetryPolicy.disabled(),
            ),
            default_region=default_region,
        )
        self.sources = {r: RegionSource(r, data.get(r, ()), page_size) for r in REGIONS}
        self.gets: list[str] = []
        self.get_delay: dict[str, float] = {}
        self.get_status: dict[str, int] = {}

    def _list(self, query: ListQuery) -> Pager:
        assert query.region in REGIONS
        return Pager(self.sources[query.region], {"r": query.region, "n": 1}, limit=query.limit)

    def _resume(self, query: ListQuery, cursor: Any, skip: int) -> Pager:
        if not (isinstance(cursor, dict) and cursor.get("r") in REGIONS):
            raise InvalidRequestError("resume_token is damaged")
        return Pager(self.sources[cursor["r"]], cursor, limit=query.limit, skip=skip)

    def _list_order(self, conf: Conference) -> Any:
        return order_key(conf)

    async def _get(self, id: str, *, region: str | None) -> Conference:
        assert region is not None
        self.gets.append(region)
        await asyncio.sleep(self.get_delay.get(region, 0))
        status = self.get_status.get(region)
        if status is not None:
            raise error_class_for_status(status)(status=status, provider="fake")
        for conf in self.sources[region].items:
            if conf.id == id:
                return conf
        raise NotFoundError(status=404, provider="fake")


def data(sizes: Sequence[int]) -> dict[str, list[Conference]]:
    """``sizes[i]`` conferences in region i, ranks interleaving across regions."""
    return {
        region: [conference(region, rank * len(REGIONS) + index) for rank in range(size)]
        for index, (region, size) in enumerate(zip(REGIONS, sizes, strict=False))
    }


def expected(svc: RegionalService) -> list[str]:
    everything = [c for source in svc.sources.values() for c in source.items]
    return [c.id for c in sorted(everything, key=order_key)]


@pytest.fixture
async def svc() -> AsyncIterator[RegionalService]:
    service = RegionalService(data([7, 0, 5, 9]))
    yield service
    await service.aclose()


def ids(items: Sequence[Conference]) -> list[str]:
    return [c.id for c in items]


# -- listing ------------------------------------------------------------------------------------


async def test_no_region_lists_every_region_merged_in_the_provider_order(
    svc: RegionalService,
) -> None:
    pager = svc.list()
    got = await pager.collect()
    assert ids(got) == expected(svc)
    assert {c.data_region for c in got} == {"north", "east", "west"}
    assert all(c.id.startswith(c.data_region or "?") for c in got)
    assert pager.resume_token is None
    assert pager.items_yielded == 21
    # Every region's pages: 3 + 1 (an empty region still answers) + 2 + 3.
    assert pager.pages_fetched == 9


async def test_every_region_starts_at_once(svc: RegionalService) -> None:
    started = asyncio.Event()
    in_flight: list[int] = []

    async def watch() -> None:
        while not started.is_set():
            in_flight.append(sum(s.in_flight for s in svc.sources.values()))
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch())
    pager = svc.list()
    async for _ in pager:
        started.set()
        break
    await watcher
    assert max(in_flight) == len(REGIONS)  # the four first pages were on the wire together


async def test_a_region_or_the_default_region_lists_only_there() -> None:
    service = RegionalService(data([4, 4, 4, 4]), default_region="EAST")
    try:
        assert service.default_region == "east"
        assert ids(await service.list().collect()) == ids(service.sources["east"].items)
        assert ids(await service.list(region="West").collect()) == ids(
            service.sources["west"].items
        )
        assert type(service.list()) is Pager  # one region: a plain listing
    finally:
        await service.aclose()


def test_an_unknown_default_region_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="default_region must be one of north"):
        RegionalService({}, default_region="up")


@pytest.mark.parametrize("limit", [1, 4, 20, 21, 50])
async def test_limit_bounds_the_merged_stream(svc: RegionalService, limit: int) -> None:
    pager = svc.list(limit=limit)
    assert ids(await pager.collect()) == expected(svc)[:limit]
    assert pager.items_yielded == min(limit, 21)
    if limit < 21:
        assert pager.resume_token is not None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sizes=st.lists(st.integers(0, 8), min_size=4, max_size=4),
    page_size=st.integers(1, 4),
    cut=st.integers(0, 40),
)
def test_a_token_read_after_any_item_resumes_with_exactly_the_rest(
    sizes: list[int], page_size: int, cut: int
) -> None:
    async def scenario() -> None:
        first = RegionalService(data(sizes), page_size=page_size)
        want = expected(first)
        got: list[str] = []
        token = None
        async with first:
            pager = first.list()
            if cut == 0:
                token = pager.resume_token  # before anything: the whole listing
            else:
                async for conf in pager:
                    got.append(conf.id)
                    if len(got) == cut:
                        token = pager.resume_token  # read inside the loop body
                        break
        if cut >= len(want):
            assert got == want
            return
        assert got == want[:cut]
        assert token is not None
        # Another service object (as in another process) takes it from there.
        async with RegionalService(data(sizes), page_size=page_size) as later:
            rest = await later.list(resume_token=token).collect()
        assert ids(rest) == want[cut:]

    asyncio.run(scenario())


async def test_pages_carry_tokens_that_resume_after_them(svc: RegionalService) -> None:
    pages = [page async for page in svc.list(page_size=3).pages()]
    assert all(isinstance(page, Page) for page in pages)
    assert [len(page) for page in pages] == [3] * 7
    assert [c.id for page in pages for c in page.items] == expected(svc)
    assert pages[-1].resume_token is None
    token = pages[2].resume_token
    assert token is not None
    rest = await svc.list(resume_token=token).collect()
    assert ids(rest) == expected(svc)[9:]


async def test_a_region_that_fails_ends_the_listing_with_its_error(
    svc: RegionalService,
) -> None:
    svc.sources["east"].fail_on_page = 2
    got: list[str] = []

    async def consume() -> None:
        async for conf in svc.list():
            got.append(conf.id)

    with pytest.raises(AuthenticationError) as info:
        await consume()
    assert "while listing fake:east" in info.value.__notes__
    assert got == expected(svc)[: len(got)]  # what came before the failure was in order
    await asyncio.sleep(0)
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


async def test_a_first_page_failure_stops_the_other_regions(svc: RegionalService) -> None:
    svc.sources["west"].fail_on_page = 1
    with pytest.raises(AuthenticationError) as info:
        await svc.list().collect()
    assert info.value.__notes__ == ["while listing fake:west"]
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


async def other_tasks() -> list[asyncio.Task[Any]]:
    """Tasks still alive after the loop had a few turns to finish what was cancelled."""
    for _ in range(20):
        left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if not left:
            break
        await asyncio.sleep(0)
    return left


async def test_leaving_early_closes_every_region(svc: RegionalService) -> None:
    pager = svc.list(page_size=1)
    async for _ in pager:
        break
    # Python closes the abandoned listing on the loop's next turns; its regions with it.
    assert await other_tasks() == []
    assert pager.resume_token is not None
    explicit = svc.list(page_size=1)
    async for _ in explicit:
        break
    await explicit.aclose()
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


async def test_closing_the_service_stops_a_listing_in_progress(svc: RegionalService) -> None:
    pager = svc.list(page_size=1)
    iterator = aiter(pager)
    await anext(iterator)
    await svc.aclose()
    await asyncio.sleep(0)
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


# -- resume tokens ------------------------------------------------------------------------------


async def test_a_token_of_every_region_takes_no_region(svc: RegionalService) -> None:
    pager = svc.list(limit=2)
    await pager.collect()
    token = pager.resume_token
    with pytest.raises(InvalidRequestError, match="takes no region"):
        svc.list(resume_token=token, region="north")


def forged(cursor: Any) -> str:
    return encode_resume_token("fake", cursor, 0)


@pytest.mark.parametrize(
    "cursor",
    [
        {"merged": []},
        {"merged": "north"},
        {"merged": [{"r": r, "done": True} for r in REGIONS[:3]]},  # a region missing
        {"merged": [{"r": r, "done": True} for r in reversed(REGIONS)]},  # out of order
        {"merged": [{"r": r, "done": True} for r in REGIONS], "extra": 1},
        {"merged": [{"r": r, "c": {"r": r, "n": 1}, "s": -1} for r in REGIONS]},
        {"merged": [{"r": r, "c": {"r": r, "n": 1}, "s": True} for r in REGIONS]},
        {"merged": [{"r": r, "done": "yes"} for r in REGIONS]},
        {"merged": [{"r": r, "c": {"r": "nowhere", "n": 1}, "s": 0} for r in REGIONS]},
    ],
)
async def test_forged_tokens_are_refused_before_any_request(
    svc: RegionalService, cursor: Any
) -> None:
    with pytest.raises(InvalidRequestError, match="damaged"):
        svc.list(resume_token=forged(cursor))
    assert all(s.fetched == 0 for s in svc.sources.values())


def test_a_merged_token_is_plain_json_inside() -> None:
    """What the token holds, so that its format is a decision and not an accident."""

    async def token() -> str:
        async with RegionalService(data([2, 2, 0, 0]), page_size=1) as service:
            pager = service.list()
            async for _ in pager:
                break
            found = pager.resume_token
            assert found is not None
            return found

    body = asyncio.run(token()).removeprefix("cc1.")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert payload["p"] == "fake"
    parts = payload["c"]["merged"]
    assert [p["r"] for p in parts] == list(REGIONS)
    assert parts[2] == {"r": "east", "done": True}  # empty: done as soon as it answered


# -- get ------------------------------------------------------------------------------------------


async def test_get_finds_it_in_whichever_region_has_it(svc: RegionalService) -> None:
    target = svc.sources["west"].items[4]
    svc.get_delay = {"north": 0.05, "east": 0.05}  # slower regions are cancelled, not awaited
    got = await svc.get(target.id)
    assert got == target
    assert sorted(svc.gets) == sorted(REGIONS)
    await asyncio.sleep(0)
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


async def test_get_with_a_default_region_that_has_it_is_one_request() -> None:
    service = RegionalService(data([3, 3, 3, 3]), default_region="south")
    async with service:
        target = service.sources["south"].items[1]
        assert await service.get(target.id) == target
        assert service.gets == ["south"]


async def test_get_a_conference_again_asks_its_own_region_first(svc: RegionalService) -> None:
    listed = await svc.list().collect()
    for conf in (listed[0], listed[-1]):
        svc.gets.clear()
        assert await svc.get(conf) == conf
        assert svc.gets == [conf.data_region]


async def test_a_region_hint_is_checked_then_looked_in_first(svc: RegionalService) -> None:
    target = svc.sources["east"].items[0]
    assert await svc.get(target.id, region="NORTH") == target
    assert svc.gets[0] == "north"
    with pytest.raises(InvalidRequestError, match="region must be one of"):
        await svc.get(target.id, region="up")


async def test_not_found_anywhere_names_every_region_asked(svc: RegionalService) -> None:
    with pytest.raises(NotFoundError) as info:
        await svc.get("nowhere-1", region="east")
    assert info.value.regions == ("east", "north", "south", "west")
    assert "looked in east, north, south, west" in str(info.value)
    assert sorted(svc.gets) == sorted(REGIONS)


async def test_an_error_that_is_not_not_found_is_raised(svc: RegionalService) -> None:
    svc.get_status = {"south": 401}
    with pytest.raises(AuthenticationError) as info:
        await svc.get("nowhere-1")
    assert "while looking for 'nowhere-1' in fake:south" in info.value.__notes__


async def test_a_hit_wins_over_another_region_failing(svc: RegionalService) -> None:
    target = svc.sources["north"].items[0]
    svc.get_status = {"south": 503}
    svc.get_delay = {"north": 0.01}
    assert await svc.get(target.id) == target


async def test_another_provider_s_conference_is_refused(svc: RegionalService) -> None:
    with pytest.raises(InvalidRequestError, match="cannot fetch a other conference"):
        await svc.get(Conference(provider="other", id="x"))
    assert svc.gets == []
