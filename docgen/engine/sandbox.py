"""The template sandbox: no Python internals, and a budget per document.

Jinja's `ImmutableSandboxedEnvironment` already refuses private attributes
(``__class__``, ``__globals__``) and the mutation of lists and dicts. But a
template runs in this process, and Jinja has no time limit, so docgen meters
it: every loop turn, call, intercepted operator, filter and printed value
takes a step from the `Budget` of the document being rendered (attribute
lookups between two steps are bounded by the template's size).
The budget stops the render when it runs out of steps or time (the clock is
read every few hundred steps), when the output grows past its limit, or when
macros nest too deeply. Operations whose result size is known before they run
(``'x' * n``, ``range(n)``, ``center(n)``, format widths, ``replace``) are
checked first, so the usual ways to build a huge value in one step are refused
before they allocate anything; every other value is checked when it is read.

Memory: every value a filter, call, operator or ``~`` creates is counted
(`sys.getsizeof`, plus a few bytes per item of a list or dict) against the
document's ``render_bytes``, whether or not it is kept, so that a template
which stays within every step limit cannot still allocate gigabytes. No list,
tuple or dict may hold more than MAX_ITEMS items, and a filter that turns text
into items refuses text longer than that before it starts.

Outside a metered render (Jinja folds constants while compiling) only the
size checks apply, with the default limits.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import re
import sys
import time
import types
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import update_wrapper, wraps
from typing import Any

from jinja2 import BaseLoader, nodes, pass_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
    SecurityError,
)
from markupsafe import Markup

from docgen.limits import DEFAULT_LIMITS, Limits

#: Largest number that sets a size: a range's length, a width, a precision, a count.
MAX_ARGUMENT = 100_000
#: Largest integer a template may compute (about 30,000 decimal digits).
MAX_INT_BITS = 100_000
#: Largest list, tuple or dict a template may build or read (a report has some hundred rows).
MAX_ITEMS = 1_000_000
#: What one item of a created list or dict is counted as: its pointer and a small object.
ITEM_BYTES = 64
#: Filters that turn text into one item per character (and would make a list of them).
ITEMWISE_FILTERS = frozenset(
    {"list", "batch", "slice", "sort", "unique", "groupby", "map", "select", "reject"}
    | {"selectattr", "rejectattr"}
)
#: Numbers given to a filter may have at most this many digits before or after the point.
MAX_NUMBER_DIGITS = 1_000
#: Jinja's built-in filters a report template cannot use: `safe` would print data as
#: XML; `striptags` takes quadratic time; `pprint` prints without bound; `random`
#: makes documents differ between runs; the rest are web helpers.
REMOVED_FILTERS = (
    "safe",
    "forceescape",
    "striptags",
    "pprint",
    "random",
    "urlize",
    "urlencode",
    "xmlattr",
    "tojson",
)
#: Filters whose integer arguments set a size (a width, a count, decimals).
SIZE_ARGUMENT_FILTERS = frozenset(
    {"center", "indent", "wordwrap", "batch", "slice", "number", "score"}
)
LOOP_FILTER = "docgen_loop"
_CLOCK_EVERY = 128
_CONTAINERS = (list, tuple, dict, set, frozenset)
_SIZED = (str, bytes, list, tuple, dict)
_TEXT = (str, bytes)
_COUNTED = (str, bytes, list, tuple, dict, set, frozenset, int)
_MB = 1024 * 1024


class LimitExceeded(Exception):
    """A template went over a limit; the template layer adds the place."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Budget:
    """What one document's render may still spend: steps, time, output, nesting."""

    __slots__ = (
        "limits",
        "deadline",
        "steps",
        "output",
        "created",
        "depth",
        "other_markup",
        "_until_check",
    )

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.render_seconds
        self.steps = 0
        self.output = 0
        self.created = 0
        self.depth = 0
        self.other_markup = False  # printed markup docgen did not write (see bodytext)
        # steps to the next look at the clock and the step limit (`_check_steps`)
        self._until_check = min(_CLOCK_EVERY, limits.render_steps + 1)

    def step(self) -> None:
        self.steps += 1
        self._until_check -= 1
        if self._until_check <= 0:
            self._check_steps()

    def printed(self, chars: int) -> None:
        """A printed value: one step and `chars` of output, counted in one call (a
        render prints hundreds of values; see `docgen.engine.filters`)."""
        self.steps += 1
        self.output += chars
        self._until_check -= 1
        if self._until_check <= 0:
            self._check_steps()
        if self.output > self.limits.output_chars:
            self.emit(0)

    def _check_steps(self) -> None:
        """The step limit and the clock, looked at every `_CLOCK_EVERY` steps and at
        the step that would pass the limit."""
        if self.steps > self.limits.render_steps:
            raise LimitExceeded(
                f"the template took more than {self.limits.render_steps} steps "
                "(loop turns, calls, filters, printed values) for one document",
                "look for loops nested too deeply or a macro that calls itself",
            )
        if time.monotonic() > self.deadline:
            raise LimitExceeded(
                f"rendering one document took longer than {self.limits.render_seconds:g} "
                "seconds, the render time limit",
                "look for a loop that runs too long; the limit is set with --time-limit",
            )
        self._until_check = min(_CLOCK_EVERY, self.limits.render_steps + 1 - self.steps)

    def emit(self, chars: int) -> None:
        """Count `chars` of output against the document's output limit."""
        self.output += chars
        if self.output > self.limits.output_chars:
            raise _output_too_large(self.limits)

    def room(self) -> int:
        return self.limits.output_chars - self.output

    def create(self, size: int) -> None:
        """Count `size` bytes of values created against the document's memory limit."""
        self.created += size
        if self.created > self.limits.render_bytes:
            raise LimitExceeded(
                f"the template created more than {self.limits.render_bytes // _MB} MB of values "
                "for one document, the memory limit",
                "look for a loop or filter that copies large text or lists many times",
            )


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "docgen_budget", default=None
)


