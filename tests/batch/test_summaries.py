"""docgen batch --summary: one summary per (organization, fiscal year, round), in the manifest."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from helpers import FIXTURES

from docgen.cli import main

AGREEMENT = yaml.safe_load((FIXTURES / "agreement-2567-r6.yaml").read_text(encoding="utf-8"))
AS_OF = {6: "2024-03-31", 9: "2024-06-30"}
OFFICES = ("สำนักงานจังหวัดตัวอย่าง", "สำนักงานจังหวัดทดสอบ")


def office_round(organization: str, round_months: int) -> list[dict]:
    """The agreement of one office and round, split in two files as offices send them:
    the first three indicators in one, the rest one file each."""
    report = {**AGREEMENT["report"], "organization": organization, "round": round_months}
    report["as_of"] = AS_OF[round_months]
    report["sign_off"] = json.loads(json.dumps(report["sign_off"], default=str))
    indicators = AGREEMENT["indicators"]
    files = [{"schema_version": 1, "report": report, "indicators": indicators[:3]}]
    for indicator in indicators[3:]:
        files.append({"schema_version": 1, "report": report, "indicator": indicator})
    return files


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory) -> Path:
    inputs = tmp_path_factory.mktemp("inputs")
    for office_number, office in enumerate(OFFICES):
        for round_months in (6, 9):
            folder = inputs / f"office{office_number}" / f"r{round_months}"
            folder.mkdir(parents=True)
            for index, data in enumerate(office_round(office, round_months)):
                (folder / f"{index:02}.json").write_text(
                    json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8"
                )
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(
        main, ["batch", str(inputs), "-o", str(out), "--jobs", "1", "--summary", "-q"]
    )
    assert result.exit_code == 0, result.output
    return out


def test_two_offices_and_two_rounds_give_four_summaries(batch_out):
    manifest = json.loads((batch_out / "manifest.json").read_text(encoding="utf-8"))
    summaries = manifest["summaries"]
    assert [(s["organization"], s["fiscal_year"], s["round"]) for s in summaries] == [
        (OFFICES[0], 2567, 6),
        (OFFICES[0], 2567, 9),
        (OFFICES[1], 2567, 6),
        (OFFICES[1], 2567, 9),
    ]
    for entry in summaries:
        assert entry["status"] == "written"
        assert entry["indicators"] == 10
        assert len(entry["inputs"]) == 8  # one file of three, seven of one
        assert entry["composite"] == "3.5353"  # the fixture's hand-worked figure
        assert entry["composite_note"] == "คิดจากตัวชี้วัดที่ประเมินในรอบนี้ น้ำหนักรวม 85"
        assert (batch_out / entry["outputs"]["docx"]).is_file()
    names = {s["outputs"]["docx"] for s in summaries}
    assert len(names) == 4
    assert f"2567-r9-summary-{OFFICES[0]}.docx" in names


def test_a_groups_summary_is_the_single_files_summary(batch_out):
    document = docx.Document(str(batch_out / f"2567-r6-summary-{OFFICES[0]}.docx"))
    text = [p.text for p in document.paragraphs]
    assert OFFICES[0] in text
    assert "คะแนนรวม : 3.5353 (คิดจากตัวชี้วัดที่ประเมินในรอบนี้ น้ำหนักรวม 85)" in text
    table = next(
        t
        for t in document.tables
        if t.rows[0].cells[-1].text.replace("\n", "") == "ค่าคะแนนถ่วงน้ำหนัก"
    )
    codes = [row.cells[0].text.split(" ", 1)[0] for row in table.rows[2:]]
    assert codes[:6] == ["มิติที่", "1.1", "1.2", "1.3", "1.10", "รวมมิติที่"]


def test_batch_web_and_render_give_the_same_summary(tmp_path):
    """One office's file: `render --summary`, `batch --summary` and the web form's
    download are the same document."""
    from docgen import api
    from docgen.web import create_app

    source = FIXTURES / "agreement-2567-r6.yaml"
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / source.name).write_bytes(source.read_bytes())
    rendered = api.render_report(source, out_dir=tmp_path / "render", summary=True)
    result = CliRunner().invoke(
        main, ["batch", str(inputs), "-o", str(tmp_path / "batch"), "--summary", "-q"]
    )
    assert result.exit_code == 0, result.output
    [entry] = json.loads((tmp_path / "batch" / "manifest.json").read_text("utf-8"))["summaries"]
    client = create_app(inputs, pdf=False).test_client()
    web = client.get(
        "/summary",
        query_string={"organization": OFFICES[0], "fiscal_year": 2567, "round": 6},
    )
    assert web.status_code == 200
    (tmp_path / "web.docx").write_bytes(web.data)

    def body(path):
        with zipfile.ZipFile(path) as package:
            return package.read("word/document.xml")

    expected = body(rendered.summary.path)
    assert body(tmp_path / "batch" / entry["outputs"]["docx"]) == expected
    assert body(tmp_path / "web.docx") == expected
