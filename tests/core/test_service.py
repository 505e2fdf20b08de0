"""The neutral list filters (ListQuery.build) and BaseConferenceService's shared plumbing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confclient import (
    BaseConferenceService,
    Capability,
    ConfClientError,
    Conference,
    ConferenceService,
    ConferenceStatus,
    InvalidRequestError,
    ListQuery,
    Pager,
    RetryPolicy,
    UnsupportedOperationError,
)
from confclient.paging import RawPage
from confclient.service import aware_utc, check_id
from confclient.transport import Transport

T0 = datetime(2026, 1, 1, tzinfo=UTC)


# -- ListQuery.build --------------------------------------------------------------------------


def test_build_defaults() -> None:
    query = ListQuery.build()
    assert query == ListQuery()
    assert query.filters == {}
    assert not query.has_filters


def test_build_keeps_valid_values() -> None:
    query = ListQuery.build(
        region="US",
        status="in_progress",
        name="All hands",
        created_after=T0,
        created_before=T0 + timedelta(days=1),
        page_size=50,
        limit=120,
        resume_token="cc1.abc",
        filters={"filter[product]": "call_control"},
    )
    assert query.region == "US"
    assert query.status is ConferenceStatus.IN_PROGRESS
    assert query.name == "All hands"
    assert query.created_after == T0
    assert query.created_before == T0 + timedelta(days=1)
    assert (query.page_size, query.limit, query.resume_token) == (50, 120, "cc1.abc")
    assert query.filters == {"filter[product]": "call_control"}
    assert query.has_filters


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("in_progress", ConferenceStatus.IN_PROGRESS),
        ("IN_PROGRESS", ConferenceStatus.IN_PROGRESS),
        ("completed", ConferenceStatus.COMPLETED),
        ("not_started", ConferenceStatus.NOT_STARTED),
        ("summary_timeout", ConferenceStatus.SUMMARY_TIMEOUT),
        (ConferenceStatus.COMPLETED, ConferenceStatus.COMPLETED),
        (ConferenceStatus.NOT_STARTED, ConferenceStatus.NOT_STARTED),
    ],
)
def test_build_status(value: Any, expected: ConferenceStatus) -> None:
    assert ListQuery.build(status=value).status is expected


@pytest.mark.parametrize(
    "value", [ConferenceStatus.UNKNOWN, "unknown", "UNKNOWN", "live", "", 1, ["completed"]]
)
def test_build_status_refused(value: Any) -> None:
    with pytest.raises(InvalidRequestError, match="status must be one of") as info:
        ListQuery.build(status=value)
    assert "in_progress" in str(info.value)
    assert "unknown," not in str(info.value)


@pytest.mark.parametrize("argument", ["created_after", "created_before"])
def test_build_refuses_naive_datetimes_naming_the_argument(argument: str) -> None:
    with pytest.raises(InvalidRequestError, match=f"^{argument} must be timezone-aware"):
        ListQuery.build(**{argument: datetime(2026, 1, 1)})


@pytest.mark.parametrize("argument", ["created_after", "created_before"])
@pytest.mark.parametrize("value", ["2026-01-01T00:00:00Z", 1767225600, T0.date()])
def test_build_refuses_non_datetimes(argument: str, value: Any) -> None:
    with pytest.raises(InvalidRequestError, match=f"^{argument} must be"):
        ListQuery.build(**{argument: value})


def test_build_converts_to_utc() -> None:
    paris = timezone(timedelta(hours=1))
    query = ListQuery.build(created_after=datetime(2026, 1, 1, 1, 0, tzinfo=paris))
    assert query.created_after == T0
    assert query.created_after is not None
    assert query.created_after.tzinfo is UTC


@pytest.mark.parametrize("gap", [timedelta(0), timedelta(seconds=-1), timedelta(days=-3)])
def test_build_refuses_empty_time_window(gap: timedelta) -> None:
    with pytest.raises(InvalidRequestError, match=r"created_after .* must be earlier than"):
        ListQuery.build(created_after=T0, created_before=T0 + gap)


def test_build_compares_windows_across_time_zones() -> None:
    # 01:00+01:00 is 00:00 UTC: the same instant, so an empty window.
    paris = timezone(timedelta(hours=1))
    with pytest.raises(InvalidRequestError):
        ListQuery.build(created_after=T0, created_before=datetime(2026, 1, 1, 1, tzinfo=paris))


@pytest.mark.parametrize("argument", ["page_size", "limit"])
@pytest.mark.parametrize("value", [0, -1, -100, True, False, 1.0, 2.5, "10", [10]])
def test_build_refuses_bad_counts_naming_the_argument(argument: str, value: Any) -> None:
    with pytest.raises(InvalidRequestError, match=f"^{argument} must be"):
        ListQuery.build(**{argument: value})


@given(st.integers(min_value=1, max_value=10**9))
def test_build_accepts_positive_counts(n: int) -> None:
    query = ListQuery.build(page_size=n, limit=n)
    assert (query.page_size, query.limit) == (n, n)


@given(st.integers(max_value=0))
def test_build_refuses_non_positive_counts(n: int) -> None:
    with pytest.raises(InvalidRequestError, match="page_size"):
        ListQuery.build(page_size=n)


@pytest.mark.parametrize("argument", ["region", "name"])
@pytest.mark.parametrize("value", ["", 5, b"US"])
def test_build_refuses_empty_or_non_string_region_and_name(argument: str, value: Any) -> None:
    with pytest.raises(InvalidRequestError, match=f"^{argument} must be a non-empty string"):
        ListQuery.build(**{argument: value})


@pytest.mark.parametrize("filters", [[("a", 1)], "a=1", 5])
def test_build_refuses_filters_that_are_not_a_mapping(filters: Any) -> None:
    with pytest.raises(InvalidRequestError, match=r"^filters must be a mapping"):
        ListQuery.build(filters=filters)


def test_build_refuses_non_string_resume_token() -> None:
    with pytest.raises(InvalidRequestError, match="resume_token"):
        ListQuery.build(resume_token=5)  # type: ignore[arg-type]


def test_filters_are_copied_and_read_only() -> None:
    given_filters = {"a": 1}
    query = ListQuery.build(filters=given_filters)
    given_filters["b"] = 2
    assert query.filters == {"a": 1}
    with pytest.raises(TypeError):
        query.filters["c"] = 3  # type: ignore[index]
    assert ListQuery.build(filters=MappingProxyType({"x": "y"})).filters == {"x": "y"}
    assert not ListQuery.build(filters={}).has_filters


def test_has_filters_ignores_paging_arguments() -> None:
    assert not ListQuery.build(page_size=10, limit=5, resume_token="cc1.x").has_filters
    assert ListQuery.build(status="completed").has_filters
    assert ListQuery.build(created_before=T0).has_filters


def test_aware_utc_and_check_id() -> None:
    assert aware_utc(T0, "when") == T0
    with pytest.raises(InvalidRequestError, match=r"^when must be timezone-aware"):
        aware_utc(datetime(2026, 1, 1), "when")
    assert check_id("abc") == "abc"
    for bad in ("", "   ", None, 5):
        with pytest.raises(InvalidRequestError, match=r"^conference_id must be a non-empty"):
            check_id(bad, "conference_id")


# -- BaseConferenceService --------------------------------------------------------------------


class _Source:
    provider = "acme"

    def __init__(self) -> None:
        self.fetched: list[Any] = []

    async def fetch_page(self, cursor: Any) -> RawPage:
        self.fetched.append(cursor)
        return RawPage(items=[Conference(provider="acme", id="c1")], next_cursor=None)


class AcmeService(BaseConferenceService):
    provider: ClassVar[str] = "acme"
    regions: ClassVar[tuple[str, ...]] = ("Europe", "Middle East", "US")
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.LIST})

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self.source = _Source()
        self.queries: list[ListQuery] = []

    def _list(self, query: ListQuery) -> Pager:
        self.queries.append(query)
        return Pager(self.source, 0, limit=query.limit)


class AcmeGetService(AcmeService):
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.LIST, Capability.GET})

    async def _get(self, id: str, *, region: str | None) -> Conference:
        return Conference(provider="acme", id=id, region=self._region(region))


@pytest.fixture
async def service() -> AsyncIterator[AcmeService]:
    # Port 9 (discard): any request that slipped through would fail loudly.
    transport = Transport(
        provider="acme",
        base_url="http://127.0.0.1:9/v2",
        headers={},
        retry=RetryPolicy.disabled(),
    )
    svc = AcmeService(transport)
    yield svc
    await svc.aclose()


def assert_nothing_sent(svc: BaseConferenceService) -> None:
    assert svc.transport.requests_sent == 0
    assert svc.transport.session is None


def test_satisfies_the_protocol(service: AcmeService) -> None:
    assert isinstance(service, ConferenceService)
    assert service.provider == "acme"
    assert "http://127.0.0.1:9/v2" in repr(service)


async def test_unsupported_operations_raise_before_any_request(service: AcmeService) -> None:
    with pytest.raises(UnsupportedOperationError) as info:
        await service.get("c1")
    assert info.value.provider == "acme"
    assert info.value.operation == "get"
    assert "acme does not support get" in str(info.value)
    assert "list" in str(info.value)
    with pytest.raises(UnsupportedOperationError) as created:
        await service.create(name="x")
    assert created.value.operation == "create"
    assert isinstance(created.value, InvalidRequestError)
    assert_nothing_sent(service)


async def test_capability_is_checked_before_arguments(service: AcmeService) -> None:
    with pytest.raises(UnsupportedOperationError):
        await service.get("")


async def test_list_without_capability_is_refused() -> None:
    class NoList(AcmeService):
        capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.GET})

    svc = NoList(Transport(provider="acme", base_url="http://127.0.0.1:9/v2", headers={}))
    async with svc:
        with pytest.raises(UnsupportedOperationError) as info:
            svc.list(page_size=0)  # capability first, then the arguments
        assert info.value.operation == "list"
        assert svc.queries == []
        assert_nothing_sent(svc)


async def test_list_validates_at_once_and_fetches_lazily(service: AcmeService) -> None:
    with pytest.raises(InvalidRequestError, match="page_size"):
        service.list(page_size=0)
    assert service.queries == []
    pager = service.list(status="COMPLETED", limit=1)
    assert service.queries == [ListQuery.build(status=ConferenceStatus.COMPLETED, limit=1)]
    assert service.source.fetched == []
    assert [c.id for c in await pager.collect()] == ["c1"]
    assert service.source.fetched == [0]


async def test_get_checks_the_id() -> None:
    svc = AcmeGetService(Transport(provider="acme", base_url="http://127.0.0.1:9/v2", headers={}))
    async with svc:
        for bad in ("", "  ", 5, None):
            with pytest.raises(InvalidRequestError, match="id"):
                await svc.get(bad)  # type: ignore[arg-type]
        conf = await svc.get("c9", region="us")
        assert (conf.id, conf.region) == ("c9", "US")


@pytest.mark.parametrize(
    ("given_region", "canonical"),
    [
        ("US", "US"),
        ("us", "US"),
        ("uS", "US"),
        ("europe", "Europe"),
        ("EUROPE", "Europe"),
        ("middle east", "Middle East"),
        ("MIDDLE EAST", "Middle East"),
        (None, None),
    ],
)
def test_region_matches_case_insensitively(
    service: AcmeService, given_region: str | None, canonical: str | None
) -> None:
    assert service._region(given_region) == canonical


@pytest.mark.parametrize("bad", ["Mars", "", "middle-east", " US", 5, ["US"]])
def test_unknown_region_is_refused_listing_the_known_ones(service: AcmeService, bad: Any) -> None:
    with pytest.raises(InvalidRequestError) as info:
        service._region(bad)
    message = str(info.value)
    assert message.startswith("region must be one of Europe, Middle East, US for acme")
    with pytest.raises(InvalidRequestError, match=r"^where must be one of"):
        service._region(bad, "where")


async def test_async_with_closes_the_transport() -> None:
    transport = Transport(provider="acme", base_url="http://127.0.0.1:9/v2", headers={})
    async with AcmeService(transport) as svc:
        assert isinstance(svc, AcmeService)
        assert not svc.closed
    assert svc.closed
    assert transport.closed
    with pytest.raises(ConfClientError, match="closed"):
        await transport.request("GET", transport.url("x"))


async def test_async_with_closes_on_error() -> None:
    transport = Transport(provider="acme", base_url="http://127.0.0.1:9/v2", headers={})
    with pytest.raises(KeyError):
        async with AcmeService(transport):
            raise KeyError("boom")
    assert transport.closed


async def test_aclose_twice(service: AcmeService) -> None:
    await service.aclose()
    await service.aclose()
    assert service.closed
