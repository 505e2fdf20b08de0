"""The participants benchmark's report: every target of issues 14 and 15, judged right."""

from __future__ import annotations

from typing import Any

from benchmarks import participants

X = "\N{MULTIPLICATION SIGN}"


def _figures(confclient_s: float, sdk_s: float, floor_s: float, rss: float) -> dict[str, Any]:
    clients = {
        "confclient": {"median_s": confclient_s, "participants_per_s": 1.0, "peak_rss_mib": 40.0},
        "sdk": {"median_s": sdk_s, "participants_per_s": 1.0, "peak_rss_mib": 100.0},
        "raw": {"median_s": floor_s, "participants_per_s": 1.0, "peak_rss_mib": 40.0 / rss},
    }
    return {"clients": clients, "speed_vs_sdk": sdk_s / confclient_s, "rss_vs_floor": rss}


def test_render_judges_both_issues_targets() -> None:
    args = participants.parse_args(["--quick"])
    results = {
        "telnyx": _figures(0.05, 0.5, 0.04, 1.16),  # 10x its SDK, 1.25x the floor, RSS 1.16x
        "twilio": _figures(0.08, 0.18, 0.05, 1.10),  # 2.25x its SDK, 1.6x the floor
    }
    text = participants.render(results, args, "python -m benchmarks participants")
    lines = set(text.splitlines())
    assert f"| telnyx, 0 ms: ≥ 5{X} the SDK's speed | 10.0{X} | ✔ met |" in lines
    assert f"| telnyx: peak RSS ≤ 1.2{X} the raw floor's | 1.16{X} | ✔ met |" in lines
    assert f"| telnyx, 0 ms: ≤ 1.5{X} the raw floor's time | 1.25{X} | ✔ met |" in lines
    assert f"| telnyx, 0 ms: ≥ 8{X} the SDK's speed | 10.0{X} | ✔ met |" in lines
    assert f"| telnyx: peak RSS ≤ 1.15{X} the raw floor's | 1.16{X} | ✘ missed |" in lines
    assert f"| twilio, 0 ms: ≥ 2{X} the SDK's speed | 2.2{X} | ✔ met |" in lines
    assert f"| twilio, 0 ms: ≤ 1.5{X} the raw floor's time | 1.60{X} | ✘ missed |" in lines
    assert f"| twilio, 0 ms: ≥ 2.5{X} the SDK's speed | 2.2{X} | ✘ missed |" in lines
    assert f"| twilio: peak RSS ≤ 1.15{X} the raw floor's | 1.10{X} | ✔ met |" in lines
