"""The Python API over a whole report: one document per indicator, and the summary."""

from __future__ import annotations

from decimal import Decimal

import docx
import pytest
from helpers import (
    REPORT_DATA,
    REPORT_FIGURES,
    SEED_DATA,
    document_text,
    paragraph_texts,
    summary_rows,
)
from openxml_audit import OpenXmlValidator

from docgen import api
from docgen.errors import DataError
from docgen.report.data import load
from docgen.report.scoring import score_report

HOSTILE = "a < b & c </w:t><w:t> ]]> \x01end"
SHOWN = "a < b & c </w:t><w:t> ]]> end"
NOTE = (
    "หมายเหตุ : น้ำหนักของตัวชี้วัดรวมกันได้ร้อยละ {} ไม่เท่ากับร้อยละ 100 "
    "คะแนนรวมข้างต้นจึงยังไม่ใช่คะแนนรวมของคำรับรองการปฏิบัติราชการทั้งฉบับ"
)


def four(text: str) -> str:
    """A figure of REPORT_FIGURES as the summary prints it (they have at most 4 decimals)."""
    return f"{Decimal(text):.4f}"


@pytest.fixture(scope="module")
def partial_report(tmp_path_factory):
    """The report without indicator 3.3 (weights 95), indicator 1.1 named with markup."""
    report = load(REPORT_DATA)
    first = report.indicators[0].model_copy(update={"name": HOSTILE})
    report = report.model_copy(update={"indicators": [first, *report.indicators[1:6]]})
    out = tmp_path_factory.mktemp("partial")
    return api.render_report(report, out_dir=out, summary=True)


def test_one_document_per_indicator_and_the_summary(report_rendered):
    assert [d.path.name for d in report_rendered.documents] == [
        f"2550-r12-{code}.docx" for code in REPORT_FIGURES
    ]
    assert report_rendered.summary.path.name == "2550-r12-summary.docx"
    assert report_rendered.warnings == []


@pytest.mark.parametrize("which", ["summary", "quantitative form"])
def test_documents_are_valid_ooxml_for_word(report_rendered, report_docx, which):
    path = report_rendered.summary.path if which == "summary" else report_docx["1.2"]
    result = OpenXmlValidator().validate(str(path))
    assert result.is_valid, [str(e) for e in result.errors][:5]


def test_summary_is_a4_landscape(report_rendered):
    section = docx.Document(str(report_rendered.summary.path)).sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (29.7, 21.0)


#: The summary's two header rows (merged cells repeat their text in python-docx).
HEADER = [
    ["ตัวชี้วัด", "หน่วยวัด", "น้ำหนัก (ร้อยละ)", *["เกณฑ์การให้คะแนน"] * 5]
    + ["ผลการดำเนินงาน", "ค่าคะแนนที่ได้", "ค่าคะแนน\nถ่วงน้ำหนัก"],
    ["ตัวชี้วัด", "หน่วยวัด", "น้ำหนัก (ร้อยละ)", "1", "2", "3", "4", "5"]
    + ["ผลการดำเนินงาน", "ค่าคะแนนที่ได้", "ค่าคะแนน\nถ่วงน้ำหนัก"],
]
#: Unit and the five criteria columns of the report fixture, by code.
CRITERIA = {
    "1.1": ["ร้อยละ", "88", "90", "92", "94", "96"],
    "1.2": ["วัน", "20", "18", "16", "14", "12"],
    "2.1": ["ระดับ", "1", "2", "3", "4", "5"],
    "2.2": ["ระดับ", "1", "2", "3", "4", "5"],
    "3.1": ["คะแนน", "3.0", "3.3", "3.6", "3.9", "4.2"],
    "3.2": ["ระดับ", "1", "2", "3", "4", "5"],
    "3.3": ["ร้อยละ", "75", "80", "85", "90", "95"],
}
#: ผลการดำเนินงาน in the summary: the value without its unit (the unit has a column).
FIGURE = {"1.1": "93.5", "1.2": "15", "3.1": "3.7", "3.3": "98.2"}


