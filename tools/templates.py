"""Build the default templates' agreement parts: a change to them is a change to this code.

    python -m tools.templates            # rewrite docgen/templates/*.docx in place

The official form (kpi_report.docx) keeps everything a clerk or maintainer edited in
Word; this script only (re)writes its round boxes, its score row, the evidence photo
under each item and the signature block after หลักฐานอ้างอิง. The summary (kpi_summary.docx) is rebuilt whole from its
own styles and page setup, as a plain Word table a person can edit. Running the
script twice gives the same documents.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Sequence
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

TEMPLATES = Path(__file__).resolve().parent.parent / "docgen" / "templates"
FORM = TEMPLATES / "kpi_report.docx"
SUMMARY = TEMPLATES / "kpi_summary.docx"

#: The dotted lines a clerk signs and dates on by hand.
SIGN_LINE = "." * 42
NAME_DOTS = "." * 42
FIELD_DOTS = "." * 30
#: The signature table's caption (alt text): how the script finds its own block again.
SIGN_OFF_CAPTION = "การลงนามรับรอง"
#: Table text of the 11-column summary: 14 pt (sz counts half points).
TABLE_SIZE = 28

ROUND_BOXES = (
    "{% if report.round == 3 %}(  /  ) รอบ 3 เดือน          {% endif %}"
    "({{ '  /  ' if report.round == 6 else '     ' }}) รอบ 6 เดือน          "
    "{% if report.round == 9 %}(  /  ) รอบ 9 เดือน          {% endif %}"
    "({{ '  /  ' if report.round == 12 else '     ' }}) รอบ 12 เดือน"
)
FORM_SCORE = "{{ indicator.score|score if indicator.assessed else indicator.status_text }}"
FORM_WEIGHTED = "{{ indicator.weighted_score|score if indicator.assessed else '-' }}"


# --------------------------------------------------------------------------- small pieces


def _run(paragraph: Paragraph, text: str, *, bold: bool = False, size: int | None = None) -> None:
    """A run with bold and size set for Thai (complex script) as well as Latin text."""
    run = paragraph.add_run(text)
    props = run._r.get_or_add_rPr()
    if bold:
        props.append(OxmlElement("w:b"))
        props.append(OxmlElement("w:bCs"))
    if size is not None:
        for name in ("w:sz", "w:szCs"):
            element = OxmlElement(name)
            element.set(qn("w:val"), str(size))
            props.append(element)


def _align(paragraph: Paragraph, how: str) -> None:
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[how]


def _keep_next(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def _cell_text(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    align: str = "center",
    size: int | None = TABLE_SIZE,
) -> None:
    """Replace a cell's content with one paragraph of text."""
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    paragraph = cell.paragraphs[0]
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    _align(paragraph, align)
    _run(paragraph, text, bold=bold, size=size)


def _widths(table: Table, widths: Sequence[int]) -> None:
    """Fixed column widths in twips (Word and LibreOffice both honour tcW and gridCol)."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(width))
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Twips(widths[index])


def _row_flags(table: Table, *, header_rows: int = 0) -> None:
    """No row breaks across pages; the header rows repeat on every page."""
    for index, row in enumerate(table.rows):
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        if index < header_rows:
            props.append(OxmlElement("w:tblHeader"))


#: The order of w:tblPr's children (ECMA-376); Word refuses a table whose are not in it.
_TBL_PR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
]


def _table_property(table: Table, element) -> None:
    """Put `element` into the table's properties at its place in the schema's order."""
    props = table._tbl.tblPr
    name = element.tag.rsplit("}", 1)[1]
    later = {qn(f"w:{n}") for n in _TBL_PR_ORDER[_TBL_PR_ORDER.index(name) + 1 :]}
    for child in props:
        if child.tag in later:
            child.addprevious(element)
            return
    props.append(element)


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    _table_property(table, borders)


def _caption(table: Table, text: str) -> None:
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), text)
    _table_property(table, caption)


def _move_before_section(document: Document, element) -> None:
    """python-docx appends after the last element; the body's sectPr must stay last."""
    body = document.element.body
    body.remove(element)
    body.insert(len(body) - 1 if body[-1].tag == qn("w:sectPr") else len(body), element)


def _paragraph(document: Document, text: str = "", **options) -> Paragraph:
    paragraph = document.add_paragraph()
    if text:
        _run(paragraph, text, bold=options.get("bold", False), size=options.get("size"))
    if "align" in options:
        _align(paragraph, options["align"])
    if options.get("keep_next"):
        _keep_next(paragraph)
    _move_before_section(document, paragraph._p)
    return paragraph


