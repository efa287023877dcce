"""The seed form end to end: what a clerk checks in the generated document."""

from __future__ import annotations

import html
import re
import subprocess

import docx
import pytest
from docx.oxml.ns import qn
from helpers import (
    LABELS,
    REPORT_FIGURES,
    SECTION_HEADINGS,
    SEED_TEXT,
    assert_in_order,
    document_text,
    pdf_comparable,
    pdf_text,
    require_tool,
    squash,
)
from openxml_audit import OpenXmlValidator


def seed_chunks() -> list[str]:
    """The seed's texts in order, tags removed (the document shows formatting, not tags)."""
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    chunks = list(LABELS[:3])  # the title line's round boxes were flattened in the seed text
    for line in lines:
        if line.startswith("รายงานผลการปฏิบัติราชการ"):
            continue
        for cell in line.split("\t"):
            text = squash(html.unescape(re.sub(r"<[^>]+>", " ", cell)))
            if text:
                chunks.append(text)
    return chunks


def test_every_label_of_the_form_in_order(seed_docx):
    assert_in_order(LABELS, document_text(seed_docx))


def test_every_text_of_the_seed_in_order(seed_docx):
    text = document_text(seed_docx)
    assert "<p>" not in text and "</p>" not in text and "<u>" not in text and "&nbsp;" not in text
    assert_in_order([squash(c) for c in seed_chunks()], squash(text))


def test_score_row_reads_4_5_5_02(seed_docx):
    document = docx.Document(str(seed_docx))
    tables = [
        t
        for t in document.tables
        if t.rows[0].cells[-1].text.replace("\n", "") == "ค่าคะแนนถ่วงน้ำหนัก"
    ]
    assert len(tables) == 1
    row = [cell.text for cell in tables[0].rows[1].cells]
    assert row == ["ระดับผลสัมฤทธิ์ของการสนับสนุนการบริหารราชการจังหวัดแบบบูรณาการ", "4", "5", "5", "0.2"]


MILESTONE_SENTENCE = "กำหนดเป็นระดับขั้นความสำเร็จ (Milestone) แบ่งเกณฑ์การให้คะแนนเป็น ดังนี้"
MILESTONE_CRITERIA = [f"ขั้นตอนที่ {'+'.join(str(n) for n in range(1, k + 1))}" for k in range(1, 6)]
CRITERIA = {
    "1.1": ["ร้อยละ 88", "ร้อยละ 90", "ร้อยละ 92", "ร้อยละ 94", "ร้อยละ 96"],
    "1.2": ["20 วัน", "18 วัน", "16 วัน", "14 วัน", "12 วัน"],  # lower is better
    "2.1": MILESTONE_CRITERIA,
    "2.2": MILESTONE_CRITERIA,
    "3.1": ["3.0 คะแนน", "3.3 คะแนน", "3.6 คะแนน", "3.9 คะแนน", "4.2 คะแนน"],  # one decimal each
    "3.2": MILESTONE_CRITERIA,
    "3.3": ["ร้อยละ 75", "ร้อยละ 80", "ร้อยละ 85", "ร้อยละ 90", "ร้อยละ 95"],
}


def _table_starting(document, first_cell: str):
    return [t for t in document.tables if t.rows[0].cells[0].text == first_cell]


@pytest.mark.parametrize("code", sorted(REPORT_FIGURES))
def test_every_indicators_score_table_holds_its_figures(report_docx, code):
    document = docx.Document(str(report_docx[code]))
    [table] = [
        t
        for t in document.tables
        if t.rows[0].cells[-1].text.replace("\n", "") == "ค่าคะแนนถ่วงน้ำหนัก"
    ]
    assert [cell.text for cell in table.rows[1].cells][1:] == list(REPORT_FIGURES[code])


@pytest.mark.parametrize("code", sorted(CRITERIA))
def test_criteria_table_shows_steps_or_targets_with_their_unit(report_docx, code):
    document = docx.Document(str(report_docx[code]))
    [table] = _table_starting(document, "ระดับ 1")
    assert [cell.text for cell in table.rows[1].cells] == CRITERIA[code]


@pytest.mark.parametrize(("code", "milestone"), [("1.1", False), ("1.2", False), ("2.1", True)])
def test_only_milestone_indicators_have_the_step_table_and_sentence(report_docx, code, milestone):
    document = docx.Document(str(report_docx[code]))
    assert (MILESTONE_SENTENCE in document_text(report_docx[code])) is milestone
    assert len(_table_starting(document, "1")) == (1 if milestone else 0)


def test_milestone_table_has_one_row_per_step_and_keeps_empty_rows(seed_docx):
    document = docx.Document(str(seed_docx))
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == "1"]
    assert [row.cells[0].text for row in table.rows] == ["1", "2", "3", "4", "5"]
    assert table.rows[0].cells[1].text == "" and table.rows[1].cells[1].text == ""
    assert table.rows[2].cells[1].text.startswith("คณะทำงาน ฯ จัดทำแนวทางการดำเนินการ")


