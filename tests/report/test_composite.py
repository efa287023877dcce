"""The composite score over a round's assessed indicators (agreement.md, "The composite score")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from docgen.numbers import format_compact
from docgen.report.model import Indicator
from docgen.report.scoring import score_report

D = Decimal
UP = [60, 65, 70, 75, 80]


def quantitative(value: str | None, weight: str, status: str = "assessed") -> Indicator:
    """A quantitative indicator; value 80 scores 5, 72.5 scores 3.5, 60 scores 1."""
    data = {
        "code": "1",
        "name": "ตัวชี้วัด",
        "supervisors": [{"name": "ก"}],
        "collectors": [{"name": "ข"}],
        "weight": D(weight),
        "scoring": {"method": "quantitative", "unit": "ร้อยละ", "targets": UP},
        "status": status,
    }
    if value is not None:
        data["result"] = {"value": D(value)}
    return Indicator.model_validate(data)


# (id, indicators as (value, weight, status), composite, note, warning expected)
COMPOSITES = [
    (
        "all-assessed-is-the-sum-of-the-weighted-scores",
        [("80", "20", "assessed"), ("72.5", "30", "assessed"), ("60", "50", "assessed")],
        "2.55",  # 20x5/100 + 30x3.5/100 + 50x1/100 = 1 + 1.05 + 0.5
        "",
        False,
    ),
    (
        "one-not-assessed-is-normalised-over-the-rest",
        [("80", "20", "assessed"), ("72.5", "60", "assessed"), (None, "20", "not_assessed")],
        "3.875",  # (20x5 + 60x3.5) / 80 = 310 / 80
        "คิดจากตัวชี้วัดที่ประเมินในรอบนี้ น้ำหนักรวม 80",
        False,
    ),
    (
        "cancelled-is-left-out-like-not-assessed",
        [("60", "50", "assessed"), ("80", "25", "cancelled"), ("72.5", "25", "assessed")],
        "1.8333",  # (50x1 + 25x3.5) / 75 = 137.5 / 75
        "คิดจากตัวชี้วัดที่ประเมินในรอบนี้ น้ำหนักรวม 75",
        False,
    ),
    (
        "none-assessed-has-no-composite",
        [(None, "40", "not_assessed"), (None, "60", "cancelled")],
        None,
        "ไม่มีตัวชี้วัดที่ประเมินในรอบนี้",
        False,
    ),
    (
        "weights-not-100-stay-a-warning",
        [("80", "20", "assessed"), ("60", "30", "assessed")],
        "2.6",  # (20x5 + 30x1) / 50
        "",
        True,
    ),
]


@pytest.mark.parametrize(
    ("items", "composite", "note", "warns"),
    [c[1:] for c in COMPOSITES],
    ids=[c[0] for c in COMPOSITES],
)
def test_composite_over_assessed_indicators(items, composite, note, warns):
    indicators = [quantitative(value, weight, status) for value, weight, status in items]
    report = score_report(indicators)
    shown = None if report.composite is None else format_compact(report.composite)
    assert shown == composite
    assert report.composite_note == note
    assert (report.weight_warning is not None) is warns
    for indicator, score in zip(indicators, report.scores, strict=True):
        assert (score.score is None) is (indicator.status != "assessed")


def test_weights_warning_names_the_total_and_the_composite():
    report = score_report([quantitative("80", "20"), quantitative("60", "30")])
    assert report.weight_warning == (
        "the indicators' weights add up to 50, not 100, so the composite score 2.6 is not "
        "the score of a complete report; check each indicator's weight"
    )


def test_not_assessed_indicator_needs_no_result_and_explains_itself():
    score = score_report([quantitative(None, "10", "not_assessed")]).scores[0]
    assert (score.level, score.score, score.weighted) == (None, None, None)
    assert score.explanation == "ไม่ประเมินในรอบนี้ จึงไม่คิดคะแนน"
