"""`docgen check`: every problem of a template in one run, each where Word shows it."""

from __future__ import annotations

import json
import zipfile

import docx
import pytest
from click.testing import CliRunner
from helpers import (
    DEFAULT_TEMPLATE,
    REPORT_DATA,
    SEED_DATA,
    TEMPLATES,
    make_template,
    split_tag_runs,
)

from docgen import api
from docgen.cli import main
from docgen.engine.template import Template
from docgen.errors import TemplateError
from docgen.report.check import check_template

SYNTAX_HINT = (
    "write it like the tags in the README's template reference: {{ indicator.name }}, "
    "{{ indicator.score|score }}, {% if ... %}, {% for item in ... %}"
)
SPLIT_HINT = (
    "a tag starts and ends in the same paragraph or cell: add the missing '}}', "
    "or join the pieces if Word split the tag over two paragraphs"
)
FILTERS = "score, number, thai_date, thai_digits, baht_text, number_words, yes_no"
INDICATOR_FIELDS = (
    "code, name, supervisors, supervisor_phone, collectors, collector_phone, description, "
    "weight, scoring, result, explanation, supporting_factors, obstacles, evidence, "
    "expected_score, is_milestone, steps, criteria, level, score, weighted_score, "
    "result_text, score_explanation, unit_text, targets_text, result_figure, status, assessed, "
    "status_text, dimension"
)
SUMMARY_TEMPLATE = TEMPLATES / "kpi_summary.docx"
LONG = "ก" * 100 + " {{ indicator.nmae }} " + "ข" * 100

