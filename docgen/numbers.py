"""Numbers turned into text: the one home of that rule.

Three ways a number is shown, each with one function:

* `plain_number`: a value as typed, exactly, without exponent or trailing
  zeros (weight 4 prints 4, not 4.0): data written back, the web form's fields.
* `format_compact`: a computed figure rounded half-up to 4 decimals, as
  official tables print scores, without trailing zeros (5, 0.2, 3.3333).
* `format_score`: a score compact, or with a fixed number of decimals.

Grouped figures with Thai digits are `docgen.thai.format_number`'s. Imports
nothing of docgen but `docgen.thai`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from docgen import thai

__all__ = ["DISPLAY_PLACES", "display_round", "format_compact", "format_score", "plain_number"]

#: Scores and weighted scores are printed to this many places at most.
DISPLAY_PLACES = Decimal("0.0001")
_PRECISION = 50  # as docgen.report.scoring computes: far beyond the 4 places shown


def display_round(value: Decimal) -> Decimal:
    """Round half-up to 4 decimals, as official tables print scores.

    >>> display_round(Decimal("3.33335"))
    Decimal('3.3334')
    >>> display_round(Decimal("0.2"))
    Decimal('0.2000')
    """
    with localcontext(prec=max(_PRECISION, value.adjusted() + 6)):
        return value.quantize(DISPLAY_PLACES, rounding=ROUND_HALF_UP)


def format_compact(value: Decimal) -> str:
    """A figure rounded for display, without trailing zeros or exponent: 5, 0.2, 3.3333.

    >>> format_compact(Decimal("5.0000")), format_compact(Decimal("10")), format_compact(Decimal("2") / 3)
    ('5', '10', '0.6667')
    >>> format_compact(Decimal("-0.00001"))
    '0'
    """
    text = format(display_round(value).normalize(), "f")
    return "0" if text == "-0" else text


def format_score(value: Decimal | int | float | str, places: int | None = None) -> str:
    """A score as the seed prints it (compact), or with fixed decimals.

    >>> format_score(Decimal("5")), format_score(Decimal("0.2")), format_score(Decimal("3.5"))
    ('5', '0.2', '3.5')
    >>> format_score(Decimal("0.2"), 4), format_score(Decimal("3.33335"), 4)
    ('0.2000', '3.3334')
    """
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if places is None:
        return format_compact(number)
    text = thai.format_number(display_round(number), decimals=places, grouping=False)
    return "0" if text in ("-0", "") else text


def plain_number(value: Decimal | int | float) -> str:
    """A number as typed, exactly: no exponent, no trailing zeros (infinity and NaN as Python
    writes them).

    >>> plain_number(Decimal("4")), plain_number(Decimal("12.50")), plain_number(0.5)
    ('4', '12.5', '0.5')
    >>> plain_number(Decimal("1E+3")), plain_number(float("inf"))
    ('1000', 'inf')
    """
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        return format(number.to_integral_value(), "f")
    return format(number.normalize(), "f")
