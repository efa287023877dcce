"""docxtpl's table repair: judged from the template where it can be, and the bytes
of every render equal to what the repair gives."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from helpers import make_template

from docgen.engine.docxtpl_xml import parsed_document
from docgen.engine.filters import make_environment
from docgen.engine.package import DOCUMENT_PART
from docgen.engine.tables import renders_keep_tables, rowless_table
from docgen.engine.template import Template

HEAD = ["A", "B", "C", "D"]
ROW_LOOP = [["{%tr for r in rows %}", "", "", ""], ["{{ r.a }}", "{{ r.b }}", "c", "d"]]
ROW_LOOP_END = ["{%tr endfor %}", "", "", ""]
ROW_IF = [
    ["{%tr if rows %}", "", "", ""],
    ["{{ rows|length }}", "b", "c", "d"],
    ["{%tr endif %}", "", "", ""],
]
CELL_LOOP = ["{{ title }}", "{%tc for r in rows %}", "{{ r.b }}", "{%tc endfor %}"]
CELL_IF = ["{%tc if rows %}", "{{ rows|length }}", "{%tc endif %}", "{{ title }}"]
IF_IN_TEXT = ["{% if r.a %}{{ r.a }}{% else %}-{% endif %}", "{{ r.b }}", "c", "d"]
# (id, table rows, whether no render can need docxtpl's table repair, and whether
# none can unless a table comes out without a row)
TABLES = [
    ("row-loop", [HEAD, *ROW_LOOP, ROW_LOOP_END], True, True),
    ("row-loop-with-if-in-text", [HEAD, ROW_LOOP[0], IF_IN_TEXT, ROW_LOOP_END], True, True),
    ("row-if", [HEAD, *ROW_IF], True, True),
    ("only-loop-rows", [*ROW_LOOP, ROW_LOOP_END], False, True),  # no row without data
    ("cell-loop", [HEAD, CELL_LOOP], False, False),  # five rows: a row wider than the grid
    ("cell-if", [CELL_IF], False, False),  # every row narrower than the grid
    ("if-around-row-loop", [HEAD, ROW_IF[0], *ROW_LOOP, ROW_LOOP_END, ROW_IF[2]], True, True),
]
ROWS = [[], [{"a": "1", "b": "2"}], [{"a": "", "b": "ข"}, {"a": "x", "b": "<&"}] * 3]


@pytest.mark.parametrize("rows", ROWS, ids=["no-rows", "one-row", "six-rows"])
@pytest.mark.parametrize(
    ("table", "keeps", "keeps_with_rows"), [c[1:] for c in TABLES], ids=[c[0] for c in TABLES]
)
def test_table_loops_render_the_bytes_docxtpl_repair_gives(
    tmp_path, table, keeps, keeps_with_rows, rows
):
    template = Template(make_template(tmp_path / "t.docx", ["{{ title }}"], table))
    part = template._parts[DOCUMENT_PART]
    assert (part.text.keeps_tables, part.text.keeps_tables_with_rows) == (keeps, keeps_with_rows)
    context = {"title": "ตาราง", "rows": rows}
    rendered = template.render(context)
    with zipfile.ZipFile(io.BytesIO(rendered)) as package:
        document = package.read("word/document.xml")
    xml = template.render_part_xml(DOCUMENT_PART, context)
    assert document == parsed_document(part.shell, part.body_index, xml)
    grid = docx.Document(io.BytesIO(rendered)).tables[0]
    printed = "".join(cell.text for row in grid.rows for cell in row.cells)
    if "{{ r.b }}" in str(table):
        assert all(row["b"] in printed for row in rows)


GRID = "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
ROW = "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>"


@pytest.mark.parametrize(
    ("source", "keeps"),
    [
        (f"{GRID}{ROW}{{% for r in rows %}}{ROW}{{% endfor %}}</w:tbl>", True),
        (f"{GRID}{ROW}{{% for r in rows %}}{ROW}{{% else %}}{ROW}{{% endfor %}}</w:tbl>", True),
        (
            f"{{% if t %}}{GRID}{ROW}{{% for r in rows %}}{ROW}{{% endfor %}}</w:tbl>{{% endif %}}",
            True,
        ),
        # a table whose every row is in a loop: no row when the list is empty
        (
            f"{{% if rows %}}{GRID}{{% for r in rows %}}{ROW}{{% endfor %}}</w:tbl>{{% endif %}}",
            False,
        ),
        # a span printed from data
        (
            f'{GRID}<w:tr><w:tc><w:tcPr><w:gridSpan w:val="{{{{ n }}}}"/></w:tcPr></w:tc></w:tr></w:tbl>',
            False,
        ),
        # a loop over cells, and a row cut by a block
        (
            f"{GRID}<w:tr>{{% for c in cols %}}<w:tc><w:p/></w:tc>{{% endfor %}}</w:tr></w:tbl>",
            False,
        ),
        (f"{GRID}{{% if a %}}<w:tr>{{% endif %}}<w:tc/></w:tr></w:tbl>", False),
        (
            f"{GRID}{ROW}{{% for r in rows %}}{ROW}{ROW[:-7]}<w:tc/></w:tr>{{% endfor %}}</w:tbl>",
            False,
        ),
    ],
)
def test_which_templates_never_need_table_repair(source, keeps):
    env = make_environment()
    body = f"<w:body>{source}</w:body>"
    assert renders_keep_tables(body, env.parse(body)) is keeps


NARROW_ROW = "<w:tr><w:tc><w:p/></w:tc></w:tr>"  # one cell of a two-column grid


@pytest.mark.parametrize(
    ("source", "keeps"),
    [
        # every row in a loop, each filling the grid: fine whenever there is a row
        (
            f"{{% if rows %}}{GRID}{{% for r in rows %}}{ROW}{{% endfor %}}</w:tbl>{{% endif %}}",
            True,
        ),
        (
            f"{GRID}{{% for r in rows %}}{ROW}{{% endfor %}}{{% if a %}}{ROW}{{% endif %}}</w:tbl>",
            True,
        ),
        # a row that does not fill the grid could be the only one
        (f"{GRID}{{% for r in rows %}}{NARROW_ROW}{{% endfor %}}{ROW}</w:tbl>", False),
        (
            f"{GRID}{{% for r in rows %}}{ROW}{{% endfor %}}{{% if a %}}{NARROW_ROW}{{% endif %}}</w:tbl>",
            False,
        ),
        # what the stricter promise refuses for other reasons stays refused
        (
            f"{GRID}<w:tr>{{% for c in cols %}}<w:tc><w:p/></w:tc>{{% endfor %}}</w:tr></w:tbl>",
            False,
        ),
    ],
)
def test_which_templates_need_table_repair_only_for_a_table_without_rows(source, keeps):
    env = make_environment()
    body = f"<w:body>{source}</w:body>"
    assert renders_keep_tables(body, env.parse(body), unless_rowless=True) is keeps


@pytest.mark.parametrize(
    ("body", "rowless"),
    [
        (f"{GRID}{ROW}</w:tbl>", False),
        (f"{GRID}</w:tbl>", True),
        (f"<w:p/>{GRID}{ROW}</w:tbl>{GRID}</w:tbl>", True),  # the second table
        (f"{GRID}<w:tr><w:tc>{GRID}</w:tbl></w:tc></w:tr></w:tbl>", True),  # a nested one
        (f"{GRID}<w:tr><w:tc>{GRID}{ROW}</w:tbl></w:tc></w:tr></w:tbl>", False),
        ("<w:p><w:r><w:t>&lt;w:tr&gt;</w:t></w:r></w:p>", False),
    ],
)
def test_a_table_without_rows_is_found_in_a_rendered_body(body, rowless):
    assert rowless_table(body.encode()) is rowless
