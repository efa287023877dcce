"""`docgen import`: a ministry's sheet becomes data files that validate and score right."""

from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ENGLISH, HEADER, ROWS, reorder, snapshot, write_csv, write_xlsx

from docgen.cli import main
from docgen.report.data import load
from docgen.report.excel import SheetError, import_sheet
from docgen.report.scoring import score_indicator


def _scores(folder: Path) -> dict[str, tuple[Decimal, Decimal]]:
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        for indicator in load(path).all_indicators:
            score = score_indicator(indicator)
            found[indicator.code] = (score.score, score.weighted)
    return found


# 72.5 between 70 and 75: 3 + 2.5/5 = 3.5, x 60 / 100 = 2.1; steps 1-3 and 50% of 4: 3.5 x 0.4
HAND_SCORES = {"1.1": (Decimal("3.5"), Decimal("2.1")), "1.10": (Decimal("3.5"), Decimal("1.4"))}


@pytest.mark.parametrize(
    "variant",
    ["thai", "english", "reordered", "title-rows", "line-breaks", "csv", "first-sheet"],
)
def test_a_sheet_in_any_layout_gives_files_that_score_as_by_hand(tmp_path, variant):
    header, rows, above, title = list(HEADER), ROWS, [], "ตัวชี้วัด"
    if variant == "english":
        header = [ENGLISH[h] for h in HEADER]
    elif variant == "reordered":
        header, rows = reorder(list(reversed(range(len(HEADER)))))
    elif variant == "title-rows":
        above = [["คำรับรองการปฏิบัติราชการ ปีงบประมาณ 2567"], [], [None, "หมายเหตุ: ตัวอย่าง"]]
    elif variant == "line-breaks":
        header = [f" {h.replace(' ', chr(10))} " for h in HEADER]
    elif variant == "first-sheet":
        title = "Sheet1"
    if variant == "csv":
        sheet = write_csv(tmp_path / "agreement.csv", header, rows)
        options = {"fiscal_year": 2567, "round": 6}
    else:
        sheet = write_xlsx(tmp_path / "agreement.xlsx", header, rows, above=above, title=title)
        options = {}
    outcomes = import_sheet(sheet, tmp_path / "ws", report=options)
    assert [(o.name, o.action) for o in outcomes] == [
        ("2567-r6-1.1.yaml", "created"),
        ("2567-r6-1.10.yaml", "created"),
    ]
    assert _scores(tmp_path / "ws") == HAND_SCORES
    milestone = load(tmp_path / "ws" / "2567-r6-1.10.yaml").indicator
    assert [(p.name, p.position) for p in milestone.collectors] == [
        ("นายชูเกียรติ บุศยรัตน์", "จวค. 8ว"),
        ("นางมาลี แก้วกล้า", None),
    ]
    assert [(s.step, s.done, s.progress) for s in milestone.result.steps] == [
        (1, True, None),
        (2, True, None),
        (3, True, None),
        (4, False, Decimal("0.5")),
    ]


@pytest.mark.parametrize(
    ("cell", "done"),
    [("1,2,3,5", [1, 2, 3, 5]), ("๑-๒", [1, 2]), (2, [2]), ("", []), ("1-2, 4", [1, 2, 4])],
)
def test_steps_done_are_read_as_written(tmp_path, cell, done):
    rows = [list(ROWS[1])]
    rows[0][11], rows[0][12] = cell, None
    write_xlsx(tmp_path / "a.xlsx", rows=rows)
    import_sheet(tmp_path / "a.xlsx", tmp_path / "ws")
    indicator = load(tmp_path / "ws" / "2567-r6-1.10.yaml").indicator
    assert [s.step for s in indicator.result.steps or [] if s.done] == done


def test_every_bad_cell_is_named_with_row_and_column_and_nothing_is_written(tmp_path):
    rows = [list(ROWS[0]), list(ROWS[1]), list(ROWS[0])]
    rows[0][2] = "สิบ"  # weight
    rows[0][11] = "72,5"  # result: a comma for the point
    rows[1][11] = "1-7"  # steps beyond 5
    rows[1][3] = "ขั้นตอน"  # not a method
    rows[2][0] = "1.1"  # the same code again
    sheet = write_xlsx(tmp_path / "agreement.xlsx", rows=rows, above=[["ชื่อเรื่อง"]])
    (tmp_path / "ws").mkdir()
    with pytest.raises(SheetError) as caught:
        import_sheet(sheet, tmp_path / "ws")
    message = str(caught.value)
    assert (
        'agreement.xlsx, sheet ตัวชี้วัด, row 3, column น้ำหนัก: expected a number, got "สิบ"' in message
    )
    assert (
        'row 3, column ผลการดำเนินงาน: expected a number; "72,5" is not a number: use a point for decimals (72.5)'
        in message
    )
    assert "row 4, column วิธีการวัด: expected the method: ขั้นความสำเร็จ or เชิงปริมาณ" in message
    assert "row 5, column รหัส: the code 1.1 is already on row 3" in message
    assert message.startswith("4 problems in agreement.xlsx")
    assert snapshot(tmp_path / "ws") == {}


