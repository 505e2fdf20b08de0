"""Fixtures for the sandbox tests: a running sandbox, a plain aiohttp session, API helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from confclient.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Api, TwilioApi


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(seed=0, size=100) as sb:
        yield sb


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def api(session: aiohttp.ClientSession, sandbox: Sandbox) -> Api:
    return Api(session, sandbox)


@pytest.fixture
def twilio(session: aiohttp.ClientSession, sandbox: Sandbox) -> TwilioApi:
    return TwilioApi(session, sandbox)
