"""The collector pause around a page's parse and decode: bounded, and never leaving the
collector other than it found it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

import confclient
from confclient._gc import paused_gc
from confclient.sandbox import Sandbox


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_pauses_and_restores() -> None:
    gc.enable()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_restores_after_an_exception() -> None:
    gc.enable()
    with pytest.raises(ValueError, match="boom"), paused_gc():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_the_application_disabled_stays_disabled() -> None:
    gc.disable()
    with paused_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_off_means_untouched() -> None:
    gc.enable()
    with paused_gc(enabled=False):
        assert gc.isenabled()
    assert gc.isenabled()


def test_overlapping_pauses_from_two_threads_leave_it_enabled() -> None:
    """Thread A pauses, thread B pauses inside A's window, A ends, then B ends: the
    collector is back on (B saw it off and left it alone; A restored it)."""
    gc.enable()
    a_paused, b_paused, a_done = threading.Event(), threading.Event(), threading.Event()

    def a() -> None:
        with paused_gc():
            a_paused.set()
            b_paused.wait(5)
        a_done.set()

    def b() -> None:
        a_paused.wait(5)
        with paused_gc():
            b_paused.set()
            a_done.wait(5)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert gc.isenabled()


class _DisableCounter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = gc.disable

        def counted() -> None:
            self.calls += 1
            real()

        monkeypatch.setattr(gc, "disable", counted)


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
@pytest.mark.parametrize("pause", [True, False])
async def test_a_listing_pauses_per_page_unless_told_not_to(
    provider: str, pause: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    gc.enable()
    region = {"telnyx": "US", "twilio": "us1"}[provider]
    async with Sandbox(seed=1, size=30) as sb, sb.connect(provider, pause_gc=pause) as svc:
        assert svc.pause_gc is pause
        await svc.list(region=region, limit=1).collect()  # the sandbox makes its data
        counter = _DisableCounter(monkeypatch)
        listed = await svc.list(region=region, page_size=10).collect()
    assert listed
    assert gc.isenabled()
    pages = -(-len(listed) // 10)
    # One pause for each page's parse, and one for the first page's decode (decoded whole,
    # to size the page window); the other pages' records are decoded one by one as they are
    # handed out, which leaves nothing for a pause to save.
    assert counter.calls == (pages + 1 if pause else 0)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_the_option_is_a_boolean(value: object) -> None:
    with pytest.raises(confclient.ConfigurationError, match="pause_gc must be true or false"):
        confclient.connect("telnyx", api_key="KEY", pause_gc=value)
