"""Fuzzing the data values: whatever text a clerk's file holds, the document shows it.

Every generated value goes through the real path (JSON text with escapes,
the loader, the validated model, the compiled official template) and the
document is checked as a reader would: every XML part is well-formed, Word's
library opens it, and the text is there, minus only the characters XML
cannot hold. The default run uses a fixed, small set of examples; ``make fuzz``
(DOCGEN_FUZZ=1) runs thousands of random ones.
"""

from __future__ import annotations

import copy
import html
import io
import json
import os
import random
import zipfile

import docx
import pytest
import yaml
from helpers import SEED_DATA, libreoffice_text, squash
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from docgen import api
from docgen.engine.richtext import looks_like_html, xml_safe
from docgen.report.data import loads

settings.register_profile(
    "docgen-quick",
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "docgen-fuzz",
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("docgen-fuzz" if os.environ.get("DOCGEN_FUZZ") else "docgen-quick")

#: Pieces that broke document engines before: stacked Thai marks, right-to-left
#: text and its controls, emoji sequences, XML and template syntax, characters
#: XML 1.0 cannot hold (C0 controls, lone surrogates, U+FFFE), odd line ends.
PIECES = [
    "ที่ปั้นกิ๊ฤๅ",
    "ผู้ใหญ่่่่",
    "\u0e4d\u0e48",
    "שלום",
    "مرحبا",
    "\u202e",
    "\u200f",
    "\u2066",
    "👩🏽\u200d💻",
    "🇹🇭",
    "\U0001f600",
    "\x00",
    "\x01",
    "\x07",
    "\x0b",
    "\x0c",
    "\x1f",
    "\x7f",
    "\x85",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
    "\ufeff",
    "]]>",
    "</w:t><w:t>",
    "<w:p>",
    "<![CDATA[",
    "&amp;",
    "&#1;",
    "&",
    "<",
    '"',
    "'",
    "{{ 7*7 }}",
    "{%p if x %}",
    "{#",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\u00a0",
    "\u2028",
    "1. ",
    "- ",
]
MARK = "QZX"  # fences each value so that the check finds that value, not a lookalike

texts = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), min_size=1, max_size=10
).map("".join)

# HTML of the contract's subset and beyond, nested deeply, with closing tags
# missing, stray or crossed: tokens in any order.
_TAGS = ["p", "div", "b", "strong", "i", "em", "u", "span", "ol", "ul", "li", "font", "a", "td"]
_OPEN = st.sampled_from(_TAGS).map(lambda t: ("tag", f"<{t}>")) | st.sampled_from(
    ['<span style="font-weight:bold">', '<ol type="none">', '<p align="center">', "<br>", "<br/>"]
).map(lambda t: ("tag", t))
_CLOSE = st.sampled_from(_TAGS).map(lambda t: ("tag", f"</{t}>"))
_TEXT = texts.map(lambda t: ("text", t))
_COMMENT = st.just(("tag", "<!-- a comment -->"))
html_tokens = st.tuples(
    st.lists(st.sampled_from(["<ol><li>", "<b>", "<div>", "<ul><li><i>"]), max_size=150),
    st.lists(st.one_of(_OPEN, _CLOSE, _TEXT, _TEXT, _COMMENT), max_size=40),
).map(lambda parts: [("tag", t) for t in parts[0]] + parts[1])


def _seed_raw() -> dict:
    raw = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    return json.loads(json.dumps(raw, default=str))


SEED_RAW = _seed_raw()
PLAIN_FIELDS = ["name", "supervisor", "position", "phone", "evidence"]
RICH_FIELDS = ["description", "explanation", "supporting_factors", "obstacles", "detail"]


def _fenced(value: str) -> str:
    return f"{MARK}{value}{MARK}"


def _raw_with(values: dict[str, str]) -> dict:
    """The seed's data with each fuzzed value in its field (fenced by MARK)."""
    raw = copy.deepcopy(SEED_RAW)
    indicator = raw["indicator"]
    placed = {
        "name": (indicator, "name"),
        "supervisor": (indicator["supervisors"][0], "name"),
        "position": (indicator["collectors"][0], "position"),
        "phone": (indicator, "collector_phone"),
        "description": (indicator, "description"),
        "explanation": (indicator, "explanation"),
        "supporting_factors": (indicator, "supporting_factors"),
        "obstacles": (indicator, "obstacles"),
        "detail": (indicator["result"]["steps"][1], "detail"),
    }
    for field, value in values.items():
        if field == "evidence":
            indicator["evidence"] = [_fenced(value), "second"]
        else:
            target, key = placed[field]
            target[key] = _fenced(value)
    return raw


