"""``docgen import`` and ``docgen export``: the agreement sheet in and out (excel.md)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from docgen.errors import DocgenError
from docgen.numbers import format_compact
from docgen.report.excel import export_sheet, import_sheet

_SHEET = click.Path(exists=True, dir_okay=False, path_type=Path)


def _fail(exc: DocgenError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


@click.command("import")
@click.argument("sheet", type=_SHEET)
@click.option(
    "-o",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The folder of data files to create or update.",
)
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option("--fiscal-year", type=click.IntRange(2400, 2700), help="ปีงบประมาณ (พ.ศ.).")
@click.option("--round", "round_", type=click.IntRange(1, 12), help="รอบ in months: 3, 6, 9 or 12.")
@click.option("--organization", help="หน่วยงาน.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="ข้อมูล ณ วันที่ (2024-03-31).")
def import_command(
    sheet: Path,
    workspace: Path,
    dry_run: bool,
    fiscal_year: int | None,
    round_: int | None,
    organization: str | None,
    as_of: dt.datetime | None,
) -> None:
    """Read the agreement sheet SHEET (.xlsx or .csv) into one data file per
    indicator (2567-r6-1.1.yaml). A file that exists is updated field by field
    and keeps what the sheet has no column for; an unchanged file is not written.

    The report's fields come from the sheet รายงาน; the options give or override
    them. Nothing is written when any cell is bad: every problem is listed with
    its sheet, row and column.
    """
    report = {
        "fiscal_year": fiscal_year,
        "round": round_,
        "organization": organization,
        "as_of": as_of.date() if as_of else None,
    }
    try:
        outcomes = import_sheet(sheet, workspace, report=report, dry_run=dry_run)
    except DocgenError as exc:
        _fail(exc)
    for outcome in outcomes:
        click.echo(("would be " if dry_run else "") + outcome.describe())
    counts = {a: sum(o.action == a for o in outcomes) for a in ("created", "updated", "unchanged")}
    summary = ", ".join(f"{n} {a}" for a, n in counts.items())
    click.echo(f"{summary}{' (dry run: nothing written)' if dry_run else ''}")


@click.command("export")
@click.argument("inputs", nargs=-1, required=True, type=_SHEET)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The sheet to write: .xlsx, or .csv (UTF-8).",
)
def export_command(inputs: tuple[Path, ...], output: Path) -> None:
    """Write the indicators of the data files INPUTS (one report: one fiscal year
    and round) as the agreement sheet, with each indicator's level, score and
    weighted score and the composite score (คะแนนรวม)."""
    try:
        sheet = export_sheet(list(inputs), output)
    except DocgenError as exc:
        _fail(exc)
    composite = "-" if sheet.composite is None else format_compact(sheet.composite)
    click.echo(
        f"wrote {output}  ({len(sheet.indicators)} indicators, composite {composite}, "
        f"weights {format_compact(sheet.total_weight)})"
    )
