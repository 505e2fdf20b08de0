"""A local emulator of the providers' conference APIs, for tests, demos and benchmarks.

:class:`Sandbox` serves the documented Telnyx Call Control conference endpoints (list,
retrieve, create under ``/v2``) and Twilio Voice Insights conference summaries (list, retrieve
under ``/v1``) on loopback, with deterministic data derived from ``seed``, each provider's
authentication, parameter validation, error bodies and paging, plus injectable latency and
faults (500, 503 with ``Retry-After``, 429 with the provider's own rate-limit headers,
dropped connections, truncated JSON)::

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

:func:`serve` runs one in the foreground (``python -m confclient.sandbox --port 8765``).

The sandbox depends only on aiohttp, attrs and the standard library (orjson is used when
installed); it imports the rest of ``confclient`` only inside :meth:`Sandbox.connect`.
"""

from ._data import TELNYX_REGIONS
from ._faults import DEFAULT_FAULTS, FaultKind, QueuedFault
from ._sandbox import PROVIDERS, Sandbox, serve
from ._stats import SandboxStats
from ._twilio_data import TWILIO_MIXER_REGIONS

__all__ = [
    "DEFAULT_FAULTS",
    "PROVIDERS",
    "TELNYX_REGIONS",
    "TWILIO_MIXER_REGIONS",
    "FaultKind",
    "QueuedFault",
    "Sandbox",
    "SandboxStats",
    "serve",
]
