"""The ``confclient`` command.

``confclient demo`` starts the embedded sandbox and lists every region of every provider;
``confclient list | get | create | participants`` work on a provider chosen by options, the
environment or a configuration profile; ``confclient sandbox`` serves the sandbox until Ctrl-C;
``confclient providers`` and ``confclient profiles`` say what is installed and configured.

The command needs the ``cli`` extra (click and rich): ``pip install '.[cli]'`` in a checkout
(confclient is installed from a clone: it is not on PyPI).
This module imports neither, so that without them the command says so in one line.

The package: ``_app`` (the command group and the exit code of a run), one module per command
group (``_list``; ``_participants``; ``_conference``: get and create, with ``_create_fields``;
``_providers``: providers and profiles; ``_sandbox``: sandbox and demo), ``_connection`` (the
connection options every command that talks to a provider takes), ``_options`` (the other
shared options), ``_errors`` (exit codes, one-line errors), ``_debug`` (``--debug``, secrets
redacted), ``_writers``, ``_table`` and ``_progress`` (what is printed).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Final

__all__ = ["CLI_EXTRA_HINT", "main"]

CLI_EXTRA_HINT: Final = (
    "confclient: the command line needs the 'cli' extra (click and rich): in the confclient "
    "checkout, pip install '.[cli]'"
)
_CLI_DEPENDENCIES: Final = frozenset({"click", "rich"})
_USAGE: Final = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``confclient`` console script; returns the exit code.

    >>> main(["demo", "--size", "2"])  # doctest: +SKIP
    0
    """
    try:
        from ._app import run
    except ImportError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing not in _CLI_DEPENDENCIES:
            raise
        print(CLI_EXTRA_HINT, file=sys.stderr)
        return _USAGE
    return run(argv)
