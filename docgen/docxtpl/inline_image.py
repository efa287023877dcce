"""docxtpl's `InlineImage`, printed by docgen's engine (`docgen.engine.media`)."""

from __future__ import annotations

from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from lxml import etree

from docgen.engine import media


class InlineImage:
    """A picture for a ``{{ }}`` tag: `width`/`height` are python-docx lengths
    (``Mm(20)``); given one, the other keeps the picture's aspect ratio."""

    def __init__(
        self,
        tpl: Any,
        image_descriptor: Any,
        width: int | None = None,
        height: int | None = None,
        anchor: str | None = None,
    ) -> None:
        self.tpl, self.image_descriptor = tpl, image_descriptor
        self.width, self.height, self.anchor = width, height, anchor
        self._picture: media.Picture | None = None

    @property
    def picture(self) -> media.Picture:
        """The picture, read once (PNG or JPEG, size-limited, checked by content)."""
        if self._picture is None:
            descriptor = self.image_descriptor
            if hasattr(descriptor, "seek"):
                descriptor.seek(0)
            data, name = media.picture_from(descriptor)
            self._picture = media.Picture(
                data,
                name,
                width_emu=None if self.width is None else int(self.width),
                height_emu=None if self.height is None else int(self.height),
            )
        return self._picture

    def __html__(self) -> str:
        sink = media.current_part()
        xml = self.picture.drawing_xml(sink)
        if self.anchor:
            xml = _with_link(xml, self.anchor, sink)
        return media.RUN_BREAK.format(xml)

    __str__ = __html__


def _with_link(xml: str, url: str, sink: Any) -> str:
    """The drawing made a link to `url` (docxtpl's ``anchor``)."""
    part = getattr(sink, "part", None)
    if part is None:
        raise media.PictureError("a linked picture needs a python-docx part to relate the link to")
    rid = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    inline = parse_xml(xml)
    for found in (inline.xpath(".//wp:docPr"), inline.xpath(".//pic:cNvPr")):
        link = OxmlElement("a:hlinkClick")
        link.set(qn("r:id"), rid)
        found[0].append(link)
    return etree.tostring(inline, encoding="unicode")
