"""The cases, the clients and the numbers the harness keeps (parent side, standard library)."""

from __future__ import annotations

import base64
import statistics
from dataclasses import dataclass
from typing import Any

LATENCIES_MS = (0.0, 20.0)


@dataclass(frozen=True)
class Provider:
    name: str
    title: str
    region: str
    page_size: int
    clients: tuple[str, ...]
    warm_path: str

    def authorization(self, creds: dict[str, str]) -> str:
        if self.name == "telnyx":
            return f"Bearer {creds['telnyx_api_key']}"
        user = f"{creds['twilio_account_sid']}:{creds['twilio_auth_token']}"
        return f"Basic {base64.b64encode(user.encode()).decode()}"


# The largest page size each API allows; one data region each.
PROVIDERS = {
    "telnyx": Provider(
        name="telnyx",
        title="Telnyx",
        region="US",
        page_size=250,
        clients=("confclient", "sdk", "raw"),
        warm_path="/v2/conferences?region=US&page%5Bsize%5D=1",
    ),
    "twilio": Provider(
        name="twilio",
        title="Twilio Insights",
        region="us1",
        page_size=1000,
        clients=("confclient", "sdk", "raw"),
        warm_path="/v1/Conferences?MixerRegion=us1&PageSize=1",
    ),
}


@dataclass(frozen=True)
class Client:
    key: str

    def child_name(self, provider: str) -> str:
        return f"{provider}-sdk" if self.key == "sdk" else self.key

    def label(self, provider: str) -> str:
        if self.key == "sdk":
            return f"{provider} SDK"
        if self.key == "raw":
            return "raw floor (aiohttp+orjson)"
        return "confclient"


CLIENTS = {key: Client(key) for key in ("confclient", "sdk", "raw")}


@dataclass(frozen=True)
class Case:
    provider: str
    latency_ms: float
    size: int
    kind: str  # "speed" or "memory"
    # The consumer: False counts records and hashes ids (keeps nothing); True also keeps every
    # id in a list until the listing ends, as an application collecting results would.
    keep_ids: bool = False
    # Memory cases only: the long listing (--memory-size) rather than the speed cases' size.
    large: bool = False

    @property
    def name(self) -> str:
        if self.kind == "memory":
            return f"{self.provider}-{_MEMORY_SUFFIXES[self.large, self.keep_ids]}"
        return f"{self.provider}-{self.latency_ms:g}ms"


# The memory cases: (large listing, keep every id) -> name suffix. The small keep-nothing
# listing is the 0 ms speed case itself.
_MEMORY_SUFFIXES = {(True, False): "memory", (False, True): "ids", (True, True): "memory-ids"}


def case_names() -> list[str]:
    names = []
    for provider in PROVIDERS:
        names += [f"{provider}-{latency:g}ms" for latency in LATENCIES_MS]
        names += [f"{provider}-{suffix}" for suffix in _MEMORY_SUFFIXES.values()]
    return names


def make_cases(selection: str, size: int, memory_size: int) -> list[Case]:
    """The cases named by ``selection`` (names, provider names or ``all``), in a fixed order."""
    wanted = {item.strip() for item in selection.split(",") if item.strip()}
    known = set(case_names()) | set(PROVIDERS) | {"all"}
    unknown = wanted - known
    if unknown or not wanted:
        raise ValueError(
            f"unknown case(s) {', '.join(sorted(unknown)) or '(none)'}; "
            f"choose from {', '.join(case_names())}, {', '.join(PROVIDERS)}, all"
        )
    if memory_size <= size:
        raise ValueError("the memory size must be larger than the speed cases' size")
    cases = []
    for provider in PROVIDERS:
        candidates = [Case(provider, latency, size, "speed") for latency in LATENCIES_MS]
        candidates += [
            Case(provider, 0.0, memory_size, "memory", large=True),
            Case(provider, 0.0, size, "memory", keep_ids=True),
            Case(provider, 0.0, memory_size, "memory", keep_ids=True, large=True),
        ]
        for case in candidates:
            if wanted & {"all", provider, case.name}:
                cases.append(case)
    return cases


@dataclass(frozen=True)
class Startup:
    import_s: float
    ready_s: float
    samples: int


@dataclass(frozen=True)
class Measurement:
    case: Case
    client: str
    times: tuple[float, ...]
    listings: tuple[tuple[int, int], ...]
    peak_rss_kibs: tuple[int, ...]
    startup: Startup

    @classmethod
    def from_children(
        cls, case: Case, client: str, children: list[dict[str, Any]], startup: Startup
    ) -> Measurement:
        """One client's numbers for a case, from each of its processes' JSON."""
        return cls(
            case=case,
            client=client,
            times=tuple(t for child in children for t in child["times"]),
            listings=tuple(
                (int(count), int(fingerprint))
                for child in children
                for count, fingerprint in child["listings"]
            ),
            peak_rss_kibs=tuple(int(child["peak_rss_kib"]) for child in children),
            startup=startup,
        )

    @property
    def peak_rss_kib(self) -> float:
        """The median over the client's processes of each one's peak."""
        return statistics.median(self.peak_rss_kibs)

    @property
    def median_s(self) -> float:
        return statistics.median(self.times)

    @property
    def records_per_s(self) -> float:
        return self.case.size / self.median_s

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_kib / 1024

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case.name,
            "provider": self.case.provider,
            "latency_ms": self.case.latency_ms,
            "size": self.case.size,
            "client": self.client,
            "times_s": list(self.times),
            "median_s": self.median_s,
            "records_per_s": self.records_per_s,
            "peak_rss_mib": self.peak_rss_mib,
            "peak_rss_mib_per_process": [kib / 1024 for kib in self.peak_rss_kibs],
            "import_s": self.startup.import_s,
            "ready_s": self.startup.ready_s,
        }