@contextlib.contextmanager
def metered(limits: Limits = DEFAULT_LIMITS) -> Iterator[Budget]:
    """Meter every template operation in this block against one new budget."""
    budget = Budget(limits)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


#: The budget of the render in progress in this thread, if any: ``active_budget()``
#: (the context variable's own getter, called for every printed value).
active_budget: Callable[[], Budget | None] = _BUDGET.get


def _limits() -> Limits:
    budget = _BUDGET.get()
    return DEFAULT_LIMITS if budget is None else budget.limits


def _step() -> Limits:
    budget = _BUDGET.get()
    if budget is None:
        return DEFAULT_LIMITS
    budget.step()
    return budget.limits


def emit(chars: int) -> None:
    """Count a printed value (one step) and its characters against the current document."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.printed(chars)


def note_other_markup() -> None:
    """The document printed markup that docgen's paragraph filter did not write."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.other_markup = True


def ensure_room(chars: int) -> None:
    """Refuse to build `chars` characters of output that would not fit the limit."""
    budget = _BUDGET.get()
    room = budget.room() if budget is not None else DEFAULT_LIMITS.output_chars
    if chars > room:
        raise _output_too_large(_limits())


def _output_too_large(limits: Limits) -> LimitExceeded:
    return LimitExceeded(
        f"the document would be larger than {limits.output_chars} characters, the output limit",
        "look for a loop that prints too much",
    )


# --------------------------------------------------------------------------- size checks


def created(value: Any) -> Any:
    """`value`, a value the template just made, counted against the memory limit."""
    budget = _BUDGET.get()
    if budget is not None and isinstance(value, _COUNTED):
        size = sys.getsizeof(value)
        if not isinstance(value, str | bytes | int):
            size += len(value) * ITEM_BYTES
        budget.create(size)
    return value


def _too_big(what: str, size: float, limits: Limits) -> LimitExceeded:
    return LimitExceeded(
        f"{what} would give a value of {size:.0f} characters or items; "
        f"the limit is {limits.output_chars}"
    )


def _check_size(value: Any, limits: Limits, what: str, detail: Any = None) -> Any:
    """`value`, refused when longer than the output limit. The message is
    ``what.format(detail)``, built only then: this runs at every lookup."""
    if isinstance(value, _SIZED):
        cap = limits.output_chars if isinstance(value, _TEXT) else MAX_ITEMS
        if len(value) > cap:
            raise LimitExceeded(
                f"{what.format(detail)} gives a value of {len(value)} characters or items; "
                f"the limit is {cap}"
            )
    return value


def _check_argument(what: str, number: Any) -> None:
    if isinstance(number, int) and not isinstance(number, bool) and number > MAX_ARGUMENT:
        raise LimitExceeded(f"{what}: {number} is over the limit of {MAX_ARGUMENT}")


