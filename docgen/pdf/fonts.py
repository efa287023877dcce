"""Fonts for PDF output: make LibreOffice lay Thai text out the way Word does.

Thai official documents are set in TH SarabunPSK / TH Sarabun New 16 pt, which no
Linux distribution ships. LibreOffice then falls back to Laksaman (fonts-thai-tlwg),
a font derived from TH Sarabun New but drawn about 1.5x larger; the fontconfig
rule that scales it by 0.66 is ignored by LibreOffice, so a server-made PDF comes
out about 50% longer than the Word document. When the real fonts are not
available, this module derives font families named "TH SarabunPSK" and
"TH Sarabun New" from Laksaman whose em is 1/0.66 larger (so every glyph renders at
0.66 of Laksaman's size), caches them per user and hands LibreOffice a fontconfig
file that adds them. The .docx files themselves are never touched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from docgen.errors import OutputError
from docgen.output import TEMP_PREFIX, atomic_write_bytes
from docgen.pdf.marks import bake_mark_positions

#: Environment variable: extra folder(s) with font files (os.pathsep-separated).
FONT_DIR_ENV = "DOCGEN_FONT_DIR"
#: Environment variable: docgen's cache root; fonts go to ``<root>/fonts/``.
CACHE_DIR_ENV = "DOCGEN_CACHE_DIR"

#: Families Thai government templates ask for; the real ones win over anything derived.
TARGET_FAMILIES = ("TH SarabunPSK", "TH Sarabun New")
#: Laksaman glyphs are drawn this much larger than TH Sarabun's at the same point size.
SCALE = 0.66
#: The font the derived families are made from (Debian/Ubuntu: fonts-thai-tlwg).
SOURCE_FAMILY = "Laksaman"
#: Bump when the derived fonts change, so old caches are not reused.
BUILD_VERSION = 2
#: Marker in the PostScript name of every derived font (and in the embedded PDF name).
DERIVED_MARKER = "docgen"

INSTALL_HINT = "sudo apt-get install libreoffice-writer fonts-thai-tlwg"
REAL_FONT_HINT = (
    "to use the real TH SarabunPSK / TH Sarabun New, copy their .ttf files to "
    f"~/.fonts or to a folder named in ${FONT_DIR_ENV}"
)

_FONT_SUFFIXES = {".ttf", ".otf"}
_STYLES = ("Regular", "Bold", "Italic", "Bold Italic")


def _key(family: str) -> str:
    """Family name compared the way people type it ("TH Sarabun PSK" == "TH SarabunPSK")."""
    return "".join(family.split()).casefold()


_TARGET_KEYS = {_key(f) for f in TARGET_FAMILIES}


@dataclass(frozen=True)
class FontInfo:
    """One installed (or dropped-in) font file that can render Thai."""

    family: str
    path: Path
    style: str
    postscript_name: str = ""

    @property
    def is_derived(self) -> bool:
        """True for fonts docgen made itself; they never count as the real thing."""
        return DERIVED_MARKER in self.postscript_name

    @property
    def is_target(self) -> bool:
        """True for a real TH SarabunPSK / TH Sarabun New."""
        return _key(self.family) in _TARGET_KEYS and not self.is_derived


@dataclass(frozen=True)
class FontSetup:
    """What the LibreOffice process needs so PDFs use the right font.

    `env` is added to LibreOffice's environment (e.g. FONTCONFIG_FILE); `font_name`
    says in words which font PDF output uses; `substituted` is True when that font
    is derived from Laksaman rather than the real TH Sarabun.
    """

    env: dict[str, str]
    font_name: str
    substituted: bool
    fontconfig_file: Path | None = None
    files: tuple[Path, ...] = field(default=())


# --------------------------------------------------------------------------- finding


def _font_dirs(font_dir: str | Path | None) -> list[Path]:
    """`font_dir` first, then the folders in $DOCGEN_FONT_DIR; only existing ones."""
    dirs: list[Path] = []
    if font_dir is not None:
        dirs.append(Path(font_dir).expanduser())
    for part in os.environ.get(FONT_DIR_ENV, "").split(os.pathsep):
        if part.strip():
            dirs.append(Path(part.strip()).expanduser())
    seen: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [s.resolve() for s in seen]:
            seen.append(d)
    return seen


def _style_of(font) -> tuple[bool, bool]:
    """(bold, italic) read from the font's own flags, not from its (localised) name."""
    mac = font["head"].macStyle
    sel = font["OS/2"].fsSelection if "OS/2" in font else 0
    return bool(mac & 1 or sel & 0x20), bool(mac & 2 or sel & 0x01)


