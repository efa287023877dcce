"""The rich-text editor's HTML, built from the engine's own reading of rich text.

The form's editor shows a rich-text field as HTML and sends back whatever the
browser's editor produced. Both directions go through `docgen.engine.richtext`'s
parser, so what is saved is the contract's HTML subset (``p br ol ul li b i
u``) and holds exactly the formatting the document will show: nothing the
engine would drop is kept, and no browser markup reaches the data file.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

from docgen.engine.richtext import Block, Span, parse_richtext

_NUMBERED = re.compile(r"^(\d{1,3})\.$")
_BULLETS = {"-", "•", "*"}


def _span_html(span: Span) -> str:
    if span.line_break:
        return "<br>"
    text = html.escape(span.text, quote=False)
    if span.underline:
        text = f"<u>{text}</u>"
    if span.italic:
        text = f"<i>{text}</i>"
    if span.bold:
        text = f"<b>{text}</b>"
    return text


def _list_kind(block: Block, numbered_so_far: int) -> str | None:
    """`ol` for the next number of a running 1., 2., ... list, `ul` for a bullet."""
    if not block.list_item or block.marker is None:
        return None
    if block.marker in _BULLETS:
        return "ul"
    match = _NUMBERED.match(block.marker)
    if match and int(match.group(1)) in (1, numbered_so_far + 1):
        return "ol"
    return None


def blocks_to_html(blocks: tuple[Block, ...]) -> str:
    """Blocks as the contract's HTML subset: runs of 1., 2., ... items become ``<ol>``.

    >>> blocks_to_html(parse_richtext("intro\\n1. one\\n2. <two>\\n- dash"))
    '<p>intro</p><ol><li>one</li><li>&lt;two&gt;</li></ol><ul><li>dash</li></ul>'
    >>> blocks_to_html(parse_richtext("1.1 kept as written"))
    '<p>1.1 kept as written</p>'
    """
    out: list[str] = []
    open_list: str | None = None
    count = 0
    for block in blocks:
        kind = _list_kind(block, count if open_list == "ol" else 0)
        if kind == "ol" and open_list == "ol" and block.marker == "1.":
            kind = "ol-restart"
        if open_list and kind != open_list:
            out.append(f"</{open_list}>")
            open_list = None
        if kind == "ol-restart":
            kind = "ol"
        body = "".join(_span_html(span) for span in block.spans)
        if kind is None:
            prefix = html.escape(block.marker, quote=False) + " " if block.marker else ""
            out.append(f"<p>{prefix}{body}</p>")
            continue
        if open_list is None:
            out.append(f"<{kind}>")
            open_list, count = kind, 0
        count += 1
        out.append(f"<li>{body}</li>")
    if open_list:
        out.append(f"</{open_list}>")
    return "".join(out)


def to_editor(source: str) -> Markup:
    """A field's source (plain text or HTML) as safe HTML for the editor to show."""
    return Markup(blocks_to_html(parse_richtext(source or "")))


def from_editor(markup: str) -> str:
    """What the editor sent, as the contract's HTML subset ("" when nothing is left)."""
    return blocks_to_html(parse_richtext(markup or ""))
