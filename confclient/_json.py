"""JSON codec: orjson when it is installed (it is faster), the standard library otherwise."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["JSONDecodeError", "dumps", "loads"]

try:
    import orjson
except ImportError:  # pragma: no cover - exercised where orjson is absent
    orjson = None  # type: ignore[assignment]

JSONDecodeError: tuple[type[Exception], ...]

if orjson is not None:
    JSONDecodeError = (orjson.JSONDecodeError, UnicodeDecodeError)

    def loads(data: bytes | str) -> Any:
        return orjson.loads(data)

    def dumps(value: Any) -> bytes:
        return orjson.dumps(value)

else:  # pragma: no cover
    JSONDecodeError = (json.JSONDecodeError, UnicodeDecodeError)

    def loads(data: bytes | str) -> Any:
        return json.loads(data)

    def dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()
