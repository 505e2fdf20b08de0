"""The traffic knobs of a sandbox: its counters, latency and faults (see :class:`Sandbox`)."""

from __future__ import annotations

from ._faults import FaultInjector, QueuedFault
from ._stats import SandboxStats

__all__ = ["FaultKnobs"]


class FaultKnobs:
    """Reading and turning the knobs of the sandbox's fault injector and its counters."""

    _injector: FaultInjector
    _stats: SandboxStats

    @property
    def stats(self) -> SandboxStats:
        """Traffic counters (requests, paths, queries, faults, created, in-flight)."""
        return self._stats

    @property
    def latency_ms(self) -> float:
        """Current per-request latency in milliseconds."""
        return self._injector.latency_ms

    @property
    def fault_rate(self) -> float:
        """Current probability of a random fault per request."""
        return self._injector.fault_rate

    @property
    def queued_faults(self) -> tuple[QueuedFault, ...]:
        """Faults queued by :meth:`queue_faults` and not yet used."""
        return self._injector.queued

    def set_latency(self, ms: float) -> None:
        """Delay every subsequent request by ``ms`` milliseconds (0 disables)."""
        self._injector.latency_ms = ms

    def set_fault_rate(self, rate: float) -> None:
        """Set the probability (0..1) of a random fault per request."""
        self._injector.fault_rate = rate

    def queue_faults(self, *kinds: str, path_prefix: str = "", method: str | None = None) -> None:
        """Give the next requests whose raw path starts with ``path_prefix`` (and whose method
        is ``method``, if given) these faults, one per request, in order::

            sb.queue_faults("503", "429", path_prefix="/v2/conferences")

        Queued faults are used before any random one; kinds are :class:`FaultKind` values.
        """
        self._injector.queue(kinds, path_prefix=path_prefix, method=method)

    def clear_faults(self) -> None:
        """Forget every queued fault."""
        self._injector.clear()

    @property
    def redirect_origin(self) -> str:
        """Where the ``redirect`` fault points: ``307`` to the request's own path and query on
        this origin (default ``http://127.0.0.2:9``, another host). Set it to a trap server's
        origin to check that a client sends nothing there. Only the origin of the value is kept.
        """
        return self._injector.redirect_origin

    @redirect_origin.setter
    def redirect_origin(self, value: str) -> None:
        self._injector.redirect_origin = value
