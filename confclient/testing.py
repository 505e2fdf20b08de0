"""A pytest plugin: the confclient sandbox as a fixture, for your own test suite.

Installed with confclient (entry point ``pytest11``), so the fixtures are simply there::

    import confclient
    import pytest

    @pytest.mark.confclient_sandbox(size=20, seed=3)
    async def test_my_backend_counts_conferences(confclient_sandbox):
        async with confclient_sandbox.connect("telnyx") as svc:
            assert len(await svc.list(region="Europe").collect()) == 20
        assert confclient_sandbox.stats.total_requests == 1

    def test_from_a_sync_test(confclient_sandbox, monkeypatch):
        for name, value in confclient_sandbox.env("twilio").items():
            monkeypatch.setenv(name, value)      # code under test calls connect_from_env()
        ...

The sandbox runs on an event loop of its own in a background thread, so the fixture is a
plain (sync) fixture that works the same from sync tests, pytest-asyncio tests of any loop
scope, anyio tests, or code that calls ``asyncio.run`` itself. Every operation on the
sandbox (statistics, faults, latency, data) is carried out on the sandbox's own loop and
waited for, so it is safe from any thread. :class:`ThreadedSandbox` can also be used
directly, e.g. for one sandbox per session.

This module imports nothing heavy until a fixture is used: a test run that never asks
for the sandbox pays only for the marker registration.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar

import attrs
import pytest

from ._threaded_webhooks import ThreadedWebhooks

if TYPE_CHECKING:
    from .sandbox import Sandbox, SandboxStats
    from .service import ConferenceService

__all__ = [
    "MARKER",
    "SANDBOX_OPTIONS",
    "StatsSnapshot",
    "ThreadedSandbox",
    "confclient_sandbox",
    "confclient_sandbox_factory",
    "pytest_configure",
]

MARKER: Final = "confclient_sandbox"
#: What the marker, the factory and :class:`ThreadedSandbox` take (``Sandbox``'s arguments).
SANDBOX_OPTIONS: Final = (
    "seed",
    "size",
    "latency_ms",
    "fault_rate",
    "faults",
    "retry_after",
    "providers",
)
#: The variable naming the provider ``confclient.connect_from_env()`` uses.
_PROVIDER_ENV: Final = "CONFCLIENT_PROVIDER"
# How long a call waits for the sandbox's loop before giving up (it never should).
_WAIT: Final = 30.0

T = TypeVar("T")


@attrs.frozen
class StatsSnapshot:
    """The sandbox's traffic counters at one moment (a copy: it does not change later).

    ``requests`` counts ``(method, route template)``, e.g. ``("GET", "/v2/conferences")``;
    ``paths`` counts raw paths; ``faults`` counts injected faults by kind;
    ``queries`` holds the last ``(method, path?query)`` pairs, oldest first.
    """

    requests: Counter[tuple[str, str]]
    paths: Counter[str]
    faults: Counter[str]
    queries: tuple[tuple[str, str], ...]
    created: int
    in_flight: int
    max_in_flight: int

    @property
    def total_requests(self) -> int:
        """Every request seen, faulted ones included."""
        return self.requests.total()

    @property
    def total_faults(self) -> int:
        """Every fault injected."""
        return self.faults.total()

    @classmethod
    def of(cls, stats: SandboxStats) -> StatsSnapshot:
        return cls(
            requests=Counter(stats.requests),
            paths=Counter(stats.paths),
            faults=Counter(stats.faults),
            queries=tuple(stats.queries),
            created=stats.created,
            in_flight=stats.in_flight,
            max_in_flight=stats.max_in_flight,
        )


class ThreadedSandbox(ThreadedWebhooks):
    """A :class:`confclient.sandbox.Sandbox` served from its own thread and event loop.

    >>> with ThreadedSandbox(size=10) as sb:                        # doctest: +SKIP
    ...     svc = sb.connect("telnyx")          # use it from any event loop
    ...     sb.queue_faults("503")              # safe from any thread
    ...     sb.stats.total_requests

    Addresses and credentials are plain attributes, fixed once started: :attr:`base_url`,
    :attr:`providers`, and per provider ``sb.<provider>_base_url`` and
    ``sb.<provider>_<credential>`` (``sb.telnyx_api_key``, ``sb.twilio_account_sid``, ...);
    :meth:`options` and :meth:`env` give what a client needs. Everything else is run on the
    sandbox's loop and waited for: :attr:`stats`, :meth:`queue_faults`, :meth:`set_latency`,
    :meth:`records` (``sb.<provider>_records(region)``), ... and :meth:`call` for anything
    not wrapped here.
    """

    def __init__(self, **options: Any) -> None:
        unknown = sorted(set(options) - set(SANDBOX_OPTIONS))
        if unknown:
            raise TypeError(
                f"unknown sandbox option(s) {', '.join(unknown)}; "
                f"the sandbox takes: {', '.join(SANDBOX_OPTIONS)}"
            )
        self._options = dict(options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._sandbox: Sandbox | None = None
        # Fixed once started: per provider, its client options (base_url and credentials
        # included) and the sandbox's <provider>_<name> addresses and credentials.
        self._client_options: dict[str, dict[str, Any]] = {}
        self._addresses: dict[str, str] = {}
        self._serves = ""
        self.base_url = ""
        self.providers: tuple[str, ...] = ()
        self.seed = 0
        self.size = 0
        self.port = 0

    def __repr__(self) -> str:
        where = self.base_url if self.running else "stopped"
        return f"<ThreadedSandbox {where} options={self._options!r}>"

    # -- life cycle

    @property
    def running(self) -> bool:
        return self._sandbox is not None

    def start(self) -> Self:
        """Start the thread, its loop and the server; returns ``self``."""
        if self._thread is not None:
            raise RuntimeError("this sandbox was already started")
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        thread = threading.Thread(
            target=self._serve_forever, args=(loop, ready), name="confclient-sandbox", daemon=True
        )
        self._loop, self._thread = loop, thread
        thread.start()
        ready.wait()
        try:
            asyncio.run_coroutine_threadsafe(self._start(), loop).result(_WAIT)
        except BaseException:
            self._stop_loop()
            raise
        return self

    @staticmethod
    def _serve_forever(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                asyncio.set_event_loop(None)
                loop.close()

    async def _start(self) -> None:
        from .sandbox import Sandbox  # here, not at import: keeps the plugin cheap

        sandbox = Sandbox(**self._options)
        await sandbox.start()
        self._sandbox = sandbox
        self.base_url = sandbox.base_url
        self.providers = sandbox.providers
        for name in sandbox.providers:
            self._client_options[name] = sandbox.client_options(name)
            self._addresses[f"{name}_base_url"] = sandbox.base_url_of(name)
            for key, value in sandbox.emulator(name).credentials.items():
                self._addresses[f"{name}_{key}"] = value
        self._serves = ", ".join(sandbox.providers)
        self.seed = sandbox.seed
        self.size = sandbox.size
        self.port = sandbox.port

    def close(self) -> None:
        """Stop the server (closing its connections), the loop and the thread."""
        if self._loop is None:
            return
        try:
            if self._sandbox is not None:
                asyncio.run_coroutine_threadsafe(self._sandbox.stop(), self._loop).result(_WAIT)
        finally:
            self._sandbox = None
            self._stop_loop()

    def _stop_loop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = None
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(_WAIT)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- running things on the sandbox's loop

    def call(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``function(sandbox, *args, **kwargs)`` run on the sandbox's loop; its result.

        For what this class does not wrap, e.g.
        ``sb.call(lambda s: setattr(s, "twilio_repeat_next_page", True))``.
        """
        sandbox, loop = self._sandbox, self._loop
        if sandbox is None or loop is None:
            raise RuntimeError("the sandbox is not running; use it inside its with block")
        if threading.current_thread() is self._thread:
            return function(sandbox, *args, **kwargs)

        async def on_loop() -> T:
            return function(sandbox, *args, **kwargs)

        return asyncio.run_coroutine_threadsafe(on_loop(), loop).result(_WAIT)

    @property
    def sandbox(self) -> Sandbox:
        """The :class:`~confclient.sandbox.Sandbox` itself. It lives on another thread:
        read or change it through :meth:`call`, not directly."""
        if self._sandbox is None:
            raise RuntimeError("the sandbox is not running")
        return self._sandbox

    @property
    def stats(self) -> StatsSnapshot:
        """A snapshot of the traffic counters (requests by route and path, faults, ...)."""
        return self.call(lambda s: StatsSnapshot.of(s.stats))

    def reset_stats(self) -> None:
        """Forget the requests and faults counted so far."""
        self.call(lambda s: s.stats.reset())

    def queue_faults(self, *kinds: str, path_prefix: str = "", method: str | None = None) -> None:
        """The next matching requests get these faults, one each, in order:
        ``"500"``, ``"503"``, ``"429"``, ``"drop"``, ``"truncate"``."""
        self.call(lambda s: s.queue_faults(*kinds, path_prefix=path_prefix, method=method))

    def clear_faults(self) -> None:
        """Forget every queued fault."""
        self.call(lambda s: s.clear_faults())

    def set_latency(self, ms: float) -> None:
        """Delay every later request by ``ms`` milliseconds."""
        self.call(lambda s: s.set_latency(ms))

    def set_fault_rate(self, rate: float) -> None:
        """The probability (0..1) of a random fault per request from now on."""
        self.call(lambda s: s.set_fault_rate(rate))

    def insert_while_listing(self, every: int) -> None:
        """Every ``every``-th list request of a provider paging by number (Telnyx) first
        inserts a conference (0: off)."""
        self.call(lambda s: s.insert_while_listing(every))

    def records(self, provider: str, region: str | None = None) -> list[dict[str, Any]]:
        """The raw records of ``provider`` in ``region``, in list order (without a region,
        what a request naming none lists). Also ``sb.<provider>_records(region)``."""
        return self.call(lambda s: s.records(provider, region))

    def __getattr__(self, name: str) -> Any:
        # Only for names not found normally: sb.<provider>_<address or credential>, fixed
        # once started, and sb.<provider>_records(region).
        addresses: dict[str, str] = self.__dict__.get("_addresses", {})
        if name in addresses:
            return addresses[name]
        provider, _, what = name.rpartition("_")
        if what == "records" and provider in self.__dict__.get("_client_options", {}):
            return functools.partial(self.records, provider)
        hint = "" if addresses else " (provider attributes exist once the sandbox has started)"
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}{hint}")

    # -- clients

    def options(self, provider: str) -> dict[str, Any]:
        """Keyword options of ``confclient.connect(provider, ...)`` for this sandbox."""
        self._require_running()
        options = self._client_options.get(provider)
        if options is None:
            raise ValueError(
                f"unknown sandbox provider {provider!r}; the sandbox serves: {self._serves}"
            )
        return dict(options)

    def env(self, provider: str) -> dict[str, str]:
        """Environment variables that point ``confclient.connect_from_env()`` (and the
        ``confclient`` command) at this sandbox, for ``monkeypatch.setenv``:
        ``CONFCLIENT_PROVIDER`` and the variables the provider's service reads (its
        ``env_variables``)."""
        self.options(provider)  # checks that it runs and serves the provider
        return {_PROVIDER_ENV: provider, **self.call(lambda s: s.environment(provider))}

    def connect(self, provider: str, /, **options: Any) -> ConferenceService:
        """A confclient service wired to this sandbox (use it from any event loop)."""
        import confclient

        return confclient.connect(provider, **{**self.options(provider), **options})

    def _require_running(self) -> None:
        if self._sandbox is None:
            raise RuntimeError("the sandbox is not running; use it inside its with block")


