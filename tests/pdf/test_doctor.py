"""`docgen doctor`: LibreOffice and the Thai font found, or what to install."""

from __future__ import annotations

import pytest
from helpers import laksaman_regular, require

from docgen.errors import OutputError
from docgen.pdf.doctor import doctor_report


def test_doctor_reports_missing_libreoffice_with_the_fix(monkeypatch, tmp_path):
    laksaman_regular()
    monkeypatch.setenv("DOCGEN_SOFFICE", str(tmp_path / "no-such-soffice"))
    report = doctor_report(cache_dir=tmp_path)
    assert not report.ok
    assert any("apt-get install libreoffice-writer fonts-thai-tlwg" in p for p in report.problems)
    text = str(report)
    assert "Laksaman (Regular, Bold, Italic, Bold Italic)" in text
    assert "PDF output font: TH SarabunPSK" in text


@pytest.mark.libreoffice
def test_doctor_reports_libreoffice_path_and_version(tmp_path):
    from docgen.pdf.convert import find_soffice

    try:
        soffice = find_soffice()
    except OutputError:
        require("LibreOffice (soffice)", False)
    laksaman_regular()
    report = doctor_report(cache_dir=tmp_path)
    assert report.ok, report.problems
    first = report.lines[0]
    assert first.startswith(f"LibreOffice: {soffice} (LibreOffice ")
