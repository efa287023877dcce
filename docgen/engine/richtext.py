"""Rich text (plain text or the old web system's HTML subset) to WordprocessingML.

Two layers, as in python-docx: `parse_richtext` turns the source into a small
block model (paragraphs and list items made of formatted spans); `to_wordml`
writes that model as ``<w:p>`` elements that inherit the paragraph and run
properties of the template paragraph they replace. List numbers are written
as text ("1.", "2)") so they survive copy-paste and can become Thai digits.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import markupsafe
from lxml import etree

from docgen.engine.htmlscan import ScanStats, html_tokens, unescape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"

#: The HTML subset of the data contract; any other tag is dropped, its text kept.
KNOWN_TAGS = {"p", "br", "ol", "ul", "li", "u", "b", "strong", "i", "em", "span", "div"}
_SKIP_CONTENT = {"script", "style", "head", "title"}

# "1.", "2)", "1.1", "10)", "ก.", "-", "•" at the start of a line of plain text.
_LIST_MARKER = re.compile(
    r"^[ \t]*(?P<marker>\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}[.)]|[-•*]|[ก-ฮ][.)](?=[ \t]))"
    r"(?:[ \t]+|(?=[^\d\s.)]))"
)
# "1. a 2. b 3. c": the next number of an inline sequence, after a space ("4.1" is none).
_INLINE_ITEM = r"(?<=\s){number}{punct}[ \t]"
# Characters XML 1.0 cannot hold (C0 controls but tab/newline/CR, surrogates, U+FFFE/F).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The same, but keeping docxtpl's two controls: \a starts a new paragraph, \f a page.
_PRINT_ILLEGAL = re.compile("[\x00-\x06\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

INDENT_STEP = 567  # twips per list level (1 cm)
#: Deeper lists are drawn at this level: Word keeps indents under 22 inches.
MAX_LIST_LEVEL = 8

#: Formatting tags nested deeper than this add no formatting (their text is kept).
_MAX_FORMAT_DEPTH = 64
_WHITESPACE = re.compile(r"[ \t\r\n\f]+")


def xml_safe(text: str) -> str:
    """Drop the characters XML cannot hold; everything else stays text.

    >>> xml_safe("a\\x01b\\tc")
    'ab\\tc'
    """
    return text if text.isprintable() else _XML_ILLEGAL.sub("", text)


def printable(text: str) -> str:
    """Like `xml_safe`, but keeping ``\\a`` and ``\\f``, which a printed value turns
    into a new paragraph and a page break (docxtpl's meaning of them).

    >>> printable("a\\x01b\\ac\\fd")
    'ab\\x07c\\x0cd'
    """
    return _PRINT_ILLEGAL.sub("", text)


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one formatting, or a line break."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    underline: bool = False
    line_break: bool = False

    def with_text(self, text: str) -> Span:
        """This span's formatting around other text (``dataclasses.replace``, at a
        fraction of its cost: parsing makes one for every piece of text)."""
        return Span(text, self.bold, self.italic, self.underline)

    def as_line_break(self) -> Span:
        """A line break in this span's formatting."""
        return Span("", self.bold, self.italic, self.underline, True)


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph; with a marker it is a list item (marker written as text)."""

    spans: tuple[Span, ...] = ()
    marker: str | None = None
    level: int = 0
    list_item: bool = False

    @property
    def text(self) -> str:
        return "".join("\n" if s.line_break else s.text for s in self.spans).strip()


@dataclass(frozen=True)
class RichText:
    """A rich-text field as templates see it: prints as plain text inline,
    and as formatted paragraphs where a template places it with ``{{p ... }}``.

    The text is parsed when a template first uses it, so that the parse is part
    of the render and spends its budget (time, steps)."""

    source: str

    @classmethod
    def parse(cls, source: str | None) -> RichText:
        return cls(source or "")

    @cached_property
    def blocks(self) -> tuple[Block, ...]:
        return parse_richtext(self.source)

    @property
    def text(self) -> str:
        """Plain text, one line per paragraph, list markers kept."""
        lines = []
        for block in self.blocks:
            body = block.text
            lines.append(f"{block.marker} {body}" if block.marker else body)
        return "\n".join(line for line in lines if line)

    def __bool__(self) -> bool:
        return any(block.text or block.marker for block in self.blocks)

    def __str__(self) -> str:
        return self.text


# --------------------------------------------------------------------------- parsing


class _Builder:
    """Collects spans into blocks; shared by the plain-text and HTML readers."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.spans: list[Span] = []
        self.marker: str | None = None
        self.list_item = False
        self.level = 0

    def add(self, span: Span) -> None:
        if span.line_break or span.text:
            self.spans.append(span)

    def flush(self) -> None:
        spans = self.spans
        while spans and spans[-1].line_break:
            spans.pop()
        while spans and spans[0].line_break:
            spans.pop(0)
        if spans or self.marker:
            spans = _trim(spans)
            self.blocks.append(Block(tuple(spans), self.marker, self.level, self.list_item))
        self.spans, self.marker, self.list_item = [], None, False

    def start(self, marker: str | None = None, level: int = 0, list_item: bool = False) -> None:
        self.flush()
        self.marker, self.level, self.list_item = marker, min(level, MAX_LIST_LEVEL), list_item

    def plain(self, text: str, style: Span, level: int = 0) -> None:
        """Plain-text rules: blank line = new paragraph, marker line = list item."""
        paragraphs = re.split(r"\n[ \t\r]*\n", text.replace("\r\n", "\n"))
        for number, chunk in enumerate(paragraphs):
            if number:
                self.start(level=level)
            for index, line in enumerate(chunk.split("\n")):
                match = _LIST_MARKER.match(line)
                if match:
                    self.start(match.group("marker"), level, list_item=True)
                    line = line[match.end() :]
                elif index and (self.spans or self.marker):
                    self.add(style.as_line_break())
                self.add(style.with_text(line))


