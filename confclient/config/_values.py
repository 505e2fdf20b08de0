"""Option values from outside Python: ``timeout`` and ``retry`` as a file or ``-o`` spells them.

A number of seconds or a table becomes a :class:`~confclient.Timeout`, ``false`` or a table a
:class:`~confclient.RetryPolicy`; any other option passes through. Errors come from a
:data:`Fail` so that a file names its line and ``-o`` its own prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from confclient.errors import ConfigurationError
from confclient.transport import RetryPolicy, Timeout

from ._names import did_you_mean
from ._toml_lines import KeyPath

__all__ = [
    "RETRY_KEYS",
    "TIMEOUT_KEYS",
    "Fail",
    "check_retry",
    "check_timeout",
    "convert_option",
]

TIMEOUT_KEYS: Final = ("total", "connect", "read", "deadline")
RETRY_KEYS: Final = ("max_attempts", "backoff_base", "backoff_max", "retry_after_max", "statuses")


#: Makes the error for a key: ``_Checker.fail`` in a file, a plain prefix elsewhere.
Fail = Callable[[KeyPath, str], ConfigurationError]


def convert_option(option: str, value: object, where: str) -> Any:
    """An option value from outside Python (a file, ``-o key=value``): ``timeout`` and
    ``retry`` become :class:`Timeout` / :class:`RetryPolicy` as in a profile; errors start
    with ``where``."""

    def fail(_key_path: KeyPath, message: str) -> ConfigurationError:
        return ConfigurationError(f"{where}: {message}")

    if option == "timeout":
        return check_timeout(fail, (option,), value)
    if option == "retry":
        return check_retry(fail, (option,), value)
    return value


def _dotted(key_path: KeyPath) -> str:
    return ".".join(key_path)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_timeout(fail: Fail, key_path: KeyPath, value: object) -> Timeout:
    """``value`` (seconds, or a table of ``TIMEOUT_KEYS``; ``false`` turns a limit off) as a
    :class:`Timeout`."""
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


def check_retry(fail: Fail, key_path: KeyPath, value: object) -> RetryPolicy:
    """``value`` (``false``, ``true`` or a table of ``RETRY_KEYS``) as a :class:`RetryPolicy`."""
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
