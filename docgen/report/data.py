"""Load a data file (YAML or JSON) and validate it against the contract.

Problems are reported all at once, each with the file, the line where the
parser knows it, the field path (``indicators[2].scoring.targets``) and what
was expected, so a clerk can fix the file in one pass.
"""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from docgen.errors import DataError, Problem, shown
from docgen.limits import DEFAULT_LIMITS, Limits
from docgen.numbers import display_round, format_compact
from docgen.report.model import Indicator, MilestoneScoring, QuantitativeScoring, Report
from docgen.report.paths import LineMap, format_path, indicator_path, line_for
from docgen.report.scoring import score_indicator
from docgen.report.yaml_events import EXOTIC, parse_events

#: The default bounds (see `docgen.limits.Limits`), kept here under their old names.
MAX_FILE_BYTES = DEFAULT_LIMITS.file_bytes
#: The files a report is read from: YAML (what people edit) or JSON (what scripts send).
DATA_SUFFIXES = (".yaml", ".yml", ".json")
#: The deepest field of the data format: indicators[i].result.steps[j].detail.
FORMAT_DEPTH = 6


# --------------------------------------------------------------------------- bounds


class _Bounds:
    """Counts what a file expands to as it is walked, and stops at the first limit.

    YAML aliases are counted each time they are used: that is what the
    validation and the documents would have to process. `through_aliases` says
    that only their use can pass a limit (the file itself was counted within them),
    and the message says so.
    """

    def __init__(
        self, limits: Limits, lines: LineMap | None = None, *, through_aliases: bool = False
    ) -> None:
        self.limits = limits
        self.lines = lines or {}
        self.values = 0
        self.text = 0
        self.how = "expands through its aliases (*name) to" if through_aliases else "holds"

    def _line(self, path: str, line: int | None) -> int | None:
        """The line of `path`, looked up only when an error needs it."""
        return line if line is not None else line_for(path, self.lines)

    def value(self, path: str, depth: int, line: int | None = None) -> None:
        self.values += 1
        if self.values > self.limits.values:
            raise DataError(
                Problem(
                    "",
                    f"the file {self.how} more than {self.limits.values} values "
                    "(a whole agreement needs a few thousand); docgen refuses to read it",
                    self._line(path, line),
                )
            )
        if depth > self.limits.depth:
            raise DataError(
                Problem(
                    path,
                    f"nesting is deeper than {self.limits.depth} levels; "
                    f"the data format needs at most {FORMAT_DEPTH}",
                    self._line(path, line),
                )
            )

    def string(self, path: str, text: str, line: int | None = None) -> None:
        limit = self.limits.value_bytes
        if len(text) * 4 > limit:  # UTF-8 takes at most 4 bytes a character
            size = len(text.encode("utf-8", "surrogatepass"))
            if size > limit:
                raise DataError(
                    Problem(
                        path,
                        f"the value is {size} bytes long, over the limit of {limit} bytes",
                        self._line(path, line),
                    )
                )
        self.text += len(text)
        if self.text > self.limits.text_chars:
            raise DataError(
                Problem(
                    "",
                    f"the file {self.how} more than {self.limits.text_chars} characters of "
                    "text; docgen refuses to read it",
                    self._line(path, line),
                )
            )


class _Rejected:
    """A JSON value the parser took but docgen refuses (NaN, Infinity, endless digits)."""

    def __init__(self, message: str) -> None:
        self.message = message


def check_values(
    raw: Any,
    limits: Limits = DEFAULT_LIMITS,
    lines: LineMap | None = None,
    duplicates: dict[int, list[str]] | None = None,
) -> list[Problem]:
    """Bound parsed data (values, nesting, value size, text) and find rejected values.

    Limits raise at once; duplicate keys (`duplicates`: keys by ``id`` of
    their mapping) and rejected values are returned as problems with paths.
    """
    lines = lines or {}
    duplicates = duplicates or {}
    bounds = _Bounds(limits, lines)
    problems: list[Problem] = []
    pending: list[tuple[str, int, Any]] = [("", 0, raw)]
    while pending:
        path, depth, value = pending.pop()
        bounds.value(path, depth)
        if isinstance(value, dict):
            for key in duplicates.get(id(value), []):
                child = f"{path}.{key}" if path else key
                problems.append(Problem(child, "duplicate key; keep only one"))
            for key, item in reversed(value.items()):
                key = str(key)
                child = f"{path}.{key}" if path else key
                bounds.string(child, key)
                pending.append((child, depth + 1, item))
        elif isinstance(value, list | tuple):
            pending.extend(
                (f"{path}[{index}]", depth + 1, item)
                for index, item in reversed(list(enumerate(value)))
            )
        elif isinstance(value, str):
            bounds.string(path, value)
        elif isinstance(value, _Rejected):
            problems.append(Problem(path, value.message, line_for(path, lines)))
    return problems


