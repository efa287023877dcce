"""docxtpl's `DocxTemplate`, its tags compiled and rendered by docgen's engine.

docxtpl keeps the package in python-docx and renders each part with Jinja:
this class keeps docxtpl's package handling (so `replace_pic`, `new_subdoc`,
`save` and the rest behave as there) and gives every part to docgen's
`Template` instead: docgen's tag repair, sandbox, escaping, limits and
error locations. A part's compiled code is kept while its XML is unchanged,
so rendering the same template again (a mail merge) compiles nothing.
"""

from __future__ import annotations

import hashlib
import warnings
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import jinja2
import jinja2.filters
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docxtpl import DocxTemplate as _DocxtplTemplate
from jinja2 import meta
from jinja2.exceptions import SecurityError
from lxml import etree

from docgen.engine import media
from docgen.engine.docxtpl_xml import fix_tables, postprocess
from docgen.engine.filters import DocgenUndefined, custom_environment
from docgen.engine.package import DOCUMENT_PART
from docgen.engine.parts import prepare_part
from docgen.engine.sandbox import REMOVED_FILTERS, metered
from docgen.engine.template import Template
from docgen.limits import DEFAULT_LIMITS, Limits

FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CUSTOM_PROPERTIES = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_MISSING: ContextVar[set[str] | None] = ContextVar("docgen_docxtpl_missing", default=None)


class CollectingUndefined(jinja2.Undefined):
    """docxtpl's undefined: prints empty; the name is noted for a warning."""

    __slots__ = ()

    def _note(self) -> None:
        if issubclass(self._undefined_exception, SecurityError):  # the sandbox said no: say so
            self._fail_with_undefined_error()
        names = _MISSING.get()
        if names is not None and self._undefined_name is not None:
            names.add(str(self._undefined_name))

    def __str__(self) -> str:
        self._note()
        return ""

    def __iter__(self):  # type: ignore[override]
        self._note()
        return iter(())

    def __bool__(self) -> bool:
        self._note()
        return False

    def __len__(self) -> int:
        self._note()
        return 0


class _PartMedia:
    """Pictures of the part being rendered, added to that python-docx part."""

    def __init__(self, part: Any) -> None:
        self.part = part

    def add(self, picture: media.Picture) -> tuple[str, str]:
        import io

        rid, _image = self.part.get_or_add_image(io.BytesIO(picture.data))
        return rid, picture.name

    def shape_id(self) -> int:
        return self.part.next_id


