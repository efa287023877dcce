"""Build fixtures/agreement-2567.xlsx, the agreement fixture as the ministry's sheet.

    python tools/agreement_sheet.py [--check] [--picture docs/agreement-sheet.png]

The sheet is `docgen export fixtures/agreement-2567-r6.yaml`: the fixture's ten
indicators with their scores and the composite. The workbook's dates are fixed so
that building it again gives the same cells and properties; `--check` only says
whether the committed sheet still holds what the fixture gives (a test does too).
`--picture` also prints the sheet to PDF with LibreOffice Calc (apt-get install
libreoffice-calc-nogui) in docgen's TH SarabunPSK and keeps the indicators' part of
the first page as the README's PNG (poppler's pdftoppm).
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


#: Left out of the picture so that the rest is readable at the README's width.
PEOPLE_COLUMNS = ("supervisor", "supervisor_position", "supervisor_phone", "collector_position")


def picture(sheet: Path, png: Path, dpi: int = 200) -> None:
    """The first page's table without most of the people's columns, as the README shows it."""
    import os
    import shutil
    import subprocess
    import tempfile

    import openpyxl

    from docgen.pdf.fonts import prepare_pdf_fonts
    from docgen.report.excel.columns import COLUMNS

    env = {**os.environ, **prepare_pdf_fonts().env}
    with tempfile.TemporaryDirectory() as folder:
        book = openpyxl.load_workbook(sheet)
        table = book.worksheets[0]
        for index, column in enumerate(COLUMNS, 1):
            if column.key in PEOPLE_COLUMNS:
                table.column_dimensions[table.cell(2, index).column_letter].hidden = True
        sheet = Path(folder) / sheet.name
        book.save(sheet)
        profile = Path(folder) / "profile"
        subprocess.run(
            [
                shutil.which("soffice") or "soffice",
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                str(sheet),
            ],
            check=True,
            env=env,
            capture_output=True,
            timeout=300,
        )
        pdf = Path(folder) / sheet.with_suffix(".pdf").name
        # the table, below the page's top margin
        crop = ["-x", str(dpi * 70 // 100), "-y", str(dpi * 95 // 100)]
        size = ["-W", str(dpi * 1005 // 100), "-H", str(dpi * 135 // 100)]
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                "1",
                *crop,
                *size,
                "-png",
                "-singlefile",
                str(pdf),
                str(png.with_suffix("")),
            ],
            check=True,
            timeout=120,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--picture", type=Path, help="also write this PNG of the sheet")
    args = parser.parse_args(argv)
    payload = build()
    if args.check:
        same = SHEET.exists() and cells(SHEET.read_bytes()) == cells(payload)
        print(
            f"{SHEET.name} is {'current' if same else 'stale: run python tools/agreement_sheet.py'}"
        )
        return 0 if same else 1
    SHEET.write_bytes(payload)
    print(f"wrote {SHEET.relative_to(ROOT)}")
    if args.picture:
        picture(SHEET, args.picture)
        print(f"wrote {args.picture}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