# --------------------------------------------------------------------------- sign-off


def sign_off_block(document: Document, width: int) -> Table:
    """Two columns, ผู้รายงาน | ผู้รับรองข้อมูล: ลงชื่อ, the name in brackets, ตำแหน่ง, วันที่.
    What the data does not give prints as a dotted line for the clerk's pen."""
    table = document.add_table(rows=1, cols=2)
    _move_before_section(document, table._tbl)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _caption(table, SIGN_OFF_CAPTION)
    for cell, role, who in zip(
        table.rows[0].cells, ("ผู้รายงาน", "ผู้รับรองข้อมูล"), ("reporter", "certifier"), strict=True
    ):
        signer = f"sign_off.{who}"
        lines = [
            (role, True),
            (f"ลงชื่อ {{{{ {signer}.signature or '{SIGN_LINE}' }}}}", False),
            (f"({{{{ {signer}.name or '{NAME_DOTS}' }}}})", False),
            (f"ตำแหน่ง {{{{ {signer}.position or '{FIELD_DOTS}' }}}}", False),
            (
                f"วันที่ {{{{ {signer}.date|thai_date if {signer}.date else '{FIELD_DOTS}' }}}}",
                False,
            ),
        ]
        _cell_text(cell, lines[0][0], bold=True, size=None)
        _keep_next(cell.paragraphs[0])
        for text, bold in lines[1:]:
            paragraph = cell.add_paragraph()
            _align(paragraph, "center")
            _keep_next(paragraph)
            _run(paragraph, text, bold=bold)
    _widths(table, [width // 2, width - width // 2])
    _row_flags(table)
    return table


def _remove_sign_off(document: Document) -> None:
    """Drop a block this script added before (its table and the blank line before it)."""
    for table in list(document.tables):
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is not None and caption.get(qn("w:val")) == SIGN_OFF_CAPTION:
            previous = table._tbl.getprevious()
            if previous is not None and previous.tag == qn("w:p") and not previous.xpath(".//w:t"):
                previous.getparent().remove(previous)
            table._tbl.getparent().remove(table._tbl)


# --------------------------------------------------------------------------- the form


def _set_paragraph_text(paragraph: Paragraph, text: str) -> None:
    """New text in the paragraph's first run, keeping that run's formatting."""
    runs = paragraph.runs
    for run in runs[1:]:
        run._r.getparent().remove(run._r)
    runs[0].text = text


def build_form(path: Path = FORM) -> None:
    document = docx.Document(str(path))
    boxes = next(p for p in document.paragraphs if "รอบ 12 เดือน" in p.text)
    _set_paragraph_text(boxes, ROUND_BOXES)
    score_row = next(
        row
        for table in document.tables
        for row in table.rows
        if any("indicator.weighted_score" in cell.text for cell in row.cells)
    )
    cells = score_row.cells
    _set_paragraph_text(cells[-2].paragraphs[0], FORM_SCORE)
    _set_paragraph_text(cells[-1].paragraphs[0], FORM_WEIGHTED)
    _evidence_photos(document)
    fit_form_tables(document)
    _remove_sign_off(document)
    _paragraph(document)
    sign_off_block(document, _text_width(document))
    document.save(str(path))


EVIDENCE_LOOP = "{%p for item in indicator.evidence %}"
EVIDENCE_PHOTO = ("{%p if item.image %}", "{{ item.image }}", "{%p endif %}")


def _evidence_photos(document: Document) -> None:
    """Under each evidence item, its photo (centred) when the data gives one."""
    paragraphs = document.paragraphs
    if any(p.text.strip() == EVIDENCE_PHOTO[1] for p in paragraphs):
        return
    loop = next(i for i, p in enumerate(paragraphs) if p.text.strip() == EVIDENCE_LOOP)
    previous = paragraphs[loop + 1]  # the item's own paragraph: its indent is kept
    for text in EVIDENCE_PHOTO:
        element = copy.deepcopy(previous._p)
        for child in list(element):
            if child is not element.pPr:
                element.remove(child)
        previous._p.addnext(element)
        previous = Paragraph(element, previous._parent)
        previous.add_run(text)
        if text == EVIDENCE_PHOTO[1]:
            _align(previous, "center")


#: The criteria table's columns (ระดับ 1..5), in twips: each holds "ขั้นตอนที่ 1+...+n" on
#: one line at 16 pt (widths measured with HarfBuzz on TH SarabunPSK metrics, plus the
#: cell margins and 5 % for the real font), the space left shared out evenly.
CRITERIA_WIDTHS = [1346, 1604, 1862, 2121, 2422]
#: The score table: ตัวชี้วัด | น้ำหนัก (ร้อยละ) | ผลการดำเนินงาน | ค่าคะแนนที่ได้ | ถ่วงน้ำหนัก.
#: The two long headers break where a reader does (a line break in the header), the
#: others fit on one line, so no header word is broken at 16 pt.
SCORE_WIDTHS = [3049, 1747, 1807, 1496, 1256]
SCORE_HEADERS = [
    ["ตัวชี้วัด/", "ข้อมูลพื้นฐานประกอบตัวชี้วัด"],
    ["น้ำหนัก (ร้อยละ)"],
    ["ผลการดำเนินงาน"],
    ["ค่าคะแนนที่ได้"],
    ["ค่าคะแนน", "ถ่วงน้ำหนัก"],
]


def _header_lines(cell: _Cell, lines: Sequence[str]) -> None:
    """The header's words in its first run, lines separated by a deliberate line break."""
    paragraph = cell.paragraphs[0]
    runs = paragraph.runs
    for run in runs[1:]:
        run._r.getparent().remove(run._r)
    run = runs[0]
    run.text = ""
    for index, line in enumerate(lines):
        if index:
            run.add_break()
        run.add_text(line)


def fit_form_tables(document: Document) -> None:
    """Column widths of the criteria and score tables chosen for Thai words; no row of
    either table breaks across pages."""
    criteria = next(t for t in document.tables if t.rows[0].cells[0].text == "ระดับ 1")
    _widths(criteria, CRITERIA_WIDTHS)
    score = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("ตัวชี้วัด/"))
    _widths(score, SCORE_WIDTHS)
    for cell, lines in zip(score.rows[0].cells, SCORE_HEADERS, strict=True):
        _header_lines(cell, lines)
    for table in (criteria, score):
        for row in table.rows:
            if row._tr.trPr is None or row._tr.trPr.find(qn("w:cantSplit")) is None:
                row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _text_width(document: Document) -> int:
    """The width between the margins, in twips."""
    section = document.sections[-1]
    return Length(section.page_width - section.left_margin - section.right_margin).twips


# --------------------------------------------------------------------------- the summary

#: ตัวชี้วัด | หน่วยวัด | น้ำหนัก | เกณฑ์ 1..5 | ผลการดำเนินงาน | ค่าคะแนนที่ได้ | ถ่วงน้ำหนัก
#: Each header fits its column at 14 pt without breaking a word (ถ่วงน้ำหนัก on a line of its
#: own, น้ำหนัก above (ร้อยละ)).
SUMMARY_WIDTHS = [4237, 1000, 1000, 900, 900, 900, 900, 900, 1610, 1340, 1200]
COLUMNS = len(SUMMARY_WIDTHS)


def _tag_row(table: Table, tag: str) -> None:
    """A row holding only a {%tr %} tag: the engine replaces the whole row with it."""
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[-1])
    _cell_text(merged, tag, align="left", size=None)


