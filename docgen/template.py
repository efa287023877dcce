"""Where `Template` lived before docgen had packages; kept for one release.

Import it as ``docgen.Template`` (or from `docgen.engine.template`).
"""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["Template"]  # noqa: F822 (served by __getattr__, with a warning)


def __getattr__(name: str) -> Any:
    if name == "Template":
        warnings.warn(
            "docgen.template.Template moved: use docgen.Template",
            DeprecationWarning,
            stacklevel=2,
        )
        from docgen.engine.template import Template

        return Template
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
