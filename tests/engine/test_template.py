"""The compiled template: data is text, errors name the place in Word, compile once."""

from __future__ import annotations

import base64
import dataclasses
import io
import pickle
import re
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.oxml.parser import parse_xml
from helpers import (
    DEFAULT_TEMPLATE,
    FIXTURES,
    SEED_DATA,
    W,
    document_text,
    libreoffice_text,
    make_template,
    split_tag_runs,
)

from docgen import api
from docgen.engine.digits import thai_digits_in_part
from docgen.engine.docxtpl_reference import render_with_docxtpl
from docgen.engine.template import Template
from docgen.errors import TemplateError
from docgen.limits import DEFAULT_LIMITS
from docgen.report.context import indicator_context
from docgen.report.data import load

HOSTILE = "a < b & c </w:t><w:t>\"quoted\" 'single' ]]> \x01end"
SHOWN = "a < b & c </w:t><w:t>\"quoted\" 'single' ]]> end"


def test_hostile_values_print_as_text(tmp_path):
    report = load(SEED_DATA)
    indicator = report.indicator.model_copy(
        update={"name": HOSTILE, "evidence": [HOSTILE], "obstacles": HOSTILE}
    )
    report = report.model_copy(update={"indicator": indicator})
    [document] = api.render_report(report, out_dir=tmp_path).documents
    text = document_text(document.path)
    assert text.count(SHOWN) == 4  # title line, score table, obstacles, evidence
    assert "\x01" not in text


@pytest.mark.libreoffice
def test_hostile_values_open_in_libreoffice(tmp_path):
    report = load(SEED_DATA)
    indicator = report.indicator.model_copy(update={"name": HOSTILE})
    [document] = api.render_report(
        report.model_copy(update={"indicator": indicator}), out_dir=tmp_path
    ).documents
    libreoffice_text([document.path], tmp_path)
    text = (tmp_path / document.path.with_suffix(".txt").name).read_text(encoding="utf-8-sig")
    assert SHOWN in text


def test_paragraph_tag_keeps_the_paragraph_look(tmp_path):
    path = tmp_path / "look.docx"
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.alignment = 3  # justify
    run = paragraph.add_run("{{p body }}")
    run.italic = True
    document.save(path)
    from docgen.engine.richtext import RichText

    out = Template(path).render({"body": RichText.parse("<p>one</p><p>two <b>bold</b></p>")})
    rendered = tmp_path / "out.docx"
    rendered.write_bytes(out)
    paragraphs = docx.Document(str(rendered)).paragraphs
    assert [p.text for p in paragraphs] == ["one", "two bold"]
    assert all(p.alignment == 3 for p in paragraphs)
    assert all(r.italic for p in paragraphs for r in p.runs)
    assert [r.bold for r in paragraphs[1].runs] == [None, True]


@pytest.mark.parametrize(
    ("paragraphs", "table", "message", "place"),
    [
        (["intro", "{{ indicator.nmae }}"], None, "unknown variable", "body paragraph 2"),
        (["{% for x in items %}", "{{ x }}"], None, "is never closed", "body paragraph 1"),
        (
            ["ok"],
            [["a", "b"], ["c", "{{ missing_name }}"]],
            "unknown variable",
            "table 1, row 2, column 2",
        ),
        (["{{ 3|no_such_filter }}"], None, "unknown filter 'no_such_filter'", "body paragraph 1"),
        (["{{ ''.__class__.__mro__ }}"], None, "not allowed in a template", "body paragraph 1"),
    ],
    ids=["misspelt", "unclosed-for", "table-cell", "unknown-filter", "sandbox"],
)
def test_template_errors_name_the_place(tmp_path, paragraphs, table, message, place):
    path = make_template(tmp_path / "t.docx", paragraphs, table)
    with pytest.raises(TemplateError) as caught:
        Template(path).render({"indicator": {"name": "x"}, "items": [1]})
    text = str(caught.value)
    assert message in text
    assert f"{path}, {place}" in text


