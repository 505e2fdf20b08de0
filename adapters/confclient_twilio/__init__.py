"""Twilio Voice Insights conference summaries for confclient (list, retrieve).

Usually reached by name: ``confclient.connect("twilio", ...)``. The package loads its parts on
first use (PEP 562): importing a pure module (``params``, ``records``, ``pages``) loads no
I/O machinery, and neither does importing the package.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .params import MIXER_REGIONS, PARTICIPANT_REGIONS
    from .service import DEFAULT_BASE_URL, TwilioInsightsConferenceService

_LAZY: dict[str, str] = {
    "DEFAULT_BASE_URL": "service",
    "MIXER_REGIONS": "params",
    "PARTICIPANT_REGIONS": "params",
    "TwilioInsightsConferenceService": "service",
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
    "MIXER_REGIONS",
    "PARTICIPANT_REGIONS",
    "TwilioInsightsConferenceService",
]
