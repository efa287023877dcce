"""Lists in the seed form read as typed: one item per number, one indent per level."""

from __future__ import annotations

import re

import docx
from docx.oxml.ns import qn

MARKER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*[.)]?)\t")


def list_items(path) -> list[tuple[str, str, str, str]]:
    """(marker, text, left indent, hanging indent) of every list item of a .docx."""
    document = docx.Document(str(path))
    items = []
    for paragraph in document.element.body.iter(qn("w:p")):
        text = "".join(
            "\t" if node.tag == qn("w:tab") else node.text or ""
            for run in paragraph.iter(qn("w:r"))
            for node in run.iter(qn("w:t"), qn("w:tab"))
        )
        match = MARKER.match(text)
        if match is None:
            continue
        ind = paragraph.find(f"{qn('w:pPr')}/{qn('w:ind')}")
        left = "" if ind is None else ind.get(qn("w:left"), "")
        hanging = "" if ind is None else ind.get(qn("w:hanging"), "")
        items.append((match.group(1), text[match.end() :], left, hanging))
    return items


def test_seed_description_gives_four_items(seed_docx):
    items = list_items(seed_docx)
    starts = ["การจัดฝึกอบรม", "การเผยแพร่ความรู้", "การชี้แจงทำความเข้าใจ", "เรื่องอื่น ๆ"]
    first = next(i for i, item in enumerate(items) if item[1].startswith(starts[0]))
    description = items[first : first + 4]
    assert [marker for marker, *_ in description] == ["1.", "2.", "3.", "4."]
    texts = [text for _, text, *_ in description]
    assert all(text.startswith(start) for text, start in zip(texts, starts, strict=True)), texts
    assert not any(re.search(r"\s[234]\.\s", text) for _, text, *_ in description)


def test_every_list_item_of_the_seed_has_the_same_hanging_indent(seed_docx):
    items = list_items(seed_docx)
    markers = {item[0] for item in items}
    # from <li>-less inline text, from <p>, from plain text lines
    assert {"1.", "1.1", "1)", "6)", "14)"} <= markers
    indents = {(left, hanging) for _, _, left, hanging in items}
    assert len(indents) == 1, sorted(indents)
    [(left, hanging)] = indents
    assert int(hanging) > 0 and left == hanging
