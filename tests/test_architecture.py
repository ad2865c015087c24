"""The architecture holds: import contracts kept, no import cycle, no import hidden inside a function."""

from __future__ import annotations

import ast
import os
import subprocess
from pathlib import Path

import grimp

from engine.config import PROJECT_ROOT
from tests.conftest import BIN

PACKAGES = ("engine", "api")

# Imports inside a function, each with the reason it must wait; nothing else may (see imports_in_functions).
# Key: (file, function). An entry that no longer matches fails the test, so the list only shrinks.
ALLOWED_IN_FUNCTIONS = {
    ("api/web/__init__.py", "init_app"): "Authlib is loaded only where OIDC single sign-on is configured",
    # prometheus_client picks its value store when first imported: `kim serve` sets PROMETHEUS_MULTIPROC_DIR
    # and `kim scheduler` clears it first, so the engine (which counts metrics) is imported only after that.
    (
        "api/wsgi_server.py",
        "_Server.load",
    ): "start order: the app (and prometheus_client) after the metrics directory",
    ("api/wsgi_server.py", "_start_scheduler"): "start order: as load, in the worker",
    ("api/wsgi_server.py", "_child_exit"): "start order: prometheus_client in the master only after run()",
    (
        "api/cli_scheduler.py",
        "scheduler",
    ): "start order: the engine after PROMETHEUS_MULTIPROC_DIR is cleared",
    (
        "api/cli.py",
        "_Commands.get_command",
    ): "each kim command loads only its own module (start order as above)",
}
# Still to go on the unit-of-work change (timers split into service and job modules; crypto takes its
# settings at start-up). Delete these entries when it lands: the test fails on an entry that matches nothing.
PENDING_IN_FUNCTIONS: set[tuple[str, str]] = set()
PENDING_CYCLE_EDGES: set[tuple[str, str]] = set()


def test_import_contracts_are_kept():
    """import-linter's contracts (pyproject.toml): layers, no Flask in engine, SpiffWorkflow in one place."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    run = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=PROJECT_ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """One concrete cycle (a -> b -> ... -> a) per strongly connected group of ``modules``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(start: str) -> None:  # Tarjan, iterative: deep import chains need no recursion limit
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start) & modules)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append(
                        (target, iter(sorted(graph.find_modules_directly_imported_by(target) & modules)))
                    )
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in graph.find_modules_directly_imported_by(node):
                    groups.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    cycles = []
    for group in groups:
        first = group[0]
        second = min(graph.find_modules_directly_imported_by(first) & set(group))
        back = graph.find_shortest_chain(importer=second, imported=first) or (second, first)
        cycles.append([first, *back])
    return cycles


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_no_import_cycle_in_engine_or_api():
    """No module of engine/ or api/ imports itself through others (function-level imports count too)."""
    graph = _graph()
    for importer, imported in PENDING_CYCLE_EDGES:
        assert graph.direct_import_exists(importer=importer, imported=imported), (
            f"{importer} -> {imported} is gone: remove it from PENDING_CYCLE_EDGES"
        )
        graph.remove_import(importer=importer, imported=imported)
    modules = {m for m in graph.modules if m.split(".")[0] in PACKAGES}
    cycles = _cycles(graph, modules)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_cycle_finder_finds_a_cycle():
    """The finder itself: a three-module cycle is reported as a path that closes."""
    graph = grimp.ImportGraph()
    for importer, imported in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        graph.add_import(importer=importer, imported=imported)
    (cycle,) = _cycles(graph, {"p.a", "p.b", "p.c", "p.d"})
    assert cycle == ["p.a", "p.b", "p.c", "p.a"]


def imports_in_functions(source: str) -> list[tuple[str, int, str]]:
    """(function, line, statement) for every import statement, or importlib/__import__ call, in a function."""
    found: list[tuple[str, int, str]] = []

    def walk(node: ast.AST, scope: list[str], in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                walk(child, [*scope, child.name], True)
            elif isinstance(child, ast.ClassDef):
                walk(child, [*scope, child.name], in_function)
            else:
                dynamic = isinstance(child, ast.Call) and ast.unparse(child.func) in (
                    "importlib.import_module",
                    "import_module",
                    "__import__",
                )
                if in_function and (isinstance(child, (ast.Import, ast.ImportFrom)) or dynamic):
                    found.append((".".join(scope), child.lineno, ast.unparse(child)))
                walk(child, scope, in_function)

    walk(ast.parse(source), [], False)
    return found


def test_no_import_inside_a_function():
    """Imports sit at the top of their module, where cycles show; the few that must wait say why."""
    seen: set[tuple[str, str]] = set()
    hidden = []
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            name = path.relative_to(PROJECT_ROOT).as_posix()
            for function, line, statement in imports_in_functions(path.read_text(encoding="utf-8")):
                key = (name, function)
                if key in ALLOWED_IN_FUNCTIONS or key in PENDING_IN_FUNCTIONS:
                    seen.add(key)
                else:
                    hidden.append(f"{name}:{line} in {function}(): {statement}")
    assert not hidden, "imports inside functions (move them to the top of the module):\n" + "\n".join(hidden)
    stale = (set(ALLOWED_IN_FUNCTIONS) | PENDING_IN_FUNCTIONS) - seen
    assert not stale, f"entries that no longer match anything, remove them: {sorted(stale)}"


def test_import_finder_sees_nested_and_dynamic_imports():
    """The finder itself: module-level imports pass; imports in functions or methods, and importlib, fail."""
    source = (
        Path(__file__).read_text(encoding="utf-8").split("\n", 1)[0]
        + "\n"
        + "\n".join(
            [
                "import os",
                "def f():",
                "    if os:",
                "        from x import y",
                "class C:",
                "    def m(self):",
                "        importlib.import_module('z')",
            ]
        )
    )
    assert [(f, s) for f, _line, s in imports_in_functions(source)] == [
        ("f", "from x import y"),
        ("C.m", "importlib.import_module('z')"),
    ]