def _check_number(what: str, value: Any) -> None:
    """Numbers with more than MAX_NUMBER_DIGITS digits take too long to print."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        digits = value.bit_length() * math.log10(2)
    elif isinstance(value, Decimal) and value.is_finite() and value:
        digits = abs(value.adjusted())
    else:
        return
    if digits > MAX_NUMBER_DIGITS:
        raise LimitExceeded(
            f"{what}: the number has more than {MAX_NUMBER_DIGITS} digits, "
            "more than any report needs"
        )


def bounded_text(value: Any, room: int | None = None) -> str:
    """``str(value)``, refused for a list or dict too large to print.

    A list that holds one list 100,000 times is small in memory and enormous
    as text: the values in it are counted (each time they occur) before
    Python builds the text, and there may be at most MAX_ARGUMENT of them
    with at most `room` characters of text.

    >>> bounded_text([1, "a", (2,), {"k": None}])
    "[1, 'a', (2,), {'k': None}]"
    """
    if not isinstance(value, _CONTAINERS):
        return str(value)
    if room is None:
        budget = _BUDGET.get()
        room = budget.room() if budget is not None else DEFAULT_LIMITS.output_chars
    count = 0
    chars = 0
    pending: list[Any] = [value]
    while pending:
        item = pending.pop()
        count += 1
        if count > MAX_ARGUMENT:
            raise LimitExceeded(
                f"printing a list or dict of more than {MAX_ARGUMENT} values",
                "loop over it with {% for %} and print its items",
            )
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, _CONTAINERS):
            pending.extend(item)
        elif isinstance(item, str | bytes):
            chars += len(item)
            if chars > room:
                raise _output_too_large(_limits())
    return str(value)


# ------------------------------------------------------------------ format strings

_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?")
_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?")


def _check_format_spec(spec: str, value: Any) -> None:
    match = _FORMAT_SPEC.match(spec)
    for number in (match.group("width"), match.group("precision")) if match else ():
        if number:
            _check_argument(f"the format {spec!r}", int(number))
    _check_number("format", value)


def _check_printf(template: str, arguments: Any) -> None:
    """Widths in ``'%10s' % x`` and ``|format``; ``*`` widths come from the arguments."""
    star = False
    for match in _PRINTF_SPEC.finditer(template):
        for number in (match.group("width"), match.group("precision")):
            if number == "*":
                star = True
            elif number:
                _check_argument(f"the format {match.group(0)!r}", int(number))
    values = arguments if isinstance(arguments, tuple | list) else [arguments]
    if isinstance(arguments, dict):
        values = list(arguments.values())
    for value in values:
        if star:
            _check_argument("a * width in a format", value)
        _check_number("format", value)
        if isinstance(value, _CONTAINERS):
            bounded_text(value)


class _SpecCheck:
    def format_field(self, value: Any, format_spec: str) -> Any:
        _check_format_spec(format_spec, value)
        if isinstance(value, _CONTAINERS):
            bounded_text(value)
        return super().format_field(value, format_spec)  # type: ignore[misc]


class _Formatter(_SpecCheck, SandboxedFormatter):
    pass


class _EscapeFormatter(_SpecCheck, SandboxedEscapeFormatter):
    pass


# ------------------------------------------------------------------ growth estimates


def _replace_size(text: Any, old: Any, new: Any, count: Any = -1) -> float:
    kind = str if isinstance(text, str) else bytes if isinstance(text, bytes) else None
    if kind is None or not (isinstance(old, kind) and isinstance(new, kind)):
        return 0
    found = text.count(old)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * (len(new) - len(old))


def _join_size(separator: Any, items: Any) -> float:
    if not isinstance(items, list | tuple | str):
        return 0
    room = _limits().output_chars
    total = 0
    for item in items:
        total += len(separator) + len(item if isinstance(item, str) else bounded_text(item, room))
        if total > room:
            return total
    return total


def _lines_size(text: Any, per_line: int) -> float:
    if not isinstance(text, str):
        return 0
    return len(text) + (text.count("\n") + 1) * per_line


def _method_size(owner: Any, name: str, args: tuple, kwargs: dict) -> float:
    """The size a str/bytes/int method's result will have, where that is cheap to know."""
    first = args[0] if args else next(iter(kwargs.values()), None)
    if isinstance(owner, str | bytes):
        if name in ("center", "ljust", "rjust", "zfill"):
            return first if isinstance(first, int) else 0
        if name == "expandtabs":
            tab = first if isinstance(first, int) else 8
            return len(owner) + owner.count("\t" if isinstance(owner, str) else b"\t") * tab
        if name == "replace" and len(args) >= 2:
            return _replace_size(owner, *args[:3])
        if name == "join":
            return _join_size(owner, first)
        if name == "translate" and isinstance(first, dict):
            longest = max((len(v) for v in first.values() if isinstance(v, str)), default=1)
            return len(owner) * longest
    elif isinstance(owner, int) and name == "to_bytes":
        return first if isinstance(first, int) else 0
    return 0


