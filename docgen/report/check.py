"""`docgen check`: every problem of a template in one run, each where Word shows it.

Three passes, each reporting all it finds:

1. the tags themselves (`docgen.engine.parts.prepare_part`, `docgen.engine.analysis.analyse`):
   tags Word split beyond repair, syntax, unclosed or stray block tags,
   ``{%tr %}`` outside a row, blocks that cut through a table cell;
2. names: every variable, field, filter and test, checked against what a
   template really sees (the view dataclasses of `docgen.report.context`, followed
   through loops, indexes and ``{% set %}``), with the nearest real name;
3. with data, the template is rendered in memory for every indicator, and
   what goes wrong then is reported the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes

from docgen.engine.analysis import Analysis, analyse, unknown_name_problem
from docgen.engine.filters import make_environment
from docgen.engine.package import is_template_part, read_package
from docgen.engine.parts import PreparedPart, prepare_part
from docgen.engine.richtext import RichText
from docgen.engine.tags import Tag
from docgen.engine.template import Template
from docgen.errors import TemplateError, TemplateProblem
from docgen.report.context import (
    VIEWS,
    IndicatorView,
    ReportView,
    SummaryView,
    indicator_context,
    summary_context,
)

#: What a template sees: an indicator's document, or the report summary.
CONTEXTS: dict[str, dict[str, Any]] = {
    "indicator": {"report": ReportView, "indicator": IndicatorView},
    "summary": {"report": ReportView, "summary": SummaryView},
}
ROOTS = CONTEXTS["indicator"]
#: What ``loop`` offers inside a ``{% for %}``.
LOOP_FIELDS: dict[str, Any] = {
    "index": int,
    "index0": int,
    "revindex": int,
    "revindex0": int,
    "first": bool,
    "last": bool,
    "length": int,
    "depth": int,
    "depth0": int,
    "previtem": Any,
    "nextitem": Any,
    "cycle": Any,
    "changed": Any,
}
_LOOP = "loop"  # the type of ``loop``
_LEAVES = (str, int, Decimal, bool, dt.date, RichText)


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


# --------------------------------------------------------------------------- types


def type_name(kind: Any) -> str:
    """A field's type in a maintainer's words.

    >>> type_name(list[str]), type_name(Decimal | None), type_name(ReportView)
    ('list of text', 'number or empty', 'report')
    """
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        text = " or ".join(type_name(a) for a in rest)
        return text + (" or empty" if len(rest) < len(args) else "")
    if is_view(kind):
        return kind.__name__.removesuffix("View").lower()
    names = {
        str: "text",
        int: "whole number",
        Decimal: "number",
        bool: "yes/no",
        dt.date: "date",
        RichText: "rich text",
    }
    return names.get(kind, "value")


def is_view(kind: Any) -> bool:
    """Whether `kind` is one of the view dataclasses a template walks into (not a leaf)."""
    return isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind in VIEWS


def field_types(kind: Any) -> dict[str, Any]:
    """The fields of a view dataclass, with their resolved types."""
    return typing.get_type_hints(kind)


def _strip_optional(kind: Any) -> Any:
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(kind) if a is not type(None)]
        return rest[0] if len(rest) == 1 else Any
    return kind


def _element_type(kind: Any) -> Any:
    kind = _strip_optional(kind)
    if typing.get_origin(kind) is list:
        return typing.get_args(kind)[0]
    if kind is str:
        return str
    return Any


# --------------------------------------------------------------------------- names


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


@dataclass
class _Names:
    """Walks the syntax tree of a template's tags, with the variables in scope."""

    env: jinja2.Environment
    analysis: Analysis
    problems: list[TemplateProblem] = field(default_factory=list)

    def _tag(self, node: nodes.Node) -> Tag | None:
        lines = self.analysis.lines
        lineno = getattr(node, "lineno", 0)
        return lines[lineno] if 0 < lineno < len(lines) else None

    def report(self, node: nodes.Node, message: str, hint: str | None, kind: str) -> None:
        tag = self._tag(node)
        location = tag.location if tag else None
        problem = TemplateProblem(message, location, hint, tag.written if tag else None, kind)
        if problem not in self.problems:
            self.problems.append(problem)

    # -- statements

    def body(self, body: list[nodes.Node], scope: dict[str, Any]) -> None:
        for node in body:
            self.statement(node, scope)

    def statement(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.For):
            items = self.expr(node.iter, scope)
            inner = dict(scope)
            self.bind(node.target, _element_type(items), inner)
            inner["loop"] = _LOOP
            if node.test is not None:
                self.expr(node.test, inner)
            self.body(node.body, inner)
            self.body(node.else_, scope)
        elif isinstance(node, nodes.If):
            self.expr(node.test, scope)
            self.body(node.body, scope)
            for branch in node.elif_:
                self.statement(branch, scope)
            self.body(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, self.expr(node.node, scope), scope)
        elif isinstance(node, nodes.AssignBlock):
            self.body(node.body, scope)
            self.bind(node.target, str, scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self.bind(target, self.expr(value, scope), inner)
            self.body(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            if isinstance(node, nodes.Macro):
                scope[node.name] = Any
            else:
                self.expr(node.call, scope)
            inner = dict(scope)
            for arg in node.args:
                inner[arg.name] = Any
            inner.update(varargs=Any, kwargs=Any, caller=Any)
            self.body(node.body, inner)
        elif isinstance(node, nodes.FilterBlock):
            self.expr(node.filter, scope)
            self.body(node.body, scope)
        elif isinstance(node, nodes.Expr):
            self.expr(node, scope)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Expr):
                    self.expr(child, scope)
                else:
                    self.statement(child, scope)

    def bind(self, target: nodes.Node, kind: Any, scope: dict[str, Any]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = kind
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, Any, scope)

    # -- expressions

    def expr(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        """Check an expression; return its type where it is known (else `Any`)."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.env.globals:
                return Any
            names = sorted(scope)
            guess = difflib.get_close_matches(node.name, names, n=1, cutoff=0.6)
            self.report(
                node,
                f"unknown variable '{node.name}'",
                (f"did you mean {guess[0]}? " if guess else "")
                + f"variables here: {', '.join(names)}",
                "variable",
            )
            return None
        if isinstance(node, nodes.Getattr):
            return self.field(node, self.expr(node.node, scope), node.attr)
        if isinstance(node, nodes.Getitem):
            owner = self.expr(node.node, scope)
            key = node.arg
            if isinstance(key, nodes.Const) and isinstance(key.value, str):
                return self.field(node, owner, key.value)
            self.expr(key, scope)
            if isinstance(key, nodes.Slice):
                return owner
            return _element_type(owner) if owner is not None else None
        asks_if_defined = isinstance(node, nodes.Test) and node.name in ("defined", "undefined")
        if asks_if_defined and isinstance(node.node, nodes.Name):  # a variable that may be absent
            return bool
        if isinstance(node, nodes.Filter | nodes.Test):
            kind = "filter" if isinstance(node, nodes.Filter) else "test"
            known = self.env.filters if kind == "filter" else self.env.tests
            if node.name not in known:
                tag = self._tag(node)
                problem = unknown_name_problem(
                    self.env,
                    kind,
                    node.name,
                    tag.location if tag else None,
                    tag.written if tag else None,
                )
                if problem not in self.problems:
                    self.problems.append(problem)
            for child in node.iter_child_nodes():
                self.expr(child, scope)
            return Any
        for child in node.iter_child_nodes():
            self.expr(child, scope)
        return Any

    def field(self, node: nodes.Node, owner: Any, name: str) -> Any:
        """The type of ``owner.name``; reports a name the owner does not have."""
        if owner is None or owner is Any:
            return owner
        base = _path(node.node)  # type: ignore[attr-defined]
        if owner == _LOOP:
            if name in LOOP_FIELDS:
                return LOOP_FIELDS[name]
            return self._unknown(node, base, name, list(LOOP_FIELDS), "the loop")
        kind = _strip_optional(owner)
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
        if isinstance(kind, type) and issubclass(kind, _LEAVES):
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


def template_kind(env: jinja2.Environment, analyses: list[Analysis]) -> str:
    """ "summary" for a template that reads a `summary` it never sets, else "indicator"."""
    loaded: set[str] = set()
    bound: set[str] = set()
    for analysis in analyses:
        tree = _tree(env, analysis)
        if isinstance(tree, nodes.Template):
            for name in tree.find_all(nodes.Name):
                (loaded if name.ctx == "load" else bound).add(name.name)
    return "summary" if "summary" in loaded - bound else "indicator"


def check_names(
    env: jinja2.Environment, analysis: Analysis, kind: str = "indicator"
) -> list[TemplateProblem]:
    """Unknown variables, fields, filters and tests among the sound tags."""
    tree = _tree(env, analysis)
    if isinstance(tree, TemplateProblem):
        return [tree]
    walker = _Names(env, analysis)
    walker.body(tree.body, dict(CONTEXTS[kind]))
    return walker.problems


# --------------------------------------------------------------------------- the check


def _static_problems(path: Path, env: jinja2.Environment) -> tuple[list[TemplateProblem], str]:
    """The problems found without data, and the context the template is written for."""
    try:
        source = path.read_bytes()
    except OSError as exc:
        return [TemplateProblem(f"cannot read the template: {exc.strerror}", kind="file")], ""
    try:
        entries = read_package(path, source)
        parts: list[PreparedPart] = [
            prepare_part(info.filename, data, path)
            for info, data in entries
            if is_template_part(info.filename, data)
        ]
    except TemplateError as exc:
        return [TemplateProblem(exc.message, exc.location, exc.hint, kind="file")], ""
    analyses = [analyse(env, part.tags(), part.source) for part in parts]
    kind = template_kind(env, analyses)
    problems: list[TemplateProblem] = []
    for part, analysis in zip(parts, analyses, strict=True):
        found = part.problems + analysis.problems + check_names(env, analysis, kind)
        problems += part.in_document_order(found)
    return problems, kind


def _render_problems(
    path: Path, data: Any, digits: str, kind: str
) -> tuple[list[TemplateProblem], int]:
    """Render every document of `data` in memory (each indicator, or the summary)."""
    from docgen.api import load_report

    report = load_report(data)
    template = Template(path, digits=digits)
    if kind == "summary":
        contexts = [("the summary", summary_context(report))]
    else:
        contexts = [
            (f"indicator {indicator.code}", indicator_context(report, indicator))
            for indicator in report.all_indicators
        ]
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


def check_template(path: str | Path, data: Any = None, *, digits: str = "arabic") -> CheckResult:
    """Every problem of a template; with `data` (a data file or report), render it too.

    A template that names ``summary`` (and not ``indicator``) is checked as a report
    summary, like ``docgen/templates/kpi_summary.docx``; any other as an indicator's document.
    """
    path = Path(path)
    env = make_environment(digits)
    problems, kind = _static_problems(path, env)
    result = CheckResult(path, problems, kind=kind or "indicator")
    if data is not None and not result.problems:
        result.problems, result.rendered = _render_problems(path, data, digits, kind)
    return result
