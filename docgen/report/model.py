"""The data contract (shared/spec data-format) as validated Python objects.

Field names are the public interface: never rename or repurpose them. Numbers
become `Decimal` so that scores are exact; codes and phones stay strings.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema

from docgen import thai
from docgen.typed import parse_typed_number

STEP_COUNT = 5
TARGET_COUNT = 5


def _exact_decimal(value: Any) -> Any:
    """Numbers from YAML/JSON become Decimal through their shortest text, never binary."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("expected a finite number, not NaN or infinity")
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return parse_typed_number(value)  # 1,234.5 and Thai digits; 72,5 is refused
    return value


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("expected a finite number, not NaN or infinity")
    return value


Number = Annotated[Decimal, BeforeValidator(_exact_decimal)]


def _plain_text(value: Any) -> Any:
    """Codes and phones are text: 3.2 and 3.20 are different codes."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        raise ValueError(
            f'expected text in quotes, got the number {value!r}; write it as "{value}" '
            "so that it is kept exactly as written"
        )
    return value


Text = Annotated[str, BeforeValidator(_plain_text)]
RichTextSource = Annotated[
    str,
    BeforeValidator(lambda v: "" if v is None else v),
    WithJsonSchema({"type": ["string", "null"]}),  # an empty YAML value is empty text
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Person(_Strict):
    name: Text = Field(min_length=1, description="Full name with title, e.g. นายคุมพล บรรเทาทุกข์")
    position: Text | None = Field(default=None, description="Position, e.g. จวค. 8ว")


class StepResult(_Strict):
    step: int = Field(ge=1, le=STEP_COUNT, description="Step number, 1..5")
    done: bool = Field(description="Whether the step was completed")
    progress: Number | None = Field(
        default=None, ge=0, le=1, description="Partial credit of a step not done, 0..1"
    )
    detail: RichTextSource = Field(default="", description="What was done (rich text)")

    @model_validator(mode="after")
    def _full_progress_is_done(self) -> StepResult:
        if not self.done and self.progress is not None and self.progress >= 1:
            raise ValueError(
                f"step {self.step} has progress 1 (100%) but done: false; "
                "a step at 100% is done: write done: true"
            )
        return self


class Result(_Strict):
    steps: list[StepResult] | None = Field(
        default=None, description="Milestone: one entry per step that has anything to say"
    )
    value: Number | None = Field(default=None, description="Quantitative: the measured result")

    @field_validator("steps")
    @classmethod
    def _steps_unique(cls, steps: list[StepResult] | None) -> list[StepResult] | None:
        if steps:
            seen: set[int] = set()
            for item in steps:
                if item.step in seen:
                    raise ValueError(f"step {item.step} is listed twice")
                seen.add(item.step)
        return steps

    @field_validator("value")
    @classmethod
    def _value_finite(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else _finite(value)


def _exactly(count: int, what: str) -> Any:
    """A before-validator: a list of exactly `count` items, said in the data's own words."""

    def check(value: Any) -> Any:
        if isinstance(value, list) and len(value) != count:
            raise ValueError(f"expected exactly {count} {what}, got {len(value)}")
        return value

    return BeforeValidator(check)


class MilestoneScoring(_Strict):
    method: Literal["milestone"] = Field(description="milestone: levels are steps done in a row")
    steps: Annotated[list[RichTextSource], _exactly(STEP_COUNT, "steps (ขั้นตอนที่ 1 to 5)")] = Field(
        min_length=STEP_COUNT,
        max_length=STEP_COUNT,
        description="Exactly 5 step definitions, ขั้นตอนที่ 1..5",
    )


