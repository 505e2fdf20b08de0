"""Both JSON codecs (orjson when installed, the standard library otherwise) behave alike."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

import confclient._json as codec

DOC = {"data": [{"id": "é", "n": 1, "ok": True, "none": None, "f": 1.5}], "meta": {}}


@pytest.fixture(params=["installed", "stdlib"])
def json_module(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ModuleType]:
    if request.param == "stdlib":
        # Hide orjson: the import inside the module fails as on a machine without it.
        monkeypatch.setitem(sys.modules, "orjson", None)
    module = importlib.reload(codec)
    yield module
    monkeypatch.undo()
    importlib.reload(codec)


def test_round_trip(json_module: ModuleType) -> None:
    encoded = json_module.dumps(DOC)
    assert isinstance(encoded, bytes)
    assert json_module.loads(encoded) == DOC
    assert json_module.loads(encoded.decode()) == DOC


@pytest.mark.parametrize("bad", [b'{"data": [', b"\xff\xfe", b"", b"nope"])
def test_invalid_input_raises_the_declared_error(json_module: ModuleType, bad: bytes) -> None:
    with pytest.raises(json_module.JSONDecodeError):
        json_module.loads(bad)


def test_stdlib_path_really_is_stdlib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "orjson", None)
    try:
        module = importlib.reload(codec)
        assert module.using_orjson is False
    finally:
        monkeypatch.undo()
        importlib.reload(codec)
