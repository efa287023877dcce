"""Scores as an auditor checks them: every rule, its boundaries, and its Thai explanation."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.numbers import display_round, format_compact
from docgen.report.model import Indicator, StepResult
from docgen.report.scoring import (
    composite_score,
    milestone_level,
    milestone_score,
    quantitative_level,
    quantitative_score,
    score_indicator,
    score_report,
    weighted_score,
)

D = Decimal
UP = [D(n) for n in (60, 65, 70, 75, 80)]  # higher is better
DOWN = [D(n) for n in (20, 18, 16, 14, 12)]  # lower is better (days, say)


def steps(*spec) -> list[StepResult]:
    """steps(1, 2, (4, 0.5)): numbers are done steps, (number, progress) a step not done."""
    items = []
    for item in spec:
        if isinstance(item, tuple):
            items.append(StepResult(step=item[0], done=False, progress=D(str(item[1]))))
        else:
            items.append(StepResult(step=item, done=True))
    return items


def indicator(scoring: dict, result: dict, weight: str = "10", code: str = "1") -> Indicator:
    return Indicator.model_validate(
        {
            "code": code,
            "name": f"ตัวชี้วัด {code}",
            "supervisors": [{"name": "ก"}],
            "collectors": [{"name": "ข"}],
            "weight": D(weight),
            "scoring": scoring,
            "result": result,
        }
    )


def milestone(*spec, weight: str = "10") -> Indicator:
    results = [
        {"step": s.step, "done": s.done, **({"progress": s.progress} if s.progress else {})}
        for s in steps(*spec)
    ]
    return indicator(
        {"method": "milestone", "steps": [f"ขั้นที่ {n}" for n in range(1, 6)]},
        {"steps": results},
        weight,
    )


def quantitative(value, targets=UP, higher=True, unit="ร้อยละ", weight: str = "10") -> Indicator:
    return indicator(
        {"method": "quantitative", "unit": unit, "targets": targets, "higher_is_better": higher},
        {"value": D(str(value))},
        weight,
    )


# --------------------------------------------------------------------------- milestone

MILESTONE = [
    # (id, steps, level, score)
    ("nothing-listed", (), 0, "0"),
    ("step-1-progress-0", ((1, 0),), 0, "0"),
    ("step-1-progress-0.4", ((1, 0.4),), 0, "0.4"),
    ("step-1-progress-0.99", ((1, 0.99),), 0, "0.99"),
    ("step-1", (1,), 1, "1"),
    ("steps-1-2-4", (1, 2, 4), 2, "2"),
    ("steps-1-2-4-and-3-at-0.5", (1, 2, (3, 0.5), 4), 2, "2.5"),
    ("progress-beyond-the-next-step-counts-nothing", (1, 2, (4, 0.9)), 2, "2"),
    ("steps-1-3-and-4-at-0.5", (1, 2, 3, (4, 0.5)), 3, "3.5"),
    ("steps-1-3-and-4-at-0", (1, 2, 3, (4, 0)), 3, "3"),
    ("steps-2-5-without-1", (2, 3, 4, 5), 0, "0"),
    ("all-five", (1, 2, 3, 4, 5), 5, "5"),
    ("all-five-listed-out-of-order", (5, 3, 1, 4, 2), 5, "5"),
]


@pytest.mark.parametrize(
    ("spec", "level", "score"), [c[1:] for c in MILESTONE], ids=[c[0] for c in MILESTONE]
)
def test_milestone_level_and_score(spec, level, score):
    assert milestone_level(steps(*spec)) == level
    assert milestone_score(steps(*spec)) == D(score)
    computed = score_indicator(milestone(*spec))
    assert (computed.level, computed.score) == (level, D(score))


MILESTONE_EXPLAINED = [
    ((), "ยังไม่มีขั้นตอนที่ดำเนินการแล้วเสร็จ จึงได้ระดับ 0 ได้คะแนน 0"),
    (
        ((1, 0.4),),
        "ยังไม่มีขั้นตอนที่ดำเนินการแล้วเสร็จ จึงได้ระดับ 0 และขั้นตอนที่ 1 คืบหน้าร้อยละ 40 ได้คะแนน 0 + 0.4 = 0.4",
    ),
    (
        (1, 2, 4),
        "ดำเนินการแล้วเสร็จขั้นตอนที่ 1, 2, 4 แต่ขั้นตอนที่ 3 ยังไม่แล้วเสร็จ จึงได้ระดับ 2 ได้คะแนน 2",
    ),
    (
        (1, 2, 3, (4, 0.5)),
        "ดำเนินการแล้วเสร็จขั้นตอนที่ 1, 2, 3 จึงได้ระดับ 3 และขั้นตอนที่ 4 คืบหน้าร้อยละ 50 ได้คะแนน 3 + 0.5 = 3.5",
    ),
    (
        (2, 3),
        "ดำเนินการแล้วเสร็จขั้นตอนที่ 2, 3 แต่ขั้นตอนที่ 1 ยังไม่แล้วเสร็จ จึงได้ระดับ 0 ได้คะแนน 0",
    ),
    ((1, 2, 3, 4, 5), "ดำเนินการแล้วเสร็จครบทั้ง 5 ขั้นตอน จึงได้ระดับ 5 ได้คะแนน 5"),
]


@pytest.mark.parametrize(("spec", "explanation"), MILESTONE_EXPLAINED)
def test_milestone_explanation_says_which_steps_count(spec, explanation):
    assert score_indicator(milestone(*spec)).explanation == explanation


# --------------------------------------------------------------------------- quantitative

QUANTITATIVE = [
    # (id, value, targets, higher_is_better, level, score)
    ("far-below-level-1", "-5", UP, True, 0, "0"),
    ("just-below-level-1", "59.99", UP, True, 0, "0"),
    *[(f"on-target-{n}", str(UP[n - 1]), UP, True, n, str(n)) for n in range(1, 6)],
    ("between-1-and-2", "62.5", UP, True, 1, "1.5"),
    ("between-3-and-4", "72.5", UP, True, 3, "3.5"),
    ("just-below-level-5", "79.99", UP, True, 4, "4.998"),
    ("just-above-level-5", "80.01", UP, True, 5, "5"),
    ("far-above-level-5", "1000", UP, True, 5, "5"),
    ("lower-worse-than-level-1", "20.5", DOWN, False, 0, "0"),
    *[(f"lower-on-target-{n}", str(DOWN[n - 1]), DOWN, False, n, str(n)) for n in range(1, 6)],
    ("lower-between-2-and-3", "17", DOWN, False, 2, "2.5"),
    ("lower-between-4-and-5", "13", DOWN, False, 4, "4.5"),
    ("lower-better-than-level-5", "0", DOWN, False, 5, "5"),
    ("rounding-at-the-5th-decimal", "3.33335", [D(n) for n in (1, 2, 3, 4, 5)], True, 3, "3.33335"),
]


@pytest.mark.parametrize(
    ("value", "targets", "higher", "level", "score"),
    [c[1:] for c in QUANTITATIVE],
    ids=[c[0] for c in QUANTITATIVE],
)
def test_quantitative_level_and_score(value, targets, higher, level, score):
    assert quantitative_level(D(value), targets, higher) == level
    assert quantitative_score(D(value), targets, higher) == D(score)
    computed = score_indicator(quantitative(value, targets, higher))
    assert (computed.level, computed.score) == (level, D(score))


QUANTITATIVE_EXPLAINED = [
    (
        "72.5",
        UP,
        True,
        "ร้อยละ",
        "ผลการดำเนินงาน ร้อยละ 72.5 อยู่ระหว่างเป้าหมายระดับ 3 (ร้อยละ 70) และระดับ 4 "
        "(ร้อยละ 75) ได้คะแนน 3 + (72.5 - 70) / (75 - 70) = 3.5",
    ),
    (
        "17",
        DOWN,
        False,
        "วัน",
        "ผลการดำเนินงาน 17 วัน (ค่ายิ่งน้อยยิ่งดี) อยู่ระหว่างเป้าหมายระดับ 2 (18 วัน) และระดับ 3 "
        "(16 วัน) ได้คะแนน 2 + (18 - 17) / (18 - 16) = 2.5",
    ),
    ("70", UP, True, "ร้อยละ", "ผลการดำเนินงาน ร้อยละ 70 เท่ากับเป้าหมายระดับ 3 จึงได้คะแนน 3"),
    (
        "59",
        UP,
        True,
        "ร้อยละ",
        "ผลการดำเนินงาน ร้อยละ 59 ยังไม่ถึงเป้าหมายระดับ 1 (ร้อยละ 60) จึงได้คะแนน 0",
    ),
    (
        "11",
        DOWN,
        False,
        "วัน",
        "ผลการดำเนินงาน 11 วัน (ค่ายิ่งน้อยยิ่งดี) ถึงเป้าหมายระดับ 5 (12 วัน) จึงได้คะแนน 5",
    ),
    (
        "1250000",
        [D(n) for n in (1_000_000, 1_100_000, 1_200_000, 1_300_000, 1_400_000)],
        True,
        "บาท",
        "ผลการดำเนินงาน 1,250,000 บาท อยู่ระหว่างเป้าหมายระดับ 3 (1,200,000 บาท) และระดับ 4 "
        "(1,300,000 บาท) ได้คะแนน 3 + (1,250,000 - 1,200,000) / (1,300,000 - 1,200,000) = 3.5",
    ),
]


@pytest.mark.parametrize(
    ("value", "targets", "higher", "unit", "explanation"), QUANTITATIVE_EXPLAINED
)
def test_quantitative_explanation_says_between_which_targets(
    value, targets, higher, unit, explanation
):
    assert score_indicator(quantitative(value, targets, higher, unit)).explanation == explanation


TIES = [
    ("above-level-5", quantitative("80"), quantitative("95")),
    ("below-level-1", quantitative("0"), quantitative("59.999")),
    ("milestone-gap-after-step-2", milestone(1, 2), milestone(1, 2, 4, 5)),
    ("mirrored-lower-is-better", quantitative("72.5"), quantitative("15", DOWN, False)),
    ("milestone-and-quantitative", milestone(1, 2, 3, (4, 0.5)), quantitative("72.5")),
]


@pytest.mark.parametrize(("first", "second"), [c[1:] for c in TIES], ids=[c[0] for c in TIES])
def test_equal_scores_from_different_results(first, second):
    a, b = score_indicator(first), score_indicator(second)
    assert (a.level, a.score, a.weighted) == (b.level, b.score, b.weighted)


# --------------------------------------------------------------------------- weighted, composite

WEIGHTED = [
    # (weight, score, weighted exactly, shown with 4 decimals)
    ("4", "5", "0.2", "0.2000"),
    ("0.5", "5", "0.025", "0.0250"),
    ("0.5", "3.5", "0.0175", "0.0175"),
    ("100", "5", "5", "5.0000"),
    ("100", "3.33335", "3.33335", "3.3334"),
    ("100", "3.33345", "3.33345", "3.3335"),  # half-up, not half-even (3.3334)
    ("100", "0.00005", "0.00005", "0.0001"),
    ("12.5", "0", "0", "0.0000"),
]


@pytest.mark.parametrize(("weight", "score", "weighted", "shown"), WEIGHTED)
def test_weighted_score_and_its_display(weight, score, weighted, shown):
    exact = weighted_score(D(weight), D(score))
    assert exact == D(weighted)
    assert str(display_round(exact)) == shown


def test_non_terminating_score_keeps_its_digits_until_display():
    # 64 between 63 and 66: 2 + 1/3
    score = quantitative_score(D(64), [D(n) for n in (60, 63, 66, 69, 72)])
    assert str(display_round(score)) == "2.3333"
    assert format_compact(weighted_score(D(6), score)) == "0.14"
    assert abs(Fraction(score) - Fraction(7, 3)) < Fraction(1, 10**45)


def test_the_callers_decimal_context_does_not_change_a_score():
    expected = quantitative_score(D(64), [D(n) for n in (60, 63, 66, 69, 72)])
    with localcontext(prec=3, rounding=ROUND_DOWN):
        assert quantitative_score(D(64), [D(n) for n in (60, 63, 66, 69, 72)]) == expected
        assert weighted_score(D("12.5"), D("3.33335")) == D("0.41666875")


@pytest.mark.parametrize(
    ("weights", "complete", "warning"),
    [
        (["20", "30", "50"], True, None),
        (["100"], True, None),
        (
            ["20", "30", "45.5"],
            False,
            "the indicators' weights add up to 95.5, not 100, so the composite score 5 "
            "is not the score of a complete report; check each indicator's weight",
        ),
        (
            ["60", "60"],
            False,
            "the indicators' weights add up to 120, not 100, so the composite score 5 "
            "is not the score of a complete report; check each indicator's weight",
        ),
    ],
)
def test_report_composite_and_weights_warning(weights, complete, warning):
    indicators = [quantitative("90", weight=w) for w in weights]  # 5 each
    report = score_report(indicators)
    assert report.total_weight == sum(D(w) for w in weights)
    assert report.composite == 5  # Σ(w x s) / Σw: every score is 5, whatever the weights
    assert report.weights_complete is complete
    assert report.weight_warning == warning


# --------------------------------------------------------------------------- properties

numbers = st.decimals(min_value=-10_000, max_value=10_000, places=3)
targets_up = st.lists(numbers, min_size=5, max_size=5, unique=True).map(sorted)


def exact_score(value: Decimal, targets: list[Decimal], higher: bool) -> Fraction:
    """The definition, in exact fractions: an oracle independent of the Decimal code."""
    v, ts = (Fraction(value), [Fraction(t) for t in targets])
    if not higher:
        v, ts = -v, [-t for t in ts]
    if v >= ts[-1]:
        return Fraction(5)
    if v < ts[0]:
        return Fraction(0)
    i = max(i for i in range(5) if v >= ts[i])
    return i + 1 + (v - ts[i]) / (ts[i + 1] - ts[i])


@given(value=numbers, targets=targets_up, higher=st.booleans())
def test_property_score_is_within_0_and_5_and_matches_exact_fractions(value, targets, higher):
    ordered = targets if higher else targets[::-1]
    score = quantitative_score(value, ordered, higher)
    assert 0 <= score <= 5
    assert abs(Fraction(score) - exact_score(value, ordered, higher)) < Fraction(1, 10**40)


@given(a=numbers, b=numbers, targets=targets_up, higher=st.booleans())
def test_property_score_is_monotone_in_the_value(a, b, targets, higher):
    low, high = sorted((a, b))
    ordered = targets if higher else targets[::-1]
    first, second = (
        quantitative_score(low, ordered, higher),
        quantitative_score(high, ordered, higher),
    )
    assert first <= second if higher else first >= second


@given(
    items=st.lists(
        st.tuples(
            st.decimals(min_value="0.5", max_value=100, places=1),
            numbers,
            targets_up,
        ),
        min_size=1,
        max_size=8,
    )
)
def test_property_composite_is_the_weighted_mean_of_the_scores(items):
    indicators = [
        quantitative(value, targets, weight=str(weight)) for weight, value, targets in items
    ]
    report = score_report(indicators)
    pairs = [(i.weight, score_indicator(i).score) for i in indicators]
    assert report.composite == composite_score(pairs)
    points = sum(Fraction(w) * exact_score(v, t, True) for w, v, t in items)
    exact = points / sum(Fraction(w) for w, _, _ in items)
    assert abs(Fraction(report.composite) - exact) < Fraction(1, 10**40)
    if sum(Fraction(w) for w, _, _ in items) == 100:  # a full report: the plain sum, exactly
        with localcontext(prec=500):
            assert report.composite == sum((score_indicator(i).weighted for i in indicators), D(0))
