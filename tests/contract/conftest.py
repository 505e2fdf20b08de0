"""The contract suite's provider profiles, derived from what each provider declares.

Every test in ``tests/contract/`` takes the ``profile`` fixture and is run once per provider
that :func:`confclient.available_providers` lists, plus the toy provider of ``tests/toy``
(registered for each test by its fixture). A provider's :class:`ProviderProfile` is derived
from its service class (``emulator``) and its emulator (``regions``, ``default_region``,
``credentials``, ``facts``: a :class:`confclient.sandbox.ContractFacts`): adding a provider
touches its own folder only. A registered provider whose profile cannot be derived makes
every contract test fail for it instead of being skipped.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

import confclient
from confclient import ConferenceStatus
from confclient.sandbox import ContractFacts, Sandbox
from confclient.sandbox._mount import emulator_class
from tests.toy.registration import TOY

from ._support import FAST_RETRY, SEED, SIZE, assert_gc_warns_nothing

Records = Callable[[Sandbox, str], list[dict[str, Any]]]
Connector = Callable[..., Any]
Reply = tuple[int, Mapping[str, str], Any]
NativeLister = Callable[[aiohttp.ClientSession, Sandbox, str], Awaitable[Reply]]
ErrorParser = Callable[[int, Mapping[str, str], object], confclient.APIError]


@dataclass(frozen=True, kw_only=True)
class ProviderProfile:
    """What the contract tests need to know about one provider and its sandbox half."""

    name: str
    connect: Connector
    """``connect(sb, **options)``: a service wired to the sandbox, with good credentials."""
    connect_wrong_credentials: Connector
    """``connect_wrong_credentials(sb, **options)``: same server, credentials it refuses."""
    region: str
    """A valid region, where ``get(id)`` without a region also finds the region's records."""
    records: Records
    """``records(sb, region)``: the sandbox's native records of ``region`` in list order."""
    id_field: str
    """The native key holding the id (``Conference.id``)."""
    status_field: str
    native_completed: str
    """The native status value that maps to ``ConferenceStatus.COMPLETED``."""
    missing_id: str
    """Well-formed for the provider, but no conference has it."""
    supports_create: bool
    create_fields: Mapping[str, Any] | None
    """Arguments of a ``create`` the sandbox accepts (``None`` when create is unsupported)."""
    max_page_size: int
    fault_path_prefix: str
    """The raw path prefix of the conference routes, for ``sb.queue_faults``."""
    sandbox_regions: Callable[[Sandbox], tuple[str, ...]]
    """The regions the sandbox serves (and accepts) for the provider, in its order."""
    undocumented_region: str
    """A region the provider does not document for conferences: the client must refuse it
    before sending, and the sandbox answers it as the provider does (``region_refusal``)."""
    list_natively: NativeLister
    """``list_natively(session, sb, region)``: the sandbox's list route asked directly (no
    confclient client code), with good credentials and ``region`` as the native parameter."""
    region_parameter: str
    """The native name of the region parameter, which the provider's refusal names."""
    region_refusal: tuple[int, str]
    """The HTTP status and error code the provider documents for an invalid parameter."""
    parse_error: ErrorParser
    """The adapter's own mapping of an error response (status, headers, body) to an error."""
    unsupported_filters: Mapping[str, Any] = field(default_factory=dict)
    """Neutral list filters the provider cannot apply, each with a valid value."""

    def expected_ids(self, sb: Sandbox, region: str | None = None) -> list[str]:
        return [r[self.id_field] for r in self.records(sb, region or self.region)]


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)
#: A valid value of each neutral list filter, to show that a provider refuses one it cannot
#: apply (``ContractFacts.unfilterable``).
_FILTER_VALUES: Mapping[str, Any] = {
    "created_after": _EPOCH,
    "created_before": _FAR_FUTURE,
    "name": "Contract suite",
    "status": ConferenceStatus.COMPLETED,
}


