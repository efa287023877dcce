"""Starting the next round from a file (agreement.md, "Next round").

What defines an indicator (code, name, people, phones, description, weight, scoring,
status, dimension) is kept; what belongs to a round is cleared: results, explanation,
supporting factors, obstacles, evidence, expected score, as_of and the sign-off dates.
The round follows the office's sequence: 3 → 6 → 9 → 12 → the next fiscal year's first
round by default; an office that reports at 6 and 12 only gets 6 → 12 → 6.

The rule works on parsed data (a dict), so the command line and the web form share it
and a file keeps every field it has that is not the round's.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError
from docgen.thai import ROUNDS

#: The round sequence unless a workspace says otherwise.
DEFAULT_SEQUENCE: tuple[int, ...] = ROUNDS
#: The sequences a workspace may choose (the web form offers these).
SEQUENCES: dict[str, tuple[int, ...]] = {"3,6,9,12": (3, 6, 9, 12), "6,12": (6, 12)}
#: A workspace's settings file (beside its data files; not a data file itself).
SETTINGS_FILE = ".docgen-workspace.json"
#: Fields of an indicator that belong to one round.
ROUND_FIELDS = ("explanation", "supporting_factors", "obstacles")


def parse_sequence(text: str) -> tuple[int, ...]:
    """A round sequence as typed: ``6,12`` or ``3,6,9,12``.

    >>> parse_sequence("6, 12")
    (6, 12)
    """
    try:
        rounds = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        rounds = ()
    if not rounds or any(r not in ROUNDS for r in rounds) or list(rounds) != sorted(set(rounds)):
        raise DocgenError(
            f"round sequence {text!r}: expected rounds from 3, 6, 9, 12 in increasing "
            "order, separated by commas (e.g. 6,12)"
        )
    return rounds


def next_round(
    fiscal_year: int, round_months: int, sequence: Sequence[int] = DEFAULT_SEQUENCE
) -> tuple[int, int]:
    """The fiscal year and round after this one.

    >>> next_round(2567, 6), next_round(2567, 12), next_round(2567, 6, (6, 12))
    ((2567, 9), (2568, 3), (2567, 12))
    >>> next_round(2567, 12, (6, 12)), next_round(2567, 3, (6, 12))
    ((2568, 6), (2567, 6))
    """
    later = [r for r in sequence if r > round_months]
    if later:
        return fiscal_year, later[0]
    return fiscal_year + 1, sequence[0]


def _clear_dates(sign_off: Any) -> Any:
    """The sign-off without its dates: the next round is signed on other days."""
    if not isinstance(sign_off, dict):
        return sign_off
    cleared = {}
    for role, signer in sign_off.items():
        if isinstance(signer, dict):
            signer = {key: value for key, value in signer.items() if key != "date"}
        cleared[role] = signer
    return cleared


def _clear_indicator(indicator: Any) -> Any:
    if not isinstance(indicator, dict):
        return indicator
    cleared = {k: v for k, v in indicator.items() if k not in ("result", "expected_score")}
    for key in ROUND_FIELDS:
        if key in cleared:
            cleared[key] = ""
    if "evidence" in cleared:
        cleared["evidence"] = []
    if "sign_off" in cleared:
        cleared["sign_off"] = _clear_dates(cleared["sign_off"])
    return cleared


def for_next_round(data: dict[str, Any], sequence: Sequence[int] = DEFAULT_SEQUENCE) -> dict:
    """A copy of a (validated) report's data for the next round, the round's fields cleared."""
    data = clear_round(data)
    report = data["report"]
    report["fiscal_year"], report["round"] = next_round(
        int(report["fiscal_year"]), int(report["round"]), sequence
    )
    return data


def clear_round(data: dict[str, Any]) -> dict:
    """A copy of the data with what belongs to a round cleared, the round itself unchanged."""
    data = copy.deepcopy(data)
    report = data["report"]
    report.pop("as_of", None)
    if "sign_off" in report:
        report["sign_off"] = _clear_dates(report["sign_off"])
    if "indicator" in data:
        data["indicator"] = _clear_indicator(data["indicator"])
    if isinstance(data.get("indicators"), list):
        data["indicators"] = [_clear_indicator(item) for item in data["indicators"]]
    return data


def workspace_sequence(folder: str | Path) -> tuple[int, ...]:
    """The round sequence a workspace remembers (the default when it has none)."""
    path = Path(folder) / SETTINGS_FILE
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
        return parse_sequence(",".join(str(r) for r in settings["rounds"]))
    except (OSError, ValueError, KeyError, TypeError, DocgenError):
        return DEFAULT_SEQUENCE


def remember_sequence(folder: str | Path, sequence: Sequence[int]) -> None:
    """Keep a workspace's round sequence for the next time (written atomically)."""
    from docgen.output import atomic_write_bytes

    path = Path(folder) / SETTINGS_FILE
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
        settings = settings if isinstance(settings, dict) else {}
    except (OSError, ValueError):
        settings = {}
    settings["rounds"] = list(sequence)
    atomic_write_bytes(path, (json.dumps(settings) + "\n").encode("utf-8"))
