"""The connection options of the commands that talk to a provider, and the service they make.

``--provider``, ``--profile``, ``--config``, ``--base-url``, ``-o KEY=VALUE`` and ``--debug``
reach a command as one :class:`ConnectionOptions`, which resolves them exactly as the library
does (arguments, then the environment, then the configuration files); :func:`connect` makes
the service, which holds the default region (profile key ``region``, ``$CONFCLIENT_REGION``).
"""

from __future__ import annotations

import functools
import logging
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs
import click

from confclient.config import (
    LOCAL_FILE,
    PROFILE_ENV,
    ResolvedConfig,
    convert_option,
    load_provider,
    resolve_config,
)
from confclient.errors import ConfigurationError
from confclient.service import ConferenceService

from ._debug import DEBUG_LOG
from ._errors import and_join

__all__ = ["ConnectionOptions", "connect", "connection_options", "parse_extra", "root_debug"]

T = TypeVar("T")

log = logging.getLogger("confclient.cli")


@attrs.frozen
class ConnectionOptions:
    """What a command was told about the provider to use (``None``: not told).

    ``extra`` holds the ``-o KEY=VALUE`` texts; ``debug`` is the command's ``--debug`` or
    the group's (``confclient --debug list``).
    """

    provider: str | None = None
    profile: str | None = None
    config_file: Path | None = None
    base_url: str | None = None
    extra: tuple[str, ...] = ()
    debug: bool = False

    def resolve(self) -> ResolvedConfig:
        """The provider and its options, from these, the environment and the files; with
        ``debug``, the debug log is on from here and knows the secrets to redact."""
        options = parse_extra(self.extra)
        if self.base_url:
            options["base_url"] = self.base_url
        if self.debug:
            DEBUG_LOG.enable()
        resolved = resolve_config(
            self.provider, profile=self.profile, config_file=self.config_file, options=options
        )
        DEBUG_LOG.redact.add(resolved.secrets())
        log.debug("configuration: %s", resolved.describe())
        return resolved


def _option_value(text: str) -> Any:
    """``-o key=value``: a TOML value when it parses as one (``4``, ``true``, ``2.5``,
    ``"x"``), else the text itself."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_extra(values: Sequence[str]) -> dict[str, Any]:
    """``-o KEY=VALUE`` options as provider options (``timeout``, ``retry`` made as a
    profile makes them)."""
    options: dict[str, Any] = {}
    for item in values:
        key, equals, value = item.partition("=")
        key = key.strip()
        if not equals or not key.isidentifier():
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="'-o'")
        options[key] = convert_option(key, _option_value(value.strip()), f"-o {key}")
    return options


def connect(resolved: ResolvedConfig) -> ConferenceService:
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
    keys = and_join([f'{option}_env = "VARIABLE"' for option in missing])
    profile = resolved.profile
    where = (
        f"profile {profile.name!r} ({profile.where})"
        if profile is not None
        else f"a profile (./{LOCAL_FILE})"
    )
    ways = [f"set {and_join(named)}"] if named else []
    ways.append(f"add {keys} to {where}")
    return (
        f"{resolved.provider} needs {and_join(list(missing))}: {', or '.join(ways)}; "
        "keep credentials off the command line (shell history, ps)"
    )


def root_debug(ctx: click.Context) -> bool:
    """Whether the group was given ``--debug`` (``confclient --debug list``)."""
    return ctx.find_root().params.get("debug") is True


_OPTIONS: Final = (
    click.option(
        "--provider",
        metavar="NAME",
        help="Provider (telnyx, twilio, ...). Default: $CONFCLIENT_PROVIDER, else the profile's.",
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
)


def connection_options(command: Callable[..., T]) -> Callable[..., T]:
    """Gives a command the connection options, as one ``connection`` parameter (a
    :class:`ConnectionOptions`) instead of six."""

    @functools.wraps(command)
    def with_connection(
        *args: Any,
        provider: str | None,
        profile: str | None,
        config_file: Path | None,
        base_url: str | None,
        extra: tuple[str, ...],
        debug: bool,
        **kwargs: Any,
    ) -> T:
        connection = ConnectionOptions(
            provider=provider,
            profile=profile,
            config_file=config_file,
            base_url=base_url,
            extra=tuple(extra),
            debug=debug or root_debug(click.get_current_context()),
        )
        return command(*args, connection=connection, **kwargs)

    decorated: Callable[..., T] = with_connection
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated
