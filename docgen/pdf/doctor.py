"""`docgen doctor`: what PDF output needs (LibreOffice, fontconfig, a Thai font), what was
found, and how to fix what is missing, checked the way conversion will use them."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import OutputError
from docgen.pdf.convert import find_soffice, libreoffice_version
from docgen.pdf.fonts import (
    INSTALL_HINT,
    REAL_FONT_HINT,
    FontInfo,
    find_thai_fonts,
    prepare_pdf_fonts,
)


@dataclass
class DoctorReport:
    """What PDF output needs, what was found, and how to fix what is missing."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        return "\n".join(self.lines)


def doctor_report(
    font_dir: str | Path | None = None, cache_dir: str | Path | None = None
) -> DoctorReport:
    """Check LibreOffice and Thai fonts the way PDF conversion will use them."""
    report = DoctorReport()

    def problem(text: str) -> None:
        report.problems.append(text)
        report.lines.append(f"PROBLEM: {text}")

    try:
        soffice = find_soffice()
        report.lines.append(f"LibreOffice: {soffice} ({libreoffice_version(soffice)})")
    except OutputError as exc:
        problem(str(exc))

    if shutil.which("fc-list") is None:
        problem("fc-list (fontconfig) not found; fix: sudo apt-get install fontconfig")
    fonts = find_thai_fonts(font_dir)
    by_family: dict[str, list[FontInfo]] = {}
    for f in fonts:
        by_family.setdefault(f.family, []).append(f)
    if by_family:
        report.lines.append("Thai fonts found:")
        for family, members in by_family.items():
            styles = ", ".join(dict.fromkeys(m.style for m in members))
            where = ", ".join(sorted({str(m.path.parent) for m in members}))
            tag = " [derived by docgen]" if any(m.is_derived for m in members) else ""
            report.lines.append(f"  {family} ({styles}) in {where}{tag}")
    else:
        problem(f"no Thai fonts found; fix: {INSTALL_HINT}")

    try:
        setup = prepare_pdf_fonts(font_dir, cache_dir)
    except OutputError as exc:
        problem(str(exc))
    else:
        report.lines.append(f"PDF output font: {setup.font_name}")
        if setup.fontconfig_file is not None:
            report.lines.append(f"  fontconfig file: {setup.fontconfig_file}")
        if setup.substituted:
            report.lines.append(
                "  note: text is sized like TH SarabunPSK, so lines break about as in Word, "
                "but letter shapes are Laksaman's; " + REAL_FONT_HINT
            )
    return report
