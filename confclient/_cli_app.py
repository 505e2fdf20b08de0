"""The ``confclient`` command, on click and rich (the ``cli`` extra).

Exit codes: 0 ok, 1 provider or transport error, 2 usage or configuration, 3 authentication,
4 not found, 130 interrupted. Errors are one line on stderr, with the provider's code.

The command applies configuration exactly as the library does: the service it connects
holds the default region (profile key ``region``, ``$CONFCLIENT_REGION``), and a command
without ``--region`` calls the service without one.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import sys
import time
import tomllib
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final, TypeVar

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ._cli_render import FORMATS, OutputConsole, ProgressLine, Writer, make_writer, write_one
from ._version import __version__
from .config import (
    LOCAL_FILE,
    PROFILE_ENV,
    REGION_ENV,
    ResolvedConfig,
    available_providers,
    convert_option,
    load_config,
    load_provider,
    resolve_config,
)
from .errors import (
    APIError,
    AuthenticationError,
    ConfClientError,
    ConfigurationError,
    FanOutError,
    InvalidRequestError,
    NotFoundError,
)
from .fanout import FanOut
from .model import Conference, ConferenceStatus
from .paging import Pager
from .service import ConferenceService

__all__ = ["EXIT_AUTH", "EXIT_ERROR", "EXIT_NOT_FOUND", "EXIT_OK", "EXIT_USAGE", "cli", "run"]

EXIT_OK: Final = 0
EXIT_ERROR: Final = 1
EXIT_USAGE: Final = 2
EXIT_AUTH: Final = 3
EXIT_NOT_FOUND: Final = 4
EXIT_INTERRUPTED: Final = 130

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

log = logging.getLogger("confclient.cli")

STATUSES: Final = tuple(s.value for s in ConferenceStatus if s is not ConferenceStatus.UNKNOWN)
#: The formats ``--raw`` applies to (the provider's record does not fit a table or CSV row).
RAW_FORMATS: Final = ("json", "ndjson")


# -- errors and exit codes ------------------------------------------------------------------


def exit_code(exc: BaseException) -> int:
    """The exit code for an error: 3 authentication, 4 not found, 2 configuration or a
    request refused before sending, 1 anything else the provider or the network did."""
    if isinstance(exc, FanOutError):
        codes = {exit_code(e) for e in exc.exceptions}
        return codes.pop() if len(codes) == 1 else EXIT_ERROR
    if isinstance(exc, AuthenticationError):
        return EXIT_AUTH
    if isinstance(exc, NotFoundError):
        return EXIT_NOT_FOUND
    if isinstance(exc, (ConfigurationError, InvalidRequestError)):
        return EXIT_USAGE
    return EXIT_ERROR


def describe_error(exc: BaseException) -> str:
    """One line: the error's message (an ``APIError`` leads with the request id and carries
    the provider's status and code). For a fan-out, each listing that failed, named once;
    listings that failed the same way are named together with that error, said once; the
    notes added to the group (how the other listings ended) close the line.
    """
    if isinstance(exc, FanOutError):
        return _describe_failures(exc)
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _same_error(exc: BaseException) -> tuple[object, ...]:
    """What makes two failures "the same error" (a request id differs every time)."""
    if isinstance(exc, APIError):
        return (type(exc), exc.provider, exc.status, exc.code, exc.title, exc.detail)
    return (type(exc), describe_error(exc))


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _name_sources(sources: Sequence[str]) -> str:
    """``telnyx in Australia and Europe`` for fan-out sources ``telnyx:Australia`` and
    ``telnyx:Europe``; other names (``twilio#1``) as they are."""
    providers = {source.partition(":")[0] for source in sources}
    if len(providers) == 1 and all(":" in source for source in sources):
        regions = [source.partition(":")[2] for source in sources]
        return f"{providers.pop()} in {_and(regions)}"
    return _and(list(sources))


def _describe_failures(group: FanOutError) -> str:
    alike: dict[tuple[object, ...], tuple[list[str], BaseException]] = {}
    for error in group.exceptions:
        sources, _ = alike.setdefault(_same_error(error), ([], error))
        sources.append(str(getattr(error, "confclient_source", "a listing")))
    parts = [
        f"{_name_sources(sources)} failed{'' if len(sources) == 1 else ' the same way'}: "
        f"{describe_error(first)}"
        for sources, first in alike.values()
    ]
    notes = "; ".join(getattr(group, "__notes__", ()))
    return "; ".join(parts) + (f" ({notes})" if notes else "")


def _how_the_others_ended(group: FanOutError, listings: Sequence[tuple[str, Pager]]) -> str:
    """E.g. ``1 of 4 listings failed; the other 3 were stopped``: the first failure stops
    the listings still running, so the others did not succeed unless they had finished."""
    failed = {getattr(error, "confclient_source", None) for error in group.exceptions}
    others = [pager for name, pager in listings if name not in failed]
    finished = sum(1 for pager in others if pager.resume_token is None)
    stopped = len(others) - finished
    ended = []
    if finished:
        ended.append(f"{finished} finished")
    if stopped:
        ended.append(f"{stopped} {'was' if stopped == 1 else 'were'} stopped")
    tally = f"{len(listings) - len(others)} of {len(listings)} listings failed"
    if not ended:
        return tally
    the_other = "the other " if len(ended) == 1 else ""
    return f"{tally}; {the_other}{_and(ended)}"


def _fail(exc: BaseException) -> click.exceptions.Exit:
    click.echo(f"confclient: error: {describe_error(exc)}", err=True)
    return click.exceptions.Exit(exit_code(exc))


def _errors_to_exit_codes(function: F) -> F:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ConfClientError as exc:
            raise _fail(exc) from None
        except BrokenPipeError:
            # `confclient list | head`: the reader stopped early; that is not our failure.
            _silence_stdout()
            raise click.exceptions.Exit(EXIT_OK) from None

    return wrapper  # type: ignore[return-value]


# -- logging (--debug) ----------------------------------------------------------------------


class _Redact(logging.Filter):
    """Replaces known secret values in log records: the transport never logs headers, and
    this keeps a credential that reaches a URL or a message out of the log all the same."""

    # Shorter values would mangle every log line they happen to occur in.
    MIN_LENGTH: Final = 6

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def add(self, secrets: Sequence[str]) -> None:
        self.secrets.update(s for s in secrets if len(s) >= self.MIN_LENGTH)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            for secret in sorted(self.secrets, key=len, reverse=True):
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True


class _DebugLog:
    """``--debug``: the ``confclient`` logger at DEBUG to stderr, for one command run."""

    def __init__(self) -> None:
        self.redact = _Redact()
        self._handler: logging.Handler | None = None
        self._level = logging.NOTSET

    def enable(self) -> None:
        if self._handler is not None:
            return
        logger = logging.getLogger("confclient")
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        handler.addFilter(self.redact)
        self._handler, self._level = handler, logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)

    def reset(self) -> None:
        logger = logging.getLogger("confclient")
        if self._handler is not None:
            logger.removeHandler(self._handler)
            logger.setLevel(self._level)
            self._handler = None
        self.redact.secrets.clear()


