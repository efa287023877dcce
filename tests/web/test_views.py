"""The web form through Flask's test client: what a clerk does, sees and gets."""

from __future__ import annotations

import html
import io
import json
import re
import shutil

import docx
import pytest
import yaml
from helpers import (
    FIXTURES,
    SEED_DATA,
    document_text,
    pdf_comparable,
    pdf_text,
    require_tool,
    seed_data,
    squash,
)
from support import SEED_NAME, client, error_for, form_fields, open_form, score_row, workspace

from docgen.errors import DataError
from docgen.report.data import load
from docgen.report.scoring import score_indicator
from docgen.web import create_app
from docgen.web.messages import thai_message

__all__ = ["client", "workspace"]  # fixtures

SEED_URL = f"/edit/{SEED_NAME}"
AGREEMENT = FIXTURES / "agreement-2567-r6.yaml"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def live_cell(page: str) -> str:
    match = re.search(r'<td id="live-score" data-live="score">([^<]*)</td>', page)
    assert match
    return match.group(1)


def test_list_shows_each_report_file_with_its_score(client, workspace):
    (workspace / "notes.txt").write_text("not a report")
    (workspace / "broken.yaml").write_text("report: [\n", encoding="utf-8")
    page = client.get("/").get_data(as_text=True)
    seed = load(SEED_DATA).indicator
    assert f'href="/edit/{SEED_NAME}">3.2 {seed.name}</a>' in page
    assert "<h2>สำนักพัฒนาและส่งเสริมการบริหารราชการจังหวัด สป. ปีงบประมาณ 2550 รอบ 12 เดือน</h2>" in page
    assert f'{seed.name}</a></td>\n      <td data-label="ค่าคะแนนที่ได้">5</td>' in page
    assert "notes.txt" not in page
    assert "broken.yaml" in page and "YAML syntax error" not in page
    assert "บรรทัดที่ 2: ไฟล์เขียนผิดรูปแบบ" in page  # a Thai sentence with the line


def test_open_shows_the_files_values_and_its_score(client):
    page, fields = open_form(client, SEED_URL)
    seed = load(SEED_DATA).indicator
    assert fields["indicator.code"] == "3.2"
    assert fields["indicator.name"] == seed.name
    assert fields["indicator.weight"] == "4"
    assert fields.getlist("report.round") == ["12"]
    # the date in พ.ศ.: day, Thai month, BE year (stored as 2007-09-30)
    as_of = [fields[f"report.as_of.{part}"] for part in ("day", "month", "year")]
    assert as_of == ["30", "9", "2550"]
    assert '<option value="9" selected>กันยายน</option>' in page
    assert fields["indicator.collectors[1].name"] == "นางพรรณวิภา ปิยะมปุตรระ"
    assert fields["indicator.collectors[1].position"] == "จวค. 7ว"
    assert [fields[f"indicator.scoring.steps[{k}]"] for k in range(5)] == seed.scoring.steps
    assert all(f"indicator.result.steps[{k}].done" in fields for k in range(5))
    assert fields["indicator.description"] == seed.description
    assert fields.getlist("indicator.evidence[6]") == [seed.evidence[6]]
    assert live_cell(page) == "5"
    assert f'data-live="explanation">{score_indicator(seed).explanation}</p>' in page


def test_saving_an_unchanged_form_keeps_the_data_and_the_files_comments(client, workspace):
    _, fields = open_form(client, SEED_URL)
    response = client.post(SEED_URL, data=fields)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert load(workspace / SEED_NAME) == load(SEED_DATA)
    text = (workspace / SEED_NAME).read_text(encoding="utf-8")
    assert text.splitlines()[:2] == SEED_DATA.read_text(encoding="utf-8").splitlines()[:2]


def test_the_date_is_typed_in_be_and_stored_as_an_iso_date(client, workspace):
    _, fields = open_form(client, SEED_URL)
    fields["report.as_of.day"] = "๒๘"
    fields["report.as_of.month"] = "9"
    fields["report.as_of.year"] = "2550"
    assert client.post(SEED_URL, data=fields).status_code == 303
    assert "as_of: 2007-09-28\n" in (workspace / SEED_NAME).read_text(encoding="utf-8")
    _, fields = open_form(client, SEED_URL)
    assert [fields[f"report.as_of.{p}"] for p in ("day", "month", "year")] == ["28", "9", "2550"]


