"""Scores as the performance agreement defines them, exactly (Decimal).

Pure functions over the validated model. Rounding happens only for display
(`display_round`), never inside a computation, so composites add up exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import Indicator, MilestoneScoring, QuantitativeScoring, StepResult

MAX_SCORE = Decimal(5)
ZERO = Decimal(0)
HUNDRED = Decimal(100)
DISPLAY_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Score:
    """An indicator's computed score and how it was reached."""

    level: int  # whole level reached, 0..5
    score: Decimal  # 0..5, exact
    weighted: Decimal  # weight x score / 100, exact
    explanation: str  # short Thai sentence for the reader of the report


def display_round(value: Decimal) -> Decimal:
    """Round half-up to 4 decimals, as official tables print scores.

    >>> display_round(Decimal("3.33335"))
    Decimal('3.3334')
    >>> display_round(Decimal("0.2"))
    Decimal('0.2000')
    """
    return value.quantize(DISPLAY_PLACES, rounding=ROUND_HALF_UP)


def weighted_score(weight: Decimal, score: Decimal) -> Decimal:
    """ค่าคะแนนถ่วงน้ำหนัก: weight x score / 100.

    >>> weighted_score(Decimal(4), Decimal(5))
    Decimal('0.2')
    """
    return weight * score / HUNDRED


def composite_score(weighted_scores: list[Decimal]) -> Decimal:
    """คะแนนรวม: the plain sum of the weighted scores.

    >>> composite_score([Decimal("0.2"), Decimal("1.25")])
    Decimal('1.45')
    """
    return sum(weighted_scores, ZERO)


def _steps_by_number(results: list[StepResult] | None) -> dict[int, StepResult]:
    return {item.step: item for item in results or []}


def milestone_level(results: list[StepResult] | None, step_count: int = 5) -> int:
    """Steps done in a row from step 1; steps 1, 2 and 4 done give level 2.

    >>> milestone_level([StepResult(step=1, done=True), StepResult(step=2, done=True)])
    2
    """
    by_number = _steps_by_number(results)
    level = 0
    while level < step_count and (item := by_number.get(level + 1)) and item.done:
        level += 1
    return level


def milestone_score(results: list[StepResult] | None, step_count: int = 5) -> Decimal:
    """The level plus the progress of the next step (partial credit).

    >>> steps = [StepResult(step=n, done=True) for n in (1, 2, 3)]
    >>> milestone_score(steps + [StepResult(step=4, done=False, progress=Decimal("0.5"))])
    Decimal('3.5')
    """
    level = milestone_level(results, step_count)
    if level >= step_count:
        return Decimal(step_count)
    following = _steps_by_number(results).get(level + 1)
    progress = following.progress if following and following.progress is not None else ZERO
    return Decimal(level) + progress


def quantitative_score(
    value: Decimal, targets: list[Decimal], higher_is_better: bool = True
) -> Decimal:
    """Interpolate between the five targets; 5 at or past level 5, 0 short of level 1.

    >>> t = [Decimal(n) for n in (60, 65, 70, 75, 80)]
    >>> quantitative_score(Decimal("72.5"), t)
    Decimal('3.5')
    >>> quantitative_score(Decimal("17"), [Decimal(n) for n in (20, 18, 16, 14, 12)], False)
    Decimal('2.5')
    """
    if not higher_is_better:
        # Mirror: negate value and targets so the ordering becomes increasing.
        return quantitative_score(-value, [-t for t in targets], True)
    if value >= targets[-1]:
        return MAX_SCORE
    if value < targets[0]:
        return ZERO
    for index in range(len(targets) - 1):
        low, high = targets[index], targets[index + 1]
        if low <= value < high:
            return Decimal(index + 1) + (value - low) / (high - low)
    raise AssertionError("unreachable: targets are strictly ordered")


def _format(value: Decimal) -> str:
    text = format(display_round(value).normalize(), "f")
    return text


def _milestone_explanation(indicator: Indicator, level: int, score: Decimal) -> str:
    done = [item.step for item in indicator.result.steps or [] if item.done]
    if not done:
        return "ยังไม่มีขั้นตอนที่ดำเนินการแล้วเสร็จ ได้คะแนน 0"
    done_text = ", ".join(str(step) for step in sorted(done))
    text = f"ดำเนินการแล้วเสร็จขั้นตอนที่ {done_text}"
    if level == 0:
        text += " แต่ขั้นตอนที่ 1 ยังไม่เสร็จ จึงได้ระดับ 0"
    else:
        text += f" ต่อเนื่องถึงขั้นตอนที่ {level} จึงได้ระดับ {level}"
    partial = score - level
    if partial > 0:
        text += f" และขั้นตอนที่ {level + 1} คืบหน้า {_format(partial)} ได้คะแนน {_format(score)}"
    else:
        text += f" ได้คะแนน {_format(score)}"
    return text


def _quantitative_explanation(scoring: QuantitativeScoring, value: Decimal, score: Decimal) -> str:
    unit = scoring.unit
    targets = scoring.targets
    shown = f"{_format(value)} {unit}"
    if score >= MAX_SCORE:
        return f"ผลการดำเนินงาน {shown} ถึงเป้าหมายระดับ 5 ({_format(targets[-1])}) ได้คะแนน 5"
    if score <= ZERO:
        return f"ผลการดำเนินงาน {shown} ไม่ถึงเป้าหมายระดับ 1 ({_format(targets[0])}) ได้คะแนน 0"
    level = int(score)
    low, high = targets[level - 1], targets[level]
    return (
        f"ผลการดำเนินงาน {shown} อยู่ระหว่างเป้าหมายระดับ {level} ({_format(low)}) "
        f"และระดับ {level + 1} ({_format(high)}) ได้คะแนน {_format(score)}"
    )


def score_indicator(indicator: Indicator) -> Score:
    """Score one validated indicator by its method."""
    scoring = indicator.scoring
    if isinstance(scoring, MilestoneScoring):
        results = indicator.result.steps
        level = milestone_level(results, len(scoring.steps))
        score = milestone_score(results, len(scoring.steps))
        explanation = _milestone_explanation(indicator, level, score)
    else:
        assert isinstance(scoring, QuantitativeScoring)
        value = indicator.result.value
        assert value is not None  # guaranteed by validation
        score = quantitative_score(value, scoring.targets, scoring.higher_is_better)
        level = int(score)
        explanation = _quantitative_explanation(scoring, value, score)
    return Score(
        level=level,
        score=score,
        weighted=weighted_score(indicator.weight, score),
        explanation=explanation,
    )
