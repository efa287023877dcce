"""The pages: list the workspace, open or start a report, save it, download it.

Views only translate between HTTP and the engine: forms.py turns posts into
data, `docgen.report.data.validate` judges it, `docgen.api` renders it with the same
template as the command line, workspace.py reads and writes the files.
"""

from __future__ import annotations

import io
import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.exceptions import HTTPException

from docgen import api
from docgen.errors import (
    ConflictError,
    DataError,
    DocgenError,
    OutputError,
    Problem,
    WorkspaceError,
)
from docgen.numbers import format_score
from docgen.output import document_name
from docgen.report.agreement import code_key
from docgen.report.context import summary_context
from docgen.report.data import parse_json, parse_yaml, validate
from docgen.report.groups import group_reports
from docgen.report.model import Report
from docgen.report.next_round import (
    SEQUENCES,
    clear_round,
    remember_sequence,
    workspace_sequence,
)
from docgen.thai import ROUNDS, round_label, thai_digits
from docgen.web.forms import (
    THAI_MONTHS,
    Draft,
    IndicatorForm,
    LiveScore,
    Message,
    be_date_parts,
    live_score,
    messages_for,
)
from docgen.web.messages import thai_problem
from docgen.web.workspace import Snapshot, Workspace, serialize

log = logging.getLogger(__name__)
bp = Blueprint("docgen", __name__)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ACTIONS = ("save", "docx", "pdf")
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_INDEX = re.compile(r"^\d{1,4}$")


# --------------------------------------------------------------------------- helpers


def _workspace() -> Workspace:
    return current_app.config["DOCGEN_WORKSPACE"]


@dataclass(frozen=True)
class Opened:
    """A workspace file parsed for the form (valid or not) and the indicator shown."""

    snapshot: Snapshot
    raw: dict[str, Any]
    index: int | None  # place in `indicators:`; None for a file with `indicator:`
    problems: list[Problem]

    @property
    def indicator(self) -> Any:
        if self.index is None:
            return self.raw.get("indicator")
        return self.raw["indicators"][self.index]

    def merged(self, draft: Draft) -> dict[str, Any]:
        """The whole file with the form's report and indicator put in place."""
        report, indicator = draft.over(self.raw.get("report"), self.indicator)
        document: dict[str, Any] = {
            "schema_version": self.raw.get("schema_version", 1),
            "report": report,
        }
        if self.index is None:
            document["indicator"] = indicator
        else:
            items = list(self.raw["indicators"])
            items[self.index] = indicator
            document["indicators"] = items
        for key, value in self.raw.items():  # unknown keys stay for the validator to name
            document.setdefault(key, value)
        return document


def _parse(snapshot: Snapshot) -> tuple[Any, dict[str, int], list[Problem]]:
    parse = parse_json if snapshot.name.lower().endswith(".json") else parse_yaml
    try:
        return parse(snapshot.text)
    except DataError as exc:
        raise exc.with_file(snapshot.name) from None


def _open(name: str, index: int | None) -> Opened:
    snapshot = _workspace().read(name)
    raw, lines, problems = _parse(snapshot)
    if not isinstance(raw, dict):
        raise DataError(
            Problem("", "expected a mapping with `report:` and `indicator:` at the top"), name
        )
    items = raw.get("indicators")
    if isinstance(items, list) and "indicator" not in raw:
        if not items:
            raise DataError(Problem("indicators", "the list of indicators is empty"), name)
        index = index or 0
        if index >= len(items):
            raise WorkspaceError(f"ไฟล์ “{name}” มีตัวชี้วัด {len(items)} ตัว ไม่มีลำดับที่ {index + 1}")
    else:
        index = None
    try:
        validate(raw, lines, name)
    except DataError as exc:
        problems = [*problems, *exc.problems]
    return Opened(snapshot, raw, index, problems)


def _index_arg(source: Any) -> int | None:
    text = source.get("i")
    if text is None or text == "":
        return None
    if not isinstance(text, str) or not _INDEX.match(text):
        abort(400, "ลำดับตัวชี้วัด (i) ต้องเป็นตัวเลข")
    return int(text)


def _problems(document: dict[str, Any]) -> tuple[Report | None, list[Problem]]:
    try:
        return validate(document), []
    except DataError as exc:
        return None, exc.problems


