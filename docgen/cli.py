"""The ``docgen`` command: parses arguments, calls the API, maps errors to exit codes.

Exit codes: 0 success; 1 invalid data; 2 wrong usage; 3 output or environment
problem (disk, LibreOffice); 4 template problem.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__, api
from .errors import DocgenError
from .filters import DIGIT_STYLES, format_score
from .limits import DEFAULT_LIMITS, Limits

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--time-limit and --max-value-bytes, given to the command as one `limits` argument."""

    def to_limits(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        changes = ctx.meta.setdefault("docgen_limits", {})
        if value is not None:
            changes[param.name] = value
        return value

    command = click.option(
        "--max-value-bytes",
        "value_bytes",
        type=click.IntRange(min=1),
        metavar="BYTES",
        default=None,
        callback=to_limits,
        expose_value=False,
        help=f"Refuse a data value longer than this [default: {DEFAULT_LIMITS.value_bytes}].",
    )(command)
    return click.option(
        "--time-limit",
        "render_seconds",
        type=click.FloatRange(min=0, min_open=True),
        metavar="SECONDS",
        default=None,
        callback=to_limits,
        expose_value=False,
        help="Stop a template that renders one document longer than this many seconds "
        f"[default: {DEFAULT_LIMITS.render_seconds:g}].",
    )(command)


def _limits() -> Limits:
    changes = click.get_current_context().meta.get("docgen_limits", {})
    return dataclasses.replace(DEFAULT_LIMITS, **changes)


def _fail(exc: DocgenError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docgen")
def main() -> None:
    """docgen turns indicator data (YAML/JSON) into the official Thai report
    รายงานผลการปฏิบัติราชการตามคำรับรองฯ (รายตัวชี้วัด) as Word documents.

    \b
    Start with:
      docgen render fixtures/indicator-3.2.yaml -o output
      docgen render fixtures/report-2550-r12.yaml --summary -o output
    """


@main.command()
@click.argument("data_file", type=_FILE)
@click.option(
    "-o",
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder for the documents.",
)
@click.option(
    "--template",
    "template",
    type=_FILE,
    default=None,
    help="A .docx template to use instead of the official form.",
)
@click.option(
    "--digits",
    type=click.Choice(DIGIT_STYLES),
    default="arabic",
    show_default=True,
    help="Print the numbers docgen writes in Arabic or Thai digits.",
)
@click.option("--pdf", is_flag=True, help="Also convert each document to PDF with LibreOffice.")
@click.option(
    "--summary",
    is_flag=True,
    help="Also write the report summary (every indicator's score and the composite score).",
)
@click.option(
    "--summary-template",
    type=_FILE,
    default=None,
    help="A .docx template for the summary instead of the default one (implies --summary).",
)
@click.option(
    "--font-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="DOCGEN_FONT_DIR",
    help="Folder with the real TH Sarabun fonts for PDF output [env: DOCGEN_FONT_DIR].",
)
@click.option("-v", "--verbose", is_flag=True, help="Say which font each PDF used.")
@limit_options
def render(
    data_file: Path,
    out_dir: Path,
    template: Path | None,
    digits: str,
    pdf: bool,
    summary: bool,
    summary_template: Path | None,
    font_dir: Path | None,
    verbose: bool,
) -> None:
    """Render every indicator of DATA_FILE to a .docx named after fiscal year,
    round and code (e.g. 2550-r12-3.2.docx); with --summary, also the report
    summary (2550-r12-summary.docx).

    Nothing is written when the data or the template has a problem; the
    message names the file, the line, the field or the template cell.
    """
    try:
        result = api.render_report(
            data_file,
            template,
            out_dir,
            summary=summary or summary_template is not None,
            summary_template=summary_template,
            digits=digits,
            pdf=pdf,
            font_dir=font_dir,
            limits=_limits(),
        )
    except DocgenError as exc:
        _fail(exc)
    for doc in result.documents:
        click.echo(
            f"wrote {doc.path}  (score {format_score(doc.score.score)}, "
            f"weighted {format_score(doc.score.weighted)})"
        )
        if doc.pdf:
            click.echo(_wrote_pdf(doc.pdf, doc.pdf_font, verbose))
    count = len(result.documents)
    figures = (
        f"composite {format_score(result.score.composite)}, "
        f"{count} indicator{'' if count == 1 else 's'}, "
        f"weights {format_score(result.score.total_weight)}"
    )
    if result.summary is not None:
        click.echo(f"wrote {result.summary.path}  ({figures})")
        if result.summary.pdf:
            click.echo(_wrote_pdf(result.summary.pdf, result.summary.pdf_font, verbose))
    elif len(result.documents) > 1:
        click.echo(figures)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)


def _wrote_pdf(pdf: Path, font: str | None, verbose: bool) -> str:
    return f"wrote {pdf}" + (f"  (font: {font})" if verbose else "")


@main.command()
@click.option(
    "--font-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="DOCGEN_FONT_DIR",
    help="Folder with the real TH Sarabun fonts [env: DOCGEN_FONT_DIR].",
)
def doctor(font_dir: Path | None) -> None:
    """Check what PDF output needs: LibreOffice, Thai fonts, and which font PDFs use."""
    from .fonts import doctor_report

    report = doctor_report(font_dir=font_dir)
    click.echo(str(report))
    sys.exit(0 if report.ok else 3)


if __name__ == "__main__":  # pragma: no cover
    main()
