"""Finding the line of every key in TOML text (pure)."""

from __future__ import annotations

from confclient.config import locate_keys

# -- finding lines ----------------------------------------------------------------------------


def test_locate_keys() -> None:
    text = "\n".join(
        [
            "# a comment with key = value",
            "top = 1",
            "[a]",
            "\"quoted key\" = 'x'",
            'dotted.inner.leaf = """',
            "fake = 1",
            '"""',
            "array = [",
            "  { in_array = 1 },  # comment",
            "  2,",
            "]",
            'inline = { one = 1, two.three = "}" }',
            '[a."b.c"]',
            "d = '''literal",
            "also_fake = 2'''",
            "[[tables]]",
            "e = 1",
        ]
    )
    lines = locate_keys(text)
    assert lines[("top",)] == 2
    assert lines[("a",)] == 3
    assert lines[("a", "quoted key")] == 4
    assert lines[("a", "dotted", "inner", "leaf")] == 5
    assert ("a", "fake") not in lines
    assert lines[("a", "array")] == 8
    assert lines[("a", "inline", "two", "three")] == 12
    assert lines[("a", "b.c")] == 13
    assert lines[("a", "b.c", "d")] == 14
    assert ("a", "b.c", "also_fake") not in lines
    assert lines[("tables", "e")] == 17
