"""The compiled template: data is text, errors name the place in Word, compile once."""

from __future__ import annotations

import subprocess

import docx
import pytest
from conftest import SEED_DATA, document_text, require_tool

from docgen import api
from docgen.data import load
from docgen.errors import TemplateError
from docgen.template import Template

HOSTILE = "a < b & c </w:t><w:t>\"quoted\" 'single' ]]> \x01end"
SHOWN = "a < b & c </w:t><w:t>\"quoted\" 'single' ]]> end"


def make_template(path, paragraphs=(), table=None):
    """A small .docx with the given paragraph texts and an optional table of cell texts."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    document.save(path)
    return path


def test_hostile_values_print_as_text(tmp_path):
    report = load(SEED_DATA)
    indicator = report.indicator.model_copy(
        update={"name": HOSTILE, "evidence": [HOSTILE], "obstacles": HOSTILE}
    )
    report = report.model_copy(update={"indicator": indicator})
    [document] = api.render(report, out_dir=tmp_path)
    text = document_text(document.path)
    assert text.count(SHOWN) == 4  # title line, score table, obstacles, evidence
    assert "\x01" not in text


@pytest.mark.libreoffice
def test_hostile_values_open_in_libreoffice(tmp_path):
    soffice = require_tool("soffice")
    report = load(SEED_DATA)
    indicator = report.indicator.model_copy(update={"name": HOSTILE})
    [document] = api.render(report.model_copy(update={"indicator": indicator}), out_dir=tmp_path)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "txt:Text",
            "--outdir",
            str(tmp_path),
            str(document.path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
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
    from docgen.richtext import RichText

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
