"""Fixtures: a running sandbox, a plain aiohttp session, raw API helpers."""

from __future__ import annotations

from tests.sandbox.sandbox_helpers import api, sandbox, session, twilio

__all__ = ["api", "sandbox", "session", "twilio"]
