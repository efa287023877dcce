"""What went wrong in a template, told in the maintainer's terms.

Jinja and Python raise their own exceptions while a template compiles or
renders; here each becomes a `TemplateError` that names the place in Word (the
location of the Jinja line) and says what to do.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from pathlib import Path

import jinja2

from docgen.engine.analysis import unknown_name_problem
from docgen.engine.filters import FilterError
from docgen.engine.sandbox import LimitExceeded
from docgen.errors import (
    Location,
    TemplateError,
    TemplateLimitError,
    TemplateProblem,
    TemplateSecurityError,
)

_UNKNOWN_NAME = re.compile(r"No (filter|test) named '([^']+)'")

_Rule = tuple[
    type[BaseException] | tuple[type[BaseException], ...],
    type[TemplateError],
    Callable[[BaseException], str],  # the message
    Callable[[BaseException], str | None],  # the hint
]

#: Render-time failures, first match wins (Jinja's own errors before the generic ones).
_RENDER_RULES: tuple[_Rule, ...] = (
    (LimitExceeded, TemplateLimitError, lambda e: f"limit exceeded: {e.message}", lambda e: e.hint),
    (
        RecursionError,
        TemplateLimitError,
        lambda e: "limit exceeded: macros call each other too deeply",
        lambda e: "a macro that calls itself needs an {% if %} that stops it",
    ),
    (
        jinja2.UndefinedError,
        TemplateError,
        lambda e: f"unknown variable: {e.message or e}",
        lambda e: "check the spelling against `docgen fields`",
    ),
    (
        jinja2.exceptions.SecurityError,
        TemplateSecurityError,
        lambda e: f"not allowed in a template: {e}",
        lambda e: "a template reads fields and uses filters; it cannot reach Python's internals",
    ),
    (
        jinja2.TemplateError,
        TemplateError,
        str,
        lambda e: "run `docgen check` on the template for every problem and its fix",
    ),
    (FilterError, TemplateError, str, lambda e: "check the field's type in `docgen fields`"),
    (
        (TypeError, ValueError, ArithmeticError, LookupError, AttributeError),
        TemplateError,
        lambda e: f"cannot print this value: {e}",
        lambda e: "check the field's type and the filter's use in `docgen fields`",
    ),
    (
        (MemoryError, OverflowError),
        TemplateError,
        lambda e: f"the template could not be rendered here ({type(e).__name__})",
        lambda e: "look for a loop or a value that grows without end",
    ),
)


def render_error(
    exc: BaseException, template: str | Path, where: Callable[[int | None], Location | None]
) -> TemplateError | None:
    """The error to show for `exc` raised while rendering (None: not a template's fault).

    `where` turns the Jinja line the exception came from into a place in Word.
    """
    for kinds, error, message, hint in _RENDER_RULES:
        if isinstance(exc, kinds):
            return error(message(exc), template, where(template_lineno(exc)), hint(exc))
    return None


def template_lineno(exc: BaseException) -> int | None:
    """The template line where a render-time error happened (Jinja keeps it in the traceback)."""
    lineno = getattr(exc, "lineno", None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>":
            lineno = frame.lineno
    return lineno


def syntax_problem(
    env: jinja2.Environment, exc: jinja2.TemplateSyntaxError, location: Location | None
) -> TemplateProblem:
    """A compile-time syntax error as a problem with its fix."""
    message = exc.message or ""
    unknown = _UNKNOWN_NAME.search(message)
    if unknown:
        return unknown_name_problem(env, unknown[1], unknown[2], location)
    hint = None
    if "Unexpected end of template" in message:
        hint = "a {% for %} or {% if %} is not closed; add its {% endfor %} or {% endif %}"
    elif "Encountered unknown tag" in message:
        hint = "check the tag's spelling, and that each block tag is opened before it is closed"
    return TemplateProblem(f"tag syntax error: {message or 'syntax error'}", location, hint)
