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
  rows (``{%tr for %}`` without ``{%tc %}``), judged once from the template.

Anything else returns None, and the caller parses as docxtpl does; the
result is the same bytes either way (tests compare the two paths).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache

import jinja2
from jinja2 import nodes
from lxml import etree

from docgen.engine.richtext import WORDML_EMPTY_ELEMENTS

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
_TABLE_TAG = re.compile(rb"<(/?)w:(tbl|tr|tc|tblGrid|gridCol|gridSpan)\b([^>]*)>")
# The same tags, the alternatives sharing their first letters (x1.15 as fast on a body).
_TABLE_TAG_TEXT = re.compile(rb"</?w:(?:t(?:bl(?:Grid)?|[rc])|grid(?:Col|Span))\b[^>]*>")
_SPAN = re.compile(rb'w:val="(\d+)"')
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


def _branches(node: nodes.Node) -> list[list[nodes.Node]]:
    """The bodies a block statement may print."""
    if isinstance(node, nodes.If):
        return [node.body, *(branch.body for branch in node.elif_), node.else_]
    if isinstance(node, nodes.For):
        return [node.body, node.else_]
    return []


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
        elif not all(_block_prints_balanced(branch) for branch in _branches(node)):
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


def _tables_change(xml: bytes) -> bool:
    """Whether docxtpl's fix_tables would change a table of `xml` (or cannot be sure).

    Only the table tags count, and the documents of one template share a few
    sequences of them (the rows a loop adds vary): each is judged once.
    """
    return _table_tags_change(b"".join(_TABLE_TAG_TEXT.findall(xml)))


@lru_cache(maxsize=256)
def _table_tags_change(xml: bytes) -> bool:
    """`_tables_change` on the table tags of a body, in their order.

    As fix_tables counts: each table's grid columns; for each row within it
    (rows of nested tables too) its cells, and the columns they span.
    """
    frames: list[list] = []  # ["tbl", columns, widest, in_grid, has_grid] | ["tr", cells, span]
    tables: list[list] = []
    for closing, name, rest in _TABLE_TAG.findall(xml):
        empty = rest.endswith(b"/")
        top = frames[-1] if frames else None
        if name == b"tbl":
            if closing:
                table = frames.pop() if top and top[0] == "tbl" else None
                if table is None or not table[4] or table[2] < table[1]:
                    return True
                tables.pop()
            else:
                if empty:
                    return True  # a table without a grid
                table = ["tbl", 0, 0, False, False]
                frames.append(table)
                tables.append(table)
        elif name == b"tblGrid":
            if top is None or top[0] != "tbl" or top[4] and not closing:
                return True
            top[3] = not closing and not empty
            top[4] = True
        elif name == b"gridCol":
            if top and top[0] == "tbl" and top[3]:
                top[1] += 1
        elif name == b"tr":
            if closing:
                if not top or top[0] != "tr":
                    return True
                frames.pop()
                for table in tables:  # a row counts for every table around it
                    if top[1] > table[1]:
                        return True
                    table[2] = max(table[2], top[2])
            elif empty:
                return True
            else:
                frames.append(["tr", 0, 0])
        elif name == b"tc":
            if closing:
                if not top or top[0] != "tc":
                    return True
                frames.pop()
                frames[-1][2] += top[1]
            else:
                if not top or top[0] != "tr":
                    return True
                top[1] += 1
                if empty:
                    top[2] += 1
                else:
                    frames.append(["tc", 1])
        elif name == b"gridSpan" and top and top[0] == "tc":
            value = _SPAN.search(rest)
            if value is None:
                return True
            top[1] = int(value.group(1))
    return bool(frames)


def _printed_table_tags(body: list[nodes.Node], blocks: bool) -> bytes:
    """The table tags of the template text in `body`, in order; each ``{% if %}`` and
    ``{% for %}`` branch in it once (`blocks`) or left out."""
    printed = []
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    printed.extend(_TABLE_TAG_TEXT.findall(child.data.encode("utf-8")))
        elif blocks:
            printed.extend(_printed_table_tags(branch, True) for branch in _branches(node))
    return b"".join(printed)


def _whole_rows_or_tables(tags: bytes) -> bool:
    """Whether `tags` are whole ``<w:tr>`` and ``<w:tbl>`` elements, one after another.

    >>> _whole_rows_or_tables(b"<w:tr><w:tc></w:tc></w:tr>"), _whole_rows_or_tables(b"<w:tc></w:tc>")
    (True, False)
    """
    stack: list[bytes] = []
    for closing, name, rest in _TABLE_TAG.findall(tags):
        if not stack and (closing or name not in (b"tr", b"tbl") or rest.endswith(b"/")):
            return False
        if closing:
            if stack.pop() != name:
                return False
        elif not rest.endswith(b"/"):
            stack.append(name)
    return not stack


def _blocks_repeat_whole_rows(body: list[nodes.Node]) -> bool:
    """Whether every block in `body` prints whole rows or tables (with the blocks
    inside it left out, and with them in), and the tables it holds need no repair
    with those blocks left out. Repeated or left out, such a block adds or removes
    rows and tables that are each as in the template."""
    for node in body:
        for branch in _branches(node):
            own = _printed_table_tags(branch, False)
            whole = _whole_rows_or_tables(own)
            if not whole or not _whole_rows_or_tables(_printed_table_tags(branch, True)):
                return False
            if _table_tags_change(own) or not _blocks_repeat_whole_rows(branch):
                return False
    return True


def renders_keep_tables(source: str, tree: nodes.Template) -> bool:
    """Whether no render of `source` (parsed: `tree`) needs docxtpl's table repair,
    whatever the data (given that it prints no markup but escaped text and docgen's
    paragraphs).

    True when every block repeats whole rows or tables (`_blocks_repeat_whole_rows`:
    a ``{%tr for %}`` or ``{%tr if %}`` without ``{%tc %}`` inside) and the template
    needs no repair with every block left out nor with each branch in once: every
    row a render can hold is then checked against the grids around it, every table
    with no more rows than it can have, and more rows only make a table's widest
    row wider.
    """
    try:
        return (
            not _JINJA_IN_TAG.search(source)  # a tag's attribute printed from data
            and _blocks_repeat_whole_rows(tree.body)
            and not _table_tags_change(_printed_table_tags(tree.body, False))
            and not _table_tags_change(_printed_table_tags(tree.body, True))
        )
    except RecursionError:
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
_JINJA_IN_TAG = re.compile(r"<[^<>]*\{[{%#]")


def empty_element_sites(source: str) -> tuple[bytes, ...] | None:
    """Every empty element (``<x a="1"></x>``, as lxml would not write it) that a
    render of `source` can hold, given that what it prints is escaped text and
    docgen's paragraphs; None when that cannot be told (a tag prints into a tag).

    >>> empty_element_sites('<w:p><w:r><w:t xml:space="preserve">{{ x }}</w:t></w:r></w:p>')
    (b'<w:p></w:p>', b'<w:t xml:space="preserve"></w:t>')
    """
    if _JINJA_IN_TAG.search(source):
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
        if not (printed_known_markup and self.keeps_tables) and _tables_change(encoded):
            return None
        inside = self.body_open_inside + encoded[len(self.body_open) :]
        sites = self.empty_sites
        if printed_known_markup and sites is not None and not any(s in encoded for s in sites):
            return self.head + inside + self.tail
        return self.head + lxml_empty_elements(inside) + self.tail
