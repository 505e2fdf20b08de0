"""Telnyx Call Control conferences for confclient (list, retrieve, create).

Usually reached by name: ``confclient.connect("telnyx", ...)``. The package loads its parts on
first use (PEP 562): importing a pure module (``params``, ``records``, ``pages``) loads no
I/O machinery, and neither does importing the package.
"""

from typing import TYPE_CHECKING

from confclient.adapter import lazy_exports

if TYPE_CHECKING:
    from .params import REGIONS
    from .service import DEFAULT_BASE_URL, TelnyxConferenceService

_LAZY: dict[str, str] = {
    "DEFAULT_BASE_URL": "service",
    "REGIONS": "params",
    "TelnyxConferenceService": "service",
}

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())


__all__ = [
    "DEFAULT_BASE_URL",
    "REGIONS",
    "TelnyxConferenceService",
]
