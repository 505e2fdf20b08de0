"""``confclient.webhook_verifier``: found through the provider's ``webhooks`` seam, its
secrets resolved like ``connect`` (arguments > environment > profile)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest

from confclient import ConfigurationError, connect, webhook_verifier
from confclient.config import load_config
from confclient_telnyx.events import TelnyxWebhookVerifier
from confclient_twilio.events import TwilioWebhookVerifier

from ._support import FakeService, write

KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(1, 33))).decode()
TOKEN = "0123456789abcdef0123456789abcdef"


def key_of(verifier: object) -> bytes:
    assert isinstance(verifier, TelnyxWebhookVerifier)
    raw: bytes = verifier._key.public_bytes_raw()
    return raw


def test_by_name_with_secrets_or_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert key_of(webhook_verifier("telnyx", public_key=KEY_A)) == bytes(range(32))
    monkeypatch.setenv("TELNYX_PUBLIC_KEY", KEY_B)
    assert key_of(webhook_verifier("telnyx")) == bytes(range(1, 33))
    assert key_of(webhook_verifier("telnyx", public_key=KEY_A)) == bytes(range(32))
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    assert isinstance(webhook_verifier("twilio"), TwilioWebhookVerifier)


def test_missing_secret_says_how_to_give_it() -> None:
    with pytest.raises(ConfigurationError) as caught:
        webhook_verifier("telnyx")
    assert caught.value.missing == ("public_key",)
    assert "TELNYX_PUBLIC_KEY" in str(caught.value)
    with pytest.raises(ConfigurationError, match=r"takes|unexpected"):
        webhook_verifier("twilio", auth_token=TOKEN, public_key=KEY_A)


def test_a_provider_without_webhooks(register: Callable[..., None]) -> None:
    register("fake", FakeService)
    with pytest.raises(ConfigurationError, match="'fake' does not verify webhooks"):
        webhook_verifier("fake")
    with pytest.raises(ConfigurationError, match="unknown provider"):
        webhook_verifier("nope")


def test_a_profile_holds_the_public_key_and_connect_ignores_it(
    no_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        no_config / "confclient.toml",
        f"""\
        [profiles.eu]
        provider = "telnyx"
        api_key = "KEY0123"
        public_key = "{KEY_A}"
        region = "Europe"

        [profiles.us]
        provider = "twilio"
        account_sid = "AC{"0" * 32}"
        auth_token_env = "US_TOKEN"
        """,
    )
    load_config()  # public_key is a key a telnyx profile takes
    assert key_of(webhook_verifier(profile="eu")) == bytes(range(32))
    svc = connect(profile="eu")
    assert svc.provider == "telnyx"
    # The environment outranks the file's literal value; an argument outranks both.
    monkeypatch.setenv("TELNYX_PUBLIC_KEY", KEY_B)
    assert key_of(webhook_verifier(profile="eu")) == bytes(range(1, 33))
    assert key_of(webhook_verifier(profile="eu", public_key=KEY_A)) == bytes(range(32))
    # A profile's own variable is used (and must be set).
    with pytest.raises(ConfigurationError, match="US_TOKEN"):
        webhook_verifier(profile="us")
    monkeypatch.setenv("US_TOKEN", TOKEN)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "another-accounts-token")
    verifier = webhook_verifier(profile="us")
    assert isinstance(verifier, TwilioWebhookVerifier)
    assert verifier._key == TOKEN.encode()


def test_a_key_no_part_of_the_provider_takes_is_still_refused(no_config: Path) -> None:
    write(
        no_config / "confclient.toml",
        """\
        [profiles.eu]
        provider = "twilio"
        public_key = "x"
        """,
    )
    with pytest.raises(ConfigurationError, match="unknown key 'public_key'"):
        load_config()
