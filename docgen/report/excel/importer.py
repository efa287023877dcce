"""`docgen import`: the agreement sheet into a workspace of data files.

Every row is read and every resulting file validated before anything is written:
one bad cell anywhere means no file changes, and the error lists every problem
of the sheet with its row and column. Files are then written atomically, and a
file whose data the sheet does not change is not written at all.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from docgen.errors import DataError
from docgen.output import atomic_write_bytes, document_name
from docgen.report.excel import cells
from docgen.report.excel.cells import CellProblem
from docgen.report.excel.columns import REPORT_FIELDS, REPORT_SHEET
from docgen.report.excel.merge import merge_indicator, same
from docgen.report.excel.problems import SheetError, SheetProblem
from docgen.report.excel.reader import Table, read_table
from docgen.report.excel.rows import ParsedRow, parse_row
from docgen.report.excel.validation import located_problems
from docgen.report.excel.workspace import DataFile, Key, index
from docgen.report.writing import serialize

Action = Literal["created", "updated", "unchanged"]
_READERS = {
    "fiscal_year": cells.integer,
    "round": cells.integer,
    "organization": cells.text,
    "as_of": cells.date,
}
_INDICATOR_ORDER = [
    "code",
    "name",
    "dimension",
    "supervisors",
    "supervisor_phone",
    "collectors",
    "collector_phone",
    "description",
    "weight",
    "status",
    "scoring",
    "result",
]


@dataclass
class Outcome:
    """What import does (or, in a dry run, would do) to one file."""

    name: str
    action: Action
    fields: list[str] = field(default_factory=list)  # "1.1: weight" for a file of many
    codes: list[str] = field(default_factory=list)
    text: str = ""  # the new content (empty when unchanged)

    def describe(self) -> str:
        """``updated 2567-r6-1.1.yaml (weight, result.value)``."""
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.action} {self.name}{detail}"


def import_sheet(
    sheet: str | Path,
    workspace: str | Path,
    *,
    report: dict[str, Any] | None = None,
    dry_run: bool = False,
    name: str | None = None,
) -> list[Outcome]:
    """Read `sheet` into `workspace`; `report` gives or overrides the report's fields.

    Raises `SheetError` (every problem, nothing written) when any cell is bad.
    """
    sheet, folder = Path(sheet), Path(workspace)
    table = read_table(sheet, name)
    outcomes = plan(table, folder, report or {}, write=not dry_run)
    if not dry_run:
        _write(folder, outcomes)
    return outcomes


def _write(folder: Path, outcomes: list[Outcome]) -> None:
    """Each file atomically. An updated file (a clerk's work) is on the disk before its
    rename; created files, possibly thousands, are synced once at the end."""
    folder.mkdir(parents=True, exist_ok=True)
    created = False
    for outcome in outcomes:
        if outcome.action == "unchanged":
            continue
        fresh = outcome.action == "created"
        atomic_write_bytes(folder / outcome.name, outcome.text.encode("utf-8"), fsync=not fresh)
        created = created or fresh
    if created and hasattr(os, "sync"):
        os.sync()


@dataclass
class _Target:
    """A file the import writes: its data (changed in place) and the rows it holds."""

    name: str
    raw: dict[str, Any]
    existing: DataFile | None
    rows: dict[int, ParsedRow] = field(default_factory=dict)  # position -> row
    fields: list[str] = field(default_factory=list)


def plan(
    table: Table, folder: Path, overrides: dict[str, Any], *, write: bool = True
) -> list[Outcome]:
    """The outcome for each file the sheet touches; raises with every problem found."""
    problems: list[SheetProblem] = []
    info = _report_info(table, overrides, problems)
    where, files = index(folder)
    targets: dict[str, _Target] = {}
    seen: dict[str, int] = {}
    for row in table.rows:
        code = cells.code(row.cells["code"]) or ""
        if code in seen:
            problems.append(
                SheetProblem(
                    f"the code {code} is already on row {seen[code]}",
                    table.sheet,
                    row.number,
                    table.headers["code"],
                )
            )
            continue
        seen[code] = row.number
        key: Key | None = (info["fiscal_year"], info["round"], code) if info else None
        places = where.get(key, []) if key else []
        if len(places) > 1:
            names = " and ".join(data.name for data, _ in places)
            problems.append(
                SheetProblem(
                    f"indicator {code} of this report is in more than one file of the "
                    f"workspace ({names}); keep it in one",
                    table.sheet,
                    row.number,
                    table.headers["code"],
                )
            )
            continue
        found = places[0] if places else None
        old = found[0].items[found[1]] if found else None
        method = (old.get("scoring") or {}).get("method") if isinstance(old, dict) else None
        before = len(problems)
        parsed = parse_row(row, table, method if isinstance(method, str) else None, problems)
        if not info or len(problems) > before:
            continue  # a row with a bad cell is not validated further: one message per cell
        target, position = _target_for(found, code, info, folder, files, targets, table, problems)
        if target is None:
            continue
        merged, changed = merge_indicator(old, parsed)
        if old is None:
            merged = {k: merged[k] for k in sorted(merged, key=_field_rank)}
        _place(target, position, merged)
        target.rows[position] = parsed
        prefix = f"{code}: " if target.existing and target.existing.many else ""
        target.fields += [prefix + f for f in changed]
    if info:
        for target in targets.values():
            target.fields += _apply_report(target, info)
            if target.existing is None or target.fields:
                problems += located_problems(target.name, target.raw, target.rows, table)
    if problems:
        raise SheetError(problems, table.file)
    return [_outcome(target, write) for target in targets.values()]


def _report_info(
    table: Table, overrides: dict[str, Any], problems: list[SheetProblem]
) -> dict[str, Any] | None:
    """The report's fields: the `รายงาน` sheet's, then the command line's over them."""
    info: dict[str, Any] = {}
    for report_field in REPORT_FIELDS:
        key = report_field.key
        if overrides.get(key) is not None:
            info[key] = overrides[key]
            continue
        if key not in table.report:
            continue
        value, number = table.report[key]
        try:
            info[key] = _READERS[key](value)
        except CellProblem as exc:
            problems.append(SheetProblem(str(exc), table.report_sheet, number, report_field.thai))
    missing = [f for f in REPORT_FIELDS[:2] if info.get(f.key) is None]
    for report_field in missing:
        option = "--" + report_field.key.replace("_", "-")
        problems.append(
            SheetProblem(
                f"the report's {report_field.thai} ({report_field.key}) is not given: add a "
                f"sheet {REPORT_SHEET} with a row {report_field.thai} | its value, or give {option}"
            )
        )
    return None if missing else info


def _target_for(
    found: tuple[DataFile, int] | None,
    code: str,
    info: dict[str, Any],
    folder: Path,
    files: dict[str, DataFile],
    targets: dict[str, _Target],
    table: Table,
    problems: list[SheetProblem],
) -> tuple[_Target | None, int]:
    if found:
        data, position = found
        if data.name not in targets:
            targets[data.name] = _Target(data.name, copy.deepcopy(data.raw), data)
        return targets[data.name], position
    name = document_name(info["fiscal_year"], info["round"], code, ".yaml")
    if (folder / name).exists() or name in targets:
        why = "cannot be read" if name not in files else "holds another indicator"
        problems.append(
            SheetProblem(
                f"the file {name} for indicator {code} exists but {why}; move it aside",
                table.sheet,
            )
        )
        return None, 0
    report = {k: info[k] for k in ("fiscal_year", "round", "organization", "as_of") if info.get(k)}
    targets[name] = _Target(name, {"schema_version": 1, "report": report, "indicator": {}}, None)
    return targets[name], 0


def _place(target: _Target, position: int, indicator: dict[str, Any]) -> None:
    if isinstance(target.raw.get("indicators"), list):
        target.raw["indicators"][position] = indicator
    else:
        target.raw["indicator"] = indicator


def _apply_report(target: _Target, info: dict[str, Any]) -> list[str]:
    """An existing file's organization and as_of follow the sheet when it gives them."""
    if target.existing is None:
        return []
    report = target.raw.get("report")
    if not isinstance(report, dict):
        return []
    changed = []
    for key in ("organization", "as_of"):
        value = info.get(key)
        if value is not None and not same(_date_text(report.get(key)), _date_text(value)):
            report[key] = value
            changed.append(f"report.{key}")
    return changed


def _date_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _field_rank(key: str) -> int:
    return _INDICATOR_ORDER.index(key) if key in _INDICATOR_ORDER else len(_INDICATOR_ORDER)


def _outcome(target: _Target, write: bool) -> Outcome:
    """The file's outcome; its new text only when it is to be written (not in a dry run)."""
    codes = [row.code for _, row in sorted(target.rows.items())]
    if target.existing is None:
        text = serialize(target.raw, target.name) if write else ""
        return Outcome(target.name, "created", [], codes, text)
    if not target.fields:
        return Outcome(target.name, "unchanged", [], codes)
    text = serialize(target.raw, target.name, target.existing.text) if write else ""
    return Outcome(target.name, "updated", target.fields, codes, text)


__all__ = ["DataError", "Outcome", "import_sheet", "plan"]
