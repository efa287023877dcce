"""The template reference is generated, current in the README, and true to the documents."""

from __future__ import annotations

import json

import docx
import pytest
from click.testing import CliRunner
from helpers import ROOT, make_template

from docgen.cli import main
from docgen.engine.filters import template_filters
from docgen.engine.template import Template
from docgen.report import reference
from docgen.report.check import check_template

README = ROOT / "README.md"


def test_readme_reference_is_the_generated_one():
    readme = README.read_text(encoding="utf-8")
    assert reference.readme_with_reference(readme) == readme, "run `make readme`"


def test_fields_command_prints_the_readme_section():
    result = CliRunner().invoke(main, ["fields", "--format", "markdown"])
    assert result.exit_code == 0
    readme = README.read_text(encoding="utf-8")
    section = readme.split(reference.README_BEGIN + "\n", 1)[1].split(reference.README_END)[0]
    assert result.output == section


def test_every_variable_is_described_and_every_filter_listed():
    docs = reference.fields()
    assert [d.path for d in docs if not d.description] == []
    assert len({d.path for d in docs}) == len(docs)
    assert [f.name for f in reference.filters()] == list(template_filters())


@pytest.mark.parametrize(("kind", "root"), [("indicator", "indicator."), ("summary", "summary.")])
def test_every_listed_variable_passes_the_check(tmp_path, kind, root):
    """The reference and `docgen check` agree on what exists, in both kinds of template."""
    paths = [
        d.path.replace("[i]", "[0]")
        for d in reference.fields()
        if d.path.startswith(("report.", root))
    ]
    path = make_template(tmp_path / "all.docx", [f"{{{{ {p} }}}}" for p in paths])
    result = check_template(path)
    assert (result.kind, result.problems) == (kind, [])


def printed_paragraphs(template, context, out) -> list[str]:
    out.write_bytes(template.render(context))
    return [" ".join(p.text.split()) for p in docx.Document(str(out)).paragraphs]


def test_examples_are_what_a_document_prints(tmp_path):
    docs = [d for d in reference.fields() if "[i]" not in d.path]
    template = Template(make_template(tmp_path / "t.docx", [f"{{{{ {d.path} }}}}" for d in docs]))
    results = [
        printed_paragraphs(template, context, tmp_path / f"{n}.docx")
        for n, context in enumerate(reference.example_contexts())
    ]
    checked = 0
    for index, doc in enumerate(docs):
        if not doc.example or doc.example.endswith(("items", "item", ", ...")):
            continue
        first = next(r[index] for r in results if r[index])
        assert first.startswith(doc.example.removesuffix("…")), doc.path
        checked += 1
    assert checked > 25


def test_filter_examples_are_what_a_document_prints(tmp_path):
    filters = reference.filters()
    template = Template(make_template(tmp_path / "t.docx", [f.example for f in filters]))
    context = reference.example_contexts()[0]
    printed = printed_paragraphs(template, context, tmp_path / "out.docx")
    assert printed == [f.prints for f in filters]


def test_fields_text_and_json_list_the_same_variables():
    text = CliRunner().invoke(main, ["fields"])
    data = CliRunner().invoke(main, ["fields", "--format", "json"])
    assert text.exit_code == data.exit_code == 0
    listed = [v["path"] for v in json.loads(data.output)["variables"]]
    assert listed == [d.path for d in reference.fields()]
    assert [line.split()[0] for line in text.output.splitlines()[1 : len(listed) + 1]] == listed
