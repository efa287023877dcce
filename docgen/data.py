"""Load a data file (YAML or JSON) and validate it against the contract.

Problems are reported all at once, each with the file, the line where the
parser knows it, the field path (``indicators[2].scoring.targets``) and what
was expected, so a clerk can fix the file in one pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import DataError, Problem
from .model import Indicator, MilestoneScoring, QuantitativeScoring, Report
from .scoring import display_round, score_indicator

#: Bounds that keep a hostile file from exhausting time or memory.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 20

LineMap = dict[str, int]
_METHOD_TAGS = {"milestone", "quantitative"}


def format_path(loc: Iterable[Any]) -> str:
    """A pydantic location as a field path a person reads.

    >>> format_path(("indicators", 2, "scoring", "quantitative", "targets"))
    'indicators[2].scoring.targets'
    """
    text = ""
    previous: Any = None
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif previous == "scoring" and part in _METHOD_TAGS:
            pass  # the discriminated union's tag is not a field of the file
        else:
            text += f".{part}" if text else str(part)
        previous = part
    return text


# --------------------------------------------------------------------------- parsing


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as dates and strings as strings (no sexagesimal)."""


def _walk(node: yaml.Node, path: str, lines: LineMap, problems: list[Problem], state: dict) -> None:
    """Record each field's line, find duplicate keys, and bound the work (alias bombs)."""
    state["nodes"] += 1
    if state["nodes"] > MAX_NODES:
        raise DataError(
            Problem(
                "",
                f"the file expands to more than {MAX_NODES} values "
                "(nested aliases?); docgen refuses to read it",
                node.start_mark.line + 1,
            )
        )
    depth = path.count(".") + path.count("[")
    if depth > MAX_DEPTH:
        raise DataError(
            Problem(
                path,
                f"nesting is deeper than {MAX_DEPTH} levels; the format is much flatter than this",
                node.start_mark.line + 1,
            )
        )
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(
                        child,
                        f"duplicate key (first given on line {seen[key]}); keep only one",
                        line,
                    )
                )
            seen[key] = line
            lines[child] = line
            _walk(value_node, child, lines, problems, state)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, f"{path}[{index}]", lines, problems, state)


def parse_yaml(text: str) -> tuple[Any, LineMap, list[Problem]]:
    """Parse YAML text; return the data, a field-path to line map, and duplicate-key problems."""
    try:
        loader = _LineLoader(text)
        try:
            node = loader.get_single_node()
            lines: LineMap = {}
            problems: list[Problem] = []
            if node is None:
                return None, lines, problems
            _walk(node, "", lines, problems, {"nodes": 0})
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or str(exc)
        if exc.context:
            what = f"{what} ({exc.context})"
        raise DataError(Problem("", f"YAML syntax error: {what}", line)) from None
    except yaml.YAMLError as exc:
        raise DataError(Problem("", f"YAML syntax error: {exc}")) from None
    except RecursionError:
        raise DataError(Problem("", "the file is nested too deeply to read")) from None
    return data, lines, problems


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number docgen accepts")


def parse_json(text: str) -> tuple[Any, LineMap, list[Problem]]:
    """Parse JSON text; duplicate keys and NaN/Infinity are problems, not silent values."""
    problems: list[Problem] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                problems.append(Problem(key, "duplicate key; keep only one"))
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DataError(Problem("", f"JSON syntax error: {exc.msg}", exc.lineno)) from None
    except ValueError as exc:
        raise DataError(Problem("", f"JSON: {exc}")) from None
    except RecursionError:
        raise DataError(Problem("", "the file is nested too deeply to read")) from None
    return data, {}, problems


