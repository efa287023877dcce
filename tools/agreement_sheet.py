"""Build fixtures/agreement-2567.xlsx, the agreement fixture as the ministry's sheet.

    python tools/agreement_sheet.py [--check]

The sheet is `docgen export fixtures/agreement-2567-r6.yaml`: the fixture's ten
indicators with their scores and the composite. The workbook's dates are fixed so
that building it again gives the same cells and properties; `--check` only says
whether the committed sheet still holds what the fixture gives (a test does too).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "fixtures" / "agreement-2567-r6.yaml"
SHEET = ROOT / "fixtures" / "agreement-2567.xlsx"
FIXED_TIME = dt.datetime(2024, 4, 5, 9, 0, 0)


def build() -> bytes:
    """The sheet's bytes, with the workbook's created and modified dates fixed."""
    import openpyxl

    from docgen.report.excel import export_bytes

    _, payload = export_bytes([SOURCE], ".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(payload))
    book.properties.creator = "docgen"
    book.properties.created = book.properties.modified = FIXED_TIME
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cells(payload: bytes) -> dict[str, list[list[object]]]:
    """Every sheet's values, to compare two builds of the sheet."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(payload), read_only=True)
    try:
        return {
            name: [list(row) for row in book[name].iter_rows(values_only=True)]
            for name in book.sheetnames
        }
    finally:
        book.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    payload = build()
    if args.check:
        same = SHEET.exists() and cells(SHEET.read_bytes()) == cells(payload)
        print(f"{SHEET.name} is {'current' if same else 'stale: run python tools/agreement_sheet.py'}")
        return 0 if same else 1
    SHEET.write_bytes(payload)
    print(f"wrote {SHEET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
