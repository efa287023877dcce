"""docxtpl's XML patching: before compiling a part, and after rendering it.

docgen calls docxtpl's own code (``patch_xml``, ``resolve_listing``,
``fix_tables``), so a docxtpl template means the same here; around it are
docgen's ``{{p }}`` rewrite (`paragraph_tag`) and the cheap tests that let most
documents skip the costly passes.
"""

from __future__ import annotations

import copy
import re

from docxtpl import DocxTemplate
from lxml import etree

from docgen.engine.paragraph_tag import keep_paragraph_look
from docgen.engine.richtext import W_NS

_W = f"{{{W_NS}}}"
# docxtpl's preprocessing works on strings and never touches its instance state;
# one bare instance lends docgen its patch_xml, resolve_listing and fix_tables.
_DOCXTPL = DocxTemplate.__new__(DocxTemplate)
_DOCXTPL.docx = None  # its __getattr__ forwards to .docx

_GRID_SPAN = f"{_W}tcPr/{_W}gridSpan"
# docxtpl's fix_tables parses with recover=True, which drops what is not well-formed;
# docgen parses strictly first, so that broken XML is an error, never a quiet repair.
_STRICT_PARSER = etree.XMLParser(resolve_entities=False)
_NEWLINE_PARAGRAPH = re.compile(r"\n<w:p([ >])")
_LISTING_CHARS = re.compile("[\t\n\a\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl finds them
_IN_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})")  # docxtpl's clean_tags finds tags so


def preprocess(xml: str) -> str:
    """docgen's ``{{p}}`` look, then docxtpl's patch_xml, on one part's XML text.

    Tags must already be whole in one ``<w:t>`` each (`repair_tags` does that).
    """
    xml = _DOCXTPL.patch_xml(keep_paragraph_look(xml))
    if "&amp;" in xml:  # what Word shows as "&" in a tag is "&" to Jinja, as "<" and ">" are
        xml = _IN_TAG.sub(lambda m: m.group(0).replace("&amp;", "&"), xml)
    return xml


def postprocess(xml: str) -> str:
    """What docxtpl does to rendered XML: its escapes, tabs and breaks in text."""
    if "\n" in xml:
        xml = _NEWLINE_PARAGRAPH.sub(r"<w:p\1", xml)
    if "_" in xml and ("{_" in xml or "_}" in xml):  # "_" alone is found much faster
        xml = (
            xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        )
    xml = _resolve_listing(xml)
    if "\a" in xml or "\f" in xml:  # outside a paragraph's text (an attribute): dropped
        xml = xml.replace("\a", "").replace("\f", "")
    return xml


def _resolve_listing(xml: str) -> str:
    """docxtpl's resolve_listing, run only on the paragraphs it changes.

    It turns tab, newline, bell and form feed inside text into Word's tabs,
    breaks and paragraphs; it takes about half of a render when run over the
    whole body, and most paragraphs hold none of those characters. On a single
    paragraph it gives what it gives on that paragraph within the whole body.
    """
    if "\t" not in xml and "\n" not in xml and "\a" not in xml and "\f" not in xml:
        return xml
    return _PARAGRAPH.sub(
        lambda m: (
            _DOCXTPL.resolve_listing(m.group(0))
            if _LISTING_CHARS.search(m.group(0))
            else m.group(0)
        ),
        xml,
    )


def _tables_need_fixing(body: etree._Element) -> bool:
    """Whether docxtpl's fix_tables would change a table (a row wider than its grid,
    or a grid wider than every row); one pass, where fix_tables takes several."""
    for table in body.iter(_W + "tbl"):
        grid = table.find(_W + "tblGrid")
        if grid is None:
            return True  # let docxtpl's own code meet it
        columns = len(grid.findall(_W + "gridCol"))
        widest = 0
        for row in table.iter(_W + "tr"):
            cells = row.findall(_W + "tc")
            if len(cells) > columns:
                return True
            span = 0
            for cell in cells:
                merged = cell.find(_GRID_SPAN)
                span += 1 if merged is None else int(merged.get(_W + "val"))
            widest = max(widest, span)
        if widest < columns:
            return True
    return False


def fix_tables(xml: str) -> etree._Element:
    """docxtpl's fix_tables: parse the rendered body and repair table grids.

    Most documents need no repair, and telling that is cheaper than docxtpl's
    repair pass, which then runs only for the documents that need it.
    """
    body = etree.fromstring(xml, _STRICT_PARSER)
    if body is None or _tables_need_fixing(body):
        return _DOCXTPL.fix_tables(xml)
    return body


def parsed_document(shell: etree._Element, body_index: int, xml: str) -> bytes:
    """document.xml the way docxtpl makes it: the body parsed, tables repaired,
    drawings renumbered, grafted into the document and written out again."""
    body = fix_tables(xml)
    if "docPr" in xml:  # drawings: docxtpl renumbers their ids the same way
        for number, element in enumerate(body.iter("{*}docPr"), start=1001):
            element.set("id", str(number))
    root = copy.deepcopy(shell)
    root.insert(body_index, body)
    return etree.tostring(root, encoding="UTF-8", standalone=True)