def read_text(path: Path) -> str:
    """Read a data file as UTF-8 (a BOM is accepted), bounded in size."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataError(Problem("", f"cannot read the file: {exc.strerror}"), path) from None
    if size > MAX_FILE_BYTES:
        raise DataError(
            Problem("", f"the file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes"), path
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            Problem("", f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8"), path
        ) from None


# --------------------------------------------------------------------------- validation


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field; check its spelling against the data format"
    message = error["msg"]
    message = message.removeprefix("Value error, ")
    if message.startswith("Input should be"):
        message = "expected " + message.removeprefix("Input should be ").strip()
    if message.startswith("Input tag") and "does not match" in message:
        message = "expected method 'milestone' or 'quantitative'"
    if isinstance(value, str | int | float | bool | Decimal) and kind != "value_error":
        message += f", got {value!r}"
    return message


def _line_for(path: str, lines: LineMap) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return lines.get("")


def _expected_score_problems(report: Report, lines: LineMap) -> list[Problem]:
    problems = []
    single = report.indicator is not None
    for index, indicator in enumerate(report.all_indicators):
        if indicator.expected_score is None:
            continue
        computed = score_indicator(indicator).score
        if display_round(computed) != display_round(indicator.expected_score):
            base = "indicator" if single else f"indicators[{index}]"
            path = f"{base}.expected_score"
            problems.append(
                Problem(
                    path,
                    f"expected_score is {_plain(indicator.expected_score)} but the results "
                    f"give {_plain(computed)}; correct the results or the expected score",
                    _line_for(path, lines),
                )
            )
    return problems


def _plain(value: Decimal) -> str:
    return format(display_round(value).normalize(), "f")


_FOR_QUANTITATIVE = (
    "is for quantitative indicators (method: quantitative); "
    "a milestone indicator lists its five scoring.steps"
)
_FOR_MILESTONE = (
    "is for milestone indicators (method: milestone); "
    "a quantitative indicator gives scoring.unit and five scoring.targets"
)
#: Scoring fields that belong to the other method, by the method given.
_OTHER_METHOD_FIELDS = {
    "milestone": {
        key: f"scoring.{key} {_FOR_QUANTITATIVE}" for key in ("targets", "unit", "higher_is_better")
    },
    "quantitative": {"steps": f"scoring.steps {_FOR_MILESTONE}"},
}


def _method_problems(raw: Any, lines: LineMap) -> list[Problem]:
    """Cross-field checks pydantic reports at the wrong depth, given their exact field."""
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        return problems
    items: list[tuple[str, Any]] = []
    if isinstance(raw.get("indicator"), dict):
        items.append(("indicator", raw["indicator"]))
    if isinstance(raw.get("indicators"), list):
        items += [(f"indicators[{i}]", v) for i, v in enumerate(raw["indicators"])]
    for base, item in items:
        if not isinstance(item, dict):
            continue
        scoring = item.get("scoring") if isinstance(item.get("scoring"), dict) else {}
        result = item.get("result") if isinstance(item.get("result"), dict) else {}
        method = scoring.get("method")
        for key, message in _OTHER_METHOD_FIELDS.get(method, {}).items():
            if key in scoring:
                path = f"{base}.scoring.{key}"
                problems.append(Problem(path, message, _line_for(path, lines)))
        if method == "milestone" and "value" in result:
            path = f"{base}.result.value"
            problems.append(
                Problem(
                    path,
                    "result.value is for quantitative indicators; "
                    "a milestone indicator reports result.steps",
                    _line_for(path, lines),
                )
            )
        if method == "quantitative":
            if result.get("steps"):
                path = f"{base}.result.steps"
                problems.append(
                    Problem(
                        path,
                        "result.steps is for milestone indicators; "
                        "a quantitative indicator reports result.value",
                        _line_for(path, lines),
                    )
                )
            elif result.get("value") is None:
                path = f"{base}.result.value"
                problems.append(
                    Problem(
                        path,
                        "a quantitative indicator needs result.value (a number)",
                        _line_for(path, lines),
                    )
                )
    return problems


def validate(raw: Any, lines: LineMap | None = None, file: str | Path | None = None) -> Report:
    """Validate parsed data; raise one `DataError` listing every problem found."""
    lines = lines or {}
    if not isinstance(raw, dict):
        raise DataError(
            Problem(
                "", "expected a mapping with `report:` and `indicator:` at the top of the file"
            ),
            file,
        )
    problems = _method_problems(raw, lines)
    try:
        report = Report.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            path = format_path(error["loc"])
            if any(path == p.path for p in problems):
                continue
            if error["type"] == "value_error" and any(
                p.path.startswith(path + ".") for p in problems
            ):
                continue
            problems.append(Problem(path, _describe(error), _line_for(path, lines)))
        raise DataError(problems, file) from None
    problems += _expected_score_problems(report, lines)
    if problems:
        raise DataError(problems, file)
    return report


def load(path: str | Path) -> Report:
    """Read, parse and validate one data file (``.yaml``, ``.yml`` or ``.json``)."""
    path = Path(path)
    text = read_text(path)
    parse = parse_json if path.suffix.lower() == ".json" else parse_yaml
    try:
        raw, lines, problems = parse(text)
    except DataError as exc:
        raise exc.with_file(path) from None
    if problems:
        raise DataError(problems, path)
    return validate(raw, lines, path)


def loads(text: str, fmt: str = "yaml", name: str = "<data>") -> Report:
    """Parse and validate data given as text (JSON lines on stdin, a web form)."""
    parse = parse_json if fmt == "json" else parse_yaml
    try:
        raw, lines, problems = parse(text)
    except DataError as exc:
        raise exc.with_file(name) from None
    if problems:
        raise DataError(problems, name)
    return validate(raw, lines, name)


__all__ = [
    "Indicator",
    "MilestoneScoring",
    "QuantitativeScoring",
    "Report",
    "format_path",
    "load",
    "loads",
    "validate",
]