def test_the_data_formats_rules_are_reported_at_their_cells(tmp_path):
    rows = [list(ROWS[0])]
    rows[0][6:11] = [80, 75, 70, 65, 60]  # decreasing, but higher is better
    rows[0][13] = None  # no supervisor
    write_xlsx(tmp_path / "a.xlsx", rows=rows)
    with pytest.raises(SheetError) as caught:
        import_sheet(tmp_path / "a.xlsx", tmp_path / "ws")
    message = str(caught.value)
    assert "row 2, column เกณฑ์ 1: targets must be strictly increasing" in message
    assert "row 2, column ผู้กำกับดูแล:" in message
    assert not (tmp_path / "ws").exists()


def test_the_report_fields_come_from_the_report_sheet_or_the_options(tmp_path):
    sheet = write_xlsx(tmp_path / "a.xlsx", report=None)
    with pytest.raises(SheetError, match=r"ปีงบประมาณ \(fiscal_year\) is not given.*--fiscal-year"):
        import_sheet(sheet, tmp_path / "ws")
    outcomes = import_sheet(sheet, tmp_path / "ws", report={"fiscal_year": 2568, "round": 12})
    assert outcomes[0].name == "2568-r12-1.1.yaml"
    sheet = write_xlsx(tmp_path / "b.xlsx", report=[["ปีงบประมาณ", "สองห้าหก"], ["รอบ", 6]])
    with pytest.raises(
        SheetError, match=r"sheet รายงาน, row 1, column ปีงบประมาณ: expected a number"
    ):
        import_sheet(sheet, tmp_path / "ws2")


def test_a_result_edited_in_the_sheet_changes_only_that_field(tmp_path):
    write_xlsx(tmp_path / "a.xlsx")
    import_sheet(tmp_path / "a.xlsx", tmp_path / "ws")
    path = tmp_path / "ws" / "2567-r6-1.1.yaml"
    text = path.read_text(encoding="utf-8")
    kept = "# ตัวชี้วัด 1.1: ผลจากแบบติดตาม\n" + text.replace(
        "  result:\n",
        "  explanation: |-\n    <p>ผู้ผ่านการอบรม <b>200</b> คน</p>\n\n    - ติดตาม\n"
        "  evidence:\n  - แบบติดตามผล\n  result:\n",
    )
    path.write_text(kept, encoding="utf-8")
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][11] = 78
    write_xlsx(tmp_path / "a.xlsx", rows=rows)
    outcomes = import_sheet(tmp_path / "a.xlsx", tmp_path / "ws")
    assert [o.describe() for o in outcomes] == [
        "updated 2567-r6-1.1.yaml (result.value)",
        "unchanged 2567-r6-1.10.yaml",
    ]
    assert path.read_text(encoding="utf-8") == kept.replace("value: 72.5", "value: 78")


def test_an_unchanged_file_is_not_written_again(tmp_path):
    write_xlsx(tmp_path / "a.xlsx")
    import_sheet(tmp_path / "a.xlsx", tmp_path / "ws")
    path = tmp_path / "ws" / "2567-r6-1.1.yaml"
    before = path.stat().st_mtime_ns
    path.chmod(0o444)  # a write would fail
    outcomes = import_sheet(tmp_path / "a.xlsx", tmp_path / "ws")
    assert {o.action for o in outcomes} == {"unchanged"}
    assert path.stat().st_mtime_ns == before


def test_a_workbook_with_macros_is_refused(tmp_path):
    sheet = write_xlsx(tmp_path / "a.xlsx")
    shutil.copy(sheet, tmp_path / "a.xlsm")
    with pytest.raises(SheetError, match=r"a\.xlsm: a workbook with macros \(\.xlsm\) is refused"):
        import_sheet(tmp_path / "a.xlsm", tmp_path / "ws")
    with zipfile.ZipFile(sheet, "a") as package:  # macros inside a file named .xlsx
        package.writestr("xl/vbaProject.bin", b"\0")
    with pytest.raises(SheetError, match="macros"):
        import_sheet(sheet, tmp_path / "ws")
    assert not (tmp_path / "ws").exists()


