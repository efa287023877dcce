"""Pictures the data names: evidence photos, signatures and the templates' ``image()``.

Every picture is a PNG or JPEG named relative to the data file's folder and read
through `docgen.engine.media.load_picture` (confined to that folder, size-limited,
checked by content); a refusal is a `DataError` naming the field.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from docgen.engine.media import Picture, PictureError, load_picture
from docgen.errors import DataError, Problem
from docgen.report import paths
from docgen.report.agreement import SignOffView
from docgen.report.model import EvidenceItem, Indicator, Report, SignOff

#: How wide an evidence photo prints: about half the form's text width.
EVIDENCE_PHOTO_MM = 80


class EvidenceView(str):
    """One line of หลักฐานอ้างอิง: prints as its text; `image` is its photo or None."""

    image: Picture | None = None

    @property
    def text(self) -> str:
        return str(self)


def _picture(folder: Path | None, path: str, where: str, **size: float) -> Picture:
    """A picture the data names, or a DataError that names the field."""
    try:
        if folder is None:
            raise PictureError(
                "a picture needs the data file's folder; this data was not read from a file"
            )
        return load_picture(folder, path, **size)
    except PictureError as exc:
        raise DataError(Problem(where, str(exc))) from None


def evidence_views(indicator: Indicator, folder: Path | None, where: str) -> list[EvidenceView]:
    views = []
    for index, item in enumerate(indicator.evidence):
        if isinstance(item, EvidenceItem):
            view = EvidenceView(item.text)
            if item.image:
                view.image = _picture(
                    folder,
                    item.image,
                    f"{where}.evidence[{index}].image",
                    width_mm=EVIDENCE_PHOTO_MM,
                )
        else:
            view = EvidenceView(item)
        views.append(view)
    return views


def image_function(folder: Path | None):
    """The templates' ``image(path, width_mm=..., height_mm=...)``: a PNG or JPEG
    named relative to the data file's folder, which it may not leave."""

    def image(path: str, width_mm: float | None = None, height_mm: float | None = None) -> Picture:
        if folder is None:
            raise PictureError(
                "image() needs the data file's folder; this data was not read from a file"
            )
        return load_picture(folder, path, width_mm=width_mm, height_mm=height_mm)

    return image


#: How high a signature prints on the ลงชื่อ line.
SIGNATURE_MM = 12


def with_signatures(
    view: SignOffView, folder: Path | None, sign_offs: list[tuple[str, SignOff | None]]
) -> SignOffView:
    """The block with each signer's signature picture: the last `sign_offs` giving one."""
    signers = {}
    for role in ("reporter", "certifier"):
        given = [
            (f"{where}.{role}.signature", getattr(s, role).signature)
            for where, s in sign_offs
            if s is not None and getattr(s, role) is not None and getattr(s, role).signature
        ]
        signer = getattr(view, role)
        if given:
            where, path = given[-1]
            picture = _picture(folder, path, where, height_mm=SIGNATURE_MM)
            signer = dataclasses.replace(signer, signature=picture)
        signers[role] = signer
    return SignOffView(**signers)


def signed(view: SignOffView, report: Report, where: str | None = None) -> SignOffView:
    """The block with the signatures the report's sign_off (and, at `where`, the
    indicator's, which wins) gives."""
    sign_offs = [("report.sign_off", report.report.sign_off)]
    if where is not None:
        index = 0 if report.indicators is None else int(where.split("[")[1].rstrip("]"))
        sign_offs.append((f"{where}.sign_off", report.all_indicators[index].sign_off))
    return with_signatures(view, report.folder, sign_offs)


def indicator_path(report: Report, index: int) -> str:
    """The field path of an indicator in the data file."""
    return paths.indicator_path(report.indicators is None, index)
