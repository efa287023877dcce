"""No single hole: every dangerous attribute, from every object a template can name.

The sandbox's own tests name one attribute each; these go over the whole
matrix, so that letting any one attribute through (``__globals__`` alone is
enough for a shell) fails a test. Four ways of reading an attribute are
tried for each pair: ``obj.attr``, ``obj['attr']``, ``obj|attr('attr')`` and a
format field (``'{0.attr}'.format(obj)``, and the same with ``format_map``).
The last tests walk everything a template can reach by reading attributes
and render known escape payloads end to end.
"""

from __future__ import annotations

import builtins
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import SEED_DATA, make_template
from jinja2 import Undefined
from jinja2.exceptions import SecurityError, UndefinedError

from docgen import api
from docgen.engine.filters import make_environment
from docgen.engine.template import Template
from docgen.errors import TemplateError
from docgen.report.context import indicator_context, summary_context

DANGEROUS = (
    "__globals__",
    "__builtins__",
    "__subclasses__",
    "__dict__",
    "__class__",
    "__mro__",
    "__base__",
    "__bases__",
    "__code__",
    "__closure__",
    "__func__",
    "__self__",
    "__module__",
    "__getattribute__",
    "__init__",
    "__reduce_ex__",
    "__wrapped__",
    "gi_frame",
    "gi_code",
    "f_globals",
    "f_back",
    "cr_frame",
    "ag_frame",
    "tb_frame",
    "mro",
    "_TemplateReference__context",
)

#: Every kind of object a template can name: globals, literals, the loop, the
#: data model's views, methods, and what filters give back (`id`: expression).
ROOTS = {
    "range": "range",
    "range-object": "range(3)",
    "cycler": "cycler",
    "cycler-object": "cycler(1, 2)",
    "joiner": "joiner",
    "joiner-object": "joiner()",
    "namespace": "namespace",
    "namespace-object": "namespace(a=1)",
    "self": "self",
    "loop": "loop",
    "loop-cycle": "loop.cycle",
    "dict": "{'k': 1}",
    "list": "[1]",
    "tuple": "(1, 2)",
    "string": "'text'",
    "markup": "('x'|e)",
    "int": "(1)",
    "float": "(1.5)",
    "bool": "true",
    "none": "none",
    "str-method": "'x'.upper",
    "str-format": "'{}'.format",
    "dict-method": "{}.items",
    "dict-view": "{'k': 1}.items()",
    "generator": "([1]|map('string'))",
    "indicator": "indicator",
    "indicator-scoring": "indicator.scoring",
    "indicator-step": "indicator.steps[0]",
    "person": "indicator.supervisors[0]",
    "rich-text": "indicator.description",
    "decimal": "indicator.weight",
    "report": "report",
    "date": "report.period_start",
    "summary": "summary",
    "filter-score": "(indicator.score|score)",
    "filter-number": "(1|number)",
    "filter-thai-date": "(report.period_start|thai_date)",
    "filter-baht": "(1|baht_text)",
    "filter-paragraphs": "(indicator.description|docgen_paragraphs)",
    "filter-groupby": "([1]|groupby('real'))",
    "filter-dictsort": "({'k': 1}|dictsort)",
}


@pytest.fixture(scope="module")
def env():
    return make_environment()


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    report = api.load_report(SEED_DATA)
    return indicator_context(report, report.all_indicators[0]) | {
        "summary": summary_context(report)["summary"]
    }


def render(env, context, body: str) -> str:
    """`body` rendered inside a one-turn loop, so that ``loop`` can be named."""
    return env.from_string("{% for _ in [1] %}" + body + "{% endfor %}").render(context)


def ways_of_reading(root: str, attribute: str) -> Iterator[str]:
    yield f"{root}.{attribute}"
    yield f"{root}[{attribute!r}]"
    yield f"{root}|attr({attribute!r})"


@pytest.mark.parametrize("attribute", DANGEROUS)
@pytest.mark.parametrize("root", ROOTS.values(), ids=ROOTS.keys())
def test_no_dangerous_attribute_from_any_nameable_object(env, context, root, attribute):
    expressions = list(ways_of_reading(root, attribute))
    checks = "|".join(f"{{{{ ({expression}) is defined }}}}" for expression in expressions)
    assert render(env, context, checks) == "|".join(["False"] * len(expressions)), expressions
    with pytest.raises((SecurityError, UndefinedError)):
        render(env, context, f"{{{{ {expressions[0]} }}}}")
    for format_call in (
        f"'{{0.{attribute}}}'.format({root})",
        f"'{{x.{attribute}}}'.format_map({{'x': {root}}})",
        f"'{{0.{attribute}}}'|format({root})",  # printf style: a field name is just text
    ):
        try:
            shown = render(env, context, f"{{{{ {format_call} }}}}")
        except (SecurityError, UndefinedError, AttributeError, TypeError):
            continue
        assert shown == f"{{0.{attribute}}}", format_call


MUTATORS = {
    "list.append": "[1].append",
    "list.pop": "[1].pop",
    "list.extend": "[1].extend",
    "list.insert": "[1].insert",
    "list.remove": "[1].remove",
    "list.sort": "[1].sort",
    "list.reverse": "[1].reverse",
    "list.clear": "[1].clear",
    "dict.update": "{}.update",
    "dict.pop": "{}.pop",
    "dict.popitem": "{}.popitem",
    "dict.setdefault": "{}.setdefault",
    "dict.clear": "{}.clear",
    "namespace.__setitem__": "namespace(a=1).__setitem__",
}


@pytest.mark.parametrize("method", MUTATORS.values(), ids=MUTATORS.keys())
def test_no_method_that_changes_a_value(env, context, method):
    assert render(env, context, f"{{{{ {method} is defined }}}}") == "False"