class QuantitativeScoring(_Strict):
    method: Literal["quantitative"] = Field(
        description="quantitative: the result is measured against five targets"
    )
    unit: Text = Field(min_length=1, description="Unit shown with targets and result, e.g. ร้อยละ")
    higher_is_better: bool = Field(default=True, description="false: smaller results are better")
    targets: Annotated[
        list[Number], _exactly(TARGET_COUNT, "targets (the values of levels 1 to 5)")
    ] = Field(
        min_length=TARGET_COUNT,
        max_length=TARGET_COUNT,
        description="The value that earns level 1, 2, 3, 4, 5",
    )

    @field_validator("unit", mode="before")
    @classmethod
    def _unit_not_blank(cls, unit: Any) -> Any:
        if isinstance(unit, str) and not unit.strip():
            raise ValueError(f"expected a unit such as ร้อยละ, วัน or บาท, got {unit!r}")
        return unit

    @field_validator("targets")
    @classmethod
    def _targets_ordered(cls, targets: list[Decimal], info: ValidationInfo) -> list[Decimal]:
        for target in targets:
            _finite(target)
        if "higher_is_better" not in info.data:
            return targets  # higher_is_better itself is wrong; that is the problem to report
        pairs = list(zip(targets, targets[1:], strict=False))
        if info.data["higher_is_better"]:
            if not all(a < b for a, b in pairs):
                raise ValueError(
                    "targets must be strictly increasing (level 1 to 5) when "
                    "higher_is_better is true"
                )
        elif not all(a > b for a, b in pairs):
            raise ValueError(
                "targets must be strictly decreasing (level 1 to 5) when higher_is_better is false"
            )
        return targets


Scoring = Annotated[MilestoneScoring | QuantitativeScoring, Field(discriminator="method")]

#: ``indicator.status``: assessed in this round (the default), or not and why.
Status = Literal["assessed", "not_assessed", "cancelled"]
STATUSES: tuple[str, ...] = ("assessed", "not_assessed", "cancelled")
#: How the form and the summary print a status other than assessed.
STATUS_TEXT = {"assessed": "", "not_assessed": "ไม่ประเมินในรอบนี้", "cancelled": "ยกเลิก"}
#: A report's as_of may fall this many days after its round's last day (late reports).
AS_OF_GRACE_DAYS = 90


class Signer(_Strict):
    name: Text | None = Field(default=None, description="Full name with title")
    position: Text | None = Field(default=None, description="Position, e.g. จวค. 8ว")
    date: dt.date | None = Field(
        default=None, description="ISO date of signing; missing prints a dotted line"
    )
    signature: Text | None = Field(
        default=None,
        description="A picture of the signature (PNG or JPEG) in the data file's folder, "
        "e.g. signatures/name.png",
    )


class SignOff(_Strict):
    """การลงนามรับรอง: who reports and who certifies, overriding the defaults."""

    reporter: Signer | None = Field(
        default=None, description="ผู้รายงาน; default: the first collector"
    )
    certifier: Signer | None = Field(
        default=None, description="ผู้รับรองข้อมูล; default: the first supervisor"
    )


class EvidenceItem(_Strict):
    """One line of หลักฐานอ้างอิง with a photo printed under it."""

    text: Text = Field(min_length=1, description="The evidence, as the list shows it")
    image: Text | None = Field(
        default=None,
        description="A photo (PNG or JPEG) in the data file's folder, e.g. photos/a.jpg",
    )


class Dimension(_Strict):
    code: Text = Field(min_length=1, description='มิติ, e.g. "1"')
    name: Text = Field(min_length=1, description="The dimension's name")