_SURROGATE = re.compile("[\ud800-\udfff]")
#: How JSON and YAML text write a surrogate (\\ud800, \\U0000DC00): text without one
#: (nor a surrogate itself) parses to data without any.
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")


def drop_lone_surrogates(value: Any) -> Any:
    """The data without lone surrogates (``"\\ud800"`` in JSON): halves of a character
    that no document can hold; a valid pair is already one character."""
    if isinstance(value, str):
        return _SURROGATE.sub("", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {drop_lone_surrogates(k): drop_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [drop_lone_surrogates(item) for item in value]
    return value


# --------------------------------------------------------------------------- parsing


#: libyaml's parser where PyYAML was built with it; the pure-Python one only where not.
LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))
_Parser: type = yaml.CSafeLoader if LIBYAML else yaml.SafeLoader


def yaml_parser_name() -> str:
    """Which YAML parser reads data files, for `docgen doctor`."""
    if LIBYAML:
        from yaml import _yaml  # type: ignore[attr-defined]

        return f"libyaml {_yaml.get_version_string()} (PyYAML {yaml.__version__})"
    return f"PyYAML {yaml.__version__} pure Python (libyaml missing: YAML files load slowly)"


class _Lines:
    """A safe loader that names the field and line of a value it cannot construct."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.paths: dict[int, str] = {}

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            raise DataError(_construct_problem(node, self.paths.get(id(node), ""), exc)) from None


class _LineLoader(_Lines, _Parser):  # type: ignore[misc, valid-type]
    """The loader data files are read with."""


class PureLineLoader(_Lines, yaml.SafeLoader):
    """PyYAML's pure-Python loader: the reference the tests hold the fast path to."""


def _construct_problem(node: yaml.Node, path: str, exc: Exception) -> Problem:
    """What a clerk reads when a value looks like a number or date but is not one."""
    kind = node.tag.rsplit(":", 1)[-1]
    kind = {"int": "number", "float": "number", "timestamp": "date"}.get(kind, kind)
    shown = str(node.value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    reason = str(exc).split(";")[0]
    return Problem(path, f"{shown} is not a valid {kind} ({reason})", node.start_mark.line + 1)


def _walk(
    node: yaml.Node,
    path: str,
    depth: int,
    loader: _LineLoader,
    lines: LineMap,
    problems: list[Problem],
    bounds: _Bounds,
) -> None:
    """Record each field's line and path, find duplicate keys, and bound the work."""
    line = node.start_mark.line + 1
    bounds.value(path, depth, line)
    lines.setdefault(path, line)
    loader.paths.setdefault(id(node), path)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            line = key_node.start_mark.line + 1
            bounds.string(child, key, line)
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
            _walk(value_node, child, depth + 1, loader, lines, problems, bounds)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, f"{path}[{index}]", depth + 1, loader, lines, problems, bounds)
    elif isinstance(node, yaml.ScalarNode):
        bounds.string(path, node.value, line)


def parse_yaml(
    text: str, limits: Limits = DEFAULT_LIMITS, composed_with: type | None = None
) -> tuple[Any, LineMap, list[Problem]]:
    """Parse YAML text; return the data, a field-path to line map, and duplicate-key problems.

    The values are built from the parser's events with the limits checked as they
    arrive (`docgen.report.yaml_events`); a file using anchors, aliases or tags is
    then read again through PyYAML's composer, now known to be within the limits.
    `composed_with` (a loader class) reads through the composer only, as docgen
    did before: the reference the tests compare with.
    """
    try:
        if composed_with is not None:
            return parse_composed(text, limits, composed_with)
        lines: LineMap = {}
        problems: list[Problem] = []
        loader = _LineLoader(text)
        try:
            data = parse_events(
                loader,
                _Bounds(limits, lines),
                limits.values,
                limits.depth,
                limits.text_chars,
                limits.value_bytes // 4,  # UTF-8 takes at most 4 bytes a character
                lines,
                problems,
                _construct_problem,
            )
        finally:
            loader.dispose()
        if data is EXOTIC:
            return parse_composed(text, limits)
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
    except UnicodeEncodeError as exc:  # libyaml takes UTF-8: a lone surrogate cannot be
        code = ord(exc.object[exc.start])
        raise DataError(
            Problem("", f"YAML syntax error: unacceptable character #x{code:04x}")
        ) from None
    return data, lines, problems


