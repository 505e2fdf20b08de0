"""Configuration files: TOML profiles naming a provider and its options.

A file holds ``default_profile`` (optional) and one ``[profiles.NAME]`` table per profile::

    default_profile = "eu"

    [profiles.eu]
    provider = "telnyx"
    region = "Europe"                  # the default_region option: where list and get look
    api_key_env = "TELNYX_EU_API_KEY"  # OPTION_env: read OPTION from this variable
    timeout = 10                       # or a table: total, connect, read, deadline
    retry = { max_attempts = 5 }       # or false: never retry

Files are searched in order: ``$CONFCLIENT_CONFIG`` alone when it is set, else
``./confclient.toml`` then ``$XDG_CONFIG_HOME/confclient/config.toml`` (default
``~/.config``). A profile is taken whole from the first file defining it.

Every error names the file, the line and the key. ``tomllib`` reports lines of syntax errors
only, so :func:`locate_keys` finds the line of every key in the text itself.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import attrs

from .errors import ConfigurationError
from .transport import RetryPolicy, Timeout

__all__ = [
    "CONFIG_ENV",
    "LOCAL_FILE",
    "PROFILE_ENV",
    "REGION_ENV",
    "REGION_OPTION",
    "Config",
    "ConfigFile",
    "Profile",
    "config_paths",
    "convert_option",
    "did_you_mean",
    "is_secret_option",
    "load_config_file",
    "locate_keys",
    "read_config",
]

CONFIG_ENV: Final = "CONFCLIENT_CONFIG"
PROFILE_ENV: Final = "CONFCLIENT_PROFILE"
LOCAL_FILE: Final = "confclient.toml"

ENV_SUFFIX: Final = "_env"
# Options that are Python objects, not values a file can hold.
NOT_IN_FILES: Final = frozenset({"session", "trace_configs"})
# Profile keys the loader interprets itself (everything else is a provider option).
PROFILE_KEYS: Final = ("provider", "region", "timeout", "retry")
#: The option a profile's ``region`` key sets (and which a profile spells ``region``).
REGION_OPTION: Final = "default_region"
#: The variable that sets ``default_region`` for any provider (environment level).
REGION_ENV: Final = "CONFCLIENT_REGION"
TIMEOUT_KEYS: Final = ("total", "connect", "read", "deadline")
RETRY_KEYS: Final = ("max_attempts", "backoff_base", "backoff_max", "retry_after_max", "statuses")
_SECRET_WORDS: Final = ("key", "token", "secret", "password")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")

KeyPath = tuple[str, ...]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` naming the candidate closest to ``word``, or ``""``.

    >>> did_you_mean("page_concurency", ["page_concurrency", "timeout"])
    " (did you mean 'page_concurrency'?)"
    """
    by_fold = {c.casefold(): c for c in candidates}
    found = difflib.get_close_matches(word.casefold(), list(by_fold), n=1)
    return f" (did you mean {by_fold[found[0]]!r}?)" if found else ""


def is_secret_option(name: str) -> bool:
    """Whether an option holds a credential (its value is never printed)."""
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


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
    :func:`confclient.config.load_config`, which every reader goes through.
    """
    if config_file is not None:
        path = Path(config_file).expanduser()
        if not path.is_file():
            raise ConfigurationError(f"configuration file {path} does not exist")
        paths: tuple[Path, ...] = (path,)
    else:
        paths = config_paths(env, cwd=cwd)
    return Config(tuple(load_config_file(p) for p in paths))


# -- one file ---------------------------------------------------------------------------------


def load_config_file(path: str | os.PathLike[str]) -> ConfigFile:
    """Parse and check one file. Every :class:`ConfigurationError` starts with ``path:line:``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read the configuration file: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"{path}: not a UTF-8 text file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(_describe_toml_error(path, text, exc)) from None
    lines = locate_keys(text)
    return _check_file(path, data, lines)


def _describe_toml_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> str:
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


def _dotted(key_path: KeyPath) -> str:
    return ".".join(key_path)


_FILE_KEYS: Final = ("default_profile", "profiles")


def _check_file(path: Path, data: Mapping[str, Any], lines: Mapping[KeyPath, int]) -> ConfigFile:
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
            options["timeout"] = _check_timeout(check.fail, key_path, value)
        elif key == "retry":
            options["retry"] = _check_retry(check.fail, key_path, value)
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


