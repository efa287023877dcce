"""The Python API: data file in, documents out. The CLI is a thin wrapper of this."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import data as data_module
from .context import indicator_context
from .errors import DataError, Problem
from .model import Indicator, Report
from .output import atomic_write_bytes, clean_stale_temp_files, document_name
from .scoring import Score, score_indicator
from .template import Template

#: The official form; `templates/` beside the package in a checkout.
TEMPLATES_DIR = Path(
    os.environ.get("DOCGEN_TEMPLATES", Path(__file__).resolve().parent.parent / "templates")
)
DEFAULT_TEMPLATE = TEMPLATES_DIR / "kpi_report.docx"


@dataclass(frozen=True)
class RenderedDocument:
    """One document written: which indicator, where, and its score."""

    code: str
    path: Path
    score: Score
    pdf: Path | None = None
    pdf_font: str | None = None  # the font PDF output used (real, or derived stand-in)


@lru_cache(maxsize=16)
def _cached_template(path: str, mtime_ns: int, digits: str) -> Template:
    return Template(path, digits=digits)


def load_template(path: str | Path | None = None, digits: str = "arabic") -> Template:
    """A compiled template, reused while the file is unchanged (compile once, render many)."""
    path = Path(path) if path is not None else DEFAULT_TEMPLATE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1  # Template() reports the missing file with its name
    return _cached_template(str(path), mtime, digits)


def load_report(source: str | Path | Report | dict[str, Any]) -> Report:
    """Accept a data file path, an already validated `Report`, or parsed data."""
    if isinstance(source, Report):
        return source
    if isinstance(source, dict):
        return data_module.validate(source)
    return data_module.load(source)


def output_names(report: Report, suffix: str = ".docx") -> list[str]:
    """File names of a report's documents; two indicators may not share one."""
    info = report.report
    names: list[str] = []
    problems: list[Problem] = []
    single = report.indicator is not None
    for index, indicator in enumerate(report.all_indicators):
        name = document_name(info.fiscal_year, info.round, indicator.code, suffix)
        if name.lower() in (n.lower() for n in names):
            first = [n.lower() for n in names].index(name.lower())
            path = "indicator.code" if single else f"indicators[{index}].code"
            problems.append(
                Problem(
                    path,
                    f"code {indicator.code!r} gives the file name {name}, the same as "
                    f"indicators[{first}]; give each indicator its own code",
                )
            )
        names.append(name)
    if problems:
        raise DataError(problems)
    return names


def render_indicator(
    report: Report, indicator: Indicator, template: Template, score: Score | None = None
) -> bytes:
    """The .docx bytes of one indicator's report."""
    return template.render(indicator_context(report, indicator, score))


def iter_documents(
    report: Report, template: Template
) -> Iterator[tuple[Indicator, Score, str, bytes]]:
    """(indicator, score, file name, .docx bytes) for each indicator of a report."""
    for indicator, name in zip(report.all_indicators, output_names(report), strict=True):
        score = score_indicator(indicator)
        yield indicator, score, name, render_indicator(report, indicator, template, score)


def render(
    data: str | Path | Report | dict[str, Any],
    template: str | Path | Template | None = None,
    out_dir: str | Path = "output",
    *,
    digits: str = "arabic",
    pdf: bool = False,
    font_dir: str | Path | None = None,
) -> list[RenderedDocument]:
    """Render every indicator of a data file into `out_dir`; return what was written.

    Nothing is written unless the data is valid and every document renders:
    documents are rendered in memory first, then written atomically.
    """
    source = data if isinstance(data, str | Path) else None
    report = load_report(data)
    compiled = template if isinstance(template, Template) else load_template(template, digits)
    try:
        documents = list(iter_documents(report, compiled))
    except DataError as exc:
        raise exc.with_file(source) if source is not None else exc from None
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clean_stale_temp_files(out_dir)
    written = []
    for indicator, score, name, payload in documents:
        path = atomic_write_bytes(out_dir / name, payload)
        written.append(RenderedDocument(indicator.code, path, score))
    if pdf:
        from .pdf import convert_to_pdf

        results = convert_to_pdf([doc.path for doc in written], out_dir, font_dir=font_dir)
        written = [
            RenderedDocument(doc.code, doc.path, doc.score, result.pdf, result.font)
            for doc, result in zip(written, results, strict=True)
        ]
        failures = [r for r in results if r.error]
        if failures:
            from .errors import OutputError

            raise OutputError(
                "PDF conversion failed for "
                + "; ".join(f"{r.source.name}: {r.error}" for r in failures)
            )
    return written


def check_template(
    template: str | Path | None = None,
    data: str | Path | Report | dict[str, Any] | None = None,
    *,
    digits: str = "arabic",
):
    """Every problem of a template (the official form by default); with data, rendered too.

    Returns a `docgen.check.CheckResult`: ``.ok``, ``.problems`` (each with ``.location``,
    ``.message``, ``.hint``), ``.summary()``.
    """
    from .check import check_template as check

    return check(template if template is not None else DEFAULT_TEMPLATE, data, digits=digits)


def composite(documents: list[RenderedDocument]) -> Decimal:
    """คะแนนรวม of what was rendered."""
    return sum((doc.score.weighted for doc in documents), Decimal(0))
