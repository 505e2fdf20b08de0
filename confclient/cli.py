"""The ``confclient`` command.

``confclient demo`` starts the embedded sandbox and lists every region of every provider;
``confclient list | get | create`` work on a provider chosen by options, the environment or
a configuration profile; ``confclient sandbox`` serves the sandbox until Ctrl-C;
``confclient providers`` and ``confclient profiles`` say what is installed and configured.

The command needs the ``cli`` extra (click and rich): ``pip install '.[cli]'`` in a checkout
(confclient is installed from a clone: it is not on PyPI).
This module imports neither, so that without them the command says so in one line.
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
        from ._cli_app import run
    except ImportError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing not in _CLI_DEPENDENCIES:
            raise
        print(CLI_EXTRA_HINT, file=sys.stderr)
        return _USAGE
    return run(argv)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