def _style_name(bold: bool, italic: bool) -> str:
    return _STYLES[bold + 2 * italic]


def _read_font_file(path: Path) -> FontInfo | None:
    """FontInfo of a .ttf/.otf that covers Thai; None for anything else."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(path, lazy=True)
        cmap = font.getBestCmap() or {}
        if 0x0E01 not in cmap:  # ก: no Thai, no use
            return None
        name = font["name"]
        family = str(name.getDebugName(16) or name.getDebugName(1) or path.stem)
        ps_name = str(name.getDebugName(6) or "")
        style = _style_name(*_style_of(font))
        font.close()
    except (TTLibError, OSError, KeyError, AssertionError, ValueError, struct.error):
        return None
    return FontInfo(family=family, path=path, style=style, postscript_name=ps_name)


def _scan_dir(folder: Path) -> list[FontInfo]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in _FONT_SUFFIXES and path.is_file():
            info = _read_font_file(path)
            if info is not None:
                found.append(info)
    return found


def _fc_list_fonts() -> list[FontInfo]:
    """Thai-capable fonts fontconfig knows (the ones LibreOffice can see)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    fmt = "%{family[0]}\t%{style[0]}\t%{file}\t%{postscriptname}\n"
    try:
        out = subprocess.run(
            [fc_list, "--format", fmt, ":lang=th"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    fonts = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[2]:
            continue
        family, style, file, ps_name = parts
        fonts.append(FontInfo(family=family, path=Path(file), style=style, postscript_name=ps_name))
    return fonts


def find_thai_fonts(font_dir: str | Path | None = None) -> list[FontInfo]:
    """Fonts that can render Thai: installed ones (fc-list) plus those in `font_dir`.

    Also looks in the folders named by $DOCGEN_FONT_DIR. TH SarabunPSK / TH Sarabun
    New come first, then Laksaman, then the rest, each sorted by family and style.
    """
    fonts: dict[Path, FontInfo] = {}
    for folder in _font_dirs(font_dir):
        for info in _scan_dir(folder):
            fonts.setdefault(info.path.resolve(), info)
    for info in _fc_list_fonts():
        fonts.setdefault(info.path.resolve(), info)

    def rank(f: FontInfo) -> tuple:
        group = 0 if f.is_target else 1 if _key(f.family) == _key(SOURCE_FAMILY) else 2
        style = _STYLES.index(f.style) if f.style in _STYLES else len(_STYLES)
        return (group, f.is_derived, f.family.casefold(), style, f.style, str(f.path))

    return sorted(fonts.values(), key=rank)


# --------------------------------------------------------------------------- deriving


def _cache_root(cache_dir: str | Path | None) -> Path:
    """Where derived fonts live: `<cache root>/fonts` (root: arg, $DOCGEN_CACHE_DIR, XDG)."""
    if cache_dir is not None:
        root = Path(cache_dir)
    elif os.environ.get(CACHE_DIR_ENV):
        root = Path(os.environ[CACHE_DIR_ENV])
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = (Path(xdg) if xdg else Path.home() / ".cache") / "docgen"
    return root.expanduser() / "fonts"


def _system_fontconfig() -> str:
    """The fontconfig file LibreOffice would read without us (so we only add to it)."""
    current = os.environ.get("FONTCONFIG_FILE")
    if current and Path(current).is_file():
        return current
    base = os.environ.get("FONTCONFIG_PATH")
    if base and (Path(base) / "fonts.conf").is_file():
        return str(Path(base) / "fonts.conf")
    for candidate in ("/etc/fonts/fonts.conf", "/usr/local/etc/fonts/fonts.conf"):
        if Path(candidate).is_file():
            return candidate
    return "/etc/fonts/fonts.conf"


def _fontconfig_xml(font_dirs: Sequence[Path], fc_cache: Path, aliases: dict[str, str]) -> str:
    """A fontconfig file: our cache dir first (so fc caches land there), system, our fonts."""
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
        "<!-- Written by docgen for LibreOffice PDF export; safe to delete. -->",
        "<fontconfig>",
        f"  <cachedir>{escape(str(fc_cache))}</cachedir>",
        f'  <include ignore_missing="yes">{escape(_system_fontconfig())}</include>',
    ]
    lines += [f"  <dir>{escape(str(d))}</dir>" for d in font_dirs]
    for wanted, use in aliases.items():
        lines += [
            '  <alias binding="same">',
            f"    <family>{escape(wanted)}</family>",
            f"    <prefer><family>{escape(use)}</family></prefer>",
            "  </alias>",
        ]
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


def _ps_family(family: str) -> str:
    return "".join(family.split())


def derived_postscript_name(family: str, bold: bool = False, italic: bool = False) -> str:
    """PostScript name of a derived font; PDFs embed it, so readers see the substitution.

    >>> derived_postscript_name("TH SarabunPSK", bold=True)
    'THSarabunPSK-docgen-Laksaman-Bold'
    """
    suffix = {(False, False): "", (True, False): "-Bold", (False, True): "-Italic"}.get(
        (bold, italic), "-BoldItalic"
    )
    return f"{_ps_family(family)}-{DERIVED_MARKER}-{SOURCE_FAMILY}{suffix}"


def _derive_font(
    src: Path, dest: Path, family: str, scale: float, done: Path | None = None
) -> None:
    """Write a copy of `src` whose glyphs render at `scale` of their size, named `family`.

    Only head.unitsPerEm changes: outlines, advances, kerning, vertical metrics and
    TrueType hinting are all in font units, so they shrink together and exactly.
    LibreOffice honours unitsPerEm (measured: line breaks equal Laksaman at 0.66 size).
    Marks get moved copies instead of GPOS offsets (same drawing, searchable text).
    `done` is this font already derived under another family name: only names change.
    """
    from fontTools.ttLib import TTFont

    if done is not None:
        font = TTFont(done, recalcTimestamp=False, lazy=True)
    else:
        font = TTFont(src, recalcTimestamp=False)
        bake_mark_positions(font)  # searchable PDFs: see docgen.pdf.marks
        font["head"].unitsPerEm = round(font["head"].unitsPerEm / scale)
    bold, italic = _style_of(font)
    style = _style_name(bold, italic)
    ps_name = derived_postscript_name(family, bold, italic)
    name = font["name"]
    version = str(TTFont(src, lazy=True)["name"].getDebugName(5) or "")
    name.removeNames(nameID=16)
    name.removeNames(nameID=17)
    description = (
        f"{family} stand-in made by docgen from {src.name}: glyphs scaled {scale} "
        f"(unitsPerEm {font['head'].unitsPerEm}) so text lays out like {family}. "
        "Not the original font."
    )
    for record in ((1, 0, 0), (3, 1, 0x409)):
        name.setName(family, 1, *record)
        name.setName(style, 2, *record)
        name.setName(f"docgen: {ps_name} {version.strip()}", 3, *record)
        name.setName(family if style == "Regular" else f"{family} {style}", 4, *record)
        name.setName(f"{version.strip()}; docgen {BUILD_VERSION} scale {scale}", 5, *record)
        name.setName(ps_name, 6, *record)
        name.setName(description, 10, *record)
    font.save(dest)
    font.close()


def _source_fonts(fonts: Iterable[FontInfo]) -> dict[str, Path]:
    """Laksaman files by style name; the first found wins (font_dir before system)."""
    sources: dict[str, Path] = {}
    for f in fonts:
        if _key(f.family) == _key(SOURCE_FAMILY) and f.path.suffix.lower() == ".ttf":
            info = _read_font_file(f.path)  # style from the file's flags, not fc's label
            if info is not None:
                sources.setdefault(info.style, f.path)
    return sources


def _version_key(sources: dict[str, Path]) -> str:
    digest = hashlib.sha256()
    for style in sorted(sources):
        digest.update(style.encode())
        digest.update(sources[style].read_bytes())
    return f"v{BUILD_VERSION}-s{SCALE}-{digest.hexdigest()[:16]}"


def _file_name(family: str, style: str) -> str:
    bold, italic = "Bold" in style, "Italic" in style
    return derived_postscript_name(family, bold, italic) + ".ttf"


def _build_derived(sources: dict[str, Path], root: Path) -> tuple[Path, list[Path]]:
    """Build (or reuse) the derived families; returns (fontconfig file, font files).

    Everything is built in a temporary folder and renamed into place in one step,
    so a second process building at the same time either wins or reuses ours.
    """
    final = root / _version_key(sources)
    conf = final / "fonts.conf"
    expected = [final / "fonts" / _file_name(fam, st) for fam in TARGET_FAMILIES for st in sources]
    if conf.is_file() and all(p.is_file() for p in expected):
        return conf, expected
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=root))
    except OSError as exc:
        raise OutputError(
            f"cannot create the font cache in {root}: {exc.strerror or exc}; "
            f"set ${CACHE_DIR_ENV} to a writable folder"
        ) from exc
    try:
        (tmp / "fonts").mkdir()
        for style, src in sources.items():
            done = None
            for family in TARGET_FAMILIES:
                dest = tmp / "fonts" / _file_name(family, style)
                _derive_font(src, dest, family, SCALE, done)
                done = dest
        aliases = {"TH Sarabun PSK": "TH SarabunPSK"}
        (tmp / "fonts.conf").write_text(
            _fontconfig_xml([final / "fonts"], final / "fccache", aliases), encoding="utf-8"
        )
        try:
            os.rename(tmp, final)
        except OSError:
            if not (conf.is_file() and all(p.is_file() for p in expected)):
                raise
            # another process finished first; its files are identical to ours
    except OSError as exc:
        raise OutputError(
            f"cannot build the PDF fonts in {final}: {exc.strerror or exc}; "
            f"delete that folder or set ${CACHE_DIR_ENV} to a writable folder"
        ) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return conf, expected