def parse_composed(
    text: str, limits: Limits = DEFAULT_LIMITS, loader_class: type = _LineLoader
) -> tuple[Any, LineMap, list[Problem]]:
    """Anchors, aliases and tags: PyYAML's node tree, walked with aliases counted
    each time they are used. `parse_yaml` calls it only once the events were
    counted within the limits, so the tree itself is bounded."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        lines: LineMap = {}
        problems: list[Problem] = []
        if node is None:
            return None, lines, problems
        bounds = _Bounds(limits, through_aliases=True)
        _walk(node, "", 0, loader, lines, problems, bounds)
        return loader.construct_document(node), lines, problems
    finally:
        loader.dispose()


#: Longer integers cannot even be converted to text by Python.
_MAX_INT_DIGITS = 4000


def _json_constant(name: str) -> _Rejected:
    return _Rejected(f"{name} is not a number docgen accepts; write a number")


def _json_int(text: str) -> int | _Rejected:
    if len(text) > _MAX_INT_DIGITS:
        return _Rejected(f"a number of {len(text)} digits is not a number docgen accepts")
    return int(text)


def parse_json(text: str, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, LineMap, list[Problem]]:
    """Parse JSON text; duplicate keys and NaN/Infinity are problems, not silent values."""
    duplicates: dict[int, list[str]] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(items)
        if len(result) < len(items):  # a key given twice: which ones, in order
            seen: set[str] = set()
            for key, _ in items:
                if key in seen:
                    duplicates.setdefault(id(result), []).append(key)
                seen.add(key)
        return result

    _bound_json_values(text, limits)
    try:
        data = json.loads(
            text, object_pairs_hook=pairs, parse_constant=_json_constant, parse_int=_json_int
        )
    except json.JSONDecodeError as exc:
        raise DataError(Problem("", f"JSON syntax error: {exc.msg}", exc.lineno)) from None
    except RecursionError:
        raise DataError(Problem("", "the file is nested too deeply to read")) from None
    return data, {}, check_values(data, limits, duplicates=duplicates)


#: A JSON string (its escapes included), and white space between values.
_JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"')
_JSON_SPACE = re.compile(r"\s++")


def _bound_json_values(text: str, limits: Limits) -> None:
    """Refuse JSON with more values than the limit before `json.loads` builds them.

    Why: the parser builds every value first, and a 20 MB ``[[],[],...]`` takes
    seconds and gigabytes. Each value but the first in an array or object follows
    a comma, so outside strings ``1 + commas + non-empty containers`` is the count
    (exact for valid JSON). Text shorter than two characters a value cannot hold
    too many and is not scanned.
    """
    if len(text) <= 2 * limits.values:
        return
    shape = _JSON_SPACE.sub("", _JSON_STRING.sub("", text))
    empty = shape.count("[]") + shape.count("{}")
    count = 1 + shape.count(",") + shape.count("[") + shape.count("{") - empty
    if count > limits.values:
        bounds = _Bounds(limits)
        bounds.values = limits.values
        bounds.value("", 0)  # raises the limit's message


def read_text(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """Read a data file as UTF-8 (a BOM is accepted), bounded in size."""
    limit = limits.file_bytes
    try:
        raw = _read_at_most(path, limit + 1)  # stops at the limit, even on a pipe or device
    except OSError as exc:
        raise DataError(Problem("", f"cannot read the file: {exc.strerror}"), path) from None
    if len(raw) > limit:
        raise DataError(
            Problem("", f"the file is larger than {limit} bytes, the limit for a data file"), path
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            Problem("", f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8"), path
        ) from None


def _read_at_most(path: Path, most: int) -> bytes:
    """Up to `most` bytes of a file. Unbuffered, in reads sized by the file (a data
    file is a few kB; the limit is megabytes, and a buffer of that size per file
    would be made and dropped for nothing)."""
    chunks: list[bytes] = []
    got = 0
    with path.open("rb", buffering=0) as stream:
        wanted = os.fstat(stream.fileno()).st_size + 1  # 1: a file still growing reads on
        while got < most:
            chunk = stream.read(min(max(wanted, 1 << 16), most - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            wanted = 0
    return b"".join(chunks)


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
    if kind != "value_error" and (value is None or isinstance(value, str | int | float | Decimal)):
        message += f", got {shown(value)}"
    return message


def _expected_score_problems(report: Report, lines: LineMap) -> list[Problem]:
    problems = []
    single = report.indicator is not None
    for index, indicator in enumerate(report.all_indicators):
        if indicator.expected_score is None or not indicator.assessed:
            continue
        computed = score_indicator(indicator).score
        if display_round(computed) != display_round(indicator.expected_score):
            base = indicator_path(single, index)
            path = f"{base}.expected_score"
            problems.append(
                Problem(
                    path,
                    f"expected_score is {format_compact(indicator.expected_score)} but the results "
                    f"give {format_compact(computed)}; correct the results or the expected score",
                    line_for(path, lines),
                )
            )
    return problems


def _dimension_problems(report: Report, lines: LineMap) -> list[Problem]:
    """An indicator in a dimension the report does not declare: name both."""
    problems = []
    single = report.indicator is not None
    declared = ", ".join(repr(d.code) for d in report.report.dimensions or [])
    for index, indicator in report.undeclared_dimensions():
        base = indicator_path(single, index)
        given = indicator.dimension is not None
        path = f"{base}.dimension" if given else f"{base}.code"
        how = "" if given else f" (from its code {indicator.code!r}; give dimension: to choose)"
        problems.append(
            Problem(
                path,
                f"indicator {indicator.code} is in dimension {indicator.dimension_code!r}{how}, "
                f"which report.dimensions does not declare (it declares {declared}); "
                "add the dimension or correct the indicator's",
                line_for(path, lines),
            )
        )
    return problems


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
        items += [(indicator_path(False, i), v) for i, v in enumerate(raw["indicators"])]
    for base, item in items:
        if not isinstance(item, dict):
            continue
        scoring = item.get("scoring") if isinstance(item.get("scoring"), dict) else {}
        result = item.get("result") if isinstance(item.get("result"), dict) else {}
        method = scoring.get("method")
        for key, message in _OTHER_METHOD_FIELDS.get(method, {}).items():
            if key in scoring:
                path = f"{base}.scoring.{key}"
                problems.append(Problem(path, message, line_for(path, lines)))
        if method == "milestone" and "value" in result:
            path = f"{base}.result.value"
            problems.append(
                Problem(
                    path,
                    "result.value is for quantitative indicators; "
                    "a milestone indicator reports result.steps",
                    line_for(path, lines),
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
                        line_for(path, lines),
                    )
                )
            elif result.get("value") is None and item.get("status", "assessed") == "assessed":
                path = f"{base}.result.value"
                problems.append(
                    Problem(
                        path,
                        "a quantitative indicator needs result.value (a number)",
                        line_for(path, lines),
                    )
                )
    return problems


def validate(
    raw: Any,
    lines: LineMap | None = None,
    file: str | Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Report:
    """Validate parsed data; raise one `DataError` listing every problem found."""
    lines = lines or {}
    _require_mapping(raw, file)
    try:  # data given as a dict has not been bounded by a parser
        problems = check_values(raw, limits, lines)
    except DataError as exc:
        raise exc.with_file(file) if file is not None else exc from None
    if problems:
        raise DataError(problems, file)
    return _validate_bounded(drop_lone_surrogates(raw), lines, file)


def _require_mapping(raw: Any, file: str | Path | None) -> None:
    if not isinstance(raw, dict):
        raise DataError(
            Problem(
                "", "expected a mapping with `report:` and `indicator:` at the top of the file"
            ),
            file,
        )


def _validate_bounded(raw: dict, lines: LineMap, file: str | Path | None) -> Report:
    """`validate` for data already bounded and rid of lone surrogates."""
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
            problems.append(Problem(path, _describe(error), line_for(path, lines)))
        raise DataError(problems, file) from None
    problems += _dimension_problems(report, lines)
    problems += _expected_score_problems(report, lines)
    if problems:
        raise DataError(problems, file)
    return report


def load(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Read, parse and validate one data file (``.yaml``, ``.yml`` or ``.json``)."""
    path = Path(path)
    text = read_text(path, limits)
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    report = loads(text, fmt, path, limits)
    report._folder = path.resolve().parent  # pictures are named relative to it
    return report


def loads(
    text: str, fmt: str = "yaml", name: str | Path = "<data>", limits: Limits = DEFAULT_LIMITS
) -> Report:
    """Parse and validate data given as text (JSON lines on stdin, a web form)."""
    parse = parse_json if fmt == "json" else parse_yaml
    try:
        raw, lines, problems = parse(text, limits)
    except DataError as exc:
        raise exc.with_file(name) from None
    if problems:
        raise DataError(problems, name)
    _require_mapping(raw, name)
    if _SURROGATE.search(text) or _SURROGATE_ESCAPE.search(text):
        raw = drop_lone_surrogates(raw)
    return _validate_bounded(raw, lines, name)


__all__ = [
    "Indicator",
    "MilestoneScoring",
    "QuantitativeScoring",
    "Report",
    "check_values",
    "format_path",
    "load",
    "loads",
    "validate",
]