_DEBUG = _DebugLog()


# -- shared options -------------------------------------------------------------------------


def _parse_when(_ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
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


def _option_value(text: str) -> Any:
    """``-o key=value``: a TOML value when it parses as one (``4``, ``true``, ``2.5``,
    ``"x"``), else the text itself."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _parse_extra(values: Sequence[str]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for item in values:
        key, equals, value = item.partition("=")
        key = key.strip()
        if not equals or not key.isidentifier():
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="'-o'")
        options[key] = convert_option(key, _option_value(value.strip()), f"-o {key}")
    return options


def _connection_options(function: F) -> F:
    decorators = [
        click.option(
            "--provider",
            metavar="NAME",
            help="Provider (telnyx, twilio, ...). Default: $CONFCLIENT_PROVIDER, else the "
            "profile's.",
        ),
        click.option(
            "--profile",
            metavar="NAME",
            help=f"Profile of the configuration file. Default: ${PROFILE_ENV}, else the "
            "file's default_profile.",
        ),
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Configuration file to read instead of ./confclient.toml and "
            "$XDG_CONFIG_HOME/confclient/config.toml.",
        ),
        click.option("--base-url", metavar="URL", help="API root with its version (/v2, /v1)."),
        click.option(
            "-o",
            "--option",
            "extra",
            multiple=True,
            metavar="KEY=VALUE",
            help="Any other option the provider takes, e.g. -o timeout=5 (repeatable).",
        ),
        click.option("--debug", is_flag=True, help="Log every request to stderr (no secrets)."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def _format_option(choices: Sequence[str] = FORMATS) -> Callable[[F], F]:
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(list(choices)),
        default="table",
        show_default=True,
        help="Output format.",
    )


def _resolve(
    ctx: click.Context,
    *,
    provider: str | None,
    profile: str | None,
    config_file: Path | None,
    base_url: str | None,
    extra: Sequence[str],
    debug: bool,
) -> ResolvedConfig:
    options = _parse_extra(extra)
    if base_url:
        options["base_url"] = base_url
    if debug or _root_debug(ctx):
        _DEBUG.enable()
    resolved = resolve_config(provider, profile=profile, config_file=config_file, options=options)
    _DEBUG.redact.add(resolved.secrets())
    log.debug("configuration: %s", resolved.describe())
    return resolved


def _connect(resolved: ResolvedConfig) -> ConferenceService:
    """The configured service. Options that must be given and were not are explained the
    command's way: the variables and profile keys that give them (there is no --api-key:
    a credential on a command line stays in shell history and shows in ``ps``)."""
    try:
        return resolved.connect()
    except ConfigurationError as exc:
        if not exc.missing:
            raise
        raise ConfigurationError(
            _how_to_give(resolved, exc.missing), provider=exc.provider, missing=exc.missing
        ) from None


def _how_to_give(resolved: ResolvedConfig, missing: Sequence[str]) -> str:
    variables: Mapping[str, str] = (
        getattr(load_provider(resolved.provider), "env_variables", None) or {}
    )
    named = [variables[option] for option in missing if option in variables]
    keys = _and([f'{option}_env = "VARIABLE"' for option in missing])
    profile = resolved.profile
    where = (
        f"profile {profile.name!r} ({profile.where})"
        if profile is not None
        else f"a profile (./{LOCAL_FILE})"
    )
    ways = [f"set {_and(named)}"] if named else []
    ways.append(f"add {keys} to {where}")
    return (
        f"{resolved.provider} needs {_and(list(missing))}: {', or '.join(ways)}; "
        "keep credentials off the command line (shell history, ps)"
    )


def _check_raw(fmt: str, raw: bool) -> None:
    if raw and fmt not in RAW_FORMATS:
        raise click.UsageError(
            f"--raw adds the provider's record to {' and '.join(RAW_FORMATS)} output; "
            f"it does not fit --format {fmt}"
        )


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


# -- the command group ----------------------------------------------------------------------


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="confclient", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Log every request to stderr (no secrets).")
def cli(debug: bool) -> None:
    """List, fetch and create voice conferences on any telephony provider.

    Credentials come from, strongest first: command-line options, the environment
    (CONFCLIENT_PROVIDER or CONFCLIENT_PROFILE, TELNYX_API_KEY, TWILIO_ACCOUNT_SID, ...),
    and configuration profiles (./confclient.toml, ~/.config/confclient/config.toml).

    The default region (where list, get and create look) is the profile's region or
    $CONFCLIENT_REGION; without one, list and get look in every region.

    Exit codes: 0 ok, 1 provider or network error, 2 usage or configuration,
    3 authentication refused, 4 not found, 130 interrupted (Ctrl-C).
    """
    if debug:
        _DEBUG.enable()


# -- list -----------------------------------------------------------------------------------


def _regions_to_list(svc: ConferenceService, asked: Sequence[str]) -> list[str | None]:
    """The ``region=`` of each listing: none asked, one listing without a region (the
    service's default region, else every region, as in the library)."""
    if any(r.lower() == "all" for r in asked):
        if len(asked) > 1:
            raise click.BadParameter(
                "'all' lists every region; give it alone", param_hint="'--region'"
            )
        return list(svc.regions)
    if asked:
        unique: list[str | None] = []
        for region in asked:
            if region not in unique:
                unique.append(region)
        return unique
    return [None]


class _Sink:
    """Collects items as they come and prints them when the listing waits for the network.

    The flush is scheduled with ``call_soon``: it runs as soon as the consuming task
    suspends (the next page is not there yet), so rows appear page by page and the first
    row never waits for the end of the listing; a full batch is printed at once.
    """

    MAX_BATCH: Final = 500

    def __init__(self, writer: Writer, pagers: Sequence[Pager]) -> None:
        self._writer = writer
        self._pagers = pagers
        self._pending: list[Conference] = []
        self._handle: asyncio.Handle | None = None
        self.records = 0
        self.progress: ProgressLine | None = None
        self._deferred: Exception | None = None

    @property
    def pages(self) -> int:
        return sum(p.pages_fetched for p in self._pagers)

    def counts(self) -> tuple[int, int]:
        return self.records, self.pages

    def add(self, conf: Conference) -> None:
        self._raise_deferred()
        self._pending.append(conf)
        self.records += 1
        if len(self._pending) >= self.MAX_BATCH:
            self.flush()
        elif self._handle is None:
            self._handle = asyncio.get_running_loop().call_soon(self._flush_soon)

    def _flush_soon(self) -> None:
        # A loop callback: an error here (the reader of a pipe left) is kept for the
        # consuming task, which raises it, instead of being logged by the loop.
        self._handle = None
        try:
            self.flush()
        except Exception as exc:
            self._deferred = exc

    def _raise_deferred(self) -> None:
        if self._deferred is not None:
            error, self._deferred = self._deferred, None
            raise error

    def flush(self) -> None:
        self._raise_deferred()
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        if self.progress is not None:
            self.progress.before_output()
        self._writer.write(batch)
        if self.progress is not None:
            self.progress.after_output()


async def _consume(stream: Pager | FanOut, sink: _Sink, limit: int | None) -> None:
    iterator: AsyncIterator[Conference] = aiter(stream)
    try:
        async for conf in iterator:
            sink.add(conf)
            if limit is not None and sink.records >= limit:
                break
    finally:
        close = getattr(iterator, "aclose", None)
        if close is not None:
            await close()
        await stream.aclose()


async def _list(
    resolved: ResolvedConfig,
    regions: Sequence[str],
    query: Mapping[str, Any],
    limit: int | None,
    fmt: str,
    raw: bool,
    progress: bool,
) -> None:
    svc = _connect(resolved)
    async with svc:
        chosen = _regions_to_list(svc, regions)
        sources = [
            (
                f"{svc.provider}:{region}" if region else svc.provider,
                svc.list(region=region, limit=limit, **query),
            )
            for region in chosen
        ]
        pagers = [pager for _, pager in sources]
        stream: Pager | FanOut = pagers[0] if len(pagers) == 1 else FanOut(sources)
        out = sys.stdout
        writer = make_writer(fmt, out, providers=[svc.provider], regions=svc.regions, raw=raw)
        sink = _Sink(writer, pagers)
        line: ProgressLine | None = None
        if progress:
            line = ProgressLine(
                Console(file=sys.stderr, highlight=False), sink.counts, shares_screen=out.isatty()
            )
            sink.progress = line
            line.start()
        started = time.monotonic()
        summary: str | None = None
        try:
            try:
                await _consume(stream, sink, limit)
            except BaseException as exc:
                # What did arrive is printed before the error is reported.
                with contextlib.suppress(Exception):
                    sink.flush()
                if isinstance(exc, FanOutError) and len(sources) > 1:
                    exc.add_note(_how_the_others_ended(exc, sources))
                raise
            sink.flush()
            elapsed = time.monotonic() - started
            conferences = "conference" if sink.records == 1 else "conferences"
            pages = "page" if sink.pages == 1 else "pages"
            summary = (
                f"{sink.records:,} {conferences}, {sink.pages:,} {pages}, {elapsed:.2f} s "
                f"({sink.records / max(elapsed, 1e-9):,.0f}/s)"
            )
        finally:
            if line is not None:
                line.stop(summary)
        writer.close()
        if sink.records == 0 and fmt == "table":
            click.echo("no conferences", err=True)


@cli.command("list")
@_connection_options
@click.option(
    "--region",
    "-r",
    "regions",
    multiple=True,
    metavar="REGION",
    help="Region to list; repeat for several, or 'all' for every region (listed "
    f"concurrently). Default: the default region (profile key region, ${REGION_ENV}), "
    "else every region.",
)
@click.option("--status", type=click.Choice(STATUSES), help="Only conferences in this state.")
@click.option("--name", metavar="TEXT", help="Only conferences with this name.")
@click.option(
    "--created-after",
    metavar="WHEN",
    callback=_parse_when,
    help="ISO 8601, e.g. 2026-01-31 (UTC) or 2026-01-31T10:00+02:00.",
)
@click.option(
    "--created-before", metavar="WHEN", callback=_parse_when, help="ISO 8601, like the above."
)
@click.option("--limit", type=click.IntRange(min=1), help="Stop after N conferences in all.")
@click.option("--page-size", type=click.IntRange(min=1), help="Records per request.")
@_format_option()
@click.option(
    "--raw",
    is_flag=True,
    help="Add the provider's record as received (json and ndjson only).",
)
@click.option(
    "--no-progress",
    is_flag=True,
    help="No progress line (shown on stderr when stderr is a terminal).",
)
@click.pass_context
@_errors_to_exit_codes
def list_command(
    ctx: click.Context,
    /,
    provider: str | None,
    profile: str | None,
    config_file: Path | None,
    base_url: str | None,
    extra: tuple[str, ...],
    debug: bool,
    regions: tuple[str, ...],
    status: str | None,
    name: str | None,
    created_after: datetime | None,
    created_before: datetime | None,
    limit: int | None,
    page_size: int | None,
    fmt: str,
    raw: bool,
    no_progress: bool,
) -> None:
    """List conferences; rows are printed as pages arrive.

    \b
      confclient list --profile eu --status in_progress
      confclient list --provider twilio --region all --format ndjson
    """
    _check_raw(fmt, raw)
    resolved = _resolve(
        ctx,
        provider=provider,
        profile=profile,
        config_file=config_file,
        base_url=base_url,
        extra=extra,
        debug=debug,
    )
    query: dict[str, Any] = {}
    for key, value in (
        ("status", status),
        ("name", name),
        ("created_after", created_after),
        ("created_before", created_before),
        ("page_size", page_size),
    ):
        if value is not None:
            query[key] = value
    # The progress line and --debug's log lines would share stderr: one or the other.
    show_progress = sys.stderr.isatty() and not no_progress and not debug and not _root_debug(ctx)
    _run(_list(resolved, regions, query, limit, fmt, raw, show_progress))


def _root_debug(ctx: click.Context) -> bool:
    return ctx.find_root().params.get("debug") is True


# -- get and create -------------------------------------------------------------------------


async def _get(resolved: ResolvedConfig, conference_id: str, region: str | None) -> Conference:
    async with _connect(resolved) as svc:
        if region is None:
            return await svc.get(conference_id)
        return await svc.get(conference_id, region=region)


@cli.command("get")
@_connection_options
@click.argument("conference_id", metavar="ID")
@click.option(
    "--region",
    "-r",
    metavar="REGION",
    help="Region to look in. Default: the default region first, then everywhere.",
)
@_format_option()
@click.option(
    "--raw",
    is_flag=True,
    help="Add the provider's record as received (json and ndjson only).",
)
@click.pass_context
@_errors_to_exit_codes
def get_command(
    ctx: click.Context,
    /,
    provider: str | None,
    profile: str | None,
    config_file: Path | None,
    base_url: str | None,
    extra: tuple[str, ...],
    debug: bool,
    conference_id: str,
    region: str | None,
    fmt: str,
    raw: bool,
) -> None:
    """Fetch one conference by its id."""
    _check_raw(fmt, raw)
    resolved = _resolve(
        ctx,
        provider=provider,
        profile=profile,
        config_file=config_file,
        base_url=base_url,
        extra=extra,
        debug=debug,
    )
    conf = _run(_get(resolved, conference_id, region))
    write_one(fmt, sys.stdout, conf, raw=raw)


async def _create(resolved: ResolvedConfig, fields: Mapping[str, Any]) -> Conference:
    async with _connect(resolved) as svc:
        return await svc.create(**fields)


@cli.command("create")
@_connection_options
@click.option("--call-control-id", required=True, help="The call leg that joins first.")
@click.option("--name", required=True, help="Name of the conference.")
@click.option("--beep-enabled", metavar="WHEN", help="always, never, on_enter or on_exit.")
@click.option("--client-state", metavar="BASE64", help="State echoed in webhooks (base64).")
@click.option("--comfort-noise/--no-comfort-noise", default=None, help="Comfort noise when alone.")
@click.option("--command-id", help="Idempotency key (generated when not given).")
@click.option("--duration-minutes", type=click.IntRange(min=1), help="Time limit in minutes.")
@click.option("--hold-audio-url", metavar="URL", help="Audio played to participants on hold.")
@click.option("--hold-media-name", metavar="NAME", help="Uploaded media played on hold.")
@click.option("--max-participants", type=int, help="Participant limit (2..800).")
@click.option(
    "--start-conference-on-create/--no-start-conference-on-create",
    default=None,
    help="Start at once, before anyone joins.",
)
@click.option(
    "--region",
    "-r",
    metavar="REGION",
    help=f"Data region. Default: the default region (profile key region, ${REGION_ENV}).",
)
@_format_option()
@click.option(
    "--raw",
    is_flag=True,
    help="Add the provider's record as received (json and ndjson only).",
)
@click.pass_context
@_errors_to_exit_codes
def create_command(
    ctx: click.Context,
    /,
    provider: str | None,
    profile: str | None,
    config_file: Path | None,
    base_url: str | None,
    extra: tuple[str, ...],
    debug: bool,
    fmt: str,
    raw: bool,
    **fields: Any,
) -> None:
    """Create a conference from a call leg (providers with the create capability)."""
    _check_raw(fmt, raw)
    resolved = _resolve(
        ctx,
        provider=provider,
        profile=profile,
        config_file=config_file,
        base_url=base_url,
        extra=extra,
        debug=debug,
    )
    given = {key: value for key, value in fields.items() if value is not None}
    conf = _run(_create(resolved, given))
    write_one(fmt, sys.stdout, conf, raw=raw)


# -- providers and profiles -----------------------------------------------------------------


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


@cli.command("providers")
@_format_option(("table", "json"))
def providers_command(fmt: str) -> None:
    """Registered providers, their regions and capabilities."""
    import json

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


@cli.command("profiles")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file to read instead of the usual ones.",
)
@_format_option(("table", "json"))
@_errors_to_exit_codes
def profiles_command(config_file: Path | None, fmt: str) -> None:
    """Profiles of the configuration files, and where each option comes from.

    Secrets are never shown: a variable's name is, and whether it is set.
    """
    import json

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