def _method_items(owner: Any, name: str, args: tuple) -> float:
    """How many items a str/bytes method that splits will give, at most."""
    if not isinstance(owner, _TEXT) or name not in ("split", "rsplit", "splitlines"):
        return 0
    separator = args[0] if args and name != "splitlines" else None
    if isinstance(separator, type(owner)) and separator:
        return owner.count(separator) + 1
    return len(owner) // 2 + 1


def _center_size(value: Any, args: tuple, kwargs: dict) -> float:
    width = args[0] if args else kwargs.get("width", 80)
    return width if isinstance(width, int) else 0


def _indent_size(value: Any, args: tuple, kwargs: dict) -> float:
    width = args[0] if args else kwargs.get("width", 4)
    prefix = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    return _lines_size(value, prefix)


def _replace_filter_size(value: Any, args: tuple, kwargs: dict) -> float:
    if len(args) < 2:
        return 0
    count = args[2] if len(args) > 2 else kwargs.get("count")
    text = value if isinstance(value, str) else bounded_text(value)
    return _replace_size(text, *args[:2], count)


def _wordwrap_size(value: Any, args: tuple, kwargs: dict) -> float:
    if not isinstance(value, str):
        return 0
    width = args[0] if args else kwargs.get("width", 79)
    wrap = args[2] if len(args) > 2 else kwargs.get("wrapstring") or "\n"
    lines = len(value) // max(width if isinstance(width, int) else 1, 1) + 1
    return _lines_size(value, 0) + lines * len(str(wrap))


def _join_filter_size(value: Any, args: tuple, kwargs: dict) -> float:
    return _join_size(str(args[0] if args else kwargs.get("d", "")), value)


def _string_size(value: Any, args: tuple, kwargs: dict) -> float:
    return len(bounded_text(value))


def _format_size(value: Any, args: tuple, kwargs: dict) -> float:
    if isinstance(value, str):
        _check_printf(value, kwargs or args)
    return 0


def _sum_size(value: Any, args: tuple, kwargs: dict) -> float:
    start = args[1] if len(args) > 1 else kwargs.get("start", 0)
    if not isinstance(start, int | float | Decimal):
        raise LimitExceeded("the sum filter adds numbers; start must be a number")
    return 0


#: The size a built-in filter's result will have, for filters that can grow past their
#: input (or refuse what would): (value, positional arguments, keyword arguments) -> size.
_FILTER_SIZES: dict[str, Callable[[Any, tuple, dict], float]] = {
    "center": _center_size,
    "indent": _indent_size,
    "replace": _replace_filter_size,
    "wordwrap": _wordwrap_size,
    "join": _join_filter_size,
    "string": _string_size,
    "format": _format_size,
    "sum": _sum_size,
}


def _too_many(what: str, count: float) -> LimitExceeded:
    return LimitExceeded(f"{what} would make {count:.0f} items; the limit is {MAX_ITEMS}")


def _meter_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that takes a step, refuses sizes over the limits, and checks its result."""
    passes_first = getattr(function, "jinja_pass_arg", None) is not None
    label = f"the {name} filter"
    sizes_arguments = name in SIZE_ARGUMENT_FILTERS
    estimate = _FILTER_SIZES.get(name)
    itemwise = name in ITEMWISE_FILTERS

    @wraps(function)
    def metered_filter(*args: Any, **kwargs: Any) -> Any:
        limits = _step()
        value, rest = (args[1], args[2:]) if passes_first else (args[0], args[1:])
        _check_number(label, value)
        for argument in (*rest, *kwargs.values()):
            _check_number(label, argument)
            if sizes_arguments:
                _check_argument(label, argument)
        size = estimate(value, rest, kwargs) if estimate is not None else 0
        if size > limits.output_chars:
            raise _too_big(label, size, limits)
        if itemwise and isinstance(value, _TEXT) and len(value) > MAX_ITEMS:
            raise _too_many(label, len(value))
        return created(_check_size(function(*args, **kwargs), limits, label))

    return metered_filter


# ------------------------------------------------------------------ loops and range


class _MeteredLoop:
    """What a ``{% for %}`` iterates: the items, one step and the body's text per turn."""

    __slots__ = ("items", "static_chars")

    def __init__(self, items: Iterable[Any], static_chars: int) -> None:
        self.items = items
        self.static_chars = static_chars

    def __iter__(self) -> Iterator[Any]:
        budget = _BUDGET.get()
        for item in self.items:
            if budget is not None:
                budget.step()
                budget.emit(self.static_chars)
            yield item

    def __len__(self) -> int:
        return len(self.items)  # type: ignore[arg-type]