def _score_view(live: LiveScore | None) -> dict[str, str]:
    """The score panel's texts, printed as the document prints them (in the workspace's
    digits)."""
    if live is None:
        return {"level": "–", "score": "–", "weighted": "–", "explanation": "", "result": "–"}
    if live.score is None:  # not assessed: the status, as the document prints it
        view = {
            "level": "–",
            "score": live.result,
            "weighted": "–",
            "explanation": live.explanation,
            "result": live.result,
        }
    else:
        view = {
            "level": str(live.level),
            "score": format_score(live.score),
            "weighted": format_score(live.weighted) if live.weighted is not None else "–",
            "explanation": live.explanation,
            "result": live.result,
        }
    return {key: _digits(value) for key, value in view.items()}


def _digits(text: str) -> str:
    """A figure in the digits the workspace chose."""
    return thai_digits(text) if _workspace().digits() == "thai" else text


def pdf_available() -> bool:
    """PDF downloads need LibreOffice, found the way ``docgen render --pdf`` finds it."""
    from docgen.pdf.convert import find_soffice

    try:
        find_soffice()
    except OutputError:
        return False
    return True


def _page(
    form: IndicatorForm,
    *,
    name: str | None,
    index: int | None,
    base: str = "",
    messages: list[Message] | None = None,
    notice: str = "",
    alert: str = "",
    status: int = 200,
    count: int | None = None,
    action: str | None = None,
) -> tuple[str, int]:
    draft = form.to_data()
    messages = messages or []
    by_slot: dict[str, list[str]] = {}
    for message in messages:
        if message.slot:
            by_slot.setdefault(message.slot, []).append(message.text)
    html = render_template(
        "edit.html",
        form=form,
        as_of_parts=be_date_parts(form.as_of),
        thai_months=THAI_MONTHS,
        name=name,
        index=index,
        count=count,
        base=base,
        messages=messages,
        by_slot=by_slot,
        score=_score_view(live_score(draft.indicator)),
        weight_text=form.weight or "–",
        notice=notice,
        alert=alert,
        pdf=current_app.config["DOCGEN_PDF"],
        action=action
        or (url_for("docgen.edit", name=name, i=index) if name else url_for("docgen.new")),
    )
    return html, status


def _count(opened: Opened) -> int:
    return 1 if opened.index is None else len(opened.raw["indicators"])


# --------------------------------------------------------------------------- the list


@dataclass(frozen=True)
class Listed:
    """One row of the list: an indicator of a workspace file, or a file that cannot open."""

    file: str
    index: int | None
    code: str = ""
    title: str = ""
    period: str = ""
    score: str = ""
    problems: int = 0
    error: str = ""


def _listing(name: str) -> list[Listed]:
    try:
        snapshot = _workspace().read(name)
        raw, lines, parse_problems = _parse(snapshot)
    except DataError as exc:
        return [Listed(name, None, error="; ".join(thai_problem(p) for p in exc.problems))]
    except DocgenError as exc:
        return [Listed(name, None, error=str(exc))]
    if not isinstance(raw, dict):
        return [Listed(name, None, error="ไม่ใช่ไฟล์รายงานตามรูปแบบข้อมูล")]
    report = raw.get("report") if isinstance(raw.get("report"), dict) else {}
    period = ""
    if report.get("round") in ROUNDS:
        period = f"ปีงบประมาณ {report.get('fiscal_year', '')} {round_label(report['round'])}"
    try:
        model = validate(raw, lines, name)
        problems: list[Problem] = list(parse_problems)
    except DataError as exc:
        model, problems = None, [*parse_problems, *exc.problems]
    multiple = isinstance(raw.get("indicators"), list) and "indicator" not in raw
    items = raw["indicators"] if multiple else [raw.get("indicator")]
    rows = []
    for number, item in enumerate(items):
        item = item if isinstance(item, dict) else {}
        score = ""
        if model is not None:
            live = live_score(item)
            score = _score_view(live)["score"] if live else ""
        rows.append(
            Listed(
                name,
                number if multiple else None,
                code=str(item.get("code", "")),
                title=str(item.get("name", "")),
                period=period,
                score=score,
                problems=len(problems),
            )
        )
    return rows