def _reachable(env, roots: list[Any], depth: int = 3) -> Iterator[tuple[str, Any]]:
    """Every (path, value) a template reaches from `roots` by reading attributes and items."""
    seen: set[int] = set()
    level = [(f"root{i}", root) for i, root in enumerate(roots)]
    for _ in range(depth):
        following = []
        for path, value in level:
            if id(value) in seen:
                continue
            seen.add(id(value))
            yield path, value
            names = set(dir(value)) | set(DANGEROUS)
            for name in sorted(names):
                try:
                    found = env.getattr(value, name)
                except Exception:  # a property that raises reaches nothing
                    continue
                if not isinstance(found, Undefined):
                    following.append((f"{path}.{name}", found))
            if isinstance(value, list | tuple):
                following += [(f"{path}[{i}]", item) for i, item in enumerate(value[:3])]
            elif isinstance(value, dict):
                following += [(f"{path}[{k!r}]", v) for k, v in list(value.items())[:20]]
        level = following


FORBIDDEN_CALLABLES = {
    id(f) for f in (open, eval, exec, compile, __import__, getattr, setattr, globals, vars, input)
}


def test_attribute_reading_reaches_no_module_open_or_frame(env, context):
    """Breadth-first over what a template can read: never a module, ``open``,
    ``__builtins__``, a function's globals, a frame or code object."""
    loop_holder: list[Any] = []
    env.from_string("{% for _ in [1] %}{{ keep(loop) }}{% endfor %}").render(
        keep=loop_holder.append
    )
    roots = [
        *env.globals.values(),
        loop_holder[0],
        *context.values(),
        env.from_string("{{ self }}").module,
        "text",
        1,
        1.5,
        {"k": 1},
        [1],
        env.from_string("{{ x }}").render,  # a bound method as tags see them
    ]
    count = 0
    for path, value in _reachable(env, roots):
        count += 1
        assert not isinstance(value, types.ModuleType), path
        assert id(value) not in FORBIDDEN_CALLABLES, path
        assert value is not vars(builtins), path
        assert not (isinstance(value, dict) and "__builtins__" in value), path
        bad = (types.FrameType, types.CodeType, types.TracebackType, types.CellType)
        assert not isinstance(value, bad), path
    assert count > 500  # the walk did go somewhere


PAYLOADS = [
    "{{ range.__globals__['__builtins__']['__import__']('os').popen('touch CANARY').read() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch CANARY').read() }}",
    "{{ joiner.__init__.__globals__['__builtins__'].open('CANARY', 'w').write('x') }}",
    "{{ namespace.__init__.__globals__.os.system('touch CANARY') }}",
    "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch CANARY') }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch CANARY') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''|attr('__class__')|attr('__mro__') }}",
    "{{ (1).__class__.__base__.__subclasses__() }}",
    "{{ '{0.__globals__[__builtins__]}'.format(range) }}",
    "{{ '{x.__init__.__globals__}'.format_map({'x': cycler}) }}",
    "{{ ([1]|map('string')).gi_frame.f_globals }}",
    "{{ indicator.__class__.__init__.__globals__ }}",
    "{{ loop.__class__.__init__.__globals__ }}",
    "{% set f = range.__globals__ %}{{ f.os }}",
    "{{ indicator.description.__dict__ }}",
    "{{ lipsum.__globals__.os.popen('touch CANARY').read() }}",
    "{% include '/etc/passwd' %}",
    "{% import '/etc/passwd' as p %}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_template_reaches_os_or_open(tmp_path, monkeypatch, payload):
    """Known escapes, through a real .docx and the public API: refused, and nothing ran."""
    monkeypatch.chdir(tmp_path)
    template = make_template(tmp_path / "t.docx", ["{{ indicator.name }}", payload])
    with pytest.raises(TemplateError) as caught:
        api.render_report(SEED_DATA, Template(template), tmp_path / "out")
    assert "body paragraph 2" in str(caught.value)
    assert not (tmp_path / "CANARY").exists()
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def _unreachable_objects() -> dict[str, Any]:
    """Objects no template can name today (the walk above proves it), with the
    attributes that would lead on from them: refused all the same, should one appear."""

    def generator():
        yield 1

    async def coroutine():
        return 1

    try:
        raise ValueError
    except ValueError as exc:
        trace = exc.__traceback__
    started = coroutine()
    found = {
        "frame": sys._getframe(),
        "traceback": trace,
        "generator": generator(),
        "coroutine": started,
        "function": generator,
        "method": Template.render,
        "type": str,
    }
    started.close()
    return found


@pytest.mark.parametrize("attribute", DANGEROUS)
def test_dangerous_attributes_are_refused_on_objects_no_template_reaches(env, attribute):
    for name, value in _unreachable_objects().items():
        if hasattr(value, attribute):
            assert isinstance(env.getattr(value, attribute), Undefined), (name, attribute)


def test_only_str_format_is_wrapped(env):
    """A ``format`` method of anything but text is not run through the format sandbox."""

    class Other:
        def format(self, *args):
            return "other"

    assert env.wrap_str_format(Other().format) is None
    assert env.wrap_str_format("{}".format) is not None


def test_a_list_over_the_item_limit_is_refused_when_read(env):
    """Lists a template builds stay under the limit by the operators' checks; one given
    in the data (through the Python API) is refused when a template reads it."""
    from docgen.engine.sandbox import MAX_ITEMS, LimitExceeded, metered

    data = {"big": list(range(MAX_ITEMS + 1))}
    with metered(), pytest.raises(LimitExceeded, match=f"the limit is {MAX_ITEMS}"):
        env.from_string("{{ data.big|length }}").render(data=data)