def split_inline_items(text: str) -> str:
    """Put each item of an inline "1. ... 2. ... 3. ..." on its own line.

    Only a sequence that starts the text with 1 and runs 2, 3, ... in order, each
    number followed by the same "." or ")" and a space, is split.

    >>> split_inline_items("1. one 2. two 3.5 kg 3. three").splitlines()
    ['1. one', '2. two 3.5 kg', '3. three']
    >>> split_inline_items("1. one 3. three")
    '1. one 3. three'
    """
    first = re.match(r"\s*1([.)])[ \t]", text)
    if first is None:
        return text
    punct, pieces, start, number = re.escape(first.group(1)), [], 0, 2
    while True:
        found = re.compile(_INLINE_ITEM.format(number=number, punct=punct)).search(text, start)
        if found is None:
            break
        pieces.append(text[start : found.start()].rstrip())
        start, number = found.start(), number + 1
    pieces.append(text[start:])
    return "\n".join(pieces)


def _trim(spans: list[Span]) -> list[Span]:
    """Strip the whitespace HTML would not show at a paragraph's two ends."""
    spans = list(spans)
    if spans and not spans[0].line_break:
        spans[0] = spans[0].with_text(spans[0].text.lstrip())
    if spans and not spans[-1].line_break:
        spans[-1] = spans[-1].with_text(spans[-1].text.rstrip())
    return [s for s in spans if s.line_break or s.text]


def _style_flags(tag: str, attrs: dict[str, str | None]) -> dict[str, bool]:
    flags: dict[str, bool] = {}
    if tag in ("b", "strong"):
        flags["bold"] = True
    elif tag in ("i", "em"):
        flags["italic"] = True
    elif tag == "u":
        flags["underline"] = True
    style = (attrs.get("style") or "").lower().replace(" ", "")
    if "font-weight:bold" in style or re.search(r"font-weight:[6-9]00", style):
        flags["bold"] = True
    if "font-style:italic" in style:
        flags["italic"] = True
    if "text-decoration:underline" in style:
        flags["underline"] = True
    return flags


