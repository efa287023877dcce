"""The Python API: data file in, documents out. The CLI is a thin wrapper of this."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from docgen.engine.template import Template
from docgen.errors import DataError, OutputError, Problem, UsageError
from docgen.limits import DEFAULT_LIMITS, Limits
from docgen.output import atomic_write_bytes, document_name, output_path, prepare_out_dir
from docgen.report import data as data_module
from docgen.report.context import indicator_context, summary_context
from docgen.report.model import Indicator, Report
from docgen.report.paths import indicator_path
from docgen.report.scoring import (
    ReportScore,
    Score,
    score_report,
)

#: The official form and the summary ship inside the package (`docgen/templates/`);
#: DOCGEN_TEMPLATES points at a folder of edited copies instead.
TEMPLATES_DIR = Path(
    os.environ.get("DOCGEN_TEMPLATES") or str(resources.files("docgen") / "templates")
)
DEFAULT_TEMPLATE = TEMPLATES_DIR / "kpi_report.docx"
#: The report summary: every indicator's figures and the composite score.
SUMMARY_TEMPLATE = TEMPLATES_DIR / "kpi_summary.docx"
SUMMARY_CODE = "summary"


@dataclass(frozen=True)
class RenderedDocument:
    """One document written: which indicator, where, and its score."""

    code: str
    path: Path
    score: Score
    pdf: Path | None = None
    pdf_font: str | None = None  # the font PDF output used (real, or derived stand-in)


@dataclass(frozen=True)
class RenderedSummary:
    """The summary document written, and the figures it shows."""

    path: Path
    score: ReportScore
    pdf: Path | None = None
    pdf_font: str | None = None


@dataclass(frozen=True)
class RenderedReport:
    """Everything `render_report` wrote, with the report's composite and its warnings."""

    documents: list[RenderedDocument]
    summary: RenderedSummary | None
    score: ReportScore
    #: For the person running the report (e.g. weights that do not add up to 100).
    warnings: list[str]


@lru_cache(maxsize=16)
def _cached_template(
    path: str, mtime_ns: int, digits: str, limits: Limits, allow_external: bool
) -> Template:
    return Template(path, digits=digits, limits=limits, allow_external=allow_external)


def load_template(
    path: str | Path | None = None,
    digits: str = "arabic",
    limits: Limits = DEFAULT_LIMITS,
    *,
    allow_external: bool = False,
) -> Template:
    """A compiled template, reused while the file is unchanged (compile once, render many).

    `limits` bound the package and every render of the template (`docgen.limits`).
    A template that links outside itself (images, a remote template) or imports
    another document (altChunk) is refused unless `allow_external`.
    """
    path = Path(path) if path is not None else DEFAULT_TEMPLATE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1  # Template() reports the missing file with its name
    return _cached_template(str(path), mtime, digits, limits, allow_external)


def load_summary_template(
    path: str | Path | None = None,
    digits: str = "arabic",
    limits: Limits = DEFAULT_LIMITS,
    *,
    allow_external: bool = False,
) -> Template:
    """The compiled summary template (`docgen/templates/kpi_summary.docx` unless `path` is given)."""
    path = path if path is not None else SUMMARY_TEMPLATE
    return load_template(path, digits, limits, allow_external=allow_external)


def load_report(
    source: str | Path | Report | dict[str, Any], limits: Limits = DEFAULT_LIMITS
) -> Report:
    """Accept a data file path, an already validated `Report`, or parsed data."""
    if isinstance(source, Report):
        return source
    if isinstance(source, dict):
        return data_module.validate(source, limits=limits)
    return data_module.load(source, limits)


def summary_name(report: Report, suffix: str = ".docx") -> str:
    """File name of a report's summary, e.g. ``2550-r12-summary.docx``."""
    return document_name(report.report.fiscal_year, report.report.round, SUMMARY_CODE, suffix)


