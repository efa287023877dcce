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

from .errors import Location, TemplateError, TemplateLimitError, TemplateSecurityError
from .filters import FilterError, make_environment
from .limits import DEFAULT_LIMITS, Limits
from .sandbox import LimitExceeded, active_budget, metered

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
_LINE_MARK_RE = re.compile(r"^\{#- (\d+) #\}")
_UNSPLIT_OPEN = re.compile(r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})", re.DOTALL)
_TAG_SPAN = re.compile(r"{%(?:(?!%}).)*|{#(?:(?!#}).)*|{{(?:(?!}}).)*", re.DOTALL)
_PARAGRAPH_TAG = re.compile(
    r"<w:p[ >](?:(?!<w:p[ >]).)*?\{\{p\s(?P<expr>(?:(?!\}\}).)*)\}\}.*?</w:p>", re.DOTALL
)
_PPR = re.compile(r"<w:pPr>.*?</w:pPr>|<w:pPr/>", re.DOTALL)
_RUN_START = re.compile(r"<w:r[ >]")
_RPR = re.compile(r"<w:rPr>.*?</w:rPr>", re.DOTALL)


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
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return _DOCXTPL.resolve_listing(xml)


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
    # document.xml only: the root without its body, to which a rendered body is added.
    shell: etree._Element | None = None
    body_index: int = 0


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
        self, path: str | Path, *, digits: str = "arabic", limits: Limits = DEFAULT_LIMITS
    ) -> None:
        self.path = Path(path)
        self.digits = digits
        self.limits = limits
        self._source = self._read(self.path)
        self._entries: list[tuple[zipfile.ZipInfo, bytes]] = []
        self._parts: dict[str, _CompiledPart] = {}
        self._env = make_environment(digits)
        self._load()

    # Compiled Jinja code cannot cross process boundaries; workers recompile.
    def __reduce__(self):
        return (self.__class__, (self.path,), {"digits": self.digits, "limits": self.limits})

    def __setstate__(self, state: dict) -> None:
        digits = state.get("digits", "arabic")
        limits = state.get("limits", DEFAULT_LIMITS)
        if (digits, limits) != (self.digits, self.limits):
            self.__init__(self.path, digits=digits, limits=limits)

    def _read(self, path: Path) -> bytes:
        try:
            size = path.stat().st_size
            if size > self.limits.template_bytes:
                raise self._fail(
                    f"the template is {size} bytes, over the limit of {self.limits.template_bytes}"
                )
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
            infos = self._check_package(archive)
            try:
                for info in infos:
                    data = archive.read(info)
                    self._entries.append((info, data))
                    if info.filename == DOCUMENT_PART or (
                        _TEMPLATE_PARTS.match(info.filename) and b"{" in data
                    ):
                        self._compile_part(info.filename, data)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as exc:
                raise self._fail(
                    f"the .docx is damaged ({exc})",
                    "open it in Word or LibreOffice and save it again as .docx",
                ) from None

    def _check_package(self, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
        """Refuse zip bombs, packages that are not Word documents, and macros."""
        limits = self.limits
        infos = archive.infolist()
        if len(infos) > limits.template_parts:
            raise self._fail(
                f"the template holds {len(infos)} files, over the limit of "
                f"{limits.template_parts}; it may be a zip bomb"
            )
        # zipfile stops at each member's declared size (and then fails its CRC),
        # so the declared sizes bound what reading the package can unpack.
        total = sum(info.file_size for info in infos)
        if total > limits.template_bytes:
            raise self._fail(
                f"the template unpacks to {total} bytes, over the limit of "
                f"{limits.template_bytes}; it may be a zip bomb"
            )
        names = {info.filename for info in infos}
        if DOCUMENT_PART not in names or "[Content_Types].xml" not in names:
            raise self._fail(
                "the package has no word/document.xml or [Content_Types].xml; "
                "it is not a Word document",
                "save the template from Word or LibreOffice as .docx",
            )
        try:
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as exc:
            raise self._fail(f"the .docx is damaged ({exc})") from None
        if MACRO_CONTENT in content_types or any("vbaproject" in n.lower() for n in names):
            raise self._fail(
                "the template is macro-enabled (.docm); docgen does not run or keep macros",
                "save it as a plain Word document (.docx)",
            )
        return infos

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
        except (RecursionError, SyntaxError, MemoryError):
            # Python's own limits on nesting: about 20 loops, some hundreds of tags.
            raise TemplateError(
                f"{label}: tags are nested too deeply to compile",
                self.path,
                hint="split deeply nested {% for %} and {% if %} blocks into macros",
            ) from None
        self._parts[name] = _CompiledPart(name, label, compiled, lines, shell, body_index)

    # ------------------------------------------------------------------ rendering

    def render_part_xml(self, name: str, context: dict[str, Any]) -> str:
        """Render one part's XML text (docxtpl's postprocessing applied).

        Called inside `render`, the part draws on that document's budget;
        called alone it is metered on its own with the template's limits.
        """
        if active_budget() is None:
            with metered(self.limits):
                return self.render_part_xml(name, context)
        part = self._parts[name]
        try:
            xml = part.template.render(context)
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
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateSecurityError(
                f"not allowed in a template: {exc}", self.path, _locate(part, _template_lineno(exc))
            ) from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"unknown variable: {_undefined_text(exc)}",
                self.path,
                _locate(part, _template_lineno(exc)),
                "check the spelling against `docgen fields`",
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

    def _parse_rendered(self, part: _CompiledPart, xml: str | bytes) -> etree._Element:
        """The rendered XML as a tree; markup a tag printed raw is the template's fault."""
        try:
            return parse_xml(xml if isinstance(xml, bytes) else xml.encode("utf-8"))
        except etree.XMLSyntaxError as exc:
            raise TemplateError(
                f"the filled-in {part.label} is not well-formed XML ({exc})",
                self.path,
                hint="a tag printed XML markup; print values with {{ }} and rich text with {{p }}",
            ) from None

    def _render_document(self, context: dict[str, Any]) -> bytes:
        part = self._parts[DOCUMENT_PART]
        xml = self.render_part_xml(DOCUMENT_PART, context)
        self._parse_rendered(part, xml)  # fix_tables parses it too, without a clear error
        body = _DOCXTPL.fix_tables(xml)
        for number, element in enumerate(body.iter("{*}docPr"), start=1001):
            element.set("id", str(number))  # docxtpl renumbers drawing ids the same way
        root = copy.deepcopy(part.shell)
        root.insert(part.body_index, body)
        return etree.tostring(root, encoding="UTF-8", standalone=True)

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
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in self._entries:
                out.writestr(info.filename, rendered.get(info.filename, data))
        result = buffer.getvalue()
        if path is not None:
            from .output import atomic_write_bytes

            atomic_write_bytes(path, result)
        return result

    @property
    def parts(self) -> list[str]:
        """Names of the parts that hold tags and are rendered."""
        return list(self._parts)


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
