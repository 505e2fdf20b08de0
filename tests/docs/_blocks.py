"""Fenced code blocks of a Markdown file, with the line each starts on and its not-run marker.

A block a test cannot run is marked in the Markdown source itself, on the last non-blank line
before its fence: ``<!-- not run by tests/docs: why -->``. The marker is invisible once
rendered and impossible to miss in the source, next to the code it excuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PYTHON_LANGUAGES = frozenset({"python", "py", "python3"})

_FENCE = re.compile(r"^(?P<indent>\s*)```(?P<language>[^`\s]*)\s*$")
_NOT_RUN = re.compile(r"^\s*<!--\s*not run by tests/docs:(?P<reason>.*?)-->\s*$")
_MARKER_LIKE = re.compile(r"<!--\s*not run\b")


class MarkdownError(ValueError):
    """The Markdown cannot be read as blocks: an unclosed fence or a malformed marker."""


@dataclass(frozen=True)
class CodeBlock:
    """One fenced block. ``line`` is the 1-based line of its opening fence."""

    path: Path
    line: int
    language: str
    source: str
    not_run_reason: str | None

    @property
    def first_code_line(self) -> int:
        return self.line + 1

    @property
    def is_python(self) -> bool:
        return self.language.lower() in PYTHON_LANGUAGES

    @property
    def name(self) -> str:
        return f"{self.path.name}:{self.line}"


def code_blocks(path: Path) -> list[CodeBlock]:
    """Every fenced block of ``path`` in order; raises :class:`MarkdownError` on an unclosed
    fence, a marker without a reason, or a marker that is not right before a Python block."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[CodeBlock] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            _check_marker_is_placed(path, lines, index)
            index += 1
            continue
        indent = opening["indent"]
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if end == len(lines):
            raise MarkdownError(f"{path.name}:{index + 1}: code block never closed")
        body = [line.removeprefix(indent) for line in lines[index + 1 : end]]
        block = CodeBlock(
            path=path,
            line=index + 1,
            language=opening["language"],
            source="\n".join(body) + "\n",
            not_run_reason=_marker_before(path, lines, index),
        )
        if block.not_run_reason is not None and not block.is_python:
            raise MarkdownError(f"{block.name}: a not-run marker before a non-Python block")
        blocks.append(block)
        index = end + 1
    return blocks


def _marker_before(path: Path, lines: list[str], fence_index: int) -> str | None:
    previous = fence_index - 1
    while previous >= 0 and not lines[previous].strip():
        previous -= 1
    if previous < 0:
        return None
    marker = _NOT_RUN.match(lines[previous])
    if marker is None:
        return None
    reason = marker["reason"].strip()
    if not reason:
        raise MarkdownError(f"{path.name}:{previous + 1}: a not-run marker must give its reason")
    return reason


def _check_marker_is_placed(path: Path, lines: list[str], index: int) -> None:
    """A marker-like comment anywhere but right before a fence excuses nothing: refuse it, so a
    misspelt or misplaced marker cannot look as if it did."""
    if not _MARKER_LIKE.search(lines[index]):
        return
    following = index + 1
    while following < len(lines) and not lines[following].strip():
        following += 1
    if (
        _NOT_RUN.match(lines[index]) is None
        or following == len(lines)
        or _FENCE.match(lines[following]) is None
    ):
        raise MarkdownError(
            f"{path.name}:{index + 1}: write a not-run marker as "
            "'<!-- not run by tests/docs: REASON -->' right before the block it excuses"
        )
