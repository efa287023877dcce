"""docgen: structured indicator data in, official Thai Word reports out.

What a script needs is here (the README's "Python API" shows it in use)::

    import docgen

    report = docgen.load_report("fixtures/indicator-3.2.yaml")
    docgen.render_report(report, out_dir="output")  # writes every document
    data = docgen.indicator_docx(report, "3.2")  # one document's bytes, written nowhere
    docgen.Template("mine.docx").render({"name": "..."})  # any docxtpl-style template

The names are loaded on first use, so ``import docgen.thai`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> the module it lives in.
_EXPORTS = {
    "Template": "docgen.engine.template",
    "load_report": "docgen.api",
    "load_template": "docgen.api",
    "render_report": "docgen.api",
    "indicator_docx": "docgen.api",
    "summary_docx": "docgen.api",
    "check_template": "docgen.api",
    "Limits": "docgen.limits",
    "DocgenError": "docgen.errors",
    "DataError": "docgen.errors",
    "TemplateError": "docgen.errors",
    "TemplateLimitError": "docgen.errors",
    "TemplateSecurityError": "docgen.errors",
    "OutputError": "docgen.errors",
    "UsageError": "docgen.errors",
}

__all__ = [
    "__version__",
    "Template",
    "load_report",
    "load_template",
    "render_report",
    "indicator_docx",
    "summary_docx",
    "check_template",
    "Limits",
    "DocgenError",
    "DataError",
    "TemplateError",
    "TemplateLimitError",
    "TemplateSecurityError",
    "OutputError",
    "UsageError",
]

if TYPE_CHECKING:  # what type checkers and editors see
    from docgen.api import (
        check_template,
        indicator_docx,
        load_report,
        load_template,
        render_report,
        summary_docx,
    )
    from docgen.engine.template import Template
    from docgen.errors import (
        DataError,
        DocgenError,
        OutputError,
        TemplateError,
        TemplateLimitError,
        TemplateSecurityError,
        UsageError,
    )
    from docgen.limits import Limits


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'docgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
