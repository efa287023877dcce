"""Thai wording of the validator's messages and of the form's field names.

The web form runs the same validation as the command line (`docgen.report.data`),
whose messages are English and name field paths. Clerks read Thai and know
the official form's labels, so the web layer translates both here. A message
without a translation is shown as it is: nothing the validator says is lost.
"""

from __future__ import annotations

import re

from docgen.errors import Problem

# (pattern of the validator's message, Thai text; {1}, {2} are the pattern's groups)
_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.DOTALL), thai)
    for p, thai in [
        (
            r"(?:YAML|JSON) syntax error: did not find expected '(.)' or '(.)'",
            "วงเล็บไม่ครบคู่: ต้องมีเครื่องหมาย {1} หรือ {2} ก่อนบรรทัดนี้",
        ),
        (
            r"(?:YAML|JSON) syntax error: .*while scanning a quoted scalar",
            "เครื่องหมายคำพูดเปิดไว้แต่ไม่ได้ปิด",
        ),
        (
            r"YAML syntax error: found character that cannot start any token",
            "มีอักขระที่ขึ้นต้นข้อมูลไม่ได้ (เช่น แท็บ): ใช้การเว้นวรรคแทนแท็บ",
        ),
        (
            r"YAML syntax error: mapping values are not allowed here",
            "มีเครื่องหมาย : เกินมาในบรรทัดนี้ ถ้าเป็นข้อความให้ใส่เครื่องหมายคำพูดครอบ",
        ),
        (r"(?:YAML|JSON) syntax error: unacceptable character", "มีอักขระที่ไฟล์ข้อมูลรับไม่ได้"),
        (r"JSON syntax error: Expecting", "ไฟล์เขียนผิดรูปแบบ: เครื่องหมายวงเล็บ จุลภาค หรือคำพูดไม่ครบ"),
        (r"(?:YAML|JSON) syntax error", "ไฟล์เขียนผิดรูปแบบ อ่านข้อมูลต่อจากบรรทัดนี้ไม่ได้"),
        (r"required field is missing$", "ต้องกรอกช่องนี้"),
        (r"String should have at least 1 character", "ต้องกรอกช่องนี้"),
        (r"expected a number, got the text ''$", "ต้องกรอกตัวเลข"),
        (r"expected a number, got the text '(.*)'$", "ต้องเป็นตัวเลข (ที่กรอกไว้: {1})"),
        (r"expected a number, not true/false", "ต้องเป็นตัวเลข"),
        (r"expected a finite number", "ต้องเป็นตัวเลขจริง"),
        (r"expected a valid integer", "ต้องเป็นจำนวนเต็ม"),
        (r"expected a valid (?:decimal|number)", "ต้องเป็นตัวเลข"),
        (r"expected greater than or equal to (\S+?),? got", "ต้องไม่น้อยกว่า {1}"),
        (r"expected greater than (\S+?),? got", "ต้องมากกว่า {1}"),
        (r"expected less than or equal to (\S+?),? got", "ต้องไม่เกิน {1}"),
        (r"expected less than (\S+?),? got", "ต้องน้อยกว่า {1}"),
        (r"expected 3, 6, 9 or 12", "เลือกรอบ 3, 6, 9 หรือ 12 เดือน"),
        (r'^"" is not a number', "ต้องกรอกตัวเลข"),
        (
            r'^"(.*)" is not a number: use a point for decimals \((\S+)\)',
            "{1} ไม่ใช่ตัวเลขที่อ่านได้: ใช้จุดทศนิยม ({2}) เครื่องหมายจุลภาคใช้คั่นหลักพันทีละสามหลักเท่านั้น (1,234.5)",
        ),
        (
            r'^"(.*)" is not a number: use a point for decimals',
            "{1} ไม่ใช่ตัวเลขที่อ่านได้: ใช้จุดทศนิยม เครื่องหมายจุลภาคใช้คั่นหลักพันทีละสามหลักเท่านั้น (1,234.5)",
        ),
        (r'^"(.*)" is not a number', "ต้องเป็นตัวเลข (ที่กรอกไว้: {1})"),
        (
            r"^\S+ \((.+?)\) is outside round (\d+) of fiscal year (\d+): expected a date from "
            r"(.+?) to (.+?) \(",
            "วันที่ {1} อยู่นอกรอบ {2} เดือน ปีงบประมาณ {3}: ต้องอยู่ระหว่าง {4} ถึง {5} "
            "(ตรวจสอบปี: ปี ค.ศ. น้อยกว่าปี พ.ศ. 543 ปี)",
        ),
        (
            r"step (\d+) has progress 1 \(100%\) but done: false",
            "ขั้นตอนที่ {1} คืบหน้าร้อยละ 100 แล้ว ให้ทำเครื่องหมายว่าแล้วเสร็จ",
        ),
        (
            r"is in dimension '(.*?)'.*which report\.dimensions does not declare",
            "มิติ {1} ไม่อยู่ในรายการมิติของรายงาน",
        ),
        (r"expected a valid date", "วันที่ไม่ถูกต้อง (ใช้รูปแบบ ปี ค.ศ.-เดือน-วัน เช่น 2007-09-30)"),
        (r"expected a valid boolean", "ต้องเป็น ใช่ หรือ ไม่ใช่"),
        (r"expected text in quotes", "ต้องเป็นข้อความ"),
        (r"expected a valid string", "ต้องเป็นข้อความ"),
        (r"expected a valid list", "ต้องเป็นรายการ"),
        (r"expected exactly (\d+) steps.*got (\d+)", "ต้องมีครบ {1} ขั้นตอน (ตอนนี้มี {2})"),
        (r"expected exactly (\d+) targets.*got (\d+)", "ต้องมีเป้าหมายครบ {1} ระดับ (ตอนนี้มี {2})"),
        (r"expected a unit such as", "ต้องกรอกหน่วยวัด เช่น ร้อยละ วัน หรือ บาท"),
        (
            r"date (\S+) is out of range",
            "วันที่ {1} อยู่นอกช่วงที่รับได้: ใช้ปี ค.ศ. ระหว่าง 1900 ถึง 2200 (เช่น 2007 ไม่ใช่ 2550)",
        ),
        (
            r"scoring\.\w+ is for quantitative indicators",
            "ช่องนี้ใช้กับตัวชี้วัดเชิงปริมาณ ไม่ใช่แบบขั้นความสำเร็จ (Milestone)",
        ),
        (
            r"scoring\.\w+ is for milestone indicators",
            "ช่องนี้ใช้กับตัวชี้วัดแบบขั้นความสำเร็จ (Milestone) ไม่ใช่เชิงปริมาณ",
        ),
        (r"List should have at least 1 item", "ต้องมีอย่างน้อย 1 รายการ"),
        (r"List should have at least (\d+) items.*not (\d+)", "ต้องมี {1} รายการ (ตอนนี้มี {2})"),
        (r"List should have at most (\d+) items.*not (\d+)", "ต้องมี {1} รายการ (ตอนนี้มี {2})"),
        (r"step (\d+) is listed twice", "ขั้นตอนที่ {1} ถูกกรอกซ้ำ"),
        (
            r"expected_score is (\S+) but the results give (\S+);",
            "คะแนนที่ระบุไว้ในไฟล์คือ {1} แต่ผลการดำเนินงานได้คะแนน {2}",
        ),
        (r"a quantitative indicator needs result\.value", "ต้องกรอกผลการดำเนินงาน (ตัวเลข)"),
        (
            r"result\.value is for quantitative indicators",
            "ตัวชี้วัดแบบขั้นความสำเร็จรายงานผลเป็นรายขั้นตอน ไม่ใช่ค่าตัวเลข",
        ),
        (
            r"result\.steps is for milestone indicators",
            "ตัวชี้วัดเชิงปริมาณรายงานผลเป็นค่าตัวเลข ไม่ใช่รายขั้นตอน",
        ),
        (
            r"targets must be strictly increasing",
            "เป้าหมายระดับ 1 ถึง 5 ต้องเพิ่มขึ้นทีละระดับ (ค่ามากเป็นผลดี)",
        ),
        (
            r"targets must be strictly decreasing",
            "เป้าหมายระดับ 1 ถึง 5 ต้องลดลงทีละระดับ (ค่าน้อยเป็นผลดี)",
        ),
        (
            r"expected method 'milestone' or 'quantitative'",
            "เลือกวิธีให้คะแนน: ระดับขั้นความสำเร็จ (Milestone) หรือเชิงปริมาณ",
        ),
        (
            r"the file holds more than (\d+) values",
            "ไฟล์มีข้อมูลเกิน {1} ค่า (ทั้งคำรับรองใช้เพียงไม่กี่พันค่า) จึงไม่อ่านไฟล์นี้",
        ),
        (
            r"the file holds more than (\d+) characters of text",
            "ไฟล์มีข้อความรวมเกิน {1} ตัวอักษร จึงไม่อ่านไฟล์นี้",
        ),
        (
            r"the file expands through its aliases \(\*name\) to more than (\d+)",
            "ไฟล์ใช้การอ้างอิงซ้ำ (*ชื่อ) จนข้อมูลเกิน {1} จึงไม่อ่านไฟล์นี้",
        ),
        (
            r"the value is (\d+) bytes long, over the limit of (\d+) bytes",
            "ข้อความในช่องนี้ยาว {1} ไบต์ เกินที่รับได้ {2} ไบต์",
        ),
        (
            r"nesting is deeper than (\d+) levels",
            "ข้อมูลซ้อนกันลึกเกิน {1} ชั้น (รูปแบบข้อมูลใช้ไม่เกิน 6 ชั้น)",
        ),
        (r"unknown field", "ไม่รู้จักช่องนี้ในรูปแบบข้อมูล (ตรวจการสะกดชื่อช่องในไฟล์)"),
        (r"duplicate key", "ช่องนี้ถูกกรอกซ้ำในไฟล์"),
        (r"code '(.*)' gives the file name (\S+), the same as", "รหัส {1} ซ้ำกับตัวชี้วัดอื่นในไฟล์"),
        (
            r"give exactly one of `indicator:`",
            "ไฟล์ต้องมีตัวชี้วัดเดียว หรือรายการตัวชี้วัดหลายตัว อย่างใดอย่างหนึ่งเท่านั้น",
        ),
    ]
]


