"""นำเข้าจาก Excel in the web form: a preview first, then the same import; and the export."""

from __future__ import annotations

import html
import io
from pathlib import Path

import openpyxl
from helpers import ROWS, snapshot, write_xlsx
from support import SEED_NAME, client, form_fields, workspace

__all__ = ["client", "workspace"]  # fixtures


def _upload(client, path: Path, name: str | None = None):
    data = {"sheet": (io.BytesIO(path.read_bytes()), name or path.name)}
    return client.post("/sheet/import", data=data, content_type="multipart/form-data")


def test_the_front_page_offers_the_import_and_the_export(client):
    page = client.get("/").get_data(as_text=True)
    assert 'action="/sheet/import"' in page and "นำเข้าจาก Excel" in page
    assert 'href="/sheet/export/2550-r12.xlsx?organization=' in page
    assert ">ดาวน์โหลด Excel</a>" in page


def test_an_upload_is_previewed_then_imported_on_confirmation(client, workspace, tmp_path):
    sheet = write_xlsx(tmp_path / "agreement.xlsx")
    before = snapshot(workspace)
    response = _upload(client, sheet)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert (
        "<td><code>2567-r6-1.1.yaml</code></td>\n      <td>1.1</td>\n      <td>สร้างไฟล์ใหม่</td>"
        in page
    )
    assert "ยืนยันการนำเข้า (2 ไฟล์)" in page
    assert snapshot(workspace) == before  # the preview writes nothing
    done = client.post("/sheet/import/apply", data=form_fields(response.get_data(as_text=True)))
    assert done.status_code == 200
    assert "นำเข้าแล้ว: เปลี่ยน 2 ไฟล์" in done.get_data(as_text=True)
    assert sorted(snapshot(workspace)) == ["2567-r6-1.1.yaml", "2567-r6-1.10.yaml", SEED_NAME]
    again = html.unescape(_upload(client, sheet).get_data(as_text=True))
    assert again.count("ไม่เปลี่ยนแปลง") == 2 and "ยืนยันการนำเข้า (0 ไฟล์)" in again


def test_a_bad_sheet_lists_every_problem_and_offers_no_confirmation(client, workspace, tmp_path):
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][2], rows[1][11] = "สิบ", "1-9"
    sheet = write_xlsx(tmp_path / "agreement.xlsx", rows=rows)
    before = snapshot(workspace)
    response = _upload(client, sheet, "ตัวชี้วัด 2567.xlsx")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "พบปัญหา 2 รายการ" in page
    assert '<strong>sheet ตัวชี้วัด, row 2, column น้ำหนัก</strong>: expected a number, got "สิบ"' in page
    assert "<strong>sheet ตัวชี้วัด, row 3, column ผลการดำเนินงาน</strong>" in page
    assert "ยืนยันการนำเข้า" not in page
    assert snapshot(workspace) == before
    macro = _upload(client, sheet, "agreement.xlsm")
    assert "macros" in macro.get_data(as_text=True)


def test_the_export_download_is_the_workspaces_sheet(client):
    response = client.get("/sheet/export/2550-r12.xlsx")
    assert response.status_code == 200
    assert "2550-r12-agreement.xlsx" in response.headers["Content-Disposition"]
    table = openpyxl.load_workbook(io.BytesIO(response.data))["ตัวชี้วัด"]
    rows = [[c.value for c in row] for row in table.iter_rows()]
    assert rows[2][0] == "3.2" and rows[-1][2] == "คะแนนรวม"
    assert client.get("/sheet/export/2551-r6.xlsx").status_code == 404