class _HtmlReader:
    """Tolerant reader for the HTML subset (unclosed tags are common in the data)."""

    def __init__(self) -> None:
        self.out = _Builder()
        self.formats: list[tuple[str, dict[str, bool]]] = []
        self.lists: list[list] = []  # [kind, counter] per open <ol>/<ul>
        self.containers = 0  # open <p>, <div> or <li>: text inside follows HTML rules
        self.skipping = 0

    def _style(self) -> Span:
        flags: dict[str, bool] = {}
        for _, tag_flags in self.formats:
            flags.update(tag_flags)
        return Span(**flags)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag in _SKIP_CONTENT:
            self.skipping += 1
        elif tag == "br":
            self.out.add(Span(line_break=True))
        elif tag in ("p", "div"):
            self.out.start(level=len(self.lists))
            self.containers += 1
        elif tag in ("ol", "ul"):
            self.out.flush()
            style = ((attr.get("style") or "") + " " + (attr.get("type") or "")).lower()
            kind = "none" if "none" in style else tag
            self.lists.append([kind, 0])
        elif tag == "li":
            kind, number = self.lists[-1] if self.lists else ["ul", 0]
            number += 1
            if self.lists:
                self.lists[-1][1] = number
            marker = {"ol": f"{number}.", "ul": "-"}.get(kind)
            self.out.start(marker, max(len(self.lists) - 1, 0), list_item=True)
            self.containers += 1
        flags = _style_flags(tag, attr)
        if flags and len(self.formats) < _MAX_FORMAT_DEPTH:
            self.formats.append((tag, flags))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.add(Span(line_break=True))
        elif tag in ("p", "div"):
            self.out.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_CONTENT:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in ("p", "div", "li"):
            self.out.flush()
            self.containers = max(self.containers - 1, 0)
        elif tag in ("ol", "ul"):
            self.out.flush()
            if self.lists:
                self.lists.pop()
        for index in range(len(self.formats) - 1, -1, -1):
            if self.formats[index][0] == tag:
                del self.formats[index]
                break

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        style = self._style()
        if self.containers:
            text = _WHITESPACE.sub(" ", data)
            out = self.out
            if not out.list_item and not any(sp.text.strip() for sp in out.spans):
                # "<p>1. ...</p>", "<p>1.1 ...</p>": a list item typed as a paragraph
                match = _LIST_MARKER.match(text.lstrip())
                if match and not out.spans:
                    out.marker, out.list_item = match.group("marker"), True
                    text = text.lstrip()[match.end() :]
            self.out.add(style.with_text(text))
        elif data.strip():
            # Text outside any paragraph: the old system mixed HTML with plain text.
            # In a list without <li>, items are often typed "1. ... 2. ..." on one line.
            text = split_inline_items(data) if self.lists else data
            self.out.plain(text, style, level=max(len(self.lists) - 1, 0))
        elif self.out.spans:
            self.out.add(style.with_text(" "))

    def read(self, tokens: list[tuple[str, str, list[tuple[str, str | None]]]]) -> None:
        handlers = {
            "text": lambda text, _: self.handle_data(text),
            "start": self.handle_starttag,
            "startend": self.handle_startendtag,
            "end": lambda tag, _: self.handle_endtag(tag),
        }
        for kind, value, attributes in tokens:
            handlers[kind](value, attributes)


def looks_like_html(source: str) -> bool:
    """True when the text holds a tag of the contract's HTML subset."""
    return _has_known_tag(list(html_tokens(source)))


def _has_known_tag(tokens: list[tuple[str, str, list[tuple[str, str | None]]]]) -> bool:
    return any(kind != "text" and name in KNOWN_TAGS for kind, name, _ in tokens)