class Indicator(_Strict):
    code: Text = Field(min_length=1, description='ตัวชี้วัดที่, e.g. "3.2"')
    name: Text = Field(min_length=1, description="The indicator's name")
    supervisors: list[Person] = Field(min_length=1, description="ผู้กำกับดูแลตัวชี้วัด")
    supervisor_phone: Text | None = Field(default=None, description="Kept as written")
    collectors: list[Person] = Field(min_length=1, description="ผู้จัดเก็บตัวชี้วัด")
    collector_phone: Text | None = Field(default=None, description="Kept as written")
    description: RichTextSource = Field(default="", description="คำอธิบาย (rich text)")
    weight: Number = Field(gt=0, le=100, description="น้ำหนัก (ร้อยละ), 0 < weight <= 100")
    scoring: Scoring = Field(description="เกณฑ์การให้คะแนน: milestone steps or quantitative targets")
    result: Result = Field(default_factory=Result, description="ผลการดำเนินงาน")
    explanation: RichTextSource = Field(default="", description="คำชี้แจงการปฏิบัติงาน (rich text)")
    supporting_factors: RichTextSource = Field(default="", description="ปัจจัยสนับสนุน (rich text)")
    obstacles: RichTextSource = Field(default="", description="อุปสรรค; empty prints - ไม่มี -")
    evidence: list[Text | EvidenceItem] = Field(
        default_factory=list, description="หลักฐานอ้างอิง: text, or {text, image} with a photo"
    )
    expected_score: Number | None = Field(
        default=None, description="The score the clerk believes is right; checked"
    )
    status: Status = Field(
        default="assessed",
        description="assessed (default), not_assessed (ไม่ประเมินในรอบนี้) or cancelled (ยกเลิก)",
    )
    dimension: Text | None = Field(
        default=None, description="มิติ; default: the code's part before the first dot"
    )
    sign_off: SignOff | None = Field(
        default=None, description="This indicator's signatures, over the report's"
    )

    @property
    def assessed(self) -> bool:
        """Whether the indicator is scored in this round (and counts in the composite)."""
        return self.status == "assessed"

    @property
    def dimension_code(self) -> str:
        """The dimension given, or the code's part before the first dot ("3" of "3.2")."""
        return self.dimension if self.dimension is not None else self.code.split(".", 1)[0]

    @model_validator(mode="after")
    def _result_matches_method(self) -> Indicator:
        if isinstance(self.scoring, MilestoneScoring) and self.result.value is not None:
            raise ValueError(
                "result.value is for quantitative indicators; a milestone indicator "
                "reports result.steps"
            )
        if isinstance(self.scoring, QuantitativeScoring):
            if self.result.steps:
                raise ValueError(
                    "result.steps is for milestone indicators; a quantitative indicator "
                    "reports result.value"
                )
            if self.result.value is None and self.assessed:
                raise ValueError("a quantitative indicator needs result.value (a number)")
        return self


