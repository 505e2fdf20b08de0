"""The sandbox's webhooks: registered URLs, and whole conferences played to them as signed
deliveries, optionally duplicated and out of order.

What a conference sends, in which order and how it is signed is each provider's own: its
emulator offers (read when present)

* ``webhook_options() -> dict``: the options of ``confclient.webhook_verifier(name, ...)``
  that verify what it signs (e.g. its public key);
* ``conference_script(participants, rng) -> ConferenceScript``: one conference, as the
  provider plays it, each step with the change it makes to the emulator's data;
* ``sign_webhook(url, body) -> headers``: the headers of one delivery of ``body`` to ``url``.

The host only registers URLs, runs the steps, duplicates and shuffles, and posts.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import aiohttp
import attrs

from ._data import seeded_rng
from ._emulator import Emulator

__all__ = ["ConferenceScript", "Delivery", "Step", "WebhookHost"]

#: Deliveries in flight at once when a conference is played out of order.
_CONCURRENCY: Final = 8
_TIMEOUT: Final = aiohttp.ClientTimeout(total=10)


@attrs.frozen
class Delivery:
    """One webhook body as the provider sends it (signed per URL when posted)."""

    body: bytes
    content_type: str


@attrs.frozen
class Step:
    """One moment of a conference: what it sends, and the change it makes to the emulator's
    data (run before the delivery is posted, so a receiver that asks the API then finds
    the state the event describes)."""

    delivery: Delivery
    apply: Callable[[], None] | None = None


@attrs.frozen
class ConferenceScript:
    """A whole conference as a provider plays it: its id and its steps, in the provider's
    order."""

    conference_id: str
    steps: Sequence[Step]


def _check_url(url: object) -> str:
    import yarl

    try:
        parsed = yarl.URL(url) if isinstance(url, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"a webhook URL must be an absolute http(s) URL, got {url!r:.80}")
    return str(url)


class WebhookHost:
    """The sandbox's webhook methods (mixed into :class:`Sandbox`)."""

    _seed: int

    def emulator(self, provider: str) -> Emulator:  # provided by Sandbox
        raise NotImplementedError

    def _webhook_state(self) -> tuple[dict[str, list[str]], Counter[int], list[int]]:
        state: tuple[dict[str, list[str]], Counter[int], list[int]] | None = self.__dict__.get(
            "_webhooks"
        )
        if state is None:
            state = ({}, Counter(), [0])
            self.__dict__["_webhooks"] = state
        return state

    def _webhook_emulator(self, provider: str) -> Any:
        emulator = self.emulator(provider)
        if not callable(getattr(emulator, "conference_script", None)):
            raise ValueError(f"the sandbox's {provider} emulator plays no webhooks")
        return emulator

    def add_webhook(self, provider: str, url: str) -> None:
        """Post ``provider``'s webhooks to ``url`` too (every registered URL gets every
        delivery)."""
        self._webhook_emulator(provider)
        urls = self._webhook_state()[0].setdefault(provider, [])
        checked = _check_url(url)
        if checked not in urls:
            urls.append(checked)

    def webhooks(self, provider: str) -> tuple[str, ...]:
        """The URLs ``provider``'s webhooks are posted to."""
        return tuple(self._webhook_state()[0].get(provider, ()))

    @property
    def webhook_statuses(self) -> Mapping[int, int]:
        """How many deliveries got each HTTP status (0: no answer) so far."""
        return self._webhook_state()[1]

    def webhook_verifier(self, provider: str) -> Any:
        """A ``confclient`` webhook verifier for what this sandbox signs as ``provider``."""
        options = self._webhook_emulator(provider).webhook_options()
        import confclient  # here: the sandbox is usable as a bare server without the client

        return confclient.webhook_verifier(provider, **options)  # type: ignore[attr-defined,unused-ignore]

    def webhook_environment(self, provider: str) -> dict[str, str]:
        """The environment variables that give :meth:`webhook_verifier`'s secrets to
        ``confclient.webhook_verifier(provider)`` and ``confclient listen`` (the variable the
        provider's verifier reads each from)."""
        options = self._webhook_emulator(provider).webhook_options()
        from confclient.config._factory import verifier_class

        variables: Mapping[str, str] = getattr(verifier_class(provider), "env_variables", {})
        return {variables[o]: str(v) for o, v in options.items() if o in variables}

    async def simulate_conference(
        self,
        provider: str,
        *,
        participants: int = 3,
        duplicates: float = 0.0,
        shuffle: bool = False,
    ) -> str:
        """Play one whole conference of ``provider`` to its registered URLs and return the
        conference's id.

        The provider's events come in its own order (start, joins, mutes or holds where it
        has them, speaker changes, leaves, end, a recording), each signed as the provider
        signs it; the sandbox's data follows along (the conference is listed in progress,
        then completed; its participants are listed as the events join, change and remove
        them). ``duplicates``: the probability that a delivery is sent twice;
        ``shuffle``: deliveries go out in a random order, several at once (the data then
        reaches its final state before they go out). Each registered URL gets every delivery;
        :attr:`webhook_statuses` counts the answers.
        """
        emulator = self._webhook_emulator(provider)
        if isinstance(participants, bool) or not isinstance(participants, int):
            raise TypeError(f"participants must be an int, got {participants!r}")
        if not 0.0 <= duplicates <= 1.0:
            raise ValueError(f"duplicates must be a probability (0 to 1), got {duplicates!r}")
        urls, statuses, played = self._webhook_state()
        played[0] += 1
        rng = seeded_rng(self._seed, "webhooks", provider, str(played[0]))
        script: ConferenceScript = emulator.conference_script(participants, rng)
        targets = list(urls.get(provider, ()))
        async with aiohttp.ClientSession(timeout=_TIMEOUT) as session:
            if not shuffle:
                for step in script.steps:
                    if step.apply is not None:
                        step.apply()
                    for delivery in _copies(step.delivery, duplicates, rng):
                        for url in targets:
                            statuses[await _post(session, emulator, url, delivery)] += 1
                return script.conference_id
            for step in script.steps:
                if step.apply is not None:
                    step.apply()
            jobs = [
                (url, delivery)
                for step in script.steps
                for delivery in _copies(step.delivery, duplicates, rng)
                for url in targets
            ]
            rng.shuffle(jobs)
            limit = asyncio.Semaphore(_CONCURRENCY)

            async def send(url: str, delivery: Delivery) -> None:
                async with limit:
                    statuses[await _post(session, emulator, url, delivery)] += 1

            await asyncio.gather(*(send(url, delivery) for url, delivery in jobs))
        return script.conference_id


def _copies(delivery: Delivery, duplicates: float, rng: random.Random) -> list[Delivery]:
    return [delivery, delivery] if duplicates and rng.random() < duplicates else [delivery]


async def _post(session: aiohttp.ClientSession, emulator: Any, url: str, delivery: Delivery) -> int:
    headers = {"Content-Type": delivery.content_type, **emulator.sign_webhook(url, delivery.body)}
    try:
        async with session.post(url, data=delivery.body, headers=headers) as response:
            await response.read()
            return response.status
    except (aiohttp.ClientError, TimeoutError):
        return 0
