"""The plain docxtpl path, kept as the reference `Template.render` must equal.

Tests compare docgen's documents with these (same word/document.xml, same
parts) and the benchmark uses it as its baseline.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from docgen.engine.digits import thai_digits_in_document
from docgen.engine.docxtpl_xml import preprocess
from docgen.engine.filters import make_environment


class DocxtplTemplate(DocxTemplate):
    """docxtpl's own DocxTemplate with docgen's tag additions (``{{p }}`` keeps the
    look, tags split over runs are joined): the per-document path docgen replaces."""

    def patch_xml(self, src_xml: str) -> str:
        return preprocess(src_xml)


def render_with_docxtpl(
    template: str | Path, context: dict[str, Any], digits: str = "arabic"
) -> bytes:
    """A document made the way plain docxtpl makes it, reading, patching, compiling
    and saving the template anew: the reference `Template.render` must equal
    (same word/document.xml, same parts), and the benchmark's baseline."""
    document = DocxtplTemplate(str(template))
    document.render(context, jinja_env=make_environment(digits))
    buffer = io.BytesIO()
    document.save(buffer)
    if digits == "thai":
        return thai_digits_in_document(buffer.getvalue())
    return buffer.getvalue()