def parse_richtext(source: str, stats: ScanStats | None = None) -> tuple[Block, ...]:
    """Parse plain text or the HTML subset into blocks, in time linear in the text
    (`docgen.engine.htmlscan`); inside a render, parsing spends the render's budget.

    >>> [b.text for b in parse_richtext("<p>one</p><p>two <u>three</u></p>")]
    ['one', 'two three']
    >>> [(b.marker, b.text) for b in parse_richtext("intro\\n1.first\\n2) second")]
    [(None, 'intro'), ('1.', 'first'), ('2)', 'second')]
    """
    source = xml_safe(source or "")
    tokens = list(html_tokens(source, stats, _budget_tick())) if "<" in source else []
    if _has_known_tag(tokens):
        reader = _HtmlReader()
        reader.read(tokens)
        builder = reader.out
    else:
        builder = _Builder()
        builder.plain(unescape(source), Span())
    builder.flush()
    return tuple(builder.blocks)


def _budget_tick() -> Callable[[], None] | None:
    """The render budget's step, when a render is in progress in this thread."""
    from docgen.engine.sandbox import active_budget  # the sandbox prints rich text

    budget = active_budget()
    return None if budget is None else budget.step


# --------------------------------------------------------------------------- WordprocessingML

# Child order of w:rPr and w:pPr in the OOXML schema (Word rejects other orders).
_RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
_PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]


def _set_child(props: etree._Element, order: list[str], name: str, attrs: dict[str, str]) -> None:
    """Replace or insert the child `name` of a property element, keeping schema order."""
    for old in props.findall(_W + name):
        props.remove(old)
    child = etree.Element(_W + name, {_W + k: v for k, v in attrs.items()}, nsmap={"w": W_NS})
    rank = order.index(name)
    for index, existing in enumerate(props):
        local = etree.QName(existing).localname
        if local in order and order.index(local) > rank:
            props.insert(index, child)
            return
    props.append(child)


def _props(xml: str, tag: str) -> etree._Element:
    if xml:
        return etree.fromstring(f'<w:wrap xmlns:w="{W_NS}">{xml}</w:wrap>')[0]
    return etree.Element(_W + tag, nsmap={"w": W_NS})


def _serialize(element: etree._Element) -> str:
    text = etree.tostring(element, encoding="unicode")
    return text.replace(f' xmlns:w="{W_NS}"', "")


@lru_cache(maxsize=1024)
def run_properties(base: str, bold: bool, italic: bool, underline: bool) -> str:
    """The template run's properties plus this span's formatting."""
    if not (bold or italic or underline):
        return base
    props = _props(base, "rPr")
    if bold:
        _set_child(props, _RPR_ORDER, "b", {})
        _set_child(props, _RPR_ORDER, "bCs", {})
    if italic:
        _set_child(props, _RPR_ORDER, "i", {})
        _set_child(props, _RPR_ORDER, "iCs", {})
    if underline:
        _set_child(props, _RPR_ORDER, "u", {"val": "single"})
    return _serialize(props)


@lru_cache(maxsize=1024)
def paragraph_properties(base: str, level: int, list_item: bool) -> str:
    """The template paragraph's properties, indented for list items and levels."""
    if not list_item and level == 0:
        return base
    props = _props(base, "pPr")
    existing = props.find(_W + "ind")
    left0 = (
        int(existing.get(_W + "left", existing.get(_W + "start", "0")) or 0)
        if (existing is not None)
        else 0
    )
    left = left0 + INDENT_STEP * (level + (1 if list_item else 0))
    ind = {"left": str(left)}
    if list_item:
        ind["hanging"] = str(INDENT_STEP)
        _set_child(props, _PPR_ORDER, "tabs", {})
        tabs = props.find(_W + "tabs")
        etree.SubElement(tabs, _W + "tab", {_W + "val": "left", _W + "pos": str(left)})
    _set_child(props, _PPR_ORDER, "ind", ind)
    return _serialize(props)


# docxtpl's own escapes ("{_{" prints "{{" in a template): in data they must stay as typed.
_DOCXTPL_ESCAPE = re.compile(r"(?<=\{)_(?=[{%])|(?<=[}%])_(?=\})")


