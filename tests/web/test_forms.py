"""The form's fields to and from the data format, message placement, live score."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import SEED_DATA, seed_data
from werkzeug.datastructures import MultiDict

from docgen.errors import DataError
from docgen.report.data import load, validate
from docgen.web.forms import IndicatorForm, anchor, live_score, messages_for
from docgen.web.workspace import serialize


@pytest.fixture(scope="module")
def seed_raw() -> dict:
    return seed_data()


def problems_of(draft) -> list:
    try:
        validate(draft.document())
    except DataError as exc:
        return exc.problems
    return []


def test_the_seed_goes_through_the_form_unchanged(seed_raw):
    form = IndicatorForm.from_data(seed_raw["report"], seed_raw["indicator"])
    assert validate(form.to_data().document()) == load(SEED_DATA)


def test_a_broken_file_still_fills_the_form():
    form = IndicatorForm.from_data(
        {"fiscal_year": "two thousand", "round": 7},
        {"weight": [1, 2], "supervisors": "nobody", "scoring": {"steps": ["a", None]}},
    )
    assert (form.fiscal_year, form.round, form.weight) == ("two thousand", "7", "[1, 2]")
    assert [row.name for row in form.supervisors] == [""]
    assert [step.definition for step in form.steps] == ["a", "", "", "", ""]


def test_rows_come_in_index_order_with_gaps_closed_and_blank_rows_dropped():
    post = MultiDict(
        {
            "indicator.collectors[7].name": "คนที่สาม",
            "indicator.collectors[2].name": "คนที่สอง",
            "indicator.collectors[0].name": "",
            "indicator.collectors[0].position": "",
            "indicator.collectors[1].name": "คนแรก",
            "indicator.collectors[1].position": "จวค. 8ว",
            "indicator.collectors[x].name": "ไม่ใช่แถว",
            "indicator.evidence[3]": "ข้อสอง",
            "indicator.evidence[1]": "ข้อหนึ่ง",
            "indicator.evidence[2]": "",
        }
    )
    form = IndicatorForm.from_post(post)
    assert [row.name for row in form.collectors] == ["", "คนแรก", "คนที่สอง", "คนที่สาม"]
    indicator = form.to_data().indicator
    assert indicator["collectors"] == [
        {"name": "คนแรก", "position": "จวค. 8ว"},
        {"name": "คนที่สอง"},
        {"name": "คนที่สาม"},
    ]
    assert indicator["evidence"] == ["ข้อหนึ่ง", "ข้อสอง"]


def test_a_message_lands_on_the_row_the_clerk_typed_in():
    post = MultiDict(
        {
            "indicator.collectors[0].name": "",  # a blank row, dropped from the data
            "indicator.collectors[1].position": "จวค. 7ว",  # a position without a name
            "indicator.result.steps[3].progress": "150",  # ร้อยละ; only step 4 is listed
        }
    )
    form = IndicatorForm.from_post(post)
    draft = form.to_data()
    placed = {m.slot: m for m in messages_for(problems_of(draft), draft, form)}
    assert placed["indicator.collectors[1].name"].text == "ต้องกรอกช่องนี้"
    assert placed["indicator.collectors[1].name"].label == "ผู้จัดเก็บตัวชี้วัด คนที่ 2: ชื่อ"
    assert placed["indicator.result.steps[3].progress"].text == "ต้องเป็นร้อยละ 0 ถึง 100"


def test_problems_of_another_indicator_of_the_file_are_only_in_the_summary(seed_raw):
    form = IndicatorForm.from_data(seed_raw["report"], seed_raw["indicator"])
    document = {
        "schema_version": 1,
        "report": seed_raw["report"],
        "indicators": [seed_raw["indicator"], {**seed_raw["indicator"], "weight": 0}],
    }
    with pytest.raises(DataError) as caught:
        validate(document)
    [message] = messages_for(caught.value.problems, form.to_data(), form, index=0)
    assert (message.slot, message.elsewhere) == ("", True)
    assert message.label == "ตัวชี้วัดลำดับที่ 2 ในไฟล์: น้ำหนัก (ร้อยละ)"


@pytest.mark.parametrize(
    ("name", "slot"),
    [
        ("indicator.weight", "indicator.weight"),
        ("indicator.result.steps[2]", "indicator.result.steps"),
        ("indicator.scoring.targets[4]", "indicator.scoring.targets[4]"),
        ("indicator.evidence[0]", "indicator.evidence"),  # no row on the page
        ("indicator.nonsense", ""),
        ("", ""),
    ],
)
def test_every_field_path_has_a_place_on_the_page(name, slot):
    assert anchor(name, IndicatorForm().slots()) == slot


@pytest.mark.parametrize(
    ("typed", "number"),
    [("4", Decimal(4)), ("๑๒.๕", Decimal("12.5")), ("1,250.5", Decimal("1250.5")), (" 7 ", 7)],
)
def test_numbers_are_read_exactly_in_arabic_or_thai_digits(typed, number):
    indicator = IndicatorForm.from_post(MultiDict({"indicator.weight": typed})).to_data().indicator
    assert indicator["weight"] == number


@pytest.mark.parametrize("typed", ["abc", "NaN", "1e", "Infinity"])
def test_text_that_is_no_number_is_left_to_the_validator(typed):
    draft = IndicatorForm.from_post(MultiDict({"indicator.weight": typed})).to_data()
    assert draft.indicator["weight"] == typed
    assert [p.path for p in problems_of(draft) if p.path == "indicator.weight"]


def test_live_score_needs_only_the_scoring_the_results_and_the_weight():
    form = IndicatorForm(weight="4")
    for step in form.steps[:3]:
        step.done = True
    form.steps[3].progress = "50"  # ร้อยละ on the page, 0.5 in the data
    live = live_score(form.to_data().indicator)
    assert (live.level, live.score, live.weighted) == (3, Decimal("3.5"), Decimal("0.14"))
    form.weight = ""
    assert live_score(form.to_data().indicator).weighted is None
    form.method = "quantitative"  # no targets yet: nothing to score
    assert live_score(form.to_data().indicator) is None


@pytest.mark.parametrize(
    ("year", "months", "next_year", "next_months"),
    [("2550", "12", "2551", "3"), ("2550", "6", "2550", "9"), ("2550", "9", "2550", "12")],
)
def test_next_round_advances_the_round_and_clears_the_results(
    seed_raw, year, months, next_year, next_months
):
    form = IndicatorForm.from_data(seed_raw["report"], seed_raw["indicator"])
    form.fiscal_year, form.round = year, months
    following = form.for_next_round()
    assert (following.fiscal_year, following.round, following.as_of) == (
        next_year,
        next_months,
        "",
    )
    assert not any(step.done or step.detail or step.progress for step in following.steps)
    assert [step.definition for step in following.steps] == seed_raw["indicator"]["scoring"][
        "steps"
    ]
    assert following.name == form.name and following.weight == form.weight
    # what belongs to the round is cleared (the seed's evidence names พ.ศ. 2550)
    assert (following.explanation, following.supporting_factors, following.obstacles) == ("",) * 3
    assert following.evidence == []
    assert "expected_score" not in following.to_data().indicator


def test_expected_score_is_written_only_when_asked():
    form = IndicatorForm(weight="4")
    form.steps[0].done = True
    assert "expected_score" not in form.to_data().indicator
    form.keep_expected = True
    assert form.to_data().indicator["expected_score"] == Decimal(1)


def test_the_data_written_is_the_data_format(seed_raw):
    form = IndicatorForm.from_data(seed_raw["report"], seed_raw["indicator"])
    form.steps[4].done = False
    form.steps[1].detail = ""
    text = serialize(form.to_data().document(), "report.yaml")
    assert "  weight: 4\n" in text
    assert "  result:\n    steps:\n    - step: 1\n      done: true\n    - step: 2\n" in text
    assert "    - step: 5\n      done: false\n      detail: |-\n        <p>ได้ประเมินผล" in text


def test_next_round_follows_the_workspaces_sequence(seed_raw):
    form = IndicatorForm.from_data(seed_raw["report"], seed_raw["indicator"])
    form.round = "6"
    assert form.for_next_round((6, 12)).round == "12"
    form.round = "12"
    assert (form.for_next_round((6, 12)).fiscal_year, form.for_next_round((6, 12)).round) == (
        "2551",
        "6",
    )


@pytest.mark.parametrize(("typed", "stored"), [("50", Decimal("0.5")), ("๒๕", Decimal("0.25"))])
def test_progress_is_asked_as_a_percentage(typed, stored):
    form = IndicatorForm()
    form.steps[0].progress = typed
    [step] = form.to_data().indicator["result"]["steps"]
    assert step["progress"] == stored
    shown = IndicatorForm.from_data(
        {}, {"result": {"steps": [{"step": 1, "done": False, "progress": 0.5}]}}
    )
    assert shown.steps[0].progress == "50"
