"""One kind of digit: with digits="thai" no Arabic digit is left in what a reader sees."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from helpers import FIXTURES, SEED_DATA, document_text, make_template

from docgen import api
from docgen.engine.template import Template

ARABIC = re.compile(r".{0,20}[0-9].{0,5}")


def visible_text(path) -> str:
    """The body (tables included), headers and footers as a reader sees them."""
    document = docx.Document(str(path))
    edges = [
        p.text
        for section in document.sections
        for part in (section.header, section.footer)
        for p in part.paragraphs
    ]
    return document_text(path) + "\n" + "\n".join(edges)


@pytest.mark.parametrize(
    "data", [SEED_DATA, FIXTURES / "agreement-2567-r6.yaml"], ids=["seed", "agreement"]
)
def test_no_arabic_digit_in_a_thai_digits_document(data, tmp_path):
    rendered = api.render_report(data, out_dir=tmp_path, digits="thai", summary=True)
    paths = [d.path for d in rendered.documents] + [rendered.summary.path]
    for path in paths:
        text = visible_text(path)
        assert ARABIC.findall(text) == [], path.name
        assert re.search("[๐-๙]", text)
    form = visible_text(rendered.documents[0].path)
    assert "ระดับ ๕" in form and "เดือน" in form  # the template's own labels


def test_field_codes_hyperlinks_and_properties_keep_their_digits(tmp_path):
    path = make_template(tmp_path / "t.docx", ["หน้า 1 {{ n }}", "link"])
    document = docx.Document(str(path))
    first, second = document.paragraphs
    instr = OxmlElement("w:instrText")
    instr.text = "PAGE \\* MERGEFORMAT 2"
    run = OxmlElement("w:r")
    run.append(instr)
    first._p.append(run)
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), "x")
    link_run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "www.example.go.th/2567"
    link_run.append(text)
    link.append(link_run)
    second._p.append(link)
    document.core_properties.title = "แบบฟอร์ม 2567"
    document.save(str(path))

    result = Template(path, digits="thai").render({"n": 3})
    with zipfile.ZipFile(io.BytesIO(result)) as archive:
        body = archive.read("word/document.xml").decode()
        core = archive.read("docProps/core.xml").decode()
    assert "หน้า ๑ ๓" in body
    assert "PAGE \\* MERGEFORMAT 2" in body and "www.example.go.th/2567" in body
    assert "แบบฟอร์ม 2567" in core
