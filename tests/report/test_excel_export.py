"""`docgen export`: the sheet a ministry reads, and a round trip that changes no file."""

from __future__ import annotations

import shutil
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import FIXTURES, REPORT_DATA, REPORT_FIGURES, SEED_DATA, cell_of, set_cell, snapshot

from docgen.cli import main
from docgen.errors import UsageError
from docgen.report.excel import export_sheet, import_sheet

WORKSPACES = {
    "report": [REPORT_DATA],
    "seed": [SEED_DATA],
    "many-indicators": [FIXTURES / "report-2551-r6.yaml"],
    "agreement": [FIXTURES / "agreement-2567-r6.yaml"],
}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("files", WORKSPACES.values(), ids=WORKSPACES.keys())
def test_export_then_import_changes_no_file(tmp_path, files, suffix):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    for path in files:
        shutil.copy(path, workspace)
    before = snapshot(workspace)
    sheet = export_sheet(sorted(workspace.iterdir()), tmp_path / f"agreement{suffix}")
    options = {"fiscal_year": sheet.info.fiscal_year, "round": sheet.info.round}
    outcomes = import_sheet(
        tmp_path / f"agreement{suffix}", workspace, report=options if suffix == ".csv" else {}
    )
    assert {o.action for o in outcomes} == {"unchanged"}
    assert snapshot(workspace) == before


def test_the_exported_sheet_has_the_scores_the_form_prints(tmp_path):
    export_sheet([REPORT_DATA], tmp_path / "a.xlsx")
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    table = book["ตัวชี้วัด"]
    rows = [[c.value for c in row] for row in table.iter_rows()]
    assert rows[0][0].startswith("ตัวชี้วัดตามคำรับรองการปฏิบัติราชการ ปีงบประมาณ 2550 รอบ 12 เดือน")
    header = rows[1]
    column = {name: header.index(name) for name in header}
    by_code = {row[0]: row for row in rows[2:] if row[0]}
    for code, (weight, _, score, weighted) in REPORT_FIGURES.items():
        row = by_code[code]
        assert row[column["น้ำหนัก"]] == Decimal(weight) or row[column["น้ำหนัก"]] == int(weight)
        assert Decimal(str(row[column["ค่าคะแนนที่ได้"]])) == Decimal(score)
        assert Decimal(str(row[column["ค่าคะแนนถ่วงน้ำหนัก"]])) == Decimal(weighted)
    total = rows[-1]
    assert total[0] is None and total[column["ชื่อตัวชี้วัด"]] == "คะแนนรวม"
    assert total[column["น้ำหนัก"]] == 100
    assert Decimal(str(total[column["ค่าคะแนนถ่วงน้ำหนัก"]])) == Decimal("3.0583")
    assert list(by_code) == sorted(REPORT_FIGURES)


def test_the_sheet_is_formatted_for_reading(tmp_path):
    export_sheet([FIXTURES / "report-2551-r6.yaml"], tmp_path / "a.xlsx")
    table = openpyxl.load_workbook(tmp_path / "a.xlsx")["ตัวชี้วัด"]
    assert table.freeze_panes == "B3"
    fonts = {(c.font.name, c.font.sz) for row in table.iter_rows() for c in row}
    assert fonts == {("TH SarabunPSK", 16)}
    header = [c.value for c in table[2]]
    score = table.cell(3, header.index("ค่าคะแนนที่ได้") + 1)
    assert score.number_format == "0.0000" and score.data_type == "n"
    weight = table.cell(3, header.index("น้ำหนัก") + 1)
    assert weight.data_type == "n" and weight.value == 10
    code = table.cell(5, 1)
    assert (code.value, code.data_type, code.number_format) == ("3.20", "s", "@")
    name_width = table.column_dimensions["C"].width
    assert 40 <= name_width <= 60
    assert table.column_dimensions["A"].width >= 6
    report = openpyxl.load_workbook(tmp_path / "a.xlsx")["รายงาน"]
    assert [[c.value for c in row] for row in report.iter_rows()][:3] == [
        ["ปีงบประมาณ", 2551],
        ["รอบ", 6],
        ["หน่วยงาน", "สำนักงานจังหวัดขอนแก่น"],
    ]


def test_an_edited_cell_of_an_exported_sheet_changes_that_field_only(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    shutil.copy(REPORT_DATA, workspace)
    export_sheet([workspace / REPORT_DATA.name], tmp_path / "a.xlsx")
    set_cell(tmp_path / "a.xlsx", "น้ำหนัก", "3.3", 6)
    assert cell_of(tmp_path / "a.xlsx", "น้ำหนัก", "3.3").value == 6
    before = (workspace / REPORT_DATA.name).read_text(encoding="utf-8")
    [outcome] = import_sheet(tmp_path / "a.xlsx", workspace)
    assert outcome.describe() == f"updated {REPORT_DATA.name} (3.3: weight)"
    after = (workspace / REPORT_DATA.name).read_text(encoding="utf-8")
    assert after.startswith(before[: before.index("schema_version")])  # comments on top kept
    assert after.count("weight: 6\n") == 1


def test_files_of_different_reports_are_not_one_sheet(tmp_path):
    with pytest.raises(UsageError, match="different reports"):
        export_sheet([REPORT_DATA, FIXTURES / "report-2551-r6.yaml"], tmp_path / "a.xlsx")


def test_the_export_command_says_what_it_wrote(tmp_path):
    result = CliRunner().invoke(main, ["export", str(REPORT_DATA), "-o", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 0, result.output
    assert "(7 indicators, composite 3.0583, weights 100)" in result.output


def test_an_indicator_not_assessed_has_no_score_and_leaves_the_composite(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    text = REPORT_DATA.read_text(encoding="utf-8")
    marker = '- code: "3.3"\n'
    assert marker in text
    path = workspace / REPORT_DATA.name
    path.write_text(text.replace(marker, marker + "  status: not_assessed\n"), encoding="utf-8")
    before = snapshot(workspace)
    export_sheet([path], tmp_path / "a.xlsx")
    rows = [
        [c.value for c in r]
        for r in openpyxl.load_workbook(tmp_path / "a.xlsx")["ตัวชี้วัด"].iter_rows()
    ]
    header = rows[1]
    row = next(r for r in rows if r[0] == "3.3")
    assert row[header.index("สถานะ")] == "ไม่ประเมินในรอบนี้"
    assert row[header.index("ค่าคะแนนที่ได้")] is None
    total = rows[-1]
    # (0.75 + 0.525 + 0.9 + 0 + 0.3333.. + 0.3) x 100 / 95 = 2.95614...
    assert Decimal(str(total[header.index("ค่าคะแนนถ่วงน้ำหนัก")])) == Decimal("2.9561")
    assert total[header.index("ชื่อตัวชี้วัด")] == ("คะแนนรวม (คิดจากตัวชี้วัดที่ประเมินในรอบนี้ น้ำหนักรวม 95)")
    assert {o.action for o in import_sheet(tmp_path / "a.xlsx", workspace)} == {"unchanged"}
    assert snapshot(workspace) == before
