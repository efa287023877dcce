"""Apply one parsed row to an indicator of the data format, field by field.

Only the fields the sheet has columns for change; everything else of an existing
indicator (rich text, evidence, step details, keys the sheet cannot express) is
kept as it is. A field whose value the sheet repeats keeps the file's own value, so
that an unchanged indicator compares equal and its file is not rewritten.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from docgen.report.excel.columns import LEVEL_KEYS
from docgen.report.excel.rows import ParsedRow, is_bad

HUNDRED = Decimal(100)
_STEP_COUNT = len(LEVEL_KEYS)


def normal(value: Any) -> Any:
    """A value as compared: numbers exact, None-valued keys dropped, lists item by item.

    >>> normal({"a": 0.1, "b": None}) == normal({"a": Decimal("0.1")})
    True
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int | Decimal):
        return Decimal(value).normalize()
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [normal(item) for item in value]
    return value


def same(a: Any, b: Any) -> bool:
    return normal(a) == normal(b)


def default_dimension(code: str) -> str:
    """The dimension an indicator has when it names none: its code before the first dot."""
    return code.split(".", 1)[0]


def merge_indicator(old: dict[str, Any] | None, row: ParsedRow) -> tuple[dict[str, Any], list[str]]:
    """The indicator with the row applied, and the paths of the fields that changed."""
    base = copy.deepcopy(old) if old else {}
    new: dict[str, Any] = dict(base) if old else {"code": row.code}
    given = {k: v for k, v in row.given.items() if not is_bad(v)}

    _set(new, "name", given, "name")
    if "dimension" in given:
        value = given["dimension"]
        if "dimension" not in base and value == default_dimension(row.code):
            value = None  # the default, as the file already says by not naming it
        _put(new, "dimension", value)
    _set(new, "weight", given, "weight")
    _people(new, "supervisors", given, "supervisor")
    _set(new, "supervisor_phone", given, "supervisor_phone")
    _people(new, "collectors", given, "collector")
    _set(new, "collector_phone", given, "collector_phone")
    if "status" in given:
        value = given["status"]
        if "status" not in base and value in (None, "assessed"):
            value = None
        _put(new, "status", value)
    new["scoring"] = _scoring(base.get("scoring"), row, given)
    result = _result(base.get("result"), row, given)
    _put(new, "result", result if result or "result" in base else None)
    merged = {
        key: base[key] if key in base and same(base[key], value) else value
        for key, value in new.items()
    }
    return merged, _changes(base, merged) if old else []


def _set(target: dict[str, Any], key: str, given: dict[str, Any], column: str) -> None:
    if column in given:
        _put(target, key, given[column])


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


def _people(target: dict[str, Any], key: str, given: dict[str, Any], column: str) -> None:
    """Names one per line; positions line up with them, or are kept by name."""
    names = given.get(column)
    positions = given.get(f"{column}_position")
    if names is None and positions is None:
        return
    old = target.get(key) if isinstance(target.get(key), list) else []
    old_people = [p for p in old if isinstance(p, dict)]
    if names is None or not [n for n in names if n]:
        names = [p.get("name") for p in old_people]
    people = []
    for index, name in enumerate(n for n in names if n):
        person: dict[str, Any] = {"name": name}
        if positions is not None:
            position = positions[index] if index < len(positions) else ""
            if position:
                person["position"] = position
        else:
            match = next((p for p in old_people if p.get("name") == name), None)
            if match and match.get("position") is not None:
                person["position"] = match["position"]
        people.append(person)
    if people:
        target[key] = old if same(_people_key(old_people), _people_key(people)) else people


def _people_key(people: list[dict[str, Any]]) -> list[tuple[Any, Any]]:
    return [(p.get("name"), p.get("position")) for p in people]


def _scoring(old: Any, row: ParsedRow, given: dict[str, Any]) -> dict[str, Any]:
    old = old if isinstance(old, dict) else {}
    method = given.get("method") or row.method or old.get("method") or "milestone"
    scoring: dict[str, Any] = dict(old) if old.get("method") == method else {"method": method}
    levels = [given.get(key) for key in LEVEL_KEYS]
    has_levels = any(key in given for key in LEVEL_KEYS)
    if method == "quantitative":
        scoring.pop("steps", None)
        if "unit" in given:
            _put(scoring, "unit", given["unit"])
        if "direction" in given:
            higher = given["direction"]
            if higher is None or ("higher_is_better" not in old and higher is True):
                scoring.pop("higher_is_better", None)
            else:
                scoring["higher_is_better"] = higher
        if has_levels:
            scoring["targets"] = levels
    else:
        for key in ("unit", "higher_is_better", "targets"):
            scoring.pop(key, None)
        if has_levels:
            scoring["steps"] = ["" if level is None else level for level in levels]
    return scoring


def _result(old: Any, row: ParsedRow, given: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = dict(old) if isinstance(old, dict) else {}
    if row.method == "quantitative":
        result.pop("steps", None)
        if "result" in given:
            _put(result, "value", given["result"])
        return result
    result.pop("value", None)
    if "result" not in given and "next_step_progress" not in given:
        return result
    entries = [dict(e) for e in result.get("steps") or [] if isinstance(e, dict)]
    done = given.get("result")
    if done is None:  # the column is absent: the file's steps done stay
        done = {e.get("step") for e in entries if e.get("done") is True}
    by_step = {e.get("step"): e for e in entries}
    for step in sorted(done):
        by_step.setdefault(step, {"step": step, "done": True})
    upcoming = next((n for n in range(1, _STEP_COUNT + 1) if n not in done), None)
    for step, entry in by_step.items():
        entry["done"] = step in done
        if entry["done"]:
            entry.pop("progress", None)
    if "next_step_progress" in given and upcoming is not None:
        progress = given["next_step_progress"]
        entry = by_step.get(upcoming)
        if progress:
            entry = by_step.setdefault(upcoming, {"step": upcoming, "done": False})
            entry["progress"] = progress / HUNDRED
        elif entry is not None:
            entry.pop("progress", None)
    steps = sorted(by_step.values(), key=lambda e: e.get("step") or 0)
    old_steps = result.get("steps")
    if old_steps is not None and same(sorted(old_steps, key=_step_of), steps):
        steps = old_steps
    _put(result, "steps", steps or None)
    return result


def _step_of(entry: Any) -> int:
    return entry.get("step") or 0 if isinstance(entry, dict) else 0


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The changed fields, one level into scoring and result (scoring.targets)."""
    changed = []
    for key in dict.fromkeys([*old, *new]):
        if same(old.get(key), new.get(key)):
            continue
        if key in ("scoring", "result") and isinstance(old.get(key), dict):
            inner = {**old[key], **(new.get(key) or {})}
            parts = [
                f"{key}.{k}"
                for k in inner
                if not same(old[key].get(k), (new.get(key) or {}).get(k))
            ]
            changed.extend(parts or [key])
        else:
            changed.append(key)
    return changed