def _load(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _spoiled(value: str) -> str:
    # Still well-formed (same length, same kind of character), but not the one accepted.
    return value[:-1] + ("1" if value.endswith("0") else "0")


def _refused_options(sb: Sandbox, name: str) -> dict[str, Any]:
    """The sandbox's client options for ``name`` with every credential spoiled."""
    credentials = sb.emulator(name).credentials
    options = sb.client_options(name)
    return {k: _spoiled(v) if k in credentials else v for k, v in options.items()}


async def _list_natively(
    name: str, session: aiohttp.ClientSession, sb: Sandbox, region: str
) -> Reply:
    emulator = sb.emulator(name)
    facts: ContractFacts = emulator.facts
    url = sb.base_url_of(name) + facts.list_path
    params = {facts.region_parameter: region}
    async with session.get(url, params=params, headers=emulator.auth_headers()) as response:
        assert response.content_type == "application/json"
        return response.status, response.headers, await response.json()


def derive_profile(name: str) -> ProviderProfile:
    """The profile of a registered provider, from its service class and its emulator."""
    emulator = emulator_class(name)
    if emulator is None:
        raise LookupError(f"provider {name!r} names no emulator (its service's `emulator`)")
    facts = getattr(emulator, "facts", None)
    if not isinstance(facts, ContractFacts):
        raise LookupError(f"the emulator of {name!r} states no `facts` (a ContractFacts)")
    return ProviderProfile(
        name=name,
        connect=lambda sb, **options: sb.connect(name, **options),
        connect_wrong_credentials=lambda sb, **options: confclient.connect(
            name, **_refused_options(sb, name), **options
        ),
        # The region a request naming none gets, where there is one (Telnyx's US).
        region=getattr(emulator, "default_region", None) or emulator.regions[0],
        records=lambda sb, region: sb.records(name, region),
        id_field=facts.id_key,
        status_field=facts.status_key,
        native_completed=facts.completed_status,
        missing_id=facts.missing_id,
        supports_create=facts.create_example is not None,
        create_fields=facts.create_example,
        max_page_size=facts.max_page_size,
        fault_path_prefix=emulator.prefix + facts.list_path,  # the conference routes
        sandbox_regions=lambda sb: sb.emulator(name).regions,
        undocumented_region=facts.refused_region,
        list_natively=lambda session, sb, region: _list_natively(name, session, sb, region),
        region_parameter=facts.region_parameter,
        region_refusal=facts.region_refusal,
        parse_error=_load(facts.error_parser),
        unsupported_filters={f: _FILTER_VALUES[f] for f in sorted(facts.unfilterable)},
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "provider_name" in metafunc.fixturenames:
        names = sorted({*confclient.available_providers(), TOY})
        metafunc.parametrize("provider_name", names, ids=names)


@pytest.fixture(autouse=True)
def _toy_registered(toy_provider: str) -> str:
    """Every contract test runs with the toy provider registered (served by the sandbox too):
    a provider added by registration alone gets the whole suite."""
    return toy_provider


@pytest.fixture
def profiles() -> Mapping[str, ProviderProfile]:
    derived = {}
    for name in confclient.available_providers():
        try:
            derived[name] = derive_profile(name)
        except (LookupError, confclient.ConfigurationError):
            continue  # test_every_registered_provider_has_a_profile names it
    return derived


@pytest.fixture
def profile(provider_name: str) -> ProviderProfile:
    try:
        return derive_profile(provider_name)
    except (LookupError, confclient.ConfigurationError) as exc:
        pytest.fail(
            f"provider {provider_name!r} is registered but its contract profile cannot be "
            f"derived: {exc}"
        )


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=SEED, size=SIZE, retry_after=0.01) as sandbox:
        yield sandbox


@pytest.fixture
async def svc(profile: ProviderProfile, sb: Sandbox) -> AsyncIterator[Any]:
    async with profile.connect(sb, retry=FAST_RETRY) as service:
        yield service


@pytest.fixture
def expected(profile: ProviderProfile, sb: Sandbox) -> list[str]:
    ids = profile.expected_ids(sb)
    assert len(ids) == SIZE  # the suite's page arithmetic assumes it
    return ids


@pytest.fixture(autouse=True)
async def no_loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """Fail a test after which the loop reported an error (a task destroyed while pending,
    an exception never retrieved, an unclosed session) or a garbage-collected object warned
    about a resource left open.
    """
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        yield reported
        assert_gc_warns_nothing()
        assert not reported, [c.get("message") for c in reported]
    finally:
        loop.set_exception_handler(previous)