def thai_message(message: str) -> str:
    """The validator's message in Thai; an unknown one is returned unchanged.

    >>> thai_message("expected less than or equal to 100, got 120")
    'ต้องไม่เกิน 100'
    >>> thai_message("something new")
    'something new'
    """
    for pattern, thai in _MESSAGES:
        match = pattern.search(message)
        if match:
            text = thai
            for number, group in enumerate(match.groups(), start=1):
                text = text.replace("{" + str(number) + "}", group)
            return text
    return message


_LABELS = {
    "report": "ข้อมูลรายงาน",
    "report.fiscal_year": "ปีงบประมาณ",
    "report.round": "รอบการรายงาน",
    "report.organization": "หน่วยงาน",
    "report.as_of": "ข้อมูล ณ วันที่",
    "indicator": "ตัวชี้วัด",
    "indicator.code": "ตัวชี้วัดที่",
    "indicator.name": "ชื่อตัวชี้วัด",
    "indicator.supervisors": "ผู้กำกับดูแลตัวชี้วัด",
    "indicator.supervisor_phone": "โทรศัพท์ (ผู้กำกับดูแลตัวชี้วัด)",
    "indicator.collectors": "ผู้จัดเก็บตัวชี้วัด",
    "indicator.collector_phone": "โทรศัพท์ (ผู้จัดเก็บตัวชี้วัด)",
    "indicator.description": "คำอธิบาย",
    "indicator.weight": "น้ำหนัก (ร้อยละ)",
    "indicator.scoring": "เกณฑ์การให้คะแนน",
    "indicator.scoring.steps": "ขั้นตอนของเกณฑ์การให้คะแนน",
    "indicator.scoring.unit": "หน่วยวัด",
    "indicator.scoring.targets": "เป้าหมายของเกณฑ์การให้คะแนน",
    "indicator.scoring.higher_is_better": "ทิศทางของเป้าหมาย",
    "indicator.result": "ผลการดำเนินงาน",
    "indicator.result.value": "ผลการดำเนินงาน",
    "indicator.result.steps": "ผลการดำเนินงานรายขั้นตอน",
    "indicator.explanation": "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ",
    "indicator.supporting_factors": "ปัจจัยสนับสนุนต่อการดำเนินงาน",
    "indicator.obstacles": "อุปสรรคต่อการดำเนินงาน",
    "indicator.evidence": "หลักฐานอ้างอิง",
    "indicator.expected_score": "คะแนนที่ระบุไว้ในไฟล์",
}
_ITEM_LABELS = {
    "indicator.supervisors": "ผู้กำกับดูแลตัวชี้วัด คนที่ {n}",
    "indicator.collectors": "ผู้จัดเก็บตัวชี้วัด คนที่ {n}",
    "indicator.scoring.steps": "เกณฑ์ ขั้นตอนที่ {n}",
    "indicator.scoring.targets": "เป้าหมายระดับ {n}",
    "indicator.result.steps": "ผลการดำเนินงาน ขั้นตอนที่ {n}",
    "indicator.evidence": "หลักฐานอ้างอิง ข้อ {n}",
}
_PART_LABELS = {
    "name": "ชื่อ",
    "position": "ตำแหน่ง",
    "done": "ดำเนินการแล้วเสร็จ",
    "progress": "ความคืบหน้า",
    "detail": "รายละเอียด",
}
_ITEM = re.compile(r"^(?P<list>[\w.]+)\[(?P<index>\d+)\](?:\.(?P<part>\w+))?$")


