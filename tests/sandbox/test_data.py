"""The seeded-data helpers every emulator uses, and the host's constructor checks."""

from __future__ import annotations

import random
import uuid

import pytest

from confclient.sandbox import Sandbox
from confclient.sandbox._data import EPOCH_MS, iso_ms, uuid4_str


def test_uuid4_str_matches_uuid_module() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        bits = rng.getrandbits(128)
        assert uuid4_str(bits) == str(uuid.UUID(int=bits, version=4))


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (EPOCH_MS, "2026-11-01T00:00:00.000Z"),
        (EPOCH_MS - 1, "2026-10-31T23:59:59.999Z"),
        (1548267002574, "2019-01-23T18:10:02.574Z"),
    ],
)
def test_iso_ms(ms: int, text: str) -> None:
    assert iso_ms(ms) == text


def test_bad_constructor_arguments() -> None:
    with pytest.raises(ValueError, match="size"):
        Sandbox(size=-1)
    with pytest.raises(ValueError, match="fault_rate"):
        Sandbox(fault_rate=1.5)
    with pytest.raises(ValueError, match="latency_ms"):
        Sandbox(latency_ms=-1)
    with pytest.raises(ValueError, match="unknown fault kind"):
        Sandbox(faults=["502"])
    with pytest.raises(TypeError):
        Sandbox(faults="500")
