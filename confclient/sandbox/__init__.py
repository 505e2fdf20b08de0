"""A local emulator of the providers' conference APIs, for tests, demos and benchmarks.

:class:`Sandbox` serves the documented Telnyx Call Control conference endpoints (list,
retrieve, create under ``/v2``) on loopback, with deterministic data derived from ``seed``,
the provider's authentication, parameter validation, error bodies and paging, plus injectable
latency and faults (500, 503 and 429 with ``Retry-After``, dropped connections, truncated
JSON)::

    from confclient.sandbox import Sandbox

    async with Sandbox(seed=0, size=100, latency_ms=0, fault_rate=0.0) as sb:
        sb.telnyx_base_url   # "http://127.0.0.1:PORT/v2"
        sb.telnyx_api_key    # the only accepted key
        sb.queue_faults("503", path_prefix="/v2/conferences")
        async with sb.connect("telnyx") as svc:
            ...
        sb.stats.requests    # Counter of (method, route template)

:func:`serve` runs one in the foreground (``python -m confclient.sandbox --port 8765``).

The sandbox depends only on aiohttp, attrs and the standard library (orjson is used when
installed); it imports the rest of ``confclient`` only inside :meth:`Sandbox.connect`.
"""

from ._data import TELNYX_REGIONS
from ._faults import DEFAULT_FAULTS, FaultKind, QueuedFault
from ._sandbox import PROVIDERS, Sandbox, serve
from ._stats import SandboxStats

__all__ = [
    "DEFAULT_FAULTS",
    "PROVIDERS",
    "TELNYX_REGIONS",
    "FaultKind",
    "QueuedFault",
    "Sandbox",
    "SandboxStats",
    "serve",
]
