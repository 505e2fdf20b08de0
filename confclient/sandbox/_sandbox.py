"""The :class:`Sandbox` server object and the blocking :func:`serve` runner."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import signal
import sys
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Final, Self

from aiohttp import web

from ._app import build_app
from ._data import TELNYX_REGIONS, seeded_rng, uuid4_str
from ._faults import DEFAULT_FAULTS, FaultInjector, QueuedFault
from ._stats import SandboxStats
from ._telnyx import DEFAULT_REGION, TelnyxProvider
from ._twilio import TwilioProvider
from ._twilio_data import CANONICAL_ORIGIN, TWILIO_MIXER_REGIONS

__all__ = ["PROVIDERS", "Sandbox", "serve"]

#: The providers the sandbox emulates, as named to :meth:`Sandbox.connect`.
PROVIDERS: Final = ("telnyx", "twilio")

# How long stop() lets in-flight requests finish before cancelling them.
_SHUTDOWN_TIMEOUT: Final = 2.0
#: Loop turns stop() waits for connections accepted at the last moment to reach the server.
_ACCEPT_TURNS: Final = 5
#: Addresses that bind every interface, and the loopback address a local client uses
#: instead (a client refuses plain http to any other host, and 0.0.0.0 is no destination).
_WILDCARD_BINDS: Final = {"0.0.0.0": "127.0.0.1", "::": "::1"}


class Sandbox:
    """A local emulator of the providers' conference APIs, with seeded data and fault injection.

    Serves on loopback while the ``async with`` block (or between :meth:`start` and
    :meth:`stop`) runs::

        async with Sandbox(seed=0, size=100) as sb:
            async with sb.connect("telnyx") as svc:
                ...
            async with sb.connect("twilio") as svc:
                ...
            assert sb.stats.total_requests > 0

    ``size`` is the number of records per data region (each Telnyx data region and each
    Twilio mixer region); a region's records are generated on first use. ``latency_ms``
    delays every request. ``fault_rate`` is the probability that a request meets a fault
    drawn from ``faults`` (by a generator seeded from ``seed``); :meth:`queue_faults`
    schedules faults for the next requests explicitly. ``retry_after`` is the
    ``Retry-After`` (seconds, possibly fractional) sent with 429 and 503 faults. The 500,
    503, 429 and ``redirect`` faults answer before the handler runs, so they change nothing;
    ``drop``, ``truncate`` and ``stall_body`` damage the real response, so such a ``POST``
    did create its conference (replay it with the same ``command_id`` to get it back).
    ``stall`` and ``stall_body`` hold the request until the client disconnects, to test a
    client's timeouts; ask for them (and ``redirect``) by name: ``fault_rate`` draws from
    ``faults``, by default the five transient kinds of ``DEFAULT_FAULTS``.

    :attr:`app` is the aiohttp application itself, for use with aiohttp's test server (the
    URL properties then do not apply: they describe the server :meth:`start` runs).
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        size: int = 100,
        latency_ms: float = 0,
        fault_rate: float = 0.0,
        faults: Sequence[str] = DEFAULT_FAULTS,
        retry_after: float = 1.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int, got {seed!r}")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"size must be a non-negative int, got {size!r}")
        if isinstance(faults, str):
            raise TypeError("faults must be a sequence of fault kinds, not a single string")
        self._seed = seed
        self._size = size
        self._host = host
        self._requested_port = port
        self._stats = SandboxStats()
        self._injector = FaultInjector(
            seed=seed,
            latency_ms=latency_ms,
            fault_rate=fault_rate,
            faults=faults,
            retry_after=retry_after,
        )
        self._telnyx = TelnyxProvider(seed=seed, size=size, stats=self._stats)
        self._twilio = TwilioProvider(seed=seed, size=size)
        request_rng = seeded_rng(seed, "request-ids")
        self._app = build_app(
            [self._telnyx, self._twilio],
            self._injector,
            self._stats,
            lambda: uuid4_str(request_rng.getrandbits(128)),
        )
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    def __repr__(self) -> str:
        where = self.base_url if self._port is not None else "stopped"
        return f"<Sandbox seed={self._seed} size={self._size} {where}>"

    # -- lifecycle

    async def start(self) -> None:
        """Start serving on ``host:port`` (an ephemeral port when ``port`` is 0)."""
        if self._runner is not None:
            raise RuntimeError("the sandbox is already started")
        runner = web.AppRunner(
            self._app, access_log=None, handle_signals=False, shutdown_timeout=_SHUTDOWN_TIMEOUT
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self._host, self._requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop serving and close every connection (a no-op when not started)."""
        runner, self._runner = self._runner, None
        self._port = None
        if runner is None:
            return
        server = runner.server
        await runner.cleanup()
        # A connection the OS accepted just before the listener closed reaches the server a
        # few loop turns later (asyncio's accept task): let those arrive and close them too,
        # or their sockets outlive the sandbox (a ResourceWarning once the loop is gone).
        for _ in range(_ACCEPT_TURNS):
            await asyncio.sleep(0)
        if server is not None and server.connections:
            await server.shutdown(0)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- addresses and credentials

    @property
    def app(self) -> web.Application:
        """The aiohttp application serving every provider."""
        return self._app

    @property
    def seed(self) -> int:
        """The seed all data, keys, ids and random faults derive from."""
        return self._seed

    @property
    def size(self) -> int:
        """Generated records per data region."""
        return self._size

    @property
    def host(self) -> str:
        """The address the server binds (``0.0.0.0`` or ``::``: every interface)."""
        return self._host

    @property
    def on_every_interface(self) -> bool:
        """Whether the server binds every interface (``host`` ``0.0.0.0`` or ``::``)."""
        return self._host in _WILDCARD_BINDS

    @property
    def port(self) -> int:
        """The bound port (raises ``RuntimeError`` until :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("the sandbox is not running; use 'async with' or await start()")
        return self._port

    @property
    def running(self) -> bool:
        """Whether the server is started."""
        return self._port is not None

    @property
    def base_url(self) -> str:
        """Root of the server as a client on this machine reaches it, e.g.
        ``http://127.0.0.1:54321``; bound to every interface (``0.0.0.0``, ``::``), the
        loopback address (``127.0.0.1``, ``[::1]``).
        """
        host = _WILDCARD_BINDS.get(self._host, self._host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def telnyx_base_url(self) -> str:
        """Telnyx API root including the version, like ``https://api.telnyx.com/v2``."""
        return self.base_url + self._telnyx.prefix

    @property
    def telnyx_api_key(self) -> str:
        """The only Telnyx API key this sandbox accepts (derived from ``seed``)."""
        return self._telnyx.api_key

    @property
    def twilio_base_url(self) -> str:
        """Twilio Voice Insights API root including the version, like
        ``https://insights.twilio.com/v1``."""
        return self.base_url + self._twilio.prefix

    @property
    def twilio_account_sid(self) -> str:
        """The sandbox's Twilio account SID (``AC`` + 32 hex, derived from ``seed``)."""
        return self._twilio.credentials.account_sid

    @property
    def twilio_auth_token(self) -> str:
        """The auth token accepted with :attr:`twilio_account_sid` (32 hex)."""
        return self._twilio.credentials.auth_token

    @property
    def twilio_api_key(self) -> str:
        """The API key SID (``SK`` + 32 hex) accepted with :attr:`twilio_api_secret`."""
        return self._twilio.credentials.api_key

    @property
    def twilio_api_secret(self) -> str:
        """The API key secret (32 letters and digits) accepted with :attr:`twilio_api_key`."""
        return self._twilio.credentials.api_secret

    def banner(self) -> list[str]:
        """What ``serve`` and ``confclient sandbox`` print: where it serves, then
        :meth:`describe`'s lines."""
        lines = [
            f"confclient sandbox on {self.base_url} (seed={self.seed}, size={self.size} per region)"
        ]
        if self.on_every_interface:
            lines.append(
                f"listening on every interface ({self._host} port {self.port}); from another "
                "machine use this one's address, with allow_insecure_http (plain http)"
            )
        return [*lines, *self.describe()]

    def describe(self) -> list[str]:
        """One line per provider with its base URL and test credentials (what ``serve`` prints)."""
        return [
            f"telnyx  base_url={self.telnyx_base_url}  api_key={self.telnyx_api_key}",
            f"twilio  base_url={self.twilio_base_url}  account_sid={self.twilio_account_sid}"
            f"  auth_token={self.twilio_auth_token}",
        ]

    # -- knobs

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

    def insert_while_listing(self, every: int) -> None:
        """From now on, every ``every``-th Telnyx list request first inserts a new conference
        at the top of the listed region, so records shift under a client that pages by number
        (0 turns it off). ``stats.created`` does not count these; ``telnyx_inserted`` does.
        """
        if isinstance(every, bool) or not isinstance(every, int) or every < 0:
            raise ValueError(f"every must be an integer >= 0, got {every!r}")
        self._telnyx.insert_every = every

    @property
    def telnyx_inserted(self) -> int:
        """Conferences inserted by :meth:`insert_while_listing` so far."""
        return self._telnyx.inserted

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

    @property
    def open_connections(self) -> int:
        """Client connections open to the server right now (0 when it is not running).

        A connection the client closed stops counting at once, even while the server is
        still handling its request (aiohttp lets such a handler run to its end).
        """
        runner = self._runner
        if runner is None or runner.server is None:
            return 0
        return sum(1 for handler in runner.server.connections if handler.transport is not None)

    @property
    def twilio_next_page_origin(self) -> str | None:
        """When set (e.g. ``"http://127.0.0.2:9"``), every Twilio ``next_page_url`` is on this
        scheme, host and port instead of the request's own: a client must refuse to follow it.

        Only the origin of the value is kept (``None``, the default, turns the knob off).
        """
        return self._twilio.next_page_origin

    @twilio_next_page_origin.setter
    def twilio_next_page_origin(self, value: str | None) -> None:
        self._twilio.next_page_origin = value

    @property
    def twilio_repeat_next_page(self) -> bool:
        """When true, every Twilio page's ``next_page_url`` is that page's own URL (the last
        page's included), to test a client's loop guard. Default false."""
        return self._twilio.repeat_next_page

    @twilio_repeat_next_page.setter
    def twilio_repeat_next_page(self, value: bool) -> None:
        self._twilio.repeat_next_page = bool(value)

    # -- data

    def telnyx_records(self, region: str = DEFAULT_REGION) -> list[dict[str, Any]]:
        """The raw Telnyx records of ``region`` in the API's list order (decoded copies)."""
        return self._telnyx.records(region)

    @property
    def telnyx_regions(self) -> tuple[str, ...]:
        """The Telnyx data regions (values of the ``region`` parameter)."""
        return TELNYX_REGIONS

    def twilio_records(self, mixer_region: str | None = None) -> list[dict[str, Any]]:
        """The raw Twilio records of ``mixer_region`` (all regions merged when ``None``) in the
        API's list order (decoded copies).

        Their ``url`` and ``links`` are on :attr:`base_url` while the sandbox runs (what a
        client addressing it by that URL receives), on ``https://insights.twilio.com`` when not.
        """
        origin = self.base_url if self.running else CANONICAL_ORIGIN
        return self._twilio.records(mixer_region, origin)

    @property
    def twilio_mixer_regions(self) -> tuple[str, ...]:
        """The documented Twilio mixer regions (values of the ``MixerRegion`` parameter; any
        other value is a 400)."""
        return TWILIO_MIXER_REGIONS

    # -- clients

    @property
    def providers(self) -> tuple[str, ...]:
        """The providers this sandbox serves, as named to :meth:`connect`."""
        return PROVIDERS

    def _check_provider(self, provider: str) -> None:
        if provider not in PROVIDERS:
            raise ValueError(
                f"unknown sandbox provider {provider!r}; the sandbox serves: {', '.join(PROVIDERS)}"
            )

    def base_url_of(self, provider: str) -> str:
        """The API root of ``provider`` on this sandbox (what its ``base_url`` option takes)."""
        self._check_provider(provider)
        return self.telnyx_base_url if provider == "telnyx" else self.twilio_base_url

    def client_options(self, provider: str) -> dict[str, Any]:
        """Keyword options of ``confclient.connect(provider, ...)`` for this sandbox."""
        self._check_provider(provider)
        if provider == "twilio":
            return {
                "base_url": self.twilio_base_url,
                "account_sid": self.twilio_account_sid,
                "auth_token": self.twilio_auth_token,
            }
        return {"base_url": self.telnyx_base_url, "api_key": self.telnyx_api_key}

    def environment(self, provider: str) -> dict[str, str]:
        """The environment variables that give :meth:`client_options` to
        ``confclient.connect_from_env()`` and the command (the provider's own
        ``env_variables``)."""
        # Imported here: the sandbox stays importable (and usable as a bare server) on its own.
        from confclient.config import load_provider

        variables = load_provider(provider).env_variables  # type: ignore[attr-defined]
        return {variables[option]: value for option, value in self.client_options(provider).items()}

    def connect(self, provider: str, /, **options: Any) -> Any:
        """A ``confclient`` service wired to this sandbox's URL and credentials.

        ``options`` go to ``confclient.connect`` unchanged::

            async with sb.connect("telnyx") as svc:
                ...
            async with sb.connect("twilio", timeout=5) as svc:
                ...
        """
        import confclient

        return confclient.connect(  # type: ignore[attr-defined,unused-ignore]
            provider, **self.client_options(provider), **options
        )


async def _serve_until_stopped(sandbox: Sandbox, print_fn: Callable[[str], object]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError, ValueError):
            # Windows, or not the main thread: Ctrl-C still ends asyncio.run below.
            continue
        installed.append(sig)
    try:
        async with sandbox:
            for line in sandbox.banner():
                print_fn(line)
            if print_fn is builtins.print:
                sys.stdout.flush()
            await stop.wait()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    seed: int = 0,
    size: int = 100,
    latency_ms: float = 0,
    fault_rate: float = 0.0,
    print_fn: Callable[[str], object] = print,
) -> None:
    """Run a sandbox in the foreground until Ctrl-C or SIGTERM.

    First prints the server root, then one line per provider with its base URL and
    credentials, e.g. ``telnyx  base_url=http://127.0.0.1:8765/v2  api_key=KEYsandbox...`` and
    ``twilio  base_url=http://127.0.0.1:8765/v1  account_sid=AC...  auth_token=...``.
    """
    sandbox = Sandbox(
        seed=seed, size=size, latency_ms=latency_ms, fault_rate=fault_rate, host=host, port=port
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_until_stopped(sandbox, print_fn))
