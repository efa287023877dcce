"""The Jinja environment templates run in, and the filters they may use.

The environment is sandboxed and metered (a template cannot reach Python
internals nor run without bound; see `docgen.engine.sandbox`), autoescapes for XML
(data is always text: there is no ``safe`` filter), and undefined names are errors
(a misspelt field is reported, never printed as a blank). Every value a tag
prints passes through `finalize`, which is where document-wide options such as
Thai digits apply (the template's own text follows in `docgen.engine.digits`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from jinja2 import StrictUndefined, Undefined
from jinja2.utils import missing
from markupsafe import escape

from docgen import thai
from docgen.engine.paragraph_tag import FILTER as PARAGRAPH_FILTER
from docgen.engine.paragraph_tag import paragraph_filter
from docgen.engine.richtext import (
    RichText,
    WordParagraphs,
    escape_markup,
    printable,
)
from docgen.engine.sandbox import (
    MeteredSandbox,
    active_budget,
    bounded_text,
    emit,
    note_other_markup,
)
from docgen.errors import shown
from docgen.numbers import format_score, plain_number

DIGIT_STYLES = ("arabic", "thai")


class FilterError(ValueError):
    """A filter was given a value it cannot format; the message names the filter."""


def _score(value: Any, places: int | None = None) -> str:
    """The ``score`` filter: `format_score` of a number."""
    return format_score(_decimal(value, "score"), places)


def _decimal(value: Any, filter_name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise TypeError(f"the {filter_name} filter needs a number, got {shown(value)}")
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        raise ValueError(f"the {filter_name} filter needs a number, got {shown(value)}") from None


def _named(filter_name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Re-raise a filter's type and value errors with the filter's name in front."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (TypeError, ValueError) as exc:
            text = str(exc)
            if filter_name not in text:
                value = args[0] if args else None
                text = f"the {filter_name} filter cannot use {shown(value)}: {text}"
            raise FilterError(text) from None

    return wrapper


def _to_text(value: Any) -> str:
    if isinstance(value, RichText):
        return value.text
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return plain_number(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return thai.thai_date(value)
    return bounded_text(value)


def _finalizer(transform: Callable[[str], str]) -> Callable[[Any], Any]:
    def finalize(value: Any) -> Any:
        if type(value) is str:  # most printed values; what the branches below give a str
            text = value
        elif hasattr(value, "__html__"):
            emit(len(value) if isinstance(value, str) else 0)
            if type(value) is not WordParagraphs:
                note_other_markup()
            return value
        elif value is None:
            return ""
        else:
            text = _to_text(value)
        if text.isprintable():  # no control character to drop, no newline or tab to count
            text = transform(text)
            emit(len(text))
        else:
            text = transform(printable(text))
            # docxtpl turns each newline and tab into a few dozen characters of XML.
            emit(len(text) + 64 * (text.count("\n") + text.count("\t")))
        if "_" in text and _has_docxtpl_escape(text):
            return escape_markup(text)
        return text  # escaped by the environment's autoescape

    return finalize


def _has_docxtpl_escape(text: str) -> bool:
    """docxtpl would read ``{_`` and ``_}`` in a document as its escapes."""
    return "{_" in text or "_}" in text


def _printer(transform: Callable[[str], str]) -> Callable[[Any], str]:
    """`finalize`, the count and the escape of a printed value in one call.

    Why: every tag's value goes through here, hundreds per document; a call for
    each stage and a markup object for every value made a table-heavy render take
    x1.18 the time (``python -m bench.shortcuts --path table``). Plain printable
    text, the common case, is handled here; anything else goes the long way
    (`finalize`, then Jinja's escape), with the same result.
    """
    finalize = _finalizer(transform)
    digits = None if transform is _identity else transform

    def printed(value: Any) -> str:
        if type(value) is not str or not value.isprintable():
            return escape(finalize(value))
        text = value if digits is None else digits(value)
        budget = active_budget()
        if budget is not None:
            budget.printed(len(text))
        if "_" in text and _has_docxtpl_escape(text):
            return escape_markup(text)
        if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
            return escape(text)
        return text  # most text: nothing to escape, printed as it is without a markup object

    return printed


def digit_transform(digits: str) -> Callable[[str], str]:
    """The text transform a digits option stands for."""
    if digits not in DIGIT_STYLES:
        raise ValueError(f"digits must be one of {', '.join(DIGIT_STYLES)}, not {digits!r}")
    return thai.thai_digits if digits == "thai" else _identity


def _identity(text: str) -> str:
    return text


#: For the template reference: an example tag of each public filter, and what it does.
#: (`docgen fields` prints what each example gives for a built-in report.)
FILTER_DOCS: dict[str, tuple[str, str]] = {
    "score": (
        "{{ indicator.score|score }} / {{ indicator.score|score(4) }}",
        "a score as the form prints it, or with fixed decimals",
    ),
    "number": (
        "{{ 1234567.5|number }} / {{ indicator.weight|number(2) }}",
        "thousands separators; number(2) gives two decimals, grouping=false none",
    ),
    "thai_date": (
        "{{ report.as_of|thai_date }} / {{ report.as_of|thai_date('short') }}",
        "a date in the Buddhist Era; styles 'long', 'short', 'full'",
    ),
    "thai_digits": ("{{ report.fiscal_year|thai_digits }}", "Arabic digits as Thai digits"),
    "baht_text": ("{{ 1250.50|baht_text }}", "an amount of money in Thai words"),
    "number_words": ("{{ 21|number_words }}", "a whole number in Thai words"),
    "yes_no": (
        "{{ indicator.is_milestone|yes_no }} / {{ false|yes_no('มี', 'ไม่มี') }}",
        "true/false as ใช่/ไม่ใช่ (or the two words given), never True/False",
    ),
}


def yes_no(value: Any, yes: str = "ใช่", no: str = "ไม่ใช่") -> str:
    """The ``yes_no`` filter: a boolean in words (a missing value counts as no).

    >>> yes_no(True), yes_no(False), yes_no(None, "มี", "ไม่มี")
    ('ใช่', 'ไม่ใช่', 'ไม่มี')
    """
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"the yes_no filter needs true or false, got {shown(value)}")
    return yes if value else no


def template_filters() -> dict[str, Callable[..., Any]]:
    """The public filters, by name (also what `docgen fields` lists)."""
    return {
        "score": _named("score", _score),
        "number": _named(
            "number",
            lambda value, decimals=None, grouping=True: thai.format_number(
                _decimal(value, "number"), decimals, grouping
            ),
        ),
        "thai_date": _named("thai_date", thai.thai_date),
        "thai_digits": _named("thai_digits", thai.thai_digits),
        "baht_text": _named("baht_text", thai.baht_text),
        "number_words": _named("number_words", thai.number_words),
        "yes_no": _named("yes_no", yes_no),
    }


def kind_of(value: Any) -> str:
    """What a template value is, in a maintainer's words ("a person", "a list of 5 items").

    >>> kind_of([1, 2]), kind_of("x")
    ('a list of 2 items', 'text')
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__.removesuffix("View").lower()
        return ("an " if name[:1] in "aeiou" else "a ") + name
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} items"
    if isinstance(value, str | RichText):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


