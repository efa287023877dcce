"""Reading a .docx that may have been made to attack its reader.

`unpack` inflates each entry itself, from the bytes docgen will copy into every
document, with a cap: the declared size (and the template limit) bounds what
it inflates, however the deflated data was crafted; data that goes on past the
declared size, or whose checksum differs, is refused (zipfile would stop at the
declared size and let the rest be copied unseen). `xml_problems` refuses a DTD
in any XML part (an entity declared there renders as XML no reader accepts),
`macro_reason` finds a macro project by content type, relationship type or
bytes (never by name alone), and `external_links` lists what a document would
fetch from outside when opened (linked images, remote templates, frames) and
altChunk imports. Plain hyperlinks are external too but fetch nothing until
clicked, so they are allowed.
"""

from __future__ import annotations

import bz2
import struct
import zipfile
import zlib
from dataclasses import dataclass

from lxml import etree

from docgen.limits import Limits

_LOCAL_HEADER = 30
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_VBA_STREAM = "_VBA_PROJECT".encode("utf-16-le")
#: Content types, lower-cased, of a package that carries macros or their data.
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "vbadata", "vbasignature")
#: Relationship types, lower-cased ends, that point at a macro project or its data.
MACRO_RELATIONSHIPS = (
    "/vbaproject",
    "/wordvbadata",
    "/vbaprojectsignature",
    "/keymapcustomizations",
)
HYPERLINK = "http://schemas.openxmlformats.org/officedocument/2006/relationships/hyperlink"
ALT_CHUNK = "http://schemas.openxmlformats.org/officedocument/2006/relationships/afchunk"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)


class PackageDamage(Exception):
    """The zip is not what it declares; `message` says which entry and how."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _payload(source: bytes, info: zipfile.ZipInfo) -> bytes:
    """The entry's stored (compressed) bytes, found through its local header."""
    start = info.header_offset
    if source[start : start + 4] != b"PK\x03\x04":
        raise PackageDamage(f"{info.filename}: no local header where the directory says")
    name_length, extra_length = struct.unpack_from("<2H", source, start + 26)
    data_start = start + _LOCAL_HEADER + name_length + extra_length
    payload = source[data_start : data_start + info.compress_size]
    if len(payload) != info.compress_size:
        raise PackageDamage(f"{info.filename} is cut short")
    return payload


def inflate(source: bytes, info: zipfile.ZipInfo, cap: int) -> bytes:
    """The entry's content, never inflating more than ``min(declared size, cap) + 1`` bytes."""
    if info.flag_bits & 0x1:
        raise PackageDamage(f"{info.filename} is encrypted")
    if info.file_size > cap:
        raise PackageDamage(f"{info.filename} declares {info.file_size} bytes, over the limit")
    payload = _payload(source, info)
    if info.compress_type == zipfile.ZIP_STORED:
        data, finished = payload, True
    elif info.compress_type in (zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2):
        if info.compress_type == zipfile.ZIP_DEFLATED:
            inflater = zlib.decompressobj(-15)
        else:
            inflater = bz2.BZ2Decompressor()
        try:
            data = inflater.decompress(payload, info.file_size + 1)
        except (zlib.error, OSError, EOFError) as exc:
            raise PackageDamage(f"{info.filename}: {exc}") from None
        finished = inflater.eof
    else:
        raise PackageDamage(
            f"{info.filename} is compressed with method {info.compress_type}, "
            "which Word does not use"
        )
    if len(data) != info.file_size or not finished:
        raise PackageDamage(
            f"{info.filename} does not hold the {info.file_size} bytes it declares: "
            "a zip bomb, or a damaged file"
        )
    if zlib.crc32(data) != info.CRC:
        raise PackageDamage(f"{info.filename}: its checksum does not match its content")
    return data


def unpack(
    source: bytes, infos: list[zipfile.ZipInfo], limits: Limits
) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """Every entry's content, the total bounded by the template limit as it is inflated."""
    seen: set[str] = set()
    room = limits.template_bytes
    parts = []
    for info in infos:
        key = info.filename.casefold()  # part names compare case-insensitively (OPC)
        if key in seen:
            raise PackageDamage(f"{info.filename} is in the package twice")
        seen.add(key)
        data = inflate(source, info, room)
        room -= len(data)
        parts.append((info, data))
    return parts


def _is_xml(name: str, data: bytes) -> bool:
    lowered = name.lower()
    return lowered.endswith((".xml", ".rels")) or data.lstrip()[:5] in (b"<?xml", b"\xef\xbb\xbf<?")


def xml_problems(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> list[str]:
    """A message for each XML part that declares a DTD or entities, or is not XML."""
    problems = []
    for info, data in parts:
        if not _is_xml(info.filename, data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            tree = etree.fromstring(data, _PARSER).getroottree()
        except etree.XMLSyntaxError as exc:
            problems.append(f"{info.filename} is not well-formed XML ({exc.msg})")
            continue
        if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
            problems.append(
                f"{info.filename} declares a DTD or entities (<!DOCTYPE ...>); "
                "Word never writes one, and docgen does not expand them"
            )
    return problems


def _relationships(parts: list[tuple[zipfile.ZipInfo, bytes]]):
    for info, data in parts:
        if not info.filename.lower().endswith(".rels"):
            continue
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError:
            continue  # xml_problems reports it
        for relation in root.iter(_RELS):
            yield info.filename, relation


def _content_types(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> list[str]:
    for info, data in parts:
        if info.filename == "[Content_Types].xml":
            try:
                root = etree.fromstring(data, _PARSER)
            except etree.XMLSyntaxError:
                return [data.decode("utf-8", "replace")]
            return [
                element.get("ContentType", "")
                for element in root
                if element.tag in (_TYPES + "Default", _TYPES + "Override")
            ]
    return []


def macro_reason(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> str | None:
    """Why the package carries macros, or None: a content type, a relationship, or bytes."""
    for content_type in _content_types(parts):
        if any(mark in content_type.lower() for mark in MACRO_CONTENT_TYPES):
            return f"its content type {content_type} is for macros"
    for part, relation in _relationships(parts):
        kind = (relation.get("Type") or "").lower()
        if kind.endswith(MACRO_RELATIONSHIPS):
            return f"{part} links a macro project ({relation.get('Target')})"
    for info, data in parts:
        if data.startswith(_OLE_MAGIC) and _VBA_STREAM in data:
            return f"{info.filename} is a macro project (VBA)"
    return None


@dataclass(frozen=True)
class ExternalLink:
    """A relationship a document would follow when opened: outside, or an altChunk."""

    part: str
    kind: str
    target: str

    def describe(self) -> str:
        name = self.kind.rsplit("/", 1)[-1]
        if self.kind.lower() == ALT_CHUNK:
            return f"{self.part} imports another document into this one (altChunk {self.target})"
        return f"{self.part} links {name} {self.target!r} outside the document"


def external_links(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> list[ExternalLink]:
    """Every external relationship except hyperlinks, and every altChunk."""
    found = []
    for part, relation in _relationships(parts):
        kind = relation.get("Type") or ""
        external = (relation.get("TargetMode") or "").lower() == "external"
        if (external and kind.lower() != HYPERLINK) or kind.lower() == ALT_CHUNK:
            found.append(ExternalLink(part, kind, relation.get("Target") or ""))
    return found
