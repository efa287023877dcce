"""A .docx template compiled once and rendered many times.

The tag language is docxtpl's (``{{ }}``, ``{% %}``, ``{%tr %}``, ``{%tc %}``,
``{%p %}``, ``{{r }}``, ``{{p }}``), and so is the preprocessing: docgen calls
docxtpl's own XML patching, so a docxtpl template means the same here. What
docgen changes is the cost: the package is read, patched and compiled by Jinja
once in `Template.__init__`; `render` only runs the compiled code over the
parts that hold tags and copies every other part of the .docx as it is.

Two things are added on top of docxtpl:

* ``{{p value }}`` keeps the look of the paragraph it replaces: a rich-text
  value becomes paragraphs with that paragraph's properties and its run's
  font, size and colour.
* Each tag knows where it sits ("table 3, row 2, column 4"), so an error names
  the place a maintainer finds in Word instead of a line of internal XML.
* Word splits a tag over several runs (spelling marks, revision ids, a bold
  letter). docgen joins the pieces on the XML tree, paragraph by paragraph,
  moving text only, so no element around a piece (a tracked insertion, a
  hyperlink) is lost; a tag that does not close in its paragraph is an error,
  not a reason to swallow the paragraphs up to the next ``}}``.
"""

from __future__ import annotations

import base64
import copy
import io
import re
import traceback
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from lxml import etree

from docgen.engine import package
from docgen.engine.bodytext import DocumentText
from docgen.engine.filters import FilterError, make_environment
from docgen.engine.sandbox import LimitExceeded, active_budget, metered
from docgen.engine.tags import Tag, analyse, find_tags, tags_of, unknown_name_problem
from docgen.errors import (
    Location,
    TemplateError,
    TemplateLimitError,
    TemplateProblem,
    TemplateSecurityError,
)
from docgen.limits import DEFAULT_LIMITS, Limits

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
DOCUMENT_PART = "word/document.xml"
_TEMPLATE_PARTS = re.compile(r"word/(header\d*|footer\d*|footnotes|endnotes)\.xml$")
MAX_TEMPLATE_BYTES = DEFAULT_LIMITS.template_bytes  # packed or unpacked; see Limits
MACRO_CONTENT = "application/vnd.ms-word.document.macroEnabled"

# docxtpl's preprocessing works on strings and never touches its instance state;
# one bare instance lends docgen its patch_xml, resolve_listing and fix_tables.
_DOCXTPL = DocxTemplate.__new__(DocxTemplate)
_DOCXTPL.docx = None  # its __getattr__ forwards to .docx

