"""Rich text becomes Word paragraphs: formatting shown, tags and entities never."""

from __future__ import annotations

import pytest
from lxml import etree

from docgen.engine.richtext import _XML_ILLEGAL, W_NS, RichText, parse_richtext, to_wordml, xml_safe


def blocks(source: str) -> list[tuple[str | None, str]]:
    return [(b.marker, b.text) for b in parse_richtext(source)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("one paragraph", [(None, "one paragraph")]),
        ("first\n\nsecond", [(None, "first"), (None, "second")]),
        ("<p>a</p> <p>b</p>", [(None, "a"), (None, "b")]),
        ("<ol><li>x</li><li>y</li></ol>", [("1.", "x"), ("2.", "y")]),
        ("<ul><li>x</li></ul>", [("-", "x")]),
        ('<ol style="list-style-type: none"><li>x</li></ol>', [(None, "x")]),
        ("1.first\n2) second\n- third", [("1.", "first"), ("2)", "second"), ("-", "third")]),
        ("<p>a&nbsp;b &amp; c</p>", [(None, "a\u00a0b & c")]),
        ("plain &amp; entity", [(None, "plain & entity")]),
        ("<p>unclosed <b>bold", [(None, "unclosed bold")]),
        ("<p>kept</p><blink>text</blink><script>x()</script>", [(None, "kept"), (None, "text")]),
        (
            "<p>html</p>\n\n6) plain item\n\nplain para",
            [(None, "html"), ("6)", "plain item"), (None, "plain para")],
        ),
        ("2550 is a year, not a list", [(None, "2550 is a year, not a list")]),
        ("1.1 sub-clause", [("1.1", "sub-clause")]),
        ("พ.ศ. 2550 is no list item", [(None, "พ.ศ. 2550 is no list item")]),
        ("ก. first\nข) second", [("ก.", "first"), ("ข)", "second")]),
        (
            '<ol style="list-style-type: none"> 1. one 2. two 4.5 kg 3. three</ol>',
            [("1.", "one"), ("2.", "two 4.5 kg"), ("3.", "three")],
        ),
        ("<ol>1) one 2) two</ol>", [("1)", "one"), ("2)", "two")]),
        ("<ol>1. one 3. not next</ol>", [("1.", "one 3. not next")]),
        ("1. one 2. two, outside a list", [("1.", "one 2. two, outside a list")]),
        (
            "<p>1. <u>first</u></p><p>1.1 sub</p><p>2) two</p><p>2550 no</p>",
            [("1.", "first"), ("1.1", "sub"), ("2)", "two"), (None, "2550 no")],
        ),
        ("a < b & </w:t> c", [(None, "a < b & </w:t> c")]),
    ],
)
def test_blocks(source, expected):
    assert blocks(source) == expected


def test_formatting_spans():
    [block] = parse_richtext("<p>a <u>under</u> <b>bold</b> <strong><i>both</i></strong></p>")
    flags = {s.text: (s.bold, s.italic, s.underline) for s in block.spans if s.text.strip()}
    assert flags["under"] == (False, False, True)
    assert flags["bold"] == (True, False, False)
    assert flags["both"] == (True, True, False)


def test_line_break():
    [block] = parse_richtext("<p>one<br>two</p>")
    assert [s.line_break for s in block.spans] == [False, True, False]


def parse_paragraphs(xml: str) -> list[etree._Element]:
    root = etree.fromstring(f'<w:body xmlns:w="{W_NS}">{xml}</w:body>')
    return list(root)


def test_wordml_inherits_the_template_look_and_adds_formatting():
    ppr = '<w:pPr><w:jc w:val="thaiDistribute"/></w:pPr>'
    rpr = '<w:rPr><w:rFonts w:cs="TH SarabunPSK"/><w:szCs w:val="32"/></w:rPr>'
    rich = RichText.parse("<p>x <u>y</u></p><ol><li>z</li></ol>")
    paragraphs = parse_paragraphs(to_wordml(rich.blocks, ppr, rpr))
    ns = {"w": W_NS}
    assert len(paragraphs) == 2
    for p in paragraphs:
        assert p.find("w:pPr/w:jc", ns).get(f"{{{W_NS}}}val") == "thaiDistribute"
        for run in p.findall("w:r", ns):
            assert run.find("w:rPr/w:rFonts", ns).get(f"{{{W_NS}}}cs") == "TH SarabunPSK"
    underlined = paragraphs[0].findall("w:r", ns)[1]
    assert underlined.find("w:t", ns).text == "y"
    # schema order: rFonts before szCs before u
    names = [etree.QName(e).localname for e in underlined.find("w:rPr", ns)]
    assert names == ["rFonts", "szCs", "u"]
    item = paragraphs[1]
    assert item.find("w:pPr/w:ind", ns).get(f"{{{W_NS}}}hanging") is not None
    texts = [t.text for t in item.iter(f"{{{W_NS}}}t")]
    assert texts == ["1.", "z"], "the list number is text, not Word numbering"


def test_empty_rich_text_is_falsy_but_still_one_paragraph():
    rich = RichText.parse("")
    assert not rich
    assert len(parse_paragraphs(to_wordml(rich.blocks, "", ""))) == 1


def test_control_characters_are_dropped_and_transform_applies():
    xml = to_wordml(parse_richtext("a\x01b 12"), transform=lambda t: t.replace("1", "๑"))
    assert "ab ๑2" in xml and "\x01" not in xml


def test_xml_safe_drops_every_character_xml_cannot_hold_and_keeps_the_rest():
    # xml_safe and the finalizer skip their regex for printable text: that is safe
    # only because every character XML cannot hold is unprintable.
    characters = "".join(chr(code) for code in range(0x10000))
    illegal = [c for c in characters if _XML_ILLEGAL.match(c)]
    assert len(illegal) == 29 + 2048 + 2
    assert not any(c.isprintable() for c in illegal)
    assert xml_safe(characters) == "".join(c for c in characters if c not in illegal)
    assert xml_safe("ผล\tการ\nดำเนินงาน\x0b") == "ผล\tการ\nดำเนินงาน"


@pytest.mark.parametrize(
    "source",
    [
        "ก&#0;ข&#xD800;ค&#xdfff;ง&#1114112;จ&#x110000",
        "<p>ก&#0;ข&#xD800;ค&#xdfff;ง&#1114112;จ&#x110000</p>",
        "<p><b>ก&#00;ข</b>&#55296;ค&#xDFFF;ง&#99999999999;จ</p>",
    ],
    ids=["plain", "html", "html-bold"],
)
def test_references_to_no_character_are_dropped_not_shown_as_a_replacement(source):
    """``&#0;`` and surrogate references name no character: html.unescape shows U+FFFD."""
    [block] = parse_richtext(source)
    assert block.text == "กขคงจ"


def test_list_items_from_li_p_and_plain_text_share_one_indent():
    source = "<ol><li>li</li></ol><p>1. para</p><ol>1. inline 2. second</ol>\n\n3) plain"
    paragraphs = parse_paragraphs(to_wordml(parse_richtext(source)))
    ind = [p.find(f"{{{W_NS}}}pPr/{{{W_NS}}}ind").attrib for p in paragraphs]
    assert len(ind) == 5 and all(i == ind[0] for i in ind), ind