def escape_text(text: str) -> str:
    """Text as XML character data that no later step of rendering changes
    (docxtpl reads ``{_{`` in a document as its escape for ``{{``).

    >>> escape_text('a < b & {_{ c }_} "q"')
    'a &lt; b &amp; {&#95;{ c }&#95;} "q"'
    """
    if "&" not in text and "<" not in text and ">" not in text and "_" not in text:
        return text  # most text, Thai above all: four fast scans, no copy
    escaped = html.escape(text, quote=False)
    if "{_" in escaped or "_}" in escaped:
        return _DOCXTPL_ESCAPE.sub("&#95;", escaped)
    return escaped


def escape_markup(text: str) -> markupsafe.Markup:
    """A printed value, escaped as Jinja's autoescape does it (quotes too, for a tag
    in an attribute), and safe from docxtpl's escapes like `escape_text`.

    >>> str(escape_markup('{_{ "q" }'))
    '{&#95;{ &#34;q&#34; }'
    """
    escaped = markupsafe.escape(text)
    if "{_" in escaped or "_}" in escaped:
        return markupsafe.Markup(_DOCXTPL_ESCAPE.sub("&#95;", escaped))
    return escaped


def _text_run(rpr: str, text: str) -> str:
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape_text(text)}</w:t></w:r>'


#: The empty elements `to_wordml` may write as ``<x></x>`` (lxml writes ``<x/>``);
#: everything else it writes is spelled as lxml would.
WORDML_EMPTY_ELEMENTS = ("<w:p></w:p>", '<w:t xml:space="preserve"></w:t>')


class WordParagraphs(markupsafe.Markup):
    """Paragraphs that `to_wordml` wrote, as a template prints them: markup whose
    only spellings that lxml would change are `WORDML_EMPTY_ELEMENTS`."""

    __slots__ = ()


def to_wordml(
    blocks: tuple[Block, ...],
    ppr: str = "",
    rpr: str = "",
    transform: Callable[[str], str] = lambda text: text,
) -> str:
    """Blocks as ``<w:p>`` XML; at least one paragraph, so table cells stay valid.

    `transform` is applied to every text the engine writes (e.g. Thai digits).

    >>> to_wordml(parse_richtext("x < y & </w:t>"))
    '<w:p><w:r><w:t xml:space="preserve">x &lt; y &amp; &lt;/w:t&gt;</w:t></w:r></w:p>'
    >>> xml = to_wordml(parse_richtext("a <b>bold</b>"), rpr='<w:rPr><w:sz w:val="32"/></w:rPr>')
    >>> xml.split("<w:r>")[-1]
    '<w:rPr><w:b/><w:bCs/><w:sz w:val="32"/></w:rPr><w:t xml:space="preserve">bold</w:t></w:r></w:p>'
    """
    if not blocks:
        return f"<w:p>{ppr}</w:p>"
    parts = []  # one join for the whole text: a render writes a hundred runs or more
    for block in blocks:
        parts.append(f"<w:p>{paragraph_properties(ppr, block.level, block.list_item)}")
        if block.marker:
            parts.append(_text_run(rpr, transform(block.marker)))
            parts.append(f"<w:r>{rpr}<w:tab/></w:r>")
        for span in block.spans:
            props = run_properties(rpr, span.bold, span.italic, span.underline)
            if span.line_break:
                parts.append(f"<w:r>{props}<w:br/></w:r>")
            else:
                parts.append(_text_run(props, transform(xml_safe(span.text))))
        parts.append("</w:p>")
    return "".join(parts)


def text_paragraph(text: str, ppr: str = "", rpr: str = "", transform=lambda t: t) -> str:
    """A plain string as one paragraph; newlines become line breaks."""
    lines = xml_safe(text).split("\n")
    spans: list[Span] = []
    for index, line in enumerate(lines):
        if index:
            spans.append(Span(line_break=True))
        spans.append(Span(text=line))
    return to_wordml((Block(tuple(spans)),), ppr, rpr, transform)