def test_summary_has_the_official_columns_one_row_per_indicator_and_the_totals(
    report_rendered,
):
    names = {i.code: i.name for i in load(REPORT_DATA).indicators}
    rows = summary_rows(report_rendered.summary.path)
    assert rows[:2] == HEADER
    assert rows[2:-2] == [
        [f"{code} {names[code]}", *CRITERIA[code][:1], weight, *CRITERIA[code][1:]]
        + [FIGURE.get(code, result), four(score), four(weighted)]
        for code, (weight, result, score, weighted) in REPORT_FIGURES.items()
    ]
    # The totals: "รวม" spans the indicator and unit columns; then the composite.
    assert rows[-2] == ["รวม", "รวม", "100", *[""] * 7, "3.0583"]
    assert rows[-1][-1] == "3.0583"


def test_summary_heads_with_the_report_and_states_the_composite(report_rendered):
    text = paragraph_texts(report_rendered.summary.path)
    assert text[:3] == [
        "รายงานสรุปผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการ",
        "สำนักพัฒนาและส่งเสริมการบริหารราชการจังหวัด สป.",
        "ปีงบประมาณ พ.ศ. 2550 รอบ 12 เดือน (1 ตุลาคม 2549 – 30 กันยายน 2550) ข้อมูล ณ วันที่ 30 กันยายน 2550",
    ]
    assert "คะแนนรวม : 3.0583" in text
    assert not any(line.startswith("หมายเหตุ") for line in text)


def test_summary_explains_every_score(report_rendered):
    report = load(REPORT_DATA)
    scores = score_report(report.indicators).scores
    text = paragraph_texts(report_rendered.summary.path)
    explained = [line for line in text if "\t" in line]
    assert explained == [
        f"{indicator.code}\t{score.explanation}"
        for indicator, score in zip(report.indicators, scores, strict=True)
    ]
    assert explained[2] == (
        "2.1\tดำเนินการแล้วเสร็จขั้นตอนที่ 1, 2, 3 จึงได้ระดับ 3 และขั้นตอนที่ 4 "
        "คืบหน้าร้อยละ 60 ได้คะแนน 3 + 0.6 = 3.6"
    )


def test_weights_short_of_100_are_warned_in_the_summary_and_the_result(partial_report):
    rows = summary_rows(partial_report.summary.path)
    assert rows[-2] == ["รวม", "รวม", "95", *[""] * 7, "2.8083"]  # the weighted scores' sum
    assert rows[-1][-1] == "2.9561"  # the composite: Σ(w x s) / Σw = 280.83 / 95
    assert NOTE.format("95") in paragraph_texts(partial_report.summary.path)
    assert partial_report.warnings == [
        "the indicators' weights add up to 95, not 100, so the composite score 2.9561 is not "
        "the score of a complete report; check each indicator's weight"
    ]


def test_summary_prints_data_as_text(partial_report):
    rows = summary_rows(partial_report.summary.path)
    assert rows[2][0] == f"1.1 {SHOWN}"
    assert "\x01" not in document_text(partial_report.summary.path)


@pytest.mark.parametrize(
    ("data", "summary", "warned"),
    [
        (SEED_DATA, False, False),  # one indicator's form: no composite to warn about
        (SEED_DATA, True, True),  # its summary: weights 4 of 100
    ],
)
def test_weights_warning_only_where_a_composite_is_shown(tmp_path, data, summary, warned):
    result = api.render_report(data, out_dir=tmp_path, summary=summary)
    assert bool(result.warnings) is warned
    assert (result.summary is not None) is summary


def test_an_indicator_may_not_take_the_summarys_file_name(tmp_path):
    report = load(REPORT_DATA)
    last = report.indicators[-1].model_copy(update={"code": "Summary"})
    report = report.model_copy(update={"indicators": [*report.indicators[:-1], last]})
    with pytest.raises(DataError) as caught:
        api.render_report(report, out_dir=tmp_path, summary=True)
    [problem] = caught.value.problems
    assert problem.path == "indicators[6].code"
    assert problem.message == (
        "code 'Summary' gives the file name 2550-r12-Summary.docx, the name of the report "
        "summary; give the indicator another code"
    )
    assert not any(tmp_path.iterdir()), "nothing may be written"
