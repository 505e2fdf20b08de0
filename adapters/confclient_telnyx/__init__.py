"""Telnyx Call Control conferences for confclient (list, retrieve, create).

Usually reached by name: ``confclient.connect("telnyx", ...)``. The package loads its parts on
first use (PEP 562): importing a pure module (``params``, ``records``, ``pages``) loads no
I/O machinery, and neither does importing the package.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .params import REGIONS
    from .service import DEFAULT_BASE_URL, TelnyxConferenceService

_LAZY: dict[str, str] = {
    "DEFAULT_BASE_URL": "service",
    "REGIONS": "params",
    "TelnyxConferenceService": "service",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_BASE_URL",
    "REGIONS",
    "TelnyxConferenceService",
]
