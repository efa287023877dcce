"""Thai marks drawn in place, so PDF viewers can search the text.

Laksaman places tone marks, THANTHAKHAT and vowels above or below a consonant with
OpenType mark positioning (GPOS ``mark``/``mkmk``): ``ธิ์`` draws ``์`` 80 units to
the right of and 70 above where it would stand on its own. LibreOffice writes every
glyph that is moved this way as a text piece of its own, and PDF text extractors put
such a piece where its position says: PDFium (Chrome, Edge) reads ``ผลสัมฤทธิ`` and
an ``์`` later on the line, so a search for ``ผลสัมฤทธิ์`` fails; poppler reorders
``ตัวชี้`` into ``ตัวชี`` and ``้``.

This module moves the positioning into the glyphs: for every mark and offset the
font's mark lookups would produce, it adds a copy of the mark's outline already moved
by that offset, and contextual substitutions (run after the font's own) that pick the
moved copy in the same context. The drawing is the same; the marks just no longer
need an offset, so LibreOffice writes each word as one piece of text. The font's
GPOS stays: cases the substitutions do not cover are still positioned as before.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable

#: Marks that may stand between a base and its mark (HarfBuzz skips them).
_MAX_MARKS_BETWEEN = 2

Offset = tuple[int, int]


def _anchor(anchor) -> Offset | None:
    return None if anchor is None else (anchor.XCoordinate, anchor.YCoordinate)


def _mark_lookups(font, tag: str) -> list:
    """The GPOS lookups of feature `tag` (any script), in lookup order."""
    gpos = font["GPOS"].table
    indices = sorted(
        {
            i
            for record in gpos.FeatureList.FeatureRecord
            if record.FeatureTag == tag
            for i in record.Feature.LookupListIndex
        }
    )
    return [gpos.LookupList.Lookup[i] for i in indices]


def _subtables(lookup) -> Iterable:
    for sub in lookup.SubTable:
        yield sub.ExtSubTable if lookup.LookupType == 9 else sub


def _variant_name(glyph: str, offset: Offset) -> str:
    dx, dy = offset
    return f"{glyph}.docgen{dx:+d}{dy:+d}".replace("+", "p").replace("-", "m")


class _Baker:
    """Collects moved copies of marks and the rules that choose them."""

    def __init__(self, font) -> None:
        self.font = font
        self.hmtx = font["hmtx"]
        self.variants: dict[str, tuple[str, Offset]] = {}  # name -> (original, offset)
        self.base_rules: dict[tuple[str, Offset], set[str]] = defaultdict(set)
        self.mark_rules: dict[tuple[frozenset[str], str], set[str]] = defaultdict(set)

    def variant(self, glyph: str, offset: Offset) -> str:
        if offset == (0, 0):
            return glyph
        name = _variant_name(glyph, offset)
        self.variants[name] = (glyph, offset)
        return name

    def collect_mark_to_base(self) -> None:
        """mark feature: mark anchor meets base anchor; the pen stands after the base."""
        for lookup in _mark_lookups(self.font, "mark"):
            if lookup.LookupType not in (4, 9):
                continue
            for sub in _subtables(lookup):
                if not hasattr(sub, "BaseCoverage"):
                    continue
                marks = dict(zip(sub.MarkCoverage.glyphs, sub.MarkArray.MarkRecord, strict=True))
                bases = zip(sub.BaseCoverage.glyphs, sub.BaseArray.BaseRecord, strict=True)
                for base, record in bases:
                    advance = self.hmtx[base][0]
                    for mark, mark_record in marks.items():
                        base_anchor = _anchor(record.BaseAnchor[mark_record.Class])
                        mark_anchor = _anchor(mark_record.MarkAnchor)
                        if base_anchor is None or mark_anchor is None:
                            continue
                        offset = (
                            base_anchor[0] - mark_anchor[0] - advance,
                            base_anchor[1] - mark_anchor[1],
                        )
                        if offset != (0, 0):
                            self.base_rules[(mark, offset)].add(base)
                            self.variant(mark, offset)

    def collect_mark_to_mark(self) -> None:
        """mkmk feature: a mark on the mark just before it (both have no advance)."""
        for lookup in _mark_lookups(self.font, "mkmk"):
            if lookup.LookupType not in (6, 9):
                continue
            on_base = dict(self.variants)  # the marks moved onto their base so far
            for sub in _subtables(lookup):
                if not hasattr(sub, "Mark2Coverage"):
                    continue
                marks1 = list(zip(sub.Mark1Coverage.glyphs, sub.Mark1Array.MarkRecord, strict=True))
                marks2 = zip(sub.Mark2Coverage.glyphs, sub.Mark2Array.Mark2Record, strict=True)
                for mark2, record2 in marks2:
                    # the mark below may itself have been moved onto its base
                    placed = [(mark2, (0, 0))] + [
                        (name, off) for name, (orig, off) in on_base.items() if orig == mark2
                    ]
                    for mark1, record1 in marks1:
                        anchor2 = _anchor(record2.Mark2Anchor[record1.Class])
                        anchor1 = _anchor(record1.MarkAnchor)
                        if anchor2 is None or anchor1 is None:
                            continue
                        inputs = frozenset(
                            [mark1] + [n for n, (o, _off) in on_base.items() if o == mark1]
                        )
                        for glyph2, (ox, oy) in placed:
                            offset = (ox + anchor2[0] - anchor1[0], oy + anchor2[1] - anchor1[1])
                            target = self.variant(mark1, offset)
                            if inputs - {target}:
                                self.mark_rules[(inputs, target)].add(glyph2)

    def add_glyphs(self) -> None:
        """Each variant: the original outline moved by its offset, no advance, a mark."""
        glyf, hmtx = self.font["glyf"], self.font["hmtx"]
        names = sorted(self.variants)
        order = self.font.getGlyphOrder() + names
        self.font.setGlyphOrder(order)
        glyf.setGlyphOrder(order)
        gdef = self.font["GDEF"].table if "GDEF" in self.font else None
        for name in names:
            orig, (dx, dy) = self.variants[name]
            glyph = copy.deepcopy(glyf[orig])
            if glyph.isComposite():
                for component in glyph.components:
                    component.x += dx
                    component.y += dy
            elif glyph.numberOfContours > 0:
                glyph.coordinates.translate((dx, dy))
            glyf.glyphs[name] = glyph
            glyph.recalcBounds(glyf)
            hmtx[name] = (hmtx[orig][0], getattr(glyph, "xMin", 0))
            if gdef is not None:
                for table in (gdef.GlyphClassDef, getattr(gdef, "MarkAttachClassDef", None)):
                    if table is not None and orig in table.classDefs:
                        table.classDefs[name] = table.classDefs[orig]
        if "post" in self.font and hasattr(self.font["post"], "extraNames"):
            self.font["post"].extraNames = []  # rebuilt from the glyph order on save

    def add_lookups(self) -> None:
        """Chained substitutions choosing the variants, run after the font's own ccmp."""
        from fontTools.otlLib.builder import (
            ChainContextSubstBuilder,
            ChainContextualRule,
            SingleSubstBuilder,
        )

        gsub = self.font["GSUB"].table
        lookups = gsub.LookupList.Lookup
        all_marks = self._all_marks()
        singles: list[SingleSubstBuilder] = []

        def single_for(mapping: dict[str, str]) -> SingleSubstBuilder:
            for builder in singles:  # share a lookup when no input is mapped differently
                if all(builder.mapping.get(g, t) == t for g, t in mapping.items()):
                    builder.mapping.update(mapping)
                    return builder
            builder = SingleSubstBuilder(self.font, None)
            builder.mapping.update(mapping)
            singles.append(builder)
            return builder

        base_chain = ChainContextSubstBuilder(self.font, None)
        for (mark, offset), bases in sorted(self.base_rules.items()):
            sub = single_for({mark: self.variant(mark, offset)})
            for between in range(_MAX_MARKS_BETWEEN + 1):
                prefix = [set(bases)] + [set(all_marks)] * between
                base_chain.rules.append(ChainContextualRule(prefix, [{mark}], [], [[sub]]))
        mark_chain = ChainContextSubstBuilder(self.font, None)
        for (inputs, target), before in sorted(
            self.mark_rules.items(), key=lambda item: (sorted(item[0][0]), item[0][1])
        ):
            sub = single_for({g: target for g in inputs if g != target})
            mark_chain.rules.append(ChainContextualRule([set(before)], [set(inputs)], [], [[sub]]))

        first = len(lookups)
        for i, builder in enumerate(singles):
            builder.lookup_index = first + i
        chains = [base_chain, mark_chain]
        lookups.extend(builder.build() for builder in singles)
        chain_indices = []
        for builder in chains:
            if builder.rules:
                chain_indices.append(len(lookups))
                lookups.append(builder.build())
        gsub.LookupList.LookupCount = len(lookups)
        for record in gsub.FeatureList.FeatureRecord:
            if record.FeatureTag == "ccmp":
                record.Feature.LookupListIndex.extend(chain_indices)
                record.Feature.LookupCount = len(record.Feature.LookupListIndex)

    def _all_marks(self) -> set[str]:
        marks = set(self.variants)
        if "GDEF" in self.font:
            classes = self.font["GDEF"].table.GlyphClassDef.classDefs
            marks |= {g for g, c in classes.items() if c == 3}
        return marks


def bake_mark_positions(font) -> int:
    """Give `font` moved copies of its marks instead of GPOS offsets; returns their number.

    Does nothing (returns 0) for a font without GSUB, GPOS or TrueType outlines.
    """
    if not all(tag in font for tag in ("GSUB", "GPOS", "glyf")):
        return 0
    baker = _Baker(font)
    baker.collect_mark_to_base()
    baker.collect_mark_to_mark()
    if not baker.variants:
        return 0
    baker.add_glyphs()
    baker.add_lookups()
    return len(baker.variants)
