"""Field paths: how docgen names a place in a data file (``indicators[2].result.value``).

One home for the rule, so that validation, rendering, the web form and the sheet
name the same field the same way, and a problem finds its line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: The lines of a data file's fields: field path -> line number ("" is the file).
LineMap = dict[str, int]
_METHOD_TAGS = {"milestone", "quantitative"}


def format_path(loc: Iterable[Any]) -> str:
    """A pydantic location as a field path a person reads.

    >>> format_path(("indicators", 2, "scoring", "quantitative", "targets"))
    'indicators[2].scoring.targets'
    """
    text = ""
    previous: Any = None
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif previous == "scoring" and part in _METHOD_TAGS:
            pass  # the discriminated union's tag is not a field of the file
        else:
            text += f".{part}" if text else str(part)
        previous = part
    return text


def indicator_path(single: bool, index: int) -> str:
    """Where an indicator stands: ``indicator`` in a file of one, else ``indicators[i]``.

    >>> indicator_path(True, 0), indicator_path(False, 3)
    ('indicator', 'indicators[3]')
    """
    return "indicator" if single else f"indicators[{index}]"


def line_for(path: str, lines: LineMap) -> int | None:
    """The line of a field, or of the nearest field around it that has one.

    >>> line_for("indicator.result.value", {"indicator": 4, "indicator.result": 9})
    9
    >>> line_for("indicators[1].code", {"": 1}) is None
    False
    """
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return lines.get("")
