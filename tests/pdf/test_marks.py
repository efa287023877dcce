"""Marks moved into the glyphs: the derived font draws exactly what Laksaman draws,
but no Thai mark needs a GPOS offset any more (so PDF viewers can search the text)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont
from helpers import SEED_TEXT, require

from docgen.pdf.fonts import find_thai_fonts
from docgen.pdf.marks import bake_mark_positions

hb = pytest.importorskip("uharfbuzz")

CONSONANTS = "กปฝฟฬฎฏฐญรฤฦทธ"
ABOVE, BELOW, TONES = "ัิีึื็ํ", "ฺุู", "่้๊๋์"


def stacks() -> list[str]:
    """Every consonant with every vowel and tone mark above and below it."""
    words = []
    for c in CONSONANTS:
        words += [c + t for t in TONES] + [c + v for v in ABOVE + BELOW]
        words += [c + v + t for v in ABOVE + BELOW for t in TONES]
        words += [c + t + "ำ" for t in TONES]
    return words


@pytest.fixture(scope="module")
def fonts(tmp_path_factory) -> tuple[Path, Path]:
    found = [f for f in find_thai_fonts() if f.family == "Laksaman" and f.style == "Regular"]
    require("Laksaman (apt-get install fonts-thai-tlwg)", bool(found))
    source = found[0].path
    font = TTFont(source)
    assert bake_mark_positions(font) > 0
    baked = tmp_path_factory.mktemp("marks") / "baked.ttf"
    font.save(baked)
    return source, baked


@functools.cache
def _open(path: Path) -> tuple:
    font = TTFont(path, lazy=True)
    return hb.Font(hb.Face(hb.Blob.from_file_path(str(path)))), font, font.getGlyphSet()


def shape(path: Path, text: str) -> tuple[list, int, int]:
    """(outline drawn, advance, glyphs moved by GPOS) for `text` shaped by HarfBuzz."""
    shaper, font, glyphs = _open(path)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(shaper, buf, {})
    pen, x, moved = RecordingPen(), 0, 0
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        moved += bool(pos.x_offset or pos.y_offset)
        name = font.getGlyphName(info.codepoint)
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, 1, x + pos.x_offset, pos.y_offset)))
        x += pos.x_advance
    return pen.value, x, moved


def test_same_drawing_and_no_mark_offsets(fonts):
    source, baked = fonts
    words = sorted(set(SEED_TEXT.read_text(encoding="utf-8").split()) | set(stacks()))
    before_moved = 0
    for word in words:
        drawing, advance, moved = shape(source, word)
        assert shape(baked, word) == (drawing, advance, 0), word
        before_moved += moved
    assert before_moved > 100  # Laksaman itself does move marks, so the test means something
