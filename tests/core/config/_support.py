"""Stand-in providers and file helpers shared by the configuration tests."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

from confclient import RetryPolicy, Timeout
from confclient.config import ENTRY_POINT_GROUP

HERE = __name__


class FakeService:
    """Stands in for a provider's service class: records the options it was made with."""

    def __init__(
        self, *, api_key: str, default_region: str = "US", base_url: str | None = None
    ) -> None:
        self.options = {"api_key": api_key, "default_region": default_region, "base_url": base_url}

    @staticmethod
    def options_from_env(env: Mapping[str, str]) -> dict[str, Any]:
        names = {"FAKE_API_KEY": "api_key", "FAKE_REGION": "default_region"}
        return {option: env[var] for var, option in names.items() if var in env}


class OtherService(FakeService):
    """A different target."""


class Outer:
    class Inner(FakeService):
        """A nested target."""


def plain_factory(*, token: str) -> dict[str, str]:
    """A factory without options_from_env."""
    return {"token": token}


NOT_CALLABLE = 42


def ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


class TimedService(FakeService):
    """A provider taking timeout and retry, like the real ones."""

    def __init__(
        self,
        *,
        api_key: str,
        default_region: str = "US",
        base_url: str | None = None,
        timeout: Timeout | float | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(api_key=api_key, default_region=default_region, base_url=base_url)
        self.options.update(timeout=timeout, retry=retry)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


TWO_PROFILES = """\
    # confclient profiles
    default_profile = "eu"

    [profiles.eu]
    provider = "telnyx"
    region = "Europe"
    api_key_env = "TELNYX_EU_KEY"
    timeout = { total = 10, deadline = 60 }

    [profiles."us insights"]
    provider = "twilio"
    account_sid = "AC0123456789abcdef0123456789abcdef"
    auth_token_env = "TWILIO_US_TOKEN"
    retry.max_attempts = 2
    retry.statuses = [429,
      503]
    """
