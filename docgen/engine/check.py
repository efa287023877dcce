"""`docgen check`'s engine half: every problem of a template in one run, each where Word shows it.

Knows nothing of reports: the caller says what a template may see (`Contexts`:
for each kind of template, its root names and their types, view dataclasses
that are followed field by field). Three passes, each reporting all it finds:

1. the tags themselves (`docgen.engine.parts.prepare_part`, `docgen.engine.analysis.analyse`):
   tags Word split beyond repair, syntax, unclosed or stray block tags,
   ``{%tr %}`` outside a row, blocks that cut through a table cell;
2. names: every variable, field, filter and test, checked against the context's
   types (followed through loops, indexes and ``{% set %}``), with the nearest real name;
3. `render_problems`: the template rendered in memory with real contexts, and
   what goes wrong then reported the same way.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.visitor import NodeVisitor

from docgen.engine.analysis import Analysis, analyse, unknown_name_problem
from docgen.engine.fieldtypes import (
    LEAVES,
    LOOP_FIELDS,
    element_type,
    field_types,
    is_view,
    strip_optional,
    type_name,
)
from docgen.engine.package import is_template_part, read_package
from docgen.engine.parts import PreparedPart, prepare_part
from docgen.engine.tags import Tag
from docgen.engine.template import Template
from docgen.errors import TemplateError, TemplateProblem

#: For each kind of template ("indicator", "summary", ...), the names it sees and their
#: types. The first kind is the default; another is chosen for a template that reads
#: one of its own root names without setting it.
Contexts = dict[str, dict[str, Any]]

_LOOP = "loop"  # the type of ``loop``


@dataclass
class CheckResult:
    """The problems found in a template (empty when it is clean)."""

    template: Path
    problems: list[TemplateProblem] = field(default_factory=list)
    rendered: int = 0  # documents rendered in memory with --data
    kind: str = "indicator"  # the context it is written for: "indicator" or "summary"

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One closing line for a person: how many problems, or that all is well."""
        if self.problems:
            count = len(self.problems)
            return f"{count} problem{'s' if count != 1 else ''} in {self.template}"
        text = f"{self.template}: no problems found"
        if self.rendered:
            plural = "s" if self.rendered != 1 else ""
            text += f"; {self.rendered} document{plural} rendered in memory"
        return text

    def as_dict(self) -> dict:
        return {
            "template": str(self.template),
            "kind": self.kind,
            "ok": self.ok,
            "rendered": self.rendered,
            "problems": [problem.as_dict() for problem in self.problems],
        }


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