# -- pytest ---------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(seed=0, size=100, latency_ms=0, fault_rate=0.0, faults=..., retry_after=1.0, "
        "providers=None): options of the confclient_sandbox fixture",
    )


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options: dict[str, Any] = {}
    # Closest last, so a test's marker wins over its class's and module's.
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            raise TypeError(
                f"@pytest.mark.{MARKER} takes keyword options only "
                f"({', '.join(SANDBOX_OPTIONS)}), got {marker.args!r}"
            )
        options.update(marker.kwargs)
    return options


@pytest.fixture
def confclient_sandbox(request: pytest.FixtureRequest) -> Iterator[ThreadedSandbox]:
    """A running sandbox serving every registered provider on loopback, for one test.

    Options come from ``@pytest.mark.confclient_sandbox(seed=, size=, latency_ms=,
    fault_rate=, faults=, retry_after=, providers=)`` on the test, its class or its module. The
    object has the base URLs and credentials, ``connect(provider)``, ``env(provider)``,
    ``stats`` and the fault and latency knobs (see :class:`ThreadedSandbox`).
    """
    with ThreadedSandbox(**_marker_options(request)) as sandbox:
        yield sandbox


@pytest.fixture
def confclient_sandbox_factory() -> Iterator[Callable[..., ThreadedSandbox]]:
    """Start sandboxes with options chosen in the test: ``make(size=5, latency_ms=20)``.
    Each is stopped when the test ends."""
    started: list[ThreadedSandbox] = []

    def make(**options: Any) -> ThreadedSandbox:
        sandbox = ThreadedSandbox(**options)
        sandbox.start()
        started.append(sandbox)
        return sandbox

    yield make
    for sandbox in reversed(started):
        sandbox.close()
