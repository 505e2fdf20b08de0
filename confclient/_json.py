"""JSON codec: orjson when it is installed (it is faster), the standard library otherwise.

orjson is optional (``pip install confclient[fast]``); both paths are tested.
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