class ReportInfo(_Strict):
    fiscal_year: int = Field(ge=2400, le=2700, description="ปีงบประมาณ, Buddhist Era")
    round: Literal[3, 6, 9, 12] = Field(description="รอบการรายงาน in months: 3, 6, 9 or 12")
    organization: Text | None = Field(default=None, description="The reporting office")
    as_of: dt.date | None = Field(
        default=None,
        description="ISO date, shown as พ.ศ.; from the fiscal year's first day to 90 days "
        "after the round's last",
    )
    dimensions: list[Dimension] | None = Field(
        default=None, description="มิติ: the summary groups its rows under them, in code order"
    )
    sign_off: SignOff | None = Field(
        default=None, description="Signatures on the summary and every form"
    )

    @field_validator("as_of")
    @classmethod
    def _as_of_in_range(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if value is None:
            return value
        if not (dt.date(1900, 1, 1) <= value <= dt.date(2200, 12, 31)):
            raise ValueError(
                f"date {value.isoformat()} is out of range: docgen formats dates from "
                "1 Jan 1900 to 31 Dec 2200"
            )
        if "fiscal_year" in info.data and "round" in info.data:
            _check_as_of(value, info.data["fiscal_year"], info.data["round"])
        return value

    @field_validator("dimensions")
    @classmethod
    def _dimensions_unique(cls, dimensions: list[Dimension] | None) -> list[Dimension] | None:
        seen: set[str] = set()
        for dimension in dimensions or []:
            if dimension.code in seen:
                raise ValueError(f"dimension {dimension.code!r} is declared twice")
            seen.add(dimension.code)
        return dimensions


def _check_as_of(value: dt.date, fiscal_year: int, round_months: int) -> None:
    """A date outside the round is almost always typed in the wrong era (2012 for 2555)."""
    first, last = as_of_range(fiscal_year, round_months)
    if not first <= value <= last:
        raise ValueError(
            f"{value.isoformat()} ({_be(value)}) is outside round {round_months} "
            f"of fiscal year {fiscal_year}: expected a date from {_be(first)} "
            f"to {_be(last)} ({first.isoformat()} to {last.isoformat()}); "
            f"check the year: the data is in the Christian era, {thai.BE_OFFSET} years "
            "less than พ.ศ."
        )


def _be(day: dt.date) -> str:
    """A date in พ.ศ. words; dates before 1900 (fiscal years before 2444) in ISO form."""
    try:
        return thai.thai_date(day)
    except ValueError:
        return day.isoformat()


def as_of_range(fiscal_year: int, round_months: int) -> tuple[dt.date, dt.date]:
    """The dates a report's as_of may take: the fiscal year's first day to 90 days after
    the round's last day."""
    period = thai.round_period(fiscal_year, round_months)
    return period.start, period.end + dt.timedelta(days=AS_OF_GRACE_DAYS)


class Report(_Strict):
    """A data file: report information and one indicator or a list of them."""

    model_config = ConfigDict(
        title="docgen indicator data",
        json_schema_extra={
            "oneOf": [{"required": ["indicator"]}, {"required": ["indicators"]}],
        },
    )

    schema_version: Literal[1] = Field(default=1, description="The data format's version: 1")
    report: ReportInfo = Field(description="What the report covers: fiscal year and round")
    indicator: Indicator | None = Field(default=None, description="One indicator: one document")
    indicators: list[Indicator] | None = Field(
        default=None, min_length=1, description="Several indicators: one document each"
    )

    @model_validator(mode="after")
    def _one_or_many(self) -> Report:
        if (self.indicator is None) == (self.indicators is None):
            raise ValueError("give exactly one of `indicator:` (one) or `indicators:` (a list)")
        return self

    def undeclared_dimensions(self) -> list[tuple[int, Indicator]]:
        """(index, indicator) of each indicator whose dimension report.dimensions lacks."""
        declared = self.report.dimensions
        if declared is None:
            return []
        codes = {d.code for d in declared}
        return [
            (index, indicator)
            for index, indicator in enumerate(self.all_indicators)
            if indicator.dimension_code not in codes
        ]

    #: The data file's folder, where its pictures are (None: not read from a file).
    _folder: Path | None = PrivateAttr(default=None)

    @property
    def folder(self) -> Path | None:
        return self._folder

    def __eq__(self, other: object) -> bool:
        """Equal data are equal wherever they were read from (the folder is not data)."""
        if not isinstance(other, Report):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))

    @property
    def all_indicators(self) -> list[Indicator]:
        return [self.indicator] if self.indicator is not None else list(self.indicators or [])


#: A number as people type it, as text (docgen.typed): Thai or Arabic digits, commas only
#: between groups of three, a point for decimals. 72,5 does not match.
TYPED_NUMBER_PATTERN = (
    r"^\s*[+-]?(?:[0-9๐-๙]{1,3}(?:,[0-9๐-๙]{3})+|[0-9๐-๙]+)(?:\.[0-9๐-๙]+)?\s*$"
    r"|^\s*[+-]?\.[0-9๐-๙]+\s*$"
)


class _NumbersAreNumbers(GenerateJsonSchema):
    """A number is a number, or text that is a number as people type it (1,234.5, ๗๒.๕);
    the range keywords apply to numbers, the pattern to text."""

    def decimal_schema(self, schema):
        generated = super().decimal_schema(schema)
        for option in generated.get("anyOf", []):
            if option.get("type") == "number":
                return {**option, "type": ["number", "string"], "pattern": TYPED_NUMBER_PATTERN}
        return generated


JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a data file, for editors that validate and complete YAML/JSON.

    It checks the shape (fields, types, ranges, list lengths); the rules that need
    arithmetic (ordered targets, expected_score) are docgen's own.
    """
    schema = Report.model_json_schema(schema_generator=_NumbersAreNumbers)
    for name in ("indicator", "indicators"):  # null only means "not given": leave it out
        prop = schema["properties"][name]
        prop.update(next(o for o in prop.pop("anyOf") if o.get("type") != "null"))
        prop.pop("default", None)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **schema,
        "description": (
            "A docgen data file: report information and one indicator (indicator:) "
            "or a list of them (indicators:). See the data format specification."
        ),
    }
