"""``python -m benchmarks participants``: the participants of one conference, per provider.

    python -m benchmarks participants                 # 10,000 participants, 0 ms, 3 rounds
    python -m benchmarks participants --quick         # 1,000 participants, 1 round
    python -m benchmarks participants --latency-ms 20 --rounds 5

The sandbox runs in its own process with one conference of ``--count`` participants per
provider (Telnyx ``US``, Twilio ``us1``). For each provider, confclient, the official SDK's
participant listing and the raw floor (aiohttp + orjson, pages one after another) each list
them in ``--rounds`` fresh interpreters, interleaved; each interpreter times ``--runs``
listings after one untimed one. A client's figure is the median of its listings, and the
median over its interpreters of the peak RSS. Every listing of every client must see the
same participants, or the run fails. The figures are printed (and written as JSON with
``--json``), as ratios: confclient against the SDK (speed) and against the floor (peak RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ._model import PROVIDERS
from ._sandbox_process import _free_port, _wait_for_port, credentials

REPO_ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ("confclient", "sdk", "raw")
_TIMEOUT = 900


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks participants")
    parser.add_argument("--quick", action="store_true", help="1,000 participants, 1 round")
    parser.add_argument("--count", type=int, help="participants of the conference (10,000)")
    parser.add_argument("--rounds", type=int, help="fresh processes per client (default 3)")
    parser.add_argument("--runs", type=int, default=3, help="timed listings per process")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="sandbox latency")
    parser.add_argument("--providers", default="telnyx,twilio", help="comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.count is None:
        args.count = 1_000 if args.quick else 10_000
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    args.provider_list = [p for p in args.providers.split(",") if p]
    unknown = set(args.provider_list) - set(PROVIDERS)
    if unknown:
        parser.error(f"unknown provider(s): {', '.join(sorted(unknown))}")
    return args


def _run_child(spec: dict[str, Any]) -> dict[str, Any]:
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks._participants_child", json.dumps(spec)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark failed: {spec['client']} exited with:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _serve(args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], str, dict[str, str]]:
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "benchmarks._participants_server",
        "--port",
        str(port),
        "--count",
        str(args.count),
        "--latency-ms",
        str(args.latency_ms),
        "--seed",
        str(args.seed),
    ]
    proc = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE)
    _wait_for_port(proc, port)
    assert proc.stdout is not None
    conferences: dict[str, str] = json.loads(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}", conferences


def _measure(
    args: argparse.Namespace, provider: str, root: str, conference: str
) -> dict[str, dict[str, Any]]:
    creds = credentials(args.seed)
    spec_base = {
        "provider": provider,
        "root": root,
        "region": PROVIDERS[provider].region,
        "page_size": PROVIDERS[provider].page_size,
        "conference": conference,
        # For the raw floor (benchmarks._child's): the participant list instead of conferences.
        "telnyx_path": f"/v2/conferences/{conference}/participants",
        "twilio_path": f"/v1/Conferences/{conference}/Participants",
        "twilio_key": ["participants", "participant_sid"],
        "warmup": 1,
        "runs": args.runs,
        **creds,
    }
    children: dict[str, list[dict[str, Any]]] = {client: [] for client in CLIENTS}
    for round_number in range(args.rounds):
        shift = round_number % len(CLIENTS)
        for client in CLIENTS[shift:] + CLIENTS[:shift]:
            child = f"{provider}-sdk" if client == "sdk" else client
            children[client].append(_run_child({**spec_base, "client": child}))
    figures: dict[str, dict[str, Any]] = {}
    fingerprints = set()
    for client, results in children.items():
        times = [t for r in results for t in r["times"]]
        for result in results:
            for count, fingerprint in result["listings"]:
                if count != args.count:
                    raise SystemExit(
                        f"benchmark failed: {client} listed {count} participants of "
                        f"{provider}, expected {args.count}"
                    )
                fingerprints.add(fingerprint)
        median = statistics.median(times)
        figures[client] = {
            "median_s": median,
            "participants_per_s": args.count / median,
            "peak_rss_mib": statistics.median(r["peak_rss_kib"] for r in results) / 1024,
            "listings": len(times),
        }
    if len(fingerprints) != 1:
        raise SystemExit(f"benchmark failed: the clients saw different {provider} participants")
    return figures


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every provider's figures, each client in fresh processes, the sandbox in its own."""
    proc, root, conferences = _serve(args)
    results: dict[str, Any] = {}
    try:
        for provider in args.provider_list:
            figures = _measure(args, provider, root, conferences[provider])
            ours, sdk, raw = (figures[c] for c in CLIENTS)
            results[provider] = {
                "clients": figures,
                "speed_vs_sdk": sdk["median_s"] / ours["median_s"],
                "speed_vs_floor": raw["median_s"] / ours["median_s"],
                "rss_vs_floor": ours["peak_rss_mib"] / raw["peak_rss_mib"],
            }
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return results


