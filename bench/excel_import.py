"""Importing a large agreement sheet: docgen against openpyxl merely reading it.

    python -m bench.excel_import [--rows 2000] [--repeat 3]

Builds one .xlsx of ROWS indicators (half quantitative, half milestone, two people
per cell, in the layout of excel.md) and measures, in the same process and rounds:

(r) the floor: openpyxl opening the sheet read-only and reading every value;
(d) ``import_sheet(..., dry_run=True)`` into an empty folder: read, parse every cell,
    merge, validate every file with the data format, serialize, write nothing;
(w) the same import writing ROWS data files;
(u) importing the same sheet again into the filled folder: every file read and found
    unchanged, nothing written.

Each round runs r d w u; the medians are printed with their ratio to (r). The machine
may be shared with other work: compare ratios within one run, not times across runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import openpyxl

from docgen.report.excel import import_sheet
from docgen.report.excel.columns import COLUMNS, REPORT_FIELDS, REPORT_SHEET

_INPUT_KEYS = [c.key for c in COLUMNS if not c.computed]


def _row(number: int) -> dict[str, object]:
    code = f"{number // 100 + 1}.{number % 100 + 1}"
    people = {
        "supervisor": "นายคุมพล บรรเทาทุกข์\nนางสาวสุดารัตน์ ใจดี",
        "supervisor_position": "ผอ.กลุ่มงาน\nจวค. 8ว",
        "supervisor_phone": "0-2222-7821",
        "collector": "นายชูเกียรติ บุศยรัตน์",
        "collector_position": "จวค. 8ว",
        "collector_phone": "0-4323-6790 ต่อ 12",
        "status": "ประเมิน",
        "dimension": code.split(".")[0],
        "weight": 0.05,
        "name": f"ตัวชี้วัดที่ {code} ร้อยละของงานที่แล้วเสร็จตามแผนปฏิบัติราชการประจำปี",
        "code": code,
    }
    if number % 2:
        steps = ["แต่งตั้งคณะทำงาน", "วิเคราะห์", "ร่างแผน", "เสนอแผน", "เผยแพร่และติดตามผล"]
        return {
            **people,
            "method": "ขั้นความสำเร็จ",
            **{f"level_{n}": text for n, text in enumerate(steps, 1)},
            "result": "1-3",
            "next_step_progress": 50,
        }
    return {
        **people,
        "method": "เชิงปริมาณ",
        "unit": "ร้อยละ",
        "direction": "มากดี",
        **{f"level_{n}": 55 + 5 * n for n in range(1, 6)},
        "result": 72.5 + number % 7,
    }


def build_sheet(path: Path, rows: int) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("ตัวชี้วัด")
    sheet.append([f"ตัวชี้วัดตามคำรับรองการปฏิบัติราชการ ({rows} ตัวชี้วัด)"])
    sheet.append([c.thai for c in COLUMNS if not c.computed])
    for number in range(rows):
        values = _row(number)
        sheet.append([values.get(key) for key in _INPUT_KEYS])
    report = book.create_sheet(REPORT_SHEET)
    for field, value in zip(REPORT_FIELDS, [2567, 6, "สำนักงานจังหวัดตัวอย่าง"], strict=False):
        report.append([field.thai, value])
    book.save(path)
    return path


def _read_only(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book["ตัวชี้วัด"].iter_rows(values_only=True))
    book.close()
    return count


def _extend(outcomes: list, sheet: Path, workspace: Path) -> None:
    outcomes.extend(import_sheet(sheet, workspace))


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        sheet = build_sheet(base / "agreement.xlsx", args.rows)
        print(f"sheet: {args.rows} rows, {sheet.stat().st_size // 1024} KiB")
        times: dict[str, list[float]] = {"r": [], "d": [], "w": [], "u": []}
        for round_number in range(args.repeat):
            workspace = base / f"ws{round_number}"
            times["r"].append(_timed(partial(_read_only, sheet)))
            times["d"].append(_timed(partial(import_sheet, sheet, workspace, dry_run=True)))
            times["w"].append(_timed(partial(import_sheet, sheet, workspace)))
            assert len(list(workspace.iterdir())) == args.rows
            outcomes: list = []
            times["u"].append(_timed(partial(_extend, outcomes, sheet, workspace)))
            assert {o.action for o in outcomes} == {"unchanged"}
            shutil.rmtree(workspace)
        floor = statistics.median(times["r"])
        labels = {
            "r": "openpyxl reads the sheet (floor)",
            "d": "docgen import --dry-run",
            "w": f"docgen import, writes {args.rows} files",
            "u": "docgen import again, all unchanged",
        }
        for key, label in labels.items():
            median = statistics.median(times[key])
            print(f"({key}) {label:<38} {median:7.2f} s   x{median / floor:5.1f} of (r)")


if __name__ == "__main__":
    main()
