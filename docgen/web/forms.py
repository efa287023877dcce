"""The clerk's form: its fields, and the way to and from the data format.

Every input of the page is named by its path in the data format
(``indicator.weight``, ``indicator.collectors[1].name``), so a problem that
`docgen.report.data.validate` reports lands beside the field it is about. The flow:

* a file's parsed data -> `IndicatorForm.from_data` -> the page;
* a posted page -> `IndicatorForm.from_post` -> `to_data` -> a `Draft` whose
  ``report`` and ``indicator`` go to the validator, the scorer and the file.

Reading a post never raises: whatever a browser sends becomes text in a field,
and the validator says what is wrong with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from docgen import thai
from docgen.errors import Problem
from docgen.numbers import display_round, plain_number
from docgen.report.context import indicator_view
from docgen.report.model import STEP_COUNT, TARGET_COUNT, Indicator
from docgen.report.next_round import DEFAULT_SEQUENCE, next_round
from docgen.report.paths import indicator_path
from docgen.report.scoring import score_indicator
from docgen.thai import arabic_digits
from docgen.typed import TypedNumberError, parse_typed_number
from docgen.web.editor import from_editor
from docgen.web.messages import field_label, thai_message

#: Suffix of the field that carries a rich-text editor's HTML once the clerk edits it.
EDITED = ":html"
#: Rows a list of the form (people, evidence) may have; more is a malformed post.
MAX_ROWS = 200
METHODS = ("milestone", "quantitative")
RICH_FIELDS = ("description", "explanation", "supporting_factors", "obstacles")


@dataclass
class PersonRow:
    name: str = ""
    position: str = ""

    @property
    def blank(self) -> bool:
        return not (self.name or self.position)


@dataclass
class StepRow:
    """One of the five milestone steps: its definition and this round's result."""

    definition: str = ""
    done: bool = False
    progress: str = ""
    detail: str = ""


def _people() -> list[PersonRow]:
    return [PersonRow()]


def _steps() -> list[StepRow]:
    return [StepRow() for _ in range(STEP_COUNT)]


def _targets() -> list[str]:
    return [""] * TARGET_COUNT


