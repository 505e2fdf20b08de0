"""Configuration files: finding them, reading them, and checking every profile in them.

Files are searched in order: ``$CONFCLIENT_CONFIG`` alone when it is set, else
``./confclient.toml`` then ``$XDG_CONFIG_HOME/confclient/config.toml`` (default
``~/.config``). A profile is taken whole from the first file defining it (the file format
is in :mod:`confclient.config.schema`).

Every error names the file, the line and the key. ``tomllib`` reports lines of syntax errors
only, so :func:`~confclient.config._toml_lines.locate_keys` finds the line of every key in
the text itself. Every reader goes through :func:`load_config`, which also checks each
profile against its provider (:func:`check_profile`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from confclient.errors import ConfigurationError

from ._factory import accepted_options, check_region, verifier_options
from ._names import CONFIG_ENV, ENV_SUFFIX, LOCAL_FILE, NOT_IN_FILES, REGION_OPTION, did_you_mean
from ._toml_lines import locate_keys
from .registry import load_provider
from .schema import Config, ConfigFile, Profile, check_file

__all__ = [
    "check_profile",
    "config_paths",
    "load_config",
    "load_config_file",
    "read_config",
]

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def config_paths(
    env: Mapping[str, str] | None = None, *, cwd: Path | None = None
) -> tuple[Path, ...]:
    """The files that configure confclient, in the order they are read (existing ones only).

    ``$CONFCLIENT_CONFIG`` replaces the search (and must exist). With an explicit ``env``,
    the user file is found from ``env``'s ``XDG_CONFIG_HOME`` or ``HOME`` alone.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    explicit = environ.get(CONFIG_ENV)
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigurationError(f"${CONFIG_ENV} names {path}, which is not a file")
        return (path,)
    found: list[Path] = []
    local = (cwd or Path.cwd()) / LOCAL_FILE
    if local.is_file():
        found.append(local)
    xdg = environ.get("XDG_CONFIG_HOME")
    if xdg and Path(xdg).is_absolute():
        base: Path | None = Path(xdg)
    elif env is None:
        base = Path.home() / ".config"
    else:
        base = Path(env["HOME"]) / ".config" if env.get("HOME") else None
    if base is not None:
        user = base / "confclient" / "config.toml"
        if user.is_file() and not (found and _same_file(found[0], user)):
            found.append(user)
    return tuple(found)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def read_config(
    config_file: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    *,
    cwd: Path | None = None,
) -> Config:
    """Read every configuration file (or only ``config_file``), checking each file's shape
    (see :func:`config_paths`). Whether each profile's keys suit its provider is checked by
    :func:`load_config`, which every reader goes through.
    """
    if config_file is not None:
        path = Path(config_file).expanduser()
        if not path.is_file():
            raise ConfigurationError(f"configuration file {path} does not exist")
        paths: tuple[Path, ...] = (path,)
    else:
        paths = config_paths(env, cwd=cwd)
    return Config(tuple(load_config_file(p) for p in paths))


def load_config_file(path: str | os.PathLike[str]) -> ConfigFile:
    """Parse and check one file. Every :class:`ConfigurationError` starts with ``path:line:``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read the configuration file: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"{path}: not a UTF-8 text file") from None
    import tomllib  # here: a service configured without files starts without it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(_describe_toml_error(path, text, exc)) from None
    lines = locate_keys(text)
    return check_file(path, data, lines)


def _describe_toml_error(path: Path, text: str, exc: ValueError) -> str:
    message = str(exc)
    match = _TOML_POSITION.search(message)
    if match is None:
        return f"{path}: malformed TOML: {message}"
    line, column = int(match[1]), int(match[2])
    reason = message[: match.start()]
    where = f"{path}:{line}:{column}"
    # Name the key of the offending line when it has one; never echo its value (a secret?).
    source_lines = text.splitlines()
    key = ""
    if 0 < line <= len(source_lines):
        head, equals, _ = source_lines[line - 1].partition("=")
        head = head.strip()
        if equals and head and not head.startswith(("#", "[")) and len(head) <= 80:
            key = f" (key {head})"
    return f"{where}: malformed TOML: {reason}{key}"


def check_profile(profile: Profile) -> None:
    """Check a profile against its provider, as :func:`load_config` does for every profile.

    The provider must exist (found lazily through the registry), and every key must be one
    it takes: ``provider``, ``region`` (the ``default_region`` option, one of the provider's
    regions), the provider's options that a file can hold, and ``OPTION_env`` for them. A
    :class:`ConfigurationError` names the file, the line, the key and the closest known key.
    """
    try:
        factory = load_provider(profile.provider)
    except ConfigurationError as exc:
        raise ConfigurationError(
            f"{profile.key_where('provider')}: profile {profile.name!r}: {exc}"
        ) from None
    accepted = accepted_options(factory)
    if accepted is not None:
        accepted |= verifier_options(profile.provider, factory)
        takes_region = REGION_OPTION in accepted
        options = sorted(accepted - NOT_IN_FILES - {REGION_OPTION})
        for option in (*profile.options, *profile.env_options):
            if option in options:
                continue
            literal = option in profile.options
            key = option if literal else option + ENV_SUFFIX
            known = (
                ["provider", *(["region"] if takes_region else []), *options]
                if literal
                else [o + ENV_SUFFIX for o in options]
            )
            also = "provider, region" if takes_region else "provider"
            raise ConfigurationError(
                f"{profile.key_where(option)}: unknown key {key!r} in profile "
                f"{profile.name!r}{did_you_mean(key, known)}; provider {profile.provider!r} "
                f"takes {', '.join(options)}; a profile also takes {also}, and "
                'OPTION_env = "VARIABLE" to read an option from the environment'
            )
        if profile.region is not None and not takes_region:
            raise ConfigurationError(
                f"{profile.key_where('region')}: profile {profile.name!r}: provider "
                f"{profile.provider!r} takes no {REGION_OPTION}, so its profiles cannot set region"
            )
    if profile.region is not None:
        check_region(
            profile.provider,
            factory,
            profile.region,
            f"{profile.key_where('region')}: profile {profile.name!r}: region",
        )


def load_config(
    config_file: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    *,
    cwd: Path | None = None,
) -> Config:
    """Read every configuration file (or only ``config_file``; see
    :func:`config_paths`) and check every profile in them with
    :func:`check_profile`: an unknown provider or a key its provider does not take fails
    here, whichever profile is then used.
    """
    config = read_config(config_file, env, cwd=cwd)
    for one_file in config.files:
        for profile in one_file.profiles.values():
            check_profile(profile)
    return config
