"""What a template sees: the validated data plus computed scores and Thai texts.

The view objects are plain frozen dataclasses, so templates (sandboxed) can
read fields but reach no methods of the model or of pydantic. Field names are
the data contract's, with computed fields added beside them.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen import thai
from docgen.engine.richtext import RichText
from docgen.report import pictures
from docgen.report.agreement import (
    SignerView,
    SignOffView,
    dimension_groups,
    in_code_order,
    sign_off_view,
    subtotal,
)
from docgen.report.model import (
    STATUS_TEXT,
    Indicator,
    MilestoneScoring,
    Person,
    Report,
    ReportInfo,
)
from docgen.report.pictures import EvidenceView, evidence_views, indicator_path
from docgen.report.scoring import ReportScore, Score, score_indicator, score_report


@dataclass(frozen=True)
class PersonView:
    name: str
    position: str | None


@dataclass(frozen=True)
class StepView:
    """One milestone step: its definition and what the results say of it."""

    number: int = field(metadata={"doc": "ขั้นตอนที่: 1..5"})
    definition: RichText = field(
        metadata={"doc": "The step's definition from scoring.steps (rich text)"}
    )
    done: bool
    progress: Decimal | None
    detail: RichText


@dataclass(frozen=True)
class ScoringView:
    method: str
    steps: list[RichText]
    unit: str | None
    targets: list[Decimal]
    higher_is_better: bool


@dataclass(frozen=True)
class ResultView:
    value: Decimal | None
    steps: list[StepView] = field(metadata={"doc": "The same five rows as indicator.steps"})


@dataclass(frozen=True)
class ReportView:
    fiscal_year: int
    round: int
    organization: str | None
    as_of: dt.date | None
    round_label: str = field(metadata={"doc": "The round as headings name it"})
    period_text: str = field(metadata={"doc": "The dates the round covers, in words"})
    period_start: dt.date = field(metadata={"doc": "First day of the round"})
    period_end: dt.date = field(metadata={"doc": "Last day of the round"})


@dataclass(frozen=True)
class IndicatorView:
    code: str
    name: str
    supervisors: list[PersonView]
    supervisor_phone: str | None
    collectors: list[PersonView]
    collector_phone: str | None
    description: RichText
    weight: Decimal
    scoring: ScoringView
    result: ResultView
    explanation: RichText
    supporting_factors: RichText
    obstacles: RichText
    evidence: list[EvidenceView]  # each prints its text; .image is its photo
    expected_score: Decimal | None
    # computed
    is_milestone: bool = field(metadata={"doc": "Whether scoring.method is milestone"})
    steps: list[StepView] = field(
        metadata={"doc": "Milestone: always five rows, one per step; empty otherwise"}
    )
    criteria: list[str] = field(metadata={"doc": "The five texts under ระดับ 1..5"})
    level: int | None = field(metadata={"doc": "The level reached, 0..5; empty if not assessed"})
    score: Decimal | None = field(
        metadata={"doc": "ค่าคะแนนที่ได้, exact; print it with the score filter; empty if not assessed"}
    )
    weighted_score: Decimal | None = field(
        metadata={"doc": "ค่าคะแนนถ่วงน้ำหนัก = weight x score / 100; empty if not assessed"}
    )
    result_text: str = field(
        metadata={
            "doc": "ผลการดำเนินงาน column: the level, or the value with its unit; "
            "the status when not assessed"
        }
    )
    score_explanation: str = field(metadata={"doc": "How the score was reached, in words"})
    unit_text: str = field(metadata={"doc": "หน่วยวัด column: the unit, or ระดับ for a milestone"})
    targets_text: list[str] = field(
        metadata={"doc": "The summary's five criteria columns: the targets, or 1..5"}
    )
    result_figure: str = field(
        metadata={
            "doc": "The summary's ผลการดำเนินงาน: the level or the value without its unit; "
            "the status when not assessed"
        }
    )
    status: str = field(metadata={"doc": "assessed, not_assessed or cancelled"})
    assessed: bool = field(metadata={"doc": "Whether the indicator is scored in this round"})
    status_text: str = field(metadata={"doc": "ไม่ประเมินในรอบนี้ or ยกเลิก; empty when assessed"})
    dimension: str = field(
        metadata={"doc": "มิติ: the dimension given, or the code's part before the first dot"}
    )


@dataclass(frozen=True)
class GroupView:
    """One dimension (มิติ) of the summary with its indicators and subtotals."""

    code: str | None = field(metadata={"doc": "The dimension's code; empty without dimensions"})
    name: str | None = field(metadata={"doc": "The dimension's name; empty without dimensions"})
    indicators: list[IndicatorView] = field(metadata={"doc": "Its indicators, in code order"})
    total_weight: Decimal = field(metadata={"doc": "The sum of its indicators' weights"})
    weighted_total: Decimal = field(
        metadata={"doc": "The sum of its assessed indicators' weighted scores"}
    )


@dataclass(frozen=True)
class SummaryView:
    """The report summary: every indicator with its figures, and the composite."""

    indicators: list[IndicatorView] = field(metadata={"doc": "In code order (1.2 before 1.10)"})
    count: int = field(metadata={"doc": "How many indicators"})
    total_weight: Decimal = field(metadata={"doc": "The sum of the weights; 100 in a full report"})
    weights_complete: bool = field(metadata={"doc": "Whether total_weight is 100"})
    composite: Decimal | None = field(
        metadata={
            "doc": "คะแนนรวม: Σ(weight x score) / Σ(weight) over the assessed indicators; "
            "empty when none is assessed"
        }
    )
    groups: list[GroupView] = field(
        metadata={"doc": "The dimensions in code order; one group without a name if none"}
    )
    has_dimensions: bool = field(metadata={"doc": "Whether the report declares dimensions"})
    weighted_total: Decimal = field(
        metadata={"doc": "The sum of the assessed indicators' weighted scores"}
    )
    assessed_weight: Decimal = field(
        metadata={"doc": "The sum of the assessed indicators' weights"}
    )
    all_assessed: bool = field(metadata={"doc": "Whether every indicator is assessed"})
    composite_note: str = field(
        metadata={"doc": "Said next to the composite when some indicators are not assessed"}
    )


#: Every view a template can reach; anything else it sees is a plain value.
VIEWS = (
    ReportView,
    IndicatorView,
    PersonView,
    StepView,
    ScoringView,
    ResultView,
    SummaryView,
    GroupView,
    SignOffView,
    SignerView,
)


def _people(people: list[Person]) -> list[PersonView]:
    return [PersonView(p.name, p.position) for p in people]


@functools.lru_cache(maxsize=1024)
def _number(value: Decimal, places: int | None = None) -> str:
    """A figure as the form prints it; formatted once per value, as offices share targets
    (equal values print alike whatever their trailing zeros: the result is rounded)."""
    return thai.format_number(value, places, grouping=True)


@functools.lru_cache(maxsize=1024)
def _rich(source: str | None) -> RichText:
    """Rich text, parsed once per text: in a batch every office's report of an
    indicator repeats its description and step definitions. RichText is immutable.

    Room for a round's definitions (twenty indicators, six texts each) and the texts
    of the offices' own that pass between two reports of one indicator."""
    return RichText.parse(source)


