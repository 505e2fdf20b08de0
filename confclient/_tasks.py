"""Small asyncio helpers shared by the pager, the fan-out and the service (no I/O of their own)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

__all__ = ["cancel_and_wait"]


async def cancel_and_wait(tasks: Iterable[asyncio.Task[Any]]) -> None:
    """Cancel ``tasks`` and wait until each has finished, swallowing what they raise.

    The caller's own cancellation still propagates: if the task running this is being
    cancelled while it waits, the ``CancelledError`` is re-raised once every task is waited
    for, so a cancelled caller never leaves a task behind.
    """
    pending = list(tasks)
    for task in pending:
        task.cancel()
    cancelled_here = False
    for task in pending:
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                cancelled_here = True
        except Exception:
            pass
    if cancelled_here:
        raise asyncio.CancelledError
