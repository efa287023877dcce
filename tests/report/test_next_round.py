"""Next round (agreement.md): the round sequence and what is cleared, from the command line."""

from __future__ import annotations

import shutil

import pytest
import yaml
from click.testing import CliRunner
from helpers import FIXTURES, SEED_DATA

from docgen.cli import main
from docgen.report.next_round import next_round

AGREEMENT = FIXTURES / "agreement-2567-r6.yaml"


@pytest.mark.parametrize(
    ("current", "sequence", "following"),
    [
        ((2567, 3), (3, 6, 9, 12), (2567, 6)),
        ((2567, 6), (3, 6, 9, 12), (2567, 9)),
        ((2567, 9), (3, 6, 9, 12), (2567, 12)),
        ((2567, 12), (3, 6, 9, 12), (2568, 3)),
        ((2567, 6), (6, 12), (2567, 12)),
        ((2567, 12), (6, 12), (2568, 6)),
        ((2567, 9), (6, 12), (2567, 12)),  # a round off the sequence goes to the next on it
    ],
)
def test_the_round_sequence(current, sequence, following):
    assert next_round(*current, sequence) == following


@pytest.fixture
def workspace(tmp_path):
    shutil.copy(AGREEMENT, tmp_path / "2567-r6-agreement.yaml")
    shutil.copy(SEED_DATA, tmp_path / "2550-r12-3.2.yaml")
    return tmp_path


def run(*args: str):
    result = CliRunner().invoke(main, ["next", *args])
    return result


def test_next_keeps_what_defines_the_indicators_and_clears_the_round(workspace):
    result = run(str(workspace / "2567-r6-agreement.yaml"))
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {workspace / '2567-r9-agreement.yaml'}\n"
    before = yaml.safe_load(AGREEMENT.read_text(encoding="utf-8"))
    after = yaml.safe_load((workspace / "2567-r9-agreement.yaml").read_text(encoding="utf-8"))
    assert (after["report"]["fiscal_year"], after["report"]["round"]) == (2567, 9)
    assert "as_of" not in after["report"]
    assert after["report"]["dimensions"] == before["report"]["dimensions"]
    assert after["report"]["sign_off"]["reporter"] == {
        "name": "นางสาวสุนีย์ ตั้งใจ",
        "position": "นักวิเคราะห์นโยบายและแผนชำนาญการ",  # the date is gone
    }
    kept = ("code", "name", "supervisors", "collectors", "weight", "scoring", "status")
    for old, new in zip(before["indicators"], after["indicators"], strict=True):
        assert {k: new.get(k) for k in kept} == {k: old.get(k) for k in kept}
        assert "result" not in new and "expected_score" not in new
        assert new.get("explanation", "") == new.get("supporting_factors", "") == ""
        assert new.get("obstacles", "") == ""
        assert new.get("evidence", []) == []
    assert "date" not in after["indicators"][1]["sign_off"]["reporter"]


def test_the_seed_form_starts_the_next_fiscal_year(workspace):
    result = run(str(workspace / "2550-r12-3.2.yaml"), "-o", str(workspace / "out"))
    assert result.exit_code == 0, result.output
    after = yaml.safe_load((workspace / "out" / "2551-r3-3.2.yaml").read_text(encoding="utf-8"))
    assert (after["report"]["fiscal_year"], after["report"]["round"]) == (2551, 3)
    assert "พ.ศ. 2550" not in str(after["indicator"].get("evidence", []))
    assert after["indicator"]["explanation"] == ""


def test_the_round_sequence_is_remembered_per_workspace(workspace):
    assert run(str(workspace / "2567-r6-agreement.yaml"), "--rounds", "6,12").exit_code == 0
    assert (workspace / "2567-r12-agreement.yaml").exists()
    result = run(str(workspace / "2567-r12-agreement.yaml"))  # no --rounds: remembered
    assert result.exit_code == 0, result.output
    assert (workspace / "2568-r6-agreement.yaml").exists()


def test_an_existing_file_is_never_overwritten(workspace):
    assert run(str(workspace / "2567-r6-agreement.yaml")).exit_code == 0
    result = run(str(workspace / "2567-r6-agreement.yaml"))
    assert result.exit_code != 0
    assert "2567-r9-agreement.yaml already exists" in result.output


def test_a_bad_round_sequence_is_refused(workspace):
    result = run(str(workspace / "2567-r6-agreement.yaml"), "--rounds", "12,6")
    assert result.exit_code != 0
    assert "round sequence '12,6': expected rounds from 3, 6, 9, 12 in increasing order" in (
        result.output
    )
