"""Exact expectations for docgen.thai: every Thai string is written out in full."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal

import pytest
from pythainlp.util import bahttext

from docgen.thai import (
    RoundPeriod,
    arabic_digits,
    baht_text,
    fiscal_year_of,
    format_number,
    number_words,
    round_label,
    round_period,
    thai_date,
    thai_digits,
    with_unit,
)

# --------------------------------------------------------------------------- dates

MONTHS_2007 = [
    (date(2007, 1, 15), "15 มกราคม 2550", "15 ม.ค. 50"),
    (date(2007, 2, 28), "28 กุมภาพันธ์ 2550", "28 ก.พ. 50"),
    (date(2007, 3, 1), "1 มีนาคม 2550", "1 มี.ค. 50"),
    (date(2007, 4, 13), "13 เมษายน 2550", "13 เม.ย. 50"),
    (date(2007, 5, 5), "5 พฤษภาคม 2550", "5 พ.ค. 50"),
    (date(2007, 6, 30), "30 มิถุนายน 2550", "30 มิ.ย. 50"),
    (date(2007, 7, 4), "4 กรกฎาคม 2550", "4 ก.ค. 50"),
    (date(2007, 8, 12), "12 สิงหาคม 2550", "12 ส.ค. 50"),
    (date(2007, 9, 30), "30 กันยายน 2550", "30 ก.ย. 50"),
    (date(2007, 10, 23), "23 ตุลาคม 2550", "23 ต.ค. 50"),
    (date(2007, 11, 9), "9 พฤศจิกายน 2550", "9 พ.ย. 50"),
    (date(2007, 12, 31), "31 ธันวาคม 2550", "31 ธ.ค. 50"),
]


@pytest.mark.parametrize(("day", "long", "short"), MONTHS_2007, ids=lambda v: str(v))
def test_every_month_long_and_short(day: date, long: str, short: str) -> None:
    assert thai_date(day) == long
    assert thai_date(day, "long") == long
    assert thai_date(day, style="short") == short


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("long", "29 กุมภาพันธ์ 2551"),
        ("short", "29 ก.พ. 51"),
        ("full", "วันศุกร์ที่ 29 กุมภาพันธ์ พ.ศ. 2551"),
    ],
)
def test_leap_day_2008(style: str, expected: str) -> None:
    assert thai_date(date(2008, 2, 29), style) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2007, 10, 1), "วันจันทร์ที่ 1 ตุลาคม พ.ศ. 2550"),
        (date(2007, 10, 2), "วันอังคารที่ 2 ตุลาคม พ.ศ. 2550"),
        (date(2007, 10, 3), "วันพุธที่ 3 ตุลาคม พ.ศ. 2550"),
        (date(2007, 10, 4), "วันพฤหัสบดีที่ 4 ตุลาคม พ.ศ. 2550"),
        (date(2007, 10, 5), "วันศุกร์ที่ 5 ตุลาคม พ.ศ. 2550"),
        (date(2007, 10, 6), "วันเสาร์ที่ 6 ตุลาคม พ.ศ. 2550"),
        (date(2007, 10, 7), "วันอาทิตย์ที่ 7 ตุลาคม พ.ศ. 2550"),
        (date(2007, 9, 30), "วันอาทิตย์ที่ 30 กันยายน พ.ศ. 2550"),
    ],
)
def test_full_style_names_every_weekday(day: date, expected: str) -> None:
    assert thai_date(day, "full") == expected


@pytest.mark.parametrize(
    "value",
    [date(2007, 9, 30), datetime(2007, 9, 30, 23, 59, 59), "2007-09-30"],
    ids=["date", "datetime", "iso-string"],
)
def test_accepts_date_datetime_and_iso_string(value: date | str) -> None:
    assert thai_date(value) == "30 กันยายน 2550"
    assert thai_date(value, "short") == "30 ก.ย. 50"


@pytest.mark.parametrize(
    ("day", "style", "expected"),
    [
        (date(1900, 1, 1), "long", "1 มกราคม 2443"),
        (date(1900, 1, 1), "short", "1 ม.ค. 43"),
        (date(2200, 12, 31), "long", "31 ธันวาคม 2743"),
        (date(2200, 12, 31), "full", "วันพุธที่ 31 ธันวาคม พ.ศ. 2743"),
        # two-digit BE year keeps its leading zero: 2501 -> "01", 2500 -> "00"
        (date(1958, 1, 1), "short", "1 ม.ค. 01"),
        (date(1957, 6, 1), "short", "1 มิ.ย. 00"),
        (date(2057, 1, 1), "short", "1 ม.ค. 00"),
    ],
)
def test_range_edges_and_short_year_padding(day: date, style: str, expected: str) -> None:
    assert thai_date(day, style) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            date(1899, 12, 31),
            "date 1899-12-31 is out of range: docgen formats dates from 1 Jan 1900 to 31 Dec 2200",
        ),
        (
            "2201-01-01",
            "date 2201-01-01 is out of range: docgen formats dates from 1 Jan 1900 to 31 Dec 2200",
        ),
        (
            datetime(1899, 12, 31, 12, 0),
            "date 1899-12-31 is out of range: docgen formats dates from 1 Jan 1900 to 31 Dec 2200",
        ),
        ("30/09/2007", "'30/09/2007' is not an ISO date: write it as YYYY-MM-DD, e.g. 2007-09-30"),
        ("2007-02-30", "'2007-02-30' is not an ISO date: write it as YYYY-MM-DD, e.g. 2007-09-30"),
    ],
)
def test_thai_date_rejects_bad_dates(value: date | str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        thai_date(value)
    assert str(info.value) == message


@pytest.mark.parametrize("style", ["medium", "LONG", ""])
def test_unknown_style_names_the_allowed_styles(style: str) -> None:
    with pytest.raises(ValueError) as info:
        thai_date(date(2007, 9, 30), style)  # type: ignore[arg-type]
    assert str(info.value) == f"unknown date style {style!r}: use one of 'long', 'short', 'full'"


@pytest.mark.parametrize(
    ("value", "type_name"),
    [(20070930, "int"), (None, "NoneType"), (2007.5, "float"), (b"2007-09-30", "bytes")],
)
def test_thai_date_wrong_type_names_the_type(value: object, type_name: str) -> None:
    with pytest.raises(TypeError) as info:
        thai_date(value)  # type: ignore[arg-type]
    assert str(info.value) == f"expected a date, datetime or ISO date string, got {type_name}"


# --------------------------------------------------------------------------- fiscal years


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2006, 9, 30), 2549),
        (date(2006, 10, 1), 2550),
        (date(2007, 1, 1), 2550),
        (date(2007, 9, 30), 2550),
        (date(2007, 10, 1), 2551),
        (date(2019, 9, 30), 2562),
        (date(2019, 10, 1), 2563),
        (date(2023, 12, 31), 2567),
        (date(2024, 9, 30), 2567),
        (date(2024, 10, 1), 2568),
        (datetime(2024, 10, 1, 0, 0), 2568),
        ("2024-09-30", 2567),
        (date(1900, 1, 1), 2443),
        (date(2200, 12, 31), 2744),
    ],
    ids=str,
)
def test_fiscal_year_boundaries(day: date | str, fiscal_year: int) -> None:
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_of_checks_range_and_type() -> None:
    with pytest.raises(ValueError, match=r"^date 1899-12-31 is out of range: docgen formats"):
        fiscal_year_of(date(1899, 12, 31))
    with pytest.raises(TypeError, match=r"^expected a date, datetime or ISO date string, got int$"):
        fiscal_year_of(2550)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- rounds


@pytest.mark.parametrize(
    ("fiscal_year", "months", "start", "end", "text", "short_text"),
    [
        (
            2550,
            6,
            date(2006, 10, 1),
            date(2007, 3, 31),
            "1 ตุลาคม 2549 – 31 มีนาคม 2550",
            "1 ต.ค. 49 – 31 มี.ค. 50",
        ),
        (
            2550,
            9,
            date(2006, 10, 1),
            date(2007, 6, 30),
            "1 ตุลาคม 2549 – 30 มิถุนายน 2550",
            "1 ต.ค. 49 – 30 มิ.ย. 50",
        ),
        (
            2550,
            12,
            date(2006, 10, 1),
            date(2007, 9, 30),
            "1 ตุลาคม 2549 – 30 กันยายน 2550",
            "1 ต.ค. 49 – 30 ก.ย. 50",
        ),
        (
            2567,
            6,
            date(2023, 10, 1),
            date(2024, 3, 31),
            "1 ตุลาคม 2566 – 31 มีนาคม 2567",
            "1 ต.ค. 66 – 31 มี.ค. 67",
        ),
        (
            2567,
            3,
            date(2023, 10, 1),
            date(2023, 12, 31),
            "1 ตุลาคม 2566 – 31 ธันวาคม 2566",
            "1 ต.ค. 66 – 31 ธ.ค. 66",
        ),
        (
            2567,
            9,
            date(2023, 10, 1),
            date(2024, 6, 30),
            "1 ตุลาคม 2566 – 30 มิถุนายน 2567",
            "1 ต.ค. 66 – 30 มิ.ย. 67",
        ),
        (
            2567,
            12,
            date(2023, 10, 1),
            date(2024, 9, 30),
            "1 ตุลาคม 2566 – 30 กันยายน 2567",
            "1 ต.ค. 66 – 30 ก.ย. 67",
        ),
        # range edges; FY 2400 begins before 1900 and is still allowed
        (
            2400,
            6,
            date(1856, 10, 1),
            date(1857, 3, 31),
            "1 ตุลาคม 2399 – 31 มีนาคม 2400",
            "1 ต.ค. 99 – 31 มี.ค. 00",
        ),
        (
            2700,
            9,
            date(2156, 10, 1),
            date(2157, 6, 30),
            "1 ตุลาคม 2699 – 30 มิถุนายน 2700",
            "1 ต.ค. 99 – 30 มิ.ย. 00",
        ),
    ],
)
def test_round_period(
    fiscal_year: int, months: int, start: date, end: date, text: str, short_text: str
) -> None:
    period = round_period(fiscal_year, months)
    assert period == RoundPeriod(start=start, end=end, text=text, short_text=short_text)
    if period.start >= date(1900, 1, 1):  # fiscal_year_of only takes dates from 1900
        assert fiscal_year_of(period.start) == fiscal_year_of(period.end) == fiscal_year


def test_round_text_uses_a_spaced_en_dash() -> None:
    assert " \u2013 " in round_period(2550, 6).text


def test_round_period_is_frozen() -> None:
    period = round_period(2550, 6)
    with pytest.raises(dataclasses.FrozenInstanceError):
        period.text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fiscal_year", "months", "error", "message"),
    [
        (
            2399,
            6,
            ValueError,
            "fiscal year 2399 is out of range: use a Buddhist Era year from 2400 to 2700 "
            "(e.g. 2550, not 2007)",
        ),
        (
            2701,
            12,
            ValueError,
            "fiscal year 2701 is out of range: use a Buddhist Era year from 2400 to 2700 "
            "(e.g. 2550, not 2007)",
        ),
        (
            2007,
            6,
            ValueError,
            "fiscal year 2007 is out of range: use a Buddhist Era year from 2400 to 2700 "
            "(e.g. 2550, not 2007)",
        ),
        (2550, 7, ValueError, "round 7 is not a report round: use 3, 6, 9 or 12 (months)"),
        (2550, 4, ValueError, "round 4 is not a report round: use 3, 6, 9 or 12 (months)"),
        (2550, 0, ValueError, "round 0 is not a report round: use 3, 6, 9 or 12 (months)"),
        ("2550", 6, TypeError, "fiscal year must be an int (BE, e.g. 2550), got str"),
        (2550.0, 6, TypeError, "fiscal year must be an int (BE, e.g. 2550), got float"),
        (2550, "6", TypeError, "round must be an int (3, 6, 9 or 12 months), got str"),
        (2550, True, TypeError, "round must be an int (3, 6, 9 or 12 months), got bool"),
    ],
)
def test_round_period_errors(
    fiscal_year: object, months: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        round_period(fiscal_year, months)  # type: ignore[arg-type]
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("months", "label"),
    [(3, "รอบ 3 เดือน"), (6, "รอบ 6 เดือน"), (9, "รอบ 9 เดือน"), (12, "รอบ 12 เดือน")],
)
def test_round_label(months: int, label: str) -> None:
    assert round_label(months) == label


def test_round_label_rejects_other_rounds() -> None:
    with pytest.raises(ValueError) as info:
        round_label(7)
    assert str(info.value) == "round 7 is not a report round: use 3, 6, 9 or 12 (months)"


# --------------------------------------------------------------------------- digits


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2550", "๒๕๕๐"),
        (2550, "๒๕๕๐"),
        (0, "๐"),
        (1234567890, "๑๒๓๔๕๖๗๘๙๐"),
        (-12, "-๑๒"),
        ("-12.50", "-๑๒.๕๐"),
        (Decimal("-12.50"), "-๑๒.๕๐"),
        (Decimal("1E+3"), "๑๐๐๐"),
        (3.75, "๓.๗๕"),
        ("1,234.50 บาท", "๑,๒๓๔.๕๐ บาท"),
        ("30 กันยายน 2550", "๓๐ กันยายน ๒๕๕๐"),
        ("", ""),
    ],
    ids=repr,
)
def test_thai_digits(value: str | int | Decimal | float, expected: str) -> None:
    assert thai_digits(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("๒๕๕๐", "2550"),
        ("-๑๒.๕๐", "-12.50"),
        ("๑,๒๓๔,๕๖๗.๘๙", "1,234,567.89"),
        ("๓๐ กันยายน ๒๕๕๐", "30 กันยายน 2550"),
        ("2550", "2550"),
    ],
)
def test_arabic_digits(text: str, expected: str) -> None:
    assert arabic_digits(text) == expected


def test_digits_round_trip() -> None:
    text = "-0123456789.50"
    assert arabic_digits(thai_digits(text)) == text


@pytest.mark.parametrize(
    ("func", "value", "message"),
    [
        (thai_digits, None, "thai_digits expects str, int, Decimal or float, got NoneType"),
        (thai_digits, True, "thai_digits expects str, int, Decimal or float, got bool"),
        (arabic_digits, 2550, "arabic_digits expects str, got int"),
    ],
)
def test_digit_functions_reject_wrong_types(func, value: object, message: str) -> None:
    with pytest.raises(TypeError) as info:
        func(value)
    assert str(info.value) == message


# --------------------------------------------------------------------------- baht


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "ศูนย์บาทถ้วน"),
        (Decimal("0.50"), "ห้าสิบสตางค์"),
        ("0.50", "ห้าสิบสตางค์"),
        (0.5, "ห้าสิบสตางค์"),
        (1, "หนึ่งบาทถ้วน"),
        (21, "ยี่สิบเอ็ดบาทถ้วน"),
        (101, "หนึ่งร้อยเอ็ดบาทถ้วน"),
        (Decimal("1000000.25"), "หนึ่งล้านบาทยี่สิบห้าสตางค์"),
        ("1000000.25", "หนึ่งล้านบาทยี่สิบห้าสตางค์"),
        (1000000.25, "หนึ่งล้านบาทยี่สิบห้าสตางค์"),
        (Decimal("0.01"), "หนึ่งสตางค์"),
        (Decimal("0.21"), "ยี่สิบเอ็ดสตางค์"),
        (Decimal("11.11"), "สิบเอ็ดบาทสิบเอ็ดสตางค์"),
        (Decimal("100.00"), "หนึ่งร้อยบาทถ้วน"),
        (Decimal("1234.56"), "หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบหกสตางค์"),
        (21000000, "ยี่สิบเอ็ดล้านบาทถ้วน"),
        (-5, "ลบห้าบาทถ้วน"),
        (Decimal("-0.50"), "ลบห้าสิบสตางค์"),
        # half-up to the satang, in Decimal
        (Decimal("0.005"), "หนึ่งสตางค์"),
        (Decimal("0.004"), "ศูนย์บาทถ้วน"),
        (Decimal("-0.004"), "ศูนย์บาทถ้วน"),
        (2.345, "สองบาทสามสิบห้าสตางค์"),
        (Decimal("1.995"), "สองบาทถ้วน"),
        ("100.999", "หนึ่งร้อยเอ็ดบาทถ้วน"),
        # far beyond float precision: still exact to the satang
        (Decimal("100000000000000000000.01"), "หนึ่งร้อยล้านล้านล้านบาทหนึ่งสตางค์"),
    ],
    ids=repr,
)
def test_baht_text(amount: Decimal | int | str | float, expected: str) -> None:
    assert baht_text(amount) == expected


@pytest.mark.parametrize(
    "amount", [1, 21, 101, 1000000.25, 11.11, 1234.56, 99999999.99, 2000001, 1.01]
)
def test_baht_text_agrees_with_pythainlp_from_one_baht_up(amount: int | float) -> None:
    # Documents the claim in baht_text: we differ from bahttext only below one baht.
    assert baht_text(Decimal(repr(amount))) == bahttext(amount)


def test_pythainlp_bahttext_still_differs_below_one_baht() -> None:
    # If PyThaiNLP fixes this, the hand-written assembly in baht_text can go.
    assert bahttext(0.5) == "ศูนย์บาทห้าสิบสตางค์"
    assert baht_text(Decimal("0.5")) == "ห้าสิบสตางค์"


@pytest.mark.parametrize(
    ("amount", "error", "message"),
    [
        (None, TypeError, "baht_text expects a Decimal, int, float or str, got NoneType"),
        (True, TypeError, "baht_text expects a Decimal, int, float or str, got bool"),
        ("หนึ่งร้อย", ValueError, "baht_text: 'หนึ่งร้อย' is not a number"),
        (float("inf"), ValueError, "baht_text: inf is not a finite number"),
        (Decimal("NaN"), ValueError, "baht_text: Decimal('NaN') is not a finite number"),
    ],
)
def test_baht_text_errors(amount: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        baht_text(amount)  # type: ignore[arg-type]
    assert str(info.value) == message


# --------------------------------------------------------------------------- number words


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "ศูนย์"),
        (1, "หนึ่ง"),
        (10, "สิบ"),
        (11, "สิบเอ็ด"),
        (20, "ยี่สิบ"),
        (21, "ยี่สิบเอ็ด"),
        (101, "หนึ่งร้อยเอ็ด"),
        (111, "หนึ่งร้อยสิบเอ็ด"),
        (2550, "สองพันห้าร้อยห้าสิบ"),
        (1000000, "หนึ่งล้าน"),
        (11000011, "สิบเอ็ดล้านสิบเอ็ด"),
        (-21, "ลบยี่สิบเอ็ด"),
    ],
)
def test_number_words(n: int, expected: str) -> None:
    assert number_words(n) == expected


@pytest.mark.parametrize(
    ("n", "type_name"), [(1.0, "float"), ("21", "str"), (True, "bool"), (Decimal(5), "Decimal")]
)
def test_number_words_wants_an_int(n: object, type_name: str) -> None:
    with pytest.raises(TypeError) as info:
        number_words(n)  # type: ignore[arg-type]
    assert str(info.value) == f"number_words expects an int, got {type_name}"


# --------------------------------------------------------------------------- format_number


@pytest.mark.parametrize(
    ("value", "decimals", "grouping", "expected"),
    [
        (1234567.5, None, True, "1,234,567.5"),
        (1234567.5, 2, True, "1,234,567.50"),
        (Decimal("1234567.5"), 2, True, "1,234,567.50"),
        (Decimal("0.2000"), None, True, "0.2"),
        (Decimal("1.123456789"), None, True, "1.123456789"),  # Babel alone stops at 3
        (1000, None, True, "1,000"),
        (Decimal("1E+3"), None, True, "1,000"),
        (Decimal("1000.00"), None, True, "1,000"),
        (0, None, True, "0"),
        (Decimal("0.00"), None, True, "0"),
        ("-1234.5", None, True, "-1,234.5"),
        (999, None, True, "999"),
        (1234567, None, False, "1234567"),
        (1234.5, 2, False, "1234.50"),
        # half-up, never through float, never half-even
        (2.345, 2, True, "2.35"),
        (Decimal("2.345"), 2, True, "2.35"),
        (Decimal("2.125"), 2, True, "2.13"),
        (Decimal("3.33335"), 4, True, "3.3334"),
        (1.005, 2, True, "1.01"),
        (Decimal("2.5"), 0, True, "3"),
        (Decimal("-2.5"), 0, True, "-3"),
        (Decimal("999.995"), 2, True, "1,000.00"),
        (Decimal("-0.001"), 2, True, "0.00"),
        (
            Decimal("12345678901234567890123456789.5"),
            0,
            True,
            "12,345,678,901,234,567,890,123,456,790",
        ),
    ],
    ids=repr,
)
def test_format_number(
    value: Decimal | int | str | float, decimals: int | None, grouping: bool, expected: str
) -> None:
    assert format_number(value, decimals=decimals, grouping=grouping) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "error", "message"),
    [
        ("1,234", None, ValueError, "format_number: '1,234' is not a number"),
        (None, None, TypeError, "format_number expects a Decimal, int, float or str, got NoneType"),
        (float("nan"), 2, ValueError, "format_number: nan is not a finite number"),
        (1, -1, ValueError, "decimals must be 0 or more, got -1"),
        (1, 2.0, TypeError, "decimals must be an int or None, got float"),
    ],
)
def test_format_number_errors(
    value: object, decimals: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        format_number(value, decimals=decimals)  # type: ignore[arg-type]
    assert str(info.value) == message


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("number", "unit", "expected"),
    [
        ("72.5", "ร้อยละ", "ร้อยละ 72.5"),  # read before the number
        ("80", " ร้อยละ ", "ร้อยละ 80"),
        ("15", "วัน", "15 วัน"),
        ("1,250,000", "บาท", "1,250,000 บาท"),
        ("3.7", "คะแนน", "3.7 คะแนน"),
        ("98", "%", "98%"),
    ],
)
def test_with_unit_puts_the_unit_where_thai_reads_it(number: str, unit: str, expected: str) -> None:
    assert with_unit(number, unit) == expected