def test_edit_and_save_writes_the_yaml_and_the_score_follows(client, workspace):
    _, fields = open_form(client, SEED_URL)
    del fields["indicator.result.steps[4].done"]
    fields["indicator.name"] = "ชื่อที่แก้ <b>&amp;</b> </w:t>"
    fields["indicator.collectors[5].name"] = "นางสาวใหม่ ทดสอบ"  # a row added in the browser
    fields["indicator.evidence[9]"] = "หลักฐานเพิ่ม"
    fields["indicator.weight"] = "๕"  # Thai digits are numbers too
    response = client.post(SEED_URL, data=fields)
    assert response.status_code == 303
    assert response.location.endswith(f"{SEED_URL}?saved=1")

    saved = load(workspace / SEED_NAME).indicator
    assert saved.name == "ชื่อที่แก้ <b>&amp;</b> </w:t>"
    assert [step.done for step in saved.result.steps] == [True, True, True, True, False]
    assert saved.collectors[-1].name == "นางสาวใหม่ ทดสอบ"
    assert saved.evidence[-1] == "หลักฐานเพิ่ม"
    assert saved.weight == 5
    assert score_indicator(saved).score == 4
    assert saved.expected_score == 4  # the file had one: it now holds the score shown

    page = client.get(response.location).get_data(as_text=True)
    assert "บันทึกแล้ว" in page
    assert live_cell(page) == "4"