def test_docxtpl_row_loops_and_compile_once(tmp_path):
    path = make_template(
        tmp_path / "rows.docx",
        ["Title {{ title }}"],
        [["{%tr for r in rows %}", ""], ["{{ r.a }}", "{{ r.b }}"], ["{%tr endfor %}", ""]],
    )
    template = Template(path)
    for n in (1, 3):
        rows = [{"a": f"a{i}", "b": f"b{i}"} for i in range(n)]
        (tmp_path / f"{n}.docx").write_bytes(template.render({"title": n, "rows": rows}))
        table = docx.Document(str(tmp_path / f"{n}.docx")).tables[0]
        assert [[c.text for c in row.cells] for row in table.rows] == [
            [f"a{i}", f"b{i}"] for i in range(n)
        ]


def test_not_a_docx_is_a_clear_template_error(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("hello")
    with pytest.raises(TemplateError, match="not a Word document"):
        Template(path)


def test_template_that_splits_a_tag_over_runs_still_renders(tmp_path):
    path = tmp_path / "split.docx"
    document = docx.Document()
    paragraph = document.add_paragraph()
    for piece, bold in (("{{ ind", False), ("icator", True), (".code }}", False)):
        paragraph.add_run(piece).bold = bold
    document.save(path)
    out = tmp_path / "out.docx"
    out.write_bytes(Template(path).render({"indicator": {"code": "3.2"}}))
    assert docx.Document(str(out)).paragraphs[0].text == "3.2"


# --------------------------------------------------------------------------- hostile packages


def _rewrite(source, path, replace=None, add=None, drop=()):
    """Copy a .docx zip with some members replaced, added or dropped."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename not in drop:
                new.writestr(info.filename, replace.get(info.filename, old.read(info)))
        for name, data in add.items():
            new.writestr(name, data)
    return path


def _macro_enabled(base, path):
    with zipfile.ZipFile(base) as old:
        types = old.read("[Content_Types].xml").replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
        )
    return _rewrite(
        base, path, {"[Content_Types].xml": types}, {"word/vbaProject.bin": b"\xd0\xcf\x11"}
    )


def _patch_headers(path, name: bytes, changes: dict[str, int]) -> None:
    """Overwrite fields (crc, size) of `name`'s local and central headers."""
    offsets = {"crc": (14, 16), "size": (22, 24)}  # (local, central) field offsets
    data = bytearray(path.read_bytes())
    for signature, which in ((b"PK\x03\x04", 0), (b"PK\x01\x02", 1)):
        start = data.rfind(signature)
        while start != -1:
            name_at = start + (30 if which == 0 else 46)
            if data[name_at : name_at + len(name)] == name:
                for field, value in changes.items():
                    at = start + offsets[field][which]
                    data[at : at + 4] = value.to_bytes(4, "little")
            start = data.rfind(signature, 0, start)
    path.write_bytes(bytes(data))


def _understated(base, path, crc_of_first=False):
    """A member whose headers claim 10 bytes but which inflates to a megabyte; with
    `crc_of_first`, the checksum is that of the 10 bytes (zipfile then reads it happily)."""
    content = b"<w:t>" + b"\0" * 1_000_000
    _rewrite(base, path, add={"word/media/big.bin": content})
    changes = {"size": 10} | ({"crc": zlib.crc32(content[:10])} if crc_of_first else {})
    _patch_headers(path, b"word/media/big.bin", changes)
    return path


def _wrong_crc(base, path):
    _rewrite(base, path, add={"word/media/big.bin": b"payload"})
    _patch_headers(path, b"word/media/big.bin", {"crc": zlib.crc32(b"other")})
    return path


def _macro_in_capitals(base, path):
    with zipfile.ZipFile(base) as old:
        types = old.read("[Content_Types].xml").replace(
            b"<Default ",
            b'<Default Extension="bin" ContentType="APPLICATION/VND.MS-OFFICE.VBAPROJECT"/><Default ',
            1,
        )
    return _rewrite(base, path, {"[Content_Types].xml": types}, {"word/x.bin": b"\0"})


VBA_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "_VBA_PROJECT".encode("utf-16-le")
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
IMAGE = RELS + "image"
ATTACHED = RELS + "attachedTemplate"
ALT_CHUNK = RELS + "aFChunk"


def _macro_by_relationship(base, path):
    rel = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
    return _with_relationship(rel, "media/logo.bin")(base, path, {"word/media/logo.bin": b"\0"})


def _with_relationship(kind: str, target: str, external: bool = False, lower: bool = False):
    def build(base, path, add=None):
        with zipfile.ZipFile(base) as old:
            rels = old.read("word/_rels/document.xml.rels")
        mode = (' TargetMode="external"' if lower else ' TargetMode="External"') if external else ""
        relation = f'<Relationship Id="rIdX" Type="{kind}" Target="{target}"{mode}/>'
        rels = rels.replace(b"</Relationships>", relation.encode() + b"</Relationships>")
        return _rewrite(base, path, {"word/_rels/document.xml.rels": rels}, add)

    return build


def _with_entity(part: str):
    """`part` with an internal DTD that declares an entity (used in the body)."""

    def build(base, path):
        with zipfile.ZipFile(base) as old:
            data = old.read(part)
        head, sep, rest = data.partition(b"?>")
        root = rest.split(b" ", 1)[0].lstrip(b"\r\n<")
        data = head + sep + b"<!DOCTYPE " + root + b' [<!ENTITY e "&lt;w:p&gt;">]>' + rest
        if part == "word/document.xml":
            data = data.replace(b"{{ x }}", b"&e;{{ x }}")
        return _rewrite(base, path, {part: data})

    return build


def _not_a_zip(base, path):
    path.write_bytes(b"PK but no zip")
    return path


def _deep_loops(base, path):
    return make_template(path, ["{% for a in b %}" * 25 + "x" + "{% endfor %}" * 25])


# (id, how to build the template from a plain one, limits, message after "<path>: ")
BAD_PACKAGES = [
    (
        "not-a-zip",
        _not_a_zip,
        DEFAULT_LIMITS,
        "not a Word document (.docx is a zip file; this one is not)",
    ),
    (
        "macro-enabled",
        _macro_enabled,
        DEFAULT_LIMITS,
        "the template is macro-enabled (.docm): its content type "
        "application/vnd.openxmlformats-officedocument.ms-word.document.macroEnabled.main+xml "
        "is for macros; docgen does not run or keep macros",
    ),
    (
        "macro-content-type-in-capitals",
        _macro_in_capitals,
        DEFAULT_LIMITS,
        "the template is macro-enabled (.docm): its content type "
        "APPLICATION/VND.MS-OFFICE.VBAPROJECT is for macros; docgen does not run or keep macros",
    ),
    (
        "macro-by-relationship",
        _macro_by_relationship,
        DEFAULT_LIMITS,
        "the template is macro-enabled (.docm): word/_rels/document.xml.rels links a macro "
        "project (media/logo.bin); docgen does not run or keep macros",
    ),
    (
        "macro-by-bytes",
        lambda base, p: _rewrite(base, p, add={"word/media/logo.png": VBA_BYTES}),
        DEFAULT_LIMITS,
        "the template is macro-enabled (.docm): word/media/logo.png is a macro project (VBA); "
        "docgen does not run or keep macros",
    ),
    (
        "entity-in-the-body",
        _with_entity("word/document.xml"),
        DEFAULT_LIMITS,
        "word/document.xml declares a DTD or entities (<!DOCTYPE ...>); Word never writes one, "
        "and docgen does not expand them",
    ),
    (
        "entity-in-styles",
        _with_entity("word/styles.xml"),
        DEFAULT_LIMITS,
        "word/styles.xml declares a DTD or entities (<!DOCTYPE ...>); Word never writes one, "
        "and docgen does not expand them",
    ),
    (
        "external-image",
        _with_relationship(IMAGE, "http://203.0.113.9/track.png", external=True),
        DEFAULT_LIMITS,
        "word/_rels/document.xml.rels links image 'http://203.0.113.9/track.png' outside "
        "the document",
    ),
    (
        "remote-template",
        _with_relationship(ATTACHED, "https://203.0.113.9/t.dotm", external=True, lower=True),
        DEFAULT_LIMITS,
        "word/_rels/document.xml.rels links attachedTemplate 'https://203.0.113.9/t.dotm' "
        "outside the document",
    ),
    (
        "alt-chunk",
        _with_relationship(ALT_CHUNK, "chunk.html"),
        DEFAULT_LIMITS,
        "word/_rels/document.xml.rels imports another document into this one (altChunk chunk.html)",
    ),
    (
        "same-name-twice",
        lambda base, p: _rewrite(base, p, add={"WORD/document.xml": b"<x/>"}),
        DEFAULT_LIMITS,
        "the .docx is damaged (WORD/document.xml is in the package twice)",
    ),
    (
        "crafted-crc",
        lambda base, p: _understated(base, p, crc_of_first=True),
        DEFAULT_LIMITS,
        "the .docx is damaged (word/media/big.bin does not hold the 10 bytes it declares: "
        "a zip bomb, or a damaged file)",
    ),
    (
        "wrong-crc",
        _wrong_crc,
        DEFAULT_LIMITS,
        "the .docx is damaged (word/media/big.bin: its checksum does not match its content)",
    ),
    (
        "zip-bomb",
        lambda base, p: _rewrite(base, p, add={"word/media/z.bin": b"\0" * 2_000_000}),
        dataclasses.replace(DEFAULT_LIMITS, template_bytes=1_000_000),
        "the template unpacks to {unpacked} bytes, over the limit of 1000000; it may be a zip bomb",
    ),
    (
        "understated-size",
        _understated,
        DEFAULT_LIMITS,
        "the .docx is damaged (word/media/big.bin does not hold the 10 bytes it declares: "
        "a zip bomb, or a damaged file)",
    ),
    (
        "too-many-files",
        lambda base, p: _rewrite(base, p),
        dataclasses.replace(DEFAULT_LIMITS, template_parts=5),
        "the template holds {files} files, over the limit of 5; it may be a zip bomb",
    ),
    (
        "too-large",
        lambda base, p: _rewrite(base, p),
        dataclasses.replace(DEFAULT_LIMITS, template_bytes=5000),
        "the template is larger than 5000 bytes, the limit for a template",
    ),
    (
        "no-content-types",
        lambda base, p: _rewrite(base, p, drop={"[Content_Types].xml"}),
        DEFAULT_LIMITS,
        "the package has no word/document.xml or [Content_Types].xml; it is not a Word document",
    ),
    (
        "nested-too-deeply",
        _deep_loops,
        DEFAULT_LIMITS,
        "body: tags are nested too deeply to compile",
    ),
]


@pytest.mark.parametrize(
    ("build", "limits", "message"), [c[1:] for c in BAD_PACKAGES], ids=[c[0] for c in BAD_PACKAGES]
)
def test_hostile_packages_are_refused_with_the_reason(tmp_path, build, limits, message):
    base = make_template(tmp_path / "base.docx", ["{{ x }}"])
    path = build(base, tmp_path / "t.docx")
    facts = {"size": path.stat().st_size}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            facts["files"] = len(archive.infolist())
            facts["unpacked"] = sum(i.file_size for i in archive.infolist())
    with pytest.raises(TemplateError) as caught:
        Template(path, limits=limits)
    assert str(caught.value).splitlines()[0] == f"{path}: {message.format(**facts)}"


@pytest.mark.parametrize(
    ("look", "message"),
    [
        (b"<w:p><w:r>", "the paragraph look is not well-formed XML ("),
        (b"<w:pPr/></w:p><w:p>", "the paragraph look is not well-formed XML ("),
        (b"<w:pPr/><w:r/>", "the paragraph look must be one w:pPr element"),
    ],
    ids=["unclosed", "closes-the-paragraph", "extra-element"],
)
def test_markup_a_tag_could_print_raw_is_refused(tmp_path, look, message):
    """``{{p }}`` prints trusted paragraphs; a hand-written call cannot smuggle XML in."""
    encoded = base64.b64encode(look).decode()
    path = make_template(
        tmp_path / "t.docx", ["intro", f"{{{{ x|docgen_paragraphs('{encoded}') }}}}"]
    )
    with pytest.raises(TemplateError) as caught:
        Template(path).render({"x": "text"})
    assert str(caught.value).startswith(
        f"{path}, body paragraph 2: cannot print this value: {message}"
    )


def test_a_template_keeps_its_limits_across_processes(tmp_path):
    limits = dataclasses.replace(DEFAULT_LIMITS, render_steps=123)
    template = Template(make_template(tmp_path / "t.docx", ["{{ x }}"]), limits=limits)
    copy = pickle.loads(pickle.dumps(template))
    assert copy.limits == limits and copy.parts == template.parts


def test_docxtpl_escapes_apply_to_the_template_not_to_data(tmp_path):
    path = make_template(tmp_path / "t.docx", ["static {_{ x }_}", "{{ v }}", "{{p rich }}"])
    from docgen.engine.richtext import RichText

    typed = "{_{ a }_} {_% b %_}"
    payload = Template(path).render({"v": typed, "rich": RichText.parse(f"<p>{typed}</p>")})
    paragraphs = [p.text for p in docx.Document(io.BytesIO(payload)).paragraphs]
    assert paragraphs == ["static {{ x }}", typed, typed]


# --------------------------------------------------------------------------- edited in Word


def tags_in_one_piece(path) -> int:
    """How many whole tags sit in a single <w:t> of the document part."""
    body = docx.Document(str(path)).element.body
    return sum(len(re.findall(r"\{\{.*?\}\}|\{%.*?%\}", t.text or "")) for t in body.iter(W + "t"))


@pytest.fixture(scope="module")
def split_template(tmp_path_factory):
    return split_tag_runs(DEFAULT_TEMPLATE, tmp_path_factory.mktemp("split") / "split.docx")


def render_seed_text(template, tmp_path) -> str:
    [document] = api.render_report(SEED_DATA, template, tmp_path).documents
    return document_text(document.path)


def test_tags_split_over_runs_with_bold_pieces_render_the_same_text(
    split_template, seed_docx, tmp_path
):
    assert tags_in_one_piece(DEFAULT_TEMPLATE) > 50
    assert tags_in_one_piece(split_template) == 0  # every tag is cut, as Word cuts them
    assert render_seed_text(split_template, tmp_path) == document_text(seed_docx)


@pytest.mark.libreoffice
def test_template_resaved_by_libreoffice_renders_the_same_text(
    resaved_template, seed_docx, tmp_path
):
    assert resaved_template.read_bytes() != DEFAULT_TEMPLATE.read_bytes()
    assert render_seed_text(resaved_template, tmp_path) == document_text(seed_docx)


W_DECL = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _template_opening_with(path: Path, paragraph_xml: str, *more: str) -> Path:
    """A .docx whose first paragraph is `paragraph_xml` as Word writes it, then `more`."""
    document = docx.Document()
    first = document.add_paragraph()
    first._p.getparent().replace(first._p, parse_xml(paragraph_xml))
    for text in more:
        document.add_paragraph(text)
    document.save(path)
    return path


@pytest.mark.parametrize(
    "middle",
    [
        '<w:ins w:id="1" w:author="clerk" w:date="2024-01-01T00:00:00Z">{}</w:ins>',
        '<w:hyperlink w:anchor="top">{}</w:hyperlink>',
        '<w:smartTag w:uri="urn:x" w:element="place">{}</w:smartTag>',
    ],
    ids=["tracked-insertion", "hyperlink", "smart-tag"],
)
def test_a_tag_split_across_a_word_element_keeps_the_text_around_it(tmp_path, middle):
    path = _template_opening_with(
        tmp_path / "t.docx",
        f"<w:p {W_DECL}><w:r><w:t xml:space='preserve'>Code: {{{{ indi</w:t></w:r>"
        + middle.format("<w:r><w:t xml:space='preserve'>cator.code }} end</w:t></w:r>")
        + "<w:r><w:t xml:space='preserve'> after</w:t></w:r></w:p>",
        "second {{ indicator.name }}",
    )
    out = tmp_path / "out.docx"
    out.write_bytes(Template(path).render({"indicator": {"code": "3.2", "name": "N"}}))
    body = docx.Document(str(out)).element.body
    assert ["".join(t.text for t in p.iter(W + "t")) for p in body.iter(W + "p")] == [
        "Code: 3.2 end after",
        "second N",
    ]


def test_tags_in_tracked_deletions_are_not_run(tmp_path):
    path = _template_opening_with(
        tmp_path / "t.docx",
        f"<w:p {W_DECL}><w:del w:id='1' w:author='clerk' w:date='2024-01-01T00:00:00Z'>"
        "<w:r><w:delText>{{ indicator.gone }}</w:delText></w:r></w:del>"
        "<w:r><w:t>{{ indicator.code }}</w:t></w:r></w:p>",
    )
    out = tmp_path / "out.docx"
    out.write_bytes(Template(path).render({"indicator": {"code": "3.2"}}))
    body = docx.Document(str(out)).element.body
    assert [t.text for t in body.iter(W + "delText")] == ["{{ indicator.gone }}"]
    assert docx.Document(str(out)).paragraphs[0].text == "3.2"


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (
            ["{{ indicator.code }", "keep me", "{{ indicator.code }}"],
            "body paragraph 1: the tag '{{ indicator.code }' is not closed in this paragraph",
        ),
        (
            ["{%tr for x in items %}", "keep me", "{%p endfor %}"],
            "body paragraph 1: {%tr for x in items %} is not inside a table row",
        ),
    ],
    ids=["unclosed-tag", "row-tag-outside-a-table"],
)
def test_a_broken_tag_is_refused_before_it_can_swallow_paragraphs(tmp_path, paragraphs, expected):
    path = make_template(tmp_path / "t.docx", paragraphs)
    with pytest.raises(TemplateError) as caught:
        Template(path)
    assert str(caught.value).startswith(f"{path}, {expected}\n")


