"""Reading one cell of the agreement sheet: what it holds, or what was expected.

openpyxl gives a cell's cached value (text, int, float, datetime, bool or None); a
CSV gives text. Each reader accepts both, so the same sheet reads the same either
way, and raises `CellProblem` with the message a clerk reads next to the cell.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from docgen.thai import arabic_digits
from docgen.typed import TypedNumberError, parse_typed_number

CellValue = str | int | float | Decimal | bool | dt.datetime | dt.date | dt.time | None


class CellProblem(ValueError):
    """The cell does not hold what its column needs; the message says what was expected."""


def shown(value: CellValue) -> str:
    """A cell's value as the clerk typed it, for messages: text in quotes, numbers plain.

    >>> shown("สิบ"), shown(3.0), shown(True)
    ('"สิบ"', '3', 'TRUE')
    """
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format(_float_decimal(value).normalize(), "f")
    if isinstance(value, dt.datetime | dt.date):
        return f"the date {value:%Y-%m-%d}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f'"{text}"'
    return str(value)


def is_empty(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _float_decimal(value: float) -> Decimal:
    """A float as the shortest decimal that reads back as it (3.2, not 3.2000000000000002)."""
    return Decimal(repr(value))


def text(value: CellValue) -> str | None:
    """Free text as typed (names, step definitions); a number cell as its digits."""
    if is_empty(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | dt.datetime | dt.date | dt.time):
        raise CellProblem(f"expected text, got {shown(value)}")
    return shown(value)


def code(value: CellValue) -> str | None:
    """An indicator code: text, and a number cell as Excel shows it (3.2 -> "3.2").

    >>> code(3.2), code(4), code(" 3.10 ")
    ('3.2', '4', '3.10')
    """
    found = text(value)
    return None if found is None else found.strip()


def number(value: CellValue) -> Decimal | None:
    """A number cell, or text as people type numbers (docgen.typed: Thai digits, 1,234.5).

    >>> number("๑,๒๓๔.๕"), number(72.5), number(None)
    (Decimal('1234.5'), Decimal('72.5'), None)
    >>> number("สิบ")
    Traceback (most recent call last):
    docgen.report.excel.cells.CellProblem: expected a number, got "สิบ"
    """
    if is_empty(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise CellProblem(f"expected a number, got {shown(value)}")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellProblem(f"expected a number, got {shown(value)}")
        return _float_decimal(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    try:
        return parse_typed_number(value)
    except TypedNumberError as exc:
        if "," in value:
            raise CellProblem(f"expected a number; {exc}") from None
        raise CellProblem(f"expected a number, got {shown(value)}") from None


def integer(value: CellValue) -> int | None:
    """A whole number (a fiscal year, a round).

    >>> integer("๒๕๖๗"), integer(6.0)
    (2567, 6)
    """
    found = number(value)
    if found is None:
        return None
    if found != found.to_integral_value():
        raise CellProblem(f"expected a whole number, got {shown(value)}")
    return int(found)


def percent(value: CellValue) -> Decimal | None:
    """ร้อยละ 0-100 (a number; a trailing % is accepted)."""
    if isinstance(value, str):
        value = value.strip().removesuffix("%")
    found = number(value)
    if found is not None and not 0 <= found <= 100:
        raise CellProblem(f"expected ร้อยละ from 0 to 100, got {shown(value)}")
    return found


_STEP_PART = re.compile(r"(\d+)(?:\s*-\s*(\d+))?")


def steps_done(value: CellValue, step_count: int = 5) -> frozenset[int]:
    """The milestone steps done, written 1-3 or 1,2,3,5 (empty or - : none).

    >>> sorted(steps_done("1-3,5")), sorted(steps_done(2)), sorted(steps_done(None))
    ([1, 2, 3, 5], [2], [])
    """
    if is_empty(value) or (isinstance(value, str) and value.strip() in ("-", "0")):
        return frozenset()
    expected = f"expected the steps done such as 1-3 or 1,2,3,5, got {shown(value)}"
    if isinstance(value, dt.datetime | dt.date):
        raise CellProblem(expected + "; format the column as text so Excel keeps 1-3 as typed")
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = shown(value)
    if not isinstance(value, str):
        raise CellProblem(expected)
    done: set[int] = set()
    for part in arabic_digits(value).replace("และ", ",").split(","):
        match = _STEP_PART.fullmatch(part.strip())
        if not match:
            raise CellProblem(expected)
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if not 1 <= first <= last <= step_count:
            raise CellProblem(f"expected steps from 1 to {step_count}, got {shown(value)}")
        done.update(range(first, last + 1))
    return frozenset(done)


def steps_text(done: frozenset[int] | set[int]) -> str:
    """The steps done as the sheet writes them: runs of three or more as 1-3.

    >>> steps_text({1, 2, 3, 5}), steps_text({1, 2}), steps_text(set())
    ('1-3,5', '1,2', '')
    """
    parts: list[str] = []
    ordered = sorted(done)
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        if end - start >= 2:
            parts.append(f"{ordered[start]}-{ordered[end]}")
        else:
            parts.extend(str(n) for n in ordered[start : end + 1])
        start = end + 1
    return ",".join(parts)


def lines(value: CellValue) -> list[str]:
    """Several people in one cell: one per line, each trimmed (blank lines kept in place,
    so that positions line up with names).

    >>> lines("นาย ก\\r\\n นาง ข ")
    ['นาย ก', 'นาง ข']
    """
    found = text(value)
    if found is None:
        return []
    parts = [part.strip() for part in found.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while parts and not parts[-1]:
        parts.pop()
    return parts


def choice(value: CellValue, options: dict[str, str], what: str) -> str | None:
    """One of a few words (Thai or English), as the data format's value."""
    found = text(value)
    if found is None:
        return None
    key = found.strip().lower()
    if key not in options:
        accepted = " or ".join(dict.fromkeys(k for k in options if not k.isascii()))
        raise CellProblem(f"expected {what}: {accepted}, got {shown(value)}")
    return options[key]


def date(value: CellValue) -> dt.date | None:
    """A date cell, or text written 2024-03-31 (Gregorian, as in the data format)."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(arabic_digits(value).strip())
        except ValueError:
            pass
    raise CellProblem(
        f"expected a date (a date cell, or text such as 2024-03-31), got {shown(value)}"
    )
