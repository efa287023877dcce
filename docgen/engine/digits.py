"""Thai digits for a whole document: the template's own text as well as the data.

With ``digits="thai"`` the filters already print data in Thai digits, but a clerk
reads the template's labels too (``รอบ 6 เดือน``, ``ระดับ 1`` .. ``ระดับ 5``): one kind
of digit on a page means every digit a reader sees. This pass turns the digits of
the visible text of a rendered .docx into Thai digits, and Word's automatic list
numbers into Thai numbers. It leaves alone what must stay machine-readable: field
codes (``w:instrText``, ``w:fldSimple``'s instruction), hyperlinks (their text is
often the address itself), and the document's properties.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from docgen.engine import package
from docgen.thai import thai_digits

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
#: The parts whose text a reader sees: the body, headers, footers, notes, comments.
_TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_NUMBERING = "word/numbering.xml"
_DIGIT = re.compile(rb"[0-9]")


def _visible_texts(root: etree._Element):
    """Every ``w:t`` a reader sees, hyperlinks' text excepted."""
    for text in root.iter(_W + "t"):
        if any(a.tag == _W + "hyperlink" for a in text.iterancestors()):
            continue
        yield text


def thai_digits_in_part(name: str, data: bytes) -> bytes:
    """One part with Thai digits in its visible text (or Thai list numbers); other parts
    and parts without a digit come back unchanged."""
    if not _DIGIT.search(data):
        return data
    if _TEXT_PARTS.match(name):
        root = etree.fromstring(data)
        changed = False
        for text in _visible_texts(root):
            if text.text and _DIGIT.search(text.text.encode()):
                text.text = thai_digits(text.text)
                changed = True
    elif name == _NUMBERING:
        root = etree.fromstring(data)
        changed = False
        for fmt in root.iter(_W + "numFmt"):
            if fmt.get(_W + "val") == "decimal":
                fmt.set(_W + "val", "thaiNumbers")
                changed = True
    else:
        return data
    if not changed:
        return data
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def thai_digits_in_document(docx: bytes) -> bytes:
    """A rendered .docx with every digit a reader sees in Thai digits."""
    entries = []
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            changed = thai_digits_in_part(info.filename, data)
            if changed is data:
                entries.append(package.take_over(docx, info, data))
            else:
                entries.append(package.pack(info.filename, changed, info.date_time))
    return package.write(entries)
