"""The Telnyx half of the sandbox: the Call Control conferences API emulated on loopback.

Named by :attr:`confclient_telnyx.TelnyxConferenceService.emulator` and mounted by
:class:`confclient.sandbox.Sandbox` under ``/v2``. One module per job: :mod:`.data` (seeded
records and keys), :mod:`.query` and :mod:`.create` (the API's validation), :mod:`.errors`
(its error bodies), :mod:`.store` (a region's records and views), :mod:`.app` (the routes).
"""

from .app import API_PREFIX, TelnyxEmulator
from .data import DEFAULT_REGION, TELNYX_REGIONS

__all__ = ["API_PREFIX", "DEFAULT_REGION", "TELNYX_REGIONS", "TelnyxEmulator"]