def _real_font_setup(real: list[FontInfo], root: Path) -> FontSetup:
    """Use the real TH Sarabun fonts; the fontconfig file adds `font_dir` and name aliases."""
    families = {_key(f.family): f.family for f in real}
    psk, new = _key("TH SarabunPSK"), _key("TH Sarabun New")
    psk_name = families.get(psk) or families[new]
    new_name = families.get(new) or families[psk]
    wanted = {"TH SarabunPSK": psk_name, "TH Sarabun PSK": psk_name, "TH Sarabun New": new_name}
    aliases = {alias: target for alias, target in wanted.items() if alias != target}
    installed = {f.path.resolve() for f in _fc_list_fonts()}
    extra_dirs = sorted({f.path.parent for f in real if f.path.resolve() not in installed})
    main = next((f for f in real if f.style == "Regular"), real[0])
    name = f"{main.family} ({main.path})"
    xml = _fontconfig_xml(extra_dirs, root / "fccache", aliases)
    conf = root / f"fontconfig-{hashlib.sha256(xml.encode()).hexdigest()[:16]}.conf"
    if not conf.is_file():
        atomic_write_bytes(conf, xml.encode("utf-8"))
    return FontSetup(
        env={"FONTCONFIG_FILE": str(conf)},
        font_name=name,
        substituted=False,
        fontconfig_file=conf,
        files=tuple(f.path for f in real),
    )


