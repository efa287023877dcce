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

from . import package
from .bodytext import DocumentText
from .errors import Location, TemplateError
from .filters import FilterError, make_environment

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
DOCUMENT_PART = "word/document.xml"
_TEMPLATE_PARTS = re.compile(r"word/(header\d*|footer\d*|footnotes|endnotes)\.xml$")
MAX_TEMPLATE_BYTES = 50 * 1024 * 1024  # uncompressed; a larger .docx is refused
MACRO_CONTENT = "application/vnd.ms-word.document.macroEnabled"

# docxtpl's preprocessing works on strings and never touches its instance state;
# one bare instance lends docgen its patch_xml, resolve_listing and fix_tables.
_DOCXTPL = DocxTemplate.__new__(DocxTemplate)
_DOCXTPL.docx = None  # its __getattr__ forwards to .docx

_MARK = "<!--dgloc:{}-->"
_MARK_RE = re.compile(r"<!--dgloc:(\d+)-->")
_LINE_MARK_RE = re.compile(r"^\{#- (\d+) #\}")
_UNSPLIT_OPEN = re.compile(r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})", re.DOTALL)
_TAG_SPAN = re.compile(r"{%(?:(?!%}).)*|{#(?:(?!#}).)*|{{(?:(?!}}).)*", re.DOTALL)
_PARAGRAPH_TAG = re.compile(
    r"<w:p[ >](?:(?!<w:p[ >]).)*?\{\{p\s(?P<expr>(?:(?!\}\}).)*)\}\}.*?</w:p>", re.DOTALL
)
_PPR = re.compile(r"<w:pPr>.*?</w:pPr>|<w:pPr/>", re.DOTALL)
_RUN_START = re.compile(r"<w:r[ >]")
_RPR = re.compile(r"<w:rPr>.*?</w:rPr>", re.DOTALL)
_GRID_SPAN = f"{_W}tcPr/{_W}gridSpan"
_RECOVERING_PARSER = etree.XMLParser(recover=True)  # the parser docxtpl's fix_tables uses
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
    """docgen's additions, then docxtpl's patch_xml, on one part's XML text."""
    xml = _UNSPLIT_OPEN.sub("", xml)
    xml = _TAG_SPAN.sub(
        lambda m: re.sub(r"</w:t>.*?(<w:t>|<w:t [^>]*>)", "", m.group(0), flags=re.DOTALL), xml
    )
    xml = _keep_paragraph_look(xml)
    return _DOCXTPL.patch_xml(xml)


def postprocess(xml: str) -> str:
    """What docxtpl does to rendered XML: its escapes, tabs and breaks in text."""
    if "\n" in xml:
        xml = _NEWLINE_PARAGRAPH.sub(r"<w:p\1", xml)
    if "{_" in xml or "_}" in xml:
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


# --------------------------------------------------------------------------- parts


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


