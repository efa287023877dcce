"""Validate the files an import would write, and point each problem at its cell.

The data format's own validation decides (one home for its rules); this module only
translates a field path such as ``indicators[1].scoring.targets`` back to the row of
that indicator and the column of that field. A quantitative indicator without a
result is allowed here: a round starts from a sheet without results.
"""

from __future__ import annotations

import re
from typing import Any

from docgen.errors import DataError
from docgen.report.data import validate
from docgen.report.excel.columns import REPORT_FIELDS
from docgen.report.excel.problems import SheetProblem
from docgen.report.excel.reader import Table
from docgen.report.excel.rows import ParsedRow

#: A quantitative indicator's missing result: not yet reported, not a bad sheet.
_NOT_YET_REPORTED = "needs result.value"
_ITEM = re.compile(r"^(?:indicator|indicators\[(\d+)\])(?:\.(.*))?$")
_INDEXED = re.compile(r"^(\w+)\[(\d+)\](.*)$")

_FIELD_COLUMNS = {
    "code": "code",
    "name": "name",
    "dimension": "dimension",
    "weight": "weight",
    "status": "status",
    "scoring": "method",
    "scoring.method": "method",
    "scoring.unit": "unit",
    "scoring.higher_is_better": "direction",
    "scoring.targets": "level_1",
    "scoring.steps": "level_1",
    "result": "result",
    "result.value": "result",
    "result.steps": "result",
    "supervisors": "supervisor",
    "supervisor_phone": "supervisor_phone",
    "collectors": "collector",
    "collector_phone": "collector_phone",
    "expected_score": "result",
}


def column_of(field: str) -> str | None:
    """The column key of an indicator's field path.

    >>> column_of("scoring.targets[2]"), column_of("collectors[1].position")
    ('level_3', 'collector_position')
    >>> column_of("result.steps[0].progress"), column_of("evidence[0]")
    ('next_step_progress', None)
    """
    if field.startswith("result.steps") and field.endswith(".progress"):
        return "next_step_progress"
    match = _INDEXED.match(field.replace("scoring.", "scoring_", 1))
    if match:
        head, number, rest = match.groups()
        head = head.replace("scoring_", "scoring.")
        if head in ("scoring.targets", "scoring.steps"):
            return f"level_{int(number) + 1}"
        if head in ("supervisors", "collectors") and rest == ".position":
            return f"{head[:-1]}_position"
        field = head
    return _FIELD_COLUMNS.get(field)


def located_problems(
    name: str, raw: dict[str, Any], rows: dict[int, ParsedRow], table: Table
) -> list[SheetProblem]:
    """The data format's problems with the file `name` would have, at their cells."""
    try:
        validate(raw, file=name)
    except DataError as exc:
        return [
            _locate(problem.path, problem.message, name, rows, table)
            for problem in exc.problems
            if _NOT_YET_REPORTED not in problem.message
        ]
    return []


def _locate(
    path: str, message: str, name: str, rows: dict[int, ParsedRow], table: Table
) -> SheetProblem:
    match = _ITEM.match(path)
    if match:
        row = rows.get(int(match.group(1) or 0))
        key = column_of(match.group(2) or "")
        if row is not None:
            header = table.headers.get(key) if key else None
            if header is None:
                message = f"{name}: {match.group(2) or 'the indicator'}: {message}"
            return SheetProblem(message, table.sheet, row.number, header)
    if path.startswith("report."):
        label = next((f.thai for f in REPORT_FIELDS if f.key == path[7:]), path)
        return SheetProblem(f"{label}: {message}", table.report_sheet)
    return SheetProblem(f"{name}: {path or 'the file'}: {message}", table.sheet)
