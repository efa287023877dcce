"""Template tags inside a Word document: find each one, check it alone, match the blocks.

Jinja stops at the first syntax error and names a line of generated XML. A
maintainer needs every problem at once, each at its paragraph. So docgen reads
the tags itself: every tag is parsed on its own, block tags are matched with a
stack (an unclosed ``{% for %}`` is reported where it opens, not at the end of
the document), and the XML between a block's tags is checked, so that a block
that would cut a table cell in half is refused instead of breaking the output.

`analyse` also returns the tags with the broken ones left out or neutralised,
joined into a small Jinja source of their own, so that later checks (unknown
variables and filters) still run on everything that is right.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import jinja2

from docgen.engine.filters import template_filters
from docgen.errors import Location, TemplateProblem

CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_OPENER = re.compile(r"\{\{|\{%|\{#")
_STRAY = re.compile(r"\}\}|%\}")
_PARTS = re.compile(r"^\{([{%#])([-+]?)(.*?)([-+]?)([}%#])\}$", re.DOTALL)
_WORD = re.compile(r"\s*([A-Za-z_]\w*)")
_SINGLE_SET = re.compile(r"^set\s+[^=]+=")
_PARAGRAPH_FORM = re.compile(
    r"^\{\{ \((?P<expr>.*)\)\|docgen_paragraphs\('[^']*', '[^']*'\) \}\}$", re.S
)
_DOCXTPL_PREFIX = re.compile(r"^\{([{%#])(?:tr|tc|p|r) ")
_JINJA_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
_XML_TOKEN = re.compile(
    r"<!--.*?-->|<\?.*?\?>|<(/?)([A-Za-z_][\w:.-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>", re.DOTALL
)

#: Block tags, with the tags allowed between their opening and their end.
BLOCKS: dict[str, tuple[str, ...]] = {
    "for": ("else",),
    "if": ("elif", "else"),
    "macro": (),
    "call": (),
    "filter": (),
    "with": (),
    "set": (),
    "autoescape": (),
    "block": (),
    "raw": (),
}
ENDS = {f"end{name}": name for name in BLOCKS}
MIDDLES = {"elif", "else"}
UNAVAILABLE = {"include", "import", "from", "extends"}
KNOWN_TAGS = sorted({*BLOCKS, *ENDS, *MIDDLES, "set"})
#: Elements a block may not cut through, even when the XML stays well-formed.
_STRUCTURE = {"w:tc", "w:tr", "w:tbl", "w:body", "w:sdt", "w:sdtContent", "w:txbxContent"}


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
    paragraph_form = _PARAGRAPH_FORM.match(tag)
    if paragraph_form:
        tag = "{{p " + paragraph_form.group("expr") + " }}"
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


@dataclass
class _Open:
    tag: Tag
    name: str  # the block as the checker treats it ("if" for a broken opener)
    members: list[Tag] = field(default_factory=list)  # opener, middles, end


@dataclass
class Analysis:
    """What `analyse` found: the problems, and the sound tags as a Jinja source."""

    problems: list[TemplateProblem]
    source: str  # the sound tags, one a line, for checks that need Jinja's syntax tree
    lines: list[Tag | None]  # line number (1-based) -> tag


def tags_of(source: str, segments: list[tuple[int, int, Location | None]]) -> list[Tag]:
    """Every whole tag of a part's source, with the location of its segment."""
    tags = []
    for start, end, location in segments:
        for span in find_tags(source[start:end])[0]:
            if span.text.startswith("{#"):
                continue
            tags.append(Tag(span.text, location, start + span.start, start + span.end))
    return tags


def _problem(message: str, tag: Tag, hint: str | None = None, kind: str = "syntax"):
    return TemplateProblem(message, tag.location, hint, tag.written, kind)


def _syntax_problem(tag: Tag, error: str) -> TemplateProblem:
    return _problem(
        f"tag syntax error in {tag.written}: {error}",
        tag,
        "write it like the tags in the README's template reference: {{ indicator.name }}, "
        "{{ indicator.score|score }}, {% if ... %}, {% for item in ... %}",
    )


def _suggest(word: str, choices) -> str | None:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def _syntax_error(env: jinja2.Environment, source: str) -> str | None:
    try:
        env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return exc.message or "syntax error"
    return None


