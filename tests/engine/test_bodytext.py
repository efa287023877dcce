"""A rendered body written as text gives the very bytes that parsing it would give."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from helpers import SEED_DATA, make_template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from docgen import api
from docgen.engine.bodytext import (
    _UNUSUAL,
    _unusual,
    balanced,
    empty_element_sites,
    prints_well_formed,
)
from docgen.engine.docxtpl_reference import render_with_docxtpl
from docgen.engine.docxtpl_xml import parsed_document
from docgen.engine.filters import make_environment
from docgen.engine.package import DOCUMENT_PART
from docgen.engine.richtext import WORDML_EMPTY_ELEMENTS, RichText
from docgen.engine.template import Template
from docgen.report.context import indicator_context
from docgen.report.data import load

SEED = load(SEED_DATA)
PIECES = [
    "",
    " ",
    "a < b & c > d",
    '"quoted"',
    "it's",
    "\t",
    "\n",
    "line\r\nnext",
    "<p>para</p>",
    "<ul><li>one</li><li><b>two</b></li></ul>",
    "1. first\n2. second",
    "</w:t><w:t>",
    "]]>",
    "ผลการดำเนินงาน",
    "๑๒๓",
    "\x01",
    "&nbsp;&amp;",
]
texts = st.lists(st.sampled_from(PIECES), max_size=4).map("".join)


def _document(template: Template, report) -> tuple[bytes | None, bytes]:
    """(the text path's document.xml or None, the parse path's) for one indicator."""
    part = template._parts[DOCUMENT_PART]
    xml = template.render_part_xml(DOCUMENT_PART, indicator_context(report, report.indicator))
    return part.text.document(xml), parsed_document(part.shell, part.body_index, xml)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=texts.filter(str.strip),
    phone=st.one_of(st.none(), texts),
    description=texts,
    detail=texts,
    obstacles=texts,
    evidence=st.lists(texts, max_size=3),
    done=st.integers(0, 5),
)
def test_text_path_gives_the_bytes_parsing_gives(
    name, phone, description, detail, obstacles, evidence, done
):
    steps = [{"step": n, "done": n <= done, "detail": detail} for n in range(1, 6)]
    indicator = SEED.indicator.model_validate(
        {
            **SEED.indicator.model_dump(),
            "name": name,
            "supervisor_phone": phone,
            "description": description,
            "obstacles": obstacles,
            "evidence": evidence,
            "result": {"steps": steps},
            "expected_score": None,
        }
    )
    report = SEED.model_copy(update={"indicator": indicator})
    as_text, parsed = _document(api.load_template(), report)
    if as_text is not None:
        assert as_text == parsed


def test_the_seed_takes_the_text_path():
    as_text, parsed = _document(api.load_template(), SEED)
    assert as_text is not None and as_text == parsed


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        ("<w:p><w:r><w:t>a</w:t></w:r></w:p>", True),
        ("<w:p/><w:p><!-- <w:r> --></w:p>", True),
        ("</w:t></w:r></w:p><w:p><w:r><w:t>", False),
        ("<w:tc><w:p>", False),
        ("<w:p></w:r>", False),
    ],
)
def test_balanced_xml(xml, expected):
    assert balanced(xml) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<w:p>{% if x %}<w:r><w:t>{{ x }}</w:t></w:r>{% endif %}</w:p>", True),
        (
            "<w:p>{% for r in rows %}<w:r><w:t>{{ r }}</w:t></w:r>{% else %}<w:r/>{% endfor %}</w:p>",
            True,
        ),
        (
            "<w:p><w:r><w:t>{% if x %}a</w:t></w:r></w:p><w:p><w:r><w:t>{% endif %}b</w:t></w:r></w:p>",
            False,
        ),
        ("<w:p><w:r><w:t>{{ x|safe }}</w:t></w:r></w:p>", False),
        ("<w:p>{% macro m() %}<w:r/>{% endmacro %}{{ m() }}</w:p>", False),
    ],
    ids=["if", "for-else", "if-across-paragraphs", "safe", "macro"],
)
def test_which_templates_always_print_well_formed_xml(source, expected):
    assert prints_well_formed(make_environment("arabic"), source) is expected


def test_a_block_across_paragraphs_takes_the_parse_path_and_still_equals_docxtpl(tmp_path):
    path = tmp_path / "across.docx"
    document = docx.Document()
    for text in ["before {% if show %}one", "two", "three{% endif %} after"]:
        document.add_paragraph(text)
    document.save(path)
    template = Template(path)
    assert template._parts[DOCUMENT_PART].text is None  # never trusted as text
    for show in (True, False):
        ours = zipfile.ZipFile(io.BytesIO(template.render({"show": show})))
        plain = zipfile.ZipFile(io.BytesIO(render_with_docxtpl(path, {"show": show})))
        assert ours.read(DOCUMENT_PART) == plain.read(DOCUMENT_PART)


@pytest.mark.parametrize("unusual", [text.decode() for text in _UNUSUAL])
def test_a_body_with_text_lxml_would_rewrite_takes_the_parse_path(unusual):
    body = '<w:p><w:r><w:t xml:space="preserve">ผลการดำเนินงาน {}</w:t></w:r></w:p>'
    assert not _unusual(body.format("&amp; # !").encode())
    assert _unusual(body.format(unusual).encode())


EMPTIED = {
    # a value that prints nothing, alone in its text element
    "value": (["{{ x }}"], {"x": ""}),
    "if-nothing": (["{% if a %}x{% endif %}"], {"a": False}),
    "comment": (["{# a note #}"], {}),
    # docgen's paragraphs of a rich text left without text
    "rich-text": (["{{p x }}"], {"x": RichText.parse("\x01")}),
    # markup docgen did not write, from a script's context
    "other-markup": (
        ["a {{r x }} b"],
        {"x": Markup('<w:r><w:rPr></w:rPr><w:t xml:space="preserve">x</w:t></w:r>')},
    ),
    "table-cell": ([], {"x": ""}),
    # docxtpl's line breaks, made after rendering, leave a text element empty
    "line-break": (["{{ x }}"], {"x": "\nline"}),
}


@pytest.mark.parametrize("case", sorted(EMPTIED))
def test_empty_elements_come_out_as_lxml_writes_them(tmp_path, case):
    paragraphs, context = EMPTIED[case]
    table = [["{{ x }}", "b"]] if case == "table-cell" else None
    template = Template(make_template(tmp_path / f"{case}.docx", paragraphs, table))
    ours = zipfile.ZipFile(io.BytesIO(template.render(context))).read(DOCUMENT_PART)
    part = template._parts[DOCUMENT_PART]
    assert part.text is not None  # the text path was open to it
    assert ours == parsed_document(
        part.shell, part.body_index, template.render_part_xml(DOCUMENT_PART, context)
    )
    assert not re.search(rb"<([^\s/>!?]+)[^<>]*(?<!/)></\1>", ours)


@pytest.mark.parametrize(
    ("source", "sites"),
    [
        ("<w:p><w:r><w:t>{{ x }}</w:t></w:r></w:p>", [b"<w:t></w:t>"]),
        ("<w:tc> {%- if a %}<w:p/>{% endif %}</w:tc>", [b"<w:tc></w:tc>"]),
        ("<w:p><w:pPr/>{{ x }}</w:p><w:r></w:r>", [b"<w:p></w:p>", b"<w:r></w:r>"]),
        ('<w:shd w:fill="{{ colour }}"/>', None),
    ],
    ids=["value", "block", "static", "tag-in-a-tag"],
)
def test_the_empty_elements_a_template_can_print_are_known(source, sites):
    found = empty_element_sites(source)
    if sites is None:
        assert found is None
    else:
        assert set(sites) | {s.encode() for s in WORDML_EMPTY_ELEMENTS} == set(found)
