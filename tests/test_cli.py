"""`docgen render` over a whole report: what the person at the console reads."""

from __future__ import annotations

import docx
import pytest
import yaml
from click.testing import CliRunner
from conftest import REPORT_DATA, REPORT_FIGURES

from docgen.cli import main


@pytest.fixture(scope="module")
def short_report(tmp_path_factory):
    """The report without its last indicator: weights add up to 95."""
    raw = yaml.safe_load(REPORT_DATA.read_text(encoding="utf-8"))
    raw["indicators"] = raw["indicators"][:-1]
    path = tmp_path_factory.mktemp("short") / "short.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_render_with_summary_names_every_file_and_the_composite(tmp_path):
    result = CliRunner().invoke(
        main, ["render", str(REPORT_DATA), "--summary", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"wrote {tmp_path / f'2550-r12-{code}.docx'}  (score {score}, weighted {weighted})"
        for code, (_, _, score, weighted) in REPORT_FIGURES.items()
    ] + [
        f"wrote {tmp_path / '2550-r12-summary.docx'}  (composite 3.0583, 7 indicators, weights 100)"
    ]
    assert result.stderr == ""


def test_weights_not_100_warn_on_the_console(short_report, tmp_path):
    result = CliRunner().invoke(main, ["render", str(short_report), "-o", str(tmp_path)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "composite 2.8083, 6 indicators, weights 95"
    assert result.stderr == (
        "warning: the indicators' weights add up to 95, not 100, so the composite score "
        "2.8083 is not the score of a complete report; check each indicator's weight\n"
    )
    assert not (tmp_path / "2550-r12-summary.docx").exists()


def test_summary_template_option_uses_that_template(short_report, tmp_path):
    template = tmp_path / "mine.docx"
    document = docx.Document()
    document.add_paragraph("{{ summary.count }} ตัวชี้วัด, คะแนนรวม {{ summary.composite|score(4) }}")
    document.save(template)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["render", str(short_report), "--summary-template", str(template), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    [paragraph] = docx.Document(str(out / "2550-r12-summary.docx")).paragraphs
    assert paragraph.text == "6 ตัวชี้วัด, คะแนนรวม 2.8083"
