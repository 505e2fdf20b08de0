"""A local emulator of the providers' conference APIs, for tests, demos and benchmarks.

:class:`Sandbox` is a host: it serves, on loopback, the emulator of every registered provider
whose service names one (Telnyx Call Control conferences under ``/v2``, Twilio Voice Insights
conference summaries under ``/v1``, and any provider you add), each with deterministic data
derived from ``seed``, the provider's authentication, parameter validation, error bodies and
paging, plus injectable latency and faults (500, 503 with ``Retry-After``, 429 with the
provider's own rate-limit headers, dropped connections, truncated JSON)::

    from confclient.sandbox import Sandbox

    async with Sandbox(seed=0, size=100, latency_ms=0, fault_rate=0.0) as sb:
        sb.telnyx_base_url   # "http://127.0.0.1:PORT/v2"
        sb.telnyx_api_key    # the only accepted key
        sb.queue_faults("503", path_prefix="/v2/conferences")
        async with sb.connect("telnyx") as svc:
            ...
        sb.twilio_base_url   # "http://127.0.0.1:PORT/v1"
        sb.twilio_account_sid, sb.twilio_auth_token  # or twilio_api_key, twilio_api_secret
        sb.twilio_next_page_origin = "http://127.0.0.2:9"  # next_page_url elsewhere
        sb.twilio_repeat_next_page = True                  # next_page_url == this page
        sb.stats.requests    # Counter of (method, route template)

A provider's half lives in its own package (``confclient_<name>.emulator``, see
:class:`Emulator`); :data:`PROVIDERS` names those served by default. :func:`serve` runs a
sandbox in the foreground (``python -m confclient.sandbox --port 8765``).
"""

from __future__ import annotations

from typing import Any

from ._emulator import ContractFacts as ContractFacts
from ._emulator import Emulator as Emulator
from ._faults import DEFAULT_FAULTS as DEFAULT_FAULTS
from ._faults import FaultKind as FaultKind
from ._faults import QueuedFault as QueuedFault
from ._sandbox import Sandbox as Sandbox
from ._serve import serve as serve
from ._stats import SandboxStats as SandboxStats

# Emulator and ContractFacts are importable from here too, but belong to the adapter authors'
# toolkit (confclient.adapter): this module's listed surface is the sandbox's users'.
_CORE_NAMES = [
    "DEFAULT_FAULTS",
    "PROVIDERS",
    "FaultKind",
    "QueuedFault",
    "Sandbox",
    "SandboxStats",
    "serve",
]


def _provider_constants() -> dict[str, object]:
    """What the served providers' emulators add to this module (``constants``)."""
    from ._mount import served_providers

    found: dict[str, object] = {}
    for _name, emulator in served_providers():
        found.update(getattr(emulator, "constants", {}))
    return found


def __getattr__(name: str) -> Any:
    # Computed, not stored: they depend on the providers registered when asked.
    if name == "PROVIDERS":
        from ._mount import served_providers

        return tuple(provider for provider, _ in served_providers())
    if name == "__all__":
        return sorted([*_CORE_NAMES, *_provider_constants()], key=str.casefold)
    if name.isupper():
        constants = _provider_constants()
        if name in constants:
            return constants[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
