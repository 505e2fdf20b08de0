"""Telnyx Call Control conferences for confclient (list, retrieve, create).

Usually reached by name: ``confclient.connect("telnyx", api_key=...)``.
"""

from .params import REGIONS
from .service import DEFAULT_BASE_URL, TelnyxConferenceService

__all__ = ["DEFAULT_BASE_URL", "REGIONS", "TelnyxConferenceService"]
