"""The ``docgen`` command: parses arguments, calls the API, maps errors to exit codes.

Exit codes: 0 success; 1 invalid data; 2 wrong usage; 3 output or environment
problem (disk, LibreOffice); 4 template problem. ``docgen batch`` has its own
three: 0 all documents written, 1 some failed (see the manifest), 2 nothing
could run; an interrupted batch exits with 128 + the signal (130 for Ctrl-C).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from docgen import __version__, api
from docgen.engine.filters import DIGIT_STYLES
from docgen.errors import DataError, DocgenError
from docgen.limits import DEFAULT_LIMITS, Limits
from docgen.numbers import format_score
from docgen.output import atomic_write_bytes
from docgen.report.model import STATUS_TEXT
from docgen.report.scoring import ReportScore, Score

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
#: Said after an interrupted batch: what is written stays, --resume skips it.
RESUME_HINT = (
    "to finish, run the same command again with --resume (documents already written are "
    "kept and skipped)"
)


def limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--time-limit and --max-value-bytes, passed to the command as one `limits` argument."""

    @functools.wraps(command)
    def with_limits(
        *args: Any, render_seconds: float | None, value_bytes: int | None, **kwargs: Any
    ) -> Any:
        given = {"render_seconds": render_seconds, "value_bytes": value_bytes}
        limits = dataclasses.replace(
            DEFAULT_LIMITS, **{k: v for k, v in given.items() if v is not None}
        )
        return command(*args, limits=limits, **kwargs)

    with_limits = click.option(
        "--max-value-bytes",
        "value_bytes",
        type=click.IntRange(min=1),
        metavar="BYTES",
        help=f"Refuse a data value longer than this [default: {DEFAULT_LIMITS.value_bytes}].",
    )(with_limits)
    return click.option(
        "--time-limit",
        "render_seconds",
        type=click.FloatRange(min=0, min_open=True),
        metavar="SECONDS",
        help="Stop a template that renders one document longer than this many seconds "
        f"[default: {DEFAULT_LIMITS.render_seconds:g}].",
    )(with_limits)


# Options several commands share, defined once so they read the same everywhere.
_DIGITS = click.option(
    "--digits",
    type=click.Choice(DIGIT_STYLES),
    default="arabic",
    show_default=True,
    help="Print the numbers docgen writes in Arabic or Thai digits.",
)
_TEMPLATE = click.option(
    "--template",
    "template",
    type=_FILE,
    default=None,
    help="A .docx template to use instead of the official form.",
)
_ALLOW_EXTERNAL = click.option(
    "--allow-external",
    is_flag=True,
    help="Accept a template that links images or a template outside itself, or imports "
    "another document (altChunk); refused by default, since Word fetches them on opening.",
)
_FONT_DIR = click.option(
    "--font-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="DOCGEN_FONT_DIR",
    help="Folder with the real TH Sarabun fonts for PDF output [env: DOCGEN_FONT_DIR].",
)


def _out_dir(what: str):
    return click.option(
        "-o",
        "--out-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("output"),
        show_default=True,
        help=f"Folder for {what}.",
    )


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
      docgen serve          # the web form at http://localhost:8000/
    """


@main.command()
@click.argument("data_file", type=_FILE)
@_out_dir("the documents")
@_TEMPLATE
@_DIGITS
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
@_FONT_DIR
@click.option("-v", "--verbose", is_flag=True, help="Say which font each PDF used.")
@limit_options
@_ALLOW_EXTERNAL
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
    limits: Limits,
    allow_external: bool,
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
            limits=limits,
            allow_external=allow_external,
        )
    except DocgenError as exc:
        _fail(exc)
    for doc in result.documents:
        click.echo(f"wrote {doc.path}  ({_score_text(doc.score)})")
        if doc.pdf:
            click.echo(_wrote_pdf(doc.pdf, doc.pdf_font, verbose))
    count = len(result.documents)
    figures = (
        f"composite {_composite_text(result.score)}, "
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


def _score_text(score: Score) -> str:
    """An indicator's figures for the terminal, or its status when it is not assessed."""
    if score.score is None or score.weighted is None:
        return STATUS_TEXT[score.status]
    return f"score {format_score(score.score)}, weighted {format_score(score.weighted)}"


def _composite_text(score: ReportScore) -> str:
    """The composite, with the summary's note when some indicators are not assessed."""
    if score.composite is None:
        return score.composite_note
    note = f" ({score.composite_note})" if score.composite_note else ""
    return format_score(score.composite) + note