# (case id, paragraphs, table, [(place, message, text shown, fix)])
BROKEN = [
    (
        "syntax",
        ["ชื่อตัวชี้วัด : {{ indicator.name + }}"],
        None,
        [
            (
                "body paragraph 1",
                "tag syntax error in {{ indicator.name + }}: unexpected 'end of print statement'",
                "ชื่อตัวชี้วัด : {{ indicator.name + }}",
                SYNTAX_HINT,
            )
        ],
    ),
    (
        "unclosed-for",
        ["intro", "{%p for person in indicator.supervisors %}", "{{ person.name }}"],
        None,
        [
            (
                "body paragraph 2",
                "{%p for person in indicator.supervisors %} is never closed",
                "{%p for person in indicator.supervisors %}",
                "add {%p endfor %} where the block should end",
            )
        ],
    ),
    (
        "unclosed-if",
        ["intro", "{% if indicator.is_milestone %}Milestone", "end"],
        None,
        [
            (
                "body paragraph 2",
                "{% if indicator.is_milestone %} is never closed",
                "{% if indicator.is_milestone %}Milestone",
                "add {% endif %} where the block should end",
            )
        ],
    ),
    (
        "stray-end",
        ["{%p endif %}"],
        None,
        [
            (
                "body paragraph 1",
                "{%p endif %} has no {% if %} before it",
                "{%p endif %}",
                "remove it, or add the {% if ... %} it should close",
            )
        ],
    ),
    (
        "tr-outside-a-row",
        ["{%tr for item in indicator.evidence %}", "{{ item }}", "{%p endfor %}"],
        None,
        [
            (
                "body paragraph 1",
                "{%tr for item in indicator.evidence %} is not inside a table row",
                "{%tr for item in indicator.evidence %}",
                "put {%tr ... %} tags in a cell of the row they repeat or hide; "
                "use {%p ... %} for paragraphs",
            )
        ],
    ),
    (
        "lost-brace",
        ["ชื่อตัวชี้วัด : {{ indicator.name }"],
        None,
        [
            (
                "body paragraph 1",
                "the tag '{{ indicator.name }' is not closed in this paragraph",
                "ชื่อตัวชี้วัด : {{ indicator.name }",
                SPLIT_HINT,
            )
        ],
    ),
    (
        "split-over-two-paragraphs",
        ["ชื่อตัวชี้วัด : {{ indicator.", "name }}"],
        None,
        [
            (
                "body paragraph 1",
                "the tag '{{ indicator.' is not closed in this paragraph",
                "ชื่อตัวชี้วัด : {{ indicator.",
                SPLIT_HINT,
            ),
            (
                "body paragraph 2",
                "'}}' closes a tag that is not opened in this paragraph",
                "name }}",
                "add the missing '{{' in front of the tag (in the same paragraph), "
                "or delete the stray '}}'",
            ),
        ],
    ),
    (
        "unknown-filter",
        ["{{ indicator.score|scroe }}"],
        None,
        [
            (
                "body paragraph 1",
                "unknown filter 'scroe'",
                "{{ indicator.score|scroe }}",
                f"did you mean score? docgen's filters are {FILTERS}; "
                "Jinja's built-in filters (default, length, join, ...) work too",
            )
        ],
    ),
    (
        "unknown-variable",
        ["{{ indicatr.name }}"],
        None,
        [
            (
                "body paragraph 1",
                "unknown variable 'indicatr'",
                "{{ indicatr.name }}",
                "did you mean indicator? variables here: indicator, report, sign_off",
            )
        ],
    ),
    (
        "nested-field-in-a-cell",
        ["x"],
        [["ผู้กำกับ", "ผู้จัดเก็บ"], ["x", "{{ indicator.supervisors[0].nmae }}"]],
        [
            (
                "table 1, row 2, column 2",
                "unknown field 'nmae' in indicator.supervisors[0].nmae",
                "{{ indicator.supervisors[0].nmae }}",
                "did you mean indicator.supervisors[0].name? "
                "indicator.supervisors[0] (a person) has: name, position",
            )
        ],
    ),
    (
        "loop-variable-field",
        ["{%p for step in indicator.steps %}", "{{ step.detial }}", "{%p endfor %}"],
        None,
        [
            (
                "body paragraph 2",
                "unknown field 'detial' in step.detial",
                "{{ step.detial }}",
                "did you mean step.detail? step has: number, definition, done, progress, detail",
            )
        ],
    ),
    (
        "block-across-cells",
        ["x"],
        [["{% if indicator.is_milestone %}ก", "ข{% endif %}"]],
        [
            (
                "table 1, row 1, column 1",
                "{% if indicator.is_milestone %} and {% endif %} (table 1, row 1, column 2) are "
                "in different paragraphs or table cells in a way the document cannot keep",
                "{% if indicator.is_milestone %}ก",
                "keep both tags in one paragraph, or put {%p ... %} tags in paragraphs of their "
                "own around whole paragraphs ({%tr ... %} around whole table rows, {%tc ... %} "
                "around whole cells)",
            )
        ],
    ),
    (
        "unknown-tag",
        ["{%p fro item in indicator.evidence %}", "{{ item }}", "{%p endfor %}"],
        None,
        [
            (
                "body paragraph 1",
                "unknown tag 'fro' in {%p fro item in indicator.evidence %}",
                "{%p fro item in indicator.evidence %}",
                "did you mean {% for %}?",
            )
        ],
    ),
    (
        "two-in-one-paragraph",
        ["ปี {{ report.fiscal_yaer }} รหัส {{ indicator.code }"],
        None,
        [
            (
                "body paragraph 1",
                "unknown field 'fiscal_yaer' in report.fiscal_yaer",
                "ปี {{ report.fiscal_yaer }} รหัส {{ indicator.code }",
                "did you mean report.fiscal_year? report has: fiscal_year, round, "
                "organization, as_of, round_label, period_text, period_start, period_end",
            ),
            (
                "body paragraph 1",
                "the tag '{{ indicator.code }' is not closed in this paragraph",
                "ปี {{ report.fiscal_yaer }} รหัส {{ indicator.code }",
                SPLIT_HINT,
            ),
        ],
    ),
    (
        "long-paragraph",
        [LONG],
        None,
        [
            (
                "body paragraph 1",
                "unknown field 'nmae' in indicator.nmae",
                "..." + "ก" * 49 + " {{ indicator.nmae }} " + "ข" * 49 + "...",
                f"did you mean indicator.name? indicator has: {INDICATOR_FIELDS}",
            )
        ],
    ),
]


