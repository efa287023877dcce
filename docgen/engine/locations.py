"""Where each tag sits in Word's terms ("table 3, row 2, column 4").

Before a part is patched and compiled, every paragraph, row and cell gets a
numbered comment in front of it; after docxtpl's patching the comments become
Jinja comments that start a line, so a Jinja line number (at compile or render
time) names the place a maintainer finds in Word.
"""

from __future__ import annotations

import re

from lxml import etree

from docgen.engine.richtext import W_NS
from docgen.errors import Location

_W = f"{{{W_NS}}}"
_MARK_RE = re.compile(r"<!--dgloc:(\d+)-->")
_MARK_TEXT = re.compile(r"dgloc:(\d+)$")
_LINE_MARK_RE = re.compile(r"^\{#- (\d+) #\}")
_SOURCE_MARK_RE = re.compile(r"\n\{#- (\d+) #\}")

Segments = list[tuple[int, int, Location | None]]


def _text_of(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(_W + "t"))


def mark_locations(root: etree._Element, part: str) -> list[Location]:
    """Put a numbered comment before every paragraph, row and cell; return their places.

    The comments go *before* the elements so that docxtpl's ``{%p``/``{%tr``
    patching, which removes whole elements, leaves the comment of the removed
    element in front of the Jinja tag that replaced it.
    """
    locations: list[Location] = []
    paragraph_no = 0
    table_no = 0

    def mark(element: etree._Element, location: Location) -> None:
        element.addprevious(etree.Comment(f"dgloc:{len(locations)}"))
        locations.append(location)

    def walk_cell_content(container: etree._Element, table: int, row: int, col: int) -> None:
        for child in container:
            if child.tag == _W + "p":
                mark(child, Location(part, None, table, row, col, _text_of(child)))
            elif child.tag == _W + "tbl":
                walk_table(child, table, row, col)
            elif child.tag == _W + "sdt":
                content = child.find(_W + "sdtContent")
                if content is not None:
                    walk_cell_content(content, table, row, col)

    def walk_table(tbl: etree._Element, table: int, outer_row=None, outer_col=None) -> None:
        for r, tr in enumerate(tbl.iterchildren(_W + "tr"), start=1):
            row = outer_row or r
            mark(tr, Location(part, None, table, row, outer_col or 1, _text_of(tr)))
            for c, tc in enumerate(tr.iterchildren(_W + "tc"), start=1):
                col = outer_col or c
                mark(tc, Location(part, None, table, row, col, _text_of(tc)))
                walk_cell_content(tc, table, row, col)

    def walk_body(container: etree._Element) -> None:
        nonlocal paragraph_no, table_no
        for child in container:
            if child.tag == _W + "p":
                paragraph_no += 1
                mark(child, Location(part, paragraph_no, None, None, None, _text_of(child)))
            elif child.tag == _W + "tbl":
                table_no += 1
                walk_table(child, table_no)
            elif child.tag == _W + "sdt":
                content = child.find(_W + "sdtContent")
                if content is not None:
                    walk_body(content)

    walk_body(root)
    return locations


def marked_location(element: etree._Element, locations: list[Location]) -> Location | None:
    """The location of the nearest marked element at or above `element`."""
    for candidate in (element, *element.iterancestors()):
        previous = candidate.getprevious()
        if previous is not None and previous.tag is etree.Comment:
            match = _MARK_TEXT.match(previous.text or "")
            if match:
                return locations[int(match.group(1))]
    return None


def mark_index(element: etree._Element | None) -> int | None:
    previous = element.getprevious() if element is not None else None
    if previous is not None and previous.tag is etree.Comment:
        match = _MARK_TEXT.match(previous.text or "")
        if match:
            return int(match.group(1))
    return None


def with_line_marks(patched: str) -> str:
    """Start a Jinja line at every location mark, so line numbers name places.

    ``\\n{#- N #}`` costs nothing in the output: the comment renders empty and
    its ``-`` strips the newline before it.
    """
    return _MARK_RE.sub(lambda m: "\n{#- " + m.group(1) + " #}", patched)


def line_locations(source: str, locations: list[Location]) -> list[Location | None]:
    result: list[Location | None] = [None]  # Jinja lines are 1-based
    current: Location | None = None
    for line in source.split("\n"):
        match = _LINE_MARK_RE.match(line)
        if match:
            current = locations[int(match.group(1))]
        result.append(current)
    return result


def segments(source: str, locations: list[Location]) -> Segments:
    """(start, end, location) of the stretches of source between location marks."""
    found: Segments = []
    start, location = 0, None
    for match in _SOURCE_MARK_RE.finditer(source):
        found.append((start, match.start(), location))
        start, location = match.end(), locations[int(match.group(1))]
    found.append((start, len(source), location))
    return found


def location_at(lines: list[Location | None], lineno: int | None) -> Location | None:
    """The location of a Jinja line (None when the line is unknown)."""
    if lineno is None or lineno >= len(lines):
        return None
    return lines[lineno]
