"""``confclient listen``: a verifying webhook receiver that prints each event as it arrives
(a development tool, like a provider CLI's webhook listener).

The verifier is configured like every command's connection (``--provider``, ``--profile``,
the environment: ``TELNYX_PUBLIC_KEY``, ``TWILIO_AUTH_TOKEN``); refused deliveries are told
on stderr with the reason, never with their body.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import click
from aiohttp import web

from confclient.config import webhook_verifier
from confclient.events import ConferenceEvent, MemoryDedupe, WebhookVerifier, aiohttp_handler

from ._errors import EXIT_ERROR, errors_to_exit_codes
from ._events_out import EVENT_FORMATS, EventWriter
from ._options import format_option, run_async

__all__ = ["listen", "listen_command"]


class _Refusals(logging.Handler):
    """The handler's refusals (``confclient.events`` warnings), one line each on stderr."""

    def __init__(self, err: TextIO) -> None:
        super().__init__(logging.WARNING)
        self.err = err

    def emit(self, record: logging.LogRecord) -> None:
        self.err.write(f"confclient: {record.getMessage()}\n")
        self.err.flush()


async def listen(
    verifier: WebhookVerifier,
    *,
    host: str,
    port: int,
    path: str,
    on_event: Callable[[ConferenceEvent], object],
    stop: asyncio.Event,
    ready: Callable[[str], object],
    public_url: str | None = None,
    trust_forwarded: bool = False,
) -> None:
    """Receive webhooks on ``host:port`` + ``path`` until ``stop`` is set; ``ready`` gets
    the URL once it listens. Each new event goes to ``on_event`` (duplicates do not)."""

    async def handle(event: ConferenceEvent) -> None:
        on_event(event)

    handler = aiohttp_handler(
        verifier,
        handle,
        dedupe=MemoryDedupe(),
        public_url=public_url,
        trust_forwarded=trust_forwarded,
    )
    app = web.Application()
    app.router.add_post(path, handler)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound = runner.addresses[0][1]
        shown = f"[{host}]" if ":" in host else host
        ready(f"http://{shown}:{bound}{path}")
        await stop.wait()
    finally:
        await runner.cleanup()


async def _run(verifier: WebhookVerifier, fmt: str, **options: Any) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            continue

    def ready(url: str) -> None:
        click.echo(f"listening for {verifier.provider} webhooks on {url} (Ctrl-C stops)", err=True)

    refusals = _Refusals(sys.stderr)
    events_log = logging.getLogger("confclient.events")
    events_log.addHandler(refusals)
    try:
        await listen(
            verifier,
            on_event=EventWriter(fmt, sys.stdout).write,
            stop=stop,
            ready=ready,
            **options,
        )
    finally:
        events_log.removeHandler(refusals)
        for sig in installed:
            loop.remove_signal_handler(sig)


@click.command("listen")
@click.option(
    "--provider",
    metavar="NAME",
    help="Provider whose webhooks to verify. Default: $CONFCLIENT_PROVIDER, else the profile's.",
)
@click.option("--profile", metavar="NAME", help="Profile holding the provider and its secret.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file to read instead of the usual ones.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="0: any."
)
@click.option("--path", default="/hooks", show_default=True, help="Route that receives them.")
@format_option(EVENT_FORMATS)
@click.option(
    "--public-url",
    metavar="URL",
    help="The route's public URL, behind a proxy or tunnel (Twilio signs the URL it calls).",
)
@click.option(
    "--trust-forwarded",
    is_flag=True,
    help="Rebuild the public URL from Forwarded / X-Forwarded-* headers (behind your proxy).",
)
@errors_to_exit_codes
def listen_command(
    provider: str | None,
    profile: str | None,
    config_file: Path | None,
    host: str,
    port: int,
    path: str,
    fmt: str,
    public_url: str | None,
    trust_forwarded: bool,
) -> None:
    """Receive a provider's conference webhooks, verify each and print its event.

    The secret comes from the environment (TELNYX_PUBLIC_KEY, TWILIO_AUTH_TOKEN) or a
    profile; events print on stdout, refused deliveries on stderr.
    """
    if not path.startswith("/"):
        raise click.BadParameter("must start with /", param_hint="'--path'")
    verifier = webhook_verifier(provider, profile=profile, config_file=config_file)
    try:
        run_async(
            _run(
                verifier,
                fmt,
                host=host,
                port=port,
                path=path,
                public_url=public_url,
                trust_forwarded=trust_forwarded,
            )
        )
    except OSError as exc:
        click.echo(
            f"confclient: error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True
        )
        raise click.exceptions.Exit(EXIT_ERROR) from None
