"""Every message the validator gives about a form's field reads in Thai."""

from __future__ import annotations

import copy
import dataclasses
import re

import pytest
from helpers import seed_data

from docgen.errors import DataError
from docgen.limits import DEFAULT_LIMITS
from docgen.report.data import parse_yaml, validate
from docgen.web.messages import field_label, thai_message

THAI = re.compile("[\u0e00-\u0e7f]")
QUANTITATIVE = {"method": "quantitative", "unit": "ร้อยละ", "targets": [1, 2, 3, 4, 5]}


def _set(path: str, value):
    def change(raw: dict) -> None:
        *parents, last = path.split(".")
        target = raw
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is KeyError:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return change


# Each spoils the seed the way a form, a script or a hand edit can.
SPOILS = {
    "missing": _set("indicator.weight", KeyError),
    "empty text": _set("indicator.code", ""),
    "not a number": _set("indicator.weight", "abc"),
    "too few steps": _set("indicator.scoring.steps", ["a"] * 4),
    "too small": _set("indicator.weight", 0),
    "too big": _set("indicator.weight", 120),
    "below range": _set("report.fiscal_year", 2007),
    "not an integer": _set("report.fiscal_year", "abc"),
    "no such round": _set("report.round", 7),
    "bad date": _set("report.as_of", "2007-13-01"),
    "bad boolean": _set("indicator.result.steps.0.done", "maybe"),
    "progress too big": _set("indicator.result.steps.0.progress", 2),
    "number for text": _set("indicator.supervisor_phone", 22227821),
    "no supervisor": _set("indicator.supervisors", []),
    "step twice": _set("indicator.result.steps.1.step", 1),
    "expected score": _set("indicator.expected_score", 3),
    "unknown method": _set("indicator.scoring", {"method": "other"}),
    "no value": _set("indicator.scoring", QUANTITATIVE),
    "unordered targets": _set("indicator.scoring", {**QUANTITATIVE, "targets": [5, 4, 3, 2, 1]}),
    "unknown field": _set("indicator.colour", "red"),
    "blank unit": _set("indicator.scoring", {**QUANTITATIVE, "unit": " "}),
    "too few targets": _set("indicator.scoring", {**QUANTITATIVE, "targets": [1, 2]}),
    "other method's field": _set("indicator.scoring", {**QUANTITATIVE, "steps": ["a"] * 5}),
    "date out of range": _set("report.as_of", "2550-09-30"),
    "infinite": _set("indicator.weight", float("inf")),
    "decimal comma": _set("indicator.weight", "72,5"),
    "bad grouping": _set("indicator.weight", "1,23"),
    "as_of in the wrong era": _set("report.as_of", "2012-09-30"),
    "progress 1 not done": _set(
        "indicator.result.steps.0", {"step": 1, "done": False, "progress": 1}
    ),
    "undeclared dimension": _set("report.dimensions", [{"code": "1", "name": "มิติ"}]),
}


@pytest.fixture(scope="module")
def seed_raw():
    return seed_data()


@pytest.mark.parametrize("spoil", SPOILS.values(), ids=SPOILS.keys())
def test_the_validators_messages_have_thai_wording(seed_raw, spoil):
    raw = copy.deepcopy(seed_raw)
    spoil(raw)
    with pytest.raises(DataError) as caught:
        validate(raw)
    for problem in caught.value.problems:
        thai = thai_message(problem.message)
        assert thai != problem.message and THAI.search(thai), problem.message


SMALL = dataclasses.replace(DEFAULT_LIMITS, values=1000, text_chars=5000, value_bytes=4096)
# Each file is refused by a limit while it is read (`docgen.report.data`).
OVER_A_LIMIT = {
    "too many values": ("- 1\n" * 2000, "ไฟล์มีข้อมูลเกิน 1000 ค่า"),
    "too much text": ("".join(f"k{i}: {'ก' * 900}\n" for i in range(8)), "เกิน 5000 ตัวอักษร"),
    "aliases": ("a: &a [1, 2, 3, 4, 5, 6, 7, 8]\nb: [" + ", ".join(["*a"] * 200) + "]\n", "*ชื่อ"),
    "long value": ("a: '" + "ก" * 2000 + "'\n", "ยาว 6000 ไบต์ เกินที่รับได้ 4096 ไบต์"),
    "deep": ("a: " + "[" * 20 + "]" * 20 + "\n", "ลึกเกิน 10 ชั้น"),
}


@pytest.mark.parametrize(("text", "wording"), OVER_A_LIMIT.values(), ids=OVER_A_LIMIT.keys())
def test_a_file_over_a_limit_is_told_in_thai(text, wording):
    with pytest.raises(DataError) as caught:
        parse_yaml(text, SMALL)
    (problem,) = caught.value.problems
    assert wording in thai_message(problem.message), problem.message


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("report.round", "รอบการรายงาน"),
        ("indicator.supervisors[0].position", "ผู้กำกับดูแลตัวชี้วัด คนที่ 1: ตำแหน่ง"),
        ("indicator.result.steps[4].done", "ผลการดำเนินงาน ขั้นตอนที่ 5: ดำเนินการแล้วเสร็จ"),
        ("indicator.scoring.targets[0]", "เป้าหมายระดับ 1"),
        ("indicator.evidence[2]", "หลักฐานอ้างอิง ข้อ 3"),
        ("", "ทั้งไฟล์"),
    ],
)
def test_fields_are_named_with_the_forms_thai_labels(name, label):
    assert field_label(name) == label
