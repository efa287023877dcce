"""`docgen check` for the report's templates: the engine's check with what they see.

The engine (`docgen.engine.check`) finds every problem of a template, given the
names a template sees and their types; here those are the report's views
(`CONTEXTS`), and with data every document is rendered in memory too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docgen.engine.check import CheckResult, Contexts, check_static, render_problems
from docgen.engine.filters import make_environment
from docgen.engine.template import Template
from docgen.report import data as data_module
from docgen.report.agreement import SignOffView
from docgen.report.context import (
    IndicatorView,
    ReportView,
    SummaryView,
    indicator_context,
    summary_context,
)
from docgen.report.model import Report

#: What a template sees: an indicator's document (the default), or the report summary.
CONTEXTS: Contexts = {
    "indicator": {"report": ReportView, "indicator": IndicatorView, "sign_off": SignOffView},
    "summary": {"report": ReportView, "summary": SummaryView, "sign_off": SignOffView},
}


def _report(data: str | Path | Report | dict[str, Any]) -> Report:
    if isinstance(data, Report):
        return data
    if isinstance(data, dict):
        return data_module.validate(data)
    return data_module.load(data)


def _contexts(report: Report, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """Every document of the report a template of this kind makes, with its name."""
    if kind == "summary":
        return [("the summary", summary_context(report))]
    return [
        (f"indicator {indicator.code}", indicator_context(report, indicator))
        for indicator in report.all_indicators
    ]


def check_template(
    path: str | Path,
    data: str | Path | Report | dict[str, Any] | None = None,
    *,
    digits: str = "arabic",
    allow_external: bool = False,
) -> CheckResult:
    """Every problem of a template; with `data` (a data file or report), render it too.

    A template that names ``summary`` (and not ``indicator``) is checked as a report
    summary, like ``docgen/templates/kpi_summary.docx``; any other as an indicator's document.
    """
    result = check_static(path, CONTEXTS, make_environment(digits), allow_external)
    if data is not None and not result.problems:
        contexts = _contexts(_report(data), result.kind)
        template = Template(path, digits=digits, allow_external=allow_external)
        result.problems, result.rendered = render_problems(template, contexts)
    return result