def _check_statement(env: jinja2.Environment, tag: Tag) -> str | None:
    """Jinja's complaint about one statement tag parsed on its own, if any."""
    name, inner = tag.name, tag.inner
    if name in ENDS:
        return None if inner == name else f"nothing may follow {name}"
    if name == "set" and _SINGLE_SET.match(inner):
        return _syntax_error(env, f"{{% {inner} %}}")
    if name in BLOCKS:
        return _syntax_error(env, f"{{% {inner} %}}{{% end{name} %}}")
    if name == "elif":
        return _syntax_error(env, f"{{% if true %}}{{% {inner} %}}{{% endif %}}")
    if name == "else":
        return None if inner == "else" else "nothing may follow else"
    return None


def _end_of(opened: _Open) -> str:
    """The end tag to add, in the same flavour as the opener (``{%p endfor %}``)."""
    flavour = re.match(r"\{%(tr|tc|p)?", opened.tag.written)
    letter = flavour.group(1) if flavour and flavour.group(1) else ""
    return f"{{%{letter} end{opened.tag.name} %}}" if letter else f"{{% end{opened.tag.name} %}}"


def unknown_name_problem(
    env: jinja2.Environment,
    kind: str,
    name: str,
    location: Location | None,
    tag: str | None = None,
) -> TemplateProblem:
    """An unknown filter or test, with the nearest real one."""
    known = env.filters if kind == "filter" else env.tests
    guess = _suggest(name, [n for n in known if not n.startswith("docgen_")])
    if kind == "filter":
        listing = "docgen's filters are " + ", ".join(template_filters())
        listing += "; Jinja's built-in filters (default, length, join, ...) work too"
    else:
        listing = "tests are Jinja's: defined, none, number, string, even, odd, ..."
    hint = (f"did you mean {guess}? " if guess else "") + listing
    return TemplateProblem(f"unknown {kind} '{name}'", location, hint, tag, kind)


def _block_xml_problem(members: list[Tag], source: str) -> TemplateProblem | None:
    """A block whose tags would cut through paragraphs or cells when Jinja drops or repeats them."""
    for before, after in zip(members, members[1:], strict=False):
        if before.end < 0 or after.start < 0:
            return None
        between = _JINJA_TAG.sub("", source[before.end : after.start])
        closes: list[str] = []
        opens: list[str] = []
        for token in _XML_TOKEN.finditer(between):
            name = token.group(2)
            if name is None or token.group(3):
                continue
            if token.group(1):
                if opens and opens[-1] == name:
                    opens.pop()
                else:
                    closes.append(name)
            else:
                opens.append(name)
        if closes != opens[::-1] or _STRUCTURE.intersection(closes):
            opener, other = members[0], after
            where = other.location.describe() if other.location else "further on"
            return TemplateProblem(
                f"{opener.written} and {other.written} ({where}) are in different "
                "paragraphs or table cells in a way the document cannot keep",
                opener.location,
                "keep both tags in one paragraph, or put {%p ... %} tags in paragraphs of "
                "their own around whole paragraphs ({%tr ... %} around whole table rows, "
                "{%tc ... %} around whole cells)",
                opener.written,
                "block",
            )
    return None


