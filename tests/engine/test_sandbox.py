"""Hostile templates: no Python internals, no runaway loops, no unbounded output.

Each case is a template paragraph a maintainer might receive; the test checks
the exact message, the place in Word it names, and that nothing was written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import resource
import subprocess
import sys
from decimal import Decimal

import docx
import pytest
from click.testing import CliRunner
from helpers import SEED_DATA, make_template
from jinja2 import Undefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import escape

from docgen import api
from docgen.cli import main
from docgen.engine.filters import make_environment
from docgen.engine.sandbox import Budget, LimitExceeded, bounded_text, metered
from docgen.engine.template import Template
from docgen.errors import TemplateError, TemplateLimitError, TemplateSecurityError
from docgen.limits import DEFAULT_LIMITS

SMALL = dataclasses.replace(DEFAULT_LIMITS, render_steps=10_000, output_chars=10_000)
ENDLESS = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
RECURSIVE = "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"
RECURSION_HINT = "    fix: a macro that calls itself needs an {% if %} that stops it"

# (id, template paragraph, limits, error class, exact message after "t.docx, body paragraph 2: ")
HOSTILE = [
    (
        "python-internals",
        "{{ ''.__class__.__mro__ }}",
        DEFAULT_LIMITS,
        TemplateSecurityError,
        "not allowed in a template: access to attribute '__class__' of 'str' object is unsafe.",
    ),
    (
        "globals-of-a-global",
        "{{ cycler.__init__.__globals__ }}",
        DEFAULT_LIMITS,
        TemplateSecurityError,
        "not allowed in a template: access to attribute '__init__' of 'type' object is unsafe.",
    ),
    (
        "huge-range",
        "{% for x in range(10**9) %}{{ x }}{% endfor %}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: range(1000000000) would have 1000000000 numbers; the limit is 100000",
    ),
    (
        "recursive-macro",
        RECURSIVE,
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: macros call each other more than 50 levels deep",
    ),
    (
        "endless-loops",
        ENDLESS,
        SMALL,
        TemplateLimitError,
        "limit exceeded: the template took more than 10000 steps (loop turns, calls, filters, printed values) "
        "for one document",
    ),
    (
        "loop-turns",
        "{% for a in range(200) %}{% for b in '" + "x" * 50 + "' %}{% endfor %}{% endfor %}",
        SMALL,
        TemplateLimitError,
        "limit exceeded: the template took more than 10000 steps (loop turns, calls, filters, printed values) "
        "for one document",
    ),
    (
        "time-limit",
        ENDLESS,
        dataclasses.replace(DEFAULT_LIMITS, render_steps=10**12, render_seconds=0.05),
        TemplateLimitError,
        "limit exceeded: rendering one document took longer than 0.05 seconds, "
        "the render time limit",
    ),
    (
        "output-of-a-loop",
        "{% for a in range(2000) %}0123456789{% endfor %}",
        SMALL,
        TemplateLimitError,
        "limit exceeded: the document would be larger than 10000 characters, the output limit",
    ),
    (
        "string-times-a-billion",
        "{{ 'x' * 10**9 }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: '*' would make a value of 1000000000 characters or items; "
        "the limit is 20000000",
    ),
    (
        "power-tower",
        "{{ 10 ** 10000000 }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: 10 ** 10000000 is too large a number (more than 100000 bits)",
    ),
    (
        "center-filter",
        "{{ 'x'|center(1000000000) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the center filter: 1000000000 is over the limit of 100000",
    ),
    (
        "ljust-method",
        "{{ 'x'.ljust(1000000000) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: ljust() would give a value of 1000000000 characters or items; "
        "the limit is 20000000",
    ),
    (
        "printf-width",
        "{{ '%0999999999d' % 1 }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the format '%0999999999': 999999999 is over the limit of 100000",
    ),
    (
        "format-width-from-argument",
        "{% set f = '{:>{w}' ~ '}' %}{{ f.format(1, w=999999999) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the format '>999999999': 999999999 is over the limit of 100000",
    ),
    (
        "replace-grows",
        "{{ 'abc'|replace('', 'x' * 10000000) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the replace filter would give a value of 40000003 characters or items; "
        "the limit is 20000000",
    ),
    (
        "doubling-in-a-namespace",
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}",
        SMALL,
        TemplateLimitError,
        "limit exceeded: reading 's' gives a value of 16384 characters or items; "
        "the limit is 10000",
    ),
    (
        "printing-a-shared-list",
        "{% set a = range(100000)|list %}{{ [a] * 100000 }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: printing a list or dict of more than 100000 values",
    ),
    (
        "sum-of-lists",
        "{{ [[1], [2]]|sum(start=[]) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the sum filter adds numbers; start must be a number",
    ),
    (
        "printed-output",
        "{% for a in range(2000) %}{{ 'x' * 10 }}{% endfor %}",
        SMALL,
        TemplateLimitError,
        "limit exceeded: the document would be larger than 10000 characters, the output limit",
    ),
    (
        "center-over-the-output-limit",
        "{% for w in [50000] %}{{ 'x'|center(w) }}{% endfor %}",
        SMALL,
        TemplateLimitError,
        "limit exceeded: the center filter would give a value of 50000 characters or items; "
        "the limit is 10000",
    ),
    (
        "string-filter",
        "{% set a = range(100000)|list %}{{ ([a] * 1000)|string }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: printing a list or dict of more than 100000 values",
    ),
    (
        "format-filter-width",
        "{{ '%0999999999d'|format(1) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the format '%0999999999': 999999999 is over the limit of 100000",
    ),
    (
        "replace-method",
        "{{ 'abc'.replace('', 'x' * 10000000) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: replace() would give a value of 40000003 characters or items; "
        "the limit is 20000000",
    ),
    (
        "indent-filter",
        "{{ ('a\\n' * 100000)|indent(1000) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the indent filter would give a value of 100201000 characters or items; the limit is 20000000",
    ),
    (
        "indent-prefix",
        "{{ ('a\\n' * 100000)|indent('x' * 1000) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the indent filter would give a value of 100201000 characters or items; the limit is 20000000",
    ),
    (
        "wordwrap-filter",
        "{{ ('a ' * 100000)|wordwrap(1, wrapstring='x' * 1000) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the wordwrap filter would give a value of 200201000 characters or items; the limit is 20000000",
    ),
    (
        "expandtabs-method",
        "{{ ('\\t' * 100000).expandtabs(1000) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: expandtabs() would give a value of 100100000 characters or items; the limit is 20000000",
    ),
    (
        "translate-method",
        "{{ ('a' * 100000).translate({97: 'x' * 1000}) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: translate() would give a value of 100000000 characters or items; the limit is 20000000",
    ),
    (
        "join-method",
        "{{ ('x' * 1000).join(['a'] * 100000) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: join() would give a value of 20000981 characters or items; the limit is 20000000",
    ),
    (
        "join-filter",
        "{{ (['a'] * 100000)|join('x' * 1000) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the join filter would give a value of 20000981 characters or items; the limit is 20000000",
    ),
    (
        "star-width",
        "{{ '%*d' % (999999999, 1) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: a * width in a format: 999999999 is over the limit of 100000",
    ),
    (
        "percent-with-a-dict",
        "{{ '%(a)d' % {'a': 2 ** 4000} }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: format: the number has more than 1000 digits, more than any report needs",
    ),
    (
        "format-map-width",
        "{% set f = '{a:>{w}' ~ '}' %}{{ f.format_map({'a': 1, 'w': 999999999}) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the format '>999999999': 999999999 is over the limit of 100000",
    ),
    (
        "big-integer-product",
        "{{ 2 ** 49000 * 2 ** 49000 * 2 ** 49000 }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the product has more than 100000 bits",
    ),
    (
        "unmeasurable-range",
        "{% for x in range(10**30) %}{% endfor %}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: range(1000000000000000000000000000000) would have 1000000000000000000000000000000 numbers; the limit is 100000",
    ),
    (
        "list-times",
        "{{ [1] * 1000000 }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: '*' would make a value of 1000000 characters or items; the limit is 100000",
    ),
    (
        "to-bytes",
        "{{ (1).to_bytes(999999999, 'big') }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: to_bytes() would give a value of 999999999 characters or items; the limit is 20000000",
    ),
    (
        "number-digits",
        "{{ (2 ** 4000)|number }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the number filter: the number has more than 1000 digits, more than any report needs",
    ),
    (
        "format-digits",
        "{{ '{}'.format(2 ** 4000) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: format: the number has more than 1000 digits, more than any report needs",
    ),
    (
        "batch-size",
        "{{ [1]|batch(999999999) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the batch filter: 999999999 is over the limit of 100000",
    ),
    (
        "text-to-items",
        "{{ ('ก' * 2000000)|list|length }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: the list filter would make 2000000 items; the limit is 1000000",
    ),
    (
        "split-to-items",
        "{{ ('ก ' * 2000000).split()|length }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: split() would make 2000001 items; the limit is 1000000",
    ),
    (
        "plus-text",
        "{{ ('x' * 15000000) + ('x' * 15000000) }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: '+' would make a value of 30000000 characters or items; the limit is 20000000",
    ),
    (
        "plus-lists",
        "{% set l = range(100000)|list %}{{ (l + l + l + l + l + l + l + l + l + l + l)|length }}",
        DEFAULT_LIMITS,
        TemplateLimitError,
        "limit exceeded: '+' would make a value of 1100000 characters or items; the limit is 1000000",
    ),
]


@pytest.mark.parametrize(
    ("tag", "limits", "error", "message"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE]
)
def test_hostile_template_gets_a_clear_error_at_its_place(tmp_path, tag, limits, error, message):
    path = make_template(tmp_path / "t.docx", ["intro", tag])
    with pytest.raises(error) as caught:
        Template(path, limits=limits).render({})
    first_line, *rest = str(caught.value).splitlines()
    assert first_line == f"{path}, body paragraph 2: {message}"
    assert rest[0] == f'    in: "{tag if len(tag) <= 120 else tag[:117] + "..."}"'


def test_recursion_error_says_how_to_fix_it(tmp_path):
    path = make_template(tmp_path / "t.docx", [RECURSIVE])
    with pytest.raises(TemplateLimitError) as caught:
        Template(path).render({})
    assert str(caught.value).splitlines()[-1] == RECURSION_HINT


def test_limit_in_a_table_cell_names_the_cell(tmp_path):
    path = make_template(tmp_path / "t.docx", ["intro"], [["a", "b"], ["c", ENDLESS]])
    with pytest.raises(TemplateLimitError) as caught:
        Template(path, limits=SMALL).render({})
    assert str(caught.value).startswith(f"{path}, table 1, row 2, column 2: limit exceeded: ")


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("{{ x|safe }}", "unknown filter 'safe'"),
        ("{{ x|striptags }}", "unknown filter 'striptags'"),
        ("{{ lipsum(10**6) }}", "unknown variable: 'lipsum' is undefined"),
        ("{% include '/etc/passwd' %}", "{% include %} cannot be used in a Word template"),
    ],
    ids=["safe", "striptags", "lipsum", "include"],
)
def test_removed_filters_and_globals(tmp_path, tag, message):
    path = make_template(tmp_path / "t.docx", [tag])
    with pytest.raises(TemplateError) as caught:
        Template(path).render({"x": "<w:p/>"})
    assert str(caught.value).splitlines()[0] == f"{path}, body paragraph 1: {message}"


def test_ordinary_template_features_still_work(tmp_path):
    tags = [
        "{% for x in items %}{{ loop.index }}/{{ loop.length }} {% endfor %}",
        "{{ '%5.1f|%-3s|' % (2.25, 'a') }}{{ '{:>4}|{:.2f}'.format(7, 1) }}",
        "{{ items|join(', ') }} {{ 'ab'|center(6) }}| {{ 'x' * 3 }} {{ 2 ** 10 }}",
        "{{ 'a-b'|replace('-', '+') }} {{ items|sum }} {{ range(3)|list }} {{ {'k': [1]} }}",
        "{% macro twice(n) %}{{ n }}{% if n > 0 %}{{ twice(n - 1) }}{% endif %}{% endmacro %}"
        "{{ twice(3) }}",
        "{{ code }} {{ code.__len__ is defined }}",
    ]
    path = make_template(tmp_path / "t.docx", tags)
    payload = Template(path).render({"items": [1, 2, 3], "code": "{{ 7*7 }} </w:t>"})
    texts = [p.text for p in docx.Document(io.BytesIO(payload)).paragraphs]
    assert texts == [
        "1/3 2/3 3/3 ",
        "  2.2|a  |   7|1.00",
        "1, 2, 3   ab  | xxx 1024",
        "a+b 6 [0, 1, 2] {'k': [1]}",
        "3210",
        "{{ 7*7 }} </w:t> False",
    ]


def test_a_render_over_a_limit_writes_nothing(tmp_path):
    template = make_template(tmp_path / "t.docx", ["{{ indicator.name }}", RECURSIVE])
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["render", str(SEED_DATA), "-o", str(out), "--template", str(template)]
    )
    assert result.exit_code == 4
    assert "body paragraph 2: limit exceeded: macros call each other" in result.output
    assert not out.exists() or not list(out.iterdir())


def test_time_limit_option_reaches_the_render(tmp_path):
    template = make_template(tmp_path / "t.docx", [ENDLESS])
    args = ["render", str(SEED_DATA), "-o", str(tmp_path / "out"), "--template", str(template)]
    result = CliRunner().invoke(main, [*args, "--time-limit", "0.1"])
    assert result.exit_code == 4
    assert "took longer than 0.1 seconds, the render time limit" in result.output


def test_api_limits_reach_the_render(tmp_path):
    template = make_template(tmp_path / "t.docx", ["{% for a in range(20000) %}{% endfor %}"])
    with pytest.raises(TemplateLimitError, match="more than 10000 steps"):
        api.render_report(SEED_DATA, template, tmp_path / "out", limits=SMALL)
    assert len(api.render_report(SEED_DATA, template, tmp_path / "out").documents) == 1


def test_bounded_text_refuses_a_list_that_prints_too_long():
    assert bounded_text([["ab"], ("c",)], room=10) == "[['ab'], ('c',)]"
    with pytest.raises(LimitExceeded, match="the document would be larger than"):
        bounded_text(["x" * 11], room=10)


def test_the_environment_reads_no_other_file():
    """Word templates cannot hold {% include %} (the tag check refuses it); the
    environment refuses it too, for templates compiled some other way."""
    from docgen.engine.filters import make_environment

    with pytest.raises(
        SecurityError, match="a template cannot include, import or extend other files"
    ):
        make_environment().from_string("{% include '/etc/passwd' %}").render()


MEMORY_HOGS = {
    "map-over-copies": "{% set big = 'x' * 19000000 %}{% set l = [big] * 100000 %}"
    "{{ l|map('reverse')|list|length }}",
    "kept-concatenations": "{% set ns = namespace(l=[]) %}{% set big = 'x' * 10000000 %}"
    "{% for i in range(1000) %}{% set ns.l = ns.l + [big ~ i] %}{% endfor %}",
}
_ONE_GIB = 1024**3


def _address_space_limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_ONE_GIB + _ONE_GIB // 2,) * 2)


@pytest.mark.parametrize("tag", MEMORY_HOGS.values(), ids=MEMORY_HOGS.keys())
def test_memory_limit_stops_a_template_within_every_step_limit(tmp_path, tag):
    """Run where the process may not pass 1.5 GiB: without the limit these templates
    die of MemoryError (or take the machine's memory); with it, the clean error."""
    path = make_template(tmp_path / "t.docx", [tag])
    script = (
        "import sys\nfrom docgen.engine.template import Template\n"
        "from docgen.errors import TemplateLimitError\n"
        "try:\n    Template(sys.argv[1]).render({})\n"
        "except TemplateLimitError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_address_space_limit,
    )
    assert done.stdout.splitlines()[0] == (
        f"{path}, body paragraph 1: limit exceeded: the template created more than 512 MB "
        "of values for one document, the memory limit"
    ), done.stderr[-2000:]


# A plain dict's keys are read without Jinja's attribute-first detour; what a
# name finds must not change: dict methods win over keys of the same name, a
# missing key is undefined, a dict subclass takes Jinja's own way.
DICT_DATA = {"items": ["x", "y"], "keys": "k", "get": "g", "name": "n", "_hidden": "h"}


class _DictSubclass(dict):
    pass


@pytest.mark.parametrize("data", [DICT_DATA, _DictSubclass(DICT_DATA)], ids=["dict", "subclass"])
@pytest.mark.parametrize(
    "attribute", ["items", "keys", "get", "values", "name", "_hidden", "missing", "__globals__"]
)
def test_reading_a_dict_key_finds_what_jinja_finds(data, attribute):
    env = make_environment()
    ours = env.getattr(data, attribute)
    jinjas = ImmutableSandboxedEnvironment.getattr(env, data, attribute)
    assert type(ours) is type(jinjas)
    if isinstance(ours, Undefined):
        assert (ours._undefined_name, ours._undefined_obj) == (attribute, data)
    else:
        assert ours == jinjas


def test_dict_methods_and_keys_of_the_same_name_print_as_before(tmp_path):
    tags = [
        "{{ d.name }}|{{ d._hidden }}|{{ d['items']|join(',') }}|{{ d['keys'] }}|{{ d['get'] }}",
        "{{ d.items()|list|length }}|{{ d.keys()|list|first }}|{{ d.get('name') }}",
        "{{ d.missing is undefined }}|{{ d.items is defined }}|{{ d.get('missing', '-') }}",
    ]
    path = make_template(tmp_path / "t.docx", tags)
    payload = Template(path).render({"d": DICT_DATA})
    texts = [p.text for p in docx.Document(io.BytesIO(payload)).paragraphs]
    assert texts == ["n|h|x,y|k|g", "5|items|n", "True|True|-"]


def test_printing_a_missing_dict_key_names_the_fields_it_has(tmp_path):
    path = make_template(tmp_path / "t.docx", ["{{ d.missing }}"])
    with pytest.raises(TemplateError, match=r"no field 'missing' \(its fields: items, keys, get"):
        Template(path).render({"d": DICT_DATA})


def test_a_dict_key_longer_than_the_output_limit_is_refused(tmp_path):
    path = make_template(tmp_path / "t.docx", ["{{ d.big }}"])
    with pytest.raises(TemplateLimitError, match="reading 'big' gives a value of 10001 characters"):
        Template(path, limits=SMALL).render({"d": {"big": "x" * 10_001}})


class _CountingList(list):
    """Data whose items count how many a template has taken."""

    taken = 0

    def __iter__(self):
        for item in super().__iter__():
            type(self).taken += 1
            yield item


def test_the_output_limit_stops_printing_when_reached_not_at_the_end(tmp_path):
    """Printed values that each fit stop as soon as their sum passes the limit: the
    document is never built to its full size first."""
    path = make_template(tmp_path / "t.docx", ["{% for x in items %}{{ x }}{% endfor %}"])
    _CountingList.taken = 0
    with pytest.raises(TemplateLimitError) as caught:
        Template(path, limits=SMALL).render({"items": _CountingList(["x" * 500] * 5000)})
    assert "the document would be larger than 10000 characters" in str(caught.value)
    assert 0 < _CountingList.taken <= 25  # 10,000 characters / 500, not 5,000 prints


# Every printed value is finalized, counted and escaped in one call where the template
# escapes; plain printable text takes a short way, which must end where the long one does.
PRINTED = [
    "ผลการดำเนินงาน ร้อยละ 98.2",
    "a < b & c > d",
    'he said "yes" and it\'s done',
    "{_{ typed }_} {_% as %_}",
    "line\nbreak\tand tab",
    "control\x01char",
    "",
    Decimal("3.50"),
    0.2,
    7,
    dt.date(2007, 9, 30),
    None,
]


@pytest.mark.parametrize("digits", ["arabic", "thai"])
@pytest.mark.parametrize("value", PRINTED, ids=repr)
def test_a_printed_value_comes_out_as_finalize_and_escape_give_it(value, digits):
    env = make_environment(digits)
    with metered(SMALL) as short_way:
        printed = str(env.printer(value))
    with metered(SMALL) as long_way:
        expected = str(escape(env.finalize(value)))
    assert printed == expected
    assert (short_way.steps, short_way.output) == (long_way.steps, long_way.output)
    assert short_way.steps == (0 if value is None else 1)  # None prints nothing


def test_templates_print_through_the_one_call():
    env = make_environment()
    assert "environment.printer(" in env.compile("{{ x }}", raw=True)
    assert env.from_string("{{ x }}|{{ y }}").render(x="<ก>", y="ข") == "&lt;ก&gt;|ข"


@pytest.mark.parametrize("count", ["step", "printed"])
def test_the_step_limit_allows_exactly_its_steps(count):
    budget = Budget(dataclasses.replace(DEFAULT_LIMITS, render_steps=300))
    take = budget.step if count == "step" else lambda: budget.printed(1)
    for _ in range(300):
        take()
    with pytest.raises(LimitExceeded, match="took more than 300 steps"):
        take()


def test_the_clock_is_read_within_a_few_steps_of_the_deadline():
    budget = Budget(dataclasses.replace(DEFAULT_LIMITS, render_seconds=1e-9))
    with pytest.raises(LimitExceeded, match="took longer than 1e-09 seconds"):
        for _ in range(200):
            budget.printed(1)
    assert budget.steps <= 128


def test_the_output_limit_counts_printed_values_outside_loops(tmp_path):
    path = make_template(tmp_path / "t.docx", ["{{ x }}" * 30])
    with pytest.raises(TemplateLimitError, match="larger than 10000 characters"):
        Template(path, limits=SMALL).render({"x": "ก" * 500})
