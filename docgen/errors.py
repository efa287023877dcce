"""One exception tree for everything docgen reports to a person.

Every message is written for whoever must fix the input: a clerk (data), a
template maintainer (template) or an operator (environment, output).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class DocgenError(Exception):
    """Base of every error docgen raises on purpose."""

    #: Process exit code the CLI uses for this kind of error.
    exit_code: int = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file, located as precisely as the loader knows."""

    path: str  # field path, e.g. "indicators[2].scoring.targets"; "" for the whole file
    message: str
    line: int | None = None

    def describe(self, file: str | None = None) -> str:
        where = file or "<data>"
        if self.line is not None:
            where += f":{self.line}"
        if self.path:
            where += f": {self.path}"
        return f"{where}: {self.message}"


class DataError(DocgenError):
    """The data file cannot be used; carries one `Problem` per mistake found."""

    def __init__(self, problems: list[Problem] | Problem, file: str | Path | None = None):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.file = str(file) if file is not None else None
        super().__init__(self._text())

    def _text(self) -> str:
        lines = [p.describe(self.file) for p in self.problems]
        if len(lines) == 1:
            return lines[0]
        return f"{len(lines)} problems in {self.file or 'the data'}:\n" + "\n".join(
            f"  - {line}" for line in lines
        )

    def with_file(self, file: str | Path) -> DataError:
        """The same problems, attributed to `file` (loaders know it, parsers don't)."""
        return DataError(self.problems, file)


@dataclass(frozen=True)
class Location:
    """Where a tag sits, as a person finds it in Word."""

    part: str = "body"  # "body", "header 1", "footer 1", ...
    paragraph: int | None = None  # 1-based paragraph number within the part (outside tables)
    table: int | None = None  # 1-based table number within the part
    row: int | None = None
    column: int | None = None
    text: str = field(default="", compare=False)  # the paragraph's text, for context

    def describe(self) -> str:
        if self.table is not None:
            place = f"table {self.table}, row {self.row}, column {self.column}"
        elif self.paragraph is not None:
            place = f"paragraph {self.paragraph}"
        else:
            place = "somewhere"
        return (
            f"{self.part} {place}"
            if self.table is None
            else (place if self.part == "body" else f"{self.part} {place}")
        )


class TemplateError(DocgenError):
    """A template tag is wrong; names the template and the paragraph or table cell."""

    exit_code = 4

    def __init__(
        self,
        message: str,
        template: str | Path | None = None,
        location: Location | None = None,
        hint: str | None = None,
    ):
        self.message = message
        self.template = str(template) if template is not None else None
        self.location = location
        self.hint = hint
        super().__init__(self._text())

    def _text(self) -> str:
        head = self.template or "<template>"
        if self.location is not None:
            head += f", {self.location.describe()}"
        text = f"{head}: {self.message}"
        if self.location is not None and self.location.text:
            snippet = self.location.text
            if len(snippet) > 120:
                snippet = snippet[:117] + "..."
            text += f'\n    in: "{snippet}"'
        if self.hint:
            text += f"\n    fix: {self.hint}"
        return text


class TemplateSecurityError(TemplateError):
    """A template reached for something the sandbox forbids (Python internals, mutation)."""


class TemplateLimitError(TemplateError):
    """A template went over a render limit: time, steps, output size or nesting."""


class OutputError(DocgenError):
    """A document could not be written or converted (disk, LibreOffice, fonts)."""

    exit_code = 3