_MARK = "<!--dgloc:{}-->"
_MARK_RE = re.compile(r"<!--dgloc:(\d+)-->")
_MARK_TEXT = re.compile(r"dgloc:(\d+)$")
_LINE_MARK_RE = re.compile(r"^\{#- (\d+) #\}")
_SOURCE_MARK_RE = re.compile(r"\n\{#- (\d+) #\}")
_UNKNOWN_NAME = re.compile(r"No (filter|test) named '([^']+)'")
_ROW_TAG = re.compile(r"^\{([%{#])(tr|tc) ")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ESCAPED_OPENER = {"{{": "{_{", "{%": "{_%", "{#": "{_#"}
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " "})
_PARAGRAPH_TAG = re.compile(
    r"<w:p[ >](?:(?!<w:p[ >]).)*?\{\{p\s(?P<expr>(?:(?!\}\}).)*)\}\}.*?</w:p>", re.DOTALL
)
_PPR = re.compile(r"<w:pPr>.*?</w:pPr>|<w:pPr/>", re.DOTALL)
_RUN_START = re.compile(r"<w:r[ >]")
_RPR = re.compile(r"<w:rPr>.*?</w:rPr>", re.DOTALL)
_GRID_SPAN = f"{_W}tcPr/{_W}gridSpan"
# docxtpl's fix_tables parses with recover=True, which drops what is not well-formed;
# docgen parses strictly first, so that broken XML is an error, never a quiet repair.
_STRICT_PARSER = etree.XMLParser(resolve_entities=False)
_NEWLINE_PARAGRAPH = re.compile(r"\n<w:p([ >])")
_LISTING_CHARS = re.compile("[\t\n\a\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl finds them


# --------------------------------------------------------------------------- locations


def _text_of(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(_W + "t"))


def _mark_locations(root: etree._Element, part: str) -> list[Location]:
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


# --------------------------------------------------------------------------- Word's edits


def _marked_location(element: etree._Element, locations: list[Location]) -> Location | None:
    """The location of the nearest marked element at or above `element`."""
    for candidate in (element, *element.iterancestors()):
        previous = candidate.getprevious()
        if previous is not None and previous.tag is etree.Comment:
            match = _MARK_TEXT.match(previous.text or "")
            if match:
                return locations[int(match.group(1))]
    return None


def _mark_index(element: etree._Element | None) -> int | None:
    previous = element.getprevious() if element is not None else None
    if previous is not None and previous.tag is etree.Comment:
        match = _MARK_TEXT.match(previous.text or "")
        if match:
            return int(match.group(1))
    return None


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
        location = _marked_location(paragraph, locations)
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
    index = _mark_index(element)
    if index is not None and location is not None:
        locations[index] = location  # docxtpl replaces the row: errors point at this cell
    return tag


# --------------------------------------------------------------------------- preprocessing


def _encode(xml: str) -> str:
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")


def _keep_paragraph_look(xml: str) -> str:
    """``{{p expr }}`` -> ``{{ (expr)|docgen_paragraphs(pPr, rPr) }}`` with the look captured."""

    def replace(match: re.Match) -> str:
        whole = match.group(0)
        tag_at = whole.index("{{p")
        ppr_match = _PPR.search(whole, 0, tag_at)
        ppr = ppr_match.group(0) if ppr_match else ""
        run_starts = [m.start() for m in _RUN_START.finditer(whole, 0, tag_at)]
        rpr = ""
        if run_starts:
            run_xml = whole[run_starts[-1] : tag_at]
            rpr_match = _RPR.search(run_xml)
            rpr = rpr_match.group(0) if rpr_match else ""
        expr = match.group("expr").strip()
        return f"{{{{ ({expr})|docgen_paragraphs('{_encode(ppr)}', '{_encode(rpr)}') }}}}"

    return _PARAGRAPH_TAG.sub(replace, xml)


def preprocess(xml: str) -> str:
    """docgen's ``{{p}}`` look, then docxtpl's patch_xml, on one part's XML text.

    Tags must already be whole in one ``<w:t>`` each (`repair_tags` does that).
    """
    return _DOCXTPL.patch_xml(_keep_paragraph_look(xml))


def postprocess(xml: str) -> str:
    """What docxtpl does to rendered XML: its escapes, tabs and breaks in text."""
    if "\n" in xml:
        xml = _NEWLINE_PARAGRAPH.sub(r"<w:p\1", xml)
    if "_" in xml and ("{_" in xml or "_}" in xml):  # "_" alone is found much faster
        xml = (
            xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        )
    return _resolve_listing(xml)


def _resolve_listing(xml: str) -> str:
    """docxtpl's resolve_listing, run only on the paragraphs it changes.

    It turns tab, newline, bell and form feed inside text into Word's tabs,
    breaks and paragraphs; it takes about half of a render when run over the
    whole body, and most paragraphs hold none of those characters. On a single
    paragraph it gives what it gives on that paragraph within the whole body.
    """
    if "\t" not in xml and "\n" not in xml and "\a" not in xml and "\f" not in xml:
        return xml
    return _PARAGRAPH.sub(
        lambda m: (
            _DOCXTPL.resolve_listing(m.group(0))
            if _LISTING_CHARS.search(m.group(0))
            else m.group(0)
        ),
        xml,
    )


def _with_line_marks(patched: str) -> str:
    """Start a Jinja line at every location mark, so line numbers name places.

    ``\\n{#- N #}`` costs nothing in the output: the comment renders empty and
    its ``-`` strips the newline before it.
    """
    return _MARK_RE.sub(lambda m: "\n{#- " + m.group(1) + " #}", patched)


def _line_locations(source: str, locations: list[Location]) -> list[Location | None]:
    result: list[Location | None] = [None]  # Jinja lines are 1-based
    current: Location | None = None
    for line in source.split("\n"):
        match = _LINE_MARK_RE.match(line)
        if match:
            current = locations[int(match.group(1))]
        result.append(current)
    return result


def _segments(source: str, locations: list[Location]) -> list[tuple[int, int, Location | None]]:
    """(start, end, location) of the stretches of source between location marks."""
    segments: list[tuple[int, int, Location | None]] = []
    start, location = 0, None
    for match in _SOURCE_MARK_RE.finditer(source):
        segments.append((start, match.start(), location))
        start, location = match.end(), locations[int(match.group(1))]
    segments.append((start, len(source), location))
    return segments


# --------------------------------------------------------------------------- parts


@dataclass
class PreparedPart:
    """One part's Jinja source, before compiling, and what was found wrong on the way."""

    name: str
    label: str  # "body", "header 1", ...
    source: str
    lines: list[Location | None]  # Jinja line -> location
    problems: list[TemplateProblem]  # tags Word split beyond repair, misplaced row tags
    segments: list[tuple[int, int, Location | None]]
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
    label = _part_label(name)
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
    locations = _mark_locations(container, label)
    problems = repair_tags(container, locations)
    source = _with_line_marks(preprocess(etree.tostring(container, encoding="unicode")))
    lines = _line_locations(source, locations)
    return PreparedPart(
        name, label, source, lines, problems, _segments(source, locations), shell, body_index
    )


@dataclass
class _CompiledPart:
    name: str
    label: str  # "body", "header 1", ...
    template: jinja2.Template
    lines: list[Location | None]
    # document.xml only: the root without its body, to which a rendered body is added,
    # and the same as text, for bodies that parsing would not change.
    shell: etree._Element | None = None
    body_index: int = 0
    text: DocumentText | None = None


def _part_label(name: str) -> str:
    stem = Path(name).stem
    kind = re.match(r"[a-z]+", stem).group(0)  # type: ignore[union-attr]
    number = stem[len(kind) :]
    return "body" if name == DOCUMENT_PART else f"{kind} {number or 1}".strip()


def _locate(part: _CompiledPart, lineno: int | None) -> Location | None:
    if lineno is None or lineno >= len(part.lines):
        return None
    return part.lines[lineno]


def _template_lineno(exc: BaseException) -> int | None:
    """The template line where a render-time error happened (Jinja keeps it in the traceback)."""
    lineno = getattr(exc, "lineno", None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>":
            lineno = frame.lineno
    return lineno


def is_template_part(name: str, data: bytes) -> bool:
    """Whether a package part may hold tags: the body always, headers and notes with a ``{``."""
    return name == DOCUMENT_PART or bool(_TEMPLATE_PARTS.match(name) and b"{" in data)


def read_package(
    path: str | Path, source: bytes, limits: Limits = DEFAULT_LIMITS
) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """The parts of a .docx, refusing what is not a plain Word document.

    Zip bombs are refused by the sizes the package declares: zipfile stops at
    each member's declared size (and then fails its CRC), so those sizes bound
    what reading the package can unpack.
    """

    def fail(message: str, hint: str | None = None) -> TemplateError:
        return TemplateError(message, path, hint=hint)

    try:
        archive = zipfile.ZipFile(io.BytesIO(source))
    except zipfile.BadZipFile:
        raise fail(
            "not a Word document (.docx is a zip file; this one is not)",
            "save the template from Word or LibreOffice as .docx",
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.template_parts:
            raise fail(
                f"the template holds {len(infos)} files, over the limit of "
                f"{limits.template_parts}; it may be a zip bomb"
            )
        total = sum(info.file_size for info in infos)
        if total > limits.template_bytes:
            raise fail(
                f"the template unpacks to {total} bytes, over the limit of "
                f"{limits.template_bytes}; it may be a zip bomb"
            )
        names = {info.filename for info in infos}
        if DOCUMENT_PART not in names or "[Content_Types].xml" not in names:
            raise fail(
                "the package has no word/document.xml or [Content_Types].xml; "
                "it is not a Word document",
                "save the template from Word or LibreOffice as .docx",
            )
        try:
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if MACRO_CONTENT in content_types or any("vbaproject" in n.lower() for n in names):
                raise fail(
                    "the template is macro-enabled (.docm); docgen does not run or keep macros",
                    "save it as a plain Word document (.docx)",
                )
            return [(info, archive.read(info)) for info in infos]
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as exc:
            raise fail(
                f"the .docx is damaged ({exc})",
                "open it in Word or LibreOffice and save it again as .docx",
            ) from None


class Template:
    """A .docx template, compiled once; `render` may be called any number of times.

    >>> # Template("docgen/templates/kpi_report.docx").render(context) -> bytes of a .docx
    """

    def __init__(
        self,
        path: str | Path,
        *,
        digits: str = "arabic",
        limits: Limits = DEFAULT_LIMITS,
        source: bytes | None = None,
    ) -> None:
        self.path = Path(path)
        self.digits = digits
        self.limits = limits
        self._source = self._read(self.path) if source is None else source
        self._package: list[tuple[str, package.PackedEntry]] = []
        self._dates: dict[str, package.DateTime] = {}
        self._parts: dict[str, _CompiledPart] = {}
        self._env = make_environment(digits)
        self._load()

    # Compiled Jinja code cannot cross process boundaries: a worker process
    # compiles again, from the very bytes this template was made from (so a
    # template edited during a batch cannot mix two versions in one batch).
    def __reduce__(self):
        return (_rebuild, (str(self.path), self.digits, self._source, self.limits))

    def _read(self, path: Path) -> bytes:
        limit = self.limits.template_bytes
        try:
            with path.open("rb") as stream:  # read() stops at the limit, even on a pipe
                data = stream.read(limit + 1)
        except OSError as exc:
            raise TemplateError(f"cannot read the template: {exc.strerror}", path) from None
        if len(data) > limit:
            raise TemplateError(
                f"the template is larger than {limit} bytes, the limit for a template", path
            )
        return data

    def _load(self) -> None:
        problems: list[TemplateProblem] = []
        for info, data in read_package(self.path, self._source, self.limits):
            self._package.append((info.filename, self._take_over(info, data)))
            self._dates[info.filename] = info.date_time
            if is_template_part(info.filename, data):
                try:
                    problems += self._compile_part(prepare_part(info.filename, data, self.path))
                except (RecursionError, SyntaxError, MemoryError):
                    # Python's own limits on nesting: about 20 loops, some hundreds of tags.
                    raise TemplateError(
                        f"{_part_label(info.filename)}: tags are nested too deeply to compile",
                        self.path,
                        hint="split deeply nested {% for %} and {% if %} blocks into macros",
                    ) from None
        if problems:
            raise TemplateError.of(problems, self.path)

    def _take_over(self, info: zipfile.ZipInfo, data: bytes) -> package.PackedEntry:
        """A part as every document will hold it: the template's own compressed bytes."""
        try:
            return package.take_over(self._source, info, data)
        except zipfile.BadZipFile as exc:
            raise TemplateError(
                f"the .docx is damaged ({info.filename}: {exc})",
                self.path,
                hint="open it in Word or LibreOffice and save it again as .docx",
            ) from None

    def _compile_part(self, part: PreparedPart) -> list[TemplateProblem]:
        """Compile one part; return its problems (all of them, not Jinja's first)."""
        found = analyse(self._env, part.tags(), part.source)
        if part.problems or found.problems:
            return part.in_document_order(part.problems + found.problems)
        text = None
        try:
            tree = self._env.parse(part.source)  # parsed once: checked, then compiled
            if part.shell is not None:  # before compiling, which changes the tree
                text = DocumentText.build(part.shell, part.body_index, self._env, part.source, tree)
            compiled = self._env.from_string(tree)
        except jinja2.TemplateSyntaxError as exc:
            location = _location_at(part.lines, exc.lineno)
            unknown = _UNKNOWN_NAME.search(exc.message or "")
            if unknown:
                return [unknown_name_problem(self._env, unknown[1], unknown[2], location)]
            return [TemplateProblem(_syntax_message(exc), location, _syntax_hint(exc))]
        self._parts[part.name] = _CompiledPart(
            part.name, part.label, compiled, part.lines, part.shell, part.body_index, text
        )
        return []

    # ------------------------------------------------------------------ rendering

    def render_part_xml(self, name: str, context: dict[str, Any]) -> str:
        """Render one part's XML text (docxtpl's postprocessing applied).

        Called inside `render`, the part draws on that document's budget;
        called alone it is metered on its own with the template's limits.
        """
        return postprocess(self._render_raw(name, context))

    def _render_raw(self, name: str, context: dict[str, Any]) -> str:
        """One part's XML as Jinja renders it, before docxtpl's postprocessing."""
        if active_budget() is None:
            with metered(self.limits):
                return self._render_raw(name, context)
        part = self._parts[name]
        try:
            return part.template.render(context)
        except TemplateError:
            raise
        except LimitExceeded as exc:
            raise TemplateLimitError(
                f"limit exceeded: {exc.message}",
                self.path,
                _locate(part, _template_lineno(exc)),
                exc.hint,
            ) from None
        except RecursionError as exc:
            raise TemplateLimitError(
                "limit exceeded: macros call each other too deeply",
                self.path,
                _locate(part, _template_lineno(exc)),
                "a macro that calls itself needs an {% if %} that stops it",
            ) from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"unknown variable: {_undefined_text(exc)}",
                self.path,
                _locate(part, _template_lineno(exc)),
                "check the spelling against `docgen fields`",
            ) from None
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateSecurityError(
                f"not allowed in a template: {exc}",
                self.path,
                _locate(part, _template_lineno(exc)),
                "a template reads fields and uses filters; it cannot reach Python's internals",
            ) from None
        except jinja2.TemplateError as exc:
            raise TemplateError(
                str(exc),
                self.path,
                _locate(part, _template_lineno(exc)),
                "run `docgen check` on the template for every problem and its fix",
            ) from None
        except FilterError as exc:
            location = _locate(part, _template_lineno(exc))
            raise TemplateError(
                str(exc), self.path, location, "check the field's type in `docgen fields`"
            ) from None
        except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
            location = _locate(part, _template_lineno(exc))
            raise TemplateError(
                f"cannot print this value: {exc}",
                self.path,
                location,
                "check the field's type and the filter's use in `docgen fields`",
            ) from None
        except (MemoryError, OverflowError) as exc:
            raise TemplateError(
                f"the template could not be rendered here ({type(exc).__name__})",
                self.path,
                _locate(part, _template_lineno(exc)),
                "look for a loop or a value that grows without end",
            ) from None

    def _parse_rendered(self, part: _CompiledPart, xml: str) -> etree._Element:
        """The rendered XML as a tree, parsed strictly: nothing in it may be lost."""
        try:
            return parse_xml(xml.encode("utf-8"))
        except etree.XMLSyntaxError as exc:
            raise TemplateError(
                f"the rendered {part.label} is not valid Word XML ({exc})",
                self.path,
                hint="run `docgen check` on the template: a block tag probably cuts through "
                "a paragraph or a table cell",
            ) from None

    def _render_document(self, context: dict[str, Any]) -> bytes:
        part = self._parts[DOCUMENT_PART]
        raw = self._render_raw(DOCUMENT_PART, context)
        xml = postprocess(raw)
        if part.text is not None:
            budget = active_budget()
            known = xml == raw and budget is not None and not budget.other_markup
            document = part.text.document(xml, printed_known_markup=known)
            if document is not None:
                return document
        try:
            return _parsed_document(part, xml)
        except (etree.XMLSyntaxError, AttributeError, KeyError, TypeError, ValueError) as exc:
            raise TemplateError(
                f"the rendered body is not a valid Word document ({exc})",
                self.path,
                hint="run `docgen check` on the template: a block tag probably cuts through "
                "a paragraph or a table cell",
            ) from None

    def _render_other(self, name: str, context: dict[str, Any]) -> bytes:
        root = self._parse_rendered(self._parts[name], self.render_part_xml(name, context))
        return etree.tostring(root, encoding="UTF-8", standalone=True)

    def render(
        self,
        context: dict[str, Any],
        path: str | Path | None = None,
        *,
        limits: Limits | None = None,
    ) -> bytes:
        """Render a context to the bytes of a .docx (also written to `path` if given).

        The whole document, every part of it, draws on one budget of `limits`
        (default: the template's); nothing is written unless it all renders.
        """
        with metered(limits or self.limits):
            rendered = {
                name: (
                    self._render_document(context)
                    if name == DOCUMENT_PART
                    else self._render_other(name, context)
                )
                for name in self._parts
            }
        result = package.write(
            [
                package.pack(name, rendered[name], self._dates[name]) if name in rendered else entry
                for name, entry in self._package
            ]
        )
        if path is not None:
            from docgen.output import atomic_write_bytes

            atomic_write_bytes(path, result)
        return result

    @property
    def parts(self) -> list[str]:
        """Names of the parts that hold tags and are rendered."""
        return list(self._parts)


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
    return buffer.getvalue()


def _tables_need_fixing(body: etree._Element) -> bool:
    """Whether docxtpl's fix_tables would change a table (a row wider than its grid,
    or a grid wider than every row); one pass, where fix_tables takes several."""
    for table in body.iter(_W + "tbl"):
        grid = table.find(_W + "tblGrid")
        if grid is None:
            return True  # let docxtpl's own code meet it
        columns = len(grid.findall(_W + "gridCol"))
        widest = 0
        for row in table.iter(_W + "tr"):
            cells = row.findall(_W + "tc")
            if len(cells) > columns:
                return True
            span = 0
            for cell in cells:
                merged = cell.find(_GRID_SPAN)
                span += 1 if merged is None else int(merged.get(_W + "val"))
            widest = max(widest, span)
        if widest < columns:
            return True
    return False


def _fix_tables(xml: str) -> etree._Element:
    """docxtpl's fix_tables: parse the rendered body and repair table grids.

    Most documents need no repair, and telling that is cheaper than docxtpl's
    repair pass, which then runs only for the documents that need it.
    """
    body = etree.fromstring(xml, _STRICT_PARSER)
    if body is None or _tables_need_fixing(body):
        return _DOCXTPL.fix_tables(xml)
    return body


def _parsed_document(part: _CompiledPart, xml: str) -> bytes:
    """document.xml the way docxtpl makes it: the body parsed, tables repaired,
    drawings renumbered, grafted into the document and written out again."""
    body = _fix_tables(xml)
    if "docPr" in xml:  # drawings: docxtpl renumbers their ids the same way
        for number, element in enumerate(body.iter("{*}docPr"), start=1001):
            element.set("id", str(number))
    root = copy.deepcopy(part.shell)
    root.insert(part.body_index, body)
    return etree.tostring(root, encoding="UTF-8", standalone=True)


def _rebuild(path: str, digits: str, source: bytes, limits: Limits = DEFAULT_LIMITS) -> Template:
    return Template(path, digits=digits, limits=limits, source=source)


def _location_at(lines: list[Location | None], lineno: int | None) -> Location | None:
    if lineno is None or lineno >= len(lines):
        return None
    return lines[lineno]


def _syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    message = exc.message or "syntax error"
    return f"tag syntax error: {message}"


def _syntax_hint(exc: jinja2.TemplateSyntaxError) -> str | None:
    message = exc.message or ""
    if "Unexpected end of template" in message:
        return "a {% for %} or {% if %} is not closed; add its {% endfor %} or {% endif %}"
    if "Encountered unknown tag" in message:
        return "check the tag's spelling, and that each block tag is opened before it is closed"
    return None


def _undefined_text(exc: jinja2.UndefinedError) -> str:
    return str(exc.message or exc)
