"""Numbers as people type them: Thai digits and thousands separators, never a guess.

A clerk may type ``1,234.5`` or ``๑,๒๓๔.๕``; both are 1234.5. A comma anywhere else
(``72,5``, ``1,23``) is a decimal comma or a slip, and reading it as 725 would score the
indicator silently wrong, so it is refused with a message that asks for a point. The
data loader and the web form share this one reading.

Leaf module: it imports nothing else from docgen.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["TypedNumberError", "parse_typed_number"]

_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
#: A sign, digits (grouped by commas in threes, or not at all), an optional fraction.
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+", re.ASCII)
_SPACES = " \t\u00a0\u202f"


class TypedNumberError(ValueError):
    """A text that is not a number as people write one; the message says what to write."""


def parse_typed_number(text: str) -> Decimal:
    """The number a person typed, exactly.

    >>> parse_typed_number("1,234.5"), parse_typed_number("๑,๒๓๔.๕"), parse_typed_number(" 72.5 ")
    (Decimal('1234.5'), Decimal('1234.5'), Decimal('72.5'))
    >>> parse_typed_number("72,5")
    Traceback (most recent call last):
    ...
    docgen.typed.TypedNumberError: "72,5" is not a number: use a point for decimals (72.5); a comma only separates thousands in groups of three (1,234.5)
    """
    shown = text.strip(_SPACES)
    arabic = shown.translate(_TO_ARABIC)
    if _NUMBER.fullmatch(arabic):
        try:
            return Decimal(arabic.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            pass
    if "," in arabic:
        hint = _decimal_comma_hint(arabic)
        raise TypedNumberError(
            f'"{shown}" is not a number: use a point for decimals{hint}; a comma only '
            "separates thousands in groups of three (1,234.5)"
        )
    raise TypedNumberError(f'"{shown}" is not a number; write digits, e.g. 72.5 or 1,234')


def _decimal_comma_hint(arabic: str) -> str:
    """``(72.5)`` when the text reads as a number with a decimal comma, else nothing."""
    if re.fullmatch(r"[+-]?\d+,\d+", arabic, re.ASCII):
        return f" ({arabic.replace(',', '.')})"
    return ""