@dataclass
class IndicatorForm:
    """The values on the page for one indicator and its report, all as typed text."""

    fiscal_year: str = ""
    round: str = ""
    organization: str = ""
    as_of: str = ""
    code: str = ""
    name: str = ""
    supervisors: list[PersonRow] = field(default_factory=_people)
    supervisor_phone: str = ""
    collectors: list[PersonRow] = field(default_factory=_people)
    collector_phone: str = ""
    description: str = ""
    weight: str = ""
    method: str = "milestone"
    steps: list[StepRow] = field(default_factory=_steps)
    unit: str = ""
    targets: list[str] = field(default_factory=_targets)
    higher_is_better: bool = True
    value: str = ""
    explanation: str = ""
    supporting_factors: str = ""
    obstacles: str = ""
    evidence: list[str] = field(default_factory=list)
    #: The photo each evidence row carries ("" for none), kept as the file names it.
    evidence_images: list[str] = field(default_factory=list)
    keep_expected: bool = False

    # ------------------------------------------------------------------ in

    @classmethod
    def from_data(cls, report: Any, indicator: Any) -> IndicatorForm:
        """The form of parsed (not necessarily valid) data, so a broken file still opens."""
        report = report if isinstance(report, dict) else {}
        indicator = indicator if isinstance(indicator, dict) else {}
        scoring = _mapping(indicator.get("scoring"))
        result = _mapping(indicator.get("result"))
        steps = _steps()
        for number, definition in enumerate(_sequence(scoring.get("steps"))[:STEP_COUNT]):
            steps[number].definition = _shown(definition)
        for item in _sequence(result.get("steps")):
            item = _mapping(item)
            number = item.get("step")
            if isinstance(number, int) and not isinstance(number, bool) and 1 <= number <= 5:
                steps[number - 1] = replace(
                    steps[number - 1],
                    done=item.get("done") is True,
                    progress=_percent_shown(item.get("progress")),
                    detail=_shown(item.get("detail")),
                )
        targets = [_shown(t) for t in _sequence(scoring.get("targets"))[:TARGET_COUNT]]
        return cls(
            fiscal_year=_shown(report.get("fiscal_year")),
            round=_shown(report.get("round")),
            organization=_shown(report.get("organization")),
            as_of=_shown(report.get("as_of")),
            code=_shown(indicator.get("code")),
            name=_shown(indicator.get("name")),
            supervisors=_people_from(indicator.get("supervisors")),
            supervisor_phone=_shown(indicator.get("supervisor_phone")),
            collectors=_people_from(indicator.get("collectors")),
            collector_phone=_shown(indicator.get("collector_phone")),
            description=_shown(indicator.get("description")),
            weight=_shown(indicator.get("weight")),
            method=_shown(scoring.get("method")) or "milestone",
            steps=steps,
            unit=_shown(scoring.get("unit")),
            targets=targets + [""] * (TARGET_COUNT - len(targets)),
            higher_is_better=scoring.get("higher_is_better") is not False,
            value=_shown(result.get("value")),
            explanation=_shown(indicator.get("explanation")),
            supporting_factors=_shown(indicator.get("supporting_factors")),
            obstacles=_shown(indicator.get("obstacles")),
            evidence=[
                _shown(_evidence_text(item)) for item in _sequence(indicator.get("evidence"))
            ],
            evidence_images=[
                _shown(item.get("image")) if isinstance(item, dict) else ""
                for item in _sequence(indicator.get("evidence"))
            ],
            keep_expected=indicator.get("expected_score") is not None,
        )

    @classmethod
    def from_post(cls, post: Mapping[str, str]) -> IndicatorForm:
        """The form as the browser sent it; unknown or malformed fields are ignored."""

        def line(name: str) -> str:
            return _one_line(_get(post, name))

        steps = []
        for index in range(STEP_COUNT):
            prefix = f"indicator.result.steps[{index}]"
            steps.append(
                StepRow(
                    definition=_multi_line(_get(post, f"indicator.scoring.steps[{index}]")),
                    done=f"{prefix}.done" in post,
                    progress=line(f"{prefix}.progress"),
                    detail=_rich(post, f"{prefix}.detail"),
                )
            )
        evidence = _rows(post, "indicator.evidence", None)
        images = _rows(post, "indicator.evidence", ("image",))
        return cls(
            fiscal_year=line("report.fiscal_year"),
            round=line("report.round"),
            organization=line("report.organization"),
            as_of=posted_date(post, "report.as_of"),
            code=line("indicator.code"),
            name=_one_line(_get(post, "indicator.name")),
            supervisors=_people_rows(post, "indicator.supervisors"),
            supervisor_phone=line("indicator.supervisor_phone"),
            collectors=_people_rows(post, "indicator.collectors"),
            collector_phone=line("indicator.collector_phone"),
            description=_rich(post, "indicator.description"),
            weight=line("indicator.weight"),
            method=line("indicator.scoring.method") or "milestone",
            steps=steps,
            unit=line("indicator.scoring.unit"),
            targets=[line(f"indicator.scoring.targets[{i}]") for i in range(TARGET_COUNT)],
            higher_is_better=_get(post, "indicator.scoring.higher_is_better") != "false",
            value=line("indicator.result.value"),
            explanation=_rich(post, "indicator.explanation"),
            supporting_factors=_rich(post, "indicator.supporting_factors"),
            obstacles=_rich(post, "indicator.obstacles"),
            evidence=[_one_line(item.get("", "")) for item in evidence],
            evidence_images=[_one_line(item.get("image", "")) for item in images],
            keep_expected="keep_expected" in post,
        )

    # ------------------------------------------------------------------ out

    def to_data(self) -> Draft:
        """The data format's ``report`` and ``indicator`` for these values."""
        where: dict[str, str] = {}
        report: dict[str, Any] = {}
        _put(report, "fiscal_year", _integer(self.fiscal_year))
        _put(report, "round", _integer(self.round))
        _put(report, "organization", self.organization or None)
        _put(report, "as_of", _date(self.as_of))

        indicator: dict[str, Any] = {"code": self.code, "name": self.name}
        for key in ("supervisors", "collectors"):
            indicator[key] = people = []
            for row_index, row in enumerate(getattr(self, key)):
                if row.blank:
                    continue
                where[f"indicator.{key}[{len(people)}]"] = f"indicator.{key}[{row_index}]"
                person = {"name": row.name}
                if row.position:
                    person["position"] = row.position
                people.append(person)
            _put(indicator, f"{key[:-1]}_phone", getattr(self, f"{key[:-1]}_phone") or None)
        indicator["description"] = self.description
        _put(indicator, "weight", _number(self.weight))
        indicator["scoring"], result = self._scoring_and_result(where)
        if result:
            indicator["result"] = result
        for key in RICH_FIELDS[1:]:
            indicator[key] = getattr(self, key)
        evidence = []
        for row_index, item in enumerate(self.evidence):
            if item:
                where[f"indicator.evidence[{len(evidence)}]"] = f"indicator.evidence[{row_index}]"
                image = (
                    self.evidence_images[row_index] if row_index < len(self.evidence_images) else ""
                )
                evidence.append({"text": item, "image": image} if image else item)
        indicator["evidence"] = evidence
        if self.keep_expected:
            live = live_score(indicator)
            if live is not None:
                indicator["expected_score"] = display_round(live.score).normalize()
        return Draft(report, indicator, where)

    def _scoring_and_result(self, where: dict[str, str]) -> tuple[dict, dict]:
        if self.method == "milestone":
            listed = []
            for index, step in enumerate(self.steps):
                progress = _progress_of_percent(step.progress)
                if not (step.done or progress is not None or step.detail.strip()):
                    continue  # a step not listed counts as not done
                where[f"indicator.result.steps[{len(listed)}]"] = f"indicator.result.steps[{index}]"
                entry: dict[str, Any] = {"step": index + 1, "done": step.done}
                _put(entry, "progress", progress)
                if step.detail:
                    entry["detail"] = step.detail
                listed.append(entry)
            scoring = {"method": "milestone", "steps": [s.definition for s in self.steps]}
            return scoring, ({"steps": listed} if listed else {})
        if self.method == "quantitative":
            scoring = {
                "method": "quantitative",
                "unit": self.unit,
                "higher_is_better": self.higher_is_better,
                "targets": [_number_or_text(t) for t in self.targets],
            }
            value = _number_or_text(self.value)
            return scoring, ({"value": value} if self.value else {})
        return {"method": self.method}, {}

    def for_next_round(self, sequence: Sequence[int] = DEFAULT_SEQUENCE) -> IndicatorForm:
        """A copy for the next report round (docgen.report.next_round's rule): what defines
        the indicator kept; results, explanation, factors, obstacles, evidence, date and
        expected score cleared; the round after this one in the workspace's sequence."""
        year, months = _integer(self.fiscal_year), _integer(self.round)
        fiscal_year, round_ = self.fiscal_year, self.round
        if isinstance(months, int) and isinstance(year, int):
            following = next_round(year, months, sequence)
            fiscal_year, round_ = str(following[0]), str(following[1])
        return replace(
            self,
            fiscal_year=fiscal_year,
            round=round_,
            as_of="",
            steps=[StepRow(definition=step.definition) for step in self.steps],
            value="",
            explanation="",
            supporting_factors="",
            obstacles="",
            evidence=[],
            keep_expected=False,
        )

    def slots(self) -> set[str]:
        """Names of the places on the page where a message can be shown."""
        names = {
            "report.fiscal_year",
            "report.round",
            "report.organization",
            "report.as_of",
            "indicator.code",
            "indicator.name",
            "indicator.supervisors",
            "indicator.supervisor_phone",
            "indicator.collectors",
            "indicator.collector_phone",
            "indicator.weight",
            "indicator.scoring",
            "indicator.scoring.steps",
            "indicator.scoring.unit",
            "indicator.scoring.targets",
            "indicator.scoring.higher_is_better",
            "indicator.result",
            "indicator.result.value",
            "indicator.result.steps",
            "indicator.evidence",
            "indicator.expected_score",
            *(f"indicator.{key}" for key in RICH_FIELDS),
        }
        for key in ("supervisors", "collectors"):
            for index in range(len(getattr(self, key))):
                names |= {f"indicator.{key}[{index}].name", f"indicator.{key}[{index}].position"}
        for index in range(STEP_COUNT):
            names.add(f"indicator.scoring.steps[{index}]")
            for part in ("done", "progress", "detail"):
                names.add(f"indicator.result.steps[{index}].{part}")
        names |= {f"indicator.scoring.targets[{i}]" for i in range(TARGET_COUNT)}
        names |= {f"indicator.evidence[{i}]" for i in range(len(self.evidence))}
        return names


