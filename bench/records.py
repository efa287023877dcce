"""Varied, seed-like reports for the benchmark: every indicator of many offices.

Each record is the seed form's data changed the way real batches differ: the
office and its people, year and round, how many steps are done and how far,
milestone or quantitative scoring, and how much the clerk wrote. The texts are
cut from the seed's own (so the Thai, the HTML and the list items are real),
and each office's details carry its own sentence, so no two documents are the
same. An indicator's definition (its steps and description) is shared by all
offices, as it is in a real round of reports.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import yaml

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "indicator-3.2.yaml"
INDICATORS = 20  # per office and round
PROVINCES = [
    "ขอนแก่น", "เชียงใหม่", "นครราชสีมา", "สงขลา", "ชลบุรี", "อุดรธานี", "ภูเก็ต", "ลำปาง",
    "พิษณุโลก", "สุราษฎร์ธานี", "อุบลราชธานี", "นครสวรรค์", "ระยอง", "ตรัง", "น่าน", "เลย",
]  # fmt: skip
NAMES = [
    "นายสมชาย มีสุข", "นางสาวสุดารัตน์ ใจดี", "นายวิชัย ศรีสุข", "นางมาลี แก้วกล้า",
    "นายประเสริฐ ทองดี", "นางพรรณวิภา ปิยะมปุตรระ", "นายชูเกียรติ บุศยรัตน์",
]  # fmt: skip
POSITIONS = [None, "จวค. 8ว", "นักวิเคราะห์นโยบายและแผน 7ว", "เจ้าพนักงานธุรการ"]


def _paragraphs(text: str) -> list[str]:
    """The seed's rich text cut into paragraphs, HTML ones and plain ones alike."""
    html = re.findall(r"<p>.*?</p>", text, flags=re.DOTALL)
    plain = [p for p in re.split(r"\n\s*\n", re.sub(r"<p>.*?</p>", "", text)) if p.strip()]
    return html + plain


def _seed() -> dict[str, Any]:
    return yaml.safe_load(SEED.read_text(encoding="utf-8"))


def make_records(count: int, seed: int = 6) -> list[tuple[str, dict[str, Any]]]:
    """`count` reports as (relative file name, data), office by office."""
    rng = random.Random(seed)
    base = _seed()
    indicator = base["indicator"]
    details = [_paragraphs(step.get("detail") or "") for step in indicator["result"]["steps"]]
    pool = [p for ps in details for p in ps] or ["ดำเนินการแล้วเสร็จ"]
    explanation = _paragraphs(indicator["explanation"])
    records = []
    for number in range(count):
        office, slot = divmod(number, INDICATORS)
        province = PROVINCES[office % len(PROVINCES)]
        code = f"{slot // 5 + 1}.{slot % 5 + 1}"
        year, round_ = 2550 + office % 3, (6, 12)[office // 3 % 2]
        own = f"สำนักงานจังหวัด{province} รายงานครั้งที่ {number + 1}"
        item: dict[str, Any] = {
            "code": code,
            "name": f"{indicator['name']} ({code})",
            "supervisors": [{"name": rng.choice(NAMES)}],
            "supervisor_phone": f"0-{rng.randint(2000, 5999)}-{rng.randint(1000, 9999)}",
            "collectors": [
                {"name": rng.choice(NAMES), "position": rng.choice(POSITIONS)}
                for _ in range(rng.randint(1, 3))
            ],
            "description": indicator["description"],
            "weight": rng.choice([2, 3, 4, 5, 10]),
            "explanation": "\n\n".join(explanation[: rng.randint(1, len(explanation))]),
            "supporting_factors": f"{own}: {indicator['supporting_factors']}",
            "obstacles": rng.choice(["", "งบประมาณล่าช้า", "<p>บุคลากรไม่เพียงพอ</p>"]),
            "evidence": rng.sample(indicator["evidence"], rng.randint(1, 5)),
        }
        if slot % 4 == 3:  # a quarter of the indicators are quantitative
            start = rng.choice([50, 60, 70])
            item["scoring"] = {
                "method": "quantitative",
                "unit": "ร้อยละ",
                "targets": [start + 5 * i for i in range(5)],
            }
            item["result"] = {"value": round(rng.uniform(start - 5, start + 25), 2)}
        else:
            done = rng.randint(1, 5)
            steps = []
            for step in range(1, 6):
                entry: dict[str, Any] = {"step": step, "done": step <= done}
                if step == done + 1:
                    entry["progress"] = rng.choice([0, 0.25, 0.5])
                if step <= done and rng.random() < 0.7:
                    kept = rng.sample(pool, min(len(pool), rng.randint(1, 6)))
                    entry["detail"] = f"<p>{own}</p>" + "".join(kept)
                steps.append(entry)
            item["scoring"] = {"method": "milestone", "steps": indicator["scoring"]["steps"]}
            item["result"] = {"steps": steps}
        data = {
            "schema_version": 1,
            "report": {
                "fiscal_year": year,
                "round": round_,
                "organization": f"สำนักงานจังหวัด{province}",
                "as_of": f"{year - 543}-{'03-31' if round_ == 6 else '09-30'}",
            },
            "indicator": item,
        }
        records.append((f"office-{office:03d}/{code}.json", data))
    return records


def write_records(folder: Path, count: int, seed: int = 6) -> list[Path]:
    """Write the records as JSON files under `folder` (one subfolder per office)."""
    paths = []
    for name, data in make_records(count, seed):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths
