"""Reports grouped as an office's round: one summary per (organization, fiscal year, round).

`docgen batch --summary` and the web form's front page both take many data files (one
indicator each, or several) and show the composite of each office's round; this is
their one rule for grouping them and for making a group one report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from docgen.output import NAME_PART_BYTES, safe_name_part
from docgen.report.model import Dimension, Indicator, Report
from docgen.report.scoring import ReportScore, score_report

#: Where an indicator of a group without declared names for its dimension goes.
UNNAMED_DIMENSION = "มิติที่ไม่ได้ระบุชื่อ"

GroupKey = tuple[str, int, int]  # organization ("" if none), fiscal year, round


def group_key(report: Report) -> GroupKey:
    info = report.report
    return (info.organization or "", info.fiscal_year, info.round)


@dataclass
class ReportGroup:
    """The reports of one office's round, in the order they were given."""

    key: GroupKey
    sources: list[str] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)

    @property
    def organization(self) -> str:
        return self.key[0]

    @property
    def fiscal_year(self) -> int:
        return self.key[1]

    @property
    def round(self) -> int:
        return self.key[2]

    def merged(self) -> Report:
        """One report of every indicator in the group: the first report's information,
        the dimensions declared by any (the first declaration of a code wins), and the
        first sign-off given."""
        first = self.reports[0].report
        indicators: list[Indicator] = [i for r in self.reports for i in r.all_indicators]
        dimensions: dict[str, Dimension] = {}
        for report in self.reports:
            for dimension in report.report.dimensions or []:
                dimensions.setdefault(dimension.code, dimension)
        if dimensions:
            for indicator in indicators:  # an office's files may not all declare them
                code = indicator.dimension_code
                dimensions.setdefault(code, Dimension(code=code, name=UNNAMED_DIMENSION))
        sign_off = next((r.report.sign_off for r in self.reports if r.report.sign_off), None)
        info = first.model_copy(
            update={"dimensions": list(dimensions.values()) or None, "sign_off": sign_off}
        )
        return Report.model_construct(
            schema_version=1, report=info, indicator=None, indicators=indicators
        )

    def score(self) -> ReportScore:
        return score_report([i for r in self.reports for i in r.all_indicators])

    def summary_name(self, suffix: str = ".docx") -> str:
        """``2567-r6-summary.docx``, with the organization when it has one
        (``2567-r6-summary-สำนักงานจังหวัดตัวอย่าง.docx``), so offices do not collide."""
        part = _name_part(self.organization) if self.organization else ""
        tail = f"-{part}" if part else ""
        return f"{self.fiscal_year}-r{self.round}-summary{tail}{suffix}"


#: What a file name may not hold: anything but letters (Thai with its combining vowel
#: and tone marks, which ``\w`` leaves out), digits, "." and "-".
_UNSAFE_IN_NAME = re.compile(r"[^\w\u0e00-\u0e7f.\-]+")


def _name_part(organization: str) -> str:
    """An organization in a file name, its Thai marks kept (safe_name_part drops them).

    >>> _name_part("สำนักงานจังหวัด/ตัวอย่าง"), _name_part("../CON")
    ('สำนักงานจังหวัด_ตัวอย่าง', '_CON')
    """
    cleaned = _UNSAFE_IN_NAME.sub("_", unicodedata.normalize("NFC", organization)).strip("._")
    return (
        safe_name_part(cleaned)
        if cleaned.isascii()
        else cleaned.encode()[:NAME_PART_BYTES].decode("utf-8", "ignore").rstrip("._")
    )


def group_reports(reports: Iterable[tuple[str, Report]]) -> list[ReportGroup]:
    """(source, report) pairs grouped by (organization, fiscal year, round), the groups in
    order of organization, then fiscal year and round."""
    groups: dict[GroupKey, ReportGroup] = {}
    for source, report in reports:
        key = group_key(report)
        group = groups.setdefault(key, ReportGroup(key))
        group.sources.append(source)
        group.reports.append(report)
    return [groups[key] for key in sorted(groups)]
