"""Exit codes and the one-line error of the ``confclient`` command.

Exit codes: 0 ok, 1 provider or transport error, 2 usage or configuration, 3 authentication,
4 not found, 130 interrupted. Errors are one line on stderr, with the provider's code.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

import click

from confclient.errors import (
    APIError,
    AuthenticationError,
    ConfClientError,
    ConfigurationError,
    FanOutError,
    InvalidRequestError,
    NotFoundError,
)
from confclient.paging import Pager

__all__ = [
    "EXIT_AUTH",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_USAGE",
    "and_join",
    "describe_error",
    "errors_to_exit_codes",
    "exit_code",
    "how_the_others_ended",
]

EXIT_OK: Final = 0
EXIT_ERROR: Final = 1
EXIT_USAGE: Final = 2
EXIT_AUTH: Final = 3
EXIT_NOT_FOUND: Final = 4
EXIT_INTERRUPTED: Final = 130

F = TypeVar("F", bound=Callable[..., Any])


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


def and_join(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _same_error(exc: BaseException) -> tuple[object, ...]:
    """What makes two failures "the same error" (a request id differs every time)."""
    if isinstance(exc, APIError):
        return (type(exc), exc.provider, exc.status, exc.code, exc.title, exc.detail)
    return (type(exc), describe_error(exc))


def _name_sources(sources: Sequence[str]) -> str:
    """``p in Australia and Europe`` for fan-out sources ``p:Australia`` and ``p:Europe``;
    other names (``p#1``) as they are."""
    providers = {source.partition(":")[0] for source in sources}
    if len(providers) == 1 and all(":" in source for source in sources):
        regions = [source.partition(":")[2] for source in sources]
        return f"{providers.pop()} in {and_join(regions)}"
    return and_join(list(sources))


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


def how_the_others_ended(group: FanOutError, listings: Sequence[tuple[str, Pager]]) -> str:
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
    return f"{tally}; {the_other}{and_join(ended)}"


def _fail(exc: BaseException) -> click.exceptions.Exit:
    click.echo(f"confclient: error: {describe_error(exc)}", err=True)
    return click.exceptions.Exit(exit_code(exc))


def errors_to_exit_codes(function: F) -> F:
    """A command's ``ConfClientError`` becomes its one-line error and exit code; a reader
    of stdout that went away (``confclient list | head``) ends the command with 0."""

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


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
