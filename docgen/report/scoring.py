"""Scores as the performance agreement defines them, exactly (Decimal).

Pure functions over the validated model. Rounding happens only for display
(`docgen.numbers`), never inside a computation, so composites add up exactly.
Every computation runs in a decimal context of its own (`SCORE_CONTEXT`), so a
caller's `decimal.getcontext()` settings can never change a score. Products and
sums are exact; only a quotient that does not terminate (an interpolation over
a gap of 3) is carried to 50 significant digits, far beyond the 4 decimals any
table prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from docgen import thai
from docgen.numbers import format_compact
from docgen.report.model import (
    STATUS_TEXT,
    STEP_COUNT,
    Indicator,
    MilestoneScoring,
    QuantitativeScoring,
    StepResult,
)

MAX_SCORE = Decimal(5)
ZERO = Decimal(0)
HUNDRED = Decimal(100)
#: The weights of a complete report add up to this (ร้อยละ 100).
FULL_WEIGHT = HUNDRED
SCORE_CONTEXT = Context(prec=50, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Score:
    """An indicator's computed score and how it was reached.

    An indicator not assessed in the round (``status`` not_assessed or cancelled) has
    no level, score or weighted score (None): it is left out of the composite, never
    counted as a zero.
    """

    level: int | None  # whole level reached, 0..5
    score: Decimal | None  # 0..5, exact
    weighted: Decimal | None  # weight x score / 100, exact
    explanation: str  # short Thai sentence for the reader of the report
    status: str = "assessed"
    weight: Decimal | None = None  # the indicator's weight, for a composite of documents

    @property
    def assessed(self) -> bool:
        return self.status == "assessed"


@dataclass(frozen=True)
class ReportScore:
    """The scores of a report's indicators (in data order) and its composite."""

    scores: tuple[Score, ...]
    total_weight: Decimal  # of every listed indicator, assessed or not
    assessed_weight: Decimal  # of the assessed indicators: the composite's denominator
    #: คะแนนรวม = Σ(weight x score) / Σ(weight) over the assessed indicators, exact to
    #: 50 digits; None when no indicator is assessed.
    composite: Decimal | None

    @property
    def weights_complete(self) -> bool:
        """True when the weights add up to 100, as a full performance agreement's do."""
        return self.total_weight == FULL_WEIGHT

    @property
    def all_assessed(self) -> bool:
        return all(score.assessed for score in self.scores)

    @property
    def composite_note(self) -> str:
        """What the summary says next to the composite when some indicators are not assessed."""
        if self.all_assessed:
            return ""
        if self.composite is None:
            return "ไม่มีตัวชี้วัดที่ประเมินในรอบนี้"
        return f"คิดจากตัวชี้วัดที่ประเมินในรอบนี้ น้ำหนักรวม {format_compact(self.assessed_weight)}"

    @property
    def weight_warning(self) -> str | None:
        """What to tell the person running the report when the weights are not 100."""
        if self.weights_complete:
            return None
        shown = "none" if self.composite is None else format_compact(self.composite)
        return (
            f"the indicators' weights add up to {format_compact(self.total_weight)}, not 100, "
            f"so the composite score {shown} is not the score of a "
            "complete report; check each indicator's weight"
        )


def weighted_score(weight: Decimal, score: Decimal) -> Decimal:
    """ค่าคะแนนถ่วงน้ำหนัก: weight x score / 100.

    >>> weighted_score(Decimal(4), Decimal(5))
    Decimal('0.2')
    """
    digits = len(weight.as_tuple().digits) + len(score.as_tuple().digits)
    with localcontext(SCORE_CONTEXT, prec=max(SCORE_CONTEXT.prec, digits + 2)):
        return weight * score / HUNDRED  # exact: the product has room, /100 shifts digits


def composite_score(pairs: Sequence[tuple[Decimal, Decimal]]) -> Decimal | None:
    """คะแนนรวม: Σ(weight x score) / Σ(weight) over (weight, score) pairs of the assessed
    indicators; None when there are none. Weights of 100 in all give the sum of the
    weighted scores exactly.

    >>> composite_score([(Decimal(4), Decimal(5)), (Decimal(96), Decimal("1.25"))])
    Decimal('1.40')
    >>> composite_score([(Decimal(20), Decimal(5)), (Decimal(60), Decimal(3))])
    Decimal('3.5')
    >>> composite_score([]) is None
    True
    """
    if not pairs:
        return None
    total = exact_sum([weight for weight, _ in pairs])
    if total == 0:
        return None
    points = exact_sum([weighted_score(weight, score) for weight, score in pairs])
    with localcontext(SCORE_CONTEXT):
        return points * HUNDRED / total