# --------------------------------------------------------------------------- compiled = docxtpl


def _fixture_documents():
    cases = []
    for name in ("indicator-3.2.yaml", "report-2550-r12.yaml", "report-2551-r6.yaml"):
        report = load(FIXTURES / name)
        cases += [pytest.param(report, i, id=f"{name}:{i.code}") for i in report.all_indicators]
    return cases


def _parts(payload: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("digits", ["arabic", "thai"])
@pytest.mark.parametrize(("report", "indicator"), _fixture_documents())
def test_compiled_template_gives_what_docxtpl_gives(report, indicator, digits):
    context = indicator_context(report, indicator)
    fast = _parts(api.load_template(digits=digits).render(context))
    plain = _parts(render_with_docxtpl(api.DEFAULT_TEMPLATE, context, digits))
    assert fast["word/document.xml"] == plain["word/document.xml"]
    assert fast.keys() == plain.keys()
    # the templates's other parts are the template's own, byte for byte
    original = _parts(api.DEFAULT_TEMPLATE.read_bytes())
    if digits == "thai":  # Thai digits reach the template's own text and list numbers
        original = {n: thai_digits_in_part(n, d) for n, d in original.items()}
    assert {n: d for n, d in fast.items() if n != "word/document.xml"} == {
        n: d for n, d in original.items() if n != "word/document.xml"
    }


def test_same_data_gives_the_same_bytes(seed_report):
    context = indicator_context(seed_report, seed_report.indicator)
    template = api.load_template()
    assert template.render(context) == template.render(context)


def test_a_pickled_template_renders_what_it_was_compiled_from(tmp_path, seed_report):
    path = tmp_path / "form.docx"
    path.write_bytes(api.DEFAULT_TEMPLATE.read_bytes())
    template = Template(path, digits="thai")
    context = indicator_context(seed_report, seed_report.indicator)
    expected = template.render(context)
    make_template(path, ["edited while a batch runs"])
    copy = pickle.loads(pickle.dumps(template))
    assert copy.digits == "thai"
    assert copy.render(context) == expected
    out = tmp_path / "out.docx"
    out.write_bytes(expected)
    assert "๐.๒" in document_text(out)  # the weighted score 0.2 in Thai digits


# Templates written for plain docxtpl, each with its data: docgen prints the same text.
DOCXTPL_STYLE = {
    "paragraph-loops": (
        [
            "Dear {{ name }},",
            "{%p if items %}",
            "You ordered {{ items|length }} items:",
            "{%p for item in items %}",
            "{{ loop.index }}. {{ item.title }} x {{ item.qty }}",
            "{%p endfor %}",
            "{%p endif %}",
            "{% if vip %}Thank you, valued customer{% else %}Thank you{% endif %}.",
        ],
        None,
        {
            "name": "A & B <Co>",
            "vip": True,
            "items": [{"title": "paper", "qty": 3}, {"title": 'ink "black"', "qty": 1}],
        },
    ),
    "row-loop": (
        ["{{ title }}"],
        [
            ["Item", "Qty"],
            ["{%tr for row in rows %}", ""],
            ["{{ row.0 }}", "{{ row.1 }}"],
            ["{%tr endfor %}", ""],
            ["Total", "{{ rows|sum(attribute=1) }}"],
        ],
        {"title": "Stock", "rows": [["pens", 4], ["pads", 6], ["clips", 10]]},
    ),
    "column-loop-wider": (
        ["Scores"],
        [["Name", "{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"]],
        {"cols": ["Q1", "Q2", "Q3", "Q4", "Q5"]},
    ),
    "column-loop-narrower": (
        ["Scores"],
        [["Name", "{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"]],
        {"cols": ["Q1"]},
    ),
    "rich-run": (
        ["Status: {{r status }} as of {{ day }}"],
        None,
        {"status": "approved", "day": "30 September"},
    ),
}


def _docxtpl_style(tmp_path, case):
    from docxtpl import DocxTemplate, RichText

    paragraphs, table, data = DOCXTPL_STYLE[case]
    path = make_template(tmp_path / f"{case}.docx", paragraphs, table)
    if case == "rich-run":
        data = {**data, "status": RichText(data["status"], bold=True)}
    plain = DocxTemplate(str(path))
    plain.render(data, autoescape=True)
    plain.save(tmp_path / "docxtpl.docx")
    (tmp_path / "docgen.docx").write_bytes(Template(path).render(data))
    return [docx.Document(str(tmp_path / f"{n}.docx")) for n in ("docxtpl", "docgen")]


def _content(document) -> list:
    return [p.text for p in document.paragraphs] + [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]


@pytest.mark.parametrize("case", sorted(DOCXTPL_STYLE))
def test_a_docxtpl_template_prints_the_same_in_docgen(tmp_path, case):
    plain, ours = _docxtpl_style(tmp_path, case)
    assert _content(ours) == _content(plain)
    assert "{" not in str(_content(ours))
    if case == "rich-run":
        assert [r.bold for r in ours.paragraphs[0].runs if r.text == "approved"] == [True]
    if case.startswith("column-loop"):
        grid = ours.tables[0]._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))
        assert len(grid) == 1 + len(DOCXTPL_STYLE[case][2]["cols"])  # the grid was fixed


def test_docxtpl_examples_print_what_was_asked(tmp_path):
    _, ours = _docxtpl_style(tmp_path, "paragraph-loops")
    assert [p.text for p in ours.paragraphs] == [
        "Dear A & B <Co>,",
        "You ordered 2 items:",
        "1. paper x 3",
        '2. ink "black" x 1',
        "Thank you, valued customer.",
    ]


def test_the_sandbox_refuses_every_time_not_only_the_first(tmp_path):
    path = make_template(tmp_path / "t.docx", ["{{ items.append(4) }}{{ items|length }}"])
    template = Template(path)
    for _ in range(2):  # the sandbox keeps its decisions; a refusal stays a refusal
        with pytest.raises(TemplateError, match="not allowed in a template"):
            template.render({"items": [1, 2, 3]})
