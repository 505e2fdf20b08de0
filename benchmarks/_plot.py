"""results.png: records/s per case and peak RSS per client, for README."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from ._model import PROVIDERS, Measurement

_SERIES = (
    ("confclient", "confclient", "#1565c0", ""),
    ("sdk", "official SDK", "#ef6c00", ""),
    ("raw", "raw floor (aiohttp + orjson, no model)", "#bdbdbd", "//"),
)


def _human(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1_000:
        return f"{value / 1000:.1f}k"
    return f"{value:.0f}"


def _grouped(
    ax: Axes,
    groups: list[str],
    value: Callable[[str, str], float | None],
    label: Callable[[float], str],
) -> None:
    width = 0.26
    for offset, (client, name, color, hatch) in enumerate(_SERIES):
        xs, heights = [], []
        for i, group in enumerate(groups):
            v = value(group, client)
            if v is not None:
                xs.append(i + (offset - 1) * width)
                heights.append(v)
        bars = ax.bar(xs, heights, width, label=name, color=color, hatch=hatch, edgecolor="#424242")
        ax.bar_label(bars, labels=[label(h) for h in heights], padding=2, fontsize=8.5)
    ax.set_xticks(range(len(groups)), groups)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.15)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)


def _by_latency(measurements: list[Measurement]) -> dict[float, list[Measurement]]:
    panels: dict[float, list[Measurement]] = {}
    for m in measurements:
        if m.case.kind == "speed":
            panels.setdefault(m.case.latency_ms, []).append(m)
    return dict(sorted(panels.items()))


def plot(measurements: list[Measurement], path: Path, env: dict[str, Any]) -> None:
    """Write the figure: records/s per latency (both providers), peak RSS, ready time."""
    by_key = {(m.case.name, m.client): m for m in measurements}
    panels = _by_latency(measurements)
    rows = 2 if len(panels) <= 2 else 3
    fig, axes = plt.subplots(rows, 2, figsize=(13, 4.4 * rows))
    flat = list(axes.flat)
    speed_axes, (rss_ax, ready_ax) = flat[: len(flat) - 2], flat[-2:]
    for ax in speed_axes[len(panels) :]:
        ax.set_visible(False)

    for ax, (latency, group) in zip(speed_axes, panels.items(), strict=False):
        cases = list(dict.fromkeys(m.case.name for m in group))

        def rate(case: str, client: str) -> float | None:
            m = by_key.get((case, client))
            return None if m is None else m.records_per_s

        _grouped(ax, cases, rate, _human)
        labels = []
        for case in cases:
            m = next(m for m in group if m.case.name == case)
            provider = PROVIDERS[m.case.provider]
            labels.append(
                f"{provider.title}\n{m.case.size:,} records, page size {provider.page_size}"
            )
        ax.set_xticks(range(len(cases)), labels)
        ax.set_title(f"Listing speed, {latency:g} ms per request", fontsize=11)
        ax.set_ylabel("records per second (higher is better)")
        ax.yaxis.set_major_formatter(lambda v, _pos: _human(v))

    def rss(case: str, client: str) -> float | None:
        m = by_key.get((case, client))
        return None if m is None else m.peak_rss_mib

    memory_cases = [
        name
        for provider in PROVIDERS
        for name in (f"{provider}-0ms", f"{provider}-memory")
        if any(key[0] == name for key in by_key)
    ]
    if memory_cases:
        _grouped(rss_ax, memory_cases, rss, lambda v: f"{v:.0f}")
        labels = []
        for case in memory_cases:
            m = next(m for m in measurements if m.case.name == case)
            labels.append(f"{PROVIDERS[m.case.provider].title}\n{m.case.size:,} records")
        rss_ax.set_xticks(range(len(memory_cases)), labels)
        rss_ax.set_title("Peak RSS of the client process (0 ms)", fontsize=11)
        rss_ax.set_ylabel("MiB (lower is better)")
    else:
        rss_ax.set_visible(False)

    providers = [p for p in PROVIDERS if any(m.case.provider == p for m in measurements)]

    def ready(provider: str, client: str) -> float | None:
        m = next(
            (m for m in measurements if (m.case.provider, m.client) == (provider, client)), None
        )
        return None if m is None else m.startup.ready_s

    if providers:
        _grouped(ready_ax, providers, ready, lambda v: f"{v:.2f}")
        ready_ax.set_xticks(range(len(providers)), [PROVIDERS[p].title for p in providers])
        ready_ax.set_title("Import + client ready, fresh interpreter", fontsize=11)
        ready_ax.set_ylabel("seconds (lower is better)")
    else:
        ready_ax.set_visible(False)

    visible = next(ax for ax in flat if ax.get_visible())
    handles, labels = visible.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=3, frameon=False, fontsize=10.5)
    versions = env["versions"]
    fig.text(
        0.5,
        0.008,
        f"confclient {versions['confclient']} (orjson {versions['orjson']}) \N{MIDDLE DOT} "
        f"telnyx {versions['telnyx']} \N{MIDDLE DOT} twilio {versions['twilio']} "
        f"\N{MIDDLE DOT} {env['python']} \N{MIDDLE DOT} {env['cpu_count']} CPUs \N{MIDDLE DOT} "
        "sandbox in its own process on loopback \N{MIDDLE DOT} each client in a fresh process",
        ha="center",
        fontsize=8.5,
        color="#616161",
    )
    fig.tight_layout(rect=(0, 0.025, 1, 0.955))
    fig.savefig(path, dpi=110)
    plt.close(fig)
