"""Provider faults: nothing lost, nothing duplicated, retry budgets and ``Retry-After`` kept.

The sandbox injects a fault into 30% of the requests, drawn from the five transient kinds a
provider really produces: 500, 503 and 429 (both with ``Retry-After``), a connection
dropped mid-body, a complete response whose JSON is cut in half. Through all of it a
10,000-record listing must return exactly the sandbox's records: each once, none missing,
in the provider's order. What the client may do about a fault is bounded: a budget of N
retries is at most N + 1 requests *as the server counts them*, and a wait the provider asks
for is honoured up to the policy's cap. Waits are observed where the transport sleeps, not
measured on the wall clock.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

import confclient
from confclient import (
    DecodeError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TransportError,
    fan_out,
)
from confclient.sandbox import DEFAULT_FAULTS, TELNYX_REGIONS, TWILIO_MIXER_REGIONS, Sandbox

from ._support import ONE_REGION, attempts_by_target

FAULT_RATE = 0.3
TOTAL = 10_000
SEEDS = (1, 2, 3)
PAGE_SIZE = 100  # 100 pages per 10,000-record listing, so some 40 faults in each

# Enough attempts that 30% faults never exhaust them (0.3**16 ~ 4e-9 per request), waits
# small enough for a fast suite: the budget itself is proven in the tests further down.
PATIENT = RetryPolicy(max_attempts=16, backoff_base=0.001, backoff_max=0.01, retry_after_max=0.005)

ERROR_OF_FAULT: dict[str, type[confclient.ConfClientError]] = {
    "500": ServerError,
    "503": ServerError,
    "429": RateLimitError,
    "drop": TransportError,
    "truncate": DecodeError,
}

# Per provider: the region the one-region tests use, and the native key of a record's id.
REGION = {"telnyx": "US", "twilio": "us1"}
ID_KEY = {"telnyx": "id", "twilio": "conference_sid"}


def records(sb: Sandbox, provider: str, region: str) -> list[dict[str, Any]]:
    if provider == "telnyx":
        return sb.telnyx_records(region)
    return sb.twilio_records(region)


def sandbox_ids(sb: Sandbox, provider: str, region: str) -> list[str]:
    return [r[ID_KEY[provider]] for r in records(sb, provider, region)]


def assert_faults_of_every_kind_each_cost_one_retry(sb: Sandbox) -> None:
    """The listing really went through faults, of every kind, and the server saw each page
    answered once plus one more request per fault: nothing was asked twice without cause."""
    assert set(sb.stats.faults) == set(DEFAULT_FAULTS), sb.stats.faults
    assert sb.stats.total_faults >= 0.2 * sb.stats.total_requests
    per_target = attempts_by_target(sb)
    assert sum(per_target.values()) == sb.stats.total_requests  # the log holds them all
    assert sb.stats.total_requests == len(per_target) + sb.stats.total_faults


# -- nothing lost, nothing duplicated -------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_10000_record_listing_through_30_percent_faults_is_exact(
    provider: str, seed: int, retry_waits: list[float]
) -> None:
    """Every record exactly once, in the provider's order, although ~3 requests in 10 fail
    (Telnyx pages fetched 16 at a time, Twilio's cursor pages one after the other)."""
    region = REGION[provider]
    async with Sandbox(seed=seed, size=TOTAL, fault_rate=FAULT_RATE, retry_after=30) as sb:
        expected = sandbox_ids(sb, provider, region)
        async with sb.connect(provider, default_region=ONE_REGION[provider], retry=PATIENT) as svc:
            pager = svc.list(region=region, page_size=PAGE_SIZE)
            got = [conf.id async for conf in pager]
        assert len(expected) == TOTAL
        assert got == expected  # so: no loss, no duplicate, and the order kept
        assert pager.duplicates_dropped == 0
        assert pager.pages_fetched == TOTAL // PAGE_SIZE
        assert_faults_of_every_kind_each_cost_one_retry(sb)
        assert len(retry_waits) == sb.stats.total_faults
        # Each 429 and 503 asked for 30 s: the wait was capped at retry_after_max; the other
        # faults waited the jittered backoff, never more than backoff_max.
        asked = sb.stats.faults["429"] + sb.stats.faults["503"]
        assert retry_waits.count(PATIENT.retry_after_max) == asked
        assert max(retry_waits) <= max(PATIENT.backoff_max, PATIENT.retry_after_max)


@pytest.mark.parametrize("seed", SEEDS[:2])
@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_fan_out_of_10000_records_through_30_percent_faults_is_exact(
    provider: str, seed: int
) -> None:
    """``fan_out`` over several regions (10,000 records in all) through 30% faults: every
    record of every region once, each region's records in the provider's order and tagged
    with the region they were listed from."""
    regions = TELNYX_REGIONS if provider == "telnyx" else TWILIO_MIXER_REGIONS[:5]
    per_region = TOTAL // len(regions)  # 4 x 2,500 or 5 x 2,000
    async with Sandbox(seed=seed, size=per_region, fault_rate=FAULT_RATE, retry_after=30) as sb:
        expected = {region: sandbox_ids(sb, provider, region) for region in regions}
        async with sb.connect(provider, default_region=ONE_REGION[provider], retry=PATIENT) as svc:
            got = await fan_out(svc, regions=regions, page_size=PAGE_SIZE).collect()
        assert len(got) == TOTAL
        assert Counter(c.id for c in got) == Counter(i for ids in expected.values() for i in ids)
        for region, ids in expected.items():
            assert [c.id for c in got if c.data_region == region] == ids
        assert_faults_of_every_kind_each_cost_one_retry(sb)


# -- retry budgets ----------------------------------------------------------------------------


@pytest.mark.parametrize("retries", [0, 1, 3])
@pytest.mark.parametrize("fault", DEFAULT_FAULTS)
@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_budget_of_n_retries_is_n_plus_one_requests_at_the_server(
    provider: str, fault: str, retries: int, retry_waits: list[float]
) -> None:
    """A fault that never clears: the server receives exactly ``retries + 1`` requests, then
    the caller gets the error of that fault (the last response, mapped), with one wait
    between two requests and none after the last."""
    async with Sandbox(seed=4, size=5, retry_after=0.001) as sb:
        conf_id = sandbox_ids(sb, provider, REGION[provider])[0]
        sb.queue_faults(*[fault] * (retries + 10))
        policy = RetryPolicy(max_attempts=retries + 1, backoff_base=0.001)
        async with sb.connect(provider, default_region=ONE_REGION[provider], retry=policy) as svc:
            with pytest.raises(ERROR_OF_FAULT[fault]):
                await svc.get(conf_id)
        assert sb.stats.total_requests == retries + 1
        assert sb.stats.faults[fault] == retries + 1
        assert len(retry_waits) == retries


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_tight_budget_under_30_percent_faults_never_exceeds_itself(
    provider: str,
) -> None:
    """300 gets with one retry allowed, at 30% faults: each returns its conference or raises
    the error of its fault (about 9% of them meet two faults in a row), and the server never
    sees any request more than twice."""
    policy = RetryPolicy(max_attempts=2, backoff_base=0.001)
    async with Sandbox(seed=5, size=300, fault_rate=FAULT_RATE, retry_after=0.001) as sb:
        ids = sandbox_ids(sb, provider, REGION[provider])
        outcomes: Counter[str] = Counter()
        async with sb.connect(provider, default_region=ONE_REGION[provider], retry=policy) as svc:
            for conf_id in ids:
                try:
                    conf = await svc.get(conf_id)
                except tuple(ERROR_OF_FAULT.values()) as exc:
                    outcomes[type(exc).__name__] += 1
                else:
                    assert conf.id == conf_id
                    outcomes["ok"] += 1
        per_target = attempts_by_target(sb)
        assert max(per_target.values()) == 2  # retried...
        assert sum(per_target.values()) == sb.stats.total_requests  # (the log saw them all)
        assert outcomes["ok"] < len(ids)  # ...some ran out of budget...
        assert outcomes["ok"] > 0.8 * len(ids)  # ...most got through on their one retry


# -- Retry-After --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "cap", "waited"),
    [(0.02, 1.0, 0.02), (3600.0, 0.01, 0.01), (0.0, 1.0, 0.0)],
    ids=["honoured", "capped", "zero"],
)
@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_retry_after_is_honoured_up_to_the_cap(
    provider: str, asked: float, cap: float, waited: float, retry_waits: list[float]
) -> None:
    """A 429 and a 503 carrying ``Retry-After: asked`` make the client wait exactly
    ``min(asked, retry_after_max)`` before each retry, instead of its own backoff (whose
    ceiling here, 0.5 s, would be visible)."""
    async with Sandbox(seed=6, size=5, retry_after=asked) as sb:
        conf_id = sandbox_ids(sb, provider, REGION[provider])[0]
        sb.queue_faults("429", "503")
        policy = RetryPolicy(max_attempts=3, backoff_base=0.5, backoff_max=0.5, retry_after_max=cap)
        async with sb.connect(provider, default_region=ONE_REGION[provider], retry=policy) as svc:
            loop = asyncio.get_running_loop()
            started = loop.time()
            assert (await svc.get(conf_id)).id == conf_id
            elapsed = loop.time() - started
        assert retry_waits == [waited, waited]
        assert elapsed >= 2 * waited  # the waits were slept, not only decided
        assert sb.stats.total_requests == 3


async def test_faults_without_retry_after_wait_a_jittered_backoff(
    retry_waits: list[float],
) -> None:
    """500, a dropped body and truncated JSON carry no ``Retry-After``: the waits are the
    policy's full-jitter backoff, each within its doubling ceiling."""
    async with Sandbox(seed=7, size=5) as sb:
        conf_id = sb.telnyx_records("US")[0]["id"]
        sb.queue_faults("500", "drop", "truncate", "500")
        policy = RetryPolicy(max_attempts=5, backoff_base=0.004, backoff_max=0.02)
        async with sb.connect("telnyx", default_region=ONE_REGION["telnyx"], retry=policy) as svc:
            assert (await svc.get(conf_id)).id == conf_id
    assert len(retry_waits) == 4
    for number, wait in enumerate(retry_waits, start=1):
        assert 0 <= wait <= min(policy.backoff_max, policy.backoff_base * 2 ** (number - 1))
