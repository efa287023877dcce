"""Sheets for the Excel tests: workbooks written cell by cell, as a ministry would send them."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

# A quantitative and a milestone indicator, in the sheet's own words.
HEADER = [
    "รหัส",
    "ชื่อตัวชี้วัด",
    "น้ำหนัก",
    "วิธีการวัด",
    "หน่วยวัด",
    "ทิศทาง",
    "เกณฑ์ 1",
    "เกณฑ์ 2",
    "เกณฑ์ 3",
    "เกณฑ์ 4",
    "เกณฑ์ 5",
    "ผลการดำเนินงาน",
    "ความคืบหน้าขั้นถัดไป",
    "ผู้กำกับดูแล",
    "ผู้จัดเก็บข้อมูล",
    "ตำแหน่งผู้จัดเก็บข้อมูล",
]
ENGLISH = {
    "รหัส": "code",
    "ชื่อตัวชี้วัด": "name",
    "น้ำหนัก": "weight",
    "วิธีการวัด": "method",
    "หน่วยวัด": "unit",
    "ทิศทาง": "direction",
    **{f"เกณฑ์ {n}": f"level_{n}" for n in range(1, 6)},
    "ผลการดำเนินงาน": "result",
    "ความคืบหน้าขั้นถัดไป": "next_step_progress",
    "ผู้กำกับดูแล": "supervisor",
    "ผู้จัดเก็บข้อมูล": "collector",
    "ตำแหน่งผู้จัดเก็บข้อมูล": "collector_position",
}
ROWS: list[list[Any]] = [
    ["1.1", "ร้อยละของผู้ผ่านการอบรม", 60, "เชิงปริมาณ", "ร้อยละ", "มากดี",
     60, 65, 70, 75, 80, 72.5, None, "นางสาวสุดารัตน์ ใจดี", "นายสมชาย มีสุข", "นวก. 7ว"],
    ["1.10", "ระดับความสำเร็จของแผน", 40, "ขั้นความสำเร็จ", None, None,
     "ตั้งคณะทำงาน", "วิเคราะห์", "ร่างแผน", "เสนอแผน", "เผยแพร่", "1-3", 50,
     "นายคุมพล บรรเทาทุกข์", "นายชูเกียรติ บุศยรัตน์\nนางมาลี แก้วกล้า", "จวค. 8ว\n"],
]  # fmt: skip
REPORT = [["ปีงบประมาณ", 2567], ["รอบ", 6], ["หน่วยงาน", "สำนักงานจังหวัดขอนแก่น"]]


def write_xlsx(
    path: Path,
    header: Sequence[Any] = HEADER,
    rows: Sequence[Sequence[Any]] = ROWS,
    *,
    above: Sequence[Sequence[Any]] = (),
    report: Sequence[Sequence[Any]] | None = REPORT,
    title: str = "ตัวชี้วัด",
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in [*above, header, *rows]:
        sheet.append(list(row))
    if report is not None:
        extra = book.create_sheet("รายงาน")
        for row in report:
            extra.append(list(row))
    book.save(path)
    return path


def write_csv(
    path: Path, header: Sequence[Any] = HEADER, rows: Sequence[Sequence[Any]] = ROWS
) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return path


def reorder(order: Sequence[int]) -> tuple[list[Any], list[list[Any]]]:
    """The header and rows with their columns in another order."""
    return [HEADER[i] for i in order], [[row[i] for i in order] for row in ROWS]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder with its bytes, to show that nothing changed."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def cell_of(path: Path, header: str, code: str, sheet: str = "ตัวชี้วัด") -> openpyxl.cell.Cell:
    """The cell of column `header` in the row of indicator `code` (a workbook for writing)."""
    book = openpyxl.load_workbook(path)
    table = book[sheet]
    rows = list(table.iter_rows())
    head = next(i for i, row in enumerate(rows) if row[0].value == "รหัส")
    column = [c.value for c in rows[head]].index(header)
    row = next(r for r in rows[head + 1 :] if r[0].value == code)
    return row[column]


def set_cell(path: Path, header: str, code: str, value: Any) -> None:
    book = openpyxl.load_workbook(path)
    table = book["ตัวชี้วัด"]
    rows = list(table.iter_rows())
    head = next(i for i, row in enumerate(rows) if row[0].value == "รหัส")
    column = [c.value for c in rows[head]].index(header)
    row = next(r for r in rows[head + 1 :] if r[0].value == code)
    row[column].value = value
    book.save(path)