def _path(node: nodes.Node) -> str:
    """An expression as the maintainer wrote it, for messages (``indicator.steps[0].done``)."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_path(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg
        if isinstance(arg, nodes.Const):
            return f"{_path(node.node)}[{arg.value!r}]"
        return f"{_path(node.node)}[...]"
    if isinstance(node, nodes.Filter):
        return f"{_path(node.node)}|{node.name}" if node.node is not None else node.name
    return "(...)"


Scope = dict[str, Any]


class _Names(NodeVisitor):
    """Walks the syntax tree of a template's tags with the variables in scope.

    ``visit(node, scope)`` checks a node and returns its type where it is known
    (`Any` where it is not, None after a reported mistake, so that one mistake
    is reported once); Jinja's `NodeVisitor` dispatches on the node's class.
    """

    def __init__(self, env: jinja2.Environment, analysis: Analysis) -> None:
        self.env = env
        self.analysis = analysis
        self.problems: list[TemplateProblem] = []

    def _tag(self, node: nodes.Node) -> Tag | None:
        lines = self.analysis.lines
        lineno = getattr(node, "lineno", 0)
        return lines[lineno] if 0 < lineno < len(lines) else None

    def report(self, node: nodes.Node, message: str, hint: str | None, kind: str) -> None:
        tag = self._tag(node)
        location = tag.location if tag else None
        self._add(TemplateProblem(message, location, hint, tag.written if tag else None, kind))

    def _add(self, problem: TemplateProblem) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def body(self, body: Iterable[nodes.Node], scope: Scope) -> None:
        for node in body:
            self.visit(node, scope)

    def generic_visit(self, node: nodes.Node, scope: Scope) -> Any:  # type: ignore[override]
        self.body(node.iter_child_nodes(), scope)
        return Any

    def bind(self, target: nodes.Node, kind: Any, scope: Scope) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = kind
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, Any, scope)

    # -- statements

    def visit_For(self, node: nodes.For, scope: Scope) -> None:
        items = self.visit(node.iter, scope)
        inner = dict(scope)
        self.bind(node.target, element_type(items), inner)
        inner["loop"] = _LOOP
        if node.test is not None:
            self.visit(node.test, inner)
        self.body(node.body, inner)
        self.body(node.else_, scope)

    def visit_If(self, node: nodes.If, scope: Scope) -> None:
        self.visit(node.test, scope)
        self.body(node.body, scope)
        self.body(node.elif_, scope)
        self.body(node.else_, scope)

    def visit_Assign(self, node: nodes.Assign, scope: Scope) -> None:
        self.bind(node.target, self.visit(node.node, scope), scope)

    def visit_AssignBlock(self, node: nodes.AssignBlock, scope: Scope) -> None:
        self.body(node.body, scope)
        self.bind(node.target, str, scope)

    def visit_With(self, node: nodes.With, scope: Scope) -> None:
        inner = dict(scope)
        for target, value in zip(node.targets, node.values, strict=False):
            self.bind(target, self.visit(value, scope), inner)
        self.body(node.body, inner)

    def visit_Macro(self, node: nodes.Macro, scope: Scope) -> None:
        scope[node.name] = Any
        self._macro_body(node, scope)

    def visit_CallBlock(self, node: nodes.CallBlock, scope: Scope) -> None:
        self.visit(node.call, scope)
        self._macro_body(node, scope)

    def _macro_body(self, node: nodes.Macro | nodes.CallBlock, scope: Scope) -> None:
        inner = dict(scope)
        for arg in node.args:
            inner[arg.name] = Any
        inner.update(varargs=Any, kwargs=Any, caller=Any)
        self.body(node.body, inner)

    def visit_FilterBlock(self, node: nodes.FilterBlock, scope: Scope) -> None:
        self.visit(node.filter, scope)
        self.body(node.body, scope)

    # -- expressions

    def visit_Name(self, node: nodes.Name, scope: Scope) -> Any:
        if node.name in scope:
            return scope[node.name]
        if node.name in self.env.globals:
            return Any
        names = sorted(scope)
        guess = difflib.get_close_matches(node.name, names, n=1, cutoff=0.6)
        self.report(
            node,
            f"unknown variable '{node.name}'",
            (f"did you mean {guess[0]}? " if guess else "") + f"variables here: {', '.join(names)}",
            "variable",
        )
        return None

    def visit_Getattr(self, node: nodes.Getattr, scope: Scope) -> Any:
        return self.field(node, self.visit(node.node, scope), node.attr)

    def visit_Getitem(self, node: nodes.Getitem, scope: Scope) -> Any:
        owner = self.visit(node.node, scope)
        key = node.arg
        if isinstance(key, nodes.Const) and isinstance(key.value, str):
            return self.field(node, owner, key.value)
        self.visit(key, scope)
        if isinstance(key, nodes.Slice):
            return owner
        return element_type(owner) if owner is not None else None

    def visit_Test(self, node: nodes.Test, scope: Scope) -> Any:
        if node.name in ("defined", "undefined") and isinstance(node.node, nodes.Name):
            return bool  # a variable that may be absent
        return self._filter_or_test(node, "test", scope)

    def visit_Filter(self, node: nodes.Filter, scope: Scope) -> Any:
        return self._filter_or_test(node, "filter", scope)

    def _filter_or_test(self, node: nodes.Filter | nodes.Test, kind: str, scope: Scope) -> Any:
        known = self.env.filters if kind == "filter" else self.env.tests
        if node.name not in known:
            tag = self._tag(node)
            location, written = (tag.location, tag.written) if tag else (None, None)
            self._add(unknown_name_problem(self.env, kind, node.name, location, written))
        return self.generic_visit(node, scope)

    def field(self, node: nodes.Node, owner: Any, name: str) -> Any:
        """The type of ``owner.name``; reports a name the owner does not have."""
        if owner is None or owner is Any:
            return owner
        base = _path(node.node)  # type: ignore[attr-defined]
        if owner == _LOOP:
            if name in LOOP_FIELDS:
                return LOOP_FIELDS[name]
            return self._unknown(node, base, name, list(LOOP_FIELDS), "the loop")
        kind = strip_optional(owner)
        if is_view(kind):
            fields = field_types(kind)
            if name in fields:
                return fields[name]
            noun = type_name(kind)
            owner_text = base if base == noun else f"{base} ({_article(noun)} {noun})"
            return self._unknown(node, base, name, list(fields), owner_text)
        if typing.get_origin(kind) is list:
            item = type_name(typing.get_args(kind)[0])
            self.report(
                node,
                f"unknown field '{name}' in {base}.{name}",
                f"{base} is a list of {item}; take one item ({base}[0].{name}) "
                f"or repeat with {{% for item in {base} %}}",
                "variable",
            )
            return None
        if isinstance(kind, type) and issubclass(kind, LEAVES):
            if hasattr(kind, name):
                return Any
            self.report(
                node,
                f"unknown field '{name}' in {base}.{name}",
                f"{base} is {type_name(kind)}; it has no fields",
                "variable",
            )
            return None
        return Any

    def _unknown(self, node, base: str, name: str, names: list[str], owner: str) -> None:
        guess = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        hint = (f"did you mean {base}.{guess[0]}? " if guess else "") + (
            f"{owner} has: {', '.join(names)}"
        )
        self.report(node, f"unknown field '{name}' in {base}.{name}", hint, "variable")


def _tree(env: jinja2.Environment, analysis: Analysis) -> nodes.Template | TemplateProblem:
    try:
        return env.parse(analysis.source)
    except jinja2.TemplateSyntaxError as exc:  # the tag checks missed something; say so
        tag = analysis.lines[exc.lineno] if 0 < exc.lineno < len(analysis.lines) else None
        return TemplateProblem(
            f"tag syntax error: {exc.message}",
            tag.location if tag else None,
            tag=tag.written if tag else None,
            kind="syntax",
        )


def template_kind(env: jinja2.Environment, analyses: list[Analysis], contexts: Contexts) -> str:
    """The kind of template whose own root names it reads without setting them
    (e.g. "summary" for one that reads `summary`); else the first kind."""
    loaded: set[str] = set()
    bound: set[str] = set()
    for analysis in analyses:
        tree = _tree(env, analysis)
        if isinstance(tree, nodes.Template):
            for name in tree.find_all(nodes.Name):
                (loaded if name.ctx == "load" else bound).add(name.name)
    default, *others = contexts
    for kind in others:
        own = set(contexts[kind]) - set(contexts[default])
        if own & (loaded - bound):
            return kind
    return default


def check_names(env: jinja2.Environment, analysis: Analysis, roots: Scope) -> list[TemplateProblem]:
    """Unknown variables, fields, filters and tests among the sound tags."""
    tree = _tree(env, analysis)
    if isinstance(tree, TemplateProblem):
        return [tree]
    walker = _Names(env, analysis)
    walker.body(tree.body, dict(roots))
    return walker.problems


# --------------------------------------------------------------------------- the check


def check_static(
    path: str | Path, contexts: Contexts, env: jinja2.Environment, allow_external: bool = False
) -> CheckResult:
    """The problems found without data, and the kind of context the template is written for."""
    path = Path(path)
    default = next(iter(contexts))
    try:
        source = path.read_bytes()
    except OSError as exc:
        problem = TemplateProblem(f"cannot read the template: {exc.strerror}", kind="file")
        return CheckResult(path, [problem], kind=default)
    try:
        entries = read_package(path, source, allow_external=allow_external)
        parts: list[PreparedPart] = [
            prepare_part(info.filename, data, path)
            for info, data in entries
            if is_template_part(info.filename, data)
        ]
    except TemplateError as exc:
        problems = [dataclasses.replace(problem, kind="file") for problem in exc.problems]
        return CheckResult(path, problems, kind=default)
    analyses = [analyse(env, part.tags(), part.source) for part in parts]
    kind = template_kind(env, analyses, contexts)
    problems: list[TemplateProblem] = []
    for part, analysis in zip(parts, analyses, strict=True):
        found = part.problems + analysis.problems + check_names(env, analysis, contexts[kind])
        problems += part.in_document_order(found)
    return CheckResult(path, problems, kind=kind)


def render_problems(
    template: Template, contexts: Iterable[tuple[str, dict[str, Any]]]
) -> tuple[list[TemplateProblem], int]:
    """Render the template in memory with each (name, context); the problems, and how
    many documents rendered."""
    problems: list[TemplateProblem] = []
    rendered = 0
    for name, context in contexts:
        try:
            template.render(context)
            rendered += 1
        except TemplateError as exc:
            for problem in exc.problems:
                found = dataclasses.replace(
                    problem, message=f"with {name}: {problem.message}", kind="render"
                )
                problems.append(found)
    return problems, rendered
