"""Pictures printed by a template: the drawing, and the media parts it needs.

A picture value (`Picture`) prints a Word drawing wherever a ``{{ }}`` tag
prints it. The drawing points at an image part through a relationship of the
part being rendered (body, header or footer), so printing one needs to know
which part that is: the renderer makes a `PartMedia` current while it renders
a part, and the picture asks it for a relationship id. Where the pictures end
up is the sink's business: `DocumentMedia` adds them to docgen's own package
writer (one media part per distinct image per document, one relationship per
part that shows it), so a compiled template stays compiled and shared; the
docxtpl facade's sink hands them to python-docx.

Only PNG and JPEG are accepted, recognised by their first bytes (never by a
file name), and a picture's size is bounded before it is read whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from docx.image.image import Image
from docx.oxml.shape import CT_Inline
from docx.shared import Emu, Mm
from lxml import etree

from docgen.errors import DocgenError

#: A picture larger than this is refused before it is read whole.
MAX_PICTURE_BYTES = 10 * 1024 * 1024
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": ("png", "image/png"), b"\xff\xd8\xff": ("jpeg", "image/jpeg")}
#: What a picture prints inside the ``<w:t>`` of the tag: the run is closed, the
#: drawing gets a run of its own, and a run is opened again for the text after it.
RUN_BREAK = '</w:t></w:r><w:r><w:drawing>{}</w:drawing></w:r><w:r><w:t xml:space="preserve">'
_NAME_SAFE = re.compile(r"[^\w.\- ]")


class PictureError(DocgenError, ValueError):
    """A picture cannot be used: not PNG or JPEG, too large, unreadable, outside its folder."""

    exit_code = 1


def picture_type(data: bytes) -> tuple[str, str] | None:
    """(extension, content type) of PNG or JPEG bytes, by their signature; else None.

    >>> picture_type(b"\\x89PNG\\r\\n\\x1a\\n..."), picture_type(b"GIF89a")
    (('png', 'image/png'), None)
    """
    for signature, kind in _SIGNATURES.items():
        if data.startswith(signature):
            return kind
    return None


@dataclass(frozen=True, eq=False)
class Picture:
    """A PNG or JPEG to print, `width_mm`/`height_mm` wide and high.

    Given one of the two, the other keeps the picture's aspect ratio; given
    neither, it prints at its own size (pixels at its resolution).
    """

    data: bytes
    name: str = "image.png"
    width_mm: float | None = None
    height_mm: float | None = None
    #: docxtpl gives sizes in EMU (``Mm(20)``); these win over the mm sizes.
    width_emu: int | None = None
    height_emu: int | None = None
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        if len(self.data) > MAX_PICTURE_BYTES:
            raise PictureError(
                f"the picture {self.name} is larger than {MAX_PICTURE_BYTES // (1024 * 1024)} MB"
            )
        if picture_type(self.data) is None:
            raise PictureError(f"{self.name} is not a PNG or JPEG picture")
        for label, value in (("width_mm", self.width_mm), ("height_mm", self.height_mm)):
            if value is not None and not (isinstance(value, int | float) and 0 < value <= 5000):
                raise PictureError(f"{label} of {self.name} must be a number of mm, not {value!r}")
        object.__setattr__(self, "digest", hashlib.sha256(self.data).hexdigest())

    @property
    def extension(self) -> str:
        return picture_type(self.data)[0]  # type: ignore[index]

    @property
    def content_type(self) -> str:
        return picture_type(self.data)[1]  # type: ignore[index]

    def size(self) -> tuple[int, int]:
        """(cx, cy) in EMU: the given size, the aspect ratio kept for a missing side."""
        try:
            image = Image.from_blob(self.data)
        except Exception as exc:  # python-docx raises several kinds on a broken header
            raise PictureError(f"{self.name} cannot be read as a picture ({exc})") from None
        width = self.width_emu if self.width_emu is not None else _emu(self.width_mm)
        height = self.height_emu if self.height_emu is not None else _emu(self.height_mm)
        cx, cy = image.scaled_dimensions(width, height)
        return int(cx), int(cy)

    def drawing_xml(self, sink: PartMedia) -> str:
        """The ``<wp:inline>`` of this picture, its image related to the sink's part."""
        cx, cy = self.size()
        rid, filename = sink.add(self)
        inline = CT_Inline.new_pic_inline(sink.shape_id(), rid, filename, Emu(cx), Emu(cy))
        return etree.tostring(inline, encoding="unicode")

    def __html__(self) -> str:
        return RUN_BREAK.format(self.drawing_xml(current_part()))

    __str__ = __html__


def _emu(mm: float | None) -> int | None:
    return None if mm is None else int(Mm(mm))


class PartMedia(Protocol):
    """Where the pictures of the part being rendered go."""

    def add(self, picture: Picture) -> tuple[str, str]:
        """Relate the picture to the part; return (relationship id, file name)."""

    def shape_id(self) -> int:
        """A drawing id not yet used in the document."""


_CURRENT: ContextVar[PartMedia | None] = ContextVar("docgen_part_media", default=None)


def current_part() -> PartMedia:
    sink = _CURRENT.get()
    if sink is None:
        raise PictureError("a picture can only be printed by a tag of a document part")
    return sink


