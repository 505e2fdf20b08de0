"""``confclient providers`` and ``confclient profiles``: what is installed and configured."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.table import Table
from rich.text import Text

from confclient.config import available_providers, load_config, load_provider
from confclient.errors import ConfigurationError

from ._errors import describe_error, errors_to_exit_codes
from ._options import format_option
from ._writers import OutputConsole

__all__ = ["profiles_command", "providers_command"]


def _provider_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name, target in available_providers().items():
        row: dict[str, Any] = {"name": name, "target": target}
        try:
            factory = load_provider(name)
        except ConfigurationError as exc:
            row["error"] = describe_error(exc)
            rows.append(row)
            continue
        capabilities = getattr(factory, "capabilities", None)
        regions = getattr(factory, "regions", None)
        order = {"list": 0, "get": 1, "create": 2}
        row["capabilities"] = (
            None
            if capabilities is None
            else sorted((str(c) for c in capabilities), key=lambda c: (order.get(c, 9), c))
        )
        row["regions"] = None if regions is None else list(regions)
        rows.append(row)
    return rows


@click.command("providers")
@format_option(("table", "json"))
def providers_command(fmt: str) -> None:
    """Registered providers, their regions and capabilities."""
    rows = _provider_rows()
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("provider", no_wrap=True)
    table.add_column("can", no_wrap=True)
    table.add_column("regions", ratio=1)
    for row in rows:
        if "error" in row:
            table.add_row(row["name"], Text("unavailable", style="red"), row["error"])
            continue
        table.add_row(
            row["name"],
            ", ".join(row["capabilities"] or ["?"]),
            ", ".join(row["regions"] or ["?"]),
        )
    OutputConsole(highlight=False).print(table)


@click.command("profiles")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file to read instead of the usual ones.",
)
@format_option(("table", "json"))
@errors_to_exit_codes
def profiles_command(config_file: Path | None, fmt: str) -> None:
    """Profiles of the configuration files, and where each option comes from.

    Secrets are never shown: a variable's name is, and whether it is set.
    """
    config = load_config(config_file)
    default = config.default_profile
    entries: list[dict[str, Any]] = []
    for name, profile in sorted(config.profiles.items()):
        options: dict[str, str] = {}
        for option in sorted({*profile.options, *profile.env_options}):
            described = profile.describe_option(option)
            if option in profile.env_options:
                state = "set" if os.environ.get(profile.env_options[option]) else "not set"
                described = f"{described} ({state})"
            options[option] = described
        entries.append(
            {
                "name": name,
                "provider": profile.provider,
                "region": profile.region,
                "default": default is not None and default[0] == name,
                "where": profile.where,
                "options": options,
            }
        )
    if fmt == "json":
        click.echo(
            json.dumps({"files": [str(p) for p in config.paths], "profiles": entries}, indent=2)
        )
        return
    console = OutputConsole(highlight=False)
    if not config.files:
        click.echo(
            "no configuration file (./confclient.toml, $XDG_CONFIG_HOME/confclient/config.toml)",
            err=True,
        )
        return
    for entry in entries:
        head = Text(entry["name"], style="bold")
        if entry["default"]:
            head.append(" (default)", style="green")
        head.append(f"  {entry['provider']}  ")
        head.append(entry["where"], style="dim")
        console.print(head, soft_wrap=True)
        details = dict(entry["options"])
        if entry["region"]:
            details = {"region": entry["region"], **details}
        width = max((len(k) for k in details), default=0)
        for key, value in details.items():
            console.print(Text(f"  {key.ljust(width)}  {value}"), soft_wrap=True)
