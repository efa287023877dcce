"""The zip container of a .docx: read with a zip bomb's checks, written from entries
that are compressed once.

A rendered document differs from its template in one or two parts; the rest
(styles, theme, fonts, images: most of the bytes) is the same every time.
Python's zipfile can only write an entry by compressing it again, which for the
official form's 350 kB styles.xml costs more than rendering the whole body. So
the template's entries are taken over as they are, compressed bytes and all,
and a document is written by concatenating packed entries and adding the
central directory: a standard zip (PKWARE APPNOTE 4.3), without zip64.

Entries keep the template's timestamps, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from docgen.engine import zipsafe
from docgen.errors import OutputError, TemplateError, TemplateProblem
from docgen.limits import DEFAULT_LIMITS, Limits

try:  # ISA-L's deflate: on rendered bodies six times faster than zlib's fastest level
    from isal import isal_zlib as _deflate
except ImportError:  # pragma: no cover - a platform without its wheels
    _deflate = zlib

#: Deflate level of rendered parts: ISA-L's level 1 (0..3) packs a rendered body
#: smaller than zlib's level 1 and in a sixth of its time; zlib's default (6) would
#: make the body a quarter smaller at ten times the cost.
RENDER_LEVEL = 1

DateTime = tuple[int, int, int, int, int, int]

#: The part that holds the document's body.
DOCUMENT_PART = "word/document.xml"
_TEMPLATE_PARTS = re.compile(
    r"word/(header\d*|footer\d*|footnotes|endnotes)\.xml$|docProps/(core|custom)\.xml$"
)

_UTF8_FLAG = 0x800
_VERSION_NEEDED = 20  # 2.0: deflate
_VERSION_MADE_BY = (3 << 8) | 20  # unix, 2.0: external attributes are unix permissions
_FILE_MODE = (0o100000 | 0o644) << 16
_LIMIT = 0xFFFFFFFF  # sizes and offsets above this need zip64
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_COPYABLE = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


@dataclass(frozen=True)
class PackedEntry:
    """One zip entry ready to write: local header and data, and its central record."""

    name: str
    local: bytes  # local file header + name + compressed data
    central_head: bytes  # central directory record up to, not including, the offset
    name_bytes: bytes


def _dos_time(date_time: DateTime) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    year = min(max(year, 1980), 2107)
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def _entry(
    name: str, payload: bytes, method: int, crc: int, size: int, date_time: DateTime
) -> PackedEntry:
    if size > _LIMIT or len(payload) > _LIMIT:
        raise OutputError(f"{name} is larger than 4 GB; a .docx part cannot be that large")
    name_bytes = name.encode("utf-8")
    flags = 0 if name.isascii() else _UTF8_FLAG
    time, date = _dos_time(date_time)
    sizes = (crc, len(payload), size, len(name_bytes))
    local = _LOCAL.pack(b"PK\x03\x04", _VERSION_NEEDED, flags, method, time, date, *sizes, 0)
    central = _CENTRAL.pack(
        b"PK\x01\x02", _VERSION_MADE_BY, _VERSION_NEEDED, flags, method, time, date,
        *sizes, 0, 0, 0, 0, _FILE_MODE, 0,
    )[:-4]  # fmt: skip
    return PackedEntry(name, local + name_bytes + payload, central, name_bytes)


def pack(
    name: str, data: bytes, date_time: DateTime = (1980, 1, 1, 0, 0, 0), level: int = RENDER_LEVEL
) -> PackedEntry:
    """Deflate one entry; the result can go into any number of packages."""
    packer = _deflate.compressobj(level, zlib.DEFLATED, -15)
    payload = packer.compress(data) + packer.flush()
    return _entry(name, payload, zipfile.ZIP_DEFLATED, _deflate.crc32(data), len(data), date_time)


def take_over(source: bytes, info: zipfile.ZipInfo, data: bytes) -> PackedEntry:
    """An entry of the zip file `source`, as it is there, without compressing it again.

    `data` is the entry's content, already read (and checked) from `source`; it is
    deflated anew only when the entry is compressed in a way docx readers may not
    know (bzip2, lzma).
    """
    if info.flag_bits & 0x1:
        raise zipfile.BadZipFile(f"{info.filename} is encrypted")
    if info.compress_type not in _COPYABLE:
        return pack(info.filename, data, info.date_time)
    start = info.header_offset
    name_length, extra_length = struct.unpack_from("<2H", source, start + 26)
    data_start = start + _LOCAL.size + name_length + extra_length
    payload = source[data_start : data_start + info.compress_size]
    if len(payload) != info.compress_size:
        raise zipfile.BadZipFile(f"{info.filename} is cut short")
    return _entry(
        info.filename, payload, info.compress_type, info.CRC, info.file_size, info.date_time
    )


def write(entries: list[PackedEntry]) -> bytes:
    """The bytes of a zip file holding `entries` in order."""
    if len(entries) > 0xFFFF:
        raise OutputError("a .docx cannot hold more than 65535 parts")
    offsets = []
    position = 0
    for entry in entries:
        offsets.append(position)
        position += len(entry.local)
    directory = b"".join(
        entry.central_head + struct.pack("<L", offset) + entry.name_bytes
        for entry, offset in zip(entries, offsets, strict=True)
    )
    if position + len(directory) > _LIMIT:
        raise OutputError("the document is larger than 4 GB; a .docx cannot be that large")
    count = len(entries)
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), position, 0)
    return b"".join([*(entry.local for entry in entries), directory, end])


# --------------------------------------------------------------------------- reading


def is_template_part(name: str, data: bytes) -> bool:
    """Whether a package part may hold tags: the body always, headers and notes with a ``{``."""
    return name == DOCUMENT_PART or bool(_TEMPLATE_PARTS.match(name) and b"{" in data)


def read_package(
    path: str | Path,
    source: bytes,
    limits: Limits = DEFAULT_LIMITS,
    *,
    allow_external: bool = False,
) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """The parts of a .docx, refusing what is not a plain Word document.

    Zip bombs are refused as they inflate (`docgen.engine.zipsafe`); so are DTDs,
    macros, and (unless `allow_external`) links a document would follow when opened.
    """

    def fail(message: str, hint: str | None = None) -> TemplateError:
        return TemplateError(message, path, hint=hint)

    try:
        archive = zipfile.ZipFile(io.BytesIO(source))
    except zipfile.BadZipFile:
        raise fail(
            "not a Word document (.docx is a zip file; this one is not)",
            "save the template from Word or LibreOffice as .docx",
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.template_parts:
            raise fail(
                f"the template holds {len(infos)} files, over the limit of "
                f"{limits.template_parts}; it may be a zip bomb"
            )
        total = sum(info.file_size for info in infos)
        if total > limits.template_bytes:
            raise fail(
                f"the template unpacks to {total} bytes, over the limit of "
                f"{limits.template_bytes}; it may be a zip bomb"
            )
        names = {info.filename for info in infos}
        if DOCUMENT_PART not in names or "[Content_Types].xml" not in names:
            raise fail(
                "the package has no word/document.xml or [Content_Types].xml; "
                "it is not a Word document",
                "save the template from Word or LibreOffice as .docx",
            )
        try:
            parts = zipsafe.unpack(source, infos, limits)
        except zipsafe.PackageDamage as exc:
            raise fail(
                f"the .docx is damaged ({exc.message})",
                "open it in Word or LibreOffice and save it again as .docx",
            ) from None
    problems = [TemplateProblem(message, kind="file") for message in zipsafe.xml_problems(parts)]
    macro = zipsafe.macro_reason(parts)
    if macro:
        problems.append(
            TemplateProblem(
                f"the template is macro-enabled (.docm): {macro}; docgen does not run or keep macros",
                hint="save it as a plain Word document (.docx)",
                kind="file",
            )
        )
    if not allow_external:
        problems += [
            TemplateProblem(
                link.describe(),
                hint="remove it in Word, or pass --allow-external if you trust it",
                kind="file",
            )
            for link in zipsafe.external_links(parts)
        ]
    if problems:
        raise TemplateError.of(problems, path)
    return parts
