"""Problems of a sheet, located as Excel shows them: file, sheet, row, column header."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.errors import DataError, Problem


@dataclass(frozen=True)
class SheetProblem:
    """One thing wrong with the sheet; `row` is Excel's row number, `column` its header."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str | None = None

    @property
    def where(self) -> str:
        """``sheet ตัวชี้วัด, row 7, column น้ำหนัก`` (the parts that are known).

        >>> SheetProblem("x", "ตัวชี้วัด", 7, "น้ำหนัก").where
        'sheet ตัวชี้วัด, row 7, column น้ำหนัก'
        """
        parts = []
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class SheetError(DataError):
    """The sheet cannot be imported; every problem found, each with its cell."""

    def __init__(self, problems: list[SheetProblem], file: str):
        self.sheet_problems = list(problems)
        super().__init__([Problem(p.where, p.message) for p in self.sheet_problems], file)

    def _text(self) -> str:
        lines = [
            ", ".join(part for part in (self.file, p.where) if part) + f": {p.message}"
            for p in self.sheet_problems
        ]
        if len(lines) == 1:
            return lines[0]
        return f"{len(lines)} problems in {self.file}:\n" + "\n".join(f"  - {x}" for x in lines)