def _figures_row(table: Table, first: str, cells: dict[int, str], *, bold: bool) -> None:
    """A row whose first cell spans the unit column too, then figures by column."""
    row = table.add_row()
    label = row.cells[0].merge(row.cells[1])
    _cell_text(label, first, bold=bold, align="left")
    for column in range(2, COLUMNS):
        _cell_text(row.cells[column], cells.get(column, ""), bold=bold)


def build_summary(path: Path = SUMMARY) -> None:
    document = docx.Document(str(path))
    body = document.element.body
    for element in list(body):
        if element.tag != qn("w:sectPr"):
            body.remove(element)

    _paragraph(
        document, "รายงานสรุปผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการ", bold=True, align="center"
    )
    _paragraph(document, "{%p if report.organization %}")
    _paragraph(document, "{{ report.organization }}", align="center")
    _paragraph(document, "{%p endif %}")
    _paragraph(
        document,
        "ปีงบประมาณ พ.ศ. {{ report.fiscal_year }} {{ report.round_label }} "
        "({{ report.period_text }}){% if report.as_of %} ข้อมูล ณ วันที่ "
        "{{ report.as_of|thai_date }}{% endif %}",
        align="center",
    )
    _paragraph(document)
    _paragraph(
        document,
        "ผลการดำเนินงานและคะแนนของตัวชี้วัด {{ summary.count }} ตัวชี้วัด",
        bold=True,
        keep_next=True,
    )

    table = document.add_table(rows=2, cols=COLUMNS)
    _move_before_section(document, table._tbl)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    top, second = table.rows
    for column, title in ((0, "ตัวชี้วัด"), (1, "หน่วยวัด"), (2, "น้ำหนัก (ร้อยละ)")):
        _cell_text(top.cells[column].merge(second.cells[column]), title, bold=True)
    _cell_text(top.cells[3].merge(top.cells[7]), "เกณฑ์การให้คะแนน", bold=True)
    for level in range(1, 6):
        _cell_text(second.cells[2 + level], str(level), bold=True)
    for column, title in ((8, "ผลการดำเนินงาน"), (9, "ค่าคะแนนที่ได้"), (10, "ค่าคะแนน\nถ่วงน้ำหนัก")):
        _cell_text(top.cells[column].merge(second.cells[column]), title, bold=True)

    _tag_row(table, "{%tr for group in summary.groups %}")
    _tag_row(table, "{%tr if group.name %}")
    heading = table.add_row()
    _cell_text(
        heading.cells[0].merge(heading.cells[-1]),
        "มิติที่ {{ group.code }} {{ group.name }}",
        bold=True,
        align="left",
    )
    _tag_row(table, "{%tr endif %}")
    _tag_row(table, "{%tr for indicator in group.indicators %}")
    row = table.add_row()
    values = [
        ("{{ indicator.code }} {{ indicator.name }}", "left"),
        ("{{ indicator.unit_text }}", "center"),
        ("{{ indicator.weight }}", "center"),
        *[(f"{{{{ indicator.targets_text[{i}] }}}}", "center") for i in range(5)],
        ("{{ indicator.result_figure }}", "center"),
        (
            "{{ indicator.score|score(4) if indicator.assessed else indicator.status_text }}",
            "center",
        ),
        ("{{ indicator.weighted_score|score(4) if indicator.assessed else '-' }}", "center"),
    ]
    for cell, (text, align) in zip(row.cells, values, strict=True):
        _cell_text(cell, text, align=align)
    _tag_row(table, "{%tr endfor %}")
    _tag_row(table, "{%tr if group.name %}")
    _figures_row(
        table,
        "รวมมิติที่ {{ group.code }}",
        {2: "{{ group.total_weight }}", 10: "{{ group.weighted_total|score(4) }}"},
        bold=True,
    )
    _tag_row(table, "{%tr endif %}")
    _tag_row(table, "{%tr endfor %}")
    _figures_row(
        table,
        "รวม",
        {2: "{{ summary.total_weight }}", 10: "{{ summary.weighted_total|score(4) }}"},
        bold=True,
    )
    composite = table.add_row()
    _cell_text(
        composite.cells[0].merge(composite.cells[-2]),
        "คะแนนรวม (ผลรวมของน้ำหนัก × ค่าคะแนนที่ได้ ÷ ผลรวมของน้ำหนัก)",
        bold=True,
        align="right",
    )
    _cell_text(
        composite.cells[-1],
        "{{ summary.composite|score(4) if summary.composite is not none else '-' }}",
        bold=True,
    )
    _widths(table, SUMMARY_WIDTHS)
    _row_flags(table, header_rows=2)

    _paragraph(document)
    _paragraph(
        document,
        "คะแนนรวม : {{ summary.composite|score(4) if summary.composite is not none else '-' }}"
        "{% if summary.composite_note %} ({{ summary.composite_note }}){% endif %}",
        bold=True,
    )
    _paragraph(document, "{%p if not summary.weights_complete %}")
    _paragraph(
        document,
        "หมายเหตุ : น้ำหนักของตัวชี้วัดรวมกันได้ร้อยละ {{ summary.total_weight }} "
        "ไม่เท่ากับร้อยละ 100 คะแนนรวมข้างต้นจึงยังไม่ใช่คะแนนรวมของคำรับรองการปฏิบัติราชการทั้งฉบับ",
    )
    _paragraph(document, "{%p endif %}")
    _paragraph(document)
    _paragraph(document, "ที่มาของคะแนน :", bold=True, keep_next=True)
    _paragraph(document, "{%p for indicator in summary.indicators %}")
    explained = _paragraph(document)
    explained.paragraph_format.tab_stops.add_tab_stop(Twips(851))
    explained.paragraph_format.left_indent = Twips(851)
    explained.paragraph_format.first_line_indent = Twips(-851)
    _run(explained, "{{ indicator.code }}\t{{ indicator.score_explanation }}")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document)
    sign_off_block(document, sum(SUMMARY_WIDTHS))
    document.save(str(path))


def main(argv: Sequence[str] = ()) -> int:
    build_form()
    build_summary()
    print(f"wrote {FORM} and {SUMMARY}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
