"""The profile schema: :class:`Profile`, :class:`ConfigFile`, :class:`Config`, and the check
that turns one parsed TOML file into them.

A file holds ``default_profile`` (optional) and one ``[profiles.NAME]`` table per profile::

    default_profile = "eu"

    [profiles.eu]
    provider = "telnyx"
    region = "Europe"                  # the default_region option: where list and get look
    api_key_env = "TELNYX_EU_API_KEY"  # OPTION_env: read OPTION from this variable
    timeout = 10                       # or a table: total, connect, read, deadline
    retry = { max_attempts = 5 }       # or false: never retry

The check knows no provider: whether a profile's keys suit its provider is
:func:`confclient.config.check_profile`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import attrs

from confclient.errors import ConfigurationError

from ._names import (
    CONFIG_ENV,
    ENV_SUFFIX,
    LOCAL_FILE,
    NOT_IN_FILES,
    PROFILE_KEYS,
    REGION_ENV,
    REGION_OPTION,
    did_you_mean,
    is_secret_option,
)
from ._toml_lines import KeyPath
from ._values import check_retry, check_timeout

__all__ = ["Config", "ConfigFile", "Profile", "check_file"]

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FILE_KEYS: Final = ("default_profile", "profiles")


@attrs.frozen
class Profile:
    """One ``[profiles.NAME]`` table, checked and converted (not yet resolved against the
    environment).

    ``options`` holds the literal option values (``timeout`` / ``retry`` already made into
    :class:`~confclient.Timeout` / :class:`~confclient.RetryPolicy`); it is left out of
    ``repr`` because a file may hold a literal secret. ``env_options`` maps an option to the
    environment variable the profile reads it from. ``region`` is the profile's spelling of
    the ``default_region`` option.
    """

    name: str
    provider: str
    path: Path
    line: int | None
    region: str | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    env_options: Mapping[str, str] = attrs.field(factory=dict)
    key_lines: Mapping[str, int] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def where(self) -> str:
        """``path:line`` of the profile's table."""
        return _where(self.path, self.line)

    def key_where(self, key: str) -> str:
        """``path:line`` of one key of the profile (the table's line when unknown)."""
        return _where(self.path, self.key_lines.get(key, self.line))

    def describe_option(self, option: str) -> str:
        """How the file sets ``option``, without ever showing a secret."""
        if option in self.env_options:
            return f"${self.env_options[option]}"
        value = self.options[option]
        if is_secret_option(option):
            return "*** (literal in the file)"
        return repr(value)


@attrs.frozen
class ConfigFile:
    """One parsed configuration file."""

    path: Path
    default_profile: str | None
    default_profile_line: int | None
    profiles: Mapping[str, Profile]


@attrs.frozen
class Config:
    """Every configuration file found, first one first."""

    files: tuple[ConfigFile, ...] = ()

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(f.path for f in self.files)

    @property
    def profiles(self) -> Mapping[str, Profile]:
        """Every profile by name; a name in two files is taken from the first."""
        merged: dict[str, Profile] = {}
        for config_file in self.files:
            for name, profile in config_file.profiles.items():
                merged.setdefault(name, profile)
        return MappingProxyType(merged)

    @property
    def default_profile(self) -> tuple[str, str] | None:
        """``(name, "path:line")`` of the first ``default_profile`` set, or ``None``."""
        for config_file in self.files:
            if config_file.default_profile is not None:
                where = _where(config_file.path, config_file.default_profile_line)
                return config_file.default_profile, where
        return None

    def profile(self, name: str) -> Profile:
        """The profile ``name``; :class:`ConfigurationError` lists the known ones."""
        found = self.profiles.get(name)
        if found is not None:
            return found
        if not self.files:
            raise ConfigurationError(
                f"profile {name!r} asked for, but no configuration file was found "
                f"(looked for ./{LOCAL_FILE} and $XDG_CONFIG_HOME/confclient/config.toml; "
                f"${CONFIG_ENV} names another)"
            )
        known = ", ".join(sorted(self.profiles)) or "none"
        files = ", ".join(str(p) for p in self.paths)
        raise ConfigurationError(f"no profile {name!r} in {files}; profiles: {known}")


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line is not None else str(path)


