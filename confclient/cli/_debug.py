"""``--debug``: the ``confclient`` logger at DEBUG to stderr for one run, secrets redacted."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Final

__all__ = ["DEBUG_LOG", "DebugLog"]


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


class DebugLog:
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


#: The one debug log of the process (a run enables it, and resets it when it ends).
DEBUG_LOG: Final = DebugLog()