@pass_context
def _loop_filter(context: Any, items: Iterable[Any], static_chars: int) -> _MeteredLoop:
    return _MeteredLoop(items, static_chars)


def _range(*args: int) -> range:
    """``range``, refused beyond MAX_ARGUMENT numbers with a message a maintainer reads."""
    numbers = range(*args)
    try:
        size = len(numbers)
    except OverflowError:
        size = (numbers.stop - numbers.start) // numbers.step
    if size > MAX_ARGUMENT:
        shown = ", ".join(str(a) for a in args)
        raise LimitExceeded(
            f"range({shown}) would have {size} numbers; the limit is {MAX_ARGUMENT}",
            "loop over the data instead of a range of numbers",
        )
    return numbers


def _loop_guards(tree: nodes.Template, environment: Any) -> nodes.Template:
    """Wrap the iterable of every ``{% for %}`` in the metering loop filter.

    The filter is told the length of the static text in the loop body, so that
    a loop of plain text counts towards the output limit too.
    """
    for loop in list(tree.find_all(nodes.For)):
        static = sum(len(data.data) for data in loop.find_all(nodes.TemplateData))
        guarded = nodes.Filter(
            loop.iter,
            LOOP_FILTER,
            [nodes.Const(static, lineno=loop.lineno)],
            [],
            None,
            None,
            lineno=loop.lineno,
        )
        guarded.set_environment(environment)
        loop.iter = guarded
    return tree


# ------------------------------------------------------------------ the environment


class _NoFiles(BaseLoader):
    """A template is one .docx: it reads no other file."""

    def get_source(self, environment: Any, template: str) -> Any:
        raise SecurityError(
            f"a template cannot include, import or extend other files (asked for {template!r})"
        )


