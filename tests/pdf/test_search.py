"""A searchable PDF: the seed's words are found by the viewers' text engines."""

from __future__ import annotations

import pytest
from helpers import document_text, pdfium_found, poppler_found, thai_words

pytest.importorskip("pypdfium2")

#: Share of the seed's Thai words PDFium (Chrome, Edge) must find in the seed PDF.
PDFIUM_MIN = 0.99


@pytest.mark.libreoffice
def test_pdfium_finds_the_seeds_words(seed_docx, seed_pdf):
    words = thai_words(document_text(seed_docx))
    assert len(words) > 300
    pdfium = pdfium_found(seed_pdf, words)
    poppler = poppler_found(seed_pdf, words)
    print(
        f"\nseed words: {len(words)}; PDFium finds {len(pdfium)} "
        f"({len(pdfium) / len(words):.1%}), poppler's pdftotext {len(poppler)} "
        f"({len(poppler) / len(words):.1%})"
    )
    assert "ผลสัมฤทธิ์" in pdfium  # THANTHAKHAT over SARA I: moved by GPOS in Laksaman
    missing = sorted(set(words) - set(pdfium))
    assert len(pdfium) / len(words) >= PDFIUM_MIN, missing