_TIMES = "\N{MULTIPLICATION SIGN}"
#: Issue 15's targets: confclient's speed against each SDK, and peak RSS against the floor.
SDK_TARGETS = {"telnyx": 5.0, "twilio": 2.0}
RSS_TARGET = 1.2
#: Issue 14's, "the same ratios for participants": at 0 ms, at most 1.5x the floor's time,
#: Telnyx 8x and Twilio 2.5x its SDK's speed, peak RSS at most 1.15x the floor's.
FLOOR_TIME_TARGET_14 = 1.5
SDK_TARGETS_14 = {"telnyx": 8.0, "twilio": 2.5}
RSS_TARGET_14 = 1.15


def _verdict(met: bool) -> str:
    return "✔ met" if met else "✘ missed"


def render(results: dict[str, Any], args: argparse.Namespace, command: str) -> str:
    """The RESULTS.md section: one table, the targets and how it was measured."""
    lines = [
        "## Participants: one conference's participants",
        "",
        f"`{command}`: {args.count:,} participants of one conference per provider, "
        f"{args.latency_ms:g} ms per request, each client in {args.rounds} fresh processes "
        f"timing {args.runs} listings; the sandbox in its own process (Telnyx pages of 250, "
        "Twilio of 1,000). confclient `svc.participants(conf_id)` vs the telnyx SDK's "
        "`conferences.list_participants` auto-pagination and the twilio SDK's "
        "`insights.v1.conferences(sid).conference_participants.stream_async` vs a raw "
        "aiohttp + orjson loop; every client must list the same participants.",
        "",
        "| provider | client | median s | participants/s | peak RSS MiB |",
        "|---|---|---:|---:|---:|",
    ]
    labels = {"confclient": "**confclient**", "sdk": "official SDK", "raw": "raw floor"}
    for provider, result in results.items():
        for client, figure in result["clients"].items():
            lines.append(
                f"| {provider} | {labels[client]} | {figure['median_s']:.3f} |"
                f" {figure['participants_per_s']:,.0f} | {figure['peak_rss_mib']:.1f} |"
            )
    lines += ["", "| target (issue 15) | measured | verdict |", "|---|---|---|"]
    for provider, result in results.items():
        speed, rss = result["speed_vs_sdk"], result["rss_vs_floor"]
        want = SDK_TARGETS.get(provider)
        if want is not None:
            lines.append(
                f"| {provider}, 0 ms: ≥ {want:g}{_TIMES} the SDK's speed"
                f" | {speed:.1f}{_TIMES} | {_verdict(speed >= want)} |"
            )
        lines.append(
            f"| {provider}: peak RSS ≤ {RSS_TARGET:g}{_TIMES} the raw floor's"
            f" | {rss:.2f}{_TIMES} | {_verdict(rss <= RSS_TARGET)} |"
        )
    lines += ["", "| target (issue 14, the same ratios) | measured | verdict |", "|---|---|---|"]
    for provider, result in results.items():
        clients = result["clients"]
        time_ratio = clients["confclient"]["median_s"] / clients["raw"]["median_s"]
        lines.append(
            f"| {provider}, {args.latency_ms:g} ms: ≤ {FLOOR_TIME_TARGET_14:g}{_TIMES} the raw "
            f"floor's time | {time_ratio:.2f}{_TIMES} "
            f"| {_verdict(time_ratio <= FLOOR_TIME_TARGET_14)} |"
        )
        want = SDK_TARGETS_14.get(provider)
        if want is not None:
            speed = result["speed_vs_sdk"]
            lines.append(
                f"| {provider}, {args.latency_ms:g} ms: ≥ {want:g}{_TIMES} the SDK's speed"
                f" | {speed:.1f}{_TIMES} | {_verdict(speed >= want)} |"
            )
        rss = result["rss_vs_floor"]
        lines.append(
            f"| {provider}: peak RSS ≤ {RSS_TARGET_14:g}{_TIMES} the raw floor's"
            f" | {rss:.2f}{_TIMES} | {_verdict(rss <= RSS_TARGET_14)} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.perf_counter()
    results = run(args)
    command = "python -m benchmarks participants" + "".join(
        f" {arg}" for arg in (sys.argv[2:] if argv is None else argv)
    )
    print(
        f"{command}: {args.count:,} participants of one conference, "
        f"{args.latency_ms:g} ms, {args.rounds} round(s) x {args.runs} listing(s)"
    )
    print(f"{'provider':<8} {'client':<11} {'median s':>9} {'participants/s':>15} {'peak MiB':>9}")
    for provider, result in results.items():
        for client, figure in result["clients"].items():
            print(
                f"{provider:<8} {client:<11} {figure['median_s']:9.3f}"
                f" {figure['participants_per_s']:15,.0f} {figure['peak_rss_mib']:9.1f}"
            )
        print(
            f"{provider:<8} confclient: {result['speed_vs_sdk']:.1f}x the SDK, "
            f"{result['speed_vs_floor']:.2f}x the floor's speed, "
            f"{result['rss_vs_floor']:.2f}x the floor's peak RSS"
        )
    print(f"done in {time.perf_counter() - started:.0f} s")
    if args.json is not None:
        args.json.write_text(
            json.dumps({"command": command, "count": args.count, "results": results}, indent=1)
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
