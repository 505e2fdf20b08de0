"""Checks several suites share: waiting for a condition, finding resources left open."""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import Callable

__all__ = ["resource_warnings_on_gc", "wait_until"]


async def wait_until(condition: Callable[[], bool], within: float = 5.0) -> None:
    """Poll ``condition`` (e.g. a sandbox counter) until it holds; fail after ``within``
    seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.002)


def resource_warnings_on_gc() -> list[str]:
    """Collect garbage and return every ResourceWarning it raised (an unclosed session,
    connector, socket or transport).

    What survives the collection is then frozen (``gc.freeze``): it is still alive, so it
    has nothing to report, and the next check scans only what was allocated since. Without
    this each check scans every object earlier tests left alive (aiohttp keeps up to 1,024
    handler chains, each holding a stopped sandbox), about 0.3 s a test by mid-suite.
    Frozen objects are still freed by reference counting; only a cycle among them would
    outlive the run.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    gc.freeze()
    return [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
