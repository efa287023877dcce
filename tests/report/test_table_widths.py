"""Tables that fit Thai words: in the seed's PDF no header word of the form's tables is
broken over two lines, and each criterion (ขั้นตอนที่ 1+2+3+4+5) sits on one line."""

from __future__ import annotations

from itertools import accumulate

import docx
import pytest
from docx.oxml.ns import qn
from helpers import DEFAULT_TEMPLATE, broken_words, cell_lines, pdf_words

CRITERIA = ["ขั้นตอนที่ " + "+".join(str(n) for n in range(1, k + 1)) for k in range(1, 6)]


def columns(table_index_text: str) -> tuple[list[str], list[tuple[float, float]]]:
    """The header texts of the template's table whose first cell starts with the text
    given, and each column's left and right edge on the page (points)."""
    document = docx.Document(str(DEFAULT_TEMPLATE))
    table = next(t for t in document.tables if t.rows[0].cells[0].text.startswith(table_index_text))
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    indent = table._tbl.tblPr.find(qn("w:tblInd"))
    left = document.sections[-1].left_margin.twips + (
        int(indent.get(qn("w:w"))) if indent is not None else -108  # Word's default cell margin
    )
    edges = [left + x for x in (0, *accumulate(grid))]
    spans = [(a / 20, b / 20) for a, b in zip(edges, edges[1:], strict=False)]
    return [c.text for c in table.rows[0].cells], spans


@pytest.mark.libreoffice
@pytest.mark.parametrize("first", ["ตัวชี้วัด/", "ระดับ 1"])
def test_header_cells_break_no_word(seed_pdf, first):
    words = pdf_words(seed_pdf)
    headers, spans = columns(first)
    for header, (left, right) in zip(headers, spans, strict=True):
        lines = cell_lines(words, header, left, right)
        assert lines is not None, f"{header!r} is not in its column on one page"
        assert broken_words(header, lines) == [], (header, lines)


@pytest.mark.libreoffice
def test_each_criterion_is_on_one_line(seed_pdf):
    words = pdf_words(seed_pdf)
    _, spans = columns("ระดับ 1")
    for criterion, (left, right) in zip(CRITERIA, spans, strict=True):
        assert cell_lines(words, criterion, left, right) == [criterion]