class DocgenUndefined(StrictUndefined):
    """StrictUndefined whose message names the fields that do exist and the nearest one."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        owner, name = self._undefined_obj, self._undefined_name
        if self._undefined_hint or owner is missing:
            return super()._undefined_message
        if isinstance(owner, list | tuple) and isinstance(name, int):
            if not owner:
                return f"there is no item [{name}]: the list is empty"
            return f"there is no item [{name}] in {kind_of(owner)} ([0] to [{len(owner) - 1}])"
        if dataclasses.is_dataclass(owner):
            names = [f.name for f in dataclasses.fields(owner)]
        elif isinstance(owner, dict):
            names = [str(key) for key in owner]
        else:
            return f"{kind_of(owner)} has no field {name!r}"
        guess = difflib.get_close_matches(str(name), names, n=1, cutoff=0.6)
        text = f"{kind_of(owner)} has no field {name!r}"
        if guess:
            text += f"; did you mean {guess[0]!r}?"
        return text + f" (its fields: {', '.join(names)})"


@functools.lru_cache(maxsize=len(DIGIT_STYLES))
def make_environment(digits: str = "arabic") -> MeteredSandbox:
    """One shared environment per digits option (filters close over it)."""
    return custom_environment(digits)


def custom_environment(
    digits: str = "arabic",
    *,
    filters: dict[str, Callable[..., Any]] | None = None,
    tests: dict[str, Callable[..., Any]] | None = None,
    globals: dict[str, Any] | None = None,
    undefined: type[Undefined] = DocgenUndefined,
) -> MeteredSandbox:
    """docgen's sandboxed, escaping environment with a caller's own filters,
    tests and globals added (metered like docgen's own; the sandbox still
    decides what a template may reach through them)."""
    transform = digit_transform(digits)
    own = template_filters()
    own[PARAGRAPH_FILTER] = paragraph_filter(transform, _to_text)
    environment = MeteredSandbox(
        filters={**(filters or {}), **own},
        autoescape=True,
        undefined=undefined,
        finalize=_finalizer(transform),
        printer=_printer(transform),
        keep_trailing_newline=False,
    )
    environment.tests.update(tests or {})
    environment.globals.update(globals or {})
    return environment