def _render(raw: dict) -> bytes:
    """JSON text with \\u escapes (lone surrogates included) through the whole pipeline."""
    report = loads(json.dumps(raw, ensure_ascii=True), fmt="json", name="fuzz.json")
    return api.indicator_docx(report, report.indicator)


def _document_text(payload: bytes) -> str:
    """Check the package as Word would, then return its squashed text."""
    with zipfile.ZipFile(io.BytesIO(payload)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name))  # well-formed, or XMLSyntaxError
    document = docx.Document(io.BytesIO(payload))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return squash("\n".join(lines))


def _carried(value: str) -> str:
    """The value as a JSON file carries it: two lone surrogates side by side are one character."""
    return json.loads(json.dumps(_fenced(value)))


def _shown_plain(value: str) -> str:
    return squash(xml_safe(_carried(value)))


def _shown_rich(value: str) -> str:
    """Plain rich text: entities are decoded (the contract's &nbsp;), then XML's limits apply."""
    return squash(xml_safe(html.unescape(xml_safe(_carried(value)))))


@FUZZ
@given(values=st.fixed_dictionaries({field: texts for field in PLAIN_FIELDS + RICH_FIELDS}))
def test_any_text_is_shown_as_text(values):
    for field in RICH_FIELDS:
        assume(not looks_like_html(values[field]))
    shown = _document_text(_render(_raw_with(values)))
    for field in PLAIN_FIELDS:
        assert _shown_plain(values[field]) in shown, field
    for field in RICH_FIELDS:
        assert _shown_rich(values[field]) in shown, field


def _texts_between_tags(tokens: list[tuple[str, str]]) -> list[str]:
    """The text runs of a token list; neighbouring text tokens are one run."""
    runs, current = [], ""
    for kind, value in tokens:
        if kind == "text":
            current += value
        elif current:
            runs.append(current)
            current = ""
    return [*runs, current] if current else runs


def _leaves_in_order(shown: str, leaves: list[str]) -> bool:
    position = shown.find(MARK)
    for leaf in leaves:
        found = shown.find(leaf, position)
        if found < 0:
            return False
        position = found + len(leaf)
    return shown.find(MARK, position) >= 0


@FUZZ
@given(tokens=html_tokens, field=st.sampled_from(RICH_FIELDS))
def test_malformed_and_deeply_nested_html_keeps_every_text(tokens, field):
    source = "".join(
        html.escape(value, quote=False) if kind == "text" else value for kind, value in tokens
    )
    shown = _document_text(_render(_raw_with({field: source})))
    leaves = [
        squash(xml_safe(json.loads(json.dumps(text)))) for text in _texts_between_tags(tokens)
    ]
    assert _leaves_in_order(shown, [leaf for leaf in leaves if leaf]), (source, shown)
    assert "<ol>" not in shown and "<b>" not in shown, "a tag of the subset was printed"


# --------------------------------------------------------------------------- LibreOffice


def _sample(rng: random.Random) -> str:
    """A value drawn like `texts`: hostile pieces and random code points."""
    parts = []
    for _ in range(rng.randint(3, 10)):
        if rng.random() < 0.6:
            parts.append(rng.choice(PIECES))
        else:
            parts.append(
                chr(
                    rng.choice(
                        [
                            rng.randint(0x20, 0x2FF),
                            rng.randint(0x0E00, 0x0E7F),
                            rng.randint(0x1F300, 0x1FAFF),
                            rng.randint(0x590, 0x6FF),
                        ]
                    )
                )
            )
    return "".join(parts)


@pytest.mark.libreoffice
def test_a_sample_of_hostile_documents_opens_in_libreoffice(tmp_path):
    rng = random.Random(8)
    samples = ["".join(PIECES)] + [_sample(rng) for _ in range(3)]
    paths = []
    for index, value in enumerate(samples):
        path = tmp_path / f"sample{index}.docx"
        path.write_bytes(_render(_raw_with({"name": value, "evidence": value})))
        paths.append(path)
    libreoffice_text(paths, tmp_path)
    for path, value in zip(paths, samples, strict=True):
        text = squash(path.with_suffix(".txt").read_text(encoding="utf-8-sig"))
        assert _shown_plain(value) in text, path.name
