"""`docgen preview`: the first indicator's pages as PNG images, through LibreOffice."""

from __future__ import annotations

import re
import struct
import subprocess

import pytest
from click.testing import CliRunner
from helpers import SEED_DATA, require_tool

from docgen.cli import main

DPI = 40


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def previewed(tmp_path_factory):
    require_tool("soffice")
    require_tool("pdftoppm")
    folder = tmp_path_factory.mktemp("preview")
    (folder / "look-9.png").write_bytes(b"an older, longer preview")
    (folder / "look-notes.png").write_bytes(b"not a page")
    result = CliRunner().invoke(
        main, ["preview", str(SEED_DATA), "-o", str(folder / "look.png"), "--dpi", str(DPI)]
    )
    return folder, result


@pytest.mark.libreoffice
def test_preview_writes_every_page_of_the_document(previewed, seed_pdf):
    folder, result = previewed
    assert result.exit_code == 0, result.output
    info = subprocess.run(["pdfinfo", str(seed_pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    names = [f"look-{n}.png" for n in range(1, pages + 1)]
    assert result.output == "".join(f"wrote {folder / name}\n" for name in names)
    assert sorted(p.name for p in folder.glob("look-*.png")) == sorted([*names, "look-notes.png"])


@pytest.mark.libreoffice
def test_preview_pages_are_the_documents_pages(previewed, seed_pdf, tmp_path):
    folder, _ = previewed
    tool = require_tool("pdftoppm")
    subprocess.run(
        [tool, "-png", "-r", str(DPI), "-f", "1", "-l", "1", str(seed_pdf), str(tmp_path / "p")],
        check=True,
    )
    [expected] = tmp_path.glob("p-*.png")
    width, height = png_size(folder / "look-1.png")
    assert (width, height) == (round(595.3 * DPI / 72), round(841.9 * DPI / 72))  # A4
    assert (folder / "look-1.png").read_bytes() == expected.read_bytes()


def test_preview_without_libreoffice_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCGEN_SOFFICE", str(tmp_path / "missing" / "soffice"))
    result = CliRunner().invoke(main, ["preview", str(SEED_DATA), "-o", str(tmp_path / "p.png")])
    assert result.exit_code == 3
    assert "PDF output needs LibreOffice" in result.output
    assert list(tmp_path.glob("*.png")) == []