def convert_option(option: str, value: object, where: str) -> Any:
    """An option value from outside Python (a file, ``-o key=value``): ``timeout`` and
    ``retry`` become :class:`Timeout` / :class:`RetryPolicy` as in a profile; errors start
    with ``where``."""

    def fail(_key_path: KeyPath, message: str) -> ConfigurationError:
        return ConfigurationError(f"{where}: {message}")

    if option == "timeout":
        return _check_timeout(fail, (option,), value)
    if option == "retry":
        return _check_retry(fail, (option,), value)
    return value


def _safe_repr(key: str, value: object) -> str:
    return "a secret-looking value" if is_secret_option(key) else repr(value)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


#: Makes the error for a key: ``_Checker.fail`` in a file, a plain prefix elsewhere.
Fail = Callable[[KeyPath, str], ConfigurationError]


def _check_timeout(fail: Fail, key_path: KeyPath, value: object) -> Timeout:
    if _number(value):
        try:
            return Timeout.coerce(value)  # type: ignore[arg-type]
        except ConfigurationError as exc:
            raise fail(key_path, f"{_dotted(key_path)}: {exc}") from None
    if not isinstance(value, Mapping):
        raise fail(
            key_path,
            f"{_dotted(key_path)} must be a number of seconds or a table with "
            f"{', '.join(TIMEOUT_KEYS)}",
        )
    fields: dict[str, float | None] = {}
    for key, item in value.items():
        if key not in TIMEOUT_KEYS:
            raise fail(
                (*key_path, key),
                f"unknown key {key!r} in {_dotted(key_path)}{did_you_mean(key, TIMEOUT_KEYS)}; "
                f"it takes {', '.join(TIMEOUT_KEYS)}",
            )
        if item is False:
            fields[key] = None  # TOML has no null: false turns a limit off
        elif _number(item) and item > 0:
            fields[key] = float(item)
        else:
            raise fail(
                (*key_path, key),
                f"{_dotted((*key_path, key))} must be a positive number of seconds "
                f"(or false for no limit), got {item!r}",
            )
    return Timeout(**fields)


def _status_list(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(s, int) and not isinstance(s, bool) and 100 <= s <= 599 for s in value
    )


def _check_retry(fail: Fail, key_path: KeyPath, value: object) -> RetryPolicy:
    if value is False:
        return RetryPolicy.disabled()
    if value is True:
        return RetryPolicy()
    if not isinstance(value, Mapping):
        raise fail(
            key_path,
            f"{_dotted(key_path)} must be false (never retry) or a table with "
            f"{', '.join(RETRY_KEYS)}",
        )
    fields: dict[str, Any] = {}
    for key, item in value.items():
        if key not in RETRY_KEYS:
            raise fail(
                (*key_path, key),
                f"unknown key {key!r} in {_dotted(key_path)}{did_you_mean(key, RETRY_KEYS)}; "
                f"it takes {', '.join(RETRY_KEYS)}",
            )
        if key == "statuses" and not _status_list(item):
            raise fail(
                (*key_path, key),
                f"{_dotted((*key_path, key))} must be a list of HTTP status codes",
            )
        fields[key] = item
    try:
        return RetryPolicy(**fields)
    except ConfigurationError as exc:
        bad = next((k for k in fields if f".{k} " in str(exc)), None)
        where = (*key_path, bad) if bad else key_path
        raise fail(where, str(exc)) from None


# -- finding the line of every key ------------------------------------------------------------

