"""Dedupe stores: what makes ``on_event`` run once per event, whatever the redeliveries.

Providers deliver the same event more than once, concurrently, to whichever replica is up.
A store remembers which events were taken: :meth:`first_time` marks an event and says whether
it was the first to do so (atomically), :meth:`forget` releases the mark (when handling it
failed, so that the provider's redelivery runs it). :class:`MemoryDedupe` serves one process;
:class:`RedisDedupe` a whole deployment (``SET NX EX`` through ``redis.asyncio``, the ``redis``
extra).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from .errors import ConfigurationError, TransportError
from .events import ConferenceEvent

__all__ = ["Dedupe", "MemoryDedupe", "RedisDedupe"]

DEFAULT_TTL = 86_400
"""How long a mark lasts, in seconds: longer than any provider keeps redelivering (a day)."""


def _key(event: ConferenceEvent) -> str:
    return f"{event.provider}:{event.id}"


def _check_ttl(ttl: object) -> int:
    if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 1:
        raise ConfigurationError(f"ttl must be whole seconds >= 1, got {ttl!r}")
    return ttl


@runtime_checkable
class Dedupe(Protocol):
    """A dedupe store (:class:`MemoryDedupe`, :class:`RedisDedupe`, or your own)."""

    async def first_time(self, event: ConferenceEvent) -> bool:
        """Mark ``event`` as taken; ``True`` for the one caller that marked it first."""
        ...

    async def forget(self, event: ConferenceEvent) -> None:
        """Release the mark of ``event`` (a later delivery is a first time again)."""
        ...


class MemoryDedupe:
    """An in-process store of the last ``max_size`` events seen in the last ``ttl`` seconds.

    Bounded: past ``max_size`` marks the oldest is dropped (a redelivery that late is then
    handled again). One process only; several replicas need :class:`RedisDedupe`.
    """

    __slots__ = ("_clock", "_seen", "max_size", "ttl")

    def __init__(
        self,
        max_size: int = 100_000,
        *,
        ttl: int = DEFAULT_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
            raise ConfigurationError(f"max_size must be an integer >= 1, got {max_size!r}")
        self.max_size = max_size
        self.ttl = _check_ttl(ttl)
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def __repr__(self) -> str:
        return f"<MemoryDedupe {len(self._seen)}/{self.max_size} ttl={self.ttl}s>"

    def __len__(self) -> int:
        return len(self._seen)

    async def first_time(self, event: ConferenceEvent) -> bool:
        # No await inside: the check and the mark are one step for the event loop.
        now = self._clock()
        seen = self._seen
        while seen:  # marks expire in the order they were made
            oldest = next(iter(seen.values()))
            if oldest > now:
                break
            seen.popitem(last=False)
        key = _key(event)
        if key in seen:
            return False
        seen[key] = now + self.ttl
        if len(seen) > self.max_size:
            seen.popitem(last=False)
        return True

    async def forget(self, event: ConferenceEvent) -> None:
        self._seen.pop(_key(event), None)


class RedisDedupe:
    """A store shared by every replica: one Redis key per event, set with ``SET NX EX``
    (atomic on the server: of any number of concurrent deliveries, one sets it).

    ``redis`` is a ``redis.asyncio.Redis`` client (the ``redis`` extra); it stays yours to
    close. A failure to reach Redis is a :class:`confclient.TransportError`.

    >>> dedupe = RedisDedupe(redis.asyncio.Redis(), ttl=86_400)         # doctest: +SKIP
    """

    __slots__ = ("_redis", "prefix", "ttl")

    def __init__(
        self, redis: Any, *, ttl: int = DEFAULT_TTL, prefix: str = "confclient:event:"
    ) -> None:
        if not (callable(getattr(redis, "set", None)) and callable(getattr(redis, "delete", None))):
            raise ConfigurationError("redis must be a redis.asyncio.Redis client")
        self._redis = redis
        self.ttl = _check_ttl(ttl)
        self.prefix = prefix

    def __repr__(self) -> str:
        return f"<RedisDedupe prefix={self.prefix!r} ttl={self.ttl}s>"

    async def first_time(self, event: ConferenceEvent) -> bool:
        try:
            done = await self._redis.set(self.prefix + _key(event), b"1", nx=True, ex=self.ttl)
        except Exception as exc:  # redis.RedisError, OSError, TimeoutError
            raise TransportError(f"dedupe store: Redis failed ({type(exc).__name__})") from exc
        return bool(done)

    async def forget(self, event: ConferenceEvent) -> None:
        try:
            await self._redis.delete(self.prefix + _key(event))
        except Exception as exc:
            raise TransportError(f"dedupe store: Redis failed ({type(exc).__name__})") from exc
