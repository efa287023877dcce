"""The zip reader itself: a bomb is refused after inflating no more than it declares."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
import zlib

import pytest

from docgen.engine.zipsafe import PackageDamage, inflate


def _zip_with(
    name: str, content: bytes, declared: int | None = None
) -> tuple[bytes, zipfile.ZipInfo]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    source = buffer.getvalue()
    info = zipfile.ZipFile(io.BytesIO(source)).infolist()[0]
    if declared is not None:
        info.file_size = declared
        info.CRC = zlib.crc32(content[:declared])
    return source, info


def test_a_bomb_is_refused_without_inflating_it():
    """200 MB of zeros deflate to 200 kB; declared as 100 bytes with a matching CRC."""
    source, info = _zip_with("word/media/b.bin", bytes(200_000_000), declared=100)
    tracemalloc.start()
    try:
        with pytest.raises(PackageDamage, match="does not hold the 100 bytes it declares"):
            inflate(source, info, cap=50_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000  # the compressed input, not the 200 MB


def test_a_declared_size_over_the_cap_is_refused_before_inflating():
    source, info = _zip_with("word/media/b.bin", bytes(1000))
    with pytest.raises(PackageDamage, match="declares 1000 bytes, over the limit"):
        inflate(source, info, cap=999)


def test_an_honest_entry_inflates_whole():
    source, info = _zip_with("word/document.xml", b"<w:document/>" * 1000)
    assert inflate(source, info, cap=10**6) == b"<w:document/>" * 1000