class _Checker:
    """Turns a parsed file into :class:`ConfigFile`, naming path, line and key on error."""

    def __init__(self, path: Path, lines: Mapping[KeyPath, int]) -> None:
        self.path = path
        self.lines = lines

    def line(self, key_path: KeyPath) -> int | None:
        # The key itself, else the nearest enclosing table that has a line.
        for end in range(len(key_path), 0, -1):
            found = self.lines.get(key_path[:end])
            if found is not None:
                return found
        return None

    def fail(self, key_path: KeyPath, message: str) -> ConfigurationError:
        return ConfigurationError(f"{_where(self.path, self.line(key_path))}: {message}")


def check_file(path: Path, data: Mapping[str, Any], lines: Mapping[KeyPath, int]) -> ConfigFile:
    """Check a parsed file's shape and make its profiles; errors name ``path:line``."""
    check = _Checker(path, lines)
    for key in data:
        if key not in _FILE_KEYS:
            raise check.fail(
                (key,),
                f"unknown key {key!r}{did_you_mean(key, _FILE_KEYS)}; a configuration file "
                "holds default_profile and [profiles.NAME] tables",
            )
    default = data.get("default_profile")
    if default is not None and (not isinstance(default, str) or not default):
        raise check.fail(("default_profile",), "default_profile must be a profile name (a string)")
    tables = data.get("profiles", {})
    if not isinstance(tables, Mapping):
        raise check.fail(("profiles",), "profiles must be a table: [profiles.NAME]")
    profiles: dict[str, Profile] = {}
    for name, table in tables.items():
        profiles[name] = _check_profile(check, name, table)
    return ConfigFile(
        path=path,
        default_profile=default,
        default_profile_line=lines.get(("default_profile",)),
        profiles=MappingProxyType(profiles),
    )


def _check_profile(check: _Checker, name: str, table: object) -> Profile:
    base: KeyPath = ("profiles", name)
    if not isinstance(table, Mapping):
        raise check.fail(base, f"profile {name!r} must be a table: [profiles.{name}]")
    provider = table.get("provider")
    if provider is None:
        raise check.fail(base, f'profile {name!r} has no provider key (e.g. provider = "telnyx")')
    if not isinstance(provider, str) or not provider:
        raise check.fail((*base, "provider"), f"profile {name!r}: provider must be a string")
    region = table.get("region")
    if region is not None and (not isinstance(region, str) or not region):
        raise check.fail((*base, "region"), f"profile {name!r}: region must be a string")
    options: dict[str, Any] = {}
    env_options: dict[str, str] = {}
    key_lines: dict[str, int] = {}
    for key, value in table.items():
        key_path = (*base, key)
        line = check.line(key_path)
        if line is not None:
            key_lines[key] = line
        if key in ("provider", "region"):
            continue
        if key == REGION_OPTION:
            raise check.fail(
                key_path,
                f"profile {name!r}: a profile spells the {REGION_OPTION} option region "
                '(region = "…")',
            )
        if key == "timeout":
            options["timeout"] = check_timeout(check.fail, key_path, value)
        elif key == "retry":
            options["retry"] = check_retry(check.fail, key_path, value)
        elif key.endswith(ENV_SUFFIX) and len(key) > len(ENV_SUFFIX):
            option = key[: -len(ENV_SUFFIX)]
            if not isinstance(value, str) or not _ENV_NAME.match(value):
                raise check.fail(
                    key_path,
                    f"profile {name!r}: {key} must name an environment variable "
                    f"(e.g. {option.upper()}), got {_safe_repr(key, value)}",
                )
            if option in table:
                raise check.fail(
                    key_path,
                    f"profile {name!r} sets both {option} and {key}; give one of them",
                )
            if option == "region":
                raise check.fail(
                    key_path,
                    f"profile {name!r}: region cannot name a variable; ${REGION_ENV} sets the "
                    "default region whatever the profile",
                )
            if option in PROFILE_KEYS or option in NOT_IN_FILES:
                raise check.fail(
                    key_path, f"profile {name!r}: {option} cannot be read from the environment"
                )
            env_options[option] = value
            if line is not None:
                key_lines[option] = line
        elif key in NOT_IN_FILES:
            raise check.fail(
                key_path,
                f"profile {name!r}: {key} is a Python object; pass it to connect() instead",
            )
        else:
            options[key] = value
    return Profile(
        name=name,
        provider=provider,
        path=check.path,
        line=check.line(base),
        region=region,
        options=MappingProxyType(options),
        env_options=MappingProxyType(env_options),
        key_lines=MappingProxyType(key_lines),
    )


def _safe_repr(key: str, value: object) -> str:
    return "a secret-looking value" if is_secret_option(key) else repr(value)
