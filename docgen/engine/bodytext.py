"""A rendered body written out as text, when parsing it would change nothing.

docxtpl parses every rendered body (to repair table grids), grafts it into the
document and serialises the whole tree again: a third of a render. For most
documents that round trip is the identity, and telling that costs less:

* well-formed: the template is checked once, when it is compiled. Values
  print escaped, docgen's rich text prints whole paragraphs, so a rendered
  body is well-formed whenever every ``{% if %}``/``{% for %}`` block of the
  template holds balanced XML (and nothing prints raw markup: no ``|safe``).
* unchanged by lxml: the template's own XML came out of lxml already; what a
  render adds is escaped text and docgen's paragraphs, in lxml's spelling
  except for empty elements (``<w:t></w:t>``, which lxml writes ``<w:t/>``)
  and character references (``&#34;``); the first are rewritten, the second
  and anything unusual (tabs or newlines left in the XML, drawings, content
  controls, tracked changes of tables) send the document the parser's way.
* no table to repair: the rows and cells are counted from the tags, the way
  docxtpl's fix_tables counts them; or, for a template whose blocks repeat whole
  rows (``{%tr for %}`` without ``{%tc %}``), judged once from the template, with
  at most a check that no table came out without a row (`docgen.engine.tables`).

Anything else returns None, and the caller parses as docxtpl does; the
result is the same bytes either way (tests compare the two paths).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

import jinja2
from jinja2 import nodes
from lxml import etree

from docgen.engine.richtext import WORDML_EMPTY_ELEMENTS
from docgen.engine.tables import (
    JINJA_IN_TAG,
    block_branches,
    renders_keep_tables,
    rowless_table,
    tables_change,
)

#: In a rendered body: text that makes the parser's way necessary (character
#: references, line ends and tabs lxml rewrites, drawings, comments, CDATA). Looked
#: for in the encoded body, where a substring test is a fast scan.
_UNUSUAL = (b"&#", b"\r", b"\n", b"\t", b"docPr", b"<!")
#: In a template: content controls and tracked table changes, which hide rows and
#: cells from a count of tags.
_UNUSUAL_TEMPLATE = ("<w:sdt", "<w:customXml", "PrChange", "GridChange")
_TAG = re.compile(r"<(/?)([^\s/>!?]+)[^>]*?(/?)>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# An empty element, start and end tag, found in the reversed text: the end tag
# ">eman/<" right before a start tag ">... eman<" (not "/>", a comment or a PI).
_EMPTY_REVERSED = re.compile(rb">[^<>]+/<>(?![/!?-])([^<>]*[^/<>!?]<)")
_EMPTY_REVERSED_HINT = re.compile(rb"/<>(?![/!?-])[^<>]*[^/<>!?]<")
_ALLOWED = (nodes.Output, nodes.If, nodes.For, nodes.Assign)


def balanced(xml: str) -> bool:
    """Whether every start tag in `xml` is closed in it, in order.

    >>> balanced("<a><b/>x</a><c></c>"), balanced("</t></r><r><t>"), balanced("<a>")
    (True, False, False)
    """
    stack: list[str] = []
    for closing, name, empty in _TAG.findall(_COMMENT.sub("", xml)):
        if empty:
            continue
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def _prints_markup(expression: nodes.Node) -> bool:
    """An expression that could print raw XML from data: ``|safe``, ``markup``."""
    found = [expression, *expression.find_all((nodes.Filter, nodes.MarkSafe))]
    return any(
        isinstance(node, nodes.MarkSafe)
        or (isinstance(node, nodes.Filter) and node.name in ("safe", "markup"))
        for node in found
    )


def _block_prints_balanced(body: list[nodes.Node]) -> bool:
    static = []
    for node in body:
        if not isinstance(node, _ALLOWED):
            return False  # macros, call and filter blocks, autoescape switches...
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    static.append(child.data)
                elif _prints_markup(child):
                    return False
        elif not all(_block_prints_balanced(branch) for branch in block_branches(node)):
            return False
    return balanced("".join(static))


def prints_well_formed(environment: jinja2.Environment, source: str | nodes.Template) -> bool:
    """Whether every render of `source` (or its parsed tree) is well-formed XML,
    whatever the data."""
    try:
        tree = environment.parse(source) if isinstance(source, str) else source
        return _block_prints_balanced(tree.body)
    except (jinja2.TemplateSyntaxError, RecursionError):
        return False


def _unusual(xml: bytes) -> bool:
    """Whether `xml` holds one of `_UNUSUAL`. A byte is looked for before the pair
    it starts: one-byte searches are many times faster, and ``#`` and ``!`` are rare.

    >>> _unusual(b"<w:t>a &amp; b</w:t>"), _unusual(b"<w:t>&#34;</w:t>")
    (False, True)
    """
    return (
        b"\n" in xml
        or b"\r" in xml
        or b"\t" in xml
        or (b"#" in xml and b"&#" in xml)
        or (b"!" in xml and b"<!" in xml)
        or b"docPr" in xml
    )


def lxml_empty_elements(xml: bytes) -> bytes:
    """``<w:t a="1"></w:t>`` written as lxml writes it, ``<w:t a="1"/>`` (UTF-8 XML).

    >>> lxml_empty_elements(b'<w:r><w:t xml:space="preserve"></w:t></w:r><w:p></w:p>')
    b'<w:r><w:t xml:space="preserve"/></w:r><w:p/>'
    """
    reversed_xml = xml[::-1]  # a character's bytes come back in order when reversed again
    if not _EMPTY_REVERSED_HINT.search(reversed_xml):
        return xml
    return _EMPTY_REVERSED.sub(rb">/\1", reversed_xml)[::-1]


# In a template: a start tag right before a Jinja tag (its element is empty when
# that prints nothing), an element already empty, a Jinja tag inside a tag.
_START_BEFORE_JINJA = re.compile(r"<([^\s/>!?]+)([^<>]*)(?<!/)>(?=\s*\{[{%#])")
_EMPTY_ELEMENT = re.compile(r"<([^\s/>!?]+)[^<>]*(?<!/)></\1>")


def empty_element_sites(source: str) -> tuple[bytes, ...] | None:
    """Every empty element (``<x a="1"></x>``, as lxml would not write it) that a
    render of `source` can hold, given that what it prints is escaped text and
    docgen's paragraphs; None when that cannot be told (a tag prints into a tag).

    >>> empty_element_sites('<w:p><w:r><w:t xml:space="preserve">{{ x }}</w:t></w:r></w:p>')
    (b'<w:p></w:p>', b'<w:t xml:space="preserve"></w:t>')
    """
    if JINJA_IN_TAG.search(source):
        return None
    sites = {
        f"<{name}{attributes}></{name}>" for name, attributes in _START_BEFORE_JINJA.findall(source)
    }
    sites.update(match.group(0) for match in _EMPTY_ELEMENT.finditer(source))
    sites.update(WORDML_EMPTY_ELEMENTS)
    return tuple(sorted(site.encode("utf-8") for site in sites))


@dataclass(frozen=True)
class DocumentText:
    """document.xml around its body, as lxml writes it, for rendered bodies as text."""

    head: bytes
    tail: bytes
    body_open: bytes  # the body's start tag as rendered (with namespace declarations)
    body_open_inside: bytes  # and as it reads inside the document (UTF-8)
    empty_sites: tuple[bytes, ...] | None = None  # see `empty_element_sites`
    keeps_tables: bool = False  # see `renders_keep_tables`
    keeps_tables_with_rows: bool = False  # the same `unless_rowless`

    @classmethod
    def build(
        cls,
        shell: etree._Element,
        body_index: int,
        environment: jinja2.Environment,
        source: str,
        tree: nodes.Template | None = None,
    ) -> DocumentText | None:
        """The text around the body (whose Jinja `source` is given, and its parsed
        `tree` if at hand); None when its renders cannot be trusted as text."""
        body_open = source[: source.find(">") + 1]
        if not body_open.startswith("<w:body") or body_open.endswith("/>"):
            return None
        if any(text in source for text in _UNUSUAL_TEMPLATE):
            return None
        try:
            tree = environment.parse(source) if tree is None else tree
        except jinja2.TemplateSyntaxError:
            return None
        if not prints_well_formed(environment, tree):
            return None
        root = copy.deepcopy(shell)
        root.insert(body_index, etree.fromstring(body_open + "</w:body>"))
        text = etree.tostring(root, encoding="UTF-8", standalone=True).decode("utf-8")
        start = text.find("<w:body")
        end = text.find("/>", start) + 2
        if start < 0 or text.find("<w:body", start + 1) >= 0:
            return None
        return cls(
            text[:start].encode("utf-8"),
            text[end:].encode("utf-8"),
            body_open.encode("utf-8"),
            (text[start : end - 2] + ">").encode("utf-8"),
            empty_element_sites(source),
            renders_keep_tables(source, tree),
            renders_keep_tables(source, tree, unless_rowless=True),
        )

    def document(self, body: str, printed_known_markup: bool = False) -> bytes | None:
        """The whole document.xml for a rendered body, or None: parse it instead.

        `printed_known_markup`: the render printed no markup but docgen's paragraphs
        (`WordParagraphs`), and postprocessing changed nothing, so the empty
        elements it can hold are the template's `empty_sites`: a few quick searches
        instead of a scan of the whole body.
        """
        encoded = body.encode("utf-8")
        if not encoded.startswith(self.body_open):
            return None
        if _unusual(encoded):
            return None
        kept = printed_known_markup and (
            self.keeps_tables or (self.keeps_tables_with_rows and not rowless_table(encoded))
        )
        if not kept and tables_change(encoded):
            return None
        inside = self.body_open_inside + encoded[len(self.body_open) :]
        sites = self.empty_sites
        if printed_known_markup and sites is not None and not any(s in encoded for s in sites):
            return self.head + inside + self.tail
        return self.head + lxml_empty_elements(inside) + self.tail
