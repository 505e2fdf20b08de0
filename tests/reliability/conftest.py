"""The reliability and security suite: nothing lost, nothing leaked, under faults, load and
hostile input.

One module per guarantee, each test's docstring says what it proves:

* ``test_faults.py``: listings through 30% injected faults return exactly the sandbox's
  records; retry budgets and ``Retry-After`` are respected (counted at the server, and
  every retry wait observed);
* ``test_timeouts.py``: a stalled server (before the headers, or mid-body) ends in a
  timeout error within the configured limits, never a hang; the per-call deadline;
* ``test_load.py``: 1,000 concurrent calls under a cap of 20 connections, memory back to
  its baseline;
* ``test_cancellation.py``: 200 listings abandoned at random points leak nothing;
* ``test_security.py``: credentials go only to the configured origin, path parameters stay
  one segment, secrets never show, plain http is refused, oversized bodies are not read;
* ``test_hostile_payloads.py``: mutated provider bodies give a ``Conference`` or a
  ``DecodeError`` naming the field, nothing else;
* ``test_hostile_transport.py``: hostile servers and circumstances at the transport (a
  caller session's defaults, closing mid-call, a second event loop, rate-limit headers,
  control characters, credentials echoed back): typed errors only, nothing leaked;
* ``test_hostile_paging.py``: servers that lose, repeat or endlessly page records, forged
  resume tokens, and pages built to exhaust memory: typed errors within bounded requests and
  memory, never a record twice.

Every async test runs under ``asyncio.timeout(HANG_GUARD)`` (each hypothesis example under
``EXAMPLE_GUARD``): a client that hangs fails its test instead of stalling the run. After
every test, the event loop must have reported no error (a task destroyed while pending, an
exception never retrieved) and a garbage collection must raise no ``ResourceWarning`` (an
unclosed session, connector or socket).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest

from confclient import transport as transport_module
from tests._checks import resource_warnings_on_gc

from ._support import EXAMPLE_GUARD, HANG_GUARD


def _guarded(
    test: Callable[..., Coroutine[Any, Any, Any]], seconds: float = HANG_GUARD
) -> Callable[..., Coroutine[Any, Any, Any]]:
    @functools.wraps(test)
    async def run(*args: Any, **kwargs: Any) -> Any:
        async with asyncio.timeout(seconds):
            return await test(*args, **kwargs)

    run.hang_guarded = True  # type: ignore[attr-defined]
    return run


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = __file__.rsplit("/", 1)[0]
    for item in items:
        function = getattr(item, "obj", None)
        if not str(item.path).startswith(here) or function is None:
            continue
        if getattr(function, "is_hypothesis_test", False):
            # Each example is guarded (pytest-asyncio runs hypothesis' inner test), briefly:
            # an example takes milliseconds, and hypothesis replays a failing one many times.
            inner = function.hypothesis.inner_test
            if inspect.iscoroutinefunction(inner) and not hasattr(inner, "hang_guarded"):
                function.hypothesis.inner_test = _guarded(inner, EXAMPLE_GUARD)
        elif inspect.iscoroutinefunction(function):
            item.obj = _guarded(function)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
async def loop_stays_clean() -> AsyncIterator[None]:
    """Fail a test after which the loop reported an error or a collection found a resource
    left open."""
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        yield
        leaked = resource_warnings_on_gc()
        assert not leaked, leaked
        assert not reported, [c.get("message") for c in reported]
    finally:
        loop.set_exception_handler(previous)


@pytest.fixture
def retry_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait the transport sleeps before a retry, in order (the sleep still happens)."""
    waits: list[float] = []
    sleep: Callable[[float], Coroutine[Any, Any, None]] = transport_module._sleep

    async def recorded(seconds: float) -> None:
        waits.append(seconds)
        await sleep(seconds)

    monkeypatch.setattr(transport_module, "_sleep", recorded)
    return waits