_STR_FORMAT = frozenset({"format", "format_map"})
#: What ``d.name`` finds on a plain dict before its items (``d.items`` is the method).
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _CountingGenerator(CodeGenerator):
    """Jinja's code generator, with the text ``~`` joins counted as created, and each
    printed value escaped, finalized and counted by the environment's `printer` in one
    call where the template escapes (rather than ``escape(environment.finalize(x))``)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.created(")
        super().visit_Concat(node, frame)
        self.write(")")

    def _one_call(self, frame: Frame) -> bool:
        escaping = frame.eval_ctx.autoescape and not frame.eval_ctx.volatile
        return escaping and getattr(self.environment, "printer", None) is not None

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if self._one_call(frame):
            self.write("environment.printer(")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if self._one_call(frame):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


class MeteredSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, metered by the current `Budget`.

    Whether an attribute is safe depends only on the object's type and the
    name (internal attributes, methods that change known mutable types), so the
    answer is kept: a template reads the same few dozen fields for every
    document of a batch.
    """

    intercepted_binops = frozenset({"+", "*", "**", "%"})
    code_generator_class = _CountingGenerator
    created = staticmethod(created)

    def __init__(
        self,
        *,
        filters: dict[str, Callable[..., Any]] | None = None,
        printer: Callable[[Any], str] | None = None,
        **options: Any,
    ):
        super().__init__(loader=_NoFiles(), **options)
        #: finalize, count and escape of a printed value in one call (`_CountingGenerator`)
        self.printer = printer
        self._safe: dict[tuple[type, str], bool] = {}
        # (type, name) pairs read as they are: safe, and not str.format (which is wrapped)
        self._plain: set[tuple[type, str]] = set()
        for name in REMOVED_FILTERS:
            self.filters.pop(name, None)
        self.filters.update(filters or {})
        self.filters = {name: _meter_filter(name, f) for name, f in self.filters.items()}
        self.filters[LOOP_FILTER] = _loop_filter
        self.globals.pop("lipsum", None)
        self.globals["range"] = _range

    def _generate(self, source: nodes.Template, *args: Any, **kwargs: Any) -> str:
        return super()._generate(_loop_guards(source, self), *args, **kwargs)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
            if safe and attr not in _STR_FORMAT:
                self._plain.add(key)
        return safe

    # Lookups take no step: without a loop turn or a call between them, their
    # number is bounded by the template's size. What they read is checked,
    # because text a template doubles in a namespace grows without a call.
    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            # What Jinja's lookup comes to for a plain dict (which has no attribute of
            # that name), without the AttributeError it raises and catches on the way.
            try:
                value = obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        elif (type(obj), attribute) in self._plain:  # known safe: read it directly
            try:
                value = getattr(obj, attribute)
            except AttributeError:
                value = super().getattr(obj, attribute)
        else:
            value = super().getattr(obj, attribute)
        if isinstance(value, _SIZED):
            return _check_size(value, _limits(), "reading {!r}", attribute)
        return value

    def getitem(self, obj: Any, argument: Any) -> Any:
        return _check_size(super().getitem(obj, argument), _limits(), "reading [{!r}]", argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = _BUDGET.get()
        limits = _step()
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        size = _method_size(owner, name, args, kwargs) if owner is not None else 0
        if size > limits.output_chars:
            raise _too_big(f"{name}()", size, limits)
        items = _method_items(owner, name, args) if owner is not None else 0
        if items > MAX_ITEMS:
            raise _too_many(f"{name}()", items)
        if budget is not None:
            budget.depth += 1
            if budget.depth > limits.call_depth:
                raise LimitExceeded(
                    f"macros call each other more than {limits.call_depth} levels deep",
                    "a macro that calls itself needs an {% if %} that stops it",
                )
        try:
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            if budget is not None:
                budget.depth -= 1
        return created(_check_size(result, limits, "{}()", name or "the call"))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        limits = _step()
        _check_operands(operator, left, right, limits)
        result = super().call_binop(context, operator, left, right)
        return created(_check_size(result, limits, "the {!r} operator", operator))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` through a formatter that checks widths (Jinja's, plus checks)."""
        if not isinstance(value, types.MethodType | types.BuiltinMethodType):
            return None
        if value.__name__ not in ("format", "format_map"):
            return None
        text = value.__self__
        if not isinstance(text, str):
            return None
        formatter = (
            _EscapeFormatter(self, escape=text.escape)
            if isinstance(text, Markup)
            else _Formatter(self)
        )
        is_map = value.__name__ == "format_map"

        def format_string(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                args, kwargs = (), args[0]
            return type(text)(formatter.vformat(text, args, kwargs))

        wrapper = update_wrapper(format_string, value)
        # update_wrapper sets __wrapped__: the bare str.format (Jinja wraps it again, but
        # no attribute should lead back to an unwrapped method)
        del wrapper.__wrapped__
        return wrapper


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_operands(operator: str, left: Any, right: Any, limits: Limits) -> None:
    """Refuse ``'x' * 10**9``, ``10 ** 10**9`` and ``'%999999999d' % 1`` before they run."""
    if operator == "+":
        both = isinstance(left, _SIZED) and isinstance(right, _SIZED)
        if both and not isinstance(left, dict) and not isinstance(right, dict):
            cap = limits.output_chars if isinstance(left, _TEXT) else MAX_ITEMS
            if len(left) + len(right) > cap:
                raise LimitExceeded(
                    f"'+' would make a value of {len(left) + len(right)} characters or items; "
                    f"the limit is {cap}"
                )
    elif operator == "*":
        if _is_int(left) and _is_int(right):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise LimitExceeded(f"the product has more than {MAX_INT_BITS} bits")
            return
        for sequence, times in ((left, right), (right, left)):
            if isinstance(sequence, str | bytes | list | tuple) and _is_int(times):
                size = len(sequence) * times
                cap = limits.output_chars if isinstance(sequence, str | bytes) else MAX_ARGUMENT
                if size > cap:
                    raise LimitExceeded(
                        f"'*' would make a value of {size} characters or items; the limit is {cap}"
                    )
    elif operator == "**":
        powers = _is_int(left) and _is_int(right) and abs(left) > 1 and right > 0
        if powers and right * left.bit_length() > MAX_INT_BITS:
            raise LimitExceeded(
                f"{left} ** {right} is too large a number (more than {MAX_INT_BITS} bits)"
            )
    elif operator == "%" and isinstance(left, str):
        _check_printf(left, right)
