"""``confclient get`` and ``confclient create``: one conference, fetched or created."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import click

from confclient.config import ResolvedConfig
from confclient.model import Conference

from ._connection import ConnectionOptions, connect, connection_options
from ._create_fields import CreateCommand, create_arguments
from ._errors import errors_to_exit_codes
from ._options import check_raw, format_option, raw_option, run_async
from ._writers import write_one

__all__ = ["create_command", "get_command"]


async def _get(resolved: ResolvedConfig, conference_id: str, region: str | None) -> Conference:
    async with connect(resolved) as svc:
        if region is None:
            return await svc.get(conference_id)
        return await svc.get(conference_id, region=region)


@click.command("get")
@connection_options
@click.argument("conference_id", metavar="ID")
@click.option(
    "--region",
    "-r",
    metavar="REGION",
    help="Region to look in. Default: the default region first, then everywhere.",
)
@format_option()
@raw_option
@errors_to_exit_codes
def get_command(
    connection: ConnectionOptions, conference_id: str, region: str | None, fmt: str, raw: bool
) -> None:
    """Fetch one conference by its id."""
    check_raw(fmt, raw)
    resolved = connection.resolve()
    conf = run_async(_get(resolved, conference_id, region))
    write_one(fmt, sys.stdout, conf, raw=raw)


async def _create(resolved: ResolvedConfig, fields: Mapping[str, Any]) -> Conference:
    async with connect(resolved) as svc:
        return await svc.create(**fields)


@click.command("create", cls=CreateCommand)
@connection_options
@format_option()
@raw_option
@click.pass_context
@errors_to_exit_codes
def create_command(
    ctx: click.Context, /, connection: ConnectionOptions, fmt: str, raw: bool, **fields: Any
) -> None:
    """Create a conference from a call leg (providers with the create capability).

    Each provider takes its own fields: the flags are those of every installed provider,
    and one the chosen provider does not take is refused before any request.
    """
    check_raw(fmt, raw)
    resolved = connection.resolve()
    given = {key: value for key, value in fields.items() if value is not None}
    conf = run_async(_create(resolved, create_arguments(ctx, resolved.provider, given)))
    write_one(fmt, sys.stdout, conf, raw=raw)
