"""What a reader of a .docx sees, to compare two documents by: the text of the
body, headers, footers and notes (paragraphs, tabs, line and page breaks), the
pictures (media parts by content hash, each drawing's size) and the document
properties."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_PROPERTY_PARTS = ("docProps/core.xml", "docProps/custom.xml")


def part_text(xml: bytes) -> str:
    """Paragraphs one a line; tabs, breaks and page breaks as \\t, \\n and \\f."""
    root = etree.fromstring(xml)
    lines = []
    for paragraph in root.iter(W + "p"):
        pieces = []
        for element in paragraph.iter(W + "t", W + "tab", W + "br", W + "delText"):
            if element.tag == W + "t":
                pieces.append(element.text or "")
            elif element.tag == W + "tab":
                pieces.append("\t")
            elif element.tag == W + "br":
                pieces.append("\f" if element.get(W + "type") == "page" else "\n")
        lines.append("".join(pieces))
    return "\n".join(lines)


def properties(xml: bytes) -> dict[str, str]:
    root = etree.fromstring(xml)
    found = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or len(element):
            continue
        name = etree.QName(element).localname
        parent = element.getparent()
        if parent is not None and parent.get("name"):
            name = parent.get("name")
        if name in ("modified", "created", "revision", "lastModifiedBy"):
            continue  # set by the saving library, not by the template
        if (element.text or "").strip():  # an empty property reads as no property
            found[name] = element.text.strip()
    return found


def _extents(xml: bytes) -> list[tuple[str, str]]:
    """The size of each drawing (EMU), in document order."""
    root = etree.fromstring(xml)
    return [(e.get("cx"), e.get("cy")) for e in root.iter(f"{{{_WP}}}extent")]


def seen(path: Path) -> dict[str, object]:
    """Everything compared of one document."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        result: dict[str, object] = {}
        for name in names:
            if _TEXT_PARTS.match(name):
                result[name] = part_text(archive.read(name))
            elif name in _PROPERTY_PARTS:
                result[name] = properties(archive.read(name))
        result["media"] = sorted(
            hashlib.sha256(archive.read(n)).hexdigest()[:16]
            for n in names
            if n.startswith("word/media/")
        )
        result["drawings"] = {
            name: _extents(archive.read(name)) for name in names if _TEXT_PARTS.match(name)
        }
    return result


def differences(expected: Path, actual: Path) -> list[str]:
    """What a reader would see differently in `actual`, one line per part."""
    want, got = seen(expected), seen(actual)
    lines = []
    for key in sorted(set(want) | set(got)):
        if want.get(key) != got.get(key):
            lines.append(f"{key}: docxtpl {want.get(key)!r}\n   docgen {got.get(key)!r}")
    return lines