def exact_sum(values: Sequence[Decimal]) -> Decimal:
    """The sum of `values` without rounding: the context is given as many digits as it needs.

    >>> exact_sum([Decimal("1E+30"), Decimal("0.0001")])
    Decimal('1000000000000000000000000000000.0001')
    """
    if not values:
        return ZERO
    top = max(value.adjusted() for value in values)
    bottom = min(int(value.as_tuple().exponent) for value in values)
    digits = top - bottom + len(str(len(values))) + 2
    with localcontext(SCORE_CONTEXT, prec=max(SCORE_CONTEXT.prec, digits)):
        return sum(values, ZERO)


def _steps_by_number(results: Sequence[StepResult] | None) -> dict[int, StepResult]:
    return {item.step: item for item in results or []}


def milestone_level(results: Sequence[StepResult] | None, step_count: int = 5) -> int:
    """Steps done in a row from step 1; steps 1, 2 and 4 done give level 2.

    >>> milestone_level([StepResult(step=1, done=True), StepResult(step=2, done=True)])
    2
    """
    by_number = _steps_by_number(results)
    level = 0
    while level < step_count and (item := by_number.get(level + 1)) and item.done:
        level += 1
    return level


def _next_step_progress(results: Sequence[StepResult] | None, level: int) -> Decimal:
    """The partial credit of the first step not done; progress on later steps counts for nothing."""
    following = _steps_by_number(results).get(level + 1)
    if following is None or following.progress is None:
        return ZERO
    return following.progress


def milestone_score(results: Sequence[StepResult] | None, step_count: int = 5) -> Decimal:
    """The level plus the progress of the next step (partial credit).

    >>> steps = [StepResult(step=n, done=True) for n in (1, 2, 3)]
    >>> milestone_score(steps + [StepResult(step=4, done=False, progress=Decimal("0.5"))])
    Decimal('3.5')
    """
    level = milestone_level(results, step_count)
    if level >= step_count:
        return Decimal(step_count)
    with localcontext(SCORE_CONTEXT):
        return Decimal(level) + _next_step_progress(results, level)


def _increasing(
    value: Decimal, targets: Sequence[Decimal], higher_is_better: bool
) -> tuple[Decimal, list[Decimal]]:
    """Lower is better mirrors higher is better: negate the value and the targets."""
    if higher_is_better:
        return value, list(targets)
    return -value, [-target for target in targets]


def quantitative_level(
    value: Decimal, targets: Sequence[Decimal], higher_is_better: bool = True
) -> int:
    """The highest level whose target the value reaches: 0 short of level 1, up to 5.

    >>> quantitative_level(Decimal("72.5"), [Decimal(n) for n in (60, 65, 70, 75, 80)])
    3
    """
    value, targets = _increasing(value, targets, higher_is_better)
    return sum(1 for target in targets if value >= target)


def quantitative_score(
    value: Decimal, targets: Sequence[Decimal], higher_is_better: bool = True
) -> Decimal:
    """Interpolate between the five targets; 5 at or past level 5, 0 short of level 1.

    >>> t = [Decimal(n) for n in (60, 65, 70, 75, 80)]
    >>> quantitative_score(Decimal("72.5"), t)
    Decimal('3.5')
    >>> quantitative_score(Decimal("17"), [Decimal(n) for n in (20, 18, 16, 14, 12)], False)
    Decimal('2.5')
    """
    level = quantitative_level(value, targets, higher_is_better)
    if level in (0, len(targets)):
        return Decimal(level)
    value, targets = _increasing(value, targets, higher_is_better)
    low, high = targets[level - 1], targets[level]
    with localcontext(SCORE_CONTEXT):
        return Decimal(level) + (value - low) / (high - low)


# --------------------------------------------------------------------------- explanations


def _percent(progress: Decimal) -> str:
    with localcontext(SCORE_CONTEXT):
        return format_compact(progress * HUNDRED)


