"""The docgen command as a clerk uses it: help, output, exit codes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import SEED_DATA, require_tool

from docgen.cli import main


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--help"], "render"),
        (["--help"], "รายงานผลการปฏิบัติราชการตามคำรับรองฯ"),
        (["render", "--help"], "2550-r12-3.2.docx"),
        (["render", "--help"], "--template"),
        (["render", "--help"], "--digits [arabic|thai]"),
        (["doctor", "--help"], "LibreOffice"),
        (["check", "--help"], "Exit code 0:"),
        (["fields", "--help"], "filters"),
        (["schema", "--help"], "yaml-language-server: $schema="),
        (["preview", "--help"], "PNG"),
    ],
)
def test_help_explains_itself(args, expected):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert expected in result.output


def test_render_writes_and_names_the_document(tmp_path):
    result = CliRunner().invoke(main, ["render", str(SEED_DATA), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {tmp_path / '2550-r12-3.2.docx'}  (score 5, weighted 0.2)\n"
    assert [p.name for p in tmp_path.iterdir()] == ["2550-r12-3.2.docx"]


def test_missing_file_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["render", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_bad_template_is_exit_4(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    result = CliRunner().invoke(
        main, ["render", str(SEED_DATA), "--template", str(bad), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 4
    assert f"error: {bad}: not a Word document" in result.output


@pytest.mark.libreoffice
def test_render_pdf_verbose_names_the_font(tmp_path):
    require_tool("soffice")
    result = CliRunner().invoke(
        main, ["render", str(SEED_DATA), "-o", str(tmp_path), "--pdf", "--verbose"]
    )
    assert result.exit_code == 0, result.output
    pdf_line = result.output.splitlines()[1]
    assert pdf_line.startswith(f"wrote {tmp_path / '2550-r12-3.2.pdf'}  (font: TH Sarabun")
    assert (tmp_path / "2550-r12-3.2.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.libreoffice
def test_doctor_reports_libreoffice_and_the_pdf_font():
    require_tool("soffice")
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("LibreOffice: ")
    assert "PDF output font: TH SarabunPSK" in result.output
