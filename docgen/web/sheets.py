"""The agreement sheet in the web form: "นำเข้าจาก Excel" and the export's download.

An upload is first imported as a dry run and shown (which files would be created,
updated and how, or left unchanged; or every bad cell); only the clerk's
confirmation runs the same import for real. The upload waits in a hidden folder of
the workspace under its content hash, so the confirmation names only that hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file

from docgen.report.excel import SheetError, export_bytes, import_sheet
from docgen.report.excel.workspace import data_files, read_data_file

bp = Blueprint("sheets", __name__, url_prefix="/sheet")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOADS = ".docgen-imports"
#: What may be uploaded; .xlsm and .xls are taken so that import can say why it refuses them.
UPLOAD_SUFFIXES = (".xlsx", ".csv", ".xlsm", ".xls")
KEEP_UPLOAD_SECONDS = 24 * 3600
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_THAI_ACTIONS = {"created": "สร้างไฟล์ใหม่", "updated": "ปรับปรุง", "unchanged": "ไม่เปลี่ยนแปลง"}


def _root() -> Path:
    return current_app.config["DOCGEN_WORKSPACE"].root


def _stored(digest: str, suffix: str) -> Path:
    if not _DIGEST.match(digest) or suffix not in UPLOAD_SUFFIXES:
        abort(400, "ไม่พบไฟล์ที่อัปโหลดไว้ อัปโหลดใหม่อีกครั้ง")
    return _root() / UPLOADS / f"{digest}{suffix}"


def _page(
    outcomes: list | None = None,
    error: SheetError | None = None,
    upload: tuple[str, str, str] | None = None,
    done: bool = False,
    status: int = 200,
) -> tuple[str, int]:
    rows = [(o, _THAI_ACTIONS[o.action]) for o in outcomes or []]
    changes = sum(o.action != "unchanged" for o in outcomes or [])
    return render_template(
        "import.html", rows=rows, error=error, upload=upload, done=done, changes=changes
    ), status


@bp.post("/import")
def upload() -> tuple[str, int]:
    """Keep the upload and show what importing it would do; nothing is written yet."""
    sent = request.files.get("sheet")
    if sent is None or not sent.filename:
        abort(400, "เลือกไฟล์ Excel (.xlsx) หรือ .csv ก่อนกดนำเข้า")
    name = Path(sent.filename.replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        abort(400, f"“{name}” ไม่ใช่ไฟล์ Excel (.xlsx) หรือ .csv")
    payload = sent.read()
    digest = hashlib.sha256(payload).hexdigest()
    path = _stored(digest, suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    _forget_old(path.parent)
    path.write_bytes(payload)
    try:
        outcomes = import_sheet(path, _root(), dry_run=True, name=name)
    except SheetError as exc:
        path.unlink(missing_ok=True)
        return _page(error=exc, status=422)
    return _page(outcomes, upload=(digest, suffix, name))


def _forget_old(folder: Path) -> None:
    """Uploads never confirmed are removed after a day."""
    now = time.time()
    for entry in folder.iterdir():
        with contextlib.suppress(OSError):
            if now - entry.stat().st_mtime > KEEP_UPLOAD_SECONDS:
                entry.unlink()


@bp.post("/import/apply")
def apply() -> tuple[str, int]:
    """Run the import that the clerk has seen (against the workspace as it is now)."""
    digest, suffix = request.form.get("digest", ""), request.form.get("suffix", "")
    name = Path(request.form.get("name", "") or "sheet").name
    path = _stored(digest, suffix)
    if not path.is_file():
        abort(400, "ไม่พบไฟล์ที่อัปโหลดไว้ (นำเข้าไปแล้ว หรือหมดอายุ) อัปโหลดใหม่อีกครั้ง")
    try:
        outcomes = import_sheet(path, _root(), name=name)
    except SheetError as exc:
        return _page(error=exc, status=422)
    finally:
        path.unlink(missing_ok=True)
    return _page(outcomes, done=True)


@bp.get("/export/<int:year>-r<int:months>.xlsx")
def download(year: int, months: int):
    """The report's indicators in the workspace as the agreement sheet, with the scores
    (``?organization=`` picks one office's when the workspace holds several)."""
    organization = request.args.get("organization")
    files = []
    for path in data_files(_root()):
        data = read_data_file(path)
        report = data.raw.get("report") if data else None
        if not isinstance(report, dict):
            continue
        if (report.get("fiscal_year"), report.get("round")) != (year, months):
            continue
        if organization is None or report.get("organization") == organization:
            files.append(path)
    if not files:
        abort(404, f"ไม่มีรายงานปีงบประมาณ {year} รอบ {months} ในโฟลเดอร์งาน")
    _, payload = export_bytes(files, ".xlsx")
    return send_file(
        io.BytesIO(payload),
        mimetype=XLSX_TYPE,
        as_attachment=True,
        download_name=f"{year}-r{months}-agreement.xlsx",
    )