@dataclass(frozen=True)
class GroupListed:
    """An office's round on the front page: its indicators, composite and summary."""

    organization: str
    fiscal_year: int
    round: int
    heading: str
    rows: list[Listed]
    composite: str
    note: str
    total_weight: str


def _workspace_reports() -> tuple[dict[str, list[Listed]], list[tuple[str, Report]], list[Listed]]:
    """Each file's rows, the valid files' reports, and the rows of files with problems."""
    names = _workspace().names()
    rows = {name: _listing(name) for name in names}
    loaded, others = [], []
    for name in names:
        if any(row.error or row.problems for row in rows[name]):
            others += rows[name]
        else:
            loaded.append((name, _load_valid(name)))
    return rows, loaded, others


def _groups() -> tuple[list[GroupListed], list[Listed]]:
    """The valid files grouped by (organization, fiscal year, round), as `docgen batch
    --summary` groups them, and the rows of the files that have problems."""
    rows, loaded, others = _workspace_reports()
    groups = []
    for group in group_reports(loaded):
        listed = [row for name in group.sources for row in rows[name]]
        listed.sort(key=lambda row: code_key(row.code))
        score = group.score()
        heading = [group.organization, f"ปีงบประมาณ {group.fiscal_year}", round_label(group.round)]
        groups.append(
            GroupListed(
                organization=group.organization,
                fiscal_year=group.fiscal_year,
                round=group.round,
                heading=" ".join(part for part in heading if part),
                rows=listed,
                composite="–"
                if score.composite is None
                else _digits(format_score(score.composite, 4)),
                note=score.composite_note,
                total_weight=format_score(score.total_weight),
            )
        )
    return groups, others


def _load_valid(name: str) -> Report:
    raw, lines, _ = _parse(_workspace().read(name))
    return validate(raw, lines, name)


@bp.get("/")
def index() -> str:
    workspace = _workspace()
    groups, others = _groups()
    return render_template(
        "index.html",
        groups=groups,
        rows=others,
        workspace=workspace.root,
        pdf=current_app.config["DOCGEN_PDF"],
        rounds=",".join(str(r) for r in workspace_sequence(workspace.root)),
        sequences=SEQUENCES,
        digits=workspace.digits(),
    )


@bp.post("/rounds")
def rounds() -> Any:
    """The workspace's round sequence (3-6-9-12, or 6-12), remembered for "next round"."""
    choice = request.form.get("rounds", "")
    if choice not in SEQUENCES:
        abort(400, "ไม่รู้จักลำดับรอบการรายงานนี้")
    remember_sequence(_workspace().root, SEQUENCES[choice])
    return redirect(url_for("docgen.index"), code=303)


