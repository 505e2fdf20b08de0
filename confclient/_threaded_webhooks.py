"""The webhook methods of :class:`confclient.testing.ThreadedSandbox`: the sandbox's own,
run on the sandbox's loop (its thread), usable from any test."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .sandbox import Sandbox

__all__ = ["ThreadedWebhooks"]

T = TypeVar("T")


class ThreadedWebhooks:
    """Mixed into ``ThreadedSandbox``: ``add_webhook``, ``webhook_verifier``,
    ``webhook_environment`` and ``simulate_conference`` (awaitable from any event loop, so
    that a receiver served by the test's own loop keeps answering meanwhile)."""

    _loop: asyncio.AbstractEventLoop | None
    _sandbox: Sandbox | None

    def call(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        raise NotImplementedError  # ThreadedSandbox's

    def add_webhook(self, provider: str, url: str) -> None:
        """Post ``provider``'s simulated conferences to ``url`` too."""
        self.call(lambda s: s.add_webhook(provider, url))

    def webhook_verifier(self, provider: str) -> Any:
        """A webhook verifier for what the sandbox signs as ``provider``."""
        return self.call(lambda s: s.webhook_verifier(provider))

    def webhook_environment(self, provider: str) -> dict[str, str]:
        """The variables ``confclient.webhook_verifier(provider)`` reads the sandbox's
        webhook secrets from, for ``monkeypatch.setenv``."""
        return self.call(lambda s: s.webhook_environment(provider))

    async def simulate_conference(
        self,
        provider: str,
        *,
        participants: int = 3,
        duplicates: float = 0.0,
        shuffle: bool = False,
    ) -> str:
        """Play one conference to the registered URLs (see ``Sandbox.simulate_conference``);
        its id. Awaited on the caller's loop while it plays on the sandbox's (from a sync
        test: ``asyncio.run(sb.simulate_conference(...))``)."""
        sandbox, loop = self._sandbox, self._loop
        if sandbox is None or loop is None:
            raise RuntimeError("the sandbox is not running; use it inside its with block")
        played = sandbox.simulate_conference(
            provider, participants=participants, duplicates=duplicates, shuffle=shuffle
        )
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(played, loop))