def output_names(report: Report, suffix: str = ".docx", *, summary: bool = False) -> list[str]:
    """File names of a report's indicator documents; two documents may not share one.

    With `summary`, an indicator may not take the summary's name either.
    """
    info = report.report
    names: list[str] = []
    problems: list[Problem] = []
    single = report.indicator is not None
    # Compared as a case-insensitive file system (Windows, macOS) would.
    reserved = summary_name(report, suffix).casefold() if summary else None
    for index, indicator in enumerate(report.all_indicators):
        name = document_name(info.fiscal_year, info.round, indicator.code, suffix)
        if name.casefold() == reserved:
            path = f"{indicator_path(single, index)}.code"
            problems.append(
                Problem(
                    path,
                    f"code {indicator.code!r} gives the file name {name}, the name of the "
                    "report summary; give the indicator another code",
                )
            )
        elif name.casefold() in (n.casefold() for n in names):
            first = [n.casefold() for n in names].index(name.casefold())
            path = f"{indicator_path(single, index)}.code"
            problems.append(
                Problem(
                    path,
                    f"code {indicator.code!r} gives the file name {name}, the same as "
                    f"{indicator_path(False, first)}; give each indicator its own code",
                )
            )
        names.append(name)
    if problems:
        raise DataError(problems)
    return names


def indicator_docx(
    report: str | Path | Report | dict[str, Any],
    indicator: Indicator | str | None = None,
    template: str | Path | Template | None = None,
    *,
    score: Score | None = None,
    digits: str = "arabic",
    limits: Limits = DEFAULT_LIMITS,
) -> bytes:
    """The .docx bytes of one indicator's document, written nowhere.

    `report` is a data file, parsed data or a `Report`; `indicator` one of its
    indicators or its code (default: the first); `template` the official form
    unless given.
    """
    report = load_report(report, limits)
    chosen = _indicator(report, indicator)
    compiled = (
        template if isinstance(template, Template) else load_template(template, digits, limits)
    )
    return compiled.render(indicator_context(report, chosen, score))


def _indicator(report: Report, indicator: Indicator | str | None) -> Indicator:
    if isinstance(indicator, Indicator):
        return indicator
    if indicator is None:
        return report.all_indicators[0]
    for candidate in report.all_indicators:
        if candidate.code == indicator:
            return candidate
    codes = ", ".join(i.code for i in report.all_indicators)
    raise UsageError(f"the report has no indicator {indicator!r}; its codes are {codes}")


def summary_docx(
    report: Report, template: Template, report_score: ReportScore | None = None
) -> bytes:
    """The .docx bytes of a report's summary (every indicator's figures and the
    composite), written nowhere."""
    return template.render(summary_context(report, report_score))


def render_report(
    data: str | Path | Report | dict[str, Any],
    template: str | Path | Template | None = None,
    out_dir: str | Path = "output",
    *,
    summary: bool = False,
    summary_template: str | Path | Template | None = None,
    digits: str = "arabic",
    pdf: bool = False,
    font_dir: str | Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    allow_external: bool = False,
) -> RenderedReport:
    """Render every indicator of a data file into `out_dir`, and the summary if asked.

    Nothing is written unless the data is valid and every document renders:
    documents are rendered in memory first, then written atomically. The weights
    warning is given whenever a composite is meaningful: with a summary, or for
    an `indicators:` list. `limits` bound the data, the templates and each
    document's render (a template given compiled keeps its own).
    """
    source = data if isinstance(data, str | Path) else None
    report = load_report(data, limits)
    compiled = (
        template
        if isinstance(template, Template)
        else load_template(template, digits, limits, allow_external=allow_external)
    )
    compiled_summary = None
    if summary:
        compiled_summary = (
            summary_template
            if isinstance(summary_template, Template)
            else load_summary_template(
                summary_template, digits, limits, allow_external=allow_external
            )
        )
    try:
        names = output_names(report, summary=summary)
    except DataError as exc:
        raise exc.with_file(source) if source is not None else exc from None
    report_score = score_report(report.all_indicators)
    payloads = [
        compiled.render(indicator_context(report, indicator, score))
        for indicator, score in zip(report.all_indicators, report_score.scores, strict=True)
    ]
    summary_payload = (
        summary_docx(report, compiled_summary, report_score) if compiled_summary else None
    )

    out_dir = prepare_out_dir(out_dir)
    documents = [
        RenderedDocument(
            indicator.code, atomic_write_bytes(output_path(out_dir, name), payload), score
        )
        for indicator, score, name, payload in zip(
            report.all_indicators, report_score.scores, names, payloads, strict=True
        )
    ]
    summary_doc = None
    if summary_payload is not None:
        path = atomic_write_bytes(output_path(out_dir, summary_name(report)), summary_payload)
        summary_doc = RenderedSummary(path, report_score)
    if pdf:
        documents, summary_doc = _convert(documents, summary_doc, out_dir, font_dir)
    warning = report_score.weight_warning
    wants_composite = summary or report.indicators is not None
    return RenderedReport(
        documents=documents,
        summary=summary_doc,
        score=report_score,
        warnings=[warning] if warning and wants_composite else [],
    )


