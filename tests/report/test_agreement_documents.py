"""The agreement fixture's documents read back: the summary's table, the round boxes and
periods of the form, and the signature block (agreement.md)."""

from __future__ import annotations

import shutil
import zipfile

import docx
import pytest
from helpers import FIXTURES, ROOT, SEED_DATA, TEMPLATES, paragraph_texts, summary_rows

from docgen import api
from docgen.report.data import load

AGREEMENT = FIXTURES / "agreement-2567-r6.yaml"
DOTS = "." * 30


def sign_off_lines(path) -> tuple[list[str], list[str]]:
    """The two columns of the signature block: the last table of the document."""
    table = docx.Document(str(path)).tables[-1]
    left, right = table.rows[0].cells
    return [p.text for p in left.paragraphs], [p.text for p in right.paragraphs]


@pytest.fixture(scope="module")
def agreement(tmp_path_factory):
    out = tmp_path_factory.mktemp("agreement")
    return api.render_report(AGREEMENT, out_dir=out, summary=True)


def test_the_summary_lists_indicators_in_code_order_under_their_dimensions(agreement):
    rows = summary_rows(agreement.summary.path)[2:]
    firsts = [row[0] for row in rows]
    assert [text.split(" ", 1)[0] for text in firsts] == [
        "มิติที่",
        "1.1",
        "1.2",
        "1.3",
        "1.10",  # 1.2 before 1.10, though the file lists 1.10 before 1.3
        "รวมมิติที่",
        "มิติที่",
        "2.1",
        "2.2",
        "2.3",
        "รวมมิติที่",
        "มิติที่",
        "3.1",
        "3.2",
        "3.3",
        "รวมมิติที่",
        "รวม",
        "คะแนนรวม",
    ]
    assert firsts[0] == "มิติที่ 1 มิติด้านประสิทธิผลตามแผนปฏิบัติราชการ"


def test_the_summary_figures_can_be_checked_by_hand(agreement):
    by_code = {row[0].split(" ", 1)[0]: row for row in summary_rows(agreement.summary.path)[2:]}
    # a quantitative row: unit, weight, the five targets, the value, score, weighted
    assert by_code["1.1"][1:] == ["ร้อยละ", "15", "80", "85", "90", "95", "100", "92.5"] + [
        "3.5000",
        "0.5250",
    ]
    # lower is better: the targets decrease
    assert by_code["2.2"][1:] == ["วัน", "10", "20", "18", "16", "14", "12", "15", "3.5000"] + [
        "0.3500"
    ]
    # a milestone: ระดับ, the levels 1..5, the level reached
    assert by_code["1.2"][1:] == ["ระดับ", "10", "1", "2", "3", "4", "5", "3", "3.5000", "0.3500"]
    # not assessed and cancelled print their status instead of a score
    assert by_code["2.3"][-3:] == ["ไม่ประเมินในรอบนี้", "ไม่ประเมินในรอบนี้", "-"]
    assert by_code["3.3"][-3:] == ["ยกเลิก", "ยกเลิก", "-"]
    subtotals = [row for row in summary_rows(agreement.summary.path) if row[0].startswith("รวมมิติ")]
    assert [(row[0], row[2], row[-1]) for row in subtotals] == [
        ("รวมมิติที่ 1", "45", "1.8750"),
        ("รวมมิติที่ 2", "30", "0.6900"),
        ("รวมมิติที่ 3", "25", "0.4400"),
    ]
    total, composite = summary_rows(agreement.summary.path)[-2:]
    assert (total[0], total[2], total[-1]) == ("รวม", "100", "3.0050")
    assert composite[-1] == "3.5353"  # 300.5 / 85


def test_the_summary_says_the_composite_is_over_the_assessed_indicators(agreement):
    text = paragraph_texts(agreement.summary.path)
    assert "คะแนนรวม : 3.5353 (คิดจากตัวชี้วัดที่ประเมินในรอบนี้ น้ำหนักรวม 85)" in text
    assert agreement.warnings == []  # all ten weights add up to 100


def test_the_summary_is_signed_with_the_reports_sign_off(agreement):
    left, right = sign_off_lines(agreement.summary.path)
    assert left == [
        "ผู้รายงาน",
        "ลงชื่อ " + "." * 42,
        "(นางสาวสุนีย์ ตั้งใจ)",
        "ตำแหน่ง นักวิเคราะห์นโยบายและแผนชำนาญการ",
        "วันที่ 5 เมษายน 2567",
    ]
    assert right == [
        "ผู้รับรองข้อมูล",
        "ลงชื่อ " + "." * 42,
        "(นายประเสริฐ มั่นคง)",
        "ตำแหน่ง หัวหน้าสำนักงานจังหวัดตัวอย่าง",
        f"วันที่ {DOTS}",  # no date in the data: a dotted line to fill in by hand
    ]