def _wrote_pdf(pdf: Path, font: str | None, verbose: bool) -> str:
    return f"wrote {pdf}" + (f"  (font: {font})" if verbose else "")


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, allow_dash=True))
@_out_dir("the documents and manifest.json")
@_TEMPLATE
@_DIGITS
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes  [default: the number of CPUs]",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Skip documents whose output is newer than their input and the template.",
)
@click.option("--pdf", is_flag=True, help="Also make PDFs, one warm LibreOffice per job.")
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Render on a Dask cluster: its scheduler (tcp://HOST:8786), or local:N for N "
    "worker processes here. Needs: pip install 'docgen[distributed]'.",
)
@click.option(
    "--pdf-timeout",
    type=click.FloatRange(min=1),
    default=120,
    show_default=True,
    help="Seconds LibreOffice may work on one document before it is stopped.",
)
@_FONT_DIR
@click.option(
    "--summary",
    is_flag=True,
    help="Also write one summary per organization, fiscal year and round (in the manifest "
    "with its composite).",
)
@click.option(
    "--summary-template",
    type=_FILE,
    help="A .docx template for the summaries instead of the default one (implies --summary).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but an error that stops the run.")
@limit_options
@_ALLOW_EXTERNAL
def batch(
    inputs: tuple[str, ...],
    out_dir: Path,
    template: Path | None,
    digits: str,
    jobs: int | None,
    resume: bool,
    pdf: bool,
    scheduler: str | None,
    pdf_timeout: float,
    font_dir: Path | None,
    quiet: bool,
    limits: Limits,
    allow_external: bool,
    summary: bool = False,
    summary_template: Path | None = None,
) -> None:
    """Render many reports at once: data files, folders of them (searched with
    their subfolders, which the output keeps), or JSON lines on standard input
    given as "-", one report per line.

    \b
    Writes OUT_DIR/manifest.json: for each document its input, indicator,
    output files, score and status, and for a failure the error with its file
    and field. A bad record is skipped; every other document is written.
    Exit code 0: all written; 1: some failed; 2: nothing could run.

    \b
      docgen batch data/ -o output --jobs 4 --pdf
      my-export-script | docgen batch - -o output
      docgen batch data/ -o output --pdf --scheduler tcp://10.0.0.5:8786
    """
    from docgen.batch.inputs import STDIN, find_inputs, read_json_lines
    from docgen.batch.progress import make_progress
    from docgen.batch.run import run_batch
    from docgen.batch.workers import default_jobs, stop_on_signals

    if not inputs:
        if sys.stdin.isatty():
            raise click.UsageError("give data files or folders, or pipe JSON lines in with -")
        inputs = (STDIN,)
    stop = threading.Event()
    try:
        found = find_inputs([i for i in inputs if i != STDIN], out_dir)
        records, total = iter(found), len(found)
        if STDIN in inputs:
            lines = read_json_lines(sys.stdin, first_index=len(found))
            records, total = itertools.chain(found, lines), None
        compiled = api.load_template(template, digits, limits, allow_external=allow_external)
        summaries = None
        if summary or summary_template is not None:
            summaries = api.load_summary_template(
                summary_template, digits, limits, allow_external=allow_external
            )
        with stop_on_signals(stop) as received:
            result = run_batch(
                records,
                compiled,
                out_dir,
                jobs=jobs or default_jobs(),
                resume=resume,
                pdf=pdf,
                pdf_timeout=pdf_timeout,
                font_dir=font_dir,
                total=total,
                progress=make_progress(sys.stderr, quiet),
                stop=stop,
                summary_template=summaries,
                scheduler=scheduler,
            )
    except DocgenError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo(f"interrupted; {RESUME_HINT}", err=True)
        sys.exit(130)
    if not quiet:
        _batch_summary(result)
    if received:
        sys.exit(128 + received[0])
    sys.exit(1 if result.failed or result.interrupted else 0)


def _batch_summary(result) -> None:
    for entry in result.failures:
        click.echo(f"failed: {entry['error']['message']}", err=True)
    if result.failed > len(result.failures):
        click.echo(f"... and {result.failed - len(result.failures)} more failed", err=True)
    for entry in result.summaries:
        composite = entry["composite"] if entry["composite"] is not None else "-"
        where = entry["outputs"].get("docx") or entry.get("error", {}).get("message", "")
        click.echo(
            f"summary {entry['organization'] or '-'} {entry['fiscal_year']} "
            f"รอบ {entry['round']}: composite {composite}, {entry['indicators']} indicators: {where}"
        )
    rate = result.documents / result.seconds if result.seconds else 0
    state = "interrupted: " if result.interrupted else ""
    click.echo(
        f"{state}{result.written} written, {result.skipped} up to date, {result.failed} failed "
        f"in {result.seconds:.1f} s ({rate:.0f} documents/s); manifest: {result.manifest}"
    )
    if result.interrupted:
        click.echo(RESUME_HINT)


@main.command()
@_FONT_DIR
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Also check a Dask scheduler (tcp://HOST:8786): its workers and their LibreOffice.",
)
def doctor(font_dir: Path | None, scheduler: str | None) -> None:
    """Check what PDF output needs: LibreOffice, Thai fonts, and which font PDFs use;
    which YAML parser reads data files; and with --scheduler, a Dask cluster."""
    from docgen.pdf.doctor import doctor_report
    from docgen.report.data import yaml_parser_name

    report = doctor_report(font_dir=font_dir)
    click.echo(str(report))
    click.echo(f"YAML parser: {yaml_parser_name()}")
    ok = report.ok
    if scheduler is not None:
        from docgen.batch.cluster import check_scheduler

        try:
            click.echo(check_scheduler(scheduler))
        except DocgenError as exc:
            click.echo(f"scheduler: {exc}")
            ok = False
    sys.exit(0 if ok else 3)


