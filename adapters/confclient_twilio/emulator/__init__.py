"""The Twilio half of the sandbox: Voice Insights conference summaries emulated on loopback.

Named by :attr:`confclient_twilio.TwilioInsightsConferenceService.emulator` and mounted by
:class:`confclient.sandbox.Sandbox` under ``/v1``. One module per job: :mod:`.data` (seeded
records and credentials), :mod:`.query` (the API's validation and page tokens),
:mod:`.errors` (its error bodies), :mod:`.store` (the records and views), :mod:`.app` (the
routes).
"""

from .app import API_PREFIX, REQUEST_ID_HEADER, TwilioEmulator
from .data import TWILIO_MIXER_REGIONS

__all__ = ["API_PREFIX", "REQUEST_ID_HEADER", "TWILIO_MIXER_REGIONS", "TwilioEmulator"]
