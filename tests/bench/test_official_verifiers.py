"""The official SDKs' own webhook checks accept every delivery the sandbox signs (the bench
extra installs them: ``pip install -e '.[bench]'``; skipped without it).

``twilio.request_validator.RequestValidator`` and the telnyx SDK's Ed25519 check
(``telnyx.lib.webhook_verification.verify_webhook_signature``, which needs PyNaCl) are
run on each delivery exactly as received over HTTP.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from aiohttp import web

from confclient.sandbox import Sandbox
from tests._receiver import receiving

pytest.importorskip("nacl", reason="the bench extra (PyNaCl, for the telnyx SDK's check)")
request_validator = pytest.importorskip("twilio.request_validator", reason="the bench extra")
telnyx_verification = pytest.importorskip(
    "telnyx.lib.webhook_verification", reason="the bench extra"
)

Received = list[tuple[dict[str, str], bytes, str]]


async def deliveries(provider: str, path: str = "/hooks/x?tenant=1") -> tuple[Sandbox, Received]:
    received: Received = []

    async def handle(request: web.Request) -> web.Response:
        received.append((dict(request.headers), await request.read(), str(request.url)))
        return web.Response()

    sb = Sandbox(seed=5, size=1)
    async with receiving(("/hooks/x", handle)) as root:
        await sb.start()
        try:
            sb.add_webhook(provider, root + path)
            for participants in (2, 5):
                await sb.simulate_conference(provider, participants=participants, duplicates=0.3)
        finally:
            await sb.stop()
    return sb, received


async def test_twilio_request_validator_accepts_every_delivery() -> None:
    sb, received = await deliveries("twilio")
    validator = request_validator.RequestValidator(sb.twilio_auth_token)
    assert len(received) > 20
    for headers, body, url in received:
        params = dict(parse_qsl(body.decode(), keep_blank_values=True))
        assert validator.validate(url, params, headers["X-Twilio-Signature"]), params
        assert not validator.validate(url + "&x=1", params, headers["X-Twilio-Signature"])


async def test_telnyx_sdk_ed25519_check_accepts_every_delivery() -> None:
    sb, received = await deliveries("telnyx")
    assert len(received) > 20
    for headers, body, _url in received:
        telnyx_verification.verify_webhook_signature(body, headers, sb.telnyx_public_key)
        with pytest.raises(telnyx_verification.WebhookVerificationError):
            telnyx_verification.verify_webhook_signature(body + b" ", headers, sb.telnyx_public_key)