@contextlib.contextmanager
def rendering(sink: PartMedia | None) -> Iterator[None]:
    """Make `sink` the place pictures printed now go to."""
    token = _CURRENT.set(sink)
    try:
        yield
    finally:
        _CURRENT.reset(token)


# --------------------------------------------------------------------------- docgen's package


@dataclass
class _Part:
    document: DocumentMedia
    name: str  # "word/document.xml"
    relations: dict[str, str] = field(default_factory=dict)  # digest -> rId

    def add(self, picture: Picture) -> tuple[str, str]:
        target = self.document.media_part(picture)
        rid = self.relations.get(picture.digest)
        if rid is None:
            rid = self.relations[picture.digest] = f"rIdDocgenPic{len(self.relations) + 1}"
        return rid, _NAME_SAFE.sub("_", picture.name)[:100] or target.rsplit("/", 1)[-1]

    def shape_id(self) -> int:
        return self.document.shape_id()


@dataclass
class DocumentMedia:
    """The pictures one rendered document adds: media parts and relationships by part."""

    media: dict[str, tuple[str, Picture]] = field(default_factory=dict)  # digest -> (name, pic)
    parts: dict[str, _Part] = field(default_factory=dict)
    _next_shape: int = 20_000  # above what Word and docxtpl number drawings with

    def part(self, name: str) -> _Part:
        if name not in self.parts:
            self.parts[name] = _Part(self, name)
        return self.parts[name]

    def media_part(self, picture: Picture) -> str:
        if picture.digest not in self.media:
            name = f"word/media/docgen-{picture.digest[:16]}.{picture.extension}"
            self.media[picture.digest] = (name, picture)
        return self.media[picture.digest][0]

    def shape_id(self) -> int:
        self._next_shape += 1
        return self._next_shape

    def __bool__(self) -> bool:
        return bool(self.media)

    def package_changes(self, read: Callable[[str], bytes | None]) -> dict[str, bytes]:
        """Parts to add or replace: media, each part's relationships, the content types.

        `read(name)` gives a part of the template (None when it has none).
        """
        changes = {name: picture.data for name, picture in self.media.values()}
        for part in self.parts.values():
            if not part.relations:
                continue
            folder, _, file = part.name.rpartition("/")
            rels_name = f"{folder}/_rels/{file}.rels"
            rels = _relationships(read(rels_name))
            for digest, rid in part.relations.items():
                target = self.media[digest][0].removeprefix(folder + "/")
                etree.SubElement(
                    rels, f"{{{_RELS_NS}}}Relationship", Id=rid, Type=IMAGE_REL, Target=target
                )
            changes[rels_name] = etree.tostring(rels, encoding="UTF-8", standalone=True)
        changes["[Content_Types].xml"] = _with_defaults(
            read("[Content_Types].xml"),
            {p.extension: p.content_type for _, p in self.media.values()},
        )
        return changes


def _relationships(data: bytes | None) -> etree._Element:
    if data is None:
        return etree.Element(f"{{{_RELS_NS}}}Relationships", nsmap={None: _RELS_NS})
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False))


def _with_defaults(data: bytes, kinds: dict[str, str]) -> bytes:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
    known = {d.get("Extension", "").lower() for d in root.iter(f"{{{_TYPES_NS}}}Default")}
    for extension, content_type in sorted(kinds.items()):
        if extension not in known:
            default = etree.Element(
                f"{{{_TYPES_NS}}}Default", Extension=extension, ContentType=content_type
            )
            root.insert(0, default)
    return etree.tostring(root, encoding="UTF-8", standalone=True)


# --------------------------------------------------------------------------- files


def load_picture(
    folder: str | Path,
    relative: str,
    *,
    width_mm: float | None = None,
    height_mm: float | None = None,
) -> Picture:
    """A picture from a file named relative to `folder`, which it may not leave.

    The path may not be absolute nor climb out of the folder (also through a
    symbolic link); the file must be a PNG or JPEG of at most `MAX_PICTURE_BYTES`.
    """
    base = Path(folder).resolve()
    text = str(relative)
    if not text or "\0" in text:
        raise PictureError(f"the picture path {relative!r} is empty or not a file name")
    candidate = Path(text)
    if candidate.is_absolute() or candidate.drive:
        raise PictureError(
            f"the picture path {text} must be relative to the data file's folder ({base})"
        )
    path = (base / candidate).resolve()
    if not path.is_relative_to(base):
        raise PictureError(f"the picture path {text} leaves the data file's folder ({base})")
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_PICTURE_BYTES + 1)
    except OSError as exc:
        raise PictureError(f"cannot read the picture {text}: {exc.strerror}") from None
    return Picture(data, path.name, width_mm, height_mm)


def picture_from(descriptor: str | Path | io.IOBase | bytes) -> tuple[bytes, str]:
    """The bytes and a file name of a picture given as a path, a file object or bytes."""
    if isinstance(descriptor, bytes):
        return descriptor, "image"
    if hasattr(descriptor, "read"):
        data = descriptor.read(MAX_PICTURE_BYTES + 1)
        return data, Path(getattr(descriptor, "name", "image") or "image").name
    path = Path(descriptor)
    with path.open("rb") as stream:
        return stream.read(MAX_PICTURE_BYTES + 1), path.name