def _milestone_explanation(results: Sequence[StepResult] | None, level: int, score: Decimal) -> str:
    """E.g. 'ดำเนินการแล้วเสร็จขั้นตอนที่ 1, 2, 4 แต่ขั้นตอนที่ 3 ยังไม่แล้วเสร็จ จึงได้ระดับ 2 ได้คะแนน 2'."""
    done = sorted(item.step for item in results or [] if item.done)
    if not done:
        text = "ยังไม่มีขั้นตอนที่ดำเนินการแล้วเสร็จ"
    elif level == len(done) == STEP_COUNT:
        return "ดำเนินการแล้วเสร็จครบทั้ง 5 ขั้นตอน จึงได้ระดับ 5 ได้คะแนน 5"
    else:
        text = "ดำเนินการแล้วเสร็จขั้นตอนที่ " + ", ".join(str(step) for step in done)
        if done[-1] > level:  # a later step is done, but the run from step 1 stops short
            text += f" แต่ขั้นตอนที่ {level + 1} ยังไม่แล้วเสร็จ"
    text += f" จึงได้ระดับ {level}"
    partial = score - level
    if partial > 0:
        return (
            f"{text} และขั้นตอนที่ {level + 1} คืบหน้าร้อยละ {_percent(partial)} "
            f"ได้คะแนน {level} + {format_compact(partial)} = {format_compact(score)}"
        )
    return f"{text} ได้คะแนน {format_compact(score)}"


def _quantitative_explanation(scoring: QuantitativeScoring, value: Decimal) -> str:
    """E.g. 'ผลการดำเนินงาน ร้อยละ 72.5 อยู่ระหว่างเป้าหมายระดับ 3 (ร้อยละ 70) และระดับ 4
    (ร้อยละ 75) ได้คะแนน 3 + (72.5 - 70) / (75 - 70) = 3.5'."""
    targets = scoring.targets
    level = quantitative_level(value, targets, scoring.higher_is_better)
    score = quantitative_score(value, targets, scoring.higher_is_better)

    def number(n: Decimal) -> str:
        return thai.format_number(n, grouping=True)

    def shown(n: Decimal) -> str:
        return thai.with_unit(number(n), scoring.unit)

    text = f"ผลการดำเนินงาน {shown(value)}"
    if not scoring.higher_is_better:
        text += " (ค่ายิ่งน้อยยิ่งดี)"
    if level == len(targets):
        return f"{text} ถึงเป้าหมายระดับ 5 ({shown(targets[-1])}) จึงได้คะแนน 5"
    if level == 0:
        return f"{text} ยังไม่ถึงเป้าหมายระดับ 1 ({shown(targets[0])}) จึงได้คะแนน 0"
    low, high = targets[level - 1], targets[level]
    if value == low:
        return f"{text} เท่ากับเป้าหมายระดับ {level} จึงได้คะแนน {level}"
    # The distance gone from the level's target over the distance to the next one.
    gone = (value, low) if scoring.higher_is_better else (low, value)
    span = (high, low) if scoring.higher_is_better else (low, high)
    return (
        f"{text} อยู่ระหว่างเป้าหมายระดับ {level} ({shown(low)}) และระดับ {level + 1} "
        f"({shown(high)}) ได้คะแนน {level} + ({number(gone[0])} - {number(gone[1])}) / "
        f"({number(span[0])} - {number(span[1])}) = {format_compact(score)}"
    )


def score_indicator(indicator: Indicator) -> Score:
    """Score one validated indicator by its method, with the Thai explanation."""
    if not indicator.assessed:
        text = STATUS_TEXT[indicator.status]
        return Score(None, None, None, f"{text} จึงไม่คิดคะแนน", indicator.status, indicator.weight)
    scoring = indicator.scoring
    if isinstance(scoring, MilestoneScoring):
        results = indicator.result.steps
        level = milestone_level(results, len(scoring.steps))
        score = milestone_score(results, len(scoring.steps))
        explanation = _milestone_explanation(results, level, score)
    else:
        assert isinstance(scoring, QuantitativeScoring)
        value = indicator.result.value
        assert value is not None  # guaranteed by validation
        score = quantitative_score(value, scoring.targets, scoring.higher_is_better)
        level = quantitative_level(value, scoring.targets, scoring.higher_is_better)
        explanation = _quantitative_explanation(scoring, value)
    return Score(
        level=level,
        score=score,
        weighted=weighted_score(indicator.weight, score),
        explanation=explanation,
        weight=indicator.weight,
    )


def score_report(indicators: Sequence[Indicator]) -> ReportScore:
    """Score every indicator of a report; the composite is over the assessed ones."""
    scores = tuple(score_indicator(indicator) for indicator in indicators)
    assessed = [
        (indicator.weight, score.score)
        for indicator, score in zip(indicators, scores, strict=True)
        if score.score is not None
    ]
    return ReportScore(
        scores=scores,
        total_weight=exact_sum([indicator.weight for indicator in indicators]),
        assessed_weight=exact_sum([weight for weight, _ in assessed]),
        composite=composite_score(assessed),
    )
