"""Shared fixtures: the seed's data, rendered documents, and external tools."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import DEFAULT_TEMPLATE, FAKE_SOFFICE, REPORT_DATA, SEED_DATA, require_tool


@pytest.fixture(scope="session")
def seed_report():
    from docgen.report.data import load

    return load(SEED_DATA)


@pytest.fixture(scope="session")
def seed_docx(tmp_path_factory) -> Path:
    """The seed form rendered once with the default template."""
    from docgen import api

    out = tmp_path_factory.mktemp("seed")
    [document] = api.render_report(SEED_DATA, out_dir=out).documents
    return document.path


@pytest.fixture(scope="session")
def report_rendered(tmp_path_factory):
    """The multi-indicator report rendered once, with its summary (a RenderedReport)."""
    from docgen import api

    return api.render_report(REPORT_DATA, out_dir=tmp_path_factory.mktemp("report"), summary=True)


@pytest.fixture(scope="session")
def report_docx(report_rendered) -> dict[str, Path]:
    """Indicator code -> its document, from the report rendered once."""
    return {document.code: document.path for document in report_rendered.documents}


@pytest.fixture(scope="session")
def seed_pdf(seed_docx, tmp_path_factory) -> Path:
    """The seed document converted by the real LibreOffice."""
    require_tool("soffice")
    from docgen.pdf.convert import convert_to_pdf

    out = tmp_path_factory.mktemp("seed-pdf")
    [result] = convert_to_pdf([seed_docx], out)
    assert result.error is None, result.error
    return result.pdf


@pytest.fixture(scope="session")
def resaved_template(tmp_path_factory) -> Path:
    """The default template opened and saved again by LibreOffice (docx to docx)."""
    soffice = require_tool("soffice")
    folder = tmp_path_factory.mktemp("resaved")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder / "out"),
            str(DEFAULT_TEMPLATE),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / "out" / DEFAULT_TEMPLATE.name


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    """A stand-in soffice that logs each start and hangs/crashes on request."""
    script = tmp_path / "soffice"
    script.write_text(f"#!{sys.executable}\n" + textwrap.dedent(FAKE_SOFFICE))
    script.chmod(0o755)
    log = tmp_path / "soffice.log"
    monkeypatch.setenv("DOCGEN_SOFFICE", str(script))
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    # the fake speaks no UNO: PDFs take the chunked path, one fake process per chunk
    monkeypatch.setenv("DOCGEN_UNO_PYTHON", shutil.which("false") or "/bin/false")

    def starts() -> list[tuple[int, str, int, list[str]]]:
        if not log.exists():
            return []
        rows = [line.split("|") for line in log.read_text().splitlines()]
        return [
            (int(pid), env, int(profiles), docs.split(",")) for pid, env, profiles, docs in rows
        ]

    return starts
