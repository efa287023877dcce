"""``{{p value }}``: a value as whole paragraphs that keep the look of the paragraph
the tag stands in. Every rule of it lives here: the rewrite before compiling, the
filter it becomes, and the tag as the maintainer wrote it, for messages.

Before compiling, ``{{p expr }}`` becomes ``{{ (expr)|docgen_paragraphs(pPr, rPr) }}``
with the paragraph's properties and its run's font, size and colour captured
(base64, so no quote or brace of them reaches Jinja); the filter prints rich text
as paragraphs with that look, and any other value as one paragraph of text.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable
from typing import Any

from lxml import etree
from markupsafe import Markup

from docgen.engine.richtext import W_NS, RichText, WordParagraphs, text_paragraph, to_wordml
from docgen.engine.sandbox import ensure_room

#: The filter ``{{p }}`` is compiled to.
FILTER = "docgen_paragraphs"
_PARAGRAPH_TAG = re.compile(
    r"<w:p[ >](?:(?!<w:p[ >]).)*?\{\{p\s(?P<expr>(?:(?!\}\}).)*)\}\}.*?</w:p>", re.DOTALL
)
_PPR = re.compile(r"<w:pPr>.*?</w:pPr>|<w:pPr/>", re.DOTALL)
_RUN_START = re.compile(r"<w:r[ >]")
_RPR = re.compile(r"<w:rPr>.*?</w:rPr>", re.DOTALL)
_COMPILED_FORM = re.compile(
    r"^\{\{ \((?P<expr>.*)\)\|" + FILTER + r"\('[^']*', '[^']*'\) \}\}$", re.S
)


def _encode(xml: str) -> str:
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")


def keep_paragraph_look(xml: str) -> str:
    """``{{p expr }}`` -> ``{{ (expr)|docgen_paragraphs(pPr, rPr) }}`` with the look captured."""

    def replace(match: re.Match) -> str:
        whole = match.group(0)
        tag_at = whole.index("{{p")
        ppr_match = _PPR.search(whole, 0, tag_at)
        ppr = ppr_match.group(0) if ppr_match else ""
        run_starts = [m.start() for m in _RUN_START.finditer(whole, 0, tag_at)]
        rpr = ""
        if run_starts:
            run_xml = whole[run_starts[-1] : tag_at]
            rpr_match = _RPR.search(run_xml)
            rpr = rpr_match.group(0) if rpr_match else ""
        expr = match.group("expr").strip()
        return f"{{{{ ({expr})|{FILTER}('{_encode(ppr)}', '{_encode(rpr)}') }}}}"

    return _PARAGRAPH_TAG.sub(replace, xml)


def as_written(tag: str) -> str:
    """A compiled ``{{p }}`` tag as the maintainer wrote it; any other tag as it is.

    >>> as_written("{{ (indicator.obstacles)|docgen_paragraphs('', '') }}")
    '{{p indicator.obstacles }}'
    """
    compiled = _COMPILED_FORM.match(tag)
    return "{{p " + compiled.group("expr") + " }}" if compiled else tag


def _b64(text: str) -> str:
    return base64.b64decode(text).decode("utf-8")


def paragraph_filter(
    transform: Callable[[str], str], to_text: Callable[[Any], str]
) -> Callable[..., Markup]:
    """The filter ``{{p value }}`` becomes: a value as paragraphs with the replaced
    paragraph's look (`to_text` prints a value that is not rich text)."""

    @functools.lru_cache(maxsize=256)
    def props(ppr64: str, rpr64: str) -> tuple[str, str]:
        ppr, rpr = _b64(ppr64), _b64(rpr64)
        _check_properties(ppr, "pPr")
        _check_properties(rpr, "rPr")
        return ppr, rpr

    def docgen_paragraphs(value: Any, ppr64: str = "", rpr64: str = "") -> Markup:
        ppr, rpr = props(ppr64, rpr64)
        if isinstance(value, RichText):
            ensure_room(_wordml_size(value, len(ppr), len(rpr)))
            return WordParagraphs(to_wordml(value.blocks, ppr, rpr, transform))
        if hasattr(value, "__html__"):  # docxtpl RichTextParagraph, Listing, Markup
            return Markup(value.__html__())
        text = "" if value is None else to_text(value)
        return WordParagraphs(text_paragraph(text, ppr, rpr, transform))

    return docgen_paragraphs


def _check_properties(xml: str, name: str) -> None:
    """The look `{{p }}` copies must be one ``w:pPr``/``w:rPr`` element (or none):
    what the filter prints is trusted as whole paragraphs."""
    if not xml:
        return
    try:
        element = etree.fromstring(f'<w:wrap xmlns:w="{W_NS}">{xml}</w:wrap>')
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"the paragraph look is not well-formed XML ({exc})") from None
    if [etree.QName(child).localname for child in element] != [name] or element.text:
        raise ValueError(f"the paragraph look must be one w:{name} element")


def _wordml_size(value: RichText, ppr: int, rpr: int) -> int:
    """About how long `to_wordml` output is, to refuse a huge one before building it."""
    size = 0
    for block in value.blocks:
        size += ppr + 100 + sum(len(span.text) + rpr + 60 for span in block.spans)
    return size