@bp.get("/summary")
def summary() -> Any:
    """The summary of one office's round in the workspace (.docx, or PDF with ?format=pdf)."""
    try:
        key = (
            request.args.get("organization", ""),
            int(request.args.get("fiscal_year", "")),
            int(request.args.get("round", "")),
        )
    except ValueError:
        abort(400, "ไม่ได้ระบุปีงบประมาณและรอบของสรุปผล")
    _, loaded, _ = _workspace_reports()
    found = [g for g in group_reports(loaded) if g.key == key]
    if not found:
        abort(404, "ไม่พบรายงานของหน่วยงาน ปีงบประมาณ และรอบนี้ในโฟลเดอร์งาน")
    group = found[0]
    template = api.load_summary_template(
        current_app.config.get("DOCGEN_SUMMARY_TEMPLATE"), digits=_workspace().digits()
    )
    payload = template.render(summary_context(group.merged(), group.score()))
    file_name = group.summary_name()
    if request.args.get("format") != "pdf":
        return send_file(
            io.BytesIO(payload), mimetype=DOCX_TYPE, as_attachment=True, download_name=file_name
        )
    if not current_app.config["DOCGEN_PDF"]:
        abort(503, "ดาวน์โหลด PDF ไม่ได้: เครื่องนี้ไม่ได้ติดตั้ง LibreOffice (ดาวน์โหลด .docx ได้)")
    return send_file(
        io.BytesIO(_to_pdf(file_name, payload)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=Path(file_name).with_suffix(".pdf").name,
    )


@bp.post("/settings/digits")
def set_digits() -> Response:
    """Remember the workspace's kind of digit (documents and figures on the pages)."""
    _workspace().set_digits(request.form.get("digits", ""))
    return redirect(url_for("docgen.index"), code=303)


# --------------------------------------------------------------------------- one file


@bp.get("/edit/<path:name>")
def edit(name: str) -> tuple[str, int]:
    opened = _open(name, _index_arg(request.args))
    form = IndicatorForm.from_data(opened.raw.get("report"), opened.indicator)
    messages = messages_for(opened.problems, form.to_data(), form, opened.index)
    notice = "บันทึกแล้ว" if request.args.get("saved") == "1" else ""
    return _page(
        form,
        name=name,
        index=opened.index,
        base=opened.snapshot.digest,
        messages=messages,
        notice=notice,
        count=_count(opened),
    )


@bp.post("/edit/<path:name>")
def edit_post(name: str) -> Any:
    workspace = _workspace()
    workspace.path(name)  # a name outside the workspace is refused before anything else
    index = _index_arg(request.args)
    form = IndicatorForm.from_post(request.form)
    action = _action()
    base = request.form.get("base", "")
    if not _DIGEST.match(base):
        abort(400, "แบบฟอร์มไม่ครบ (ไม่มีรหัสฉบับของไฟล์) เปิดไฟล์จากหน้ารายการอีกครั้ง")
    if action != "save":
        return _download(form, action, name=name, index=index, base=base)
    page = {"name": name, "index": index, "base": base}
    try:
        workspace.ensure_unchanged(name, base)
        opened = _open(name, index)
    except ConflictError as exc:
        return _page(form, alert=str(exc), status=409, **page)
    draft = form.to_data()
    document = opened.merged(draft)
    _, problems = _problems(document)
    messages = messages_for(problems, draft, form, opened.index)
    own = [m for m in messages if not m.elsewhere]
    if own:
        alert = _not_saved(own)
        return _page(form, messages=messages, alert=alert, status=422, count=_count(opened), **page)
    try:
        workspace.save(name, serialize(document, name, opened.snapshot.text), base)
    except ConflictError as exc:
        return _page(form, alert=str(exc), status=409, **page)
    return redirect(url_for("docgen.edit", name=name, i=opened.index, saved=1), code=303)


def _not_saved(messages: list[Message]) -> str:
    return f"ยังไม่ได้บันทึก: พบปัญหา {len(messages)} รายการ แก้ตามข้อความสีแดงข้างช่องที่เกี่ยวข้อง แล้วกดบันทึกอีกครั้ง"


def _action() -> str:
    action = request.form.get("action", "save")
    if action not in ACTIONS:
        abort(400, "ไม่รู้จักคำสั่งที่ส่งมากับแบบฟอร์ม")
    return action


# --------------------------------------------------------------------------- a new file


@bp.get("/new")
def new() -> tuple[str, int]:
    source = request.args.get("from")
    if not source:
        return _page(IndicatorForm(), name=None, index=None)
    opened = _open(source, _index_arg(request.args))
    sequence = workspace_sequence(_workspace().root)
    form = IndicatorForm.from_data(opened.raw.get("report"), opened.indicator)
    form = form.for_next_round(sequence)
    notice = (
        f"เริ่มรายงานรอบใหม่จาก “{source}”: ล้างผลการดำเนินงาน คำชี้แจง ปัจจัยสนับสนุน อุปสรรค "
        "และหลักฐานอ้างอิงแล้ว "
        "ตรวจปีงบประมาณและรอบการรายงาน กรอกผลของรอบนี้ แล้วกดบันทึกเพื่อสร้างไฟล์ใหม่"
    )
    action = url_for("docgen.new", **{"from": source, "i": opened.index})
    return _page(form, name=None, index=None, notice=notice, action=action)


def _next_round_document(draft: Draft) -> dict[str, Any]:
    """The new file's data: the form's, over the fields of the file the next round was
    started from that the form does not show (status, dimension, the signers, the
    report's dimensions), with what belongs to a round cleared from them."""
    source = request.args.get("from")
    if not source:
        return draft.document()
    opened = _open(source, _index_arg(request.args))
    carried = clear_round(
        {"report": _mapping(opened.raw.get("report")), "indicator": _mapping(opened.indicator)}
    )
    report, indicator = draft.over(carried["report"], carried["indicator"])
    return {"schema_version": 1, "report": report, "indicator": indicator}


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@bp.post("/new")
def new_post() -> Any:
    form = IndicatorForm.from_post(request.form)
    action = _action()
    if action != "save":
        return _download(form, action, name=None, index=None)
    draft = form.to_data()
    document = _next_round_document(draft)
    report, problems = _problems(document)
    if report is None:
        messages = messages_for(problems, draft, form)
        return _page(
            form,
            name=None,
            index=None,
            messages=messages,
            alert=_not_saved(messages),
            status=422,
            action=request.full_path if request.args.get("from") else None,
        )
    info = report.report
    name = document_name(info.fiscal_year, info.round, report.indicator.code, ".yaml")
    try:
        _workspace().save(name, serialize(document, name), None)
    except ConflictError as exc:
        return _page(form, name=None, index=None, alert=str(exc), status=409)
    return redirect(url_for("docgen.edit", name=name, saved=1), code=303)


# --------------------------------------------------------------------------- downloads


def _download(
    form: IndicatorForm, action: str, *, name: str | None, index: int | None, base: str = ""
) -> Any:
    """The document of what is on the page (saved or not), rendered as the CLI renders it."""
    draft = form.to_data()
    report, problems = _problems(draft.document())
    if report is None:
        messages = messages_for(problems, draft, form)
        alert = f"ยังสร้างเอกสารไม่ได้: พบปัญหา {len(messages)} รายการ แก้ตามข้อความสีแดงข้างช่องที่เกี่ยวข้องก่อน"
        return _page(
            form, name=name, index=index, base=base, messages=messages, alert=alert, status=422
        )
    template = api.load_template(
        current_app.config["DOCGEN_TEMPLATE"], digits=_workspace().digits()
    )
    [file_name] = api.output_names(report)
    payload = api.indicator_docx(report, report.indicator, template)
    if action == "docx":
        return send_file(
            io.BytesIO(payload), mimetype=DOCX_TYPE, as_attachment=True, download_name=file_name
        )
    if not current_app.config["DOCGEN_PDF"]:
        abort(503, "ดาวน์โหลด PDF ไม่ได้: เครื่องนี้ไม่ได้ติดตั้ง LibreOffice (ดาวน์โหลด .docx ได้)")
    pdf_bytes = _to_pdf(file_name, payload)
    return send_file(
        io.BytesIO(pdf_bytes),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=Path(file_name).with_suffix(".pdf").name,
    )


def _to_pdf(file_name: str, payload: bytes) -> bytes:
    """The download's PDF: by the server's warm LibreOffice (started at the first
    download and kept), or by a LibreOffice of its own where there is no UNO bridge."""
    from docgen.pdf.convert import convert_to_pdf
    from docgen.pdf.warm import shared_converter, warm_available

    font_dir = current_app.config["DOCGEN_FONT_DIR"]
    if warm_available():
        return shared_converter(font_dir).convert_bytes(payload, file_name)
    with current_app.config["DOCGEN_PDF_LOCK"], tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / file_name
        source.write_bytes(payload)
        [result] = convert_to_pdf([source], Path(folder), font_dir=font_dir)
        if not result.ok:
            raise OutputError(f"PDF conversion failed for {file_name}: {result.error}")
        return Path(result.pdf).read_bytes()


# --------------------------------------------------------------------------- live score


@bp.post("/api/score")
def score() -> Response:
    """The score and the messages for the form as it is now (the page calls it as you type)."""
    form = IndicatorForm.from_post(request.form)
    draft = form.to_data()
    _, problems = _problems(draft.document())
    messages = messages_for(problems, draft, form)
    return jsonify(
        score=_score_view(live_score(draft.indicator)),
        weight=form.weight or "–",
        messages=[{"slot": m.slot, "label": m.label, "text": m.text} for m in messages],
    )


# --------------------------------------------------------------------------- safety and errors


@bp.before_app_request
def _same_origin_posts() -> None:
    """Refuse posts sent by another web site's page (the server writes files)."""
    if request.method != "POST":
        return
    origin = request.headers.get("Origin")
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if origin == "null":  # a sandboxed frame, a file: page: only the browser can vouch
        if fetch_site not in ("same-origin", "none"):
            abort(403, "คำขอนี้มาจากเว็บไซต์อื่น จึงไม่ได้ดำเนินการ")
    elif origin and urlsplit(origin).netloc != request.host:
        abort(403, "คำขอนี้มาจากเว็บไซต์อื่น จึงไม่ได้ดำเนินการ")
    if fetch_site == "cross-site":
        abort(403, "คำขอนี้มาจากเว็บไซต์อื่น จึงไม่ได้ดำเนินการ")
    _bounded_form()


def _bounded_form() -> None:
    """The field limits for urlencoded posts too (Werkzeug applies them to multipart)."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return
    fields = request.form.items(multi=True)
    limit = current_app.config["MAX_FORM_MEMORY_SIZE"]
    for count, (key, value) in enumerate(fields, 1):
        too_long = len(key) + len(value.encode("utf-8", "surrogateescape")) > limit
        if too_long or count > current_app.config["MAX_FORM_PARTS"]:
            abort(413)


_HTTP_TITLES = {
    400: "คำขอไม่ถูกต้อง",
    403: "ไม่อนุญาต",
    404: "ไม่พบหน้านี้",
    405: "คำขอไม่ถูกต้อง",
    413: "ข้อมูลที่ส่งมามีขนาดใหญ่เกินไป",
    503: "ยังให้บริการนี้ไม่ได้",
}


def _error_page(status: int, title: str, message: str, detail: str = "") -> tuple[str, int]:
    # Plain links: a request refused before routing (an unknown Host) cannot build URLs.
    root = request.script_root
    page = render_template(
        "error.html",
        title=title,
        message=message,
        detail=detail,
        home_url=root + "/",
        css_url=root + "/static/style.css",
    )
    return page, status


@bp.app_errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> tuple[str, int]:
    status = exc.code or 500
    message = exc.description if isinstance(exc.description, str) else ""
    if status == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        message = (
            f"แบบฟอร์มหรือช่องใดช่องหนึ่งยาวเกินที่รับได้ (ทั้งหมดไม่เกิน {limit} MB) "
            "ไม่มีสิ่งใดถูกบันทึก ตัดข้อความให้สั้นลงแล้วลองใหม่"
        )
    elif status in (404, 405) or not re.search("[\u0e00-\u0e7f]", message):
        message = "ไม่พบหน้าหรือคำสั่งนี้ กลับไปที่หน้ารายการรายงานแล้วลองใหม่"
    return _error_page(status, _HTTP_TITLES.get(status, "เกิดข้อผิดพลาด"), message)


@bp.app_errorhandler(WorkspaceError)
def _workspace_error(exc: WorkspaceError) -> tuple[str, int]:
    return _error_page(404, "ไม่พบไฟล์ในโฟลเดอร์งาน", str(exc))


@bp.app_errorhandler(DataError)
def _data_error(exc: DataError) -> tuple[str, int]:
    return _error_page(
        422,
        "เปิดไฟล์นี้ในแบบฟอร์มไม่ได้",
        "ไฟล์อ่านไม่ได้ตามรูปแบบข้อมูล แก้ไฟล์ตามข้อความด้านล่าง (บรรทัดและช่องที่ผิด) แล้วเปิดใหม่",
        "\n".join(thai_problem(problem) for problem in exc.problems),
    )


@bp.app_errorhandler(DocgenError)
def _docgen_error(exc: DocgenError) -> tuple[str, int]:
    what = "เอกสาร" if isinstance(exc, OutputError) else "แม่แบบเอกสาร"
    return _error_page(
        503 if isinstance(exc, OutputError) else 500,
        f"สร้าง{what}ไม่ได้",
        "ไม่มีไฟล์ใดถูกเปลี่ยน แจ้งผู้ดูแลระบบพร้อมข้อความด้านล่าง",
        str(exc),
    )


@bp.app_errorhandler(Exception)
def _unexpected(exc: Exception) -> tuple[str, int]:
    log.exception("unexpected error while serving %s", request.path)
    return _error_page(
        500,
        "เกิดข้อผิดพลาดภายในระบบ",
        "คำขอนี้ทำไม่สำเร็จ แจ้งผู้ดูแลระบบ ข้อมูลในแบบฟอร์มยังไม่ได้บันทึก",
    )