@main.command()
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of report files the form lists and saves  [default: reports/, created].",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default answers this computer only.",
)
@_TEMPLATE
@_FONT_DIR
def serve(
    workspace: Path | None, port: int, host: str, template: Path | None, font_dir: Path | None
) -> None:
    """Start the clerks' web form: fill in an indicator in Thai, see the score
    as you type, save the YAML file, download the report as .docx or PDF.
    """
    try:
        from docgen import web
    except ImportError as exc:  # flask/waitress are the `web` extra
        click.echo(
            f"error: the web form needs docgen's web extra ({exc}); install it with:\n"
            "    pip install 'docgen[web]'",
            err=True,
        )
        sys.exit(3)
    if workspace is None:
        workspace = web.DEFAULT_WORKSPACE
        workspace.mkdir(exist_ok=True)
    elif not workspace.is_dir():
        click.echo(f"error: the workspace {workspace} is not a folder", err=True)
        sys.exit(2)
    shown = "localhost" if host == "127.0.0.1" else host
    click.echo(f"docgen: the form is at http://{shown}:{port}/  (workspace {workspace.resolve()})")
    click.echo("Press Ctrl+C to stop.")
    try:
        web.serve(workspace, host=host, port=port, template=template, font_dir=font_dir)
    except OSError as exc:
        click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(3)


@main.command()
@click.argument("template", type=_FILE)
@click.option(
    "--data",
    "data_file",
    type=_FILE,
    help="Also render every indicator of this data file in memory and report what fails.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object with every problem, for editors and CI.",
)
@_DIGITS
@_ALLOW_EXTERNAL
def check(
    template: Path, data_file: Path | None, fmt: str, digits: str, allow_external: bool
) -> None:
    """Find every problem of TEMPLATE in one run: tag syntax, unclosed
    {% for %}/{% if %}, {%tr %} outside a table row, tags Word split beyond
    repair, unknown variables, fields and filters.

    Each problem names its place as Word shows it ("body paragraph 14",
    "table 3, row 2, column 4"), the text around the tag, and what to do.
    Also reported: what the document would fetch from outside when opened
    (linked images, a remote template) and altChunk imports, unless
    --allow-external; macros; DTDs; a damaged or bomb-like zip.
    Exit code 0: no problems; 1: problems found (or the data file is invalid).
    """
    from docgen.report.check import check_template

    try:
        result = check_template(template, data_file, digits=digits, allow_external=allow_external)
    except DataError as exc:
        if fmt == "json":
            report = {"template": str(template), "ok": False, "data_problems": exc.as_dicts()}
            click.echo(json.dumps(report, ensure_ascii=False, indent=2))
            sys.exit(exc.exit_code)
        _fail(exc)
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        for problem in result.problems:
            click.echo(problem.describe(str(template)))
        click.echo(result.summary())
    sys.exit(0 if result.ok else 1)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
def fields(fmt: str) -> None:
    """List the variables a template may use (type and example) and the filters."""
    from docgen.report import reference

    output = {"text": reference.text, "markdown": reference.markdown, "json": reference.as_json}
    click.echo(output[fmt](), nl=fmt == "json")


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema to this file instead of printing it.",
)
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the data format, for editors that check YAML/JSON.

    \b
    VS Code (YAML extension): save it, e.g. docgen schema -o docgen-data.schema.json,
    then put this first line in a data file:
      # yaml-language-server: $schema=docgen-data.schema.json
    """
    from docgen.report.model import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        atomic_write_bytes(output, text.encode("utf-8"))
    except DocgenError as exc:
        _fail(exc)
    click.echo(f"wrote {output}")


@main.command()
@click.argument("data_file", type=_FILE)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("output/preview.png"),
    show_default=True,
    help="Page images are named after it: preview-1.png, preview-2.png, ...",
)
@_TEMPLATE
@_DIGITS
@click.option("--dpi", type=click.IntRange(20, 600), default=80, show_default=True)
@_FONT_DIR
def preview(
    data_file: Path,
    output: Path,
    template: Path | None,
    digits: str,
    dpi: int,
    font_dir: Path | None,
) -> None:
    """Render the first indicator of DATA_FILE and write its pages as PNG
    images, through LibreOffice, for a quick look at a template."""
    from docgen.api import preview as make_preview

    try:
        pages = make_preview(
            data_file, output, template=template, digits=digits, dpi=dpi, font_dir=font_dir
        )
    except DocgenError as exc:
        _fail(exc)
    for page in pages:
        click.echo(f"wrote {page}")


from docgen.sheet_cli import export_command, import_command  # noqa: E402

main.add_command(import_command)
main.add_command(export_command)

from docgen.next_cli import next_command  # noqa: E402

main.add_command(next_command)

if __name__ == "__main__":  # pragma: no cover
    main()
