"""The package's shape: dependencies go one way, no import cycles, modules stay small.

Imports are read from the source (every ``import`` and ``from ... import``, those
inside functions too: a lazy import is still a dependency), so a rule broken in a
branch that no test runs is still caught.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "docgen"

#: What each part may never import. The layers, bottom up: the leaves (Thai formatting,
#: numbers, errors, limits, atomic output); the engine (generic .docx templates); the
#: report domain; PDF conversion; then what sits on top (api, batch, web, cli).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "docgen.engine": (
        "docgen.report",
        "docgen.pdf",
        "docgen.batch",
        "docgen.web",
        "docgen.cli",
        "docgen.api",
    ),
    "docgen.report": ("docgen.pdf", "docgen.batch", "docgen.web", "docgen.cli", "docgen.api"),
    "docgen.pdf": (
        "docgen.engine",
        "docgen.report",
        "docgen.batch",
        "docgen.web",
        "docgen.cli",
        "docgen.api",
    ),
    "docgen.api": ("docgen.batch", "docgen.web", "docgen.cli"),
    "docgen.batch": ("docgen.web", "docgen.cli"),
    "docgen.web": ("docgen.cli", "docgen.batch"),
}
#: Leaf modules: they import nothing of docgen but what is listed.
LEAVES: dict[str, tuple[str, ...]] = {
    "docgen.thai": (),
    "docgen.typed": (),
    "docgen.errors": (),
    "docgen.limits": (),
    "docgen.numbers": ("docgen.thai",),
    "docgen.output": ("docgen.errors",),
}
#: Modules allowed over `MAX_LINES`, each with the reason it is one piece.
LONG_MODULES: dict[str, str] = {
    "docgen.engine.sandbox": "the sandbox and its budget: every check must see every other",
    "docgen.engine.richtext": "one parser and one writer of the same small HTML subset",
    "docgen.cli": "one click command per function; each is a thin call into the package",
    "docgen.web.views": "the form's routes, one short function each",
    "docgen.web.forms": "the form's fields and their mapping to the data file",
    "docgen.report.data": "loading and the cross-field rules of one data format",
    "docgen.report.model": "the data format as pydantic models, field by field",
    "docgen.pdf.fonts": "finding, deriving and caching the one Thai font LibreOffice needs",
    "docgen.report.context": "every view a template sees and how each is built from the data "
    "(their pictures are read in docgen.report.pictures)",
}
MAX_LINES = 400


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(module: str) -> set[str]:
    """The docgen modules `module` imports (a name imported from a package counts as
    its submodule when there is one: ``from docgen import thai`` is docgen.thai)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1]])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in MODULES else base)
    return {name for name in found if name == "docgen" or name.startswith("docgen.")}


GRAPH = {module: _imports(module) - {module} for module in MODULES}


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_the_graph_is_read():
    """The reader itself: a known import is found, so the rules below are not vacuous."""
    assert "docgen.engine.template" in GRAPH["docgen.engine.check"]
    assert "docgen.thai" in GRAPH["docgen.numbers"]  # `from docgen import thai`
    assert len(MODULES) > 40


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_dependencies_go_one_way(part):
    broken = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _within(module, part)
        for target in targets
        if any(_within(target, banned) for banned in FORBIDDEN[part])
    )
    assert not broken, f"{part} must not import {', '.join(FORBIDDEN[part])}: {broken}"


@pytest.mark.parametrize("leaf", sorted(LEAVES))
def test_leaf_modules_import_nothing_above_them(leaf):
    extra = GRAPH[leaf] - set(LEAVES[leaf])
    assert not extra, f"{leaf} is a leaf; it imports {sorted(extra)}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    # A package's __init__ re-exports its modules; a module importing its own package
    # root (``from docgen import __version__``) is not a cycle of code, so the root's
    # re-exports are left out.
    graph = {m: t for m, t in GRAPH.items() if m != "docgen"}
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    if module in LONG_MODULES:
        return
    assert lines <= MAX_LINES, (
        f"{module} has {lines} lines; split it by job, or list it in LONG_MODULES with a reason"
    )


def test_long_modules_are_still_long():
    """An exception that is no longer needed is removed, so the list stays honest."""
    short = [
        m for m in LONG_MODULES if len(MODULES[m].read_text(encoding="utf-8").splitlines()) <= 400
    ]
    assert short == []
