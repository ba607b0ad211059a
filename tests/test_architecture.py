"""The layer boundaries of docs/architecture.md, checked on the source tree (ruff's TID251 guards the core;
this guards the rest)."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "wcsync"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(*subdirs: str) -> list[Path]:
    return sorted(p for sub in subdirs for p in (PACKAGE / sub).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("core", "catalog", "store", "engine", "render", "github"), ids=str)
def test_sync_engine_never_imports_the_sandbox(path: Path) -> None:
    offending = {name for name in _imports(path) if name == "wcsync.sandbox" or name.startswith("wcsync.sandbox.")}
    assert not offending, f"{path.relative_to(PACKAGE.parent)} imports {sorted(offending)}"


@pytest.mark.parametrize("path", _modules("core"), ids=str)
def test_core_is_pure(path: Path) -> None:
    banned = ("httpx", "click", "jinja2", "ruamel", "rich", "sqlite3", "wcsync.store", "wcsync.cli",
              "wcsync.catalog", "wcsync.engine", "wcsync.render")
    offending = {n for n in _imports(path) if any(n == b or n.startswith(b + ".") for b in banned)}
    assert not offending, f"{path.relative_to(PACKAGE.parent)} imports {sorted(offending)}"


@pytest.mark.parametrize("path", _modules("store"), ids=str)
def test_store_layer_knows_no_yaml_or_cli(path: Path) -> None:
    banned = ("ruamel", "click", "wcsync.cli", "wcsync.catalog")
    offending = {n for n in _imports(path) if any(n == b or n.startswith(b + ".") for b in banned)}
    assert not offending, f"{path.relative_to(PACKAGE.parent)} imports {sorted(offending)}"


def test_the_planted_violation_is_detected(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from wcsync.sandbox.app import create_app\nimport httpx\n", encoding="utf-8")
    assert {"wcsync.sandbox.app", "httpx"} <= _imports(probe)


# --- the package import graph ------------------------------------------------------------------------------
# Every import counts, also one inside a function (a lazy import is still a dependency). A node is a
# subpackage (``wcsync.store``) or a top-level module (``wcsync.errors``, ``wcsync.api``).


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str | None:
    if node.level == 0:
        return node.module
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _all_imports(path: Path, root: Path) -> set[str]:
    module = _module_name(path, root)
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node, module, path.name == "__init__.py")
            if target:
                names.add(target)
                # ``from wcsync import api`` imports the module wcsync.api
                names.update(f"{target}.{alias.name}" for alias in node.names
                             if (root.parent / Path(*target.split("."), alias.name)).with_suffix(".py").exists()
                             or (root.parent / Path(*target.split("."), alias.name)).is_dir())
    return names


def _node(module: str, root: Path) -> str | None:
    """The graph node of ``module``: its subpackage of the root package, else the top-level module."""
    parts = module.split(".")
    if parts[0] != root.name:
        return None
    if len(parts) == 1:
        return root.name
    return f"{root.name}.{parts[1]}"


def package_graph(root: Path) -> dict[tuple[str, str], set[str]]:
    """(package, package) → the ``module -> imported`` lines that make the edge."""
    edges: dict[tuple[str, str], set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        source = _node(module, root)
        for name in _all_imports(path, root):
            target = _node(name, root)
            if source and target and target != source and target != root.name:
                edges.setdefault((source, target), set()).add(f"{module} -> {name}")
    return edges


def find_cycle(edges: dict[tuple[str, str], set[str]]) -> list[str] | None:
    """One cycle of the graph as its nodes (first == last), or None when it is acyclic."""
    succ: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        succ.setdefault(a, []).append(b)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in succ.get(node, ()):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(succ):
        if start not in state and (found := visit(start)):
            return found
    return None


def _explain(cycle: list[str], edges: dict[tuple[str, str], set[str]]) -> str:
    steps = [f"{a} -> {b} ({', '.join(sorted(edges[(a, b)]))})" for a, b in itertools.pairwise(cycle)]
    return "import cycle between packages: " + "; ".join(steps)


def test_the_packages_import_each_other_without_cycles() -> None:
    edges = package_graph(PACKAGE)
    cycle = find_cycle(edges)
    assert cycle is None, _explain(cycle, edges)


def test_the_engine_never_imports_the_store() -> None:
    """The engine owns the writer seam (``engine/model.py``); the store implements it and imports it."""
    edges = package_graph(PACKAGE)
    assert ("wcsync.engine", "wcsync.store") not in edges, sorted(edges[("wcsync.engine", "wcsync.store")])
    # the store depends on the seam only (engine/model.py), which proves the edge is live too
    seam = {line.split(" -> ")[1] for line in edges[("wcsync.store", "wcsync.engine")]}
    assert seam == {"wcsync.engine.model"}, sorted(edges[("wcsync.store", "wcsync.engine")])


def _file_of(module: str, root: Path) -> Path | None:
    base = root.parent / Path(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _closure(root: Path, start: str) -> set[str]:
    """Every module of ``root`` that ``start`` imports, directly or through others (lazy imports too)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        module = todo.pop()
        path = _file_of(module, root)
        if module in seen or path is None:
            continue
        seen.add(module)
        for name in _all_imports(path, root):
            parts = name.split(".")  # importing a.b.c runs a/__init__.py and a/b/__init__.py too
            todo.extend(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return seen


def _ui_imports(root: Path, modules: set[str]) -> set[str]:
    banned = ("click", "rich", f"{root.name}.cli", f"{root.name}.sandbox")
    return {f"{m} imports {n}" for m in modules for n in _all_imports(_file_of(m, root) or Path(), root)
            if any(n == b or n.startswith(b + ".") for b in banned)}


def test_the_library_api_imports_no_click_and_no_rich() -> None:
    """``wcsync.api`` and everything it imports, lazily or not: no click, no rich, no CLI, no sandbox."""
    reached = _closure(PACKAGE, "wcsync.api")
    assert {"wcsync.api", "wcsync.engine.executor", "wcsync.store.writer", "wcsync.export.merge"} <= reached
    assert not _ui_imports(PACKAGE, reached), sorted(_ui_imports(PACKAGE, reached))


def test_a_planted_click_import_behind_the_api_is_found(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "__init__.py": "", "api.py": "from pkg.engine import run\n", "engine/__init__.py": "",
        "engine/run.py": "def show():\n    import rich.progress\n", "cli/__init__.py": "import click\n",
    })
    reached = _closure(root, "pkg.api")
    assert reached == {"pkg", "pkg.api", "pkg.engine", "pkg.engine.run"}
    assert _ui_imports(root, reached) == {"pkg.engine.run imports rich.progress"}


