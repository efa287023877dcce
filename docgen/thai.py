"""Thai official-document formatting: digits, Buddhist Era dates, fiscal rounds, baht and numbers.

Government reports are checked by people who know these conventions by heart, so every
function here is small, exact and pure.  Month and day names come from Babel's CLDR data and
number words from PyThaiNLP; only the Buddhist Era arithmetic, the fiscal-year rules and the
assembly of the pieces are written by hand.

Leaf module: it imports nothing else from docgen.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import cache, lru_cache
from typing import Literal

from babel import Locale
from babel.dates import get_day_names, get_month_names
from babel.numbers import NumberPattern, parse_pattern

# PyThaiNLP fails at import where it cannot make its data folder; docgen needs none of it.
_PYTHAINLP_DATA = os.path.expanduser(os.environ.get("PYTHAINLP_DATA") or "~/pythainlp-data")
try:
    os.makedirs(_PYTHAINLP_DATA, exist_ok=True)
except OSError:
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
from pythainlp.util import num_to_thaiword  # noqa: E402

__all__ = [
    "RoundPeriod",
    "arabic_digits",
    "baht_text",
    "fiscal_year_of",
    "format_number",
    "number_words",
    "ROUNDS",
    "round_label",
    "round_period",
    "thai_date",
    "thai_digits",
    "with_unit",
]

DateStyle = Literal["long", "short", "full"]
DateLike = date | datetime | str
Number = Decimal | int | float | str

#: Buddhist Era year = Common Era year + 543.
BE_OFFSET = 543
#: Oldest and newest dates docgen formats; anything outside is almost surely a data-entry slip.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2200, 12, 31)
MIN_FISCAL_YEAR = 2400
MAX_FISCAL_YEAR = 2700
#: Report rounds, in months since 1 October: the month and day each round ends on.
_ROUND_ENDS: dict[int, tuple[int, int]] = {3: (12, 31), 6: (3, 31), 9: (6, 30), 12: (9, 30)}
#: The report rounds, in order.
ROUNDS: tuple[int, ...] = tuple(_ROUND_ENDS)
_STYLES: tuple[str, ...] = ("long", "short", "full")
_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
#: Units written before the number: "ร้อยละ 80", never "80 ร้อยละ".
PREFIX_UNITS = ("ร้อยละ",)
_DASH = " – "  # spaced en dash, as in "1 ตุลาคม 2549 – 30 กันยายน 2550"


# --------------------------------------------------------------------------- digits


def thai_digits(value: str | int | Decimal | float) -> str:
    """Write `value` with Thai digits (๐-๙); official documents use them in running text.

    Only the digits change, so signs, decimal points, commas and any words are kept.

    >>> thai_digits("2550")
    '๒๕๕๐'
    >>> thai_digits(-12)
    '-๑๒'
    >>> thai_digits(Decimal("-12.50"))
    '-๑๒.๕๐'
    >>> thai_digits("1,234.50 บาท")
    '๑,๒๓๔.๕๐ บาท'
    """
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal | float):
        raise TypeError(f"thai_digits expects str, int, Decimal or float, got {_type(value)}")
    # format(.., "f") keeps Decimal("1E+3") as "1000" instead of "1E+3".
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.translate(_TO_THAI)


def arabic_digits(text: str) -> str:
    """Turn Thai digits back into Arabic ones, so typed-in Thai numbers can be parsed.

    >>> arabic_digits("๒๕๕๐")
    '2550'
    >>> arabic_digits("-๑๒.๕๐ บาท")
    '-12.50 บาท'
    """
    if not isinstance(text, str):
        raise TypeError(f"arabic_digits expects str, got {_type(text)}")
    return text.translate(_TO_ARABIC)


# --------------------------------------------------------------------------- dates


def thai_date(value: DateLike, style: DateStyle = "long") -> str:
    """Format a date the way Thai official documents do, in the Buddhist Era.

    Styles: "long" (body text), "short" (tables; two-digit BE year) and "full" (signature
    blocks and headings).  Accepts `date`, `datetime` (its time is ignored) or an ISO string.

    >>> thai_date(date(2007, 9, 30))
    '30 กันยายน 2550'
    >>> thai_date("2007-09-30", "short")
    '30 ก.ย. 50'
    >>> thai_date(datetime(2007, 9, 30, 14, 5), style="full")
    'วันอาทิตย์ที่ 30 กันยายน พ.ศ. 2550'
    >>> thai_date(date(1899, 12, 31))
    Traceback (most recent call last):
    ...
    ValueError: date 1899-12-31 is out of range: docgen formats dates from 1 Jan 1900 to 31 Dec 2200
    """
    if style not in _STYLES:
        raise ValueError(f"unknown date style {style!r}: use one of 'long', 'short', 'full'")
    return _format_date(_checked_date(value), style)


def fiscal_year_of(value: DateLike) -> int:
    """Return the Thai government fiscal year (BE) a date falls in.

    The fiscal year runs 1 October - 30 September and is named after the year it ends in,
    so 1 October already belongs to the next fiscal year.

    >>> fiscal_year_of(date(2007, 9, 30))
    2550
    >>> fiscal_year_of(date(2006, 10, 1))
    2550
    >>> fiscal_year_of("2006-09-30")
    2549
    """
    day = _checked_date(value)
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


@dataclass(frozen=True)
class RoundPeriod:
    """The dates a report round covers, with both ways of writing them."""

    start: date
    end: date
    text: str  # "1 ตุลาคม 2549 – 30 กันยายน 2550"
    short_text: str  # "1 ต.ค. 49 – 30 ก.ย. 50"


def round_period(fiscal_year: int, round_months: int) -> RoundPeriod:
    """Return the period a 3-, 6-, 9- or 12-month report round of `fiscal_year` (BE) covers.

    Every round starts on 1 October of the previous year; rounds 3, 6, 9 and 12 end on
    31 December, 31 March, 30 June and 30 September.

    >>> p = round_period(2550, 6)
    >>> p.start, p.end
    (datetime.date(2006, 10, 1), datetime.date(2007, 3, 31))
    >>> p.text
    '1 ตุลาคม 2549 – 31 มีนาคม 2550'
    >>> round_period(2550, 12).short_text
    '1 ต.ค. 49 – 30 ก.ย. 50'
    >>> round_period(2567, 3).text
    '1 ตุลาคม 2566 – 31 ธันวาคม 2566'
    """
    _check_round(round_months)
    if isinstance(fiscal_year, bool) or not isinstance(fiscal_year, int):
        raise TypeError(f"fiscal year must be an int (BE, e.g. 2550), got {_type(fiscal_year)}")
    if not MIN_FISCAL_YEAR <= fiscal_year <= MAX_FISCAL_YEAR:
        raise ValueError(
            f"fiscal year {fiscal_year} is out of range: use a Buddhist Era year from "
            f"{MIN_FISCAL_YEAR} to {MAX_FISCAL_YEAR} (e.g. 2550, not 2007)"
        )
    ce_year = fiscal_year - BE_OFFSET
    end_month, end_day = _ROUND_ENDS[round_months]
    start = date(ce_year - 1, 10, 1)
    end = date(ce_year - 1 if end_month >= 10 else ce_year, end_month, end_day)
    # Fiscal years 2400-2442 start before MIN_DATE; they are valid here, so format unchecked.
    return RoundPeriod(
        start=start,
        end=end,
        text=_format_date(start, "long") + _DASH + _format_date(end, "long"),
        short_text=_format_date(start, "short") + _DASH + _format_date(end, "short"),
    )


def round_label(round_months: int) -> str:
    """Name a report round as report headings do.

    >>> round_label(9)
    'รอบ 9 เดือน'
    """
    _check_round(round_months)
    return f"รอบ {round_months} เดือน"


# --------------------------------------------------------------------------- money and numbers


def baht_text(amount: Decimal | int | str | float) -> str:
    """Spell out an amount of money in Thai, as written under figures on official forms.

    The amount is rounded half-up to the satang with Decimal first (a float is read through
    its shortest repr, so 2.345 means 2.345).  Negative amounts get the prefix "ลบ".

    >>> baht_text(Decimal("0.50"))
    'ห้าสิบสตางค์'
    >>> baht_text(21)
    'ยี่สิบเอ็ดบาทถ้วน'
    >>> baht_text("1000000.25")
    'หนึ่งล้านบาทยี่สิบห้าสตางค์'
    """
    sign, digits, _ = _quantize(_to_decimal(amount, "baht_text"), 2).as_tuple()
    # Exponent is now -2, so the digits read as a whole number of satang (exact, any size).
    satang_total = int("".join(map(str, digits))) * (-1 if sign else 1)
    if satang_total == 0:
        return "ศูนย์บาทถ้วน"
    # Assembled here from PyThaiNLP's num_to_thaiword rather than by calling
    # pythainlp.util.bahttext, because bahttext (checked against PyThaiNLP 5.4):
    # - accepts only int/float and rounds through f"{number:.2f}", i.e. through float;
    # - writes amounts under one baht as "ศูนย์บาทห้าสิบสตางค์", while the convention
    #   (and Excel's BAHTTEXT) is "ห้าสิบสตางค์".
    # For every amount of one baht or more the result is the same as bahttext's
    # (tests/test_thai.py checks that).
    baht, satang = divmod(abs(satang_total), 100)
    words = f"{num_to_thaiword(baht)}บาท" if baht else ""
    words += f"{num_to_thaiword(satang)}สตางค์" if satang else "ถ้วน"
    return f"ลบ{words}" if satang_total < 0 else words


def number_words(n: int) -> str:
    """Spell out an integer in Thai words (counts written out in full in the text).

    >>> number_words(101)
    'หนึ่งร้อยเอ็ด'
    >>> number_words(21)
    'ยี่สิบเอ็ด'
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number_words expects an int, got {_type(n)}")
    return num_to_thaiword(n)


