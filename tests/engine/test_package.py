"""The zip writer: what it writes is a zip every reader opens, with the same content."""

from __future__ import annotations

import io
import zipfile

import pytest

from docgen.engine import package
from docgen.errors import OutputError

CONTENT = {
    "[Content_Types].xml": b"<Types/>",
    "word/document.xml": "<w:t>รายงาน</w:t>".encode() * 500,
    "word/media/ภาพ.png": bytes(range(256)) * 4,  # a non-ASCII name
    "customXml/empty.xml": b"",
}
WHEN = (2007, 9, 30, 14, 5, 10)


def _read(payload: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        assert archive.testzip() is None  # every CRC checks out
        return {name: archive.read(name) for name in archive.namelist()}


def test_packed_entries_read_back_in_order_with_their_dates():
    payload = package.write([package.pack(n, d, WHEN) for n, d in CONTENT.items()])
    assert _read(payload) == CONTENT
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        assert archive.namelist() == list(CONTENT)
        assert {info.date_time for info in archive.infolist()} == {WHEN}


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2])
def test_entries_taken_over_keep_their_content(method):
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w", method) as archive:
        for name, data in CONTENT.items():
            archive.writestr(zipfile.ZipInfo(name, WHEN), data, compress_type=method)
    raw = source.getvalue()
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        taken = [package.take_over(raw, i, archive.read(i)) for i in archive.infolist()]
        sizes = [info.compress_size for info in archive.infolist()]
    copy = package.write(taken)
    assert _read(copy) == CONTENT
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        if method == zipfile.ZIP_BZIP2:  # not every docx reader has bzip2: deflated instead
            assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
        else:  # copied as they are, not compressed again
            assert [i.compress_size for i in archive.infolist()] == sizes


def test_a_rendered_part_mixes_with_parts_taken_over():
    raw = package.write([package.pack(n, d, WHEN) for n, d in CONTENT.items()])
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        entries = [package.take_over(raw, i, archive.read(i)) for i in archive.infolist()]
    entries[1] = package.pack("word/document.xml", b"<w:document/>", WHEN)
    assert _read(package.write(entries)) == {**CONTENT, "word/document.xml": b"<w:document/>"}


def test_an_encrypted_entry_is_refused():
    raw = bytearray(package.write([package.pack("a.xml", b"<a/>")]))
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as archive:
        info = archive.infolist()[0]
    info.flag_bits |= 0x1
    with pytest.raises(zipfile.BadZipFile, match="encrypted"):
        package.take_over(bytes(raw), info, b"<a/>")


def test_too_many_parts_is_an_output_error():
    entry = package.pack("a.xml", b"")
    with pytest.raises(OutputError, match="65535"):
        package.write([entry] * 65536)
