"""Tags Word split over several runs, joined again on the XML tree.

Word splits a tag over runs (spelling marks, revision ids, a bold letter).
The pieces are joined paragraph by paragraph, moving text only, so no element
around a piece (a tracked insertion, a hyperlink) is lost; a tag that does not
close in its paragraph is an error, not a reason to swallow the paragraphs up
to the next ``}}``.
"""

from __future__ import annotations

import re

from lxml import etree

from docgen.engine.locations import mark_index, marked_location
from docgen.engine.richtext import W_NS
from docgen.engine.tags import find_tags
from docgen.errors import Location, TemplateProblem

_W = f"{{{W_NS}}}"
_ROW_TAG = re.compile(r"^\{([%{#])(tr|tc) ")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ESCAPED_OPENER = {"{{": "{_{", "{%": "{_%", "{#": "{_#"}
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " "})


def _own_texts(paragraph: etree._Element) -> list[etree._Element]:
    """The paragraph's ``<w:t>`` elements, without those of paragraphs nested in it (text boxes)."""
    own = []
    for text in paragraph.iter(_W + "t"):
        parent = text.getparent()
        while parent is not None and parent.tag != _W + "p":
            parent = parent.getparent()
        if parent is paragraph:
            own.append(text)
    return own


def _replace_text(texts: list[etree._Element], start: int, end: int, new: str) -> None:
    """Replace characters start..end of the joined texts by `new`, written in the first piece."""
    offset = 0
    first = last = None
    for index, element in enumerate(texts):
        length = len(element.text or "")
        if first is None and start < offset + length:
            first = (index, start - offset)
        if end <= offset + length:
            last = (index, end - offset)
            break
        offset += length
    if first is None or last is None:
        return
    (i0, a), (i1, b) = first, last
    head = texts[i0].text or ""
    if i0 == i1:
        texts[i0].text = head[:a] + new + head[b:]
    else:
        texts[i0].text = head[:a] + new
        for element in texts[i0 + 1 : i1]:
            element.text = ""
        texts[i1].text = (texts[i1].text or "")[b:]
    for element in texts[i0 : i1 + 1]:
        element.set(_XML_SPACE, "preserve")


def repair_tags(root: etree._Element, locations: list[Location]) -> list[TemplateProblem]:
    """Join tags Word split over runs; report the ones no join can save.

    Works on the tree, one paragraph at a time, and moves text only: every
    element between the pieces (spelling marks, bookmarks, a tracked
    insertion) stays where it was. A tag that does not close in its paragraph,
    a stray ``}}`` and a ``{%tr %}`` outside a table row are reported; they
    are also neutralised, so that the rest of the template can still be read.
    """
    problems: list[TemplateProblem] = []
    for deleted in root.iter(_W + "delText"):  # tracked deletions are not the template
        if deleted.text and ("{" in deleted.text):
            for opener, escaped in _ESCAPED_OPENER.items():
                deleted.text = deleted.text.replace(opener, escaped)
    for paragraph in root.iter(_W + "p"):
        texts = _own_texts(paragraph)
        joined = "".join(t.text or "" for t in texts)
        if "{" not in joined and "}" not in joined:
            continue
        tags, unclosed, stray = find_tags(joined)
        location = marked_location(paragraph, locations)
        edits: list[tuple[int, int, str]] = []
        for span in tags:
            tag = span.text.translate(_QUOTES)
            row_tag = _ROW_TAG.match(tag)
            if row_tag:
                tag = _place_row_tag(
                    tag, row_tag.group(2), paragraph, location, locations, problems
                )
            edits.append((span.start, span.end, tag))
        for span in unclosed:
            opener = span.text[:2]
            closer = "}}" if opener == "{{" else opener[1] + "}"
            problems.append(
                TemplateProblem(
                    f"the tag {span.text.strip()!r} is not closed in this paragraph",
                    location,
                    f"a tag starts and ends in the same paragraph or cell: add the missing "
                    f"{closer!r}, or join the pieces if Word split the tag over two paragraphs",
                    span.text,
                    "split",
                )
            )
            edits.append((span.start, span.start + 2, _ESCAPED_OPENER[opener]))
        for span in stray:
            opener = "{{" if span.text == "}}" else "{%"
            problems.append(
                TemplateProblem(
                    f"{span.text!r} closes a tag that is not opened in this paragraph",
                    location,
                    f"add the missing {opener!r} in front of the tag (in the same paragraph), "
                    f"or delete the stray {span.text!r}",
                    span.text,
                    "split",
                )
            )
        for start, end, new in sorted(edits, reverse=True):
            if joined[start:end] != new or _split(texts, start, end):
                _replace_text(texts, start, end, new)
    return problems


def _split(texts: list[etree._Element], start: int, end: int) -> bool:
    """Whether characters start..end of the joined texts span more than one piece."""
    offset = 0
    for element in texts:
        length = len(element.text or "")
        if start < offset + length:
            return end > offset + length
        offset += length
    return False


def _place_row_tag(
    tag: str,
    kind: str,
    paragraph: etree._Element,
    location: Location | None,
    locations: list[Location],
    problems: list[TemplateProblem],
) -> str:
    """Check a ``{%tr %}``/``{%tc %}`` sits in a row/cell; point the row's location at its cell."""
    element = next(paragraph.iterancestors(_W + kind), None)
    if element is None:
        where = "a table row" if kind == "tr" else "a table cell"
        problems.append(
            TemplateProblem(
                f"{tag} is not inside {where}",
                location,
                f"put {{%{kind} ... %}} tags in a cell of the {'row' if kind == 'tr' else 'cell'} "
                "they repeat or hide; use {%p ... %} for paragraphs",
                tag,
                "block",
            )
        )
        return tag[:2] + "p" + tag[2 + len(kind) :]  # read on as a paragraph tag
    index = mark_index(element)
    if index is not None and location is not None:
        locations[index] = location  # docxtpl replaces the row: errors point at this cell
    return tag
