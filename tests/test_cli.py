"""The docgen command as a clerk uses it: help, output, exit codes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import docx
import pytest
import yaml
from click.testing import CliRunner
from helpers import (
    REPORT_DATA,
    REPORT_FIGURES,
    ROOT,
    SEED_DATA,
    free_port,
    require_tool,
    wait_for_page,
)

from docgen.cli import main


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--help"], "render"),
        (["--help"], "รายงานผลการปฏิบัติราชการตามคำรับรองฯ"),
        (["render", "--help"], "2550-r12-3.2.docx"),
        (["render", "--help"], "--template"),
        (["render", "--help"], "--digits [arabic|thai]"),
        (["render", "--help"], "--summary"),
        (["doctor", "--help"], "LibreOffice"),
        (["serve", "--help"], "--workspace"),
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
        main, ["render", str(SEED_DATA), "-o", str(tmp_path), "--pdf", "--verbose", "--summary"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].startswith(f"wrote {tmp_path / '2550-r12-3.2.pdf'}  (font: TH Sarabun")
    assert lines[3].startswith(f"wrote {tmp_path / '2550-r12-summary.pdf'}  (font: TH Sarabun")
    for name in ("2550-r12-3.2.pdf", "2550-r12-summary.pdf"):
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")


@pytest.mark.libreoffice
def test_doctor_reports_libreoffice_and_the_pdf_font():
    require_tool("soffice")
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("LibreOffice: ")
    assert "PDF output font: TH SarabunPSK" in result.output


@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "pure-python"])
def test_doctor_says_which_yaml_parser_reads_data_files(monkeypatch, libyaml):
    monkeypatch.setattr("docgen.report.data.LIBYAML", libyaml)
    result = CliRunner().invoke(main, ["doctor"])
    last = result.output.splitlines()[-1]
    if libyaml:
        version = yaml._yaml.get_version_string()
        assert last == f"YAML parser: libyaml {version} (PyYAML {yaml.__version__})"
    else:
        assert last == (
            f"YAML parser: PyYAML {yaml.__version__} pure Python "
            "(libyaml missing: YAML files load slowly)"
        )


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
    assert result.stdout.splitlines()[-1] == "composite 2.9561, 6 indicators, weights 95"
    assert result.stderr == (
        "warning: the indicators' weights add up to 95, not 100, so the composite score "
        "2.9561 is not the score of a complete report; check each indicator's weight\n"
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
    assert paragraph.text == "6 ตัวชี้วัด, คะแนนรวม 2.9561"  # 280.83 / 95


# --------------------------------------------------------------------------- serve


def test_serve_without_a_workspace_creates_reports_and_answers_on_localhost(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "docgen", "serve", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = wait_for_page(process, port, 30)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert (tmp_path / "reports").is_dir()
    assert f"<code>{tmp_path / 'reports'}</code>" in page
    assert f"the form is at http://localhost:{port}/" in output


def test_serve_refuses_a_workspace_that_is_not_a_folder(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--workspace", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "is not a folder" in result.output


def test_serve_on_a_port_in_use_is_an_environment_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "docgen", "serve", "--workspace", str(tmp_path)]
            + ["--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 3
    assert f"error: cannot listen on 127.0.0.1:{port}" in result.stderr


def test_a_home_folder_nobody_can_write_is_no_traceback(tmp_path):
    """PyThaiNLP makes ~/pythainlp-data at import; a service whose $HOME cannot be
    written (here: a path under a file) still renders."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHAINLP")}
    env["HOME"] = str(blocker / "home")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "docgen", "render", str(SEED_DATA), "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert [p.name for p in out.iterdir()] == ["2550-r12-3.2.docx"]
