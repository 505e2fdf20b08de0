"""ThreadedSandbox: the sandbox on its own thread and loop; every operation marshalled onto
that loop, so it is safe from any thread while clients on other loops use the server."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import confclient
from confclient.testing import StatsSnapshot, ThreadedSandbox


def test_operations_run_on_the_sandbox_thread(confclient_sandbox: ThreadedSandbox) -> None:
    caller = threading.current_thread()
    ran_on = confclient_sandbox.call(lambda _sb: threading.current_thread())
    assert ran_on is not caller
    assert ran_on.name == "confclient-sandbox"
    assert confclient_sandbox.call(lambda sb, a, b=0: (sb.size, a + b), 2, b=3) == (100, 5)


def test_knobs_reach_the_sandbox(confclient_sandbox: ThreadedSandbox) -> None:
    confclient_sandbox.set_latency(7)
    confclient_sandbox.set_fault_rate(0.25)
    confclient_sandbox.insert_while_listing(3)
    confclient_sandbox.queue_faults("500", "drop", path_prefix="/v1", method="GET")
    assert confclient_sandbox.call(lambda sb: (sb.latency_ms, sb.fault_rate)) == (7, 0.25)
    queued = confclient_sandbox.call(lambda sb: sb.queued_faults)
    assert [q.kind for q in queued] == ["500", "drop"]
    confclient_sandbox.clear_faults()
    assert confclient_sandbox.call(lambda sb: sb.queued_faults) == ()


def test_many_threads_at_once(confclient_sandbox: ThreadedSandbox) -> None:
    """Mutations from 8 threads while a client lists: nothing lost, nothing raised."""
    confclient_sandbox.set_latency(1)

    def hammer(index: int) -> int:
        seen = 0
        for _ in range(25):
            confclient_sandbox.queue_faults("500", path_prefix=f"/never/{index}")
            seen = max(seen, confclient_sandbox.stats.total_requests)
        return seen

    async def listing() -> int:
        async with confclient_sandbox.connect("twilio") as svc:
            return len(await svc.list(region="us1", page_size=10).collect())

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(hammer, i) for i in range(8)]
        listed = asyncio.run(listing())
        seen = [f.result() for f in futures]
    assert listed == 100
    assert confclient_sandbox.call(lambda sb: len(sb.queued_faults)) == 200
    assert max(seen) <= confclient_sandbox.stats.total_requests == 10


def test_stats_are_a_snapshot(confclient_sandbox: ThreadedSandbox) -> None:
    async def get_one() -> None:
        async with confclient_sandbox.connect("telnyx") as svc:
            await svc.list(region="US", limit=1).collect()

    asyncio.run(get_one())
    before = confclient_sandbox.stats
    asyncio.run(get_one())
    after = confclient_sandbox.stats
    assert isinstance(before, StatsSnapshot)
    assert (before.total_requests, after.total_requests) == (1, 2)
    assert before.requests["GET", "/v2/conferences"] == 1
    assert after.queries[-1][1].startswith("/v2/conferences?region=US")
    assert after.in_flight == 0
    assert after.max_in_flight == 1
    confclient_sandbox.reset_stats()
    assert confclient_sandbox.stats.total_requests == 0


def test_records_and_clients(confclient_sandbox: ThreadedSandbox) -> None:
    telnyx = confclient_sandbox.telnyx_records("Europe")
    twilio = confclient_sandbox.twilio_records("jp1")
    assert len(telnyx) == len(twilio) == 100
    assert len(confclient_sandbox.twilio_records()) == 700  # 100 in each of 7 mixer regions

    async def ids() -> tuple[str, str]:
        async with (
            confclient_sandbox.connect("telnyx") as a,
            confclient_sandbox.connect("twilio", timeout=5) as b,
        ):
            first = await a.list(region="Europe", limit=1).collect()
            second = await b.get(twilio[0]["conference_sid"])
            return first[0].id, second.id

    assert asyncio.run(ids()) == (telnyx[0]["id"], twilio[0]["conference_sid"])
    with pytest.raises(ValueError, match="the sandbox serves: telnyx, twilio"):
        confclient_sandbox.options("acme")
    assert confclient_sandbox.env("telnyx")["TELNYX_BASE_URL"] == confclient_sandbox.telnyx_base_url


def test_life_cycle() -> None:
    sandbox = ThreadedSandbox(size=1, seed=3)
    assert not sandbox.running
    with pytest.raises(RuntimeError, match="not running"):
        _ = sandbox.stats
    with pytest.raises(AttributeError, match="exist once the sandbox has started"):
        _ = sandbox.telnyx_base_url
    with sandbox:
        assert sandbox.telnyx_base_url.startswith("http://127.0.0.1:")
        assert sandbox.running
        assert repr(sandbox).startswith(f"<ThreadedSandbox {sandbox.base_url}")
        thread = sandbox.call(lambda _sb: threading.current_thread())
        assert thread.is_alive()
        with pytest.raises(RuntimeError, match="already started"):
            sandbox.start()
        service = sandbox.connect("telnyx", retry=confclient.RetryPolicy.disabled())
    assert not sandbox.running
    assert not thread.is_alive()
    sandbox.close()  # twice is fine
    with pytest.raises(RuntimeError, match="not running"):
        sandbox.queue_faults("500")
    with pytest.raises(RuntimeError, match="not running"):
        sandbox.connect("telnyx")

    async def refused() -> None:
        async with service:
            await service.list(region="US").collect()

    with pytest.raises(confclient.TransportError):
        asyncio.run(refused())


def test_unknown_option() -> None:
    with pytest.raises(TypeError, match="unknown sandbox option"):
        ThreadedSandbox(port=8765)


def test_a_sandbox_that_cannot_start_leaves_no_thread() -> None:
    before = {t for t in threading.enumerate() if t.name == "confclient-sandbox"}
    with pytest.raises(ValueError, match="size must be a non-negative int"):
        ThreadedSandbox(size=-1).start()
    after = {t for t in threading.enumerate() if t.name == "confclient-sandbox"}
    assert after <= before


def test_an_error_on_the_sandbox_loop_reaches_the_caller(
    confclient_sandbox: ThreadedSandbox,
) -> None:
    with pytest.raises(ValueError, match="every must be an integer"):
        confclient_sandbox.insert_while_listing(-1)
    assert confclient_sandbox.stats.total_requests == 0  # still serving
