"""docxtpl's table repair, and when a render of docgen's needs none.

docxtpl's fix_tables parses every rendered body to make each table's grid match
its widest row. `tables_change` tells the same from the table tags of a rendered
body; `renders_keep_tables` tells it once, from the template, for all renders
(or all renders whose tables each keep a row: `rowless_table` checks that of a
rendered body at the cost of a few substring searches).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from jinja2 import nodes

_TABLE_TAG = re.compile(rb"<(/?)w:(tbl|tr|tc|tblGrid|gridCol|gridSpan)\b([^>]*)>")
# The same tags, the alternatives sharing their first letters (x1.15 as fast on a body).
_TABLE_TAG_TEXT = re.compile(rb"</?w:(?:t(?:bl(?:Grid)?|[rc])|grid(?:Col|Span))\b[^>]*>")
_SPAN = re.compile(rb'w:val="(\d+)"')
#: A Jinja tag inside an XML tag: an attribute printed from data.
JINJA_IN_TAG = re.compile(r"<[^<>]*\{[{%#]")


def block_branches(node: nodes.Node) -> list[list[nodes.Node]]:
    """The bodies a block statement may print."""
    if isinstance(node, nodes.If):
        return [node.body, *(branch.body for branch in node.elif_), node.else_]
    if isinstance(node, nodes.For):
        return [node.body, node.else_]
    return []


def tables_change(xml: bytes) -> bool:
    """Whether docxtpl's fix_tables would change a table of `xml` (or cannot be sure).

    Only the table tags count, and the documents of one template share a few
    sequences of them (the rows a loop adds vary): each is judged once.
    """
    return _table_tags_change(b"".join(_TABLE_TAG_TEXT.findall(xml)))


@lru_cache(maxsize=256)
def _table_tags_change(xml: bytes, full_rows: bool = False) -> bool:
    """`tables_change` on the table tags of a body, in their order.

    As fix_tables counts: each table's grid columns; for each row within it
    (rows of nested tables too) its cells, and the columns they span.
    `full_rows`: a table may have no row, but each of its own rows must fill its
    grid (see `renders_keep_tables`).
    """
    # ["tbl", columns, widest, in_grid, has_grid, narrowest own row] | ["tr", cells, span]
    frames: list[list] = []
    tables: list[list] = []
    for closing, name, rest in _TABLE_TAG.findall(xml):
        empty = rest.endswith(b"/")
        top = frames[-1] if frames else None
        if name == b"tbl":
            if closing:
                table = frames.pop() if top and top[0] == "tbl" else None
                if table is None or not table[4]:
                    return True
                if (table[5] if full_rows else table[2]) < table[1]:
                    return True
                tables.pop()
            else:
                if empty:
                    return True  # a table without a grid
                table = ["tbl", 0, 0, False, False, math.inf]
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
                if tables:
                    tables[-1][5] = min(tables[-1][5], top[2])
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
            printed.extend(_printed_table_tags(branch, True) for branch in block_branches(node))
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


def _blocks_repeat_whole_rows(body: list[nodes.Node], full_rows: bool = False) -> bool:
    """Whether every block in `body` prints whole rows or tables (with the blocks
    inside it left out, and with them in), and the tables it holds need no repair
    with those blocks left out. Repeated or left out, such a block adds or removes
    rows and tables that are each as in the template."""
    for node in body:
        for branch in block_branches(node):
            own = _printed_table_tags(branch, False)
            whole = _whole_rows_or_tables(own)
            if not whole or not _whole_rows_or_tables(_printed_table_tags(branch, True)):
                return False
            if _table_tags_change(own, full_rows) or not _blocks_repeat_whole_rows(
                branch, full_rows
            ):
                return False
    return True


def renders_keep_tables(source: str, tree: nodes.Template, *, unless_rowless: bool = False) -> bool:
    """Whether no render of `source` (parsed: `tree`) needs docxtpl's table repair,
    whatever the data (given that it prints no markup but escaped text and docgen's
    paragraphs).

    True when every block repeats whole rows or tables (`_blocks_repeat_whole_rows`:
    a ``{%tr for %}`` or ``{%tr if %}`` without ``{%tc %}`` inside) and the template
    needs no repair with every block left out nor with each branch in once: every
    row a render can hold is then checked against the grids around it, every table
    with no more rows than it can have, and more rows only make a table's widest
    row wider.

    `unless_rowless` asks for less, for templates with a table whose rows may all be
    left out (docxtpl removes the grid of a table without rows): no render needs the
    repair unless a table comes out without a row (`rowless_table` tells that of a
    rendered body). Every row of a table must then fill its grid by itself, so that
    any rows at all are wide enough.
    """
    full = unless_rowless
    try:
        return (
            not JINJA_IN_TAG.search(source)  # a tag's attribute printed from data
            and _blocks_repeat_whole_rows(tree.body, full)
            and not _table_tags_change(_printed_table_tags(tree.body, False), full)
            and not _table_tags_change(_printed_table_tags(tree.body, True), full)
        )
    except RecursionError:
        return False


def rowless_table(xml: bytes) -> bool:
    """Whether a table of the rendered body `xml` has no row: its grid ends and then
    the table, with no ``<w:tr`` between (text cannot hold one: it is escaped).

    >>> grid = b"<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid>"
    >>> rowless_table(grid + b"<w:tr><w:tc/></w:tr></w:tbl>"), rowless_table(grid + b"</w:tbl>")
    (False, True)
    >>> rowless_table(grid + b"<w:tr><w:tc>" + grid + b"</w:tbl></w:tc></w:tr></w:tbl>")
    True
    """
    grid_end = xml.find(b"</w:tblGrid>")
    while grid_end >= 0:
        table_end = xml.find(b"</w:tbl>", grid_end)
        if table_end < 0 or xml.find(b"<w:tr", grid_end, table_end) < 0:
            return True
        grid_end = xml.find(b"</w:tblGrid>", grid_end + 1)  # a nested table's too
    return False
