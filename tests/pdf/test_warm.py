"""The warm converter: one LibreOffice for many documents, restarted when it dies or hangs.

These run the real LibreOffice through its UNO bridge (python3-uno); a crash is
a SIGKILL to the office's process group, a hang a SIGSTOP to it.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
from helpers import pdf_comparable, pdf_text, require, require_tool

from docgen.errors import OutputError
from docgen.pdf.warm import UNO_PYTHON_ENV, WarmConverter, find_uno_python, warm_available

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def copies(seed_docx, tmp_path) -> list[Path]:
    """Four copies of the seed document under their own names."""
    require_tool("soffice")
    require("LibreOffice's Python bridge (apt-get install python3-uno)", warm_available())
    paths = []
    for number in range(4):
        path = tmp_path / f"office-{number}.docx"
        shutil.copyfile(seed_docx, path)
        paths.append(path)
    return paths


def _kill_office(converter: WarmConverter, how: signal.Signals) -> None:
    pid = converter.pid
    assert pid is not None, "no office running"
    os.killpg(pid, how)


def test_one_office_converts_every_document_like_the_chunked_path(copies, tmp_path, seed_pdf):
    with WarmConverter(timeout=60) as converter:
        results = converter.convert_many(copies, tmp_path / "pdf")
        assert converter.starts == 1
    assert [r.error for r in results] == [None] * len(copies)
    expected = pdf_comparable(pdf_text(seed_pdf))
    for result in results:
        assert result.pdf == tmp_path / "pdf" / (result.source.stem + ".pdf")
        assert pdf_comparable(pdf_text(result.pdf)) == expected
        assert "derived" in result.font or "TH Sarabun" in result.font


def test_an_office_killed_mid_batch_is_started_again_and_loses_no_document(copies, tmp_path):
    with WarmConverter(timeout=60) as converter:
        first = converter.convert_file(copies[0], tmp_path / "0.pdf")
        _kill_office(converter, signal.SIGKILL)  # between two documents
        second = converter.convert_file(copies[1], tmp_path / "1.pdf")
        # and while converting one: the document is tried again on a fresh office
        killer = threading.Timer(0.05, _kill_office, (converter, signal.SIGKILL))
        killer.start()
        third = converter.convert_file(copies[2], tmp_path / "2.pdf")
        killer.join()
        fourth = converter.convert_file(copies[3], tmp_path / "3.pdf")
        assert converter.starts >= 3
    for result in (first, second, third, fourth):
        assert result.error is None and result.pdf is not None
        assert "ผลการปฏิบัติราชการ" in pdf_text(result.pdf)


def test_a_hanging_office_is_stopped_after_the_timeout_and_the_rest_are_converted(copies, tmp_path):
    with WarmConverter(timeout=3) as converter:
        assert converter.convert_file(copies[0], tmp_path / "0.pdf").ok
        _kill_office(converter, signal.SIGSTOP)  # it stops answering
        started = time.monotonic()
        hung = converter.convert_file(copies[1], tmp_path / "1.pdf")
        assert time.monotonic() - started < 30
        rest = [converter.convert_file(p, tmp_path / f"{p.stem}.pdf") for p in copies[2:]]
        assert converter.starts == 2
    assert hung.pdf is None
    assert "did not finish within 3 s" in hung.error
    assert not (tmp_path / "1.pdf").exists()
    assert [r.error for r in rest] == [None, None]


def test_a_broken_document_fails_alone_and_keeps_the_office(copies, tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with WarmConverter(timeout=60) as converter:
        results = converter.convert_many([copies[0], broken, copies[1]], tmp_path / "pdf")
        assert converter.starts == 1
    assert [r.ok for r in results] == [True, False, True]
    assert "not a Word .docx file" in results[1].error


def test_bytes_in_pdf_bytes_out(copies):
    with WarmConverter(timeout=60) as converter:
        pdf = converter.convert_bytes(copies[0].read_bytes(), "report.docx")
        assert pdf.startswith(b"%PDF-")
        with pytest.raises(OutputError, match="report.docx"):
            converter.convert_bytes(b"junk", "report.docx")


def test_a_python_without_uno_is_named(monkeypatch, tmp_path):
    require_tool("soffice")
    monkeypatch.setenv(UNO_PYTHON_ENV, shutil.which("false") or "/bin/false")
    with pytest.raises(OutputError, match=f"{UNO_PYTHON_ENV}=.* cannot import uno"):
        find_uno_python()