def analyse(env: jinja2.Environment, tags: list[Tag], source: str = "") -> Analysis:
    """Check every tag alone and the nesting of block tags; report all problems.

    `source` is the part's compiled source the tags come from; with it, the XML
    between a block's tags is checked too.
    """
    problems: list[TemplateProblem] = []
    kept: list[Tag] = []
    stack: list[_Open] = []
    blocks: list[list[Tag]] = []

    def close(opened: _Open, end: Tag | None) -> None:
        synthetic = Tag("{% end" + opened.name + " %}", end.location if end else None, written="-")
        kept.append(synthetic)
        if end is not None:
            opened.members.append(end)
            blocks.append(opened.members)

    raw = False  # between {% raw %} and {% endraw %} nothing is a tag
    for tag in tags:
        if raw and tag.name != "endraw":
            continue
        raw = tag.name == "raw"
        if tag.kind == "{{":
            error = _syntax_error(env, tag.text)
            if error:
                problems.append(_syntax_problem(tag, error))
            else:
                kept.append(tag)
            continue
        name = tag.name
        if name in UNAVAILABLE:
            problems.append(
                _problem(
                    f"{{% {name} %}} cannot be used in a Word template",
                    tag,
                    "copy what it would bring into this template",
                )
            )
            continue
        if name not in KNOWN_TAGS:
            guess = _suggest(name, KNOWN_TAGS) if name else None
            message = (
                f"unknown tag '{name}' in {tag.written}" if name else f"empty tag {tag.written}"
            )
            hint = (
                f"did you mean {{% {guess} %}}?"
                if guess
                else "tags are {{ value }}, {% if %}, {% for %}, {% set %} and their ends"
            )
            if name in ("tr", "tc", "p", "r"):
                guess, hint = None, f"write {{%{name} with no space between % and {name}"
            problems.append(_problem(message, tag, hint))
            if not guess:
                continue
            # read on as the tag it was meant to be, so that its end is not reported too
            text = tag.text.replace(name, guess, 1)
            tag = Tag(text, tag.location, tag.start, tag.end, written=tag.written)
            name = guess
            if _check_statement(env, tag):
                tag = Tag(
                    f"{{% {guess} %}}" if guess in ENDS else tag.text,
                    tag.location,
                    tag.start,
                    tag.end,
                    written=tag.written,
                )
        error = _check_statement(env, tag)
        if name in ENDS:
            wanted = ENDS[name]
            if error:
                problems.append(_syntax_problem(tag, error))
            names = [opened.tag.name for opened in stack]
            if wanted not in names:
                problems.append(
                    _problem(
                        f"{tag.written} has no {{% {wanted} %}} before it",
                        tag,
                        f"remove it, or add the {{% {wanted} ... %}} it should close",
                        "block",
                    )
                )
                continue
            while stack[-1].tag.name != wanted:
                inner = stack.pop()
                problems.append(
                    _problem(
                        f"{inner.tag.written} is not closed before {tag.written}"
                        + (f" ({tag.location.describe()})" if tag.location else ""),
                        inner.tag,
                        f"add {_end_of(inner)} before {tag.written}",
                        "block",
                    )
                )
                close(inner, None)
            close(stack.pop(), tag)
            continue
        if name in MIDDLES:
            owner = stack[-1] if stack else None
            if owner is None or name not in BLOCKS.get(owner.tag.name, ()):
                problems.append(
                    _problem(
                        f"{tag.written} is outside an {{% if %}}"
                        + (" or {% for %}" if name == "else" else ""),
                        tag,
                        "remove it, or move it between the block's opening and end tags",
                        "block",
                    )
                )
                continue
            if error:
                problems.append(_syntax_problem(tag, error))
                if owner.name == "if":
                    kept.append(Tag("{% elif true %}", tag.location, written="-"))
                continue
            owner.members.append(tag)
            if owner.name == owner.tag.name:
                kept.append(tag)
            continue
        if name == "set" and _SINGLE_SET.match(tag.inner):
            if error:
                problems.append(_syntax_problem(tag, error))
            else:
                kept.append(tag)
            continue
        # a block opener
        opened = _Open(tag, name, [tag])
        if error:
            problems.append(_syntax_problem(tag, error))
            stand_in = _neutral_opener(env, tag)
            opened.name = stand_in.name
            kept.append(stand_in)
        else:
            kept.append(tag)
        stack.append(opened)
    for opened in reversed(stack):
        problems.append(
            _problem(
                f"{opened.tag.written} is never closed",
                opened.tag,
                f"add {_end_of(opened)} where the block should end",
                "block",
            )
        )
        close(opened, None)
    if source:
        for members in blocks:
            problem = _block_xml_problem(members, source)
            if problem is not None:
                problems.append(problem)
    return Analysis(problems, "\n".join(t.text for t in kept), [None, *kept])


def _neutral_opener(env: jinja2.Environment, tag: Tag) -> Tag:
    """A stand-in for a broken opener, keeping a loop's variable names if they can be read."""
    match = re.match(r"for\s+(.+?)\s+in\b", tag.inner)
    if match and not _syntax_error(env, f"{{% for {match.group(1)} in () %}}{{% endfor %}}"):
        return Tag(f"{{% for {match.group(1)} in () %}}", tag.location, written="-")
    return Tag("{% if true %}", tag.location, written="-")  # its body is still checked
