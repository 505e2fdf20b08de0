"""Counters the sandbox keeps about the traffic it served (read by tests and benchmarks)."""

from __future__ import annotations

from collections import Counter, deque
from typing import Final

import attrs

__all__ = ["QUERY_LOG_SIZE", "UNMATCHED_ROUTE", "SandboxStats"]

#: How many ``(method, raw path with query)`` pairs :attr:`SandboxStats.queries` keeps.
QUERY_LOG_SIZE: Final = 1000

#: The route template recorded for requests that matched no route.
UNMATCHED_ROUTE: Final = "<unmatched>"


@attrs.define(eq=False)
class SandboxStats:
    """What a running :class:`~confclient.sandbox.Sandbox` has seen since start or :meth:`reset`.

    Example::

        assert sb.stats.requests["GET", "/v2/conferences"] == 3
        assert sb.stats.faults["503"] == 1
        method, target = sb.stats.queries[-1]  # e.g. "/v2/conferences?page%5Bnumber%5D=2"
    """

    requests: Counter[tuple[str, str]] = attrs.field(factory=Counter)
    """Requests by ``(method, route template)``, e.g. ``("GET", "/v2/conferences/{id}")``;
    requests that matched no route count under ``"<unmatched>"``."""
    paths: Counter[str] = attrs.field(factory=Counter)
    """Requests by raw (still percent-encoded) path, without the query string."""
    faults: Counter[str] = attrs.field(factory=Counter)
    """Injected faults by kind (the ``FaultKind`` values: ``"500"``, ``"drop"``, ``"stall"``...)."""
    created: int = 0
    """Conferences actually created (an idempotent replay of a create does not count)."""
    in_flight: int = 0
    """Requests being handled right now."""
    max_in_flight: int = 0
    """The most requests that were being handled at the same time."""
    _queries: deque[tuple[str, str]] = attrs.field(
        init=False, factory=lambda: deque(maxlen=QUERY_LOG_SIZE)
    )

    @property
    def queries(self) -> list[tuple[str, str]]:
        """The last 1000 ``(method, raw path with query string)`` pairs, oldest first.

        The target is exactly as it arrived on the request line (percent-encoding included).
        """
        return list(self._queries)

    @property
    def total_requests(self) -> int:
        """All requests seen, faulted ones included."""
        return self.requests.total()

    @property
    def total_faults(self) -> int:
        """All faults injected."""
        return self.faults.total()

    def reset(self) -> None:
        """Forget everything counted so far (requests still in flight stay counted)."""
        self.requests.clear()
        self.paths.clear()
        self.faults.clear()
        self._queries.clear()
        self.created = 0
        self.max_in_flight = self.in_flight

    def _enter(self, method: str, route: str, raw_target: str) -> None:
        self.requests[method, route] += 1
        self.paths[raw_target.partition("?")[0]] += 1
        self._queries.append((method, raw_target))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        self.in_flight -= 1
