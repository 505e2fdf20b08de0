"""Which emulators the host mounts, and the generic API over them (no provider named in it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import confclient
import confclient.sandbox
from confclient.sandbox import Sandbox
from confclient_telnyx import TelnyxConferenceService
from tests.toy.emulator import ToyEmulator
from tests.toy.service import ToyConferenceService


class ClashingEmulator(ToyEmulator):
    name = "clash"
    prefix = "/v2"  # the Telnyx emulator's


class ClashingService(ToyConferenceService):
    provider = "clash"
    emulator = f"{__name__}:ClashingEmulator"


class WithoutEmulator(ToyConferenceService):
    emulator = None


@pytest.fixture
def register() -> Iterator[Any]:
    names: list[str] = []

    def add(name: str, factory: Any) -> None:
        confclient.register_provider(name, factory)
        names.append(name)

    yield add
    for name in names:
        confclient.unregister_provider(name)


def test_two_emulators_claiming_one_prefix_is_an_error_at_construction(register: Any) -> None:
    register("clash", ClashingService)
    with pytest.raises(ValueError, match="both claim the path prefix"):
        Sandbox()
    assert Sandbox(providers=["clash"]).providers == ("clash",)


def test_providers_without_an_emulator_or_that_cannot_load_are_not_served(
    register: Any,
) -> None:
    register("plain", WithoutEmulator)
    register("ghost", "confclient_ghost_module_xyz:Service")
    register("alias", TelnyxConferenceService)  # another name for a provider served anyway
    register("factory", lambda **options: None)
    assert Sandbox().providers == ("telnyx", "twilio")
    assert confclient.sandbox.PROVIDERS == ("telnyx", "twilio")
    with pytest.raises(ValueError, match="'plain' has no sandbox emulator"):
        Sandbox(providers=["plain"])
    with pytest.raises(ValueError, match="'nope' has no sandbox emulator; emulated providers"):
        Sandbox(providers=["nope"])
    with pytest.raises(TypeError, match="not a single string"):
        Sandbox(providers="telnyx")  # type: ignore[arg-type]


def test_an_emulator_that_fails_to_load_is_an_error(register: Any) -> None:
    class Broken(ToyConferenceService):
        provider = "broken"
        emulator = "confclient_missing_emulator_xyz:Emulator"

    register("broken", Broken)
    with pytest.raises(confclient.ConfigurationError, match=r"its emulator .* failed to load"):
        Sandbox()


async def test_the_generic_api(toy_provider: str) -> None:
    async with Sandbox(size=3, providers=["telnyx", toy_provider]) as sb:
        assert sb.providers == ("telnyx", "toy")
        assert isinstance(sb.emulator("toy"), ToyEmulator)
        assert sb.base_url_of("toy") == sb.base_url + "/toy/v1"
        assert sb.environment("telnyx") == {
            "TELNYX_API_KEY": sb.telnyx_api_key,
            "TELNYX_BASE_URL": sb.telnyx_base_url,
        }
        assert sb.records("telnyx") == sb.telnyx_records("US") == sb.telnyx_records()
        assert sb.toy_regions == ("north", "south")
        with pytest.raises(ValueError, match="unknown sandbox provider 'twilio'"):
            sb.base_url_of("twilio")
        with pytest.raises(AttributeError, match="twilio_base_url"):
            _ = sb.twilio_base_url
        with pytest.raises(AttributeError, match="toy_nothing"):
            _ = sb.toy_nothing


def test_insert_while_listing_needs_a_provider_that_inserts(toy_provider: str) -> None:
    with pytest.raises(ValueError, match="no provider of this sandbox inserts while listing"):
        Sandbox(providers=[toy_provider]).insert_while_listing(2)
    Sandbox(providers=[toy_provider, "telnyx"]).insert_while_listing(2)


def test_knobs_set_through_the_sandbox_reach_the_emulator() -> None:
    sb = Sandbox(size=1)
    sb.twilio_repeat_next_page = True
    assert sb.emulator("twilio").repeat_next_page is True  # type: ignore[attr-defined]
    sb.twilio_next_page_origin = "http://127.0.0.2:9/ignored/path"
    assert sb.twilio_next_page_origin == "http://127.0.0.2:9"
    sb.plain_attribute = 1  # anything else is the sandbox's own attribute
    assert sb.__dict__["plain_attribute"] == 1
    sb.twilio_repeat_next_page = 1
    assert sb.twilio_repeat_next_page is True
