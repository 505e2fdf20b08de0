"""The :class:`Sandbox` server object: the host every provider's emulator is mounted on."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Final, Self

from aiohttp import web

from ._app import build_app
from ._data import seeded_rng, uuid4_str
from ._emulator import Emulator
from ._faults import DEFAULT_FAULTS, FaultInjector
from ._knobs import FaultKnobs
from ._mount import make_emulators, served_providers
from ._stats import SandboxStats
from ._webhooks import WebhookHost

__all__ = ["Sandbox"]

# How long stop() lets in-flight requests finish before cancelling them.
_SHUTDOWN_TIMEOUT: Final = 2.0
#: Loop turns stop() waits for connections accepted at the last moment to reach the server.
_ACCEPT_TURNS: Final = 5
#: Addresses that bind every interface, and the loopback address a local client uses
#: instead (a client refuses plain http to any other host, and 0.0.0.0 is no destination).
_WILDCARD_BINDS: Final = {"0.0.0.0": "127.0.0.1", "::": "::1"}


class Sandbox(FaultKnobs, WebhookHost):
    """A local emulator of the providers' conference APIs, with seeded data and fault injection.

    Serves on loopback while the ``async with`` block (or between :meth:`start` and
    :meth:`stop`) runs::

        async with Sandbox(seed=0, size=100) as sb:
            async with sb.connect("telnyx") as svc:
                ...
            async with sb.connect("twilio") as svc:
                ...
            assert sb.stats.total_requests > 0

    Every registered provider whose service names an emulator is served, each under its own
    path prefix (``providers=`` serves only those named). Per provider ``name``:
    ``sb.<name>_base_url``, ``sb.<name>_<credential>`` (e.g. ``sb.telnyx_api_key``),
    ``sb.<name>_records(region)``, ``sb.<name>_regions``, and what its emulator adds (e.g.
    ``sb.twilio_next_page_origin``); the same through :meth:`base_url_of`,
    :meth:`client_options`, :meth:`environment`, :meth:`records` and :meth:`emulator`.
    Webhooks (see :class:`WebhookHost`): :meth:`add_webhook`, :meth:`webhook_verifier`,
    :meth:`simulate_conference`.

    ``size`` is the number of records per data region; a region's records are generated on
    first use. ``latency_ms`` delays every request. ``fault_rate`` is the probability that a
    request meets a fault drawn from ``faults`` (by a generator seeded from ``seed``);
    :meth:`queue_faults` schedules faults for the next requests explicitly. ``retry_after``
    is the ``Retry-After`` (seconds, possibly fractional) sent with 429 and 503 faults. The
    500, 503, 429 and ``redirect`` faults answer before the handler runs, so they change
    nothing; ``drop``, ``truncate`` and ``stall_body`` damage the real response, so such a
    ``POST`` did create its conference (replay it with the same ``command_id`` to get it
    back). ``stall`` and ``stall_body`` hold the request until the client disconnects, to
    test a client's timeouts; ask for them (and ``redirect``) by name: ``fault_rate`` draws
    from ``faults``, by default the five transient kinds of ``DEFAULT_FAULTS``.

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
        providers: Iterable[str] | None = None,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int, got {seed!r}")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"size must be a non-negative int, got {size!r}")
        if isinstance(faults, str):
            raise TypeError("faults must be a sequence of fault kinds, not a single string")
        if isinstance(providers, str):
            raise TypeError("providers must be a sequence of provider names, not a single string")
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
        self._emulators: Mapping[str, Emulator] = make_emulators(
            served_providers(providers), seed=seed, size=size, stats=self._stats
        )
        request_rng = seeded_rng(seed, "request-ids")
        self._app = build_app(
            list(self._emulators.values()),
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

    # -- the server

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
    def open_connections(self) -> int:
        """Client connections open to the server right now (0 when it is not running).

        A connection the client closed stops counting at once, even while the server is
        still handling its request (aiohttp lets such a handler run to its end).
        """
        runner = self._runner
        if runner is None or runner.server is None:
            return 0
        return sum(1 for handler in runner.server.connections if handler.transport is not None)

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
        """One line per provider with its base URL and the options a client needs, e.g.
        ``telnyx  base_url=http://127.0.0.1:8765/v2  api_key=KEYsandbox...``."""
        lines = []
        for name in self._emulators:
            base_url = self.base_url_of(name)
            options = self._emulators[name].client_options(base_url)
            shown = [f"base_url={base_url}"]
            shown += [f"{key}={value}" for key, value in options.items() if key != "base_url"]
            lines.append("  ".join([name, *shown]))
        return lines

    # -- the providers

    @property
    def providers(self) -> tuple[str, ...]:
        """The providers this sandbox serves, by name."""
        return tuple(self._emulators)

    def emulator(self, provider: str) -> Emulator:
        """The emulator serving ``provider`` (its state and knobs)."""
        emulator = self._emulators.get(provider)
        if emulator is None:
            raise ValueError(
                f"unknown sandbox provider {provider!r}; the sandbox serves: "
                f"{', '.join(self._emulators)}"
            )
        return emulator

    def base_url_of(self, provider: str) -> str:
        """The API root of ``provider`` on this sandbox, with its version, like
        ``https://api.telnyx.com/v2`` (raises ``RuntimeError`` until :meth:`start`)."""
        return self.base_url + self.emulator(provider).prefix

    def client_options(self, provider: str) -> dict[str, Any]:
        """The options of ``confclient.connect(provider, **options)`` for this sandbox."""
        return self.emulator(provider).client_options(self.base_url_of(provider))

    def environment(self, provider: str) -> dict[str, str]:
        """The environment variables that give :meth:`client_options` to
        ``confclient.connect_from_env()`` and the command: the variable the provider's
        service reads each option from (its ``env_variables``). Add ``CONFCLIENT_PROVIDER``
        to choose the provider that way too."""
        from confclient.config import load_provider

        options = self.client_options(provider)
        variables: Mapping[str, str] = getattr(load_provider(provider), "env_variables", {})
        unnamed = sorted(set(options) - set(variables))
        if unnamed:
            raise ValueError(
                f"provider {provider!r} names no environment variable for {', '.join(unnamed)}"
            )
        return {variables[option]: str(value) for option, value in options.items()}

    def records(self, provider: str, region: str | None = None) -> list[dict[str, Any]]:
        """The raw records ``provider`` serves for ``region`` in the API's list order (decoded
        copies); without a region, what a request naming none lists. Records that hold
        absolute URLs have them on :attr:`base_url` while the sandbox runs (what a client
        addressing it by that URL receives), on the provider's own origin when not."""
        return self.emulator(provider).records(region, self.base_url if self.running else None)

    def connect(self, provider: str, /, **options: Any) -> Any:
        """A ``confclient`` service wired to this sandbox's URL and credentials.

        ``options`` go to ``confclient.connect`` unchanged::

            async with sb.connect("telnyx") as svc:
                ...
            async with sb.connect("twilio", timeout=5) as svc:
                ...
        """
        wired = self.client_options(provider)
        import confclient  # here: the sandbox is usable as a bare server without the client

        return confclient.connect(provider, **wired, **options)  # type: ignore[attr-defined,unused-ignore]

    def __getattr__(self, name: str) -> Any:
        # Only for names not found normally: sb.<provider>_<what>.
        found = self._provider_attribute(name)
        if found is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        provider, what = found
        emulator = self._emulators[provider]
        if what == "base_url":
            return self.base_url_of(provider)
        if what == "records":
            return functools.partial(self.records, provider)
        if what == "regions":
            return emulator.regions
        if what in emulator.credentials:
            return emulator.credentials[what]
        return getattr(emulator, what)

    def __setattr__(self, name: str, value: Any) -> None:
        found = self._provider_attribute(name) if not name.startswith("_") else None
        if found is not None and found[1] in _knobs(self._emulators[found[0]]):
            setattr(self._emulators[found[0]], found[1], value)
        else:
            super().__setattr__(name, value)

    def _provider_attribute(self, name: str) -> tuple[str, str] | None:
        """``(provider, what)`` for a name ``<provider>_<what>`` the sandbox offers."""
        emulators: Mapping[str, Emulator] | None = self.__dict__.get("_emulators")
        if emulators is None or name.startswith("_"):
            return None
        for provider in sorted(emulators, key=len, reverse=True):  # "a_b_x" before "a_x"
            if name.startswith(provider + "_"):
                what = name[len(provider) + 1 :]
                emulator = emulators[provider]
                generic = what in ("base_url", "records", "regions")
                if generic or what in emulator.credentials or what in _knobs(emulator):
                    return provider, what
        return None

    # -- knobs (latency, faults and counters: see FaultKnobs)

    def insert_while_listing(self, every: int) -> None:
        """From now on, every ``every``-th list request of a provider that pages by number
        (Telnyx) first inserts a new conference at the top of the listed region, so records
        shift under a client (0 turns it off). ``stats.created`` does not count these; the
        provider's own counter does (``telnyx_inserted``).
        """
        if isinstance(every, bool) or not isinstance(every, int) or every < 0:
            raise ValueError(f"every must be an integer >= 0, got {every!r}")
        inserters: list[Callable[[int], None]] = [
            method
            for emulator in self._emulators.values()
            if (method := getattr(emulator, "insert_while_listing", None)) is not None
        ]
        if not inserters:
            raise ValueError(
                "no provider of this sandbox inserts while listing "
                f"(it serves: {', '.join(self._emulators)})"
            )
        for insert in inserters:
            insert(every)


def _knobs(emulator: Emulator) -> frozenset[str]:
    knobs: frozenset[str] = getattr(emulator, "attributes", frozenset())
    return knobs
