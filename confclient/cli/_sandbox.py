"""``confclient sandbox`` and ``confclient demo``: the sandbox served, or listed in-process.

Both ask the sandbox which providers it serves and how to reach each one (its base URL,
its client options, its environment variables): nothing here names a provider.
"""

from __future__ import annotations

import shlex
import sys
import time
from collections import Counter
from typing import Any

import click

from confclient.service import ConferenceService

from ._errors import EXIT_ERROR, errors_to_exit_codes
from ._options import run_async
from ._writers import make_writer

__all__ = ["demo_command", "sandbox_command"]


def _exports(sandbox: Any, provider: str) -> str:
    """``NAME=value ...`` of the variables that point the command at ``provider`` on the
    sandbox, the base URL's first (it says which server the others belong to)."""
    base_url = sandbox.base_url_of(provider)
    variables = sorted(sandbox.environment(provider).items(), key=lambda item: item[1] != base_url)
    return " ".join(f"{name}={shlex.quote(value)}" for name, value in variables)


def _shell_hints(sandbox: Any) -> list[str]:
    """What the command prints after the banner: how to use the sandbox from a shell."""
    lines = ["", "Use it from a shell:"]
    lines += [f"  export {_exports(sandbox, provider)}" for provider in sandbox.providers]
    if sandbox.providers:
        lines.append(f"  confclient list --provider {sandbox.providers[0]} --region all")
    lines.append("Ctrl-C stops it.")
    return lines


@click.command("sandbox")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; 0.0.0.0 or :: binds every interface (the URLs printed stay on "
    "loopback).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="0: any free port.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Data seed.")
@click.option(
    "--size",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Conferences per region.",
)
@click.option(
    "--latency-ms", type=click.FloatRange(min=0), default=0.0, help="Added to every request."
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    help="Fraction of requests given a fault (500, 503, 429, dropped, truncated).",
)
def sandbox_command(
    host: str, port: int, seed: int, size: int, latency_ms: float, fault_rate: float
) -> None:
    """Serve every provider's API on loopback (test data, test credentials) until Ctrl-C."""
    from confclient.sandbox import Sandbox
    from confclient.sandbox._serve import serve_until_stopped

    sandbox = Sandbox(
        seed=seed, size=size, latency_ms=latency_ms, fault_rate=fault_rate, host=host, port=port
    )

    def echo(line: str) -> None:
        click.echo(line)
        sys.stdout.flush()

    try:
        run_async(serve_until_stopped(sandbox, echo, _shell_hints))
    except OSError as exc:
        click.echo(
            f"confclient: error: cannot serve on {host}:{port}: {exc.strerror or exc}", err=True
        )
        raise click.exceptions.Exit(EXIT_ERROR) from None


async def _demo(seed: int, size: int, latency_ms: float) -> None:
    from confclient.fanout import merge
    from confclient.sandbox import Sandbox

    started = time.perf_counter()
    out = sys.stdout
    async with Sandbox(seed=seed, size=size, latency_ms=latency_ms) as sb:
        click.echo(f"sandbox running at {sb.base_url} (seed {seed}, {size} per region)\n")
        services: list[ConferenceService] = [sb.connect(provider) for provider in sb.providers]
        try:
            # Every region of every provider at once, as one stream.
            pagers = [svc.list(region=region) for svc in services for region in svc.regions]
            items = await merge(*pagers).collect()
        finally:
            for svc in services:
                await svc.aclose()
        rank = {
            (svc.provider, region): index
            for index, (svc, region) in enumerate(
                (svc, region) for svc in services for region in svc.regions
            )
        }
        # Arrival order varies from run to run; the printed order does not.
        order = {id(conf): index for index, conf in enumerate(items)}
        items.sort(key=lambda c: (rank.get((c.provider, c.data_region or ""), 0), order[id(c)]))
        writer = make_writer(
            "table",
            out,
            providers=[svc.provider for svc in services],
            regions=[r for svc in services for r in svc.regions],
        )
        writer.write(items)
        writer.close()
        elapsed = time.perf_counter() - started
        pages = sum(pager.pages_fetched for pager in pagers)
        counts: Counter[tuple[str, str]] = Counter((c.provider, c.status.value) for c in items)
        click.echo("")
        for svc in services:
            mine = sorted((status, n) for (p, status), n in counts.items() if p == svc.provider)
            total = sum(n for _, n in mine)
            statuses = ", ".join(f"{status} {n}" for status, n in mine)
            click.echo(
                f"{svc.provider}: {total} conferences in {len(svc.regions)} regions ({statuses})"
            )
        click.echo(
            f"{len(items)} conferences, {pages} pages, {sb.stats.total_requests} requests, "
            f"{elapsed:.2f} s"
        )
        await _demo_participants(sb, items)


#: Participants the demo shows of one conference per provider.
_DEMO_PARTICIPANTS = 8


async def _demo_participants(sb: Any, conferences: list[Any]) -> None:
    """The first participants of one conference per provider (the first listed that has
    any), for the providers that list participants."""
    from confclient.query import Capability

    from ._participants import make_participant_writer

    for provider in sb.providers:
        async with sb.connect(provider) as svc:
            if Capability.PARTICIPANTS not in svc.capabilities:
                continue
            for conf in (c for c in conferences if c.provider == provider):
                shown = await svc.participants(conf, limit=_DEMO_PARTICIPANTS).collect()
                if shown:
                    break
            else:
                continue
            click.echo(f"\nparticipants of {provider} conference {conf.id} ({conf.name}):")
            writer = make_participant_writer("table", sys.stdout)
            writer.write(shown)
            writer.close()


@click.command("demo")
@click.option("--seed", type=int, default=0, show_default=True, help="Sandbox data seed.")
@click.option(
    "--size",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Conferences per region.",
)
@click.option(
    "--latency-ms", type=click.FloatRange(min=0), default=0.0, help="Sandbox latency per request."
)
@errors_to_exit_codes
def demo_command(seed: int, size: int, latency_ms: float) -> None:
    """Start the sandbox in-process and list every region of every provider at once."""
    run_async(_demo(seed, size, latency_ms))
