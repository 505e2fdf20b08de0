"""``seconds_duration``: whole-second durations from a bounded cache of shared timedeltas."""

from __future__ import annotations

from datetime import timedelta

import pytest

from confclient import _strict
from confclient.adapter import seconds_duration


@pytest.fixture
def empty_cache(monkeypatch: pytest.MonkeyPatch) -> dict[int, timedelta]:
    cache: dict[int, timedelta] = {}
    monkeypatch.setattr(_strict, "_DURATIONS", cache)
    return cache


@pytest.mark.parametrize("seconds", [0, 1, 59, 3_100, 86_400 * 3 + 7, -5])
def test_it_is_timedelta_of_that_many_seconds(
    empty_cache: dict[int, timedelta], seconds: int
) -> None:
    first = seconds_duration(seconds)
    assert first == timedelta(seconds=seconds)
    assert seconds_duration(seconds) is first  # the second time, the same object


def test_the_cache_is_bounded(
    empty_cache: dict[int, timedelta], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_strict, "_DURATIONS_KEPT", 3)
    durations = [seconds_duration(n) for n in range(10)]
    assert durations == [timedelta(seconds=n) for n in range(10)]
    assert sorted(empty_cache) == [0, 1, 2]  # the first ones seen
    assert seconds_duration(9) is not durations[9]  # past the bound: made each time


def test_beyond_timedeltas_range_it_raises_as_the_constructor_does(
    empty_cache: dict[int, timedelta],
) -> None:
    with pytest.raises(OverflowError):
        timedelta(seconds=10**15)
    with pytest.raises(OverflowError):
        seconds_duration(10**15)
    assert empty_cache == {}
