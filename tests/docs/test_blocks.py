"""The Markdown code-block collector README's tests rely on: lines, languages, not-run markers,
and the mistakes that must not pass silently (a block never closed, a marker that excuses
nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._blocks import CodeBlock, MarkdownError, code_blocks

MARKDOWN = """\
# Title

```python
print("one")
```

Text.

<!-- not run by tests/docs: it needs a phone -->

```py
call_someone()
```

- a list item:

  ```bash
  echo indented
  ```

```
plain output
```
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "DOC.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_blocks_with_their_lines_languages_and_markers(tmp_path: Path) -> None:
    path = _write(tmp_path, MARKDOWN)
    assert code_blocks(path) == [
        CodeBlock(path, 3, "python", 'print("one")\n', None),
        CodeBlock(path, 11, "py", "call_someone()\n", "it needs a phone"),
        CodeBlock(path, 17, "bash", "echo indented\n", None),
        CodeBlock(path, 21, "", "plain output\n", None),
    ]
    one, marked, indented, plain = code_blocks(path)
    assert (one.name, one.first_code_line) == ("DOC.md:3", 4)
    assert one.is_python
    assert marked.is_python
    assert not indented.is_python
    assert not plain.is_python


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("```python\nx = 1\n", "DOC.md:1: code block never closed", id="unclosed"),
        pytest.param(
            "<!-- not run by tests/docs:   -->\n```python\nx = 1\n```\n",
            "DOC.md:1: a not-run marker must give its reason",
            id="marker-without-reason",
        ),
        pytest.param(
            "<!-- not run by tests/docs: shell -->\n```bash\nls\n```\n",
            "DOC.md:2: a not-run marker before a non-Python block",
            id="marker-before-bash",
        ),
        pytest.param(
            "<!-- not run by tests/docs: lost -->\nText between.\n```python\nx = 1\n```\n",
            "DOC.md:1: write a not-run marker as",
            id="marker-away-from-its-block",
        ),
        pytest.param(
            "<!-- not run: misspelt -->\n```python\nx = 1\n```\n",
            "DOC.md:1: write a not-run",
            id="misspelt-marker",
        ),
        pytest.param(
            "Text.\n<!-- not run by tests/docs: at the end -->\n",
            "DOC.md:2: write a not-run",
            id="marker-at-the-end",
        ),
    ],
)
def test_mistakes_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(MarkdownError, match=message):
        code_blocks(_write(tmp_path, text))