def _own(mapping: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """What a caller's environment adds to Jinja's defaults (never a removed filter)."""
    return {
        name: value
        for name, value in mapping.items()
        if defaults.get(name) is not value and name not in REMOVED_FILTERS
    }


class DocxTemplate(_DocxtplTemplate):
    """A docxtpl template rendered by docgen.

    `strict=True` makes an undefined name an error (as in docgen's own API);
    otherwise it prints empty, as in docxtpl, and `undefined_names` lists
    what was missing in the last render (also given as a warning).
    """

    def __init__(
        self,
        template_file: Any,
        *,
        strict: bool = False,
        digits: str = "arabic",
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        super().__init__(template_file)
        self.strict, self.digits, self.limits = strict, digits, limits
        self.undefined_names: set[str] = set()
        self._engines: dict[int, tuple[Any, Template]] = {}
        self._compiled: dict[str, str] = {}

    # ------------------------------------------------------------------ environment

    def _engine(self, jinja_env: jinja2.Environment | None) -> Template:
        """docgen's engine with the caller's filters, tests and globals installed."""
        key = id(jinja_env)
        known = self._engines.get(key)
        if known is not None and known[0] is jinja_env:
            return known[1]
        filters = tests = globals_ = None
        if jinja_env is not None:
            filters = _own(jinja_env.filters, jinja2.filters.FILTERS)
            tests = _own(jinja_env.tests, jinja2.Environment().tests)
            globals_ = _own(jinja_env.globals, jinja2.Environment().globals)
        environment = custom_environment(
            self.digits,
            filters=filters,
            tests=tests,
            globals=globals_,
            undefined=DocgenUndefined if self.strict else CollectingUndefined,
        )
        name = self.template_file if isinstance(self.template_file, str | Path) else "template"
        engine = Template.of_parts(name, environment, self.limits)
        self._engines = {key: (jinja_env, engine)}
        self._compiled = {}
        return engine

    def _render_part(self, engine: Template, name: str, data: bytes, part: Any, context) -> str:
        """One part's XML rendered (compiled first only if its XML changed)."""
        digest = hashlib.sha256(data).hexdigest()
        if self._compiled.get(name) != digest:
            engine.compile_part(name, data)
            self._compiled[name] = digest
        with media.rendering(_PartMedia(part)):
            return postprocess(engine._render_raw(name, context))

    # ------------------------------------------------------------------ rendering

    def render(
        self,
        context: dict[str, Any],
        jinja_env: jinja2.Environment | None = None,
        autoescape: bool = False,
    ) -> None:
        """Render every part; `autoescape` is accepted and moot: docgen always escapes."""
        self.render_init()
        engine = self._engine(jinja_env)
        missing: set[str] = set()
        token = _MISSING.set(missing)
        try:
            with metered(self.limits):
                self._render_body(engine, context)
                for uri in (self.HEADER_URI, self.FOOTER_URI):
                    for rel_key, part in list(self.get_headers_footers(uri)):
                        name = str(part.partname).lstrip("/")
                        xml = self._render_part(engine, name, part.blob, part, context)
                        root = etree.fromstring(xml.encode("utf-8"))
                        self.map_headers_footers_xml(
                            rel_key, etree.tostring(root, encoding="UTF-8", standalone=True)
                        )
                self._render_other_parts(engine, context)
        finally:
            _MISSING.reset(token)
        self.undefined_names = missing
        self.is_rendered = True
        if missing:
            warnings.warn(
                "undefined in the template, printed empty: " + ", ".join(sorted(missing)),
                stacklevel=2,
            )

    def _render_body(self, engine: Template, context: dict[str, Any]) -> None:
        document = etree.tostring(self.docx._element, encoding="UTF-8")
        xml = self._render_part(engine, DOCUMENT_PART, document, self.docx._part, context)
        tree = fix_tables(xml)
        self.fix_docpr_ids(tree)
        self.map_tree(tree)

    def _render_other_parts(self, engine: Template, context: dict[str, Any]) -> None:
        """Footnotes and the document properties (core and custom), like the body."""
        package = self.docx.part.package
        core = package._core_properties_part
        parts = [core] if core is not None else []
        parts += [p for p in package.parts if p.content_type in (FOOTNOTES, CUSTOM_PROPERTIES)]
        for part in parts:
            data = etree.tostring(part._element) if hasattr(part, "_element") else part.blob
            if b"{" not in data:
                continue
            name = str(part.partname).lstrip("/")
            rendered = self._render_part(engine, name, data, part, context).encode("utf-8")
            if hasattr(part, "_element"):
                part._element = etree.fromstring(rendered)
            else:
                part._blob = rendered

    # ------------------------------------------------------------------ analysis

    def get_undeclared_template_variables(
        self,
        jinja_env: jinja2.Environment | None = None,
        context: dict[str, Any] | None = None,
    ) -> set[str]:
        """The names the template's body, headers and footers use and do not set
        (less those `context` gives), read from the template file as it is."""
        if hasattr(self.template_file, "seek"):
            self.template_file.seek(0)
        document = Document(self.template_file)
        engine = self._engine(jinja_env)
        sources = [prepare_part(DOCUMENT_PART, etree.tostring(document._element)).source]
        for rel in document.part.rels.values():
            if rel.reltype in (RELATIONSHIP_TYPE.HEADER, RELATIONSHIP_TYPE.FOOTER):
                name = str(rel.target_part.partname).lstrip("/")
                sources.append(prepare_part(name, rel.target_part.blob).source)
        names: set[str] = set()
        for source in sources:
            names |= meta.find_undeclared_variables(engine._env.parse(source))
        names.discard("range")
        if context is not None:
            names -= set(context)
        return names
