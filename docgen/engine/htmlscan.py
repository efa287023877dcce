"""The HTML subset's tags and text in one forward pass, in time linear in the text.

Why: rich-text fields come from clerks and an old web system, and a regular
expression that looks for a tag's ``>`` from every ``<`` reads the rest of the
text again for each one (a megabyte of ``<p a='b' `` took a minute). Here each
search for a character starts where the previous one for that character stopped
or later, so every character is examined a bounded number of times;
`ScanStats.examined` counts them, and a test holds the count linear.

What counts as a tag is what it always was: ``<`` then a letter (or ``/`` and a
letter) and a ``>`` before any other ``<``. Comments (an unclosed one hides the
rest), declarations and processing instructions are dropped; any other ``<`` is
text. The content of ``<script>`` and ``<style>`` is skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_NAME = re.compile(r"/?([A-Za-z][^\t\n\r\f />\x00]*)")
_ATTRIBUTE = re.compile(r"""([^\s/>="']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?""")
_RAW_CONTENT = ("script", "style")
#: How many tokens pass between two calls of the caller's `tick` (its time budget).
TICK_EVERY = 256

_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")


def _no_character(match: re.Match[str]) -> bool:
    number = int(match[1], 16) if match[1] else int(match[2])
    return number == 0 or 0xD800 <= number <= 0xDFFF or number > 0x10FFFF


def unescape(text: str) -> str:
    """`html.unescape`, except that a reference to no character (``&#0;``, a
    surrogate such as ``&#xD800;``, beyond U+10FFFF) is dropped, not shown as U+FFFD.

    >>> unescape("a&#0;b&#xD800;c&#1114112;d &amp; &#x0E01;")
    'abcd & ก'
    """
    if "&#" in text:
        text = _NUMERIC_REFERENCE.sub(lambda m: "" if _no_character(m) else m[0], text)
    return html.unescape(text)


Attributes = list[tuple[str, str | None]]
#: ("text", text, []) or ("start" | "end" | "startend", tag name in lower case, attributes)
Token = tuple[str, str, Attributes]


@dataclass
class ScanStats:
    """Work done by one scan: characters the searches passed over, tokens given."""

    examined: int = 0
    tokens: int = 0


class _Finder:
    """`str.find` that remembers where each needle was found: a later search from a
    position not past that place is answered without reading the text again."""

    def __init__(self, text: str, stats: ScanStats) -> None:
        self.text = text
        self.stats = stats
        self.found: dict[str, int] = {}

    def next(self, needle: str, start: int) -> int:
        """The first `needle` at or after `start`, or the text's length."""
        at = self.found.get(needle, -1)
        if at < start:
            at = self.text.find(needle, start)
            if at == -1:
                at = len(self.text)
            self.stats.examined += at - start + len(needle)
            self.found[needle] = at
        return at


def html_tokens(
    source: str, stats: ScanStats | None = None, tick: Callable[[], None] | None = None
) -> Iterator[Token]:
    """The tokens of `source`; text comes unescaped, adjacent pieces joined."""
    stats = stats or ScanStats()
    find = _Finder(source, stats)
    lower = _Finder(source.lower(), stats) if "<" in source else find
    end = len(source)
    text: list[str] = []
    position = 0
    while position < end:
        stats.tokens += 1
        if tick is not None and stats.tokens % TICK_EVERY == 0:
            tick()
        opening = find.next("<", position)
        if opening > position:
            text.append(source[position:opening])
        if opening >= end:
            break
        if source.startswith("<!--", opening):
            position = find.next("-->", opening + 4) + 3
            continue
        closing = find.next(">", opening)
        if closing < end and closing < find.next("<", opening + 1):
            if source[opening + 1 : opening + 2] in ("!", "?"):
                position = closing + 1  # a declaration or processing instruction
                continue
            name = _NAME.match(source, opening + 1, closing)
            if name:
                if text:
                    yield "text", unescape("".join(text)), []
                    text = []
                kind, tag, attributes = _tag(source, opening, closing, name)
                yield kind, tag, attributes
                position = closing + 1
                if kind == "start" and tag in _RAW_CONTENT:
                    position = lower.next(f"</{tag}", position)
                continue
        text.append("<")
        position = opening + 1
    if text:
        yield "text", unescape("".join(text)), []


def _tag(source: str, opening: int, closing: int, name: re.Match[str]) -> Token:
    tag = name.group(1).lower()
    if source[opening + 1] == "/":
        return "end", tag, []
    last = closing
    kind = "start"
    if source[closing - 1] == "/" and closing - 1 >= name.end():
        kind, last = "startend", closing - 1
    attributes: Attributes = []
    for found in _ATTRIBUTE.finditer(source, name.end(), last):
        key, double, single, bare = found.groups()
        value = next((v for v in (double, single, bare) if v is not None), None)
        attributes.append((key.lower(), None if value is None else unescape(value)))
    return kind, tag, attributes