def prepare_pdf_fonts(
    font_dir: str | Path | None = None, cache_dir: str | Path | None = None
) -> FontSetup:
    """Decide which font LibreOffice uses for TH Sarabun text, building it if needed.

    Real TH SarabunPSK / TH Sarabun New (installed, in `font_dir` or $DOCGEN_FONT_DIR)
    are used as they are. Otherwise both families are derived from Laksaman, scaled
    0.66, and cached in `<cache_dir>/fonts/<version>/` (default: $DOCGEN_CACHE_DIR,
    else ~/.cache/docgen). Raises OutputError when neither is available.
    """
    root = _cache_root(cache_dir)
    fonts = find_thai_fonts(font_dir)
    real = [f for f in fonts if f.is_target]
    if real:
        return _real_font_setup(real, root)
    sources = _source_fonts(fonts)
    if "Regular" not in sources:
        raise OutputError(
            "no font for Thai PDF output: neither TH SarabunPSK / TH Sarabun New nor "
            f"Laksaman (TrueType .ttf) is installed; fix: {INSTALL_HINT} (or {REAL_FONT_HINT})"
        )
    conf, files = _build_derived(sources, root)
    return FontSetup(
        env={"FONTCONFIG_FILE": str(conf)},
        font_name=f"TH SarabunPSK (derived from {SOURCE_FAMILY}, scaled {SCALE})",
        substituted=True,
        fontconfig_file=conf,
        files=tuple(files),
    )