def field_label(name: str) -> str:
    """The Thai label of a form field, as a clerk finds it on the page.

    >>> field_label("indicator.collectors[1].name")
    'ผู้จัดเก็บตัวชี้วัด คนที่ 2: ชื่อ'
    >>> field_label("indicator.weight")
    'น้ำหนัก (ร้อยละ)'
    """
    if name in _LABELS:
        return _LABELS[name]
    match = _ITEM.match(name)
    if match and match["list"] in _ITEM_LABELS:
        label = _ITEM_LABELS[match["list"]].format(n=int(match["index"]) + 1)
        part = match["part"]
        return f"{label}: {_PART_LABELS.get(part, part)}" if part else label
    return name or "ทั้งไฟล์"


def thai_problem(problem: Problem) -> str:
    """One problem of a data file as a Thai sentence: the line, the field's label, what
    is wrong (the field path and the validator's English stay in the command line's
    messages).

    >>> thai_problem(Problem("", "YAML syntax error: found unexpected end of stream "
    ...     "(while scanning a quoted scalar)", 3))
    'บรรทัดที่ 3: เครื่องหมายคำพูดเปิดไว้แต่ไม่ได้ปิด'
    >>> thai_problem(Problem("indicator.weight", "expected less than or equal to 100, got 120", 9))
    'บรรทัดที่ 9: น้ำหนัก (ร้อยละ): ต้องไม่เกิน 100'
    """
    parts = [f"บรรทัดที่ {problem.line}"] if problem.line is not None else []
    if problem.path:
        parts.append(field_label(problem.path))
    parts.append(thai_message(problem.message))
    return ": ".join(parts)
