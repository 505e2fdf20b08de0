"""Finding one thing wherever it lives: the region-by-region lookup behind ``get``.

On a provider whose requests each reach one region, ``get(id)`` asks the region it was told
to look in first (a hint, the conference's own region, or the service's default), and then
every other region at once: the first that has it wins and the others are cancelled; only
when no region has it is the answer :class:`NotFoundError`, naming every region asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

from ._tasks import cancel_and_wait
from .errors import NotFoundError

__all__ = ["find_in_regions"]

T = TypeVar("T")


async def find_in_regions(
    fetch: Callable[[str], Coroutine[Any, Any, T]],
    regions: Sequence[str],
    first: str | None,
    *,
    what: str,
) -> T:
    """``fetch(region)`` in ``first``, else in whichever other region of ``regions`` has it.

    An answer that is not "not found" (a 401, a 503 after retries) says more than the
    others: when no region had it, the first such failure in region order is raised, with a
    note naming where it came from (``what``: what was looked for, for that note).
    """
    asked: list[str] = []
    misses: list[NotFoundError] = []
    if first is not None:
        asked.append(first)
        try:
            return await fetch(first)
        except NotFoundError as exc:
            misses.append(exc)
    rest = [region for region in regions if region != first]
    asked.extend(rest)
    tasks = {
        asyncio.create_task(fetch(region), name=f"confclient lookup {region}"): region
        for region in rest
    }
    failures: dict[str, Exception] = {}
    try:
        pending = set(tasks)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                error = task.exception()
                if error is None:
                    return task.result()
                if isinstance(error, NotFoundError):
                    misses.append(error)
                elif isinstance(error, Exception):
                    failures[tasks[task]] = error
                else:  # pragma: no cover - KeyboardInterrupt and the like
                    raise error
    finally:
        # Done ones too: awaiting them retrieves what they raised (never logged as lost).
        await cancel_and_wait(tasks)
    for region in rest:
        if region in failures:
            error = failures[region]
            error.add_note(f"while looking for {what}:{region}")
            raise error
    raise _not_found_in(misses, asked)


def _not_found_in(misses: Sequence[NotFoundError], asked: Sequence[str]) -> NotFoundError:
    """One :class:`NotFoundError` for a search of several regions: the first answer's
    details, naming every region asked."""
    first = misses[0]
    return NotFoundError(
        status=first.status,
        provider=first.provider,
        errors=first.errors,
        request_id=first.request_id,
        method=first.method,
        url=first.url,
        regions=asked,
    )
