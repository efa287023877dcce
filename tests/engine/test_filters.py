"""Template filters and the document-wide digits option, as a reader sees them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import docx
import pytest
from helpers import SEED_DATA, document_text, make_template

from docgen import api
from docgen.engine.template import Template
from docgen.errors import TemplateError


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("{{ s|score }}", "3.5"),
        ("{{ s|score(4) }}", "3.5000"),
        ("{{ w|score }}", "0.2"),
        ("{{ w|score(4) }}", "0.2000"),
        ("{{ five|score }}", "5"),
        ("{{ five|score(4) }}", "5.0000"),
        ("{{ third|score(4) }}", "3.3334"),  # 3.33335: half-up at the 5th decimal
        ("{{ tie|score }}", "3.3335"),  # 3.33345: half-up, where half-even gives 3.3334
        ("{{ big|number }}", "1,234,567.5"),
        ("{{ big|number(2) }}", "1,234,567.50"),
        ("{{ d|thai_date }}", "30 กันยายน 2550"),
        ("{{ d|thai_date('short') }}", "30 ก.ย. 50"),
        ("{{ d|thai_date('full') }}", "วันอาทิตย์ที่ 30 กันยายน พ.ศ. 2550"),
        ("{{ '2550'|thai_digits }}", "๒๕๕๐"),
        ("{{ amount|baht_text }}", "หนึ่งล้านบาทยี่สิบห้าสตางค์"),
        ("{{ 101|number_words }}", "หนึ่งร้อยเอ็ด"),
        ("{{ true|yes_no }} {{ false|yes_no }}", "ใช่ ไม่ใช่"),
        ("{{ nothing|yes_no('มี', 'ไม่มี') }}", "ไม่มี"),
        ("{{ d }}", "30 กันยายน 2550"),
        ("{{ nothing }}", ""),
    ],
)
def test_filters_in_a_template(tmp_path, expression, expected):
    path = make_template(tmp_path / "f.docx", [expression])
    context = {
        "s": Decimal("3.5"),
        "w": Decimal("0.2"),
        "five": Decimal("5"),
        "third": Decimal("3.33335"),
        "tie": Decimal("3.33345"),
        "big": Decimal("1234567.5"),
        "d": dt.date(2007, 9, 30),
        "amount": Decimal("1000000.25"),
        "nothing": None,
    }
    out = tmp_path / "out.docx"
    out.write_bytes(Template(path).render(context))
    assert docx.Document(str(out)).paragraphs[0].text == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("{{ name|thai_date }}", 'the thai_date filter cannot use "abc"'),
        ("{{ name|score }}", 'the score filter needs a number, got "abc"'),
        ("{{ when|thai_date }}", "the thai_date filter cannot use 1800-01-01"),
    ],
)
def test_filter_on_the_wrong_value_names_filter_type_and_place(tmp_path, expression, message):
    path = make_template(tmp_path / "f.docx", ["intro", expression])
    with pytest.raises(TemplateError) as caught:
        Template(path).render({"name": "abc", "when": dt.date(1800, 1, 1)})
    assert str(caught.value).startswith(f"{path}, body paragraph 2: {message}")


@pytest.fixture(scope="module")
def seed_in_both_digit_styles(tmp_path_factory):
    arabic = (
        api.render_report(SEED_DATA, out_dir=tmp_path_factory.mktemp("arabic")).documents[0].path
    )
    thai = (
        api.render_report(SEED_DATA, out_dir=tmp_path_factory.mktemp("thai"), digits="thai")
        .documents[0]
        .path
    )
    return arabic, thai


def score_row(path):
    document = docx.Document(str(path))
    [table] = [
        t
        for t in document.tables
        if t.rows[0].cells[-1].text.replace("\n", "") == "ค่าคะแนนถ่วงน้ำหนัก"
    ]
    return [cell.text for cell in table.rows[1].cells[1:]]


def test_thai_digits_option_prints_figures_and_list_numbers_in_thai(seed_in_both_digit_styles):
    arabic, thai = seed_in_both_digit_styles
    assert score_row(thai) == ["๔", "๕", "๕", "๐.๒"]
    text = document_text(thai)
    assert "๑.\tสรุปเรื่องที่จังหวัด / กลุ่มจังหวัดต้องการได้รับการสนับสนุน" in text  # evidence
    assert "๒. นางพรรณวิภา ปิยะมปุตรระ จวค. ๗ว" in text  # collectors
    assert "๖)\tโครงการสัมมนาภาคีภาครัฐ" in text  # a rich-text list item
    assert "ข้อมูล ณ วันที่ ๓๐ กันยายน ๒๕๕๐" in text  # a date
    # the template's own text too: one kind of digit on the page
    assert "ระดับ ๑" in text and "(  /  ) รอบ ๑๒ เดือน" in text


def test_without_the_option_numbers_stay_arabic(seed_in_both_digit_styles):
    arabic, _ = seed_in_both_digit_styles
    assert score_row(arabic) == ["4", "5", "5", "0.2"]
    text = document_text(arabic)
    assert not any("\u0e50" <= ch <= "\u0e59" for ch in text)
    assert "1.\tสรุปเรื่องที่จังหวัด" in text
