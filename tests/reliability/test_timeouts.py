"""A stalled provider: a timeout error within the configured limits, never a hang.

The sandbox's ``stall`` fault holds a request without sending a byte; ``stall_body`` sends
the headers and half of the body, then nothing. A stall lasts until the client gives up, so
a client without a working timeout would hang (and fail on the suite's hang guard). Each
test bounds the time from above by what the configuration allows (attempts x per-attempt
limit, plus backoff, plus generous slack for a loaded machine) and checks the server saw the
stalled connections closed: the client gave up on them, it did not leave them hanging open.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from confclient import RetryPolicy, Timeout, TransportTimeoutError
from confclient.sandbox import Sandbox
from tests._checks import wait_until

from ._support import ONE_REGION, client_tasks

LIMIT = 0.15  # seconds: the one limit each test sets
SLACK = 1.0  # seconds: scheduling on a busy 2-core machine, never a stall's length

TIMEOUTS = {
    # A stall before the headers and one mid-body are each caught by either limit alone.
    "total": Timeout(total=LIMIT, connect=None, read=None),
    "read": Timeout(total=None, connect=None, read=LIMIT),
}
REGION = {"telnyx": "US", "twilio": "us1"}


def first_id(sb: Sandbox, provider: str) -> str:
    if provider == "telnyx":
        return str(sb.telnyx_records("US")[0]["id"])
    return str(sb.twilio_records("us1")[0]["conference_sid"])


@pytest.mark.parametrize("limit", sorted(TIMEOUTS))
@pytest.mark.parametrize("stall", ["stall", "stall_body"])
@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_stall_is_a_timeout_error_within_the_limits(
    provider: str, stall: str, limit: str
) -> None:
    """Every attempt stalls: after ``max_attempts`` attempts of at most ``LIMIT`` each, the
    call raises ``TransportTimeoutError`` (also a builtin ``TimeoutError``), the server saw
    exactly those attempts, and none of them is left open at the server."""
    attempts = 2
    policy = RetryPolicy(max_attempts=attempts, backoff_base=0.001)
    async with Sandbox(seed=1, size=5) as sb:
        sb.queue_faults(*[stall] * 5)
        async with sb.connect(
            provider, default_region=ONE_REGION[provider], timeout=TIMEOUTS[limit], retry=policy
        ) as svc:
            loop = asyncio.get_running_loop()
            started = loop.time()
            with pytest.raises(TransportTimeoutError) as info:
                await svc.get(first_id(sb, provider))
            elapsed = loop.time() - started
            await wait_until(lambda: sb.stats.in_flight == 0)
        assert isinstance(info.value, TimeoutError)
        assert f"after {attempts} attempts" in str(info.value)
        assert attempts * LIMIT * 0.9 <= elapsed < attempts * LIMIT + SLACK
        assert sb.stats.faults[stall] == attempts == sb.stats.total_requests


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_listing_that_stalls_midway_ends_in_a_timeout_and_leaves_nothing_running(
    provider: str,
) -> None:
    """The first page arrives, then every request stalls: iterating raises
    ``TransportTimeoutError`` after the records already received; no task of the listing
    (page prefetches included) is left running, and the server holds no request."""
    policy = RetryPolicy(max_attempts=2, backoff_base=0.001)
    async with Sandbox(seed=2, size=100, faults=["stall", "stall_body"]) as sb:
        got: list[Any] = []
        async with sb.connect(
            provider,
            default_region=ONE_REGION[provider],
            timeout=Timeout(total=LIMIT),
            retry=policy,
        ) as svc:

            async def consume() -> None:
                async for conf in svc.list(region=REGION[provider], page_size=10):
                    got.append(conf)
                    sb.set_fault_rate(1.0)  # from now on, every request stalls

            with pytest.raises(TransportTimeoutError):
                await consume()
            await wait_until(lambda: sb.stats.in_flight == 0)
            assert not client_tasks()
        assert 10 <= len(got) < 100
        assert sb.stats.total_faults >= 2


async def test_the_deadline_bounds_a_call_with_no_other_limit() -> None:
    """With no per-attempt limit at all and 50 attempts allowed, ``deadline`` alone ends a
    call whose every attempt stalls: one deadline's time, not fifty stalls."""
    timeout = Timeout(total=None, connect=None, read=None, deadline=0.3)
    policy = RetryPolicy(max_attempts=50, backoff_base=0.001)
    async with Sandbox(seed=3, size=5) as sb:
        sb.queue_faults(*["stall"] * 50)
        async with sb.connect(
            "telnyx", default_region=ONE_REGION["telnyx"], timeout=timeout, retry=policy
        ) as svc:
            loop = asyncio.get_running_loop()
            started = loop.time()
            with pytest.raises(TransportTimeoutError):
                await svc.get(first_id(sb, "telnyx"))
            elapsed = loop.time() - started
            await wait_until(lambda: sb.stats.in_flight == 0)
        assert 0.3 * 0.9 <= elapsed < 0.3 + SLACK
        assert sb.stats.total_requests == 1


async def test_the_deadline_counts_the_wait_for_a_free_connection() -> None:
    """The deadline covers the whole call, queueing included: while a long call holds the
    only connection slot (``max_connections=1``), a call with a 0.3 s deadline raises
    ``TransportTimeoutError`` at its deadline, still waiting, and never reaches the server."""
    policy = RetryPolicy(max_attempts=1)
    async with Sandbox(seed=4, size=5) as sb:
        sb.queue_faults("stall")
        conf_id = first_id(sb, "telnyx")
        async with sb.connect(
            "telnyx", default_region=ONE_REGION["telnyx"], retry=policy, max_connections=1
        ) as svc:
            holder = asyncio.create_task(svc.get(conf_id))  # default limits: 30 s
            await wait_until(lambda: sb.stats.in_flight == 1)
            svc.transport.timeout = Timeout(total=None, read=None, deadline=0.3)
            loop = asyncio.get_running_loop()
            started = loop.time()
            async with asyncio.timeout(0.3 + SLACK):  # no deadline: waits for the holder
                with pytest.raises(TransportTimeoutError, match="max_connections=1"):
                    await svc.get(conf_id)
            elapsed = loop.time() - started
            holder.cancel()
            with pytest.raises(asyncio.CancelledError):
                await holder
            await wait_until(lambda: sb.stats.in_flight == 0)
        assert elapsed >= 0.3 * 0.9
        assert sb.stats.total_requests == 1
