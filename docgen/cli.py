"""The ``docgen`` command: parses arguments, calls the API, maps errors to exit codes.

Exit codes: 0 success; 1 invalid data; 2 wrong usage; 3 output or environment
problem (disk, LibreOffice); 4 template problem. ``docgen batch`` has its own
three: 0 all documents written, 1 some failed (see the manifest), 2 nothing
could run; an interrupted batch exits with 128 + the signal (130 for Ctrl-C).
"""

from __future__ import annotations

import itertools
import sys
import threading
from pathlib import Path

import click

from . import __version__, api
from .errors import DocgenError
from .filters import DIGIT_STYLES

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


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
    "--font-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="DOCGEN_FONT_DIR",
    help="Folder with the real TH Sarabun fonts for PDF output [env: DOCGEN_FONT_DIR].",
)
@click.option("-v", "--verbose", is_flag=True, help="Say which font each PDF used.")
def render(
    data_file: Path,
    out_dir: Path,
    template: Path | None,
    digits: str,
    pdf: bool,
    font_dir: Path | None,
    verbose: bool,
) -> None:
    """Render every indicator of DATA_FILE to a .docx named after fiscal year,
    round and code (e.g. 2550-r12-3.2.docx).

    Nothing is written when the data or the template has a problem; the
    message names the file, the line, the field or the template cell.
    """
    try:
        documents = api.render(
            data_file, template, out_dir, digits=digits, pdf=pdf, font_dir=font_dir
        )
    except DocgenError as exc:
        _fail(exc)
    for doc in documents:
        click.echo(
            f"wrote {doc.path}  (score {_compact(doc.score.score)}, "
            f"weighted {_compact(doc.score.weighted)})"
        )
        if doc.pdf:
            click.echo(f"wrote {doc.pdf}" + (f"  (font: {doc.pdf_font})" if verbose else ""))


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, allow_dash=True))
@click.option(
    "-o",
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder for the documents and manifest.json.",
)
@click.option("--template", type=_FILE, default=None, help="A .docx template instead of the form.")
@click.option(
    "--digits",
    type=click.Choice(DIGIT_STYLES),
    default="arabic",
    show_default=True,
    help="Print the numbers docgen writes in Arabic or Thai digits.",
)
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
@click.option("--pdf", is_flag=True, help="Also make PDFs, a chunk of documents per LibreOffice.")
@click.option(
    "--pdf-timeout",
    type=click.FloatRange(min=1),
    default=120,
    show_default=True,
    help="Seconds LibreOffice may work on one document before it is stopped.",
)
@click.option(
    "--font-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="DOCGEN_FONT_DIR",
    help="Folder with the real TH Sarabun fonts for PDF output [env: DOCGEN_FONT_DIR].",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but an error that stops the run.")
def batch(
    inputs: tuple[str, ...],
    out_dir: Path,
    template: Path | None,
    digits: str,
    jobs: int | None,
    resume: bool,
    pdf: bool,
    pdf_timeout: float,
    font_dir: Path | None,
    quiet: bool,
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
    """
    from . import batch as batching
    from .progress import make_progress

    if not inputs:
        if sys.stdin.isatty():
            raise click.UsageError("give data files or folders, or pipe JSON lines in with -")
        inputs = (batching.STDIN,)
    stop = threading.Event()
    try:
        found = batching.find_inputs([i for i in inputs if i != batching.STDIN], out_dir)
        records, total = iter(found), len(found)
        if batching.STDIN in inputs:
            lines = batching.read_json_lines(sys.stdin, first_index=len(found))
            records, total = itertools.chain(found, lines), None
        compiled = api.load_template(template, digits)
        with batching.stop_on_signals(stop) as received:
            result = batching.run_batch(
                records,
                compiled,
                out_dir,
                jobs=jobs or batching.default_jobs(),
                resume=resume,
                pdf=pdf,
                pdf_timeout=pdf_timeout,
                font_dir=font_dir,
                total=total,
                progress=make_progress(sys.stderr, quiet),
                stop=stop,
            )
    except DocgenError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    if not quiet:
        _batch_summary(result)
    if received:
        sys.exit(128 + received[0])
    sys.exit(1 if result.failed else 0)


def _batch_summary(result) -> None:
    for entry in result.failures:
        click.echo(f"failed: {entry['error']['message']}", err=True)
    if result.failed > len(result.failures):
        click.echo(f"... and {result.failed - len(result.failures)} more failed", err=True)
    rate = result.documents / result.seconds if result.seconds else 0
    state = "interrupted: " if result.interrupted else ""
    click.echo(
        f"{state}{result.written} written, {result.skipped} up to date, {result.failed} failed "
        f"in {result.seconds:.1f} s ({rate:.0f} documents/s); manifest: {result.manifest}"
    )


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


def _compact(value) -> str:
    from .filters import format_score

    return format_score(value)


if __name__ == "__main__":  # pragma: no cover
    main()
