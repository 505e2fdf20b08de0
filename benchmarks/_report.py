"""RESULTS.md: the machine, one table per provider and latency, memory, and the issue's targets."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from ._model import CLIENTS, PROVIDERS, Measurement

LIBRARIES = (
    "confclient",
    "telnyx",
    "twilio",
    "aiohttp",
    "orjson",
    "cattrs",
    "attrs",
    "httpx",
    "pydantic",
)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_now() -> float | None:
    """The 1-minute load average, to tell a busy machine from a slow client."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def environment(loads: list[float]) -> dict[str, Any]:
    """What the numbers depend on: CPU, Python, library versions, load."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "versions": versions,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_start": loads[0] if loads else None,
        "load_max": max(loads) if loads else None,
    }


def _load_line(env: dict[str, Any]) -> str:
    if env["load_start"] is None:
        return "* Load average: unknown on this platform."
    return (
        f"* Load average (1 min): {env['load_start']:.2f} at the start, at most "
        f"{env['load_max']:.2f} during the run (the run itself accounts for about 1-1.5: "
        "the sandbox and one client)."
    )


# --- lookups and formatting ---------------------------------------------------------------


class _Index:
    def __init__(self, measurements: Iterable[Measurement]) -> None:
        self._by_key = {(m.case.name, m.client): m for m in measurements}

    def get(self, case: str, client: str) -> Measurement | None:
        return self._by_key.get((case, client))


_TIMES = "\N{MULTIPLICATION SIGN}"
_NONE = "\N{EN DASH}"


def _x(ratio: float) -> str:
    return f"{ratio:.2f}{_TIMES}" if ratio < 10 else f"{ratio:.1f}{_TIMES}"


def _table(header: list[str], rows: list[list[str]], text_columns: int = 1) -> list[str]:
    align = ["---"] * text_columns + ["---:"] * (len(header) - text_columns)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _speed_section(index: _Index, provider: str, latency_ms: float, size: int) -> list[str]:
    case = f"{provider}-{latency_ms:g}ms"
    sdk, raw = index.get(case, "sdk"), index.get(case, "raw")
    rows = []
    for client in PROVIDERS[provider].clients:
        m = index.get(case, client)
        if m is None:
            continue
        rows.append(
            [
                f"**{CLIENTS[client].label(provider)}**"
                if client == "confclient"
                else CLIENTS[client].label(provider),
                f"{m.median_s:.3f}",
                f"{m.records_per_s:,.0f}",
                f"{m.peak_rss_mib:.1f}",
                f"{m.startup.import_s:.3f}",
                f"{m.startup.ready_s:.3f}",
                _x(m.records_per_s / sdk.records_per_s) if sdk else _NONE,
                _x(m.records_per_s / raw.records_per_s) if raw else _NONE,
                _x(m.peak_rss_kib / raw.peak_rss_kib) if raw else _NONE,
            ]
        )
    if not rows:
        return []
    title = PROVIDERS[provider].title
    header = [
        "client",
        "median s",
        "records/s",
        "peak RSS MiB",
        "import s",
        "ready s",
        f"speed vs {provider} SDK",
        "speed vs raw floor",
        "RSS vs raw floor",
    ]
    return [
        f"### {title}: {size:,} records, {latency_ms:g} ms per request",
        "",
        *_table(header, rows),
        "",
    ]


def _memory_section(index: _Index, measurements: list[Measurement]) -> list[str]:
    memory = [m for m in measurements if m.case.kind == "memory"]
    if not memory:
        return []
    rows = []
    for provider in PROVIDERS:
        for client in PROVIDERS[provider].clients:
            pairs = [
                (index.get(f"{provider}-0ms", client), index.get(f"{provider}-memory", client)),
                (index.get(f"{provider}-ids", client), index.get(f"{provider}-memory-ids", client)),
            ]
            if not any(small or big for small, big in pairs):
                continue
            row = [PROVIDERS[provider].title, CLIENTS[client].label(provider)]
            for small, big in pairs:
                row += [
                    f"{small.peak_rss_mib:.1f}" if small else _NONE,
                    f"{big.peak_rss_mib:.1f}" if big else _NONE,
                    _x(big.peak_rss_kib / small.peak_rss_kib) if small and big else _NONE,
                ]
            rows.append(row)
    small_size = next((m.case.size for m in memory if not m.case.large), None)
    big_size = next((m.case.size for m in memory if m.case.large), None)
    small_text = f"{small_size:,}" if small_size else "small"
    big_text = f"{big_size:,}" if big_size else "large"
    header = ["provider", "client"]
    for consumer in ("keeps nothing", "keeps every id"):
        header += [
            f"{consumer}: {small_text} MiB",
            f"{consumer}: {big_text} MiB",
            "ratio",
        ]
    return [
        f"### Memory: peak RSS listing {big_text} vs {small_text} records (0 ms)",
        "",
        *_table(header, rows, text_columns=2),
        "",
    ]


# --- targets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    text: str
    measured: str
    met: bool


def _speed_target(index: _Index, provider: str, latency: float, factor: float) -> Target | None:
    case = f"{provider}-{latency:g}ms"
    ours, sdk = index.get(case, "confclient"), index.get(case, "sdk")
    if ours is None or sdk is None:
        return None
    ratio = ours.records_per_s / sdk.records_per_s
    return Target(
        f"{PROVIDERS[provider].title}, {latency:g} ms: "
        f"≥ {factor:g}{_TIMES} the {provider} SDK's records/s",
        f"{_x(ratio)} ({ours.records_per_s:,.0f} vs {sdk.records_per_s:,.0f})",
        ratio >= factor,
    )


def _floor_target(index: _Index, provider: str) -> Target | None:
    case = f"{provider}-0ms"
    ours, raw = index.get(case, "confclient"), index.get(case, "raw")
    if ours is None or raw is None:
        return None
    slower = ours.median_s / raw.median_s
    return Target(
        f"{PROVIDERS[provider].title}, 0 ms: ≤ {_FLOOR_FACTOR:g}{_TIMES} the raw floor's time "
        f"(goal {_FLOOR_GOAL:g}{_TIMES})",
        f"{_x(slower)} ({ours.median_s:.3f} vs {raw.median_s:.3f} s)",
        slower <= _FLOOR_FACTOR,
    )


def _rss_target(index: _Index, provider: str) -> Target | None:
    case = f"{provider}-0ms"
    ours, raw = index.get(case, "confclient"), index.get(case, "raw")
    if ours is None or raw is None:
        return None
    ratio = ours.peak_rss_kib / raw.peak_rss_kib
    return Target(
        f"{PROVIDERS[provider].title}: peak RSS listing {ours.case.size:,} "
        f"≤ 1.15{_TIMES} the raw floor's",
        f"{ours.peak_rss_mib:.1f} vs {raw.peak_rss_mib:.1f} MiB ({_x(ratio)})",
        ratio <= 1.15,
    )


def _growth_target(index: _Index, provider: str) -> Target | None:
    """Keeping every id, RSS grows from the small to the large listing by no more than the
    floor's own growth (as a ratio of each one's small-listing peak) plus 5 points."""
    growths = []
    for client in ("confclient", "raw"):
        small = index.get(f"{provider}-ids", client)
        big = index.get(f"{provider}-memory-ids", client)
        if small is None or big is None:
            return None
        growths.append((big.peak_rss_kib / small.peak_rss_kib, small.case.size, big.case.size))
    (ours, small_size, big_size), (raw, _, _) = growths
    return Target(
        f"{PROVIDERS[provider].title}: keeping every id, peak RSS growth "
        f"{small_size:,} → {big_size:,} ≤ the raw floor's + 5%",
        f"{_x(ours)} vs floor {_x(raw)}",
        ours <= raw + 0.05,
    )


def _streaming_target(index: _Index, provider: str) -> Target | None:
    big = index.get(f"{provider}-memory", "confclient")
    small = index.get(f"{provider}-0ms", "confclient")
    if big is None or small is None:
        return None
    ratio = big.peak_rss_kib / small.peak_rss_kib
    return Target(
        f"{PROVIDERS[provider].title}: keeping nothing, peak RSS listing {big.case.size:,} "
        f"≤ 1.1{_TIMES} listing {small.case.size:,} (flat)",
        f"{big.peak_rss_mib:.1f} vs {small.peak_rss_mib:.1f} MiB ({_x(ratio)})",
        ratio <= 1.1,
    )


def _startup_target(index: _Index, provider: str) -> Target | None:
    cases = [f"{provider}-{name}" for name in ("0ms", "20ms", "memory")]
    ours = next((m for c in cases if (m := index.get(c, "confclient"))), None)
    raw = next((m for c in cases if (m := index.get(c, "raw"))), None)
    if ours is None or raw is None:
        return None
    delta = ours.startup.ready_s - raw.startup.ready_s
    return Target(
        f"{PROVIDERS[provider].title}: import + ready within 0.15 s of the raw floor's",
        f"{delta:+.3f} s ({ours.startup.ready_s:.3f} vs {raw.startup.ready_s:.3f} s)",
        delta <= 0.15,
    )


# Issue 14: confclient's listing time at 0 ms against the raw floor's.
_FLOOR_FACTOR = 1.5
_FLOOR_GOAL = 1.3


def targets(measurements: list[Measurement]) -> list[Target]:
    """Issue 14's targets that these measurements can decide."""
    index = _Index(measurements)
    found: list[Target | None] = [
        _floor_target(index, "telnyx"),
        _floor_target(index, "twilio"),
        _speed_target(index, "twilio", 0, 2.5),
        _speed_target(index, "telnyx", 0, 8),
        _speed_target(index, "telnyx", 20, 10),
    ]
    checks: list[Callable[[_Index, str], Target | None]] = [
        _rss_target,
        _growth_target,
        _streaming_target,
        _startup_target,
    ]
    for check in checks:
        found += [check(index, provider) for provider in PROVIDERS]
    return [target for target in found if target is not None]