def format_number(
    value: Decimal | int | str | float, decimals: int | None = None, grouping: bool = True
) -> str:
    """Format a number with thousands separators, rounding half-up without going through float.

    `decimals=None` keeps the value's own significant decimals and drops trailing zeros.
    Babel (locale th_TH) does the grouping; the rounding is done here first, because Babel
    rounds half-even and, by default, cuts to three decimals.

    >>> format_number(1234567.5)
    '1,234,567.5'
    >>> format_number(1234567.5, decimals=2)
    '1,234,567.50'
    >>> format_number(Decimal("0.2000"))
    '0.2'
    >>> format_number(2.345, decimals=2)
    '2.35'
    >>> format_number(1234, grouping=False)
    '1234'
    """
    number = _to_decimal(value, "format_number")
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int)):
        raise TypeError(f"decimals must be an int or None, got {_type(decimals)}")
    if decimals is not None and decimals < 0:
        raise ValueError(f"decimals must be 0 or more, got {decimals}")
    if decimals is None:
        with localcontext(prec=_digits_needed(number, 0)):
            exponent = number.normalize().as_tuple().exponent
        decimals = max(0, -int(exponent))
    number = _quantize(number, decimals)
    # Babel quantizes again in the current context; give it room and our rounding rule
    # (a no-op on an already-quantized value, but safe beyond the default 28 digits).
    with localcontext(prec=_digits_needed(number, decimals), rounding=ROUND_HALF_UP):
        return _number_pattern(decimals, grouping).apply(number, _THAI)