def _convert(
    documents: list[RenderedDocument],
    summary: RenderedSummary | None,
    out_dir: Path,
    font_dir: str | Path | None,
) -> tuple[list[RenderedDocument], RenderedSummary | None]:
    """Convert every written document to PDF in one batch; fail naming each file that did not."""
    from docgen.pdf.convert import convert_to_pdf

    sources = [doc.path for doc in documents] + ([summary.path] if summary else [])
    results = convert_to_pdf(sources, out_dir, font_dir=font_dir)
    failures = [r for r in results if r.error]
    if failures:
        raise OutputError(
            "PDF conversion failed for "
            + "; ".join(f"{r.source.name}: {r.error}" for r in failures)
        )
    converted = [
        RenderedDocument(doc.code, doc.path, doc.score, result.pdf, result.font)
        for doc, result in zip(documents, results, strict=False)
    ]
    if summary is not None:
        summary = RenderedSummary(summary.path, summary.score, results[-1].pdf, results[-1].font)
    return converted, summary


def check_template(
    template: str | Path | None = None,
    data: str | Path | Report | dict[str, Any] | None = None,
    *,
    digits: str = "arabic",
):
    """Every problem of a template (the official form by default); with data, rendered too.

    Returns a `docgen.engine.check.CheckResult`: ``.ok``, ``.problems`` (each with ``.location``,
    ``.message``, ``.hint``), ``.summary()``.
    """
    from docgen.report.check import check_template as check

    return check(template if template is not None else DEFAULT_TEMPLATE, data, digits=digits)


def preview(
    data: str | Path | Report | dict[str, Any],
    out: str | Path = "output/preview.png",
    *,
    template: str | Path | Template | None = None,
    digits: str = "arabic",
    dpi: int | None = None,
    font_dir: str | Path | None = None,
    timeout: float = 120,
) -> list[Path]:
    """Write the first indicator's pages as PNG images; return their paths in page order."""
    from docgen.pdf.preview import DEFAULT_DPI, preview_pages

    report = load_report(data)
    compiled = template if isinstance(template, Template) else load_template(template, digits)
    indicator = report.all_indicators[0]
    payload = compiled.render(indicator_context(report, indicator))
    info = report.report
    name = document_name(info.fiscal_year, info.round, indicator.code)
    return preview_pages(
        payload, name, out, dpi=dpi or DEFAULT_DPI, font_dir=font_dir, timeout=timeout
    )


def render_indicator(
    report: Report, indicator: Indicator, template: Template, score: Score | None = None
) -> bytes:
    """Renamed `indicator_docx`; this name goes in the next release."""
    warnings.warn("docgen.api.render_indicator is now indicator_docx", DeprecationWarning, 2)
    return indicator_docx(report, indicator, template, score=score)


def render_summary(*args: Any, **kwargs: Any) -> bytes:
    """Renamed `summary_docx`; this name goes in the next release."""
    warnings.warn("docgen.api.render_summary is now summary_docx", DeprecationWarning, 2)
    return summary_docx(*args, **kwargs)
