"""The one JSON codec of confclient (client, sandbox and emulators): orjson, or the standard
library where orjson cannot be imported.

orjson is a core dependency (it decodes pages about twice as fast). The standard-library path
stays for an environment that installed confclient without it (no wheel for the platform,
``pip install --no-deps``): both produce compact UTF-8 bytes and raise :data:`JSONDecodeError`
alike, which ``tests/codec`` checks on both paths.
"""

from __future__ import annotations

import importlib
import json
from types import ModuleType
from typing import Any

__all__ = ["JSONDecodeError", "dumps", "loads", "using_orjson"]


def _load_orjson() -> ModuleType | None:
    try:
        return importlib.import_module("orjson")
    except ImportError:
        return None


_orjson = _load_orjson()
using_orjson = _orjson is not None

JSONDecodeError: tuple[type[Exception], ...] = (ValueError, UnicodeDecodeError)
"""What a failed :func:`loads` raises (both libraries' errors are ``ValueError``\\ s)."""

if _orjson is not None:
    _orjson_loads = _orjson.loads
    _orjson_dumps = _orjson.dumps

    def loads(data: bytes | bytearray | str) -> Any:
        return _orjson_loads(data)

    def dumps(value: Any) -> bytes:
        encoded: bytes = _orjson_dumps(value)
        return encoded

else:

    def loads(data: bytes | bytearray | str) -> Any:
        return json.loads(data)

    def dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
