"""Pausing the cyclic garbage collector for one bounded burst of allocation (pure: no I/O).

Parsing a page and decoding its records allocate a few container objects per record, all
alive until the page is consumed. Each allocation counts toward the collector's thresholds,
so a 1,000-record page sets off several young collections, each walking objects that cannot
be garbage yet, and, as they pile up, full collections walking the whole heap: about a fifth
of a listing's time. Paused for the burst, the collector runs once afterwards instead.

The collector is process-wide state, so :func:`paused_gc` is careful with it:

* it pauses only if the collector is enabled, and re-enables it only if it was the one to
  pause it: an application that disabled the collector keeps it disabled;
* it never holds the pause across an ``await`` (callers wrap synchronous code only: one
  page's parse, or one page's decode), so the collector is off for milliseconds at a time
  and other threads' garbage waits at most that long;
* overlapping pauses from several threads cannot leave the collector off: the first to
  start restores it when it ends; a later one saw it disabled and leaves it alone;
* the one case it cannot tell apart: an application thread calling ``gc.disable()`` while
  a pause is under way is undone when the pause ends. An application that manages the
  collector itself turns the pause off (``pause_gc=False``).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["paused_gc"]


@contextlib.contextmanager
def paused_gc(enabled: bool = True) -> Iterator[None]:
    """Pause the cyclic garbage collector for a block of synchronous code (restored as it
    was afterwards); ``enabled=False`` leaves it alone."""
    if not enabled or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
