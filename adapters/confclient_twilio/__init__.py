"""Twilio Voice Insights conference summaries for confclient (list, retrieve).

Usually reached by name: ``confclient.connect("twilio", ...)``. The package loads its parts on
first use (PEP 562): importing a pure module (``params``, ``records``, ``pages``) loads no
I/O machinery, and neither does importing the package.
"""

from typing import TYPE_CHECKING

from confclient.adapter import lazy_exports

if TYPE_CHECKING:
    from .params import MIXER_REGIONS, PARTICIPANT_REGIONS
    from .service import DEFAULT_BASE_URL, TwilioInsightsConferenceService

_LAZY: dict[str, str] = {
    "DEFAULT_BASE_URL": "service",
    "MIXER_REGIONS": "params",
    "PARTICIPANT_REGIONS": "params",
    "TwilioInsightsConferenceService": "service",
}

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())


__all__ = [
    "DEFAULT_BASE_URL",
    "MIXER_REGIONS",
    "PARTICIPANT_REGIONS",
    "TwilioInsightsConferenceService",
]
