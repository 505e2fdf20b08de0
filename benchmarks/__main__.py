"""``python -m benchmarks``: confclient against the official SDKs and a raw floor, side by side.

    python -m benchmarks                  # the full run: RESULTS.md + results.png here
    python -m benchmarks --quick          # a smoke run of every path, written to a temp dir
    python -m benchmarks --cases telnyx-0ms,twilio-0ms --profile   # cProfile of confclient
    python -m benchmarks --cases telnyx-0ms,twilio-memory --rounds 5 --out /tmp/bench
    python -m benchmarks participants     # one conference's participants (benchmarks.participants)

Cases (``--cases`` takes names or a provider to mean all its cases):

- ``telnyx-0ms``, ``telnyx-20ms``: list one Telnyx region of ``--size`` records at page size
  250 with that much latency per request;
- ``twilio-0ms``, ``twilio-20ms``: list one Twilio mixer region of ``--size`` records at page
  size 1000;
- ``telnyx-memory``, ``twilio-memory``: the same listing of ``--memory-size`` records, for the
  peak RSS against the 10,000-record figure (the consumer keeps nothing);
- ``telnyx-ids``, ``telnyx-memory-ids`` (and Twilio's): ``--size`` and ``--memory-size``
  records with a consumer that keeps every id, for the RSS growth against the floor's;
- ``events``: webhook verify + parse and the aiohttp handler (:mod:`benchmarks.events`), part
  of ``all``; its section is added to RESULTS.md;
- ``participants``: one conference's 10,000 participants per provider
  (:mod:`benchmarks.participants`), part of ``all``; its section is added to RESULTS.md.

Each client runs each case in ``--rounds`` fresh interpreters (``benchmarks._child``),
interleaved with the other clients' so that a busy machine slows them alike; the sandbox runs in
its own process. Each interpreter times ``--runs`` listings after ``--warmup`` untimed ones,
around the listing alone; a case reports the median of all of them, and the median over the
interpreters of each one's peak RSS. Import and ready times are medians over
``--startup-runs`` fresh interpreters. Every listing of every client must return the same ids,
or the run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from ._model import CLIENTS, PROVIDERS, Case, Measurement, Startup, case_names, make_cases
from ._report import environment, load_now, render_results
from ._sandbox_process import credentials, sandbox_process

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path(__file__).resolve().parent
_CHILD_TIMEOUT = 900
# The machine's load average, sampled after every child: RESULTS.md flags a busy machine.
_LOADS: list[float] = []


class BenchmarkError(SystemExit):
    """Ends the run with a message and a non-zero status."""

    def __init__(self, message: str) -> None:
        super().__init__(f"benchmark failed: {message}")


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="confclient vs the official Telnyx and Twilio SDKs vs a raw aiohttp floor.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 1,000 / 5,000 records, 1 process and 1 listing per client",
    )
    parser.add_argument(
        "--rounds", type=int, help="fresh processes per client per case, interleaved (default 3)"
    )
    parser.add_argument("--runs", type=int, help="timed listings per process (default 3)")
    parser.add_argument("--warmup", type=int, help="untimed listings first (default 1)")
    parser.add_argument(
        "--memory-runs", type=int, help="timed listings in the memory cases (default 1)"
    )
    parser.add_argument(
        "--startup-runs", type=int, help="fresh interpreters for import/ready time (default 5)"
    )
    parser.add_argument("--size", type=int, help="records per speed case (default 10,000)")
    parser.add_argument("--memory-size", type=int, help="records per memory case (100,000)")
    parser.add_argument(
        "--cases",
        default="all",
        help=f"comma-separated: {', '.join(case_names())}, events, participants, telnyx, "
        "twilio or all",
    )
    parser.add_argument("--seed", type=int, default=0, help="sandbox seed (default 0)")
    parser.add_argument(
        "--out",
        type=Path,
        help="output directory (default: benchmarks/ for a full run of every case, "
        "else a temp directory)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile confclient's 0 ms listings (cProfile) into OUT/profile.txt",
    )
    parser.add_argument("--no-plot", action="store_true", help="skip results.png")
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = {
        "rounds": 1 if quick else 3,
        "runs": 1 if quick else 3,
        "warmup": 1,
        "memory_runs": 1,
        "startup_runs": 1 if quick else 5,
        "size": 1_000 if quick else 10_000,
        "memory_size": 5_000 if quick else 100_000,
    }
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    for name in ("rounds", "runs", "memory_runs", "startup_runs", "size", "memory_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must be at least 0")
    selected = {item.strip() for item in args.cases.split(",")}
    args.events = bool(selected & {"events", "all"})
    args.participants = bool(selected & {"participants", "all"})
    listing = ",".join(sorted(selected - {"events", "participants"}))
    try:
        args.case_list = make_cases(listing, args.size, args.memory_size) if listing else []
    except ValueError as exc:
        parser.error(str(exc))
    if args.out is None:
        # Only the full default run replaces the published results.
        published = not quick and len(args.case_list) == len(case_names())
        args.out = DEFAULT_OUT if published else Path(tempfile.gettempdir()) / "confclient-bench"
    return args


def _run_child(spec: dict[str, Any]) -> dict[str, Any]:
    env = dict(os.environ, PYTHONHASHSEED="0")
    # An installed package has its bytecode compiled (pip does it); so do we, after the first
    # interpreter, or every import would be timed compiling source.
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "PYTHONASYNCIODEBUG"):
        env.pop(name, None)
    command = [sys.executable, "-m", "benchmarks._child", json.dumps(spec)]
    proc = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=_CHILD_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        raise BenchmarkError(
            f"{spec['client']} ({spec['provider']}) exited with {proc.returncode}:\n{proc.stderr}"
        )
    if proc.stderr.strip():
        print(proc.stderr.rstrip(), file=sys.stderr)
    load = load_now()
    if load is not None:
        _LOADS.append(load)
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _base_spec(case: Case, client: str, root: str, creds: dict[str, str]) -> dict[str, Any]:
    provider = PROVIDERS[case.provider]
    return {
        "client": CLIENTS[client].child_name(case.provider),
        "provider": case.provider,
        "root": root,
        "region": provider.region,
        "page_size": provider.page_size,
        "keep_ids": case.keep_ids,
        **creds,
    }


def _warm_sandbox(root: str, creds: dict[str, str], providers: set[str]) -> None:
    """Make the sandbox generate the listed regions before anything is timed."""
    for name in sorted(providers):
        provider = PROVIDERS[name]
        request = urllib.request.Request(
            root + provider.warm_path, headers={"Authorization": provider.authorization(creds)}
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            if response.status != 200:
                raise BenchmarkError(f"warming the sandbox: {response.status}")


def _measure_startup(
    args: argparse.Namespace, creds: dict[str, str]
) -> dict[tuple[str, str], Startup]:
    startups: dict[tuple[str, str], Startup] = {}
    providers = sorted({case.provider for case in args.case_list})
    for provider in providers:
        for client in PROVIDERS[provider].clients:
            case = Case(provider, 0.0, 1, "speed")
            spec = _base_spec(case, client, "http://127.0.0.1:9", creds)
            spec["startup_only"] = True
            _run_child(spec)  # untimed: fills the bytecode caches
            samples = [_run_child(spec) for _ in range(args.startup_runs)]
            startups[provider, client] = Startup(
                import_s=statistics.median(s["import_s"] for s in samples),
                ready_s=statistics.median(s["ready_s"] for s in samples),
                samples=len(samples),
            )
            print(
                f"  startup {provider:<6} {CLIENTS[client].label(provider):<28}"
                f" import {startups[provider, client].import_s:6.3f} s"
                f"  ready {startups[provider, client].ready_s:6.3f} s",
                flush=True,
            )
    return startups


def _check_ids(case: Case, measurements: list[Measurement]) -> None:
    """Every client, every listing: the expected count and the same id fingerprint."""
    problems = []
    reference = None
    for m in measurements:
        for count, fingerprint in m.listings:
            if count != case.size:
                problems.append(f"{m.client} listed {count} records, expected {case.size}")
            if reference is None:
                reference = (m.client, fingerprint)
            elif fingerprint != reference[1]:
                problems.append(f"{m.client}'s ids differ from {reference[0]}'s")
    if problems:
        raise BenchmarkError(
            f"{case.name}: clients disagree on the listing:\n  "
            + "\n  ".join(dict.fromkeys(problems))
        )


def _run_case(
    args: argparse.Namespace,
    case: Case,
    root: str,
    creds: dict[str, str],
    startups: dict[tuple[str, str], Startup],
) -> list[Measurement]:
    """Every client of the case, each in ``rounds`` fresh processes, interleaved: a load
    spike on the machine then hits every client alike instead of whichever ran at the time.
    """
    memory = case.kind == "memory"
    rounds = 1 if memory else args.rounds
    runs = args.memory_runs if memory else args.runs
    clients = PROVIDERS[case.provider].clients
    children: dict[str, list[dict[str, Any]]] = {client: [] for client in clients}
    for round_number in range(rounds):
        order = clients[round_number % len(clients) :] + clients[: round_number % len(clients)]
        for client in order:
            spec = _base_spec(case, client, root, creds)
            spec.update(warmup=args.warmup, runs=runs)
            children[client].append(_run_child(spec))
    measurements = []
    for client in clients:
        m = Measurement.from_children(
            case, client, children[client], startups[case.provider, client]
        )
        measurements.append(m)
        print(
            f"  {case.name:<17} {CLIENTS[client].label(case.provider):<28}"
            f" {m.median_s:7.3f} s  {m.records_per_s:>9,.0f} rec/s"
            f"  {m.peak_rss_mib:6.1f} MiB",
            flush=True,
        )
    return measurements


def _run_cases(
    args: argparse.Namespace, creds: dict[str, str], startups: dict[tuple[str, str], Startup]
) -> tuple[list[Measurement], dict[str, str]]:
    measurements: list[Measurement] = []
    profiles: dict[str, str] = {}
    # One sandbox per (size, latency): the cases that share it run back to back.
    configs: dict[tuple[int, float], list[Case]] = {}
    for case in args.case_list:
        configs.setdefault((case.size, case.latency_ms), []).append(case)
    for (size, latency_ms), cases in configs.items():
        with sandbox_process(size, latency_ms, args.seed) as root:
            _warm_sandbox(root, creds, {case.provider for case in cases})
            for case in cases:
                case_measurements = _run_case(args, case, root, creds, startups)
                _check_ids(case, case_measurements)
                measurements.extend(case_measurements)
                if args.profile and case.kind == "speed" and case.latency_ms == 0:
                    spec = _base_spec(case, "confclient", root, creds)
                    spec.update(warmup=args.warmup, runs=args.runs, profile=True, profile_top=15)
                    profiles[case.name] = _run_child(spec)["profile"]
    return measurements, profiles


def main(argv: list[str] | None = None) -> None:
    given = sys.argv[1:] if argv is None else argv
    if given[:1] == ["participants"]:
        from .participants import main as participants

        participants(given[1:])
        return
    args = _parse_args(argv)
    command = "python -m benchmarks" + "".join(
        f" {shlex.quote(arg)}" for arg in (sys.argv[1:] if argv is None else argv)
    )
    creds = credentials(args.seed)
    load = load_now()
    if load is not None:
        _LOADS.append(load)
    started = time.perf_counter()
    print(f"{command}: cases {', '.join(case.name for case in args.case_list)}", flush=True)
    if not args.case_list and not args.participants:  # the events case alone
        from . import events

        events.main(["--out", str(args.out), *(["--deliveries", "1000"] if args.quick else [])])
        return
    startups = _measure_startup(args, creds)
    measurements, profiles = _run_cases(args, creds, startups)
    elapsed = time.perf_counter() - started
    env = environment(_LOADS)
    args.out.mkdir(parents=True, exist_ok=True)
    settings = {
        "rounds": args.rounds,
        "runs": args.runs,
        "warmup": args.warmup,
        "memory_runs": args.memory_runs,
        "startup_runs": args.startup_runs,
        "size": args.size,
        "memory_size": args.memory_size,
        "seed": args.seed,
        "quick": args.quick,
    }
    results_md = render_results(measurements, env, command, settings, elapsed)
    if args.events:
        from . import events

        figures = events.run(1_000 if args.quick else 10_000, args.rounds, 5_000, 32)
        results_md += "\n" + events.render(figures, command)
    if args.participants:
        from . import participants

        options = ["--rounds", str(args.rounds), "--runs", str(args.runs)]
        participant_args = participants.parse_args([*options, *(["--quick"] if args.quick else [])])
        figures = participants.run(participant_args)
        results_md += "\n" + participants.render(figures, participant_args, command)
    (args.out / "RESULTS.md").write_text(results_md, encoding="utf-8")
    (args.out / "results.json").write_text(
        json.dumps(
            {
                "command": command,
                "environment": env,
                "settings": settings,
                "measurements": [m.to_json() for m in measurements],
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    written = ["RESULTS.md", "results.json"]
    if not args.no_plot:
        from ._plot import plot

        plot(measurements, args.out / "results.png", env)
        written.append("results.png")
    if profiles:
        text = "".join(f"== {name}: confclient\n{body}\n" for name, body in profiles.items())
        (args.out / "profile.txt").write_text(text, encoding="utf-8")
        written.append("profile.txt")
        print(text)
    peak = f"; load average at most {max(_LOADS):.2f}" if _LOADS else ""
    print(f"done in {elapsed:.0f} s{peak}; wrote {', '.join(written)} to {args.out}")


if __name__ == "__main__":
    main()