def test_seed_underline_is_underlined(seed_docx):
    document = docx.Document(str(seed_docx))
    runs = [
        run
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for paragraph in cell.paragraphs
        for run in paragraph.runs
        if run.text.strip() == "วิธีการดำเนินการ"
    ]
    assert runs and all(run.underline for run in runs)


def test_the_reports_round_box_is_ticked(seed_docx):
    text = document_text(seed_docx)
    assert "(  /  ) รอบ 12 เดือน" in text
    assert "(     ) รอบ 6 เดือน" in text
    assert "(  /  ) รอบ 6 เดือน" not in text
    assert "รอบ 9 เดือน" not in text


@pytest.mark.parametrize(
    ("round_months", "ticked", "blank"),
    [
        (6, ["(  /  ) รอบ 6 เดือน"], ["(     ) รอบ 12 เดือน"]),
        (9, ["(  /  ) รอบ 9 เดือน"], ["(     ) รอบ 6 เดือน", "(     ) รอบ 12 เดือน"]),
    ],
)
def test_other_rounds_tick_their_own_box(seed_report, tmp_path, round_months, ticked, blank):
    from docgen import api

    report = seed_report.model_copy(
        update={"report": seed_report.report.model_copy(update={"round": round_months})}
    )
    [document] = api.render_report(report, out_dir=tmp_path).documents
    assert document.path.name == f"2550-r{round_months}-3.2.docx"
    text = document_text(document.path)
    for box in ticked + blank:
        assert box in text


def _effective(run, paragraph, styles, tag, attr):
    """A run property as Word resolves it: run, paragraph style chain, then docDefaults."""
    rpr = run._r.rPr
    if rpr is not None and rpr.find(qn(tag)) is not None:
        return rpr.find(qn(tag)).get(qn(attr))
    style = paragraph.style
    while style is not None:
        srpr = style.element.rPr
        if srpr is not None and srpr.find(qn(tag)) is not None:
            return srpr.find(qn(tag)).get(qn(attr))
        style = style.base_style
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    element = defaults.find(qn(tag))
    return None if element is None else element.get(qn(attr))


def test_thai_runs_are_th_sarabunpsk_16pt_complex_script(seed_docx):
    document = docx.Document(str(seed_docx))
    paragraphs = list(document.paragraphs) + [
        p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs
    ]
    runs = [(r, p) for p in paragraphs for r in p.runs if re.search("[\u0e00-\u0e7f]", r.text)]
    assert len(runs) > 100
    for run, paragraph in runs:
        assert _effective(run, paragraph, document.styles, "w:rFonts", "w:cs") == "TH SarabunPSK"
        assert _effective(run, paragraph, document.styles, "w:rFonts", "w:ascii") == "TH SarabunPSK"
        assert _effective(run, paragraph, document.styles, "w:szCs", "w:val") == "32"
        assert _effective(run, paragraph, document.styles, "w:sz", "w:val") == "32"
        assert _effective(run, paragraph, document.styles, "w:lang", "w:bidi") == "th-TH"


def test_labels_are_bold_for_thai_too(seed_docx):
    document = docx.Document(str(seed_docx))
    label = next(p for p in document.paragraphs if p.text.startswith("คำอธิบาย :"))
    rpr = label.runs[0]._r.rPr
    assert rpr.find(qn("w:b")) is not None and rpr.find(qn("w:bCs")) is not None


def test_page_is_a4_portrait(seed_docx):
    section = docx.Document(str(seed_docx)).sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_document_is_valid_ooxml_for_word(seed_docx):
    result = OpenXmlValidator().validate(str(seed_docx))
    assert result.is_valid, [str(e) for e in result.errors][:5]


@pytest.mark.libreoffice
def test_libreoffice_pdf_has_the_labels(seed_pdf):
    # pdftotext reads a table column by column and breaks the words of narrow
    # header cells, so labels are checked for presence (the score table's header,
    # wrapped in its narrow cells, is checked in the .docx) and headings for order.
    text = pdf_comparable(pdf_text(seed_pdf))
    score_header = LABELS[LABELS.index("ตัวชี้วัด/\nข้อมูลพื้นฐานประกอบตัวชี้วัด") :][:5]
    wanted = [label.rstrip(" -") for label in LABELS if label not in score_header]
    missing = [label for label in wanted if pdf_comparable(label) not in text]
    assert missing == []
    assert_in_order([pdf_comparable(h) for h in SECTION_HEADINGS], text)


@pytest.mark.libreoffice
def test_libreoffice_pdf_draws_thai_glyphs(seed_pdf, tmp_path):
    fonts = subprocess.run(
        [require_tool("pdffonts"), str(seed_pdf)], capture_output=True, text=True, check=True
    ).stdout
    # TH SarabunPSK is embedded: the real font, or docgen's stand-in derived from
    # Laksaman, whose name says so. Either way the page shows Thai glyphs, not boxes.
    embedded = re.findall(r"^\S+", fonts, re.MULTILINE)[2:]
    assert embedded and all(re.search(r"THSarabun", name) for name in embedded), fonts
    subprocess.run(
        [
            require_tool("pdftoppm"),
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(seed_pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    [png] = list(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 10_000  # a page with text, not a blank one
