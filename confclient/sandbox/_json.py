"""JSON encoding for the sandbox: orjson when installed, the stdlib otherwise.

Both produce compact UTF-8 bytes; orjson is only an accelerator (it is not a core dependency).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps", "loads"]

# The ignores cover both environments: orjson installed (typed) and absent (no stubs).
try:
    import orjson  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - exercised only where orjson is absent
    orjson = None  # type: ignore[assignment,unused-ignore]


def dumps(value: Any) -> bytes:
    """Encode ``value`` as compact JSON bytes."""
    if orjson is not None:
        encoded: bytes = orjson.dumps(value)
        return encoded
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def loads(data: bytes) -> Any:
    """Decode JSON bytes; raises ``ValueError`` (or a subclass) on invalid input."""
    if orjson is not None:
        return orjson.loads(data)
    return json.loads(data)
