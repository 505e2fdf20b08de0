"""Names a package exports but loads on first use (PEP 562), so that importing it is cheap
and importing a pure part of it loads no I/O machinery: ``confclient`` itself,
``confclient.adapter``, and each adapter package.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    base: str, table: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of a package whose ``namespace`` (its
    ``globals()``) exports ``table``'s names: ``name -> submodule`` of ``base``.

    >>> __getattr__, __dir__ = lazy_exports("confclient", {"Pager": "paging"}, globals())
    """

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{base}.{module}"), name)
        namespace[name] = value  # later lookups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(namespace.get("__all__", ())))

    return __getattr__, __dir__