@pytest.mark.parametrize("change", ["edited", "deleted"])
def test_a_stale_save_is_refused_and_nothing_is_overwritten(client, workspace, change):
    _, fields = open_form(client, SEED_URL)
    path = workspace / SEED_NAME
    if change == "edited":  # another clerk or a script saved in the meantime
        path.write_text(path.read_text(encoding="utf-8").replace("weight: 4", "weight: 6"))
        theirs = path.read_bytes()
    else:
        path.unlink()
    fields["indicator.name"] = "การแก้ไขของฉัน"
    response = client.post(SEED_URL, data=fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "ถูกแก้ไขหรือลบหลังจากที่คุณเปิดแบบฟอร์มนี้" in html.unescape(page)
    assert form_fields(page)["indicator.name"] == "การแก้ไขของฉัน"  # the clerk's typing is kept
    if change == "edited":
        assert path.read_bytes() == theirs
    else:
        assert not path.exists()


# (field, typed value, where the message shows, the Thai message)
BAD_INPUT = [
    ("indicator.weight", "120", "indicator.weight", "ต้องไม่เกิน 100"),
    ("indicator.weight", "abc", "indicator.weight", "ต้องเป็นตัวเลข (ที่กรอกไว้: abc)"),
    ("indicator.weight", "", "indicator.weight", "ต้องกรอกช่องนี้"),
    ("indicator.code", "", "indicator.code", "ต้องกรอกช่องนี้"),
    ("report.fiscal_year", "2007", "report.fiscal_year", "ต้องไม่น้อยกว่า 2400"),
    (
        "report.as_of",
        "30/09/2550",
        "report.as_of",
        "วันที่ไม่ถูกต้อง (ใช้รูปแบบ ปี ค.ศ.-เดือน-วัน เช่น 2007-09-30)",
    ),
    (
        "indicator.result.steps[3].progress",
        "150",
        "indicator.result.steps[3].progress",
        "ต้องเป็นร้อยละ 0 ถึง 100",
    ),
    ("indicator.collectors[1].name", "", "indicator.collectors[1].name", "ต้องกรอกช่องนี้"),
    (
        "indicator.scoring.method",
        "quantitative",
        "indicator.scoring.unit",
        "ต้องกรอกหน่วยวัด เช่น ร้อยละ วัน หรือ บาท",
    ),
    ("indicator.scoring.method", "quantitative", "indicator.scoring.targets[0]", "ต้องกรอกตัวเลข"),
]


@pytest.mark.parametrize(("field", "value", "slot", "message"), BAD_INPUT)
def test_validation_messages_show_in_thai_beside_the_field(
    client, workspace, field, value, slot, message
):
    before = (workspace / SEED_NAME).read_bytes()
    _, fields = open_form(client, SEED_URL)
    fields[field] = value
    response = client.post(SEED_URL, data=fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in error_for(page, slot).split(" · ")
    assert "ยังไม่ได้บันทึก" in page
    assert (workspace / SEED_NAME).read_bytes() == before


@pytest.mark.parametrize(
    ("yaml_old", "yaml_new", "field", "value"),
    [
        ("weight: 4", "weight: 120", "indicator.weight", "120"),
        ("fiscal_year: 2550", "fiscal_year: 2007", "report.fiscal_year", "2007"),
    ],
)
def test_the_form_and_the_command_line_give_the_same_verdict(
    client, tmp_path, yaml_old, yaml_new, field, value
):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED_DATA.read_text(encoding="utf-8").replace(yaml_old, yaml_new))
    with pytest.raises(DataError) as cli:
        load(bad)
    [problem] = cli.value.problems
    _, fields = open_form(client, SEED_URL)
    fields[field] = value
    page = client.post(SEED_URL, data=fields).get_data(as_text=True)
    assert error_for(page, problem.path) == thai_message(problem.message)


def test_a_file_with_problems_opens_with_the_messages_beside_the_fields(client, workspace):
    path = workspace / SEED_NAME
    path.write_text(path.read_text(encoding="utf-8").replace("weight: 4", "weight: 0"))
    page, fields = open_form(client, SEED_URL)
    assert fields["indicator.weight"] == "0"
    assert error_for(page, "indicator.weight") == "ต้องมากกว่า 0"


def test_download_docx_holds_the_edited_values_and_saves_nothing(client, workspace, tmp_path):
    before = (workspace / SEED_NAME).read_bytes()
    _, fields = open_form(client, SEED_URL)
    del fields["indicator.result.steps[4].done"]
    fields["indicator.name"] = "ตัวชี้วัดที่แก้ x < y & </w:t>"
    fields["indicator.supporting_factors:html"] = (
        "<div>ปัจจัย <b>ตัวหนา</b></div><div><u>ขีดเส้นใต้</u></div><script>alert(1)</script>"
    )
    fields["action"] = "docx"
    response = client.post(SEED_URL, data=fields)
    assert response.status_code == 200
    assert response.mimetype == DOCX
    assert "2550-r12-3.2.docx" in response.headers["Content-Disposition"]
    assert score_row(response.data) == ["ตัวชี้วัดที่แก้ x < y & </w:t>", "4", "4", "4", "0.16"]

    path = tmp_path / "download.docx"
    path.write_bytes(response.data)
    text = document_text(path)
    assert squash("ปัจจัยสนับสนุนต่อการดำเนินงาน :ปัจจัยตัวหนาขีดเส้นใต้อุปสรรค") in squash(text)
    assert "alert" not in text
    runs = [run for p in docx.Document(str(path)).paragraphs for run in p.runs]
    assert any(run.text == "ตัวหนา" and run.bold for run in runs)
    assert any(run.text == "ขีดเส้นใต้" and run.underline for run in runs)
    assert (workspace / SEED_NAME).read_bytes() == before


def test_download_of_invalid_data_shows_the_messages_instead(client):
    _, fields = open_form(client, SEED_URL)
    fields["indicator.weight"] = "0"
    fields["action"] = "docx"
    response = client.post(SEED_URL, data=fields)
    assert response.status_code == 422
    assert error_for(response.get_data(as_text=True), "indicator.weight") == "ต้องมากกว่า 0"


def test_pdf_without_libreoffice_is_a_clear_page(client):
    page, fields = open_form(client, SEED_URL)
    assert re.search(r'<button type="submit" name="action" value="pdf" disabled', page)
    fields["action"] = "pdf"
    response = client.post(SEED_URL, data=fields)
    assert response.status_code == 503
    assert "ไม่ได้ติดตั้ง LibreOffice" in response.get_data(as_text=True)


# (what changes on the seed's form, score, weighted score, the ผลการดำเนินงาน column)
LIVE = [
    ({}, "5", "0.2", "5"),
    ({"-indicator.result.steps[4].done": ""}, "4", "0.16", "4"),
    (
        {"-indicator.result.steps[4].done": "", "indicator.result.steps[4].progress": "50"},
        "4.5",
        "0.18",
        "4",
    ),
    ({"-indicator.result.steps[1].done": ""}, "1", "0.04", "1"),
    ({"indicator.weight": "abc"}, "5", "–", "5"),
    ({"indicator.name": "", "indicator.code": ""}, "5", "0.2", "5"),
    (
        {
            "indicator.scoring.method": "quantitative",
            "indicator.scoring.unit": "ร้อยละ",
            **{f"indicator.scoring.targets[{i}]": str(60 + 5 * i) for i in range(5)},
            "indicator.result.value": "72.5",
        },
        "3.5",
        "0.14",
        "ร้อยละ 72.5",
    ),
    ({"indicator.scoring.method": "quantitative"}, "–", "–", "–"),
]


@pytest.mark.parametrize(("changes", "score", "weighted", "result"), LIVE)
def test_live_score_is_the_engines_score_of_the_form_as_it_is(
    client, changes, score, weighted, result
):
    _, fields = open_form(client, SEED_URL)
    for key, value in changes.items():
        if key.startswith("-"):
            del fields[key[1:]]
        else:
            fields[key] = value
    answer = client.post("/api/score", data=fields).get_json()["score"]
    assert (answer["score"], answer["weighted"], answer["result"]) == (score, weighted, result)


def test_live_score_explains_and_reports_messages(client):
    _, fields = open_form(client, SEED_URL)
    del fields["indicator.result.steps[4].done"]
    fields["indicator.weight"] = "abc"
    answer = client.post("/api/score", data=fields).get_json()
    seed = load(SEED_DATA).indicator
    steps = [step.model_copy(update={"done": step.step < 5}) for step in seed.result.steps]
    unticked = seed.model_copy(update={"result": seed.result.model_copy(update={"steps": steps})})
    assert answer["score"]["explanation"] == score_indicator(unticked).explanation
    assert "4" in answer["score"]["explanation"]
    assert {
        "slot": "indicator.weight",
        "label": "น้ำหนัก (ร้อยละ)",
        "text": "ต้องเป็นตัวเลข (ที่กรอกไว้: abc)",
    } in answer["messages"]


def test_next_round_starts_from_last_rounds_file_with_results_cleared(client, workspace):
    page, fields = open_form(client, f"/new?from={SEED_NAME}")
    seed = load(SEED_DATA).indicator
    assert fields["report.fiscal_year"] == "2551"
    assert fields.getlist("report.round") == ["3"]  # 12 -> the next fiscal year's first round
    assert not [key for key in fields if key.endswith(".done")]
    assert fields["indicator.scoring.steps[0]"] == seed.scoring.steps[0]
    assert live_cell(page) == "0"

    response = client.post("/new", data=fields)
    assert response.status_code == 303
    created = workspace / "2551-r3-3.2.yaml"
    assert response.location.endswith("/edit/2551-r3-3.2.yaml?saved=1")
    report = load(created)
    assert (report.report.fiscal_year, report.report.round) == (2551, 3)
    assert report.indicator.name == seed.name
    assert score_indicator(report.indicator).score == 0
    assert load(workspace / SEED_NAME) == load(SEED_DATA)

    again = client.post("/new", data=fields)  # the same report started twice
    assert again.status_code == 409
    assert "มีไฟล์ชื่อ “2551-r3-3.2.yaml” อยู่แล้ว" in again.get_data(as_text=True)
    assert load(created) == report


def test_a_blank_new_form_says_what_is_missing_and_writes_nothing(client, workspace):
    _, fields = open_form(client, "/new")
    response = client.post("/new", data=fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for slot in ("report.fiscal_year", "report.round", "indicator.code", "indicator.weight"):
        assert error_for(page, slot) == "ต้องกรอกช่องนี้", slot
    assert error_for(page, "indicator.supervisors") == "ต้องมีอย่างน้อย 1 รายการ"
    assert sorted(p.name for p in workspace.iterdir()) == [SEED_NAME]


def test_one_indicator_of_a_file_with_several_is_edited_in_place(client, workspace):
    raw = seed_data()
    second = {**raw["indicator"], "code": "3.3", "expected_score": None}
    document = {
        "schema_version": 1,
        "report": raw["report"],
        "indicators": [raw["indicator"], second],
    }
    (workspace / "both.yaml").write_text(yaml.safe_dump(document, allow_unicode=True))
    before = load(workspace / "both.yaml")

    assert "ตัวที่ 2" in client.get("/").get_data(as_text=True)
    page, fields = open_form(client, "/edit/both.yaml?i=1")
    assert "ตัวชี้วัดลำดับที่ 2 จาก 2" in page
    assert fields["indicator.code"] == "3.3"
    fields["indicator.name"] = "ตัวที่สองแก้แล้ว"
    assert client.post("/edit/both.yaml?i=1", data=fields).status_code == 303
    after = load(workspace / "both.yaml")
    assert after.indicators[0] == before.indicators[0]
    assert after.indicators[1].name == "ตัวที่สองแก้แล้ว"
    assert client.get("/edit/both.yaml?i=2").status_code == 404


def test_a_json_file_is_saved_as_json(client, workspace):
    raw = seed_data()
    raw["report"]["as_of"] = raw["report"]["as_of"].isoformat()
    (workspace / "seed.json").write_text(json.dumps(raw, ensure_ascii=False))
    _, fields = open_form(client, "/edit/seed.json")
    fields["indicator.name"] = "ชื่อใน JSON"
    assert client.post("/edit/seed.json", data=fields).status_code == 303
    assert json.loads((workspace / "seed.json").read_text())["indicator"]["name"] == "ชื่อใน JSON"
    assert load(workspace / "seed.json").indicator.name == "ชื่อใน JSON"


OUTSIDE = [
    "/edit/%2e%2e/secret.yaml",
    "/edit/%2e%2e%2fsecret.yaml",
    "/edit/%2Fetc%2Fpasswd",
    "/edit/sub/x.yaml",
    "/edit/notes.txt",
    "/edit/.hidden.yaml",
    "/edit/missing.yaml",
    "/edit/link.yaml",
    "/new?from=%2e%2e/secret.yaml",
]


@pytest.mark.parametrize("url", OUTSIDE)
def test_paths_outside_the_workspace_get_a_clear_page(client, workspace, url):
    secret = workspace.parent / "secret.yaml"
    secret.write_bytes(SEED_DATA.read_bytes())
    (workspace / "link.yaml").symlink_to(secret)
    (workspace / "notes.txt").write_text("x")
    response = client.get(url, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<h1>ไม่พบไฟล์ในโฟลเดอร์งาน</h1>" in page or "<h1>ไม่พบหน้านี้</h1>" in page
    assert "ระดับผลสัมฤทธิ์" not in page  # nothing of the file outside is shown


@pytest.mark.parametrize("url", ["/edit/%2e%2e%2fout.yaml", "/edit/link.yaml"])
def test_nothing_is_written_outside_the_workspace(client, workspace, url):
    target = workspace.parent / "out.yaml"
    target.write_text("theirs")
    (workspace / "link.yaml").symlink_to(target)
    _, fields = open_form(client, SEED_URL)
    response = client.post(url, data=fields)
    assert response.status_code == 404
    assert target.read_text() == "theirs"


def _without(fields, key):
    del fields[key]
    return fields


# (how the post is spoiled, expected status, a phrase of the page)
MALFORMED = [
    (lambda f: _without(f, "base"), 400, "แบบฟอร์มไม่ครบ"),
    (lambda f: f.setlist("base", ["not-a-hash"]) or f, 400, "แบบฟอร์มไม่ครบ"),
    (lambda f: f.setlist("action", ["delete"]) or f, 400, "ไม่รู้จักคำสั่ง"),
    (lambda f: f.setlist("indicator.name", ["ก" * 1_100_000]) or f, 413, "ยาวเกินที่รับได้"),
]


@pytest.mark.parametrize(("spoil", "status", "phrase"), MALFORMED)
def test_malformed_posts_get_a_clear_page_and_change_nothing(
    client, workspace, spoil, status, phrase
):
    before = (workspace / SEED_NAME).read_bytes()
    _, fields = open_form(client, SEED_URL)
    response = client.post(SEED_URL, data=spoil(fields))
    assert response.status_code == status
    assert phrase in response.get_data(as_text=True)
    assert (workspace / SEED_NAME).read_bytes() == before


def test_fields_a_browser_never_sends_are_ignored(client, workspace):
    _, fields = open_form(client, SEED_URL)
    for key in (
        "indicator.supervisors[99999].name",
        "indicator.evidence[abc]",
        "indicator.result.steps[9].done",
        "report",
        "indicator.description:htm",
        "schema_version",
    ):
        fields[key] = "junk"
    assert client.post(SEED_URL, data=fields).status_code == 303
    assert load(workspace / SEED_NAME) == load(SEED_DATA)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (SEED_URL + "?i=abc", {}),
        ("/api/score", b"\xff\xfe%%%&&=="),
        ("/new", b"\x00\x01"),
    ],
)
def test_garbage_requests_never_crash_the_server(client, workspace, url, body):
    response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
    assert sorted(p.name for p in workspace.iterdir()) == [SEED_NAME]


def test_posts_from_another_site_are_refused(client, workspace):
    before = (workspace / SEED_NAME).read_bytes()
    _, fields = open_form(client, SEED_URL)
    response = client.post(SEED_URL, data=fields, headers={"Origin": "http://attacker.example"})
    assert response.status_code == 403
    assert (workspace / SEED_NAME).read_bytes() == before


def test_only_this_computers_names_are_answered(workspace):
    app = create_app(workspace, pdf=False, trusted_hosts=["127.0.0.1", "localhost"])
    client = app.test_client()
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    refused = client.get("/", headers={"Host": "rebound.attacker.example"})
    assert refused.status_code == 400
    assert "คำขอไม่ถูกต้อง" in refused.get_data(as_text=True)


@pytest.mark.libreoffice
def test_download_pdf_is_the_edited_report_converted_by_libreoffice(workspace, tmp_path):
    require_tool("soffice")
    client = create_app(workspace).test_client()  # PDF where LibreOffice is installed
    page, fields = open_form(client, SEED_URL)
    assert not re.search(r'value="pdf" disabled', page)
    fields["indicator.name"] = "ตัวชี้วัดทดลองพีดีเอฟ"
    fields["action"] = "pdf"
    response = client.post(SEED_URL, data=fields)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/pdf"
    assert "2550-r12-3.2.pdf" in response.headers["Content-Disposition"]
    path = tmp_path / "download.pdf"
    path.write_bytes(response.data)
    assert pdf_comparable("ตัวชี้วัดทดลองพีดีเอฟ") in pdf_comparable(pdf_text(path))


def _urlencoded(fields) -> str:
    from urllib.parse import urlencode

    return urlencode(list(fields.items(multi=True)))


@pytest.mark.parametrize(
    "spoil",
    [
        lambda f: f.setlist("indicator.name", ["ก" * 1_100_000]) or f,  # 3.3 MB in one field
        lambda f: [f.add(f"junk{i}", "x") for i in range(3000)] and f,  # 3,000 fields
    ],
    ids=["one-field-too-long", "too-many-fields"],
)
def test_urlencoded_posts_have_the_same_limits_as_multipart(client, workspace, spoil):
    """Werkzeug applies the field limits to multipart posts only; the form applies them
    to urlencoded posts (what browsers send) too."""
    before = (workspace / SEED_NAME).read_bytes()
    _, fields = open_form(client, SEED_URL)
    response = client.post(
        SEED_URL, data=_urlencoded(spoil(fields)), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "ยาวเกินที่รับได้" in response.get_data(as_text=True)
    assert (workspace / SEED_NAME).read_bytes() == before


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "null"}, 403),  # a sandboxed frame or a file: page elsewhere
        ({"Origin": "null", "Sec-Fetch-Site": "cross-site"}, 403),
        ({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, 303),  # the browser vouches
        ({}, 303),  # no Origin at all: an old browser or a script on this machine
    ],
    ids=["null-origin", "null-origin-cross-site", "null-origin-same-origin", "no-origin"],
)
def test_a_null_origin_needs_the_browser_to_say_same_origin(client, workspace, headers, status):
    _, fields = open_form(client, SEED_URL)
    fields["indicator.name"] = "ชื่อใหม่"
    response = client.post(SEED_URL, data=fields, headers=headers)
    assert response.status_code == status
    assert ("ชื่อใหม่" in (workspace / SEED_NAME).read_text()) == (status == 303)


