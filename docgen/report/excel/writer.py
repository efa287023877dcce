"""`docgen export`: a report's indicators as the agreement sheet (.xlsx or .csv).

The workbook is built with openpyxl (no XML written by hand): a title row, the
header row frozen, one row per indicator in code order, the `คะแนนรวม` row with the
composite, and a `รายงาน` sheet with the report's fields. TH SarabunPSK 16, numbers
as numbers, scores as 0.0000, columns as wide as their content needs.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen.errors import UsageError
from docgen.numbers import display_round, format_compact
from docgen.output import atomic_write_bytes
from docgen.report import data
from docgen.report.excel.columns import (
    COLUMNS,
    INDICATOR_SHEET,
    REPORT_FIELDS,
    REPORT_SHEET,
    TOTAL_LABEL,
)
from docgen.report.excel.values import row_values
from docgen.report.model import Indicator, Report, ReportInfo
from docgen.report.scoring import Score, score_report
from docgen.thai import round_label

FONT = "TH SarabunPSK"
FONT_SIZE = 16
MAX_WIDTH = 70
#: A character of TH SarabunPSK 16 is this many of the units Excel counts widths in
#: (the digit 0 of the default 11-point font).
CHAR_WIDTH = 1.1
#: The height of one line of TH SarabunPSK 16 in a row, in points.
LINE_POINTS = 21
SCORE_FORMAT = "0.0000"


@dataclass(frozen=True)
class SheetData:
    """What one exported sheet holds: the report, its indicators in code order, the scores."""

    info: ReportInfo
    indicators: list[Indicator]
    scores: list[Score | None]
    total_weight: Decimal
    composite: Decimal | None
    note: str | None  # said next to the composite when some indicators are not assessed

    def rows(self) -> list[dict[str, Any]]:
        rows = [row_values(i, s) for i, s in zip(self.indicators, self.scores, strict=True)]
        total: dict[str, Any] = {"name": TOTAL_LABEL, "weight": self.total_weight}
        if self.composite is not None:
            total["weighted_score"] = display_round(self.composite)
        if self.note:
            total["name"] = f"{TOTAL_LABEL} ({self.note})"
        return [*rows, total]

    @property
    def title(self) -> str:
        parts = [
            "ตัวชี้วัดตามคำรับรองการปฏิบัติราชการ",
            f"ปีงบประมาณ {self.info.fiscal_year}",
            round_label(self.info.round),
        ]
        if self.info.organization:
            parts.append(self.info.organization)
        return " ".join(parts)


def code_order(code: str) -> tuple[tuple[int, int | str], ...]:
    """Codes in the order of the agreement: 1.2 before 1.10.

    >>> sorted(["1.10", "1.2", "2", "10"], key=code_order)
    ['1.2', '1.10', '2', '10']
    """
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in code.split("."))


def sheet_data(reports: Sequence[Report]) -> SheetData:
    """The one report the input files make up; files of different reports are refused."""
    if not reports:
        raise UsageError("no input files: give the report's data files")
    keys = {(r.report.fiscal_year, r.report.round) for r in reports}
    if len(keys) > 1:
        shown = ", ".join(f"{year} รอบ {months}" for year, months in sorted(keys))
        raise UsageError(f"the files belong to different reports ({shown}); export one at a time")
    indicators = sorted(
        (i for r in reports for i in r.all_indicators), key=lambda i: code_order(i.code)
    )
    scored = score_report(indicators)
    note = None
    if not scored.all_assessed:
        note = f"คิดจากตัวชี้วัดที่ประเมินในรอบนี้ น้ำหนักรวม {format_compact(scored.assessed_weight)}"
    return SheetData(
        info=reports[0].report,
        indicators=indicators,
        scores=list(scored.scores),
        total_weight=scored.total_weight,
        composite=scored.composite,
        note=note,
    )


def export_sheet(inputs: Sequence[str | Path], output: str | Path) -> SheetData:
    """Write the sheet of the report in `inputs` to `output` (.xlsx or .csv)."""
    output = Path(output)
    sheet, payload = export_bytes(inputs, output.suffix)
    atomic_write_bytes(output, payload)
    return sheet


def export_bytes(inputs: Sequence[str | Path], suffix: str = ".xlsx") -> tuple[SheetData, bytes]:
    """The sheet of the report in `inputs` as the bytes of an .xlsx or .csv file."""
    suffix = suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UsageError(f"the sheet is written as .xlsx or .csv, not {suffix or 'no suffix'}")
    sheet = sheet_data([data.load(path) for path in inputs])
    return sheet, csv_bytes(sheet) if suffix == ".csv" else xlsx_bytes(sheet)


# --------------------------------------------------------------------------- csv


def _csv_cell(value: Any, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal) and key in ("score", "weighted_score"):
        return format(display_round(value), "f")
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def csv_bytes(sheet: SheetData) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Thai text as Thai."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.thai for c in COLUMNS])
    for row in sheet.rows():
        writer.writerow([_csv_cell(row.get(c.key), c.key) for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------- xlsx


def display_width(text: str) -> int:
    """The width of the longest line, in characters a reader sees (Thai vowel and tone
    marks above or below a letter take no width).

    >>> display_width("ที่นี่"), display_width("ab\\nabcd")
    (2, 4)
    """
    return max(
        (
            sum(
                1
                for ch in line
                if unicodedata.combining(ch) == 0 and unicodedata.category(ch) != "Mn"
            )
            for line in text.split("\n")
        ),
        default=0,
    )


def xlsx_bytes(sheet: SheetData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    table = book.active
    table.title = INDICATOR_SHEET
    font, bold = Font(name=FONT, size=FONT_SIZE), Font(name=FONT, size=FONT_SIZE, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(horizontal="center", vertical="top")
    table.append([sheet.title] + [None] * (len(COLUMNS) - 1))
    for cell in table[1]:
        cell.font = bold
    table.append([c.thai for c in COLUMNS])
    for cell in table[2]:
        cell.font, cell.alignment = bold, Alignment(wrap_text=True, vertical="center")
    widths = [display_width(c.thai) for c in COLUMNS]
    for row in sheet.rows():
        table.append([row.get(c.key) for c in COLUMNS])
        for index, (column, cell) in enumerate(zip(COLUMNS, table[table.max_row], strict=True)):
            cell.font = font
            cell.alignment = centred if isinstance(cell.value, int | Decimal) else wrap
            cell.number_format = _number_format(column.key, cell.value)
            if cell.value is not None:
                widths[index] = max(widths[index], display_width(str(cell.value)))
    last = table.cell(table.max_row, 1).row
    for cell in table[last]:
        cell.font = bold
    final = [
        min(MAX_WIDTH, max(column.width, math.ceil(widths[index] * CHAR_WIDTH) + 2))
        for index, column in enumerate(COLUMNS)
    ]
    for index, width in enumerate(final):
        table.column_dimensions[table.cell(2, index + 1).column_letter].width = width
    for row in table.iter_rows(min_row=2):
        lines = max(_wrapped_lines(cell.value, final[cell.column - 1]) for cell in row)
        table.row_dimensions[row[0].row].height = LINE_POINTS * lines + 4
    table.freeze_panes = "B3"
    _print_setup(table)
    _report_sheet(book.create_sheet(REPORT_SHEET), sheet.info, font, bold)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _wrapped_lines(value: Any, width: float) -> int:
    """How many lines a wrapped cell takes in a column `width` characters wide (Excel
    and LibreOffice do not grow a row for wrapped text they did not lay out themselves)."""
    if value is None:
        return 1
    room = max(1, round((width - 2) / CHAR_WIDTH))
    return sum(max(1, -(-display_width(line) // room)) for line in str(value).split("\n"))


def _print_setup(table: Any) -> None:
    """Printed, the sheet is landscape, one page wide, with the header on every page."""
    table.page_setup.orientation = "landscape"
    table.page_setup.paperSize = table.PAPERSIZE_A4
    table.sheet_properties.pageSetUpPr.fitToPage = True
    table.page_setup.fitToWidth = 1
    table.page_setup.fitToHeight = 0
    table.print_title_rows = "2:2"


def _number_format(key: str, value: Any) -> str:
    if key in ("score", "weighted_score") and isinstance(value, Decimal):
        return SCORE_FORMAT
    if key in ("code", "dimension", "result", "supervisor_phone", "collector_phone"):
        return "@" if isinstance(value, str) or value is None else "General"
    return "General"


def _report_sheet(table: Any, info: ReportInfo, font: Any, bold: Any) -> None:
    values = {f.key: getattr(info, f.key) for f in REPORT_FIELDS}
    for report_field in REPORT_FIELDS:
        table.append([report_field.thai, values[report_field.key]])
        label, value = table[table.max_row]
        label.font, value.font = bold, font
        if report_field.key == "as_of":
            value.number_format = "yyyy-mm-dd"
    table.column_dimensions["A"].width = 18
    table.column_dimensions["B"].width = max(
        20, min(MAX_WIDTH, math.ceil(display_width(str(info.organization or "")) * CHAR_WIDTH) + 2)
    )