# --- the checker itself can fail ----------------------------------------------------------------------------


def _tree(tmp: Path, files: dict[str, str]) -> Path:
    root = tmp / "pkg"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_planted_cycle_is_found_and_named(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "__init__.py": "",
        "engine/__init__.py": "",
        "engine/run.py": "def f():\n    from pkg.store import payload  # lazy, still an edge\n",
        "store/__init__.py": "",
        "store/payload.py": "",
        "store/writer.py": "from pkg.engine.run import f\n",
        "core/__init__.py": "",
        "core/x.py": "",
    })
    edges = package_graph(root)
    assert set(edges) == {("pkg.engine", "pkg.store"), ("pkg.store", "pkg.engine")}
    cycle = find_cycle(edges)
    assert cycle == ["pkg.engine", "pkg.store", "pkg.engine"]
    assert "pkg.engine.run -> pkg.store.payload" in _explain(cycle, edges)


def test_a_longer_planted_cycle_and_relative_imports_are_found(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "__init__.py": "",
        "a/__init__.py": "from ..b import thing\n",
        "b/__init__.py": "from pkg import c\nthing = 1\n",
        "c.py": "import pkg.a.deep\n",
        "a/deep.py": "",
    })
    assert find_cycle(package_graph(root)) == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]


def test_an_acyclic_tree_passes(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "__init__.py": "",
        "engine/__init__.py": "from pkg.core import x\n",
        "store/__init__.py": "from pkg.engine import model\nfrom pkg.core import x\n",
        "engine/model.py": "",
        "core/__init__.py": "",
        "core/x.py": "",
    })
    edges = package_graph(root)
    assert ("pkg.store", "pkg.engine") in edges and find_cycle(edges) is None