def _steps(indicator: Indicator) -> list[StepView]:
    scoring = indicator.scoring
    if not isinstance(scoring, MilestoneScoring):
        return []
    results = {item.step: item for item in indicator.result.steps or []}
    rows = []
    for number, definition in enumerate(scoring.steps, start=1):
        item = results.get(number)
        rows.append(
            StepView(
                number=number,
                definition=_rich(definition),
                done=bool(item and item.done),
                progress=item.progress if item else None,
                detail=_rich(item.detail if item else ""),
            )
        )
    return rows


def _decimals(value: Decimal) -> int:
    return max(0, -int(value.normalize().as_tuple().exponent))


def _criteria(indicator: Indicator) -> list[str]:
    """ระดับ 1..5: the steps to complete, or the targets with their unit.

    Targets share one number of decimals (3.0, 3.3, 3.6), as a table of figures does.
    """
    scoring = indicator.scoring
    if isinstance(scoring, MilestoneScoring):
        return ["ขั้นตอนที่ " + "+".join(str(n) for n in range(1, level + 1)) for level in range(1, 6)]
    places = max(_decimals(target) for target in scoring.targets)
    return [thai.with_unit(_number(target, places), scoring.unit) for target in scoring.targets]


def _targets_text(indicator: Indicator) -> list[str]:
    """The summary's criteria columns: the five targets (one number of decimals, the
    unit in its own column), or the levels 1..5 of a milestone."""
    scoring = indicator.scoring
    if isinstance(scoring, MilestoneScoring):
        return [str(level) for level in range(1, 6)]
    places = max(_decimals(target) for target in scoring.targets)
    return [_number(target, places) for target in scoring.targets]


def _result_figure(indicator: Indicator, score: Score) -> str:
    """The summary's ผลการดำเนินงาน: the level, or the value (its unit has a column)."""
    if not score.assessed:
        return STATUS_TEXT[score.status]
    if indicator.result.value is None:
        return str(score.level)
    return _number(indicator.result.value)


def _result_text(indicator: Indicator, score: Score) -> str:
    """ผลการดำเนินงาน: the level reached, or the measured value with its unit."""
    scoring = indicator.scoring
    if not score.assessed:
        return STATUS_TEXT[score.status]
    if isinstance(scoring, MilestoneScoring):
        return str(score.level)
    assert indicator.result.value is not None  # an assessed quantitative indicator has one
    return thai.with_unit(_number(indicator.result.value), scoring.unit)