def test_front_page_groups_an_offices_round_with_the_composite_and_summary(client, workspace):
    shutil.copy(AGREEMENT, workspace / "2567-r6-agreement.yaml")
    page = client.get("/").get_data(as_text=True)
    assert "<h2>สำนักงานจังหวัดตัวอย่าง ปีงบประมาณ 2567 รอบ 6 เดือน</h2>" in page
    codes = re.findall(r'href="/edit/2567-r6-agreement.yaml\?i=\d+">([\d.]+) ', page)
    assert codes == ["1.1", "1.2", "1.3", "1.10", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3"]
    assert '<td data-label="ค่าคะแนนที่ได้">ไม่ประเมินในรอบนี้</td>' in page
    assert '<td data-label="ค่าคะแนนที่ได้">ยกเลิก</td>' in page
    assert "<strong>3.5353</strong>" in page
    assert "คิดจากตัวชี้วัดที่ประเมินในรอบนี้ น้ำหนักรวม 85" in page
    link = re.search(r'href="(/summary\?[^"]*round=6)"', page).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == DOCX
    document = docx.Document(io.BytesIO(response.data))
    assert "คะแนนรวม : 3.5353 (คิดจากตัวชี้วัดที่ประเมินในรอบนี้ น้ำหนักรวม 85)" in [
        p.text for p in document.paragraphs
    ]


def test_a_summary_of_no_such_round_is_not_found(client):
    response = client.get("/summary?organization=x&fiscal_year=2567&round=6")
    assert response.status_code == 404


def test_a_result_typed_72_comma_5_is_refused_in_thai_beside_the_field(client):
    _, fields = open_form(client, SEED_URL)
    typed = {
        "indicator.scoring.method": "quantitative",
        "indicator.scoring.unit": "ร้อยละ",
        **{f"indicator.scoring.targets[{i}]": str(60 + 5 * i) for i in range(5)},
        "indicator.result.value": "72,5",
    }
    for key, value in typed.items():
        fields[key] = value  # replaces what the page had
    answer = client.post("/api/score", data=fields).get_json()
    assert answer["score"]["score"] == "–"  # never scored as 725
    assert {
        "slot": "indicator.result.value",
        "label": "ผลการดำเนินงาน",
        "text": "72,5 ไม่ใช่ตัวเลขที่อ่านได้: ใช้จุดทศนิยม (72.5) "
        "เครื่องหมายจุลภาคใช้คั่นหลักพันทีละสามหลักเท่านั้น (1,234.5)",
    } in answer["messages"]


def test_the_round_sequence_is_chosen_once_for_the_workspace(client, workspace):
    assert client.post("/rounds", data={"rounds": "6,12"}).status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert '<option value="6,12" selected>' in page
    following = client.get(f"/new?from={SEED_NAME}").get_data(as_text=True)
    assert 'value="2551"' in following  # 12 -> the next fiscal year's 6
    assert client.post("/rounds", data={"rounds": "7"}).status_code == 400


def test_a_save_keeps_the_fields_the_form_does_not_show(client, workspace):
    shutil.copy(AGREEMENT, workspace / "agreement.yaml")
    url = "/edit/agreement.yaml?i=1"  # 1.2: its own sign_off and a dimension
    _, fields = open_form(client, url)
    fields["indicator.explanation"] = "แก้คำชี้แจงแล้ว"
    assert client.post(url, data=fields).status_code == 303
    saved = yaml.safe_load((workspace / "agreement.yaml").read_text(encoding="utf-8"))
    original = yaml.safe_load(AGREEMENT.read_text(encoding="utf-8"))
    assert saved["report"]["dimensions"] == original["report"]["dimensions"]
    assert saved["report"]["sign_off"] == original["report"]["sign_off"]
    assert saved["indicators"][1]["sign_off"] == original["indicators"][1]["sign_off"]
    assert saved["indicators"][1]["dimension"] == "1"
    assert saved["indicators"][1]["explanation"] == "แก้คำชี้แจงแล้ว"
    assert saved["indicators"][6]["status"] == "not_assessed"


def test_next_round_in_the_form_keeps_status_dimension_and_signers(client, workspace):
    shutil.copy(AGREEMENT, workspace / "agreement.yaml")
    page, fields = open_form(client, "/new?from=agreement.yaml&i=1")
    assert 'action="/new?from=agreement.yaml&amp;i=1"' in page
    response = client.post("/new?from=agreement.yaml&i=1", data=fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    created = yaml.safe_load((workspace / "2567-r9-1.2.yaml").read_text(encoding="utf-8"))
    assert created["report"]["round"] == 9 and "as_of" not in created["report"]
    assert created["report"]["dimensions"][0]["code"] == "1"
    assert created["indicator"]["dimension"] == "1"
    assert created["indicator"]["sign_off"]["reporter"] == {
        "name": "นายสมชาย รักงาน",
        "position": "นักวิเคราะห์นโยบายและแผนปฏิบัติการ",
    }
    assert "date" not in created["report"]["sign_off"]["reporter"]


@pytest.mark.libreoffice
def test_the_summary_downloads_as_pdf(workspace, tmp_path):
    require_tool("soffice")
    shutil.copy(AGREEMENT, workspace / "agreement.yaml")
    client = create_app(workspace).test_client()  # PDF where LibreOffice is installed
    page = client.get("/").get_data(as_text=True)
    link = re.search(r'href="(/summary\?[^"]*format=pdf)"', page).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/pdf"
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.data)
    text = pdf_comparable(pdf_text(path))
    assert pdf_comparable("สำนักงานจังหวัดตัวอย่าง") in text
    assert "3.5353" in text


def test_an_evidence_photo_stays_through_an_unchanged_save(client, workspace):
    raw = yaml.safe_load((workspace / SEED_NAME).read_text(encoding="utf-8"))
    raw["indicator"]["evidence"][1] = {"text": "ภาพการประชุม", "image": "photos/a.png"}
    (workspace / SEED_NAME).write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    page, fields = open_form(client, SEED_URL)
    assert fields["indicator.evidence[1]"] == "ภาพการประชุม"  # the text, not a Python dict
    assert "รูปภาพ: photos/a.png" in page
    fields["indicator.evidence[0]"] = "ข้อแรกที่แก้"
    assert client.post(SEED_URL, data=fields).status_code == 303
    saved = yaml.safe_load((workspace / SEED_NAME).read_text(encoding="utf-8"))
    assert saved["indicator"]["evidence"][:2] == [
        "ข้อแรกที่แก้",
        {"text": "ภาพการประชุม", "image": "photos/a.png"},
    ]


def test_thai_digits_are_chosen_per_workspace_and_remembered(client, workspace, tmp_path):
    assert client.post("/settings/digits", data={"digits": "thai"}).status_code == 303
    assert '"digits": "thai"' in (workspace / ".docgen-settings.json").read_text()
    page = client.get("/").get_data(as_text=True)
    assert 'value="thai" checked' in page
    assert '<td data-label="ค่าคะแนนที่ได้">๕</td>' in page  # the list's figures
    page, fields = open_form(client, SEED_URL)
    assert live_cell(page) == "๕"
    fields["action"] = "docx"
    payload = client.post(SEED_URL, data=fields).get_data()
    assert score_row(payload)[1:] == ["๔", "๕", "๕", "๐.๒"]  # the document too
    client.post("/settings/digits", data={"digits": "arabic"})
    assert live_cell(open_form(client, SEED_URL)[0]) == "5"