def _with_cached_value(path: Path, formula: str, cached: str | None) -> None:
    """Give a formula cell the value Excel stored with it (openpyxl writes none)."""
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as package:
        parts = {item: package.read(item) for item in package.namelist()}
    value = b"" if cached is None else f"<v>{cached}</v>".encode()
    parts[name] = parts[name].replace(
        f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f>".encode() + value
    )
    with zipfile.ZipFile(path, "w") as package:
        for item, data in parts.items():
            package.writestr(item, data)


def test_a_formula_is_read_by_its_cached_value_never_evaluated(tmp_path):
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][2] = "=50+10"
    rows[1][2] = "=1/0"
    sheet = write_xlsx(tmp_path / "a.xlsx", rows=rows)
    _with_cached_value(sheet, "50+10", "61")  # a stale cache wins: nothing is computed
    _with_cached_value(sheet, "1/0", None)
    with pytest.raises(SheetError) as caught:
        import_sheet(sheet, tmp_path / "ws")
    assert "row 3, column น้ำหนัก" in str(caught.value)
    assert "row 2" not in str(caught.value)


def test_the_command_prints_each_files_outcome_and_a_dry_run_writes_nothing(tmp_path):
    sheet = write_xlsx(tmp_path / "a.xlsx")
    runner = CliRunner()
    dry = runner.invoke(main, ["import", str(sheet), "-o", str(tmp_path / "ws"), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would be created 2567-r6-1.1.yaml" in dry.output
    assert not (tmp_path / "ws").exists()
    done = runner.invoke(main, ["import", str(sheet), "-o", str(tmp_path / "ws")])
    assert done.output.splitlines() == [
        "created 2567-r6-1.1.yaml",
        "created 2567-r6-1.10.yaml",
        "2 created, 0 updated, 0 unchanged",
    ]
    bad = write_csv(tmp_path / "b.csv", rows=[["1.1", "x", "สิบ"]])
    failed = runner.invoke(
        main,
        ["import", str(bad), "-o", str(tmp_path / "ws"), "--fiscal-year", "2567", "--round", "6"],
    )
    assert failed.exit_code == 1
    assert 'b.csv, row 2, column น้ำหนัก: expected a number, got "สิบ"' in failed.output


def test_status_and_dimension_columns(tmp_path):
    header = [*HEADER, "สถานะ", "มิติ"]
    rows = [list(ROWS[0]) + ["ไม่ประเมินในรอบนี้", "1"], list(ROWS[1]) + ["ประเมิน", "2"]]
    rows[0][11] = None  # not assessed: no result
    write_xlsx(tmp_path / "a.xlsx", header, rows)
    import_sheet(tmp_path / "a.xlsx", tmp_path / "ws")
    first = load(tmp_path / "ws" / "2567-r6-1.1.yaml").indicator
    second = load(tmp_path / "ws" / "2567-r6-1.10.yaml").indicator
    assert (first.status, first.dimension, first.result.value) == ("not_assessed", None, None)
    assert (second.status, second.dimension) == ("assessed", "2")
    text = (tmp_path / "ws" / "2567-r6-1.1.yaml").read_text(encoding="utf-8")
    assert "dimension" not in text  # "1" is what the code already says
    rows[1][-2] = "ยกเลิกแล้ว"
    write_xlsx(tmp_path / "b.xlsx", header, rows)
    with pytest.raises(SheetError, match="row 3, column สถานะ: expected the status: ประเมิน or "):
        import_sheet(tmp_path / "b.xlsx", tmp_path / "ws")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"not a workbook"), "the file is not an .xlsx workbook"),
        (
            lambda p: write_xlsx(p, header=["ชื่อตัวชี้วัด", "น้ำหนัก"], rows=[["x", 1]]),
            "no header row: expected a row whose first cell is รหัส (or code)",
        ),
        (
            lambda p: write_xlsx(p, header=["รหัส", "หมายเหตุ"], rows=[["1.1", "x"]]),
            "row 1: the header row lacks the column(s) ชื่อตัวชี้วัด, น้ำหนัก",
        ),
        (
            lambda p: write_xlsx(p, header=["รหัส", "ชื่อตัวชี้วัด", "น้ำหนัก", "weight"], rows=[]),
            "column weight: the column น้ำหนัก is given twice",
        ),
    ],
    ids=["not-a-workbook", "no-header", "missing-columns", "twice"],
)
def test_a_sheet_of_the_wrong_shape_is_refused_with_what_was_expected(tmp_path, make, message):
    path = tmp_path / "agreement.xlsx"
    make(path)
    with pytest.raises(SheetError, match=re.escape(message)):
        import_sheet(path, tmp_path / "ws")
    assert not (tmp_path / "ws").exists()