class Template:
    """A .docx template, compiled once; `render` may be called any number of times.

    >>> # Template("templates/kpi_report.docx").render(context) -> bytes of a .docx
    """

    def __init__(
        self, path: str | Path, *, digits: str = "arabic", source: bytes | None = None
    ) -> None:
        self.path = Path(path)
        self.digits = digits
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
        return (_rebuild, (str(self.path), self.digits, self._source))

    def _read(self, path: Path) -> bytes:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TemplateError(f"cannot read the template: {exc.strerror}", path) from None
        return data

    def _fail(self, message: str, hint: str | None = None) -> TemplateError:
        return TemplateError(message, self.path, hint=hint)

    def _load(self) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(self._source))
        except zipfile.BadZipFile:
            raise self._fail(
                "not a Word document (.docx is a zip file; this one is not)",
                "save the template from Word or LibreOffice as .docx",
            ) from None
        with archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if total > MAX_TEMPLATE_BYTES:
                raise self._fail(
                    f"the template unpacks to {total} bytes, over the limit of "
                    f"{MAX_TEMPLATE_BYTES}; it may be a zip bomb"
                )
            names = {info.filename for info in infos}
            if DOCUMENT_PART not in names:
                raise self._fail("the package has no word/document.xml; it is not a Word document")
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if MACRO_CONTENT in content_types or "vbaProject" in " ".join(names):
                raise self._fail(
                    "the template is macro-enabled (.docm); docgen does not run or keep macros",
                    "save it as a plain Word document (.docx)",
                )
            for info in infos:
                try:
                    self._take_over(archive, info)
                except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                    raise self._fail(
                        f"the .docx is damaged ({info.filename}: {exc})",
                        "open it in Word or LibreOffice and save it again as .docx",
                    ) from None

    def _take_over(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """Keep a part as it is for every document; compile it if it holds tags."""
        name = info.filename
        self._package.append((name, package.take_over(archive, self._source, info)))
        self._dates[name] = info.date_time
        if name == DOCUMENT_PART or _TEMPLATE_PARTS.match(name):
            data = archive.read(info)
            if name == DOCUMENT_PART or b"{" in data:
                self._compile_part(name, data)

    def _compile_part(self, name: str, data: bytes) -> None:
        label = _part_label(name)
        try:
            root = parse_xml(data)
        except etree.XMLSyntaxError as exc:
            raise self._fail(f"{name} is not well-formed XML: {exc}") from None
        if name == DOCUMENT_PART:
            body = root.find(_W + "body")
            locations = _mark_locations(body, label)
            xml = etree.tostring(body, encoding="unicode")
            shell = copy.deepcopy(root)
            shell_body = shell.find(_W + "body")
            body_index = list(shell).index(shell_body)
            shell.remove(shell_body)
        else:
            locations = _mark_locations(root, label)
            xml = etree.tostring(root, encoding="unicode")
            shell, body_index = None, 0
        source = _with_line_marks(preprocess(xml))
        lines = _line_locations(source, locations)
        try:
            compiled = self._env.from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                _syntax_message(exc), self.path, _location_at(lines, exc.lineno), _syntax_hint(exc)
            ) from None
        text = None
        if shell is not None:
            text = DocumentText.build(shell, body_index, xml, self._env, source)
        self._parts[name] = _CompiledPart(name, label, compiled, lines, shell, body_index, text)

    # ------------------------------------------------------------------ rendering

    def render_part_xml(self, name: str, context: dict[str, Any]) -> str:
        """Render one part's XML text (docxtpl's postprocessing applied)."""
        part = self._parts[name]
        try:
            xml = part.template.render(context)
        except TemplateError:
            raise
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"unknown variable: {_undefined_text(exc)}",
                self.path,
                _locate(part, _template_lineno(exc)),
                "check the spelling against `docgen fields`",
            ) from None
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateError(
                f"not allowed in a template: {exc}", self.path, _locate(part, _template_lineno(exc))
            ) from None
        except jinja2.TemplateError as exc:
            raise TemplateError(str(exc), self.path, _locate(part, _template_lineno(exc))) from None
        except FilterError as exc:
            location = _locate(part, _template_lineno(exc))
            raise TemplateError(str(exc), self.path, location) from None
        except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
            location = _locate(part, _template_lineno(exc))
            raise TemplateError(f"{type(exc).__name__}: {exc}", self.path, location) from None
        return postprocess(xml)

    def _render_document(self, context: dict[str, Any]) -> bytes:
        part = self._parts[DOCUMENT_PART]
        xml = self.render_part_xml(DOCUMENT_PART, context)
        if part.text is not None:
            document = part.text.document(xml)
            if document is not None:
                return document
        return _parsed_document(part, xml)

    def _render_other(self, name: str, context: dict[str, Any]) -> bytes:
        xml = self.render_part_xml(name, context)
        return etree.tostring(parse_xml(xml.encode("utf-8")), encoding="UTF-8", standalone=True)

    def render(self, context: dict[str, Any], path: str | Path | None = None) -> bytes:
        """Render a context to the bytes of a .docx (also written to `path` if given)."""
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
            from .output import atomic_write_bytes

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
    body = etree.fromstring(xml, _RECOVERING_PARSER)
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


def _rebuild(path: str, digits: str, source: bytes) -> Template:
    return Template(path, digits=digits, source=source)


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
    if "No filter named" in message:
        return "check the filter's name against `docgen fields`"
    return None


def _undefined_text(exc: jinja2.UndefinedError) -> str:
    return str(exc.message or exc)