def expected_text(path, place, message, shown, fix) -> str:
    return f'{path}, {place}: {message}\n    in: "{shown}"\n    fix: {fix}'


@pytest.mark.parametrize(
    ("paragraphs", "table", "expected"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_each_broken_template_gets_its_message_place_and_fix(tmp_path, paragraphs, table, expected):
    path = make_template(tmp_path / "broken.docx", paragraphs, table)
    result = check_template(path)
    assert [p.describe(str(path)) for p in result.problems] == [
        expected_text(path, *problem) for problem in expected
    ]


FIVE = (
    [
        "รายงานผลการปฏิบัติราชการ ปีงบประมาณ {{ report.fiscal_yaer }}",
        "ชื่อตัวชี้วัด : {{ indicator.code }} {{ indicator.name }",
        "{%p for person in indicator.supervisors %}",
        "{{ person.name }} {{ person.position }}",
    ],
    [["น้ำหนัก", "คะแนน"], ["{{ indicator.weight }}", "{{ indicator.score|scroe }}"]],
)
FIVE_PROBLEMS = [
    ("body paragraph 1", "variable", "unknown field 'fiscal_yaer' in report.fiscal_yaer"),
    ("body paragraph 2", "split", "the tag '{{ indicator.name }' is not closed in this paragraph"),
    ("body paragraph 3", "block", "{%p for person in indicator.supervisors %} is never closed"),
    ("table 1, row 2, column 2", "filter", "unknown filter 'scroe'"),
    ("body paragraph 5", "syntax", "unknown tag 'endfi' in {% endfi %}"),
]


@pytest.fixture
def five_problems(tmp_path):
    path = make_template(tmp_path / "five.docx", *FIVE)
    document = docx.Document(str(path))
    document.add_paragraph("{% if indicator.is_milestone %}Milestone{% endfi %}")
    document.save(str(path))
    return path


def test_five_problems_are_reported_in_one_run_in_document_order(five_problems):
    result = check_template(five_problems)
    found = [(p.location.describe(), p.kind, p.message) for p in result.problems]
    assert found == FIVE_PROBLEMS


def test_check_command_lists_every_problem_and_exits_1(five_problems):
    result = CliRunner().invoke(main, ["check", str(five_problems)])
    assert result.exit_code == 1
    for place, _kind, message in FIVE_PROBLEMS:
        assert f"{five_problems}, {place}: {message}\n" in result.output
    assert result.output.endswith(f"5 problems in {five_problems}\n")


def test_check_json_is_one_object_for_editors(five_problems):
    result = CliRunner().invoke(main, ["check", str(five_problems), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False and report["template"] == str(five_problems)
    assert [(p["place"], p["kind"], p["message"]) for p in report["problems"]] == FIVE_PROBLEMS
    cell = report["problems"][3]
    assert (cell["table"], cell["row"], cell["column"], cell["text"]) == (
        1,
        2,
        2,
        "{{ indicator.score|scroe }}",
    )


def test_rendering_reports_the_tag_problems_it_meets_first(five_problems):
    """Render refuses the template with the problems found without data, all of them."""
    with pytest.raises(TemplateError) as caught:
        Template(five_problems)
    assert [(p.location.describe(), p.message) for p in caught.value.problems] == [
        (place, message) for place, kind, message in FIVE_PROBLEMS if kind in ("split", "block")
    ] + [("body paragraph 5", "unknown tag 'endfi' in {% endfi %}")]
    assert str(caught.value).startswith(f"3 problems in {five_problems}:\n")


@pytest.fixture(scope="module")
def split_default(tmp_path_factory):
    return split_tag_runs(DEFAULT_TEMPLATE, tmp_path_factory.mktemp("split") / "split.docx")


@pytest.mark.parametrize(
    ("which", "data", "documents"),
    [
        ("default", SEED_DATA, "1 document"),
        ("split into runs", SEED_DATA, "1 document"),
        ("default", REPORT_DATA, "7 documents"),
        ("summary", REPORT_DATA, "1 document"),
    ],
)
def test_shipped_templates_check_clean_with_and_without_data(which, data, documents, split_default):
    template = {"default": DEFAULT_TEMPLATE, "summary": SUMMARY_TEMPLATE}.get(which, split_default)
    plain = CliRunner().invoke(main, ["check", str(template)])
    assert (plain.exit_code, plain.output) == (0, f"{template}: no problems found\n")
    with_data = CliRunner().invoke(main, ["check", str(template), "--data", str(data)])
    assert (with_data.exit_code, with_data.output) == (
        0,
        f"{template}: no problems found; {documents} rendered in memory\n",
    )


def test_a_summary_template_is_checked_against_the_summary(tmp_path):
    path = make_template(
        tmp_path / "summary.docx",
        ["คะแนนรวม {{ summary.compsite|score(4) }}", "{{ indicator.code }}"],
        [
            ["{%tr for indicator in summary.indicators %}"],
            ["{{ indicator.scroe }}"],
            ["{%tr endfor %}"],
        ],
    )
    result = check_template(path)
    assert result.kind == "summary"
    assert [(p.location.describe(), p.message, p.hint) for p in result.problems] == [
        (
            "body paragraph 1",
            "unknown field 'compsite' in summary.compsite",
            "did you mean summary.composite? summary has: indicators, count, total_weight, "
            "weights_complete, composite, groups, has_dimensions, weighted_total, "
            "assessed_weight, all_assessed, composite_note",
        ),
        (
            "body paragraph 2",
            "unknown variable 'indicator'",
            "variables here: report, sign_off, summary",
        ),
        (
            "table 1, row 2, column 1",
            "unknown field 'scroe' in indicator.scroe",
            f"did you mean indicator.score? indicator has: {INDICATOR_FIELDS}",
        ),
    ]


@pytest.mark.libreoffice
def test_template_resaved_by_libreoffice_checks_clean(resaved_template):
    result = check_template(resaved_template, SEED_DATA)
    assert (result.problems, result.rendered) == ([], 1)


def test_with_data_render_errors_are_reported_at_their_cell(tmp_path):
    path = make_template(tmp_path / "t.docx", ["x"], [["คะแนน", "{{ indicator.name|score }}"]])
    assert check_template(path).ok  # the names are right; only the data shows the problem
    result = CliRunner().invoke(main, ["check", str(path), "--data", str(SEED_DATA)])
    assert result.exit_code == 1
    name = "ระดับผลสัมฤทธิ์ของการสนับสนุนการบริหารราชการจังหวัดแบบบูรณาการ"
    assert result.output == (
        f"{path}, table 1, row 1, column 2: with indicator 3.2: the score filter needs a "
        f'number, got "{name}"\n'
        '    in: "{{ indicator.name|score }}"\n'
        "    fix: check the field's type in `docgen fields`\n"
        f"1 problem in {path}\n"
    )


def test_with_bad_data_the_data_error_is_reported(tmp_path):
    data = tmp_path / "bad.yaml"
    data.write_text(SEED_DATA.read_text(encoding="utf-8").replace("round: 12", "round: 7"))
    args = ["check", str(DEFAULT_TEMPLATE), "--data", str(data)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert f"error: {data}:6: report.round: expected 3, 6, 9 or 12, got 7" in result.output
    as_json = CliRunner().invoke(main, [*args, "--format", "json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.output)["data_problems"] == [
        {
            "file": str(data),
            "line": 6,
            "path": "report.round",
            "message": "expected 3, 6, 9 or 12, got 7",
        }
    ]


def test_a_file_that_is_not_a_template_is_one_problem(tmp_path):
    path = tmp_path / "notes.docx"
    path.write_text("just text")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert result.output == (
        f"{path}: not a Word document (.docx is a zip file; this one is not)\n"
        "    fix: save the template from Word or LibreOffice as .docx\n"
        f"1 problem in {path}\n"
    )


# Jinja that is right must stay right: no problem reported, and the document says so.
SOUND = [
    ("{% raw %}{{ not a tag }}{% endraw %} {{ indicator.code }}", "{{ not a tag }} 3.2"),
    ("{% macro box(a) %}[{{ a }}]{% endmacro %}{{ box(indicator.code) }}", "[3.2]"),
    (
        "{% set ns = namespace(done=0) %}{% for s in indicator.steps if s.done %}"
        "{% set ns.done = ns.done + 1 %}{% else %}none{% endfor %}{{ ns.done }}",
        "5",
    ),
    ("{% for k, v in {'a': 1}.items() %}{{ k }}={{ v }}{% endfor %}", "a=1"),
    ("{% with who = indicator.supervisors[-1] %}{{ who.name|trim }}{% endwith %}", "นายคุมพล"),
    ("{{ report.as_of.year }} {{ indicator.description.text[:5] }}", "2007 พิจาร"),
    ("{% if indicator.score is number and loop is not defined %}ok{% endif %}", "ok"),
]


@pytest.mark.parametrize(("tag", "shown"), SOUND, ids=[t[:24] for t, _ in SOUND])
def test_sound_jinja_checks_clean_and_renders(tmp_path, tag, shown):
    path = make_template(tmp_path / "t.docx", [tag])
    result = check_template(path, SEED_DATA)
    assert (result.problems, result.rendered) == ([], 1)
    [document] = api.render_report(SEED_DATA, path, tmp_path / "out").documents
    text = docx.Document(str(document.path)).paragraphs[0].text
    assert text.startswith(shown)


def test_python_api_checks_the_official_form_by_default():
    result = api.check_template(data=SEED_DATA)
    assert (result.ok, result.rendered, result.template) == (True, 1, DEFAULT_TEMPLATE)


def _with_external_image(path):
    """`path` rewritten with a linked (not embedded) image: Word fetches it on opening."""
    relation = (
        '<Relationship Id="rIdX" Target="http://203.0.113.9/t.png" TargetMode="External" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>'
    )
    with zipfile.ZipFile(path) as old:
        entries = {info.filename: old.read(info) for info in old.infolist()}
    rels = "word/_rels/document.xml.rels"
    entries[rels] = entries[rels].replace(
        b"</Relationships>", relation.encode() + b"</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in entries.items():
            new.writestr(name, data)
    return path


def test_check_reports_external_links_unless_allowed(tmp_path):
    template = _with_external_image(make_template(tmp_path / "t.docx", ["{{ indicator.name }}"]))
    refused = CliRunner().invoke(main, ["check", str(template)])
    assert refused.exit_code == 1
    assert refused.output.splitlines()[0] == (
        f"{template}: word/_rels/document.xml.rels links image 'http://203.0.113.9/t.png' "
        "outside the document"
    )
    assert "fix: remove it in Word, or pass --allow-external if you trust it" in refused.output
    allowed = CliRunner().invoke(main, ["check", str(template), "--allow-external"])
    assert allowed.exit_code == 0, allowed.output
    out = tmp_path / "out"
    args = ["render", str(SEED_DATA), "-o", str(out), "--template", str(template)]
    assert CliRunner().invoke(main, args).exit_code == 4
    rendered = CliRunner().invoke(main, [*args, "--allow-external"])
    assert rendered.exit_code == 0, rendered.output
    assert (
        docx.Document(str(next(out.iterdir()))).paragraphs[0].text
        == api.load_report(SEED_DATA).all_indicators[0].name
    )
