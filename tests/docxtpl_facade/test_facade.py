"""docgen.docxtpl where it is docgen's: undefined names, the sandbox, escaping,
custom filters, errors catchable as jinja2's, and docxtpl's \\a and \\f."""

from __future__ import annotations

import jinja2
import pytest
from docx import Document
from helpers import make_template

from docgen.docxtpl import DocxTemplate, Listing
from docgen.engine.template import Template
from docgen.errors import TemplateError, TemplateSecurityError


def _render(tmp_path, paragraphs, context, jinja_env=None):
    template = DocxTemplate(str(make_template(tmp_path / "t.docx", paragraphs)))
    template.render(context, jinja_env)
    template.save(tmp_path / "out.docx")
    return template, Document(tmp_path / "out.docx")


def test_undefined_prints_empty_and_is_named(tmp_path):
    with pytest.warns(UserWarning, match="printed empty: nme, when"):
        template, document = _render(
            tmp_path, ["Dear {{ nme }}!", "{% if when %}x{% endif %}end"], {"name": "Ann"}
        )
    assert [p.text for p in document.paragraphs] == ["Dear !", "end"]
    assert template.undefined_names == {"nme", "when"}


def test_strict_makes_undefined_an_error_catchable_as_jinja2s(tmp_path):
    template = DocxTemplate(
        str(make_template(tmp_path / "t.docx", ["Dear {{ nme }}!"])), strict=True
    )
    with pytest.raises(jinja2.TemplateError) as caught:
        template.render({"name": "Ann"})
    assert isinstance(caught.value, TemplateError)
    assert "body paragraph 1" in str(caught.value) and "'nme' is undefined" in str(caught.value)


def test_custom_filters_and_globals_run_in_the_sandbox(tmp_path):
    environment = jinja2.Environment()
    environment.filters["shout"] = lambda value: value.upper() + "!"
    environment.globals["helper"] = object()
    _, document = _render(tmp_path, ["{{ word|shout }}"], {"word": "<hi>"}, jinja_env=environment)
    assert document.paragraphs[0].text == "<HI>!"  # escaped: the text as typed
    template = DocxTemplate(str(make_template(tmp_path / "u.docx", ["{{ helper.__class__ }}"])))
    with pytest.raises(TemplateSecurityError):
        template.render({}, environment)


@pytest.mark.parametrize("renderer", ["facade", "engine"])
def test_bell_and_form_feed_make_paragraphs_and_a_page_break(tmp_path, renderer):
    text = "one\atwo\fthree"
    if renderer == "facade":
        _, document = _render(tmp_path, ["[{{ text }}]"], {"text": text})
    else:
        path = make_template(tmp_path / "t.docx", ["[{{ text }}]"])
        Template(path).render({"text": text}, tmp_path / "out.docx")
        document = Document(tmp_path / "out.docx")
    assert [p.text for p in document.paragraphs] == ["[one", "two", "", "three]"]
    breaks = document.paragraphs[2]._p.xpath(".//w:br")
    assert [
        b.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}type") for b in breaks
    ] == ["page"]


def test_listing_keeps_tabs_and_line_breaks(tmp_path):
    _, document = _render(tmp_path, ["{{ code }}"], {"code": Listing("a\tb\nc <d>")})
    paragraph = document.paragraphs[0]
    assert paragraph.text == "a\tb\nc <d>"
