"""Edits of the official form's template, kept as code (a .docx does not merge).

``python -m docgen.report.template_edits docgen/templates/kpi_report.docx`` adds
what the form needs to print pictures from the data: each evidence item's photo
in the paragraph under it. The edit finds its place by the tags, so it applies
to the template as Word last saved it, and it is idempotent.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.text.paragraph import Paragraph

EVIDENCE_LOOP = "{%p for item in indicator.evidence %}"
EVIDENCE_PHOTO = "{{ item.image }}"


def _paragraph_after(paragraph: Paragraph, text: str) -> Paragraph:
    """A paragraph with `paragraph`'s look holding `text`, inserted after it."""
    element = copy.deepcopy(paragraph._p)
    for child in list(element):
        if child is not element.pPr:  # keep the look, not the text
            element.remove(child)
    paragraph._p.addnext(element)
    new = Paragraph(element, paragraph._parent)
    new.add_run(text)
    return new


def add_evidence_photos(source: Path, target: Path) -> bool:
    """Add the evidence photo under each item; False when it is there already."""
    document = docx.Document(source)
    paragraphs = document.paragraphs
    if any(p.text.strip() == EVIDENCE_PHOTO for p in paragraphs):
        return False
    loop = next(i for i, p in enumerate(paragraphs) if p.text.strip() == EVIDENCE_LOOP)
    item = paragraphs[loop + 1]
    opening = _paragraph_after(item, "{%p if item.image %}")
    photo = _paragraph_after(opening, EVIDENCE_PHOTO)
    photo.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph_after(photo, "{%p endif %}")
    document.save(target)
    return True


def main(argv: list[str]) -> int:
    for name in argv or ["docgen/templates/kpi_report.docx"]:
        path = Path(name)
        changed = add_evidence_photos(path, path)
        print(f"{path}: {'evidence photos added' if changed else 'already has them'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
