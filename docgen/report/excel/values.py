"""An indicator as the cells of one sheet row (export's side of the column map).

The values are those import reads back to the same data: numbers as numbers, the
steps done as ``1-3,5``, people one per line. The computed columns (level, score,
weighted score) come from the report's scoring and are ignored by import.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from docgen.numbers import display_round
from docgen.report.excel.cells import steps_text
from docgen.report.excel.columns import LEVEL_KEYS
from docgen.report.excel.rows import METHOD_NAMES, STATUS_NAMES
from docgen.report.model import Indicator, MilestoneScoring, Person
from docgen.report.scoring import Score

HUNDRED = Decimal(100)
#: Excel keeps 15 significant digits; a number with more is written as text, exactly.
EXCEL_DIGITS = 15


def excel_number(value: Decimal) -> Decimal | str:
    """A number Excel holds exactly, or its text when Excel would round it.

    >>> excel_number(Decimal("72.5")), excel_number(Decimal("0.1234567890123456"))
    (Decimal('72.5'), '0.1234567890123456')
    """
    if len(value.as_tuple().digits) > EXCEL_DIGITS:
        return format(value, "f")
    return value


def _people(people: list[Person]) -> tuple[str, str | None]:
    names = "\n".join(person.name for person in people)
    positions = [person.position or "" for person in people]
    return names, "\n".join(positions).rstrip("\n") or None


def row_values(indicator: Indicator, score: Score | None) -> dict[str, Any]:
    """The cells of `indicator`'s row by column key (None: an empty cell)."""
    scoring = indicator.scoring
    supervisors, supervisor_positions = _people(indicator.supervisors)
    collectors, collector_positions = _people(indicator.collectors)
    values: dict[str, Any] = {
        "code": indicator.code,
        "dimension": indicator.dimension_code,
        "name": indicator.name,
        "weight": excel_number(indicator.weight),
        "method": METHOD_NAMES[scoring.method],
        "supervisor": supervisors,
        "supervisor_position": supervisor_positions,
        "supervisor_phone": indicator.supervisor_phone,
        "collector": collectors,
        "collector_position": collector_positions,
        "collector_phone": indicator.collector_phone,
        "status": STATUS_NAMES[indicator.status],
    }
    if isinstance(scoring, MilestoneScoring):
        values.update(zip(LEVEL_KEYS, scoring.steps, strict=True))
        values.update(_milestone_result(indicator))
    else:
        values["unit"] = scoring.unit
        values["direction"] = "มากดี" if scoring.higher_is_better else "น้อยดี"
        values.update(zip(LEVEL_KEYS, map(excel_number, scoring.targets), strict=True))
        value = indicator.result.value
        values["result"] = None if value is None else excel_number(value)
    if score is not None and score.score is not None and score.weighted is not None:
        values["level"] = score.level
        values["score"] = display_round(score.score)
        values["weighted_score"] = display_round(score.weighted)
    return values


def _milestone_result(indicator: Indicator) -> dict[str, Any]:
    steps = indicator.result.steps or []
    done = {item.step for item in steps if item.done}
    upcoming = next((n for n in range(1, len(LEVEL_KEYS) + 1) if n not in done), None)
    progress = next(
        (item.progress for item in steps if item.step == upcoming and item.progress), None
    )
    return {
        "result": steps_text(done) or None,
        "next_step_progress": None if progress is None else excel_number(progress * HUNDRED),
    }
