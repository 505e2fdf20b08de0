"""Options several commands share (``--format``, ``--raw``, dates), and running a coroutine."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final, TypeVar

import click

from ._writers import FORMATS

__all__ = ["RAW_FORMATS", "check_raw", "format_option", "parse_when", "raw_option", "run_async"]

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

#: The formats ``--raw`` applies to (the provider's record does not fit a table or CSV row).
RAW_FORMATS: Final = ("json", "ndjson")


def format_option(choices: Sequence[str] = FORMATS) -> Callable[[F], F]:
    """``--format`` / ``-f`` (into the parameter ``fmt``), ``table`` by default."""
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(list(choices)),
        default="table",
        show_default=True,
        help="Output format.",
    )


raw_option: Final = click.option(
    "--raw",
    is_flag=True,
    help="Add the provider's record as received (json and ndjson only).",
)


def check_raw(fmt: str, raw: bool) -> None:
    """``--raw`` with a format it does not fit is a usage error (not silently ignored)."""
    if raw and fmt not in RAW_FORMATS:
        raise click.UsageError(
            f"--raw adds the provider's record to {' and '.join(RAW_FORMATS)} output; "
            f"it does not fit --format {fmt}"
        )


def parse_when(_ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """An ISO 8601 date (midnight UTC) or a date and time with ``Z`` or an offset."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 date (2026-01-31) or date and time", param=param
        ) from None
    if parsed.tzinfo is None:
        raise click.BadParameter(
            f"{text!r} has no time zone: add Z (UTC) or an offset, e.g. {text}Z", param=param
        )
    return parsed


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs a command's coroutine in a fresh event loop."""
    return asyncio.run(coroutine)
