"""Template tags inside a Word document, found in a part's text.

Tags are found by scanning, not by Jinja, so that a broken one is still seen
and named as the maintainer wrote it; `docgen.engine.analysis` then checks them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.engine.paragraph_tag import as_written
from docgen.errors import Location

CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_OPENER = re.compile(r"\{\{|\{%|\{#")
_STRAY = re.compile(r"\}\}|%\}")
_PARTS = re.compile(r"^\{([{%#])([-+]?)(.*?)([-+]?)([}%#])\}$", re.DOTALL)
_WORD = re.compile(r"\s*([A-Za-z_]\w*)")
_DOCXTPL_PREFIX = re.compile(r"^\{([{%#])(?:tr|tc|p|r) ")


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph's text: a tag, an unclosed opening, or a stray closing."""

    start: int
    end: int
    text: str


def find_tags(text: str) -> tuple[list[Span], list[Span], list[Span]]:
    """(whole tags, tags not closed, stray ``}}``/``%}``) in one paragraph's text.

    >>> tags, unclosed, stray = find_tags("a {{ x }} b {{ y } c %}")
    >>> [t.text for t in tags], [u.text for u in unclosed], [s.text for s in stray]
    (['{{ x }}'], ['{{ y } c %}'], [])
    >>> find_tags("{ x }} and {{ ok }}")[2]
    [Span(start=4, end=6, text='}}')]
    """
    tags: list[Span] = []
    unclosed: list[Span] = []
    outside: list[tuple[int, int]] = []
    pos = 0
    while True:
        opening = _OPENER.search(text, pos)
        if opening is None:
            outside.append((pos, len(text)))
            break
        outside.append((pos, opening.start()))
        close = text.find(CLOSERS[opening.group()], opening.end())
        following = _OPENER.search(text, opening.end())
        if opening.group() == "{#":
            following = None  # a comment may hold anything, tags included
        if close < 0 or (following is not None and following.start() < close):
            stop = following.start() if following is not None else len(text)
            unclosed.append(Span(opening.start(), stop, text[opening.start() : stop]))
            pos = stop
            continue
        tags.append(Span(opening.start(), close + 2, text[opening.start() : close + 2]))
        pos = close + 2
    stray = [
        Span(m.start(), m.end(), m.group())
        for start, end in outside
        for m in _STRAY.finditer(text, start, end)
    ]
    return tags, unclosed, stray


def normalise(tag: str) -> str:
    """A tag without docxtpl's letter, whitespace control or extra spaces, to compare by.

    >>> normalise("{%p  for x in y -%}") == normalise("{% for x in y %}")
    True
    """
    match = _PARTS.match(_DOCXTPL_PREFIX.sub(r"{\1 ", tag.strip()))
    if match is None:
        return " ".join(tag.split())
    return f"{{{match.group(1)} {' '.join(match.group(3).split())} {match.group(5)}}}"


def written_form(tag: str, paragraph_text: str) -> str:
    """The tag as the maintainer typed it (``{%p for ... %}``, ``{{p ... }}``)."""
    tag = as_written(tag)
    wanted = normalise(tag)
    for span in find_tags(paragraph_text)[0]:
        if normalise(span.text) == wanted:
            return span.text
    return tag


@dataclass
class Tag:
    """A tag of a part's compiled source, with its place in the document."""

    text: str  # as Jinja reads it
    location: Location | None
    start: int = -1  # offsets in the part's source; -1 for tags docgen adds
    end: int = -1
    written: str = ""  # as the maintainer wrote it

    def __post_init__(self) -> None:
        if not self.written:
            self.written = written_form(self.text, self.location.text if self.location else "")

    @property
    def kind(self) -> str:
        return self.text[:2]

    @property
    def inner(self) -> str:
        match = _PARTS.match(self.text)
        return match.group(3).strip() if match else self.text[2:-2].strip()

    @property
    def name(self) -> str:
        if self.kind != "{%":
            return ""
        match = _WORD.match(self.inner)
        return match.group(1) if match else ""


def tags_of(source: str, segments: list[tuple[int, int, Location | None]]) -> list[Tag]:
    """Every whole tag of a part's source, with the location of its segment."""
    tags = []
    for start, end, location in segments:
        for span in find_tags(source[start:end])[0]:
            if span.text.startswith("{#"):
                continue
            tags.append(Tag(span.text, location, start + span.start, start + span.end))
    return tags
