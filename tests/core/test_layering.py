"""Import layering.

Read from the source (AST), not by importing anything:

* the core (``confclient/``, sandbox included) never imports an adapter;
* an adapter's pure modules (``params``, ``records``, ``pages``, ``create``, ``events``)
  import neither
  aiohttp nor asyncio;
* adapters import only ``confclient`` and ``confclient.adapter`` of the core (as a third-party
  adapter would), the standard library and the shared dependencies; relative imports stay
  inside their own package;
* neither the core nor an adapter has an import cycle (module-level imports).

And in a fresh interpreter each: importing a pure module (an adapter's, or the core's the
adapters' pure modules use) loads neither aiohttp nor asyncio, even transitively.
"""

from __future__ import annotations

import ast
import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "confclient"
PURE_NAMES = (
    "params.py",
    "records.py",
    "pages.py",
    "create.py",
    "events.py",
    "participant_records.py",
    "participant_pages.py",
)
ADAPTERS = sorted(p for p in (ROOT / "adapters").glob("confclient_*") if p.is_dir())
ADAPTER_MODULES = sorted(p for a in ADAPTERS for p in a.rglob("*.py"))
PURE_MODULES = sorted(p for a in ADAPTERS for p in a.iterdir() if p.name in PURE_NAMES)
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
        if root == "__future__" or root in sys.stdlib_module_names or root == package_root.name:
            continue  # (its own package, by absolute name: an emulator using its pure modules)
        if root not in THIRD_PARTY_ALLOWED:
            offending.append(f"{rel(path)}:{line}: {name}")
    assert offending == []


@pytest.mark.parametrize("path", ADAPTER_MODULES, ids=rel)
def test_adapters_reach_the_core_only_through_confclient_and_its_adapter_toolkit(
    path: Path,
) -> None:
    offending = [
        f"{rel(path)}:{line}: {name}"
        for line, name, level in imports(path)
        if level == 0
        and top(name) == "confclient"
        and name not in ("confclient", "confclient.adapter")
    ]
    assert offending == []


def module_name(path: Path) -> str:
    """``confclient.sandbox._app`` for confclient/sandbox/_app.py (adapters likewise)."""
    base = ROOT / "adapters" if ROOT / "adapters" in path.parents else ROOT
    parts = list(path.relative_to(base).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_level_imports(path: Path) -> Iterator[tuple[str, int]]:
    """(module, relative level) of the imports run when ``path`` is imported: at its top
    level, including under try/if, but not under ``if TYPE_CHECKING`` nor in functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def walk(nodes: list[ast.stmt]) -> Iterator[tuple[str, int]]:
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield alias.name, 0
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    # "from . import x" may import the submodule x
                    yield (node.module or "") + ("" if node.module else alias.name), node.level
            elif isinstance(node, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(node.test):
                    yield from walk(node.body)
                yield from walk(node.orelse)
            elif isinstance(node, ast.Try):
                for block in (node.body, node.orelse, node.finalbody):
                    yield from walk(block)
                for handler in node.handlers:
                    yield from walk(handler.body)

    yield from walk(tree.body)


def resolve(importer: str, path: Path, name: str, level: int) -> str:
    if not level:
        return name
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{name}" if name else package


def test_no_import_cycle() -> None:
    paths = {module_name(p): p for p in [*CORE_MODULES, *ADAPTER_MODULES]}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        targets = set()
        for imported, level in module_level_imports(path):
            target = resolve(name, path, imported, level)
            # "from pkg import x": x may be a submodule, or a name in pkg.
            while target and target not in paths:
                target = target.rpartition(".")[0]
            if target and target != name:
                targets.add(target)
        graph[name] = targets
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    # A package's __init__ importing its own submodules is how packages work, not a cycle
    # that can fail: keep only cycles between distinct modules that are not parent/child.
    real = [c for c in cycles if not _package_and_its_own_module(c)]
    assert real == []


def _package_and_its_own_module(cycle: str) -> bool:
    names = cycle.split(" -> ")
    return all(a.startswith(b + ".") or b.startswith(a + ".") for a, b in itertools.pairwise(names))


FRESH_INTERPRETER_PURE = sorted(
    {module_name(p) for p in PURE_MODULES}
    | {module_name(a / "__init__.py") for a in ADAPTERS}
    | {"confclient", "confclient.adapter", "confclient.query", "confclient.model"}
    | {"confclient.decoding", "confclient.errors", "confclient._page", "confclient._page_guard"}
    | {"confclient._window", "confclient._resume"}
    | {"confclient.events", "confclient._signing"}
)


@pytest.mark.parametrize("module", FRESH_INTERPRETER_PURE)
def test_importing_a_pure_module_loads_no_io_machinery(module: str) -> None:
    script = (
        f"import sys, {module}\n"
        "print(' '.join(m for m in ('aiohttp', 'asyncio') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == ""


_CREDENTIALS = {
    "telnyx": {"api_key": "KEYtest", "base_url": "http://127.0.0.1:9/v2"},
    "twilio": {
        "account_sid": "AC" + "0" * 32,
        "auth_token": "token",
        "base_url": "http://127.0.0.1:9/v1",
    },
}


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
def test_a_service_made_without_config_files_loads_no_toml_parser_nor_difflib(
    provider: str, tmp_path: Path
) -> None:
    # Both are for the error path or for config files only: each service's memory counts
    # (README, "Performance": peak RSS against the raw floor's).
    script = (
        "import sys, confclient\n"
        f"confclient.connect({provider!r}, **{_CREDENTIALS[provider]!r})\n"
        "print(' '.join(m for m in ('tomllib', 'difflib') if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFCLIENT_")}
    env["HOME"] = str(tmp_path)  # no user configuration file either
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=env,
    )
    assert done.stdout.strip() == ""
