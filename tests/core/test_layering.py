"""Import layering, read from the source (AST), not by importing anything.

* the core (``confclient/``, sandbox included) never imports an adapter;
* an adapter's pure modules (``records.py``, ``params.py``) import neither aiohttp nor asyncio;
* adapters import only ``confclient`` (as a third-party adapter would), the standard library
  and the shared dependencies; relative imports stay inside their own package.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "confclient"
ADAPTERS = sorted(p for p in (ROOT / "adapters").glob("confclient_*") if p.is_dir())
ADAPTER_MODULES = sorted(p for a in ADAPTERS for p in a.rglob("*.py"))
PURE_MODULES = sorted(
    p for a in ADAPTERS for p in a.iterdir() if p.name in ("records.py", "params.py")
)
CORE_MODULES = sorted(CORE.rglob("*.py"))

THIRD_PARTY_ALLOWED = {"confclient", "attrs", "cattrs", "yarl", "aiohttp"}


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def imports(path: Path) -> Iterator[tuple[int, str, int]]:
    """(line, absolute-or-relative module name, relative level) of every import in ``path``,
    at any depth (function-level and ``TYPE_CHECKING`` imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, 0
        elif isinstance(node, ast.ImportFrom):
            yield node.lineno, node.module or "", node.level
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Attribute, ast.Name))
            and (getattr(node.func, "attr", None) or getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value, 0


def top(name: str) -> str:
    return name.split(".")[0]


def test_the_trees_exist() -> None:
    assert len(CORE_MODULES) >= 8
    assert (CORE / "sandbox") in {p.parent for p in CORE_MODULES}
    assert ADAPTERS, "no adapters/confclient_* package found"
    assert PURE_MODULES


def test_imports_helper_sees_every_kind_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import a.b, c\n"
        "from d.e import f\n"
        "from . import g\n"
        "from ..h import i\n"
        "def later():\n"
        "    import j\n"
        "    importlib.import_module('k.l')\n"
        "    __import__('m')\n"
    )
    assert [(name, level) for _line, name, level in imports(sample)] == [
        ("a.b", 0),
        ("c", 0),
        ("d.e", 0),
        ("", 1),
        ("h", 2),
        ("j", 0),
        ("k.l", 0),
        ("m", 0),
    ]


@pytest.mark.parametrize("path", CORE_MODULES, ids=rel)
def test_core_never_imports_an_adapter(path: Path) -> None:
    offending = [
        f"{rel(path)}:{line}: {name}"
        for line, name, level in imports(path)
        if level == 0 and top(name).startswith(("confclient_", "telnyx", "twilio"))
    ]
    assert offending == []


@pytest.mark.parametrize("path", CORE_MODULES, ids=rel)
def test_core_relative_imports_stay_in_the_package(path: Path) -> None:
    depth = len(path.relative_to(CORE).parts) - 1  # 0 for confclient/x.py
    too_far = [
        f"{rel(path)}:{line}: {'.' * level}{name}"
        for line, name, level in imports(path)
        if level > depth + 1
    ]
    assert too_far == []


@pytest.mark.parametrize("path", PURE_MODULES, ids=rel)
def test_pure_adapter_modules_do_no_io(path: Path) -> None:
    offending = [
        f"{rel(path)}:{line}: {name}"
        for line, name, level in imports(path)
        if level == 0 and top(name) in ("aiohttp", "asyncio")
    ]
    assert offending == []


@pytest.mark.parametrize("path", ADAPTER_MODULES, ids=rel)
def test_adapters_import_only_confclient_stdlib_and_shared_dependencies(path: Path) -> None:
    package_root = next(a for a in ADAPTERS if a in path.parents)
    depth = len(path.relative_to(package_root).parts) - 1
    offending = []
    for line, name, level in imports(path):
        if level:
            if level > depth + 1:
                offending.append(f"{rel(path)}:{line}: relative import outside its package")
            continue
        root = top(name)
        if root == "__future__" or root in sys.stdlib_module_names:
            continue
        if root not in THIRD_PARTY_ALLOWED:
            offending.append(f"{rel(path)}:{line}: {name}")
    assert offending == []
