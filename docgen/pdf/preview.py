"""A document's pages as PNG images: `docgen preview`'s PDF half.

The document is converted with LibreOffice (`docgen.pdf.convert`, the same fonts
as ``render --pdf``) and the PDF rasterised with poppler's pdftoppm. Nothing but
the PNG pages is kept. `docgen.api.preview` renders the document it is given.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from docgen.errors import OutputError
from docgen.output import atomic_write_bytes

DEFAULT_DPI = 80  # a page fits a screen
_PAGE_NUMBER = re.compile(r"-(\d+)\.png$")


def page_paths(out: Path, count: int) -> list[Path]:
    """The names of `count` pages for ``-o out``: ``preview.png`` -> ``preview-1.png``, ...

    >>> [p.name for p in page_paths(Path("output/preview.png"), 2)]
    ['preview-1.png', 'preview-2.png']
    """
    return [out.with_name(f"{out.stem}-{n}.png") for n in range(1, count + 1)]


def _rasterise(pdf: Path, folder: Path, dpi: int) -> list[Path]:
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise OutputError(
            "pdftoppm is not installed; previews need it (apt-get install poppler-utils)"
        )
    done = subprocess.run(
        [tool, "-png", "-r", str(dpi), str(pdf), str(folder / "page")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise OutputError(f"pdftoppm could not read the PDF: {done.stderr.strip()}")
    pages = [p for p in folder.glob("page-*.png") if _PAGE_NUMBER.search(p.name)]
    return sorted(pages, key=lambda p: int(_PAGE_NUMBER.search(p.name).group(1)))  # type: ignore[union-attr]


def _remove_stale_pages(out: Path, keep: int) -> None:
    """Pages of an earlier, longer preview must not pass for pages of this one."""
    for old in out.parent.glob(f"{out.stem}-*.png"):
        match = re.fullmatch(re.escape(out.stem) + r"-(\d+)\.png", old.name)
        if match and int(match.group(1)) > keep:
            old.unlink(missing_ok=True)


def preview_pages(
    docx: bytes,
    name: str,
    out: str | Path,
    *,
    dpi: int = DEFAULT_DPI,
    font_dir: str | Path | None = None,
    timeout: float = 120,
) -> list[Path]:
    """Write the pages of a .docx (its bytes, and its file `name`) as PNG images named
    after `out`; return their paths in page order."""
    from docgen.pdf.convert import convert_to_pdf

    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="docgen-preview-") as tmp:
        folder = Path(tmp)
        source = folder / name
        source.write_bytes(docx)
        [result] = convert_to_pdf([source], folder, timeout=timeout, font_dir=font_dir)
        if result.pdf is None:
            raise OutputError(f"LibreOffice could not convert the preview: {result.error}")
        pages = _rasterise(result.pdf, folder, dpi)
        if not pages:
            raise OutputError("pdftoppm wrote no page for the preview")
        written = [
            atomic_write_bytes(target, page.read_bytes())
            for target, page in zip(page_paths(out, len(pages)), pages, strict=True)
        ]
    _remove_stale_pages(out, len(written))
    return written
