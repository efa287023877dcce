"""One exception tree for everything docgen reports to a person.

Every message is written for whoever must fix the input: a clerk (data), a
template maintainer (template) or an operator (environment, output).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2


def shown(value: object) -> str:
    """A value as the person typed it, for messages: never a Python repr.

    >>> from decimal import Decimal
    >>> [shown(v) for v in (Decimal("120"), Decimal("1.50"), None, True, "สิบ", 3)]
    ['120', '1.50', 'nothing', 'true', '"สิบ"', '3']
    >>> shown([1, 2]), shown({"a": 1})
    ('a list', 'a mapping')
    """
    from decimal import Decimal

    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return f'"{value if len(value) <= 100 else value[:97] + "..."}"'
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return f"a {type(value).__name__}"


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
    file: str | None = field(default=None, compare=False)  # set by DataError when known

    def describe(self, file: str | None = None) -> str:
        """``file:line: field: message``; the file is the one given, else the problem's own."""
        where = file or self.file or "<data>"
        if self.line is not None:
            where += f":{self.line}"
        if self.path:
            where += f": {self.path}"
        return f"{where}: {self.message}"


class DataError(DocgenError):
    """The data file cannot be used; carries one `Problem` per mistake found."""

    def __init__(self, problems: list[Problem] | Problem, file: str | Path | None = None):
        problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.file = str(file) if file is not None else None
        if self.file is not None:  # each problem then names its file on its own too
            problems = [p if p.file else replace(p, file=self.file) for p in problems]
        self.problems = problems
        super().__init__(self._text())

    def _text(self) -> str:
        lines = [p.describe(self.file) for p in self.problems]
        if len(lines) == 1:
            return lines[0]
        return f"{len(lines)} problems in {self.file or 'the data'}:\n" + "\n".join(
            f"  - {line}" for line in lines
        )

    def as_dicts(self) -> list[dict]:
        """The problems in a JSON-ready form (file, line, field path, message)."""
        return [
            {"file": self.file, "line": p.line, "path": p.path, "message": p.message}
            for p in self.problems
        ]

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


_EXCERPT = 120  # characters of a paragraph's text shown with a problem
_AROUND = 50  # characters kept on each side of the tag in a long paragraph


@dataclass(frozen=True)
class TemplateProblem:
    """One thing wrong with a template: where it is in Word, what, and what to do."""

    message: str
    location: Location | None = None
    hint: str | None = None
    tag: str | None = None  # the tag as the maintainer wrote it, to centre the excerpt
    kind: str = "template"  # syntax, block, split, variable, filter, render, file

    def excerpt(self) -> str:
        """The paragraph's text around the tag, short enough for one line."""
        text = self.location.text if self.location is not None else ""
        if len(text) <= _EXCERPT:
            return text
        at = text.find(self.tag) if self.tag else -1
        if at < 0:
            return text[: _EXCERPT - 3] + "..."
        start = max(0, at - _AROUND)
        end = min(len(text), at + len(self.tag or "") + _AROUND)
        return ("..." if start else "") + text[start:end] + ("..." if end < len(text) else "")

    def describe(self, template: str | None = None) -> str:
        head = template or "<template>"
        if self.location is not None:
            head += f", {self.location.describe()}"
        text = f"{head}: {self.message}"
        excerpt = self.excerpt()
        if excerpt:
            text += f'\n    in: "{excerpt}"'
        if self.hint:
            text += f"\n    fix: {self.hint}"
        return text

    def as_dict(self) -> dict:
        """A JSON-ready form for editors and CI."""
        location = self.location
        return {
            "kind": self.kind,
            "message": self.message,
            "place": location.describe() if location is not None else None,
            "part": location.part if location is not None else None,
            "paragraph": location.paragraph if location is not None else None,
            "table": location.table if location is not None else None,
            "row": location.row if location is not None else None,
            "column": location.column if location is not None else None,
            "text": self.excerpt(),
            "hint": self.hint,
        }


class TemplateError(DocgenError, jinja2.TemplateError):
    """A template tag is wrong; names the template and the paragraph or table cell.

    Carries every problem found (`problems`); the first one is also available
    as `message`, `location` and `hint`. It is also a `jinja2.TemplateError`, so
    code written for docxtpl (``except jinja2.TemplateError``) catches it.
    """

    exit_code = 4
    message: str | None = None  # an attribute here, not jinja2's read-only property

    def __init__(
        self,
        message: str,
        template: str | Path | None = None,
        location: Location | None = None,
        hint: str | None = None,
        *,
        problems: list[TemplateProblem] | None = None,
    ):
        self.problems = list(problems) if problems else [TemplateProblem(message, location, hint)]
        first = self.problems[0]
        self.message = first.message
        self.location = first.location
        self.hint = first.hint
        self.template = str(template) if template is not None else None
        super().__init__(self._text())

    @classmethod
    def of(cls, problems: list[TemplateProblem], template: str | Path | None) -> TemplateError:
        """One error for all the problems found in a template."""
        first = problems[0]
        return cls(first.message, template, first.location, first.hint, problems=problems)

    def _text(self) -> str:
        if len(self.problems) == 1:
            return self.problems[0].describe(self.template)
        return f"{len(self.problems)} problems in {self.template or 'the template'}:\n" + "\n".join(
            problem.describe(self.template) for problem in self.problems
        )


class TemplateSecurityError(TemplateError):
    """A template reached for something the sandbox forbids (Python internals, mutation)."""


class TemplateLimitError(TemplateError):
    """A template went over a render limit: time, steps, output size or nesting."""


class OutputError(DocgenError):
    """A document could not be written or converted (disk, LibreOffice, fonts)."""

    exit_code = 3


class UsageError(DocgenError):
    """The run was asked for something it cannot do (no inputs, an empty folder)."""

    exit_code = 2


class WorkspaceError(DocgenError):
    """A file name that does not name a report file inside the web form's workspace."""

    exit_code = 2


class ConflictError(WorkspaceError):
    """The file changed on disk since the form was loaded; saving would lose that change."""