@dataclass(frozen=True)
class Draft:
    """A form turned into data, and where each listed item came from on the page."""

    report: dict[str, Any]
    indicator: dict[str, Any]
    where: dict[str, str]  # data path of a list item -> its field name on the page

    def field_of(self, path: str) -> str:
        """The page's field name for a data path (lists skip blank rows and steps)."""
        for data_prefix in sorted(self.where, key=len, reverse=True):
            if path == data_prefix or path.startswith((data_prefix + ".", data_prefix + "[")):
                return self.where[data_prefix] + path[len(data_prefix) :]
        return path

    def document(self) -> dict[str, Any]:
        """A one-indicator data file of this draft."""
        return {"schema_version": 1, "report": self.report, "indicator": self.indicator}

    def over(self, report: Any, indicator: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The draft's report and indicator put over a file's: the fields the form has
        come from the form (a field emptied on the page is gone), the others (status,
        dimension, sign_off, dimensions, and unknown keys for the validator to name)
        stay as the file has them."""
        return (
            _over(report, self.report, FORM_REPORT_FIELDS),
            _over(indicator, self.indicator, FORM_INDICATOR_FIELDS),
        )


#: The fields the form edits; a file's other fields pass through a save untouched.
FORM_REPORT_FIELDS = frozenset({"fiscal_year", "round", "organization", "as_of"})
FORM_INDICATOR_FIELDS = frozenset(
    {
        "code",
        "name",
        "supervisors",
        "supervisor_phone",
        "collectors",
        "collector_phone",
        "description",
        "weight",
        "scoring",
        "result",
        "explanation",
        "supporting_factors",
        "obstacles",
        "evidence",
        "expected_score",
    }
)


def _over(original: Any, edited: dict[str, Any], owned: frozenset[str]) -> dict[str, Any]:
    kept = (
        {k: v for k, v in original.items() if k not in owned} if isinstance(original, dict) else {}
    )
    return {**edited, **kept}


# --------------------------------------------------------------------------- messages


@dataclass(frozen=True)
class Message:
    """A validation message in Thai, the field it is shown beside, and that field's label."""

    slot: str  # "" when no field of the page fits: shown in the summary only
    label: str
    text: str
    elsewhere: bool = False  # about another indicator of the same file


def anchor(name: str, slots: set[str]) -> str:
    """The nearest place on the page for a field name: itself or a containing list.

    >>> anchor("indicator.result.steps[2]", {"indicator.result.steps"})
    'indicator.result.steps'
    >>> anchor("indicator.unknown", set())
    ''
    """
    while name:
        if name in slots:
            return name
        cut = max(name.rfind("."), name.rfind("["))
        name = name[:cut] if cut > 0 else ""
    return ""


def messages_for(
    problems: list[Problem], draft: Draft, form: IndicatorForm, index: int | None = None
) -> list[Message]:
    """The validator's problems as Thai messages placed on the page.

    `index` is the edited indicator's place in a file with ``indicators:``;
    problems of the file's other indicators are placed in the summary.
    """
    slots = form.slots()
    placed = []
    for problem in problems:
        path = problem.path
        other = False
        if index is not None and path.startswith("indicators["):
            own = indicator_path(False, index)
            if path == own or path.startswith((own + ".", own + "[")):
                path = "indicator" + path[len(own) :]
            else:
                other = True
        name = path if other else draft.field_of(path)
        slot = "" if other else anchor(name, slots)
        label = _other_label(path) if other else field_label(slot or name)
        text = thai_message(problem.message)
        if name.endswith(".progress") and problem.message.startswith("expected "):
            text = "ต้องเป็นร้อยละ 0 ถึง 100"  # the page asks for ร้อยละ; the data holds 0..1
        placed.append(Message(slot, label, text, other))
    return placed


def _other_label(path: str) -> str:
    match = re.match(r"indicators\[(\d+)\]\.?(.*)", path)
    if not match:
        return field_label(path)
    rest = "indicator." + match.group(2) if match.group(2) else "indicator"
    return f"ตัวชี้วัดลำดับที่ {int(match.group(1)) + 1} ในไฟล์: {field_label(rest)}"


# --------------------------------------------------------------------------- live score


@dataclass(frozen=True)
class LiveScore:
    """What the score panel shows while the clerk types."""

    level: int | None  # None: not assessed in this round
    score: Decimal | None
    weighted: Decimal | None  # None while the weight is not a valid number
    explanation: str
    result: str  # the ผลการดำเนินงาน column as the document prints it


_IDENTITY = {
    "code": "-",
    "name": "-",
    "supervisors": [{"name": "-"}],
    "collectors": [{"name": "-"}],
}


def live_score(indicator: dict[str, Any]) -> LiveScore | None:
    """Score the draft with the engine as soon as its scoring and results are valid.

    Only ``weight``, ``scoring`` and ``result`` decide a score, so the other
    fields are stood in for: a clerk sees the score before the names are typed.
    None while the scoring or the results are incomplete.
    """
    parts = {key: indicator[key] for key in ("scoring", "result", "status") if key in indicator}
    weight = indicator.get("weight")
    for candidate in (weight, Decimal(100)):
        try:
            model = Indicator.model_validate({**_IDENTITY, **parts, "weight": candidate})
        except ValidationError:
            continue
        score = score_indicator(model)
        weighted = score.weighted if candidate is weight else None
        result = indicator_view(model, score).result_text
        return LiveScore(score.level, score.score, weighted, score.explanation, result)
    return None


# --------------------------------------------------------------------------- helpers


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _sequence(value: Any) -> list:
    return value if isinstance(value, list) else []


def _percent_shown(progress: Any) -> str:
    """A step's progress (0..1 in the data) as the ร้อยละ the page asks for: 0.5 is 50."""
    if isinstance(progress, int | float | Decimal) and not isinstance(progress, bool):
        number = progress if isinstance(progress, Decimal) else Decimal(repr(progress))
        return plain_number(number * 100)
    return _shown(progress)


def _progress_of_percent(text: str) -> Decimal | str | None:
    """The ร้อยละ typed as the data's 0..1 (50 is 0.5); text that is not a number goes to
    the validator as it is."""
    number = _number(text)
    return number / 100 if isinstance(number, Decimal) else number


def _evidence_text(item: Any) -> Any:
    """An evidence item's text: the item itself, or the text of one with a photo."""
    return item.get("text") if isinstance(item, dict) else item


def _shown(value: Any) -> str:
    """A parsed value as the text of an input."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return plain_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _people_from(value: Any) -> list[PersonRow]:
    rows = [
        PersonRow(_shown(_mapping(item).get("name")), _shown(_mapping(item).get("position")))
        for item in _sequence(value)
    ]
    return rows or _people()


def _get(post: Mapping[str, str], name: str) -> str:
    value = post.get(name, "")
    return value if isinstance(value, str) else ""


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).strip()


def _multi_line(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _rich(post: Mapping[str, str], name: str) -> str:
    """A rich-text field: the editor's HTML when the clerk edited it, else the source."""
    if name + EDITED in post:
        return from_editor(_get(post, name + EDITED))
    return _get(post, name).replace("\r\n", "\n")


def _rows(post: Mapping[str, str], prefix: str, parts: tuple[str, ...] | None) -> list[dict]:
    """The rows of a list field, in the order of their indexes (gaps closed)."""
    if parts is None:
        pattern = re.compile(re.escape(prefix) + r"\[(\d{1,4})\]()$")
    else:
        pattern = re.compile(re.escape(prefix) + r"\[(\d{1,4})\]\.(" + "|".join(parts) + r")$")
    rows: dict[int, dict[str, str]] = {}
    for key in post:
        match = pattern.match(key)
        if match and (int(match.group(1)) in rows or len(rows) < MAX_ROWS):
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = _get(post, key)
    return [rows[index] for index in sorted(rows)]


def _people_rows(post: Mapping[str, str], prefix: str) -> list[PersonRow]:
    rows = [
        PersonRow(_one_line(row.get("name", "")), _one_line(row.get("position", "")))
        for row in _rows(post, prefix, ("name", "position"))
    ]
    return rows or _people()


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


def _plain_digits(text: str) -> str:
    return arabic_digits(text).replace(",", "").replace(" ", "")


def _number(text: str) -> Decimal | str | None:
    """Typed text as an exact number; text that is not one is passed on for the validator."""
    if not text:
        return None
    return _number_or_text(text)


def _number_or_text(text: str) -> Decimal | str:
    """The number typed (docgen.typed: 1,234.5 and Thai digits); anything else, 72,5
    included, goes to the validator as text, which says what to write instead."""
    try:
        return parse_typed_number(text)
    except TypedNumberError:
        return text


def _integer(text: str) -> int | str | None:
    if not text:
        return None
    cleaned = _plain_digits(text)
    return int(cleaned) if re.fullmatch(r"-?\d{1,9}", cleaned) else text


def _date(text: str) -> dt.date | str | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


#: Month names for the พ.ศ. date entry, 1..12.
THAI_MONTHS = tuple(thai.thai_date(dt.date(2000, m, 1)).split()[1] for m in range(1, 13))


def be_date_parts(iso: str) -> tuple[str, str, str]:
    """(day, month, year in พ.ศ.) of an ISO date, for the date entry; blanks otherwise.

    >>> be_date_parts("2007-09-30"), be_date_parts("")
    (('30', '9', '2550'), ('', '', ''))
    """
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", iso or "")
    if match is None:
        return "", "", ""
    return str(int(match[3])), str(int(match[2])), str(int(match[1]) + 543)


def posted_date(post: Mapping[str, str], name: str) -> str:
    """The ISO date of a พ.ศ. date entry (day, Thai month, BE year), as the data stores it.

    A post may also give the ISO date itself under `name`. A year of 2400 or more is
    พ.ศ.; what cannot be a date is passed on as typed for the validator to name.

    >>> posted_date({"d.day": "30", "d.month": "9", "d.year": "๒๕๕๐"}, "d")
    '2007-09-30'
    >>> posted_date({"d.day": "", "d.month": "", "d.year": ""}, "d")
    ''
    """
    if name in post:
        return _one_line(_get(post, name))
    day, month, year = (
        _plain_digits(_get(post, f"{name}.{part}")) for part in ("day", "month", "year")
    )
    if not (day or month or year):
        return ""
    if day.isdigit() and month.isdigit() and year.isdigit():
        number = int(year) - 543 if int(year) >= 2400 else int(year)
        return f"{number:04d}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{month}-{day}"
