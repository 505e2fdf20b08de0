"""Twilio Voice Insights conference summaries for confclient (list, retrieve).

Usually reached by name: ``confclient.connect("twilio", account_sid=..., auth_token=...)``.
"""

from .params import MIXER_REGIONS, PARTICIPANT_REGIONS
from .service import DEFAULT_BASE_URL, TwilioInsightsConferenceService

__all__ = [
    "DEFAULT_BASE_URL",
    "MIXER_REGIONS",
    "PARTICIPANT_REGIONS",
    "TwilioInsightsConferenceService",
]
