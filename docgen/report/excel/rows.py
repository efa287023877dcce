"""One indicator row as typed values: what each column present says, cell by cell.

A column the sheet does not have is absent from `ParsedRow.given`, so the merge
leaves that field of an existing file alone. Every bad cell of the row is a
problem naming its row and column; the row is parsed to the end regardless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from docgen.report.excel import cells
from docgen.report.excel.cells import CellProblem, CellValue
from docgen.report.excel.columns import LEVEL_KEYS
from docgen.report.excel.problems import SheetProblem
from docgen.report.excel.reader import SheetRow, Table

METHODS = {
    "ขั้นความสำเร็จ": "milestone",
    "milestone": "milestone",
    "เชิงปริมาณ": "quantitative",
    "quantitative": "quantitative",
}
METHOD_NAMES = {"milestone": "ขั้นความสำเร็จ", "quantitative": "เชิงปริมาณ"}
DIRECTIONS = {"มากดี": True, "higher": True, "น้อยดี": False, "lower": False}
STATUSES = {
    "ประเมิน": "assessed",
    "assessed": "assessed",
    "ไม่ประเมินในรอบนี้": "not_assessed",
    "not_assessed": "not_assessed",
    "ยกเลิก": "cancelled",
    "cancelled": "cancelled",
}
STATUS_NAMES = {"assessed": "ประเมิน", "not_assessed": "ไม่ประเมินในรอบนี้", "cancelled": "ยกเลิก"}

_SIMPLE: dict[str, Callable[[CellValue], Any]] = {
    "name": cells.text,
    "dimension": cells.code,
    "weight": cells.number,
    "unit": lambda v: None if (t := cells.text(v)) is None else t.strip(),
    "direction": lambda v: cells.choice(v, DIRECTIONS, "the direction"),
    "supervisor": cells.lines,
    "supervisor_position": cells.lines,
    "supervisor_phone": cells.code,
    "collector": cells.lines,
    "collector_position": cells.lines,
    "collector_phone": cells.code,
    "status": lambda v: cells.choice(v, STATUSES, "the status"),
    "next_step_progress": cells.percent,
}


@dataclass
class ParsedRow:
    """The typed values of one row, by column key; only columns the sheet has."""

    number: int
    code: str
    given: dict[str, Any] = field(default_factory=dict)
    method: str | None = None  # from the sheet, the existing file, or the targets' kind


def parse_row(
    row: SheetRow, table: Table, existing_method: str | None, problems: list[SheetProblem]
) -> ParsedRow:
    """Read every cell of `row`; bad cells are appended to `problems`."""
    parsed = ParsedRow(row.number, cells.code(row.cells["code"]) or "")

    def read(key: str, reader: Callable[[CellValue], Any]) -> Any:
        try:
            return reader(row.cells[key])
        except CellProblem as exc:
            problems.append(SheetProblem(str(exc), table.sheet, row.number, table.headers[key]))
            return _BAD

    for key, reader in _SIMPLE.items():
        if key in row.cells:
            parsed.given[key] = read(key, reader)
    method = (
        read("method", lambda v: cells.choice(v, METHODS, "the method"))
        if "method" in row.cells
        else None
    )
    levels = [key for key in LEVEL_KEYS if key in row.cells]
    if method is _BAD:
        return parsed
    parsed.method = method or existing_method or _guess_method(row, levels)
    if "method" in row.cells and method is not None:
        parsed.given["method"] = method
    quantitative = parsed.method == "quantitative"
    for key in levels:
        parsed.given[key] = read(key, cells.number if quantitative else cells.text)
    if "result" in row.cells:
        parsed.given["result"] = read("result", cells.number if quantitative else cells.steps_done)
    progress = parsed.given.get("next_step_progress")
    if progress not in (None, _BAD) and progress != 0:
        message = _progress_problem(quantitative, parsed.given.get("result"), progress)
        if message:
            header = table.headers["next_step_progress"]
            problems.append(SheetProblem(message, table.sheet, row.number, header))
    return parsed


def _progress_problem(quantitative: bool, done: Any, progress: Decimal) -> str | None:
    """The progress of the next step must have a next step, and be short of 100."""
    if quantitative:
        return "a quantitative indicator has no steps; leave this cell empty"
    if isinstance(done, frozenset) and len(done) >= len(LEVEL_KEYS):
        return "every step is done, so there is no next step; leave this cell empty"
    if progress >= 100:
        return "a step at ร้อยละ 100 is done: add it to the steps done in ผลการดำเนินงาน"
    return None


def _guess_method(row: SheetRow, levels: list[str]) -> str:
    """Without a method column or a file: numbers as targets mean quantitative."""
    values = [row.cells[key] for key in levels if not cells.is_empty(row.cells[key])]
    if values and all(_is_number(value) for value in values):
        return "quantitative"
    return "milestone"


def _is_number(value: CellValue) -> bool:
    try:
        return isinstance(cells.number(value), Decimal)
    except CellProblem:
        return False


class _Bad:
    """A cell that could not be read (its problem is already recorded)."""

    def __repr__(self) -> str:
        return "<bad cell>"


_BAD = _Bad()


def is_bad(value: Any) -> bool:
    return value is _BAD
