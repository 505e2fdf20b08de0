"""The contract suite's only provider-specific part: one :class:`ProviderProfile` per provider.

Every test in ``tests/contract/`` takes the ``profile`` fixture and is run once per provider
that :func:`confclient.available_providers` lists. Adding a provider to confclient (and to the
sandbox) means adding one entry to :data:`PROFILES`; a registered provider without one makes
every contract test fail for it instead of being skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

import confclient
import confclient_telnyx.records
import confclient_twilio.records
from confclient.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Api, Reply, TwilioApi

from ._support import FAST_RETRY, SEED, SIZE, assert_gc_warns_nothing

Records = Callable[[Sandbox, str], list[dict[str, Any]]]
Connector = Callable[..., Any]
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

PROFILES: Mapping[str, ProviderProfile] = {
    profile.name: profile
    for profile in (
        ProviderProfile(
            name="telnyx",
            connect=lambda sb, **options: sb.connect("telnyx", **options),
            connect_wrong_credentials=lambda sb, **options: confclient.connect(
                "telnyx", api_key="KEYwrong", base_url=sb.telnyx_base_url, **options
            ),
            region="US",  # the region Telnyx retrieves from when none is given
            records=lambda sb, region: sb.telnyx_records(region),
            id_field="id",
            status_field="status",
            native_completed="completed",
            missing_id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
            supports_create=True,
            create_fields={"call_control_id": "v3:contract-suite", "name": "Contract suite"},
            max_page_size=250,
            fault_path_prefix="/v2/conferences",
            sandbox_regions=lambda sb: sb.telnyx_regions,
            undocumented_region="Asia Pacific",
            list_natively=lambda session, sb, region: Api(session, sb).list(region=region),
            region_parameter="region",
            region_refusal=(422, "10032"),
            parse_error=confclient_telnyx.records.parse_error,
            unsupported_filters={"created_after": _EPOCH, "created_before": _FAR_FUTURE},
        ),
        ProviderProfile(
            name="twilio",
            connect=lambda sb, **options: sb.connect("twilio", **options),
            connect_wrong_credentials=lambda sb, **options: confclient.connect(
                "twilio",
                account_sid=sb.twilio_account_sid,
                auth_token="0" * 32,
                base_url=sb.twilio_base_url,
                **options,
            ),
            region="us1",
            records=lambda sb, region: sb.twilio_records(region),
            id_field="conference_sid",
            status_field="status",
            native_completed="completed",
            missing_id="CF" + "0" * 32,
            supports_create=False,
            create_fields=None,
            max_page_size=1000,
            fault_path_prefix="/v1/Conferences",
            sandbox_regions=lambda sb: sb.twilio_mixer_regions,
            # A participant region: documented for participants, never as a mixer region.
            undocumented_region="us2",
            list_natively=lambda session, sb, region: TwilioApi(session, sb).list(
                MixerRegion=region
            ),
            region_parameter="MixerRegion",
            region_refusal=(400, "20001"),
            parse_error=confclient_twilio.records.parse_error,
            unsupported_filters={},
        ),
    )
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "provider_name" in metafunc.fixturenames:
        names = sorted(confclient.available_providers())
        metafunc.parametrize("provider_name", names, ids=names)


@pytest.fixture
def profiles() -> Mapping[str, ProviderProfile]:
    return PROFILES


@pytest.fixture
def profile(provider_name: str) -> ProviderProfile:
    found = PROFILES.get(provider_name)
    if found is None:
        pytest.fail(
            f"provider {provider_name!r} is registered but has no ProviderProfile in "
            "tests/contract/conftest.py: add one to PROFILES to run the contract suite on it"
        )
    return found


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