def test_an_indicators_sign_off_overrides_the_reports(agreement):
    form = next(d.path for d in agreement.documents if d.code == "1.2")
    left, right = sign_off_lines(form)
    assert left[2:] == [
        "(นายสมชาย รักงาน)",
        "ตำแหน่ง นักวิเคราะห์นโยบายและแผนปฏิบัติการ",
        "วันที่ 3 เมษายน 2567",
    ]
    assert right[2] == "(นายประเสริฐ มั่นคง)"


def test_without_sign_off_data_the_form_defaults_to_the_first_collector_and_supervisor(
    seed_docx,
):
    left, right = sign_off_lines(seed_docx)
    assert left == [
        "ผู้รายงาน",
        "ลงชื่อ " + "." * 42,
        "(นายชูเกียรติ บุศยรัตน์)",
        "ตำแหน่ง จวค. 8ว",
        f"วันที่ {DOTS}",
    ]
    assert right == [
        "ผู้รับรองข้อมูล",
        "ลงชื่อ " + "." * 42,
        "(นายคุมพล บรรเทาทุกข์)",
        f"ตำแหน่ง {DOTS}",  # the seed's supervisor has no position
        f"วันที่ {DOTS}",
    ]


def test_not_assessed_form_prints_its_status_instead_of_a_score(agreement):
    form = next(d.path for d in agreement.documents if d.code == "2.3")
    table = next(
        t
        for t in docx.Document(str(form)).tables
        if t.rows[0].cells[-1].text.replace("\n", "") == "ค่าคะแนนถ่วงน้ำหนัก"
    )
    assert [c.text for c in table.rows[1].cells][1:] == [
        "10",
        "ไม่ประเมินในรอบนี้",
        "ไม่ประเมินในรอบนี้",
        "-",
    ]


@pytest.mark.parametrize(
    ("round_months", "boxes", "period"),
    [
        (3, "(  /  ) รอบ 3 เดือน", "1 ตุลาคม 2549 – 31 ธันวาคม 2549"),
        (6, "(  /  ) รอบ 6 เดือน", "1 ตุลาคม 2549 – 31 มีนาคม 2550"),
        (9, "(  /  ) รอบ 9 เดือน", "1 ตุลาคม 2549 – 30 มิถุนายน 2550"),
        (12, "(  /  ) รอบ 12 เดือน", "1 ตุลาคม 2549 – 30 กันยายน 2550"),
    ],
)
def test_each_rounds_box_is_ticked_and_its_period_printed(tmp_path, round_months, boxes, period):
    text = (
        SEED_DATA.read_text(encoding="utf-8")
        .replace("round: 12", f"round: {round_months}")
        .replace("as_of: 2007-09-30", "as_of: 2006-12-31")
    )
    data = tmp_path / "data.yaml"
    data.write_text(text, encoding="utf-8")
    [document] = api.render_report(data, out_dir=tmp_path).documents
    lines = paragraph_texts(document.path)
    box_line = lines[1]
    assert box_line.count("(  /  )") == 1  # exactly one box ticked
    assert boxes in box_line
    # the seed's two boxes are always there; a 3- or 9-month round adds its own
    assert "รอบ 6 เดือน" in box_line and "รอบ 12 เดือน" in box_line
    assert ("รอบ 3 เดือน" in box_line) is (round_months == 3)
    assert ("รอบ 9 เดือน" in box_line) is (round_months == 9)
    assert f"รอบ {round_months} เดือน ({period})" in lines[2]


def test_the_templates_are_what_the_build_script_makes(tmp_path):
    """A change to the templates is a change to tools/templates.py, run and committed."""
    from tools import templates

    for name, build in (
        ("kpi_report.docx", templates.build_form),
        ("kpi_summary.docx", templates.build_summary),
    ):
        copy = tmp_path / name
        shutil.copy(TEMPLATES / name, copy)
        build(copy)
        with zipfile.ZipFile(TEMPLATES / name) as ours, zipfile.ZipFile(copy) as built:
            assert built.read("word/document.xml") == ours.read("word/document.xml"), (
                f"run `python -m tools.templates` and commit {name}"
            )
    assert (ROOT / "tools" / "templates.py").exists()


def test_the_agreement_fixture_loads_with_ten_indicators_in_three_dimensions():
    report = load(AGREEMENT)
    assert len(report.indicators) == 10
    assert {i.dimension_code for i in report.indicators} == {"1", "2", "3"}
    assert {i.status for i in report.indicators} == {"assessed", "not_assessed", "cancelled"}
