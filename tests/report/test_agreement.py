"""The agreement's data rules: as_of within the round, numbers as typed, status, dimensions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import yaml
from helpers import SEED_DATA, seed_data

from docgen.errors import DataError
from docgen.report.data import loads
from docgen.typed import TypedNumberError, parse_typed_number

SEED_YAML = SEED_DATA.read_text(encoding="utf-8")


def seed_with(fiscal_year: int, round_months: int, as_of: str) -> str:
    changes = {"fiscal_year": fiscal_year, "round": round_months}
    changed = seed_data(report={**changes, "as_of": dt.date.fromisoformat(as_of)})
    return yaml.safe_dump(changed, allow_unicode=True)


@pytest.mark.parametrize(
    ("fiscal_year", "round_months", "as_of", "ok"),
    [
        (2567, 3, "2023-10-01", True),  # the fiscal year's first day
        (2567, 3, "2023-09-30", False),  # the day before
        (2567, 3, "2024-03-30", True),  # 31 December + 90 days
        (2567, 3, "2024-03-31", False),
        (2567, 6, "2024-06-29", True),  # 31 March + 90 days
        (2567, 6, "2024-06-30", False),
        (2567, 9, "2024-09-28", True),
        (2567, 12, "2024-12-29", True),
        (2567, 12, "2024-12-30", False),
        (2551, 6, "2008-03-31", True),
        (2551, 6, "2012-03-31", False),  # 2555 typed where 2551 was meant
    ],
)
def test_as_of_is_checked_against_the_round(fiscal_year, round_months, as_of, ok):
    text = seed_with(fiscal_year, round_months, as_of)
    if ok:
        assert loads(text).report.as_of == dt.date.fromisoformat(as_of)
        return
    with pytest.raises(DataError) as caught:
        loads(text)
    (problem,) = caught.value.problems
    assert problem.path == "report.as_of"
    assert f"is outside round {round_months} of fiscal year {fiscal_year}" in problem.message


def test_as_of_out_of_range_says_the_date_in_be_and_the_range():
    with pytest.raises(DataError) as caught:
        loads(seed_with(2551, 6, "2012-03-31"))
    assert caught.value.problems[0].message == (
        "2012-03-31 (31 มีนาคม 2555) is outside round 6 of fiscal year 2551: expected a date "
        "from 1 ตุลาคม 2550 to 29 มิถุนายน 2551 (2007-10-01 to 2008-06-29); check the year: "
        "the data is in the Christian era, 543 years less than พ.ศ."
    )


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("72.5", "72.5"),
        ("1,234.5", "1234.5"),
        ("๑,๒๓๔.๕", "1234.5"),
        ("๗๒.๕", "72.5"),
        ("1,234,567", "1234567"),
        ("-12", "-12"),
        (" 80 ", "80"),
        (".5", "0.5"),
    ],
)
def test_numbers_as_people_type_them(typed, number):
    assert parse_typed_number(typed) == Decimal(number)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "72,5",
            '"72,5" is not a number: use a point for decimals (72.5); a comma only separates '
            "thousands in groups of three (1,234.5)",
        ),
        (
            "1,23",
            '"1,23" is not a number: use a point for decimals (1.23); a comma only separates '
            "thousands in groups of three (1,234.5)",
        ),
        (
            "12,34,567",
            '"12,34,567" is not a number: use a point for decimals; a comma only separates '
            "thousands in groups of three (1,234.5)",
        ),
        ("สิบ", '"สิบ" is not a number; write digits, e.g. 72.5 or 1,234'),
        ("", '"" is not a number; write digits, e.g. 72.5 or 1,234'),
    ],
)
def test_numbers_that_are_not_numbers_are_refused_with_what_to_write(typed, message):
    with pytest.raises(TypedNumberError) as caught:
        parse_typed_number(typed)
    assert str(caught.value) == message


def test_typed_numbers_are_read_in_the_data():
    text = SEED_YAML.replace("weight: 4", 'weight: "๔"')
    assert loads(text).indicator.weight == 4


def test_a_step_at_100_percent_that_is_not_done_is_an_error():
    text = SEED_YAML.replace(
        "- step: 5\n      done: true", "- step: 5\n      done: false\n      progress: 1"
    )
    with pytest.raises(DataError) as caught:
        loads(text)
    assert any(
        "step 5 has progress 1 (100%) but done: false" in p.message for p in caught.value.problems
    )


def test_an_indicator_in_an_undeclared_dimension_names_both():
    text = SEED_YAML.replace(
        "  as_of: 2007-09-30",
        '  as_of: 2007-09-30\n  dimensions:\n    - {code: "1", name: "มิติที่ 1"}',
    )
    with pytest.raises(DataError) as caught:
        loads(text)
    (problem,) = caught.value.problems
    assert problem.path == "indicator.code"
    assert problem.message.startswith(
        "indicator 3.2 is in dimension '3' (from its code '3.2'; give dimension: to choose), "
        "which report.dimensions does not declare (it declares '1')"
    )