def indicator_view(
    indicator: Indicator,
    score: Score | None = None,
    folder: Path | None = None,
    where: str = "indicator",
) -> IndicatorView:
    score = score or score_indicator(indicator)
    scoring = indicator.scoring
    steps = _steps(indicator)
    milestone = isinstance(scoring, MilestoneScoring)
    return IndicatorView(
        code=indicator.code,
        name=indicator.name,
        supervisors=_people(indicator.supervisors),
        supervisor_phone=indicator.supervisor_phone,
        collectors=_people(indicator.collectors),
        collector_phone=indicator.collector_phone,
        description=_rich(indicator.description),
        weight=indicator.weight,
        scoring=ScoringView(
            method=scoring.method,
            steps=[_rich(s) for s in scoring.steps] if milestone else [],
            unit=None if milestone else scoring.unit,
            targets=[] if milestone else list(scoring.targets),
            higher_is_better=True if milestone else scoring.higher_is_better,
        ),
        result=ResultView(value=indicator.result.value, steps=steps),
        explanation=_rich(indicator.explanation),
        supporting_factors=_rich(indicator.supporting_factors),
        obstacles=_rich(indicator.obstacles),
        evidence=evidence_views(indicator, folder, where),
        expected_score=indicator.expected_score,
        is_milestone=milestone,
        steps=steps,
        criteria=_criteria(indicator),
        level=score.level,
        score=score.score,
        weighted_score=score.weighted,
        result_text=_result_text(indicator, score),
        score_explanation=score.explanation,
        unit_text="ระดับ" if milestone else scoring.unit,
        targets_text=_targets_text(indicator),
        result_figure=_result_figure(indicator, score),
        status=indicator.status,
        assessed=indicator.assessed,
        status_text=STATUS_TEXT[indicator.status],
        dimension=indicator.dimension_code,
    )


def report_view(info: ReportInfo) -> ReportView:
    period = thai.round_period(info.fiscal_year, info.round)
    return ReportView(
        fiscal_year=info.fiscal_year,
        round=info.round,
        organization=info.organization,
        as_of=info.as_of,
        round_label=thai.round_label(info.round),
        period_text=period.text,
        period_start=period.start,
        period_end=period.end,
    )


def indicator_context(report: Report, indicator: Indicator, score: Score | None = None) -> dict:
    """One indicator's document: ``report``, ``indicator``, ``sign_off``, ``image()``."""
    where = indicator_path(report, report.all_indicators.index(indicator))
    return {
        "report": report_view(report.report),
        "indicator": indicator_view(indicator, score, report.folder, where),
        "sign_off": pictures.signed(
            sign_off_view(indicator, report.report.sign_off, indicator.sign_off), report, where
        ),
        "image": pictures.image_function(report.folder),
    }


def summary_view(report: Report, report_score: ReportScore | None = None) -> SummaryView:
    indicators = report.all_indicators
    report_score = report_score or score_report(indicators)
    views = [
        indicator_view(indicator, score, report.folder, indicator_path(report, index))
        for index, (indicator, score) in enumerate(
            zip(indicators, report_score.scores, strict=True)
        )
    ]
    groups = [
        GroupView(
            code=plan.code,
            name=plan.name,
            indicators=[views[i] for i in plan.positions],
            total_weight=subtotal([views[i].weight for i in plan.positions]),
            weighted_total=subtotal([views[i].weighted_score for i in plan.positions]),
        )
        for plan in dimension_groups(indicators, report.report.dimensions)
    ]
    return SummaryView(
        indicators=[views[i] for i in in_code_order(indicators)],
        count=len(indicators),
        total_weight=report_score.total_weight,
        weights_complete=report_score.weights_complete,
        composite=report_score.composite,
        groups=groups,
        has_dimensions=bool(report.report.dimensions),
        weighted_total=subtotal([view.weighted_score for view in views]),
        assessed_weight=report_score.assessed_weight,
        all_assessed=report_score.all_assessed,
        composite_note=report_score.composite_note,
    )


def summary_context(report: Report, report_score: ReportScore | None = None) -> dict:
    """The context of a report's summary: ``report``, ``summary``, ``sign_off`` (the
    report's, over the defaults of the first indicator in code order) and ``image()``."""
    indicators = report.all_indicators
    first = indicators[in_code_order(indicators)[0]] if indicators else None
    return {
        "report": report_view(report.report),
        "summary": summary_view(report, report_score),
        "sign_off": pictures.signed(sign_off_view(first, report.report.sign_off), report),
        "image": pictures.image_function(report.folder),
    }


def view_fields(view: type) -> list[tuple[str, Any]]:
    """(name, type) of a view's fields, for the field reference."""
    return [(f.name, f.type) for f in fields(view)]
