"""Rich-text parsing does work linear in its input, for every input, and spends the render's budget."""

from __future__ import annotations

import dataclasses

import pytest

from docgen.engine.htmlscan import ScanStats
from docgen.engine.richtext import parse_richtext
from docgen.engine.sandbox import LimitExceeded, metered
from docgen.limits import DEFAULT_LIMITS

# Pieces that, repeated, made the old parser read the rest of the text again from
# every "<" (the first three), and the usual shapes of the old system's HTML.
PIECES = {
    "attribute-run": "<p a='b' ",
    "open-tag-starts": "<p",
    "end-tag-starts": "</p",
    "stray-lt": "<",
    "comment-starts": "<!--",
    "declaration-starts": "<!x",
    "declarations": "<![if !supportLists]>",
    "formatting": "<b>x<i>y",
    "paragraphs": "<p style='font-weight:bold'>ข้อความ &amp; </p>",
    "lists": "<ol><li>x",
    "script-starts": "<p><script>",
    "entities": "&amp;&#3585;&",
    "plain-lines": "1. ข้อ\n\n",
}


def _work(source: str) -> ScanStats:
    stats = ScanStats()
    parse_richtext(source, stats)
    return stats


@pytest.mark.parametrize("piece", PIECES.values(), ids=PIECES.keys())
def test_eight_times_the_text_is_at_most_eight_times_the_work(piece):
    small, large = _work(piece * 1000), _work(piece * 8000)
    assert large.examined <= 8.1 * max(small.examined, 1)
    assert large.tokens <= 8.1 * max(small.tokens, 1)


def test_the_old_quadratic_input_reads_each_character_a_few_times():
    source = "<p a='b' " * 20_000
    assert _work(source).examined <= 4 * len(source)


def test_parsing_inside_a_render_spends_its_budget():
    limits = dataclasses.replace(DEFAULT_LIMITS, render_steps=50)
    with metered(limits), pytest.raises(LimitExceeded, match="more than 50 steps"):
        parse_richtext("<b>x</b>" * 50_000)
    assert len(parse_richtext("<b>x</b>" * 50_000)) == 1  # outside a render: no budget