def _targets_section(measurements: list[Measurement]) -> list[str]:
    found = targets(measurements)
    if not found:
        return []
    rows = [[t.text, t.measured, "✔ met" if t.met else "✘ missed"] for t in found]
    header = ["target (issue 14)", "measured", "verdict"]
    return ["### Targets", "", *_table(header, rows, text_columns=3), ""]


# --- the page -----------------------------------------------------------------------------


def render_results(
    measurements: list[Measurement],
    env: dict[str, Any],
    command: str,
    settings: dict[str, Any],
    elapsed_s: float,
) -> str:
    """The whole of RESULTS.md."""
    index = _Index(measurements)
    versions = ", ".join(f"{name} {version}" for name, version in env["versions"].items())
    cpus = f"{env['cpu_count']} CPUs"
    if env.get("cpus_usable") not in (None, env["cpu_count"]):
        cpus += f" ({env['cpus_usable']} usable)"
    lines = [
        "# confclient vs the official SDKs",
        "",
        "Listing conferences from `confclient.sandbox` (in its own process, on loopback) with",
        "confclient, the official SDK and a raw floor (aiohttp + orjson into plain dicts, pages",
        "one after another, no model). Each client runs each case in a fresh interpreter.",
        "",
        f"Produced by `{command}` on {env['date']} in {elapsed_s:.0f} s.",
        "",
        f"* Machine: {cpus}, {env['cpu_model']}; {env['platform']}",
        f"* Python: {env['python']}",
        f"* Libraries: {versions}",
        f"* Settings: each client runs each case in {settings['rounds']} fresh processes "
        f"(interleaved with the other clients'), each timing {settings['runs']} listings "
        f"after {settings['warmup']} untimed; times are the median of those "
        f"{settings['rounds'] * settings['runs']}, peak RSS the median of the processes' peaks "
        f"(memory cases: 1 process, {settings['memory_runs']} timed listing(s)); import and "
        f"ready times are medians of {settings['startup_runs']} fresh interpreters; sandbox "
        f"seed {settings['seed']}.",
        _load_line(env),
        "",
    ]
    if env["load_max"] is not None and env["load_max"] > env["cpu_count"]:
        lines += [
            "**The machine was busy with other work during this run (load average above the "
            "CPU count): expect slower, noisier figures, and rerun on a quiet machine.**",
            "",
        ]
    if settings.get("quick"):
        lines += ["**Quick smoke run: too small to quote.**", ""]
    lines += _targets_section(measurements)
    for provider in PROVIDERS:
        for m in measurements:
            if m.case.provider == provider and m.case.kind == "speed" and m.client == "confclient":
                lines += _speed_section(index, provider, m.case.latency_ms, m.case.size)
    lines += _memory_section(index, measurements)
    lines += [
        "### How it is measured",
        "",
        '* Telnyx: `confclient.connect("telnyx", ...).list(region="US", page_size=250)` '
        "(pages fetched concurrently once the first tells the total) vs "
        '`AsyncTelnyx(...).conferences.list(region="US", page_size=250)` auto-pagination vs '
        "raw `GET /v2/conferences?page[number]=N` in turn.",
        '* Twilio Insights: `confclient.connect("twilio", ...).list(region="us1", '
        "page_size=1000)` (next page prefetched) vs `Client(..., http_client="
        'AsyncTwilioHttpClient()).insights.v1.conferences.stream_async(mixer_region="us1", '
        "page_size=1000)` vs raw `GET /v1/Conferences` following `meta.next_page_url`.",
        "* The sandbox holds the stated number of records in each region; one region is "
        "listed (Telnyx `US`, Twilio mixer region `us1`), at the API's largest page size.",
        "* Memory cases: one process per client, one listing timed after the untimed ones; "
        "their times are a single sample, for information. The consumer either keeps "
        "nothing (counts records, hashes ids) or keeps every id in a list until the listing "
        "ends; RSS growth is the large listing's peak over the small one's.",
        "* median s: the listing alone, from the first request to the last record, timed in "
        "the child; records/s = records / median s.",
        "* peak RSS: the child's own high-water mark (`VmHWM`, imports included; not "
        "`ru_maxrss`, which a child inherits from its parent); every client "
        "consumes a record the same way (count it, hash its id).",
        "* import s: importing the library in a fresh interpreter; ready s: that plus "
        "constructing a client ready for its first request.",
        "* Every client's every listing returned the same ids (count and an id fingerprint), "
        "or the run fails.",
        "",
        "![records/s and peak RSS](results.png)",
        "",
    ]
    return "\n".join(lines)
