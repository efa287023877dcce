"""The agreement sheet's columns: their Thai headers, English names and order.

One home for the layout of excel.md: the reader finds columns by these names, the
writer writes them in this order, and error messages name the header as Excel shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of the indicator sheet."""

    key: str  # the English name, also the key the row parser uses
    thai: str  # the header docgen writes and Excel shows
    computed: bool = False  # written by export, ignored by import
    width: int = 12  # the export's column width in characters, when the content is short


LEVEL_KEYS = tuple(f"level_{n}" for n in range(1, 6))

COLUMNS: tuple[Column, ...] = (
    Column("code", "รหัส", width=8),
    Column("dimension", "มิติ", width=6),
    Column("name", "ชื่อตัวชี้วัด", width=50),
    Column("weight", "น้ำหนัก", width=9),
    Column("method", "วิธีการวัด", width=14),
    Column("unit", "หน่วยวัด", width=10),
    Column("direction", "ทิศทาง", width=8),
    *(Column(key, f"เกณฑ์ {n}", width=10) for n, key in enumerate(LEVEL_KEYS, 1)),
    Column("result", "ผลการดำเนินงาน", width=14),
    Column("next_step_progress", "ความคืบหน้าขั้นถัดไป", width=12),
    Column("supervisor", "ผู้กำกับดูแล", width=24),
    Column("supervisor_position", "ตำแหน่งผู้กำกับดูแล", width=18),
    Column("supervisor_phone", "โทรศัพท์ผู้กำกับดูแล", width=16),
    Column("collector", "ผู้จัดเก็บข้อมูล", width=24),
    Column("collector_position", "ตำแหน่งผู้จัดเก็บข้อมูล", width=18),
    Column("collector_phone", "โทรศัพท์ผู้จัดเก็บข้อมูล", width=16),
    Column("status", "สถานะ", width=12),
    Column("level", "ระดับที่ได้", computed=True, width=9),
    Column("score", "ค่าคะแนนที่ได้", computed=True, width=11),
    Column("weighted_score", "ค่าคะแนนถ่วงน้ำหนัก", computed=True, width=12),
)
BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED = ("code", "name", "weight")

#: The sheet of indicators, and the sheet of the report's fields (label | value rows).
INDICATOR_SHEET = "ตัวชี้วัด"
REPORT_SHEET = "รายงาน"
REPORT_SHEET_NAMES = (REPORT_SHEET, "report")
TOTAL_LABEL = "คะแนนรวม"


@dataclass(frozen=True)
class ReportField:
    key: str  # the field of `report:` in the data format
    thai: str


REPORT_FIELDS: tuple[ReportField, ...] = (
    ReportField("fiscal_year", "ปีงบประมาณ"),
    ReportField("round", "รอบ"),
    ReportField("organization", "หน่วยงาน"),
    ReportField("as_of", "ข้อมูล ณ วันที่"),
)

_SPACES = re.compile(r"\s+")


def normalize_header(text: object) -> str:
    """A header as compared: trimmed, line breaks and runs of spaces as one space.

    >>> normalize_header("  เกณฑ์\\n1 ")
    'เกณฑ์ 1'
    >>> normalize_header("Level_1")
    'level_1'
    """
    if text is None:
        return ""
    return _SPACES.sub(" ", str(text)).strip().lower()


def _names(thai: str, key: str) -> tuple[str, ...]:
    """The header texts accepted for a column: Thai, the English name, and Thai unspaced."""
    return (normalize_header(thai), key, normalize_header(thai).replace(" ", ""))


_HEADER_KEYS: dict[str, str] = {
    name: column.key for column in COLUMNS for name in _names(column.thai, column.key)
}
_REPORT_KEYS: dict[str, str] = {
    name: field.key for field in REPORT_FIELDS for name in _names(field.thai, field.key)
}


def column_key(header: object) -> str | None:
    """The column a header names, or None for a column docgen does not read.

    >>> column_key(" ชื่อตัวชี้วัด "), column_key("weight"), column_key("หมายเหตุ")
    ('name', 'weight', None)
    """
    return _HEADER_KEYS.get(normalize_header(header))


def report_key(label: object) -> str | None:
    """The report field a label of the `รายงาน` sheet names.

    >>> report_key("ปีงบประมาณ"), report_key("as_of")
    ('fiscal_year', 'as_of')
    """
    return _REPORT_KEYS.get(normalize_header(label))


def is_header_start(value: object) -> bool:
    """Whether a row whose first non-empty cell is `value` is the header row."""
    return column_key(value) == "code"
