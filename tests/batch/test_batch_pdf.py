"""A batch's PDFs by warm LibreOffices: kept across batches, and a crash mid-batch
costs no document."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from helpers import pdf_comparable, pdf_text, require, require_tool, write_records

from docgen import api
from docgen.batch import find_inputs, run_batch
from docgen.pdf.warm import WarmConverter, warm_available

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def converter():
    require_tool("soffice")
    require("LibreOffice's Python bridge (apt-get install python3-uno)", warm_available())
    with WarmConverter(timeout=60) as kept:
        kept.start()
        yield kept


def pdf_batch(records: Path, out: Path, converter: WarmConverter):
    found = find_inputs([records])
    template = api.Template(api.DEFAULT_TEMPLATE)
    return run_batch(found, template, out, pdf=True, total=len(found), pdf_converters=[converter])


def test_a_kept_libreoffice_serves_batch_after_batch(tmp_path, converter):
    write_records(tmp_path / "in", 3)
    office = converter.pid
    for out in ("first", "second"):
        result = pdf_batch(tmp_path / "in", tmp_path / out, converter)
        assert (result.written, result.failed) == (3, 0), result.failures
        assert len(list((tmp_path / out).glob("*.pdf"))) == 3
    assert (converter.starts, converter.pid) == (1, office)  # no LibreOffice started


def test_libreoffice_killed_mid_batch_costs_no_pdf(tmp_path, converter):
    write_records(tmp_path / "in", 6)
    out = tmp_path / "out"
    office = converter.pid

    def kill_after_the_first_pdf() -> None:
        deadline = time.monotonic() + 120
        while not list(out.glob("*.pdf")) and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(office, signal.SIGKILL)

    killer = threading.Thread(target=kill_after_the_first_pdf)
    killer.start()
    result = pdf_batch(tmp_path / "in", out, converter)
    killer.join()
    assert converter.starts == 2
    assert (result.written, result.failed) == (6, 0), result.failures
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 6
    assert all(pdf_comparable("ผลการปฏิบัติราชการ") in pdf_comparable(pdf_text(p)) for p in pdfs)


def test_two_reports_with_one_file_get_no_pdf_and_the_others_do(tmp_path, converter):
    paths = write_records(tmp_path / "in", 2)
    (tmp_path / "in" / "record-002.json").write_bytes(paths[0].read_bytes())  # 1.1 again
    out = tmp_path / "out"
    result = pdf_batch(tmp_path / "in", out, converter)
    assert (result.written, result.failed) == (1, 2)
    assert [f["error"]["kind"] for f in result.failures] == ["conflict", "conflict"]
    assert sorted(p.name for p in out.glob("*.*") if p.name != "manifest.json") == [
        "2550-r12-1.2.docx",
        "2550-r12-1.2.pdf",
    ]
