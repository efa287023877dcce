"""A package part on its way to Jinja: located, repaired, patched; then compiled.

`prepare_part` is shared by `Template` (which compiles the result) and by
`docgen check` (which only analyses it).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx.oxml.parser import parse_xml
from lxml import etree

from docgen.engine.bodytext import DocumentText
from docgen.engine.docxtpl_xml import preprocess
from docgen.engine.locations import (
    Segments,
    line_locations,
    location_at,
    mark_locations,
    segments,
    with_line_marks,
)
from docgen.engine.package import DOCUMENT_PART
from docgen.engine.repair import repair_tags
from docgen.engine.richtext import W_NS
from docgen.engine.tags import Tag, tags_of
from docgen.errors import Location, TemplateError, TemplateProblem

_W = f"{{{W_NS}}}"


@dataclass
class PreparedPart:
    """One part's Jinja source, before compiling, and what was found wrong on the way."""

    name: str
    label: str  # "body", "header 1", ...
    source: str
    lines: list[Location | None]  # Jinja line -> location
    problems: list[TemplateProblem]  # tags Word split beyond repair, misplaced row tags
    segments: Segments
    # document.xml only: the root without its body, to which a rendered body is added.
    shell: etree._Element | None = None
    body_index: int = 0

    def tags(self) -> list[Tag]:
        """Every whole tag of the source, with its location."""
        return tags_of(self.source, self.segments)

    def in_document_order(self, problems: list[TemplateProblem]) -> list[TemplateProblem]:
        """`problems` sorted by where they are in the part (unplaced ones last)."""
        order: dict[int, int] = {}
        for index, (_start, _end, location) in enumerate(self.segments):
            order.setdefault(id(location), index)

        def key(problem: TemplateProblem) -> tuple[int, int]:
            text = problem.location.text if problem.location is not None else ""
            return order.get(id(problem.location), len(order)), text.find(problem.tag or "\0")

        return sorted(problems, key=key)


def prepare_part(name: str, data: bytes, template: str | Path | None = None) -> PreparedPart:
    """Mark locations, repair split tags and run docxtpl's patching on one part."""
    label = part_label(name)
    try:
        root = parse_xml(data)
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"{name} is not well-formed XML: {exc}", template) from None
    shell, body_index = None, 0
    if name == DOCUMENT_PART:
        container = root.find(_W + "body")
        shell = copy.deepcopy(root)
        shell_body = shell.find(_W + "body")
        body_index = list(shell).index(shell_body)
        shell.remove(shell_body)
    else:
        container = root
    locations = mark_locations(container, label)
    problems = repair_tags(container, locations)
    source = with_line_marks(preprocess(etree.tostring(container, encoding="unicode")))
    lines = line_locations(source, locations)
    return PreparedPart(
        name, label, source, lines, problems, segments(source, locations), shell, body_index
    )


@dataclass
class CompiledPart:
    """One part compiled by Jinja, with what locating a render error needs."""

    name: str
    label: str  # "body", "header 1", ...
    template: jinja2.Template
    lines: list[Location | None]
    # document.xml only: the root without its body, to which a rendered body is added,
    # and the same as text, for bodies that parsing would not change.
    shell: etree._Element | None = None
    body_index: int = 0
    text: DocumentText | None = None

    def location(self, lineno: int | None) -> Location | None:
        """The place in Word of a line of the compiled source."""
        return location_at(self.lines, lineno)


_PROPERTY_PARTS = {
    "docProps/core.xml": "document properties",
    "docProps/custom.xml": "custom properties",
}


def part_label(name: str) -> str:
    """How messages name a part: "body", "header 1", "footnotes 1"."""
    if name in _PROPERTY_PARTS:
        return _PROPERTY_PARTS[name]
    stem = Path(name).stem
    kind = re.match(r"[a-z]+", stem).group(0)  # type: ignore[union-attr]
    number = stem[len(kind) :]
    return "body" if name == DOCUMENT_PART else f"{kind} {number or 1}".strip()
