"""The indicators already in a workspace folder, found by (fiscal year, round, code).

Import updates an indicator where it already lives (its own file, or one item of a
file with `indicators:`), so a workspace exported and imported again is left as it
is. Files that cannot be parsed are skipped here; validation reports them if the
import would touch them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docgen.errors import DataError
from docgen.output import TEMP_PREFIX
from docgen.report.data import DATA_SUFFIXES, check_values, parse_json, read_text

Key = tuple[int, int, str]  # fiscal year, round, code


@dataclass
class DataFile:
    """A data file of the workspace as parsed: its text (for the comments on top) and data."""

    path: Path
    text: str
    raw: dict[str, Any]
    many: bool  # `indicators:` (a list) rather than `indicator:`
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def data_files(folder: Path) -> list[Path]:
    """The data files directly inside `folder`, by name."""
    if not folder.is_dir():
        return []
    return sorted(
        entry
        for entry in folder.iterdir()
        if entry.suffix.lower() in DATA_SUFFIXES
        and not entry.name.startswith((".", TEMP_PREFIX))
        and entry.is_file()
    )


def _parse_yaml(text: str) -> tuple[Any, None, list]:
    """YAML through libyaml, bounded afterwards: the index needs the data, not the lines
    (the data loader's line-tracking parser is ten times slower over a whole folder)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        raw = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError, RecursionError):
        raise DataError([]) from None
    return raw, None, check_values(raw)


def read_data_file(path: Path) -> DataFile | None:
    """The file's data, or None when it is not a readable data file."""
    try:
        text = read_text(path)
        parse = parse_json if path.suffix.lower() == ".json" else _parse_yaml
        raw, _, problems = parse(text)
    except DataError:
        return None
    if problems or not isinstance(raw, dict):
        return None
    many = isinstance(raw.get("indicators"), list)
    items = raw.get("indicators") if many else [raw.get("indicator")]
    return DataFile(path, text, raw, many, [i for i in items or [] if isinstance(i, dict)])


def key_of(raw: dict[str, Any], indicator: dict[str, Any]) -> Key | None:
    report = raw.get("report")
    if not isinstance(report, dict):
        return None
    year, months, code = report.get("fiscal_year"), report.get("round"), indicator.get("code")
    if isinstance(year, int) and isinstance(months, int) and isinstance(code, str):
        return (year, months, code)
    return None


def index(folder: Path) -> tuple[dict[Key, list[tuple[DataFile, int]]], dict[str, DataFile]]:
    """Where each indicator lives (files, position in each), and the readable files by name."""
    where: dict[Key, list[tuple[DataFile, int]]] = {}
    files: dict[str, DataFile] = {}
    for path in data_files(folder):
        data = read_data_file(path)
        if data is None:
            continue
        files[path.name] = data
        for position, item in enumerate(data.items):
            key = key_of(data.raw, item)
            if key is not None:
                where.setdefault(key, []).append((data, position))
    return where, files
