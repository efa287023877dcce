"""Read the agreement sheet (.xlsx or .csv) into header-keyed rows, never running it.

openpyxl opens the workbook read-only with cached values (`data_only=True`): a
formula is read as the value Excel last computed and stored, and is never
evaluated; macros are refused before anything is opened. The size of the file,
of what it unpacks to and the number of rows are bounded before they cost.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docgen.report.excel.cells import CellValue, is_empty
from docgen.report.excel.columns import (
    BY_KEY,
    INDICATOR_SHEET,
    REPORT_SHEET_NAMES,
    REQUIRED,
    column_key,
    is_header_start,
    normalize_header,
    report_key,
)
from docgen.report.excel.problems import SheetError, SheetProblem

MB = 1024 * 1024
MAX_SHEET_BYTES = 20 * MB  # the file as stored
MAX_UNPACKED_BYTES = 200 * MB  # everything inside an .xlsx once unpacked
MAX_ROWS = 20_000  # indicator rows (an agreement has tens)
MAX_COLUMNS = 200
SUFFIXES = (".xlsx", ".csv")
_MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlsb", ".xls")


@dataclass(frozen=True)
class SheetRow:
    """One indicator row: its Excel row number and its cells by column key."""

    number: int
    cells: dict[str, CellValue]


@dataclass
class Table:
    """What the sheet says, before any cell is interpreted."""

    file: str
    sheet: str  # "" for a CSV file
    headers: dict[str, str] = field(default_factory=dict)  # key -> header as Excel shows it
    rows: list[SheetRow] = field(default_factory=list)
    report: dict[str, tuple[CellValue, int]] = field(default_factory=dict)  # key -> value, row
    report_sheet: str = ""


def read_table(path: Path, name: str | None = None) -> Table:
    """The indicator rows of `path` (and its `รายงาน` sheet); structural problems raise."""
    name = name or path.name
    suffix = path.suffix.lower()
    if suffix in _MACRO_SUFFIXES:
        raise SheetError([SheetProblem(_refused_format(suffix))], name)
    if suffix not in SUFFIXES:
        raise SheetError([SheetProblem("expected an .xlsx or .csv file")], name)
    try:
        size = path.stat().st_size
        if size > MAX_SHEET_BYTES:
            raise SheetError(
                [SheetProblem(f"the file is {size} bytes; the limit is {MAX_SHEET_BYTES} bytes")],
                name,
            )
        if suffix == ".csv":
            return _read_csv(path.read_bytes(), name)
        return _read_workbook(path, name)
    except OSError as exc:
        raise SheetError(
            [SheetProblem(f"cannot read the file: {exc.strerror or exc}")], name
        ) from None


def _refused_format(suffix: str) -> str:
    if suffix in (".xlsm", ".xltm"):
        return "a workbook with macros (.xlsm) is refused; save it as .xlsx (Excel Workbook)"
    return f"{suffix} files are not read; save the sheet as .xlsx (Excel Workbook)"


# --------------------------------------------------------------------------- xlsx


def _check_package(path: Path, name: str) -> None:
    """Refuse macros and zip bombs by the package's directory, before openpyxl unpacks."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError):
        raise SheetError(
            [SheetProblem("the file is not an .xlsx workbook (it cannot be opened as one)")], name
        ) from None
    if any(info.filename.lower().endswith("vbaproject.bin") for info in infos):
        raise SheetError([SheetProblem(_refused_format(".xlsm"))], name)
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetError(
            [
                SheetProblem(
                    f"the workbook unpacks to {unpacked} bytes; the limit is {MAX_UNPACKED_BYTES}"
                )
            ],
            name,
        )


def _read_workbook(path: Path, name: str) -> Table:
    import openpyxl  # imported here: only import and export need it

    _check_package(path, name)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise SheetError(
            [SheetProblem(f"the workbook cannot be read ({type(exc).__name__}: {exc})")], name
        ) from None
    try:
        titles = book.sheetnames
        sheet = INDICATOR_SHEET if INDICATOR_SHEET in titles else titles[0]
        table = _table(_values(book[sheet].iter_rows(values_only=True)), name, sheet)
        for title in titles:
            if normalize_header(title) in REPORT_SHEET_NAMES:
                table.report_sheet = title
                table.report = _report_fields(book[title].iter_rows(values_only=True))
                break
        return table
    finally:
        book.close()


def _values(rows: Iterable[tuple[CellValue, ...]]) -> Iterator[list[CellValue]]:
    for row in rows:
        yield list(row[:MAX_COLUMNS])


def _report_fields(rows: Iterable[tuple[CellValue, ...]]) -> dict[str, tuple[CellValue, int]]:
    """Rows of two cells, label | value; labels docgen does not know are left alone."""
    fields: dict[str, tuple[CellValue, int]] = {}
    for number, row in enumerate(rows, 1):
        if number > 200:
            break
        cells = [cell for cell in row[:MAX_COLUMNS] if not is_empty(cell)]
        if len(cells) >= 1 and (key := report_key(cells[0])) is not None:
            fields.setdefault(key, (cells[1] if len(cells) > 1 else None, number))
    return fields


# --------------------------------------------------------------------------- csv


def _read_csv(raw: bytes, name: str) -> Table:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(
            [SheetProblem(f"the file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8")],
            name,
        ) from None
    rows = csv.reader(io.StringIO(text, newline=""))
    return _table(([cell or None for cell in row[:MAX_COLUMNS]] for row in rows), name, "")


# --------------------------------------------------------------------------- the table


def is_header_row(row: list[CellValue]) -> bool:
    """The row whose first non-empty cell is รหัส, or (columns in another order) a row
    with both the รหัส and the ชื่อตัวชี้วัด headers."""
    first = next((cell for cell in row if not is_empty(cell)), None)
    if first is not None and is_header_start(first):
        return True
    keys = {column_key(cell) for cell in row if isinstance(cell, str)}
    return {"code", "name"} <= keys


def _table(rows: Iterator[list[CellValue]], name: str, sheet: str) -> Table:
    """Find the header row, map its columns, and collect rows until an empty code."""
    table = Table(name, sheet)
    positions: dict[str, int] = {}
    problems: list[SheetProblem] = []
    for number, row in enumerate(rows, 1):
        if not positions:
            if is_header_row(row):
                positions = _header(row, number, table, problems)
            continue
        code_cell = row[positions["code"]] if positions["code"] < len(row) else None
        if is_empty(code_cell):
            break
        if len(table.rows) >= MAX_ROWS:
            problems.append(SheetProblem(f"more than {MAX_ROWS} indicator rows", sheet, number))
            break
        cells = {key: row[index] if index < len(row) else None for key, index in positions.items()}
        table.rows.append(SheetRow(number, cells))
    if not positions:
        problems.append(
            SheetProblem("no header row: expected a row whose first cell is รหัส (or code)", sheet)
        )
    if problems:
        raise SheetError(problems, name)
    return table


def _header(
    row: list[CellValue], number: int, table: Table, problems: list[SheetProblem]
) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(row):
        key = column_key(cell)
        if key is None or BY_KEY[key].computed:
            continue
        if key in positions:
            problems.append(
                SheetProblem(
                    f"the column {table.headers[key]} is given twice",
                    table.sheet,
                    number,
                    str(cell),
                )
            )
            continue
        positions[key] = index
        table.headers[key] = str(cell).strip()
    missing = [BY_KEY[key].thai for key in REQUIRED if key not in positions]
    if missing:
        problems.append(
            SheetProblem(
                "the header row lacks the column(s) " + ", ".join(missing), table.sheet, number
            )
        )
    return positions
