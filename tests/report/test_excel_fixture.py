"""The fixture sheet fixtures/agreement-2567.xlsx: built from the agreement fixture by
tools/agreement_sheet.py, it imports into files that score as the fixture's hand figures."""

from __future__ import annotations

import importlib.util
from decimal import Decimal

from helpers import FIXTURES, ROOT, snapshot

from docgen.numbers import display_round
from docgen.report.data import load
from docgen.report.excel import export_sheet, import_sheet
from docgen.report.scoring import score_report

SHEET = FIXTURES / "agreement-2567.xlsx"
# The comment at the top of fixtures/agreement-2567-r6.yaml: score per indicator,
# None where the indicator is not assessed (2.3) or cancelled (3.3).
HAND_SCORES = {
    "1.1": "3.5",
    "1.2": "3.5",
    "1.3": "5",
    "1.10": "5",
    "2.1": "3.4",
    "2.2": "3.5",
    "2.3": None,
    "3.1": "2",
    "3.2": "2.4",
    "3.3": None,
}


def _tool():
    spec = importlib.util.spec_from_file_location(
        "agreement_sheet", ROOT / "tools" / "agreement_sheet.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_fixture_sheet_is_what_the_script_builds_from_the_fixture():
    tool = _tool()
    assert tool.cells(SHEET.read_bytes()) == tool.cells(tool.build()), (
        "fixtures/agreement-2567.xlsx is stale: run python tools/agreement_sheet.py"
    )


def test_the_fixture_sheet_imports_into_files_that_score_as_by_hand(tmp_path):
    outcomes = import_sheet(SHEET, tmp_path)
    assert [o.action for o in outcomes] == ["created"] * 10
    indicators = [i for path in sorted(tmp_path.glob("*.yaml")) for i in load(path).all_indicators]
    scored = score_report(indicators)
    found = {
        i.code: None if s.score is None else str(display_round(s.score).normalize())
        for i, s in zip(indicators, scored.scores, strict=True)
    }
    assert found == HAND_SCORES
    assert display_round(scored.composite) == Decimal("3.5353")  # 300.5 / 85
    assert scored.assessed_weight == 85 and scored.total_weight == 100
    report = load(tmp_path / "2567-r6-2.3.yaml")
    assert report.report.organization == "สำนักงานจังหวัดตัวอย่าง"
    assert str(report.report.as_of) == "2024-03-31"
    assert report.indicator.status == "not_assessed"


def test_files_made_from_the_sheet_come_back_unchanged_through_export_and_import(tmp_path):
    workspace = tmp_path / "ws"
    import_sheet(SHEET, workspace)
    before = snapshot(workspace)
    for suffix in (".xlsx", ".csv"):
        sheet = export_sheet(sorted(workspace.iterdir()), tmp_path / f"again{suffix}")
        report = {"fiscal_year": 2567, "round": 6} if suffix == ".csv" else {}
        outcomes = import_sheet(tmp_path / f"again{suffix}", workspace, report=report)
        assert {o.action for o in outcomes} == {"unchanged"}
        assert display_round(sheet.composite) == Decimal("3.5353")
    assert snapshot(workspace) == before
