"""The text checks adapters share (``confclient.query``): pure."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from confclient.adapter import has_control_character


@given(st.text())
def test_has_control_character_is_c0_or_del(text: str) -> None:
    assert has_control_character(text) == any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


def test_has_control_character_examples() -> None:
    assert has_control_character("page\x00")
    assert has_control_character("\x1f")
    assert has_control_character("a\x7fb")
    assert not has_control_character("")
    assert not has_control_character("region=US page[size]=250 \x80 \u2028 é")
