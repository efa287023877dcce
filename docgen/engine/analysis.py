"""Template tags checked: each one alone, then the blocks matched.

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
from docgen.engine.tags import Tag
from docgen.errors import Location, TemplateProblem

_SINGLE_SET = re.compile(r"^set\s+[^=]+=")
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
    return _Analyser(env, source).run(tags)


class _Analyser:
    """`analyse`'s state, with one method per kind of tag (as Jinja's parser has one
    per statement): each reports the tag's problems and keeps what Jinja may parse."""

    def __init__(self, env: jinja2.Environment, source: str) -> None:
        self.env = env
        self.source = source
        self.problems: list[TemplateProblem] = []
        self.kept: list[Tag] = []
        self.stack: list[_Open] = []
        self.blocks: list[list[Tag]] = []

    def run(self, tags: list[Tag]) -> Analysis:
        raw = False  # between {% raw %} and {% endraw %} nothing is a tag
        for tag in tags:
            if raw and tag.name != "endraw":
                continue
            raw = tag.name == "raw"
            if tag.kind == "{{":
                self.expression(tag)
            else:
                self.statement(tag)
        for opened in reversed(self.stack):
            self.problems.append(
                _problem(
                    f"{opened.tag.written} is never closed",
                    opened.tag,
                    f"add {_end_of(opened)} where the block should end",
                    "block",
                )
            )
            self.close(opened, None)
        if self.source:
            for members in self.blocks:
                problem = _block_xml_problem(members, self.source)
                if problem is not None:
                    self.problems.append(problem)
        return Analysis(self.problems, "\n".join(t.text for t in self.kept), [None, *self.kept])

    def keep_or_report(self, tag: Tag, error: str | None) -> None:
        if error:
            self.problems.append(_syntax_problem(tag, error))
        else:
            self.kept.append(tag)

    def close(self, opened: _Open, end: Tag | None) -> None:
        location = end.location if end else None
        self.kept.append(Tag("{% end" + opened.name + " %}", location, written="-"))
        if end is not None:
            opened.members.append(end)
            self.blocks.append(opened.members)

    def expression(self, tag: Tag) -> None:
        """``{{ ... }}``: parsed alone."""
        self.keep_or_report(tag, _syntax_error(self.env, tag.text))

    def statement(self, tag: Tag) -> None:
        """``{% ... %}``: dispatched on its first word, as Jinja's parser does."""
        name = tag.name
        if name in UNAVAILABLE:
            self.problems.append(
                _problem(
                    f"{{% {name} %}} cannot be used in a Word template",
                    tag,
                    "copy what it would bring into this template",
                )
            )
            return
        if name not in KNOWN_TAGS:
            tag = self.unknown(tag)
            if tag is None:
                return
            name = tag.name
        error = _check_statement(self.env, tag)
        if name in ENDS:
            self.end(tag, error)
        elif name in MIDDLES:
            self.middle(tag, error)
        elif name == "set" and _SINGLE_SET.match(tag.inner):
            self.keep_or_report(tag, error)
        else:
            self.opener(tag, error)

    def unknown(self, tag: Tag) -> Tag | None:
        """An unknown tag: reported; read on as the nearest known one if there is one,
        so that its end is not reported too."""
        name = tag.name
        guess = _suggest(name, KNOWN_TAGS) if name else None
        message = f"unknown tag '{name}' in {tag.written}" if name else f"empty tag {tag.written}"
        hint = (
            f"did you mean {{% {guess} %}}?"
            if guess
            else "tags are {{ value }}, {% if %}, {% for %}, {% set %} and their ends"
        )
        if name in ("tr", "tc", "p", "r"):
            guess, hint = None, f"write {{%{name} with no space between % and {name}"
        self.problems.append(_problem(message, tag, hint))
        if not guess:
            return None
        tag = Tag(tag.text.replace(name, guess, 1), tag.location, tag.start, tag.end, tag.written)
        if _check_statement(self.env, tag) and guess in ENDS:
            tag = Tag(f"{{% {guess} %}}", tag.location, tag.start, tag.end, tag.written)
        return tag

    def end(self, tag: Tag, error: str | None) -> None:
        """``{% endfor %}`` and the like: closes its block, and any left open inside it."""
        wanted = ENDS[tag.name]
        if error:
            self.problems.append(_syntax_problem(tag, error))
        if wanted not in [opened.tag.name for opened in self.stack]:
            self.problems.append(
                _problem(
                    f"{tag.written} has no {{% {wanted} %}} before it",
                    tag,
                    f"remove it, or add the {{% {wanted} ... %}} it should close",
                    "block",
                )
            )
            return
        while self.stack[-1].tag.name != wanted:
            inner = self.stack.pop()
            self.problems.append(
                _problem(
                    f"{inner.tag.written} is not closed before {tag.written}"
                    + (f" ({tag.location.describe()})" if tag.location else ""),
                    inner.tag,
                    f"add {_end_of(inner)} before {tag.written}",
                    "block",
                )
            )
            self.close(inner, None)
        self.close(self.stack.pop(), tag)

    def middle(self, tag: Tag, error: str | None) -> None:
        """``{% elif %}`` and ``{% else %}``: belong to the innermost open block."""
        owner = self.stack[-1] if self.stack else None
        if owner is None or tag.name not in BLOCKS.get(owner.tag.name, ()):
            self.problems.append(
                _problem(
                    f"{tag.written} is outside an {{% if %}}"
                    + (" or {% for %}" if tag.name == "else" else ""),
                    tag,
                    "remove it, or move it between the block's opening and end tags",
                    "block",
                )
            )
            return
        if error:
            self.problems.append(_syntax_problem(tag, error))
            if owner.name == "if":
                self.kept.append(Tag("{% elif true %}", tag.location, written="-"))
            return
        owner.members.append(tag)
        if owner.name == owner.tag.name:
            self.kept.append(tag)

    def opener(self, tag: Tag, error: str | None) -> None:
        """``{% for %}``, ``{% if %}``, ...: opens a block (a broken one as a stand-in)."""
        opened = _Open(tag, tag.name, [tag])
        if error:
            self.problems.append(_syntax_problem(tag, error))
            stand_in = _neutral_opener(self.env, tag)
            opened.name = stand_in.name
            self.kept.append(stand_in)
        else:
            self.kept.append(tag)
        self.stack.append(opened)


def _neutral_opener(env: jinja2.Environment, tag: Tag) -> Tag:
    """A stand-in for a broken opener, keeping a loop's variable names if they can be read."""
    match = re.match(r"for\s+(.+?)\s+in\b", tag.inner)
    if match and not _syntax_error(env, f"{{% for {match.group(1)} in () %}}{{% endfor %}}"):
        return Tag(f"{{% for {match.group(1)} in () %}}", tag.location, written="-")
    return Tag("{% if true %}", tag.location, written="-")  # its body is still checked
