"""A .docx template compiled once and rendered many times.

The tag language is docxtpl's (``{{ }}``, ``{% %}``, ``{%tr %}``, ``{%tc %}``,
``{%p %}``, ``{{r }}``, ``{{p }}``), and so is the preprocessing: docgen calls
docxtpl's own XML patching (`docxtpl_xml`), so a docxtpl template means the
same here. What docgen changes is the cost: the package is read, patched and
compiled by Jinja once in `Template.__init__`; `render` only runs the compiled
code over the parts that hold tags and copies every other part of the .docx as
it is.

Added on top of docxtpl, each in its own module: ``{{p value }}`` keeps the look
of the paragraph it replaces (`docxtpl_xml`); each tag knows where it sits
("table 3, row 2, column 4", `locations`); tags Word split over runs are joined
on the XML tree (`repair`); errors say what to do (`render_errors`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import jinja2
from docx.oxml.parser import parse_xml
from lxml import etree

from docgen.engine import media, package
from docgen.engine.analysis import analyse
from docgen.engine.bodytext import DocumentText
from docgen.engine.digits import thai_digits_in_document
from docgen.engine.docxtpl_xml import parsed_document, postprocess
from docgen.engine.filters import make_environment
from docgen.engine.locations import location_at
from docgen.engine.package import DOCUMENT_PART, is_template_part, read_package
from docgen.engine.parts import CompiledPart, PreparedPart, part_label, prepare_part
from docgen.engine.render_errors import render_error, syntax_problem
from docgen.engine.sandbox import active_budget, metered
from docgen.errors import TemplateError, TemplateProblem
from docgen.limits import DEFAULT_LIMITS, Limits


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
        allow_external: bool = False,
    ) -> None:
        self.path = Path(path)
        self.digits = digits
        self.limits = limits
        self.allow_external = allow_external
        self._source = self._read(self.path) if source is None else source
        self._package: list[tuple[str, package.PackedEntry]] = []
        self._dates: dict[str, package.DateTime] = {}
        self._meta: dict[str, bytes] = {}  # relationships and content types, for pictures
        self._parts: dict[str, CompiledPart] = {}
        self._env = make_environment(digits)
        self._load()

    @classmethod
    def of_parts(
        cls, path: str | Path, environment: jinja2.Environment, limits: Limits = DEFAULT_LIMITS
    ) -> Template:
        """A template without a package, whose parts are compiled one by one
        (`compile_part`): for a caller that keeps the package itself (the docxtpl facade)."""
        template = cls.__new__(cls)
        template.path, template.digits, template.limits = Path(path), "arabic", limits
        template._source, template._package, template._dates, template._meta = b"", [], {}, {}
        template._parts, template._env = {}, environment
        return template

    def compile_part(self, name: str, data: bytes) -> None:
        """Compile one part's XML (the whole document.xml for the body); raise its problems."""
        problems = self._compile_part(prepare_part(name, data, self.path))
        if problems:
            raise TemplateError.of(problems, self.path)

    # Compiled Jinja code cannot cross process boundaries: a worker process
    # compiles again, from the very bytes this template was made from (so a
    # template edited during a batch cannot mix two versions in one batch).
    def __reduce__(self):
        return (
            _rebuild,
            (str(self.path), self.digits, self._source, self.limits, self.allow_external),
        )

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
        parts = read_package(
            self.path, self._source, self.limits, allow_external=self.allow_external
        )
        for info, data in parts:
            self._package.append((info.filename, self._take_over(info, data)))
            self._dates[info.filename] = info.date_time
            if info.filename.endswith(".rels") or info.filename == "[Content_Types].xml":
                self._meta[info.filename] = data
            if is_template_part(info.filename, data):
                try:
                    problems += self._compile_part(prepare_part(info.filename, data, self.path))
                except (RecursionError, SyntaxError, MemoryError):
                    # Python's own limits on nesting: about 20 loops, some hundreds of tags.
                    raise TemplateError(
                        f"{part_label(info.filename)}: tags are nested too deeply to compile",
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
            return [syntax_problem(self._env, exc, location_at(part.lines, exc.lineno))]
        self._parts[part.name] = CompiledPart(
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
        except Exception as exc:  # Jinja's and Python's errors, told with their place
            error = render_error(exc, self.path, part.location)
            if error is None:
                raise
            raise error from None

    def _parse_rendered(self, part: CompiledPart, xml: str) -> etree._Element:
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
            return parsed_document(part.shell, part.body_index, xml)
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
        pictures = media.DocumentMedia()
        rendered: dict[str, bytes] = {}
        with metered(limits or self.limits):
            for name in self._parts:
                with media.rendering(pictures.part(name)):
                    rendered[name] = (
                        self._render_document(context)
                        if name == DOCUMENT_PART
                        else self._render_other(name, context)
                    )
        if pictures:  # media parts, the parts' relationships, content types
            rendered.update(pictures.package_changes(self._meta.get))
        result = package.write(
            [
                package.pack(name, rendered.pop(name), self._dates[name])
                if name in rendered
                else entry
                for name, entry in self._package
            ]
            + [package.pack(name, data) for name, data in rendered.items()]
        )
        if self.digits == "thai":  # the template's own text too (docgen.engine.digits)
            result = thai_digits_in_document(result)
        if path is not None:
            from docgen.output import atomic_write_bytes

            atomic_write_bytes(path, result)
        return result

    @property
    def parts(self) -> list[str]:
        """Names of the parts that hold tags and are rendered."""
        return list(self._parts)


def _rebuild(
    path: str,
    digits: str,
    source: bytes,
    limits: Limits = DEFAULT_LIMITS,
    allow_external: bool = False,
) -> Template:
    return Template(
        path, digits=digits, limits=limits, source=source, allow_external=allow_external
    )
