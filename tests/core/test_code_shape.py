"""The shape of the code, checked on its source (issue 13's "done when"):

* the core (``confclient/``: the sandbox host, the command and the pytest plugin included)
  names no provider in code — no identifier, key, header or module target — except the
  registry table; prose (docstrings, comments, messages and help text) may;
* no module is over about 400 lines unless its docstring says why, on a line starting with
  ``Long:``.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "confclient"
CORE_MODULES = sorted(CORE.rglob("*.py"))
ALL_MODULES = sorted([*CORE_MODULES, *(ROOT / "adapters").rglob("*.py")])
REGISTRY = CORE / "config" / "registry.py"
PROVIDER_WORDS = re.compile(r"telnyx|twilio", re.IGNORECASE)
LONG = 420  # "about 400"


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if ROOT in path.parents else path.name


def _docstring_lines(tree: ast.Module) -> set[int]:
    """Line numbers of every docstring (module, class, function): prose."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                first = body[0]
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def provider_names_in_code(path: Path) -> list[str]:
    """Where ``path`` spells a provider outside prose: a name, or a string that is not a
    sentence (a key, a header, a module target: no space in it)."""
    source = path.read_text(encoding="utf-8")
    prose = _docstring_lines(ast.parse(source))
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.start[0] in prose or not PROVIDER_WORDS.search(token.string):
            continue
        if token.type == tokenize.NAME:
            found.append(f"{rel(path)}:{token.start[0]}: {token.string}")
        elif token.type in (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1)):
            words = token.string.strip("\"'rfbRFB")
            if " " not in words:
                found.append(f"{rel(path)}:{token.start[0]}: {token.string}")
    return found


@pytest.mark.parametrize("path", [p for p in CORE_MODULES if p != REGISTRY], ids=rel)
def test_the_core_names_no_provider_in_code(path: Path) -> None:
    assert provider_names_in_code(path) == []


def test_the_registry_table_names_the_built_in_providers() -> None:
    """The one place the core names providers (so the check above is not vacuous)."""
    assert provider_names_in_code(REGISTRY)


def test_the_check_sees_names_and_keys_but_not_prose(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Talks to Telnyx."""\n'
        "telnyx_key = 1\n"
        'HEADER = "x-twilio-signature"\n'
        'HELP = "the telnyx provider, for example"\n'
        "# telnyx in a comment\n"
    )
    found = [line.split(": ", 1)[1] for line in provider_names_in_code(sample)]
    assert found == ["telnyx_key", '"x-twilio-signature"']


@pytest.mark.parametrize("path", ALL_MODULES, ids=rel)
def test_a_long_module_says_why(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    if source.count("\n") <= LONG:
        return
    docstring = ast.get_docstring(ast.parse(source)) or ""
    assert any(line.startswith("Long:") for line in docstring.splitlines()), (
        f"{rel(path)} has {source.count(chr(10))} lines: split it by job, or say why not in "
        "its docstring on a line starting with 'Long:'"
    )
