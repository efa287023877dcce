"""The rich-text editor's HTML: it shows what the document shows, and saves the subset."""

from __future__ import annotations

import pytest
from helpers import squash

from docgen.engine.richtext import RichText
from docgen.report.data import load
from docgen.web.editor import from_editor, to_editor


def seed_rich_texts() -> list[str]:
    from helpers import SEED_DATA

    indicator = load(SEED_DATA).indicator
    return [
        indicator.description,
        indicator.explanation,
        indicator.supporting_factors,
        *(step.detail for step in indicator.result.steps if step.detail),
    ]


@pytest.mark.parametrize("source", seed_rich_texts(), ids=lambda s: s[:20])
def test_the_editor_shows_the_text_the_document_prints(source):
    assert squash(RichText.parse(to_editor(source)).text) == squash(RichText.parse(source).text)


# (what a browser's editor sends, what is saved)
FROM_BROWSER = [
    ("<div>หนึ่ง</div><div>สอง</div>", "<p>หนึ่ง</p><p>สอง</p>"),
    ('<p>ก <span style="font-weight: bold">ข</span></p>', "<p>ก <b>ข</b></p>"),
    ("<p><strong>a</strong> <em>b</em> <u>c</u></p>", "<p><b>a</b> <i>b</i> <u>c</u></p>"),
    ("<ol><li>one</li><li>two</li></ol><ul><li>dot</li></ul>", None),
    ("<p>a<br>b</p>", None),
    ("<p>x<script>alert(1)</script></p><style>p{}</style>", "<p>x</p>"),
    ('<p onclick="steal()">a &amp; b &lt;c&gt;</p>', "<p>a &amp; b &lt;c&gt;</p>"),
    ('<p><a href="javascript:x()">link</a><img src=x onerror="y()"></p>', "<p>link</p>"),
    ("<p><br></p>", ""),
    ("", ""),
    ("typed text < and &amp;", "<p>typed text &lt; and &amp;</p>"),
    ("<p>x &lt;/w:t&gt; y</p>", None),
]


@pytest.mark.parametrize(("sent", "saved"), FROM_BROWSER)
def test_what_is_saved_is_the_contracts_html_subset(sent, saved):
    assert from_editor(sent) == (sent if saved is None else saved)


@pytest.mark.parametrize(("sent", "_"), FROM_BROWSER)
def test_saving_twice_changes_nothing(sent, _):
    assert from_editor(from_editor(sent)) == from_editor(sent)
