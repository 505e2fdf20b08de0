"""``confclient sandbox`` and ``confclient demo``: the sandbox served, or listed in-process.

Both ask the sandbox which providers it serves and how to reach each one (its base URL,
its client options, its environment variables): nothing here names a provider.
"""

from __future__ import annotations

import asyncio
import shlex
import sys
import time
from collections import Counter
from typing import Any

import click

from confclient.errors import ConfClientError
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
    try:  # and what verifies its webhooks (confclient listen), when they can be verified here
        webhooks = sandbox.webhook_environment(provider)
    except (ValueError, ConfClientError):
        webhooks = {}
    variables += [(name, value) for name, value in webhooks.items() if name not in dict(variables)]
    return " ".join(f"{name}={shlex.quote(value)}" for name, value in variables)


def _shell_hints(sandbox: Any) -> list[str]:
    """What the command prints after the banner: how to use the sandbox from a shell."""
    lines = ["", "Use it from a shell:"]
    lines += [f"  export {_exports(sandbox, provider)}" for provider in sandbox.providers]
    if sandbox.providers:
        lines.append(f"  confclient list --provider {sandbox.providers[0]} --region all")
    lines.append("Ctrl-C stops it.")
    return lines


def _webhook_target(item: str, providers: tuple[str, ...]) -> tuple[str | None, str]:
    """``PROVIDER=URL`` or ``URL`` (every provider) of ``--webhook-url``."""
    head, equals, rest = item.partition("=")
    if equals and head in providers:
        return head, rest
    if equals and "://" not in head:
        raise ValueError(f"unknown provider {head!r}; the sandbox serves: {', '.join(providers)}")
    return None, item


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
@click.option(
    "--webhook-url",
    "webhook_urls",
    multiple=True,
    metavar="[PROVIDER=]URL",
    help="Post simulated conferences' signed webhooks there (every provider's, or PROVIDER's "
    "only); repeatable.",
)
@click.option(
    "--webhook-interval",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds between simulated conferences (0: one each, at start).",
)
@click.option(
    "--participants",
    type=click.IntRange(min=2),
    default=3,
    show_default=True,
    help="Participants of each simulated conference.",
)
@click.option(
    "--duplicates",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Probability that a webhook is delivered twice.",
)
def sandbox_command(
    host: str,
    port: int,
    seed: int,
    size: int,
    latency_ms: float,
    fault_rate: float,
    webhook_urls: tuple[str, ...],
    webhook_interval: float,
    participants: int,
    duplicates: float,
) -> None:
    """Serve every provider's API on loopback (test data, test credentials) until Ctrl-C.

    With --webhook-url, it also plays simulated conferences as signed webhooks to that URL
    (see confclient listen).
    """
    from confclient.sandbox import Sandbox
    from confclient.sandbox._serve import serve_until_stopped

    sandbox = Sandbox(
        seed=seed, size=size, latency_ms=latency_ms, fault_rate=fault_rate, host=host, port=port
    )
    try:
        for item in webhook_urls:
            provider, url = _webhook_target(item, sandbox.providers)
            for name in [provider] if provider else sandbox.providers:
                sandbox.add_webhook(name, url)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--webhook-url'") from None

    def echo(line: str) -> None:
        click.echo(line)
        sys.stdout.flush()

    async def play(sb: Any) -> None:
        while True:
            for provider in sb.providers:
                if not sb.webhooks(provider):
                    continue
                try:
                    conference = await sb.simulate_conference(
                        provider, participants=participants, duplicates=duplicates
                    )
                except (ValueError, ConfClientError) as exc:
                    echo(f"webhooks: {provider}: {exc}")
                    continue
                answers = ", ".join(
                    f"{'no answer' if status == 0 else status} x{n}"
                    for status, n in sorted(sb.webhook_statuses.items())
                )
                echo(f"webhooks: played {provider} conference {conference} (so far: {answers})")
            if webhook_interval == 0:
                return
            await asyncio.sleep(webhook_interval)

    try:
        run_async(
            serve_until_stopped(
                sandbox, echo, _shell_hints, background=play if webhook_urls else None
            )
        )
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
        await _demo_webhooks(sb)


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


async def _demo_webhooks(sb: Any) -> None:
    """One simulated conference per provider, posted as signed webhooks to a receiver in
    this process that verifies each, and its events as they arrive."""
    from confclient.events import ConferenceEvent

    from ._events_out import EventWriter
    from ._listen import listen

    click.echo("\nwebhooks: one simulated conference per provider, each delivery verified")
    writer = EventWriter("table", sys.stdout)
    for provider in sb.providers:
        try:
            verifier = sb.webhook_verifier(provider)
        except (ValueError, ConfClientError) as exc:
            click.echo(f"{provider}: webhooks not shown ({exc})")
            continue
        seen: list[ConferenceEvent] = []

        def show(event: ConferenceEvent, seen: list[ConferenceEvent] = seen) -> None:
            seen.append(event)
            writer.write(event)

        stop = asyncio.Event()
        started: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        receiver = asyncio.create_task(
            listen(
                verifier,
                host="127.0.0.1",
                port=0,
                path=f"/hooks/{provider}",
                on_event=show,
                stop=stop,
                ready=started.set_result,
            )
        )
        try:
            sb.add_webhook(provider, await started)
            await sb.simulate_conference(provider, participants=2, duplicates=0.3)
        finally:
            stop.set()
            await receiver
        click.echo(f"{provider}: {len(seen)} events verified, duplicates dropped")


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
