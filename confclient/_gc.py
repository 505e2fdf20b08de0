"""Pausing the cyclic garbage collector for one bounded burst of allocation (pure: no I/O).

Parsing a page allocates a container object per record and more, all at once. Each
allocation counts toward the collector's thresholds, so a 1,000-record page sets off young
collections in the middle of the parse, each walking a page that cannot be garbage yet.
Paused for the parse, the collector runs once afterwards instead (a Twilio listing of 10,000
records: about 7% faster; README, "Speed"). Records are then decoded one at a time as the
pager hands them out (``RecordCodec.deferred``), which needs no pause; an adapter that
decodes a page as a whole gets the same pause around that decode.

The collector is process-wide state, so :func:`paused_gc` is careful with it:

* it pauses only if the collector is enabled, and re-enables it only if it was the one to
  pause it: an application that disabled the collector keeps it disabled;
* it never holds the pause across an ``await`` (callers wrap synchronous code only: one
  page's parse, or one page decoded as a whole), so the collector is off for milliseconds at a time
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