_BARE_KEY_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
)
_ESCAPES: Final = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class _Scanner:
    """Walks TOML text that ``tomllib`` already accepted, noting the line of every key."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.found: dict[KeyPath, int] = {}

    # low-level

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def startswith(self, token: str | tuple[str, ...]) -> bool:
        return self.text.startswith(token, self.pos)

    def advance(self, count: int = 1) -> None:
        chunk = self.text[self.pos : self.pos + count]
        self.line += chunk.count("\n")
        self.pos += count

    def skip_blank(self, newlines: bool) -> None:
        """Skip spaces, tabs, comments (and newlines when asked)."""
        while self.pos < len(self.text):
            char = self.peek()
            if char in " \t\r" or (newlines and char == "\n"):
                self.advance()
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.advance((len(self.text) if end < 0 else end) - self.pos)
            else:
                return

    def note(self, key_path: KeyPath, line: int) -> None:
        self.found.setdefault(key_path, line)

    # keys and values

    def key(self) -> KeyPath:
        """A dotted key, e.g. ``a."b.c".d``."""
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            char = self.peek()
            if char == '"':
                parts.append(self.basic_string())
            elif char == "'":
                parts.append(self.literal_string())
            else:
                start = self.pos
                while self.peek() and self.peek() in _BARE_KEY_CHARS:
                    self.advance()
                if self.pos == start:
                    raise ValueError("not a key")
                parts.append(self.text[start : self.pos])
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return tuple(parts)
            self.advance()

    def basic_string(self) -> str:
        self.advance()  # "
        out: list[str] = []
        while self.pos < len(self.text) and self.peek() != '"':
            if self.peek() == "\\":
                code = self.peek(1)
                if code in _ESCAPES:
                    out.append(_ESCAPES[code])
                    self.advance(2)
                elif code in "uU":
                    width = 4 if code == "u" else 8
                    out.append(chr(int(self.text[self.pos + 2 : self.pos + 2 + width], 16)))
                    self.advance(2 + width)
                else:
                    self.advance(2)
            else:
                out.append(self.peek())
                self.advance()
        self.advance()  # closing "
        return "".join(out)

    def literal_string(self) -> str:
        end = self.text.index("'", self.pos + 1)
        value = self.text[self.pos + 1 : end]
        self.advance(end + 1 - self.pos)
        return value

    def multiline(self, quote: str) -> None:
        self.advance(3)
        while self.pos < len(self.text):
            if quote == '"""' and self.peek() == "\\":
                self.advance(2)
            elif self.startswith(quote):
                self.advance(3)
                # Up to two more quotes may belong to the string's content.
                while self.peek() == quote[0]:
                    self.advance()
                return
            else:
                self.advance()

    def value(self, key_path: KeyPath) -> None:
        self.skip_blank(newlines=False)
        if self.startswith(('"""', "'''")):
            self.multiline(self.text[self.pos : self.pos + 3])
        elif self.peek() == '"':
            self.basic_string()
        elif self.peek() == "'":
            self.literal_string()
        elif self.peek() == "[":
            self.array(key_path)
        elif self.peek() == "{":
            self.inline_table(key_path)
        else:
            while self.peek() and self.peek() not in ",]}#\n \t\r":
                self.advance()

    def array(self, key_path: KeyPath) -> None:
        self.advance()  # [
        while True:
            self.skip_blank(newlines=True)
            if self.peek() in ("]", ""):
                self.advance()
                return
            if self.peek() == ",":
                self.advance()
                continue
            self.value(key_path)

    def inline_table(self, key_path: KeyPath) -> None:
        self.advance()  # {
        while True:
            self.skip_blank(newlines=True)
            if self.peek() in ("}", ""):
                self.advance()
                return
            if self.peek() == ",":
                self.advance()
                continue
            line = self.line
            sub = self.key()
            for end in range(1, len(sub) + 1):
                self.note((*key_path, *sub[:end]), line)
            self.skip_blank(newlines=False)
            self.advance()  # =
            self.value((*key_path, *sub))

    # the document

    def document(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.found
            line = self.line
            if self.peek() == "[":
                double = self.startswith("[[")
                self.advance(2 if double else 1)
                table = self.key()
                for end in range(1, len(table) + 1):
                    self.note(table[:end], line)
                self.skip_blank(newlines=False)
                self.advance(2 if double else 1)
                continue
            sub = self.key()
            for end in range(1, len(sub) + 1):
                self.note((*table, *sub[:end]), line)
            self.skip_blank(newlines=False)
            self.advance()  # =
            self.value((*table, *sub))


def locate_keys(text: str) -> dict[KeyPath, int]:
    """The line (1-based) where each key path first appears in valid TOML ``text``:
    table headers, ``key = value`` lines, dotted keys and keys inside inline tables.

    >>> locate_keys('[profiles.eu]\\nprovider = "telnyx"\\n')[("profiles", "eu", "provider")]
    2
    """
    scanner = _Scanner(text)
    try:
        return scanner.document()
    except (ValueError, IndexError):
        # Only reachable on text tomllib would refuse; keep what was found so far.
        return scanner.found