# -- sandbox and demo -----------------------------------------------------------------------


async def _serve(sandbox: Any, echo: Callable[[str], None]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        installed.append(sig)
    try:
        async with sandbox:
            for line in sandbox.banner():
                echo(line)
            echo("")
            echo("Use it from a shell:")
            echo(
                f"  export TELNYX_BASE_URL={sandbox.telnyx_base_url} "
                f"TELNYX_API_KEY={sandbox.telnyx_api_key}"
            )
            echo(
                f"  export TWILIO_INSIGHTS_BASE_URL={sandbox.twilio_base_url} "
                f"TWILIO_ACCOUNT_SID={sandbox.twilio_account_sid} "
                f"TWILIO_AUTH_TOKEN={sandbox.twilio_auth_token}"
            )
            echo("  confclient list --provider telnyx --region all")
            echo("Ctrl-C stops it.")
            await stop.wait()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


@cli.command("sandbox")
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
    """Serve both providers' APIs on loopback (test data, test credentials) until Ctrl-C."""
    from .sandbox import Sandbox

    sandbox = Sandbox(
        seed=seed, size=size, latency_ms=latency_ms, fault_rate=fault_rate, host=host, port=port
    )

    def echo(line: str) -> None:
        click.echo(line)
        sys.stdout.flush()

    try:
        _run(_serve(sandbox, echo))
    except OSError as exc:
        click.echo(
            f"confclient: error: cannot serve on {host}:{port}: {exc.strerror or exc}", err=True
        )
        raise click.exceptions.Exit(EXIT_ERROR) from None


async def _demo(seed: int, size: int, latency_ms: float) -> None:
    from .fanout import merge
    from .sandbox import PROVIDERS, Sandbox

    started = time.perf_counter()
    out = sys.stdout
    async with Sandbox(seed=seed, size=size, latency_ms=latency_ms) as sb:
        click.echo(f"sandbox running at {sb.base_url} (seed {seed}, {size} per region)\n")
        services: list[ConferenceService] = [sb.connect(provider) for provider in PROVIDERS]
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


@cli.command("demo")
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
@_errors_to_exit_codes
def demo_command(seed: int, size: int, latency_ms: float) -> None:
    """Start the sandbox in-process and list every region of every provider at once."""
    _run(_demo(seed, size, latency_ms))


# -- entry ----------------------------------------------------------------------------------


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run_command(args)
    finally:
        _DEBUG.reset()


def _run_command(args: list[str]) -> int:
    try:
        result = cli.main(args=args, prog_name="confclient", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    return result if isinstance(result, int) else EXIT_OK


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