_THAI = Locale.parse("th_TH")


@lru_cache(maxsize=64)
def _number_pattern(decimals: int, grouping: bool) -> NumberPattern:
    """Babel's pattern for a number of decimals, parsed once (as `format_decimal` would)."""
    return parse_pattern(
        ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals else "")
    )


def with_unit(number: str, unit: str) -> str:
    """A formatted number with its unit in Thai word order.

    ร้อยละ (per cent) is read before the number, every other unit after it.

    >>> with_unit("72.5", "ร้อยละ"), with_unit("15", "วัน"), with_unit("98", "%")
    ('ร้อยละ 72.5', '15 วัน', '98%')
    """
    unit = unit.strip()
    if unit.startswith(PREFIX_UNITS):
        return f"{unit} {number}"
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}"


# --------------------------------------------------------------------------- helpers


@cache
def _month_names(width: str) -> dict[int, str]:
    return dict(get_month_names(width, locale="th"))


@cache
def _day_names() -> dict[int, str]:
    return dict(get_day_names("wide", locale="th"))  # 0 = Monday, already "วัน..."


def _format_date(day: date, style: str) -> str:
    # Month and day names come from Babel (CLDR "th"); the BE year arithmetic and the
    # assembly below are hand-written: Babel formats the Gregorian calendar only
    # (format_date(..., locale="th") gives "30 กันยายน ค.ศ. 2007"), and the official
    # styles ("ที่", "พ.ศ.", two-digit BE year) are fixed by convention, not by locale data.
    be_year = day.year + BE_OFFSET
    if style == "short":
        return f"{day.day} {_month_names('abbreviated')[day.month]} {be_year % 100:02d}"
    long = f"{day.day} {_month_names('wide')[day.month]}"
    if style == "full":
        return f"{_day_names()[day.weekday()]}ที่ {long} พ.ศ. {be_year}"
    return f"{long} {be_year}"


def _checked_date(value: DateLike) -> date:
    """Coerce to a `date` and enforce docgen's date range."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO date: write it as YYYY-MM-DD, e.g. 2007-09-30"
            ) from None
    else:
        raise TypeError(f"expected a date, datetime or ISO date string, got {_type(value)}")
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(
            f"date {day.isoformat()} is out of range: "
            "docgen formats dates from 1 Jan 1900 to 31 Dec 2200"
        )
    return day


def _check_round(round_months: int) -> None:
    if isinstance(round_months, bool) or not isinstance(round_months, int):
        raise TypeError(f"round must be an int (3, 6, 9 or 12 months), got {_type(round_months)}")
    if round_months not in _ROUND_ENDS:
        raise ValueError(f"round {round_months} is not a report round: use 3, 6, 9 or 12 (months)")


def _to_decimal(value: Number, caller: str) -> Decimal:
    """Exact Decimal of `value`; a float is taken at its shortest repr (2.345 -> 2.345)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise TypeError(f"{caller} expects a Decimal, int, float or str, got {_type(value)}")
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{caller}: {value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{caller}: {value!r} is not a finite number")
    return number


def _digits_needed(number: Decimal, decimals: int) -> int:
    """Context precision that holds `number` with `decimals` places without rounding."""
    digits = number.as_tuple().digits
    return max(28, number.adjusted() + 2 + decimals, len(digits) + 2)


def _quantize(number: Decimal, decimals: int) -> Decimal:
    """Round half-up to `decimals` places; never returns negative zero."""
    with localcontext(prec=_digits_needed(number, decimals)):
        rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def _type(value: object) -> str:
    return type(value).__name__
