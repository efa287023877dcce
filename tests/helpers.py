"""Shared test helpers: paths of the fixtures, external tools, document text and templates."""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from docgen.output import TEMP_PREFIX
from docgen.pdf.convert import soffice_command
from docgen.pdf.fonts import FontSetup
from docgen.report.data import LIBYAML

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TEMPLATES = ROOT / "docgen" / "templates"
SEED_DATA = FIXTURES / "indicator-3.2.yaml"
SEED_TEXT = FIXTURES / "seed-form.txt"
REPORT_DATA = FIXTURES / "report-2550-r12.yaml"  # several indicators, both methods

# The report fixture's figures, worked out by hand (see the comment at the top of the
# file): weight, result column, score, weighted score, as the form prints them.
REPORT_FIGURES = {
    "1.1": ("20", "ร้อยละ 93.5", "3.75", "0.75"),
    "1.2": ("15", "15 วัน", "3.5", "0.525"),
    "2.1": ("25", "3", "3.6", "0.9"),
    "2.2": ("10", "0", "0", "0"),
    "3.1": ("10", "3.7 คะแนน", "3.3333", "0.3333"),
    "3.2": ("15", "2", "2", "0.3"),
    "3.3": ("5", "ร้อยละ 98.2", "5", "0.25"),
}
DEFAULT_TEMPLATE = TEMPLATES / "kpi_report.docx"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def seed_data(**changes: dict[str, Any]) -> dict[str, Any]:
    """A fresh copy of the seed form's data as YAML reads it (dates as dates), with the
    fields of its sections changed: ``seed_data(report={"round": 6}, indicator={"weight": 0})``.
    """
    raw = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    for section, fields in changes.items():
        raw[section] = {**raw[section], **fields}
    return raw


def require(what: str, available: bool) -> None:
    """Skip when something the test needs is missing; fail on CI, where it must be there."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing, and CI=true requires it")
    pytest.skip(f"{what} is not installed")


def require_tool(name: str, packages: str = "libreoffice-writer poppler-utils") -> str:
    """The path of an external tool; CI fails without it, a developer machine skips."""
    path = shutil.which(name)
    require(f"{name} (apt-get install {packages})", path is not None)
    return path


def libreoffice_text(paths: list[Path], out_dir: Path) -> None:
    """Let the real LibreOffice open documents and save their text beside them in `out_dir`."""
    soffice = Path(require_tool("soffice"))
    temp = out_dir / "tmp"  # LibreOffice's own temporary files, kept out of the system's
    temp.mkdir(parents=True, exist_ok=True)
    arguments = ["--convert-to", "txt:Text", "--outdir", str(out_dir), *map(str, paths)]
    subprocess.run(
        soffice_command(soffice, out_dir / "profile", *arguments),
        env={**os.environ, "TMPDIR": str(temp)},
        check=True,
        capture_output=True,
        timeout=300,
    )


def document_text(path: Path) -> str:
    """Every paragraph of a .docx in reading order, tables included (one line each)."""
    document = docx.Document(str(path))
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(docx.text.paragraph.Paragraph(child, document).text)
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            for row in table.rows:
                seen = []
                for cell in row.cells:
                    if cell._tc in seen:
                        continue
                    seen.append(cell._tc)
                    lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def squash(text: str) -> str:
    """Text without any whitespace: Thai has no word spaces to compare by."""
    return re.sub(r"\s+", "", text)


_THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def pdf_comparable(text: str) -> str:
    """Squashed text without Thai vowel and tone marks: PDF text extraction may
    give a stacked mark pair in either order (ชี้ as ชี + ้ or ช + ้ + ี)."""
    return _THAI_MARKS.sub("", squash(text))


def pdf_text(pdf: Path, layout: bool = False) -> str:
    tool = require_tool("pdftotext")
    args = [tool, *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def make_template(path: Path, paragraphs=(), table=None) -> Path:
    """A small .docx with the given paragraph texts and an optional table of cell texts."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    document.save(path)
    return path


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CUTS = re.compile(r"\{\{|\{%|%\}|\}\}")


def _word_clutter(number: int) -> list[etree._Element]:
    """What Word leaves between the runs of a tag: a spelling mark and a bookmark."""
    proof = etree.Element(W + "proofErr", {W + "type": "spellStart"})
    start = etree.Element(W + "bookmarkStart", {W + "id": str(number), W + "name": f"_R{number}"})
    end = etree.Element(W + "bookmarkEnd", {W + "id": str(number)})
    return [proof, start, end]


def split_tag_runs(source: Path, target: Path) -> Path:
    """A copy of a template with every tag cut into runs as Word does it: inside
    its braces and in its middle, every other piece bold, each piece with its own
    revision id, and a spelling mark and a bookmark between the pieces."""
    with zipfile.ZipFile(source) as package:
        entries = [(info, package.read(info)) for info in package.infolist()]
    cut = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                for run in list(root.iter(W + "r")):
                    text = "".join(t.text or "" for t in run.iter(W + "t"))
                    if "{" in text or "}" in text:
                        cut = _split_run(run, cut)
                data = etree.tostring(root, encoding="UTF-8", standalone=True)
            out.writestr(info, data)
    return target


def _split_run(run: etree._Element, cut: int) -> int:
    parent = run.getparent()
    at = parent.index(run)
    parent.remove(run)
    props = run.find(W + "rPr")

    def new_run(bold: bool) -> etree._Element:
        piece = etree.Element(W + "r", {W + "rsidR": f"00A{cut:05d}"})
        rpr = copy.deepcopy(props) if props is not None else etree.Element(W + "rPr")
        if bold:
            etree.SubElement(rpr, W + "b")
        piece.append(rpr)
        return piece

    for child in run:
        if child.tag == W + "rPr":
            continue
        if child.tag != W + "t" or not re.search(r"[{}%]", child.text or ""):
            piece = new_run(False)
            piece.append(copy.deepcopy(child))
            parent.insert(at, piece)
            at += 1
            continue
        text = child.text
        cuts = sorted({m.start() + 1 for m in _CUTS.finditer(text)} | {len(text) // 2})
        for number, (a, b) in enumerate(zip([0, *cuts], [*cuts, len(text)], strict=True)):
            if a == b:
                continue
            piece = new_run(number % 2 == 1)
            t = etree.SubElement(piece, W + "t")
            t.text = text[a:b]
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            parent.insert(at, piece)
            at += 1
            for element in _word_clutter(cut):
                parent.insert(at, element)
                at += 1
            cut += 1
    return cut


# form.md's labels, in order, verbatim.
LABELS = [
    "รายงานผลการปฏิบัติราชการตามคำรับรองฯ (รายตัวชี้วัด)",
    "(     ) รอบ 6 เดือน",
    "(  /  ) รอบ 12 เดือน",
    "ชื่อตัวชี้วัด :",
    "ผู้กำกับดูแลตัวชี้วัด :",
    "ผู้จัดเก็บตัวชี้วัด :",
    "โทรศัพท์ :",
    "โทรศัพท์ :",
    "คำอธิบาย :",
    "เกณฑ์การให้คะแนน",
    "กำหนดเป็นระดับขั้นความสำเร็จ (Milestone) แบ่งเกณฑ์การให้คะแนนเป็น ดังนี้",
    *[f"ระดับ {n}" for n in range(1, 6)],
    "ขั้นตอนที่ 1",
    "ขั้นตอนที่ 1+2",
    "ขั้นตอนที่ 1+2+3",
    "ขั้นตอนที่ 1+2+3+4",
    "ขั้นตอนที่ 1+2+3+4+5",
    "การคำนวณคะแนนจากผลการดำเนินงาน",
    "ตัวชี้วัด/\nข้อมูลพื้นฐานประกอบตัวชี้วัด",  # the two long headers break where a reader does
    "น้ำหนัก (ร้อยละ)",
    "ผลการดำเนินงาน",
    "ค่าคะแนนที่ได้",
    "ค่าคะแนน\nถ่วงน้ำหนัก",
    "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ :",
    "(ให้อธิบายรายละเอียดของการทำงานสำหรับตัวชี้วัดนี้)",
    "ปัจจัยสนับสนุนต่อการดำเนินงาน :",
    "อุปสรรคต่อการดำเนินงาน :",
    "- ไม่มี -",
    "หลักฐานอ้างอิง :",
]


def assert_in_order(needles: list[str], haystack: str) -> None:
    position = 0
    for needle in needles:
        found = haystack.find(needle, position)
        assert found >= 0, f"not found after position {position}: {needle[:80]!r}"
        position = found + len(needle)


SECTION_HEADINGS = [
    "รายงานผลการปฏิบัติราชการตามคำรับรองฯ (รายตัวชี้วัด)",
    "ชื่อตัวชี้วัด :",
    "คำอธิบาย :",
    "เกณฑ์การให้คะแนน",
    "การคำนวณคะแนนจากผลการดำเนินงาน",
    "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ :",
    "ปัจจัยสนับสนุนต่อการดำเนินงาน :",
    "อุปสรรคต่อการดำเนินงาน :",
    "หลักฐานอ้างอิง :",
]


# A stand-in soffice (tests/pdf, tests/batch): logs each start, hangs or crashes on request.
FAKE_SOFFICE = r"""
import os, sys, time, zipfile
from pathlib import Path
args = sys.argv[1:]
if "--version" in args:
    print("LibreOffice 7.9.9.9 fake")
    sys.exit(0)
with open(os.environ["FAKE_SOFFICE_LOG"], "a") as log:
    profile = [a for a in args if a.startswith("-env:UserInstallation=file://")]
    log.write(f"{os.getpid()}|{os.environ.get('FAKE_FONT_ENV')}|{len(profile)}|"
              + ",".join(Path(a).name for a in args if a.endswith(".docx")) + "\n")
outdir = Path(args[args.index("--outdir") + 1])
for arg in args:
    if not arg.endswith(".docx"):
        continue
    text = zipfile.ZipFile(arg).read("word/document.xml").decode()
    if "HANG" in text:
        Path(os.environ["FAKE_SOFFICE_LOG"] + ".hung").write_text(str(os.getpid()))
        time.sleep(600)
    if "CRASH" in text:
        sys.exit(139)
    (outdir / (Path(arg).stem + ".pdf")).write_bytes(
        b"%PDF-1.4\n" + text.encode() + b"\n" + b"x" * 100 + b"\n%%EOF\n")
"""

SETUP = FontSetup(env={"FAKE_FONT_ENV": "from-setup"}, font_name="test font", substituted=True)


def thai_words(text: str) -> list[str]:
    """The distinct Thai words of `text` (PyThaiNLP's newmm), two letters or more."""
    from pythainlp.tokenize import word_tokenize

    words = word_tokenize(text, engine="newmm", keep_whitespace=False)
    thai = (w for w in words if re.fullmatch(r"[\u0e01-\u0e4f]{2,}", w))
    return sorted(set(thai))


def pdfium_found(pdf: Path, phrases: list[str]) -> list[str]:
    """The phrases PDFium's search (the text engine of Chrome and Edge) finds in `pdf`."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        pages = [document[i].get_textpage() for i in range(len(document))]
        found = []
        for phrase in phrases:
            for page in pages:
                if page.search(phrase, match_case=True).get_next() is not None:
                    found.append(phrase)
                    break
        return found
    finally:
        document.close()


def poppler_found(pdf: Path, phrases: list[str]) -> list[str]:
    """The phrases in poppler's text of `pdf` (pdftotext, as Linux viewers read it)."""
    text = pdf_text(pdf)
    return [phrase for phrase in phrases if phrase in text]


def png_bytes(width: int, height: int, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A PNG of one colour, `width` x `height` pixels (written here: no imaging library)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------- agreement sheets
# Workbooks written cell by cell, as a ministry would send them (the Excel tests).

# A quantitative and a milestone indicator, in the sheet's own words.
HEADER = [
    "รหัส",
    "ชื่อตัวชี้วัด",
    "น้ำหนัก",
    "วิธีการวัด",
    "หน่วยวัด",
    "ทิศทาง",
    "เกณฑ์ 1",
    "เกณฑ์ 2",
    "เกณฑ์ 3",
    "เกณฑ์ 4",
    "เกณฑ์ 5",
    "ผลการดำเนินงาน",
    "ความคืบหน้าขั้นถัดไป",
    "ผู้กำกับดูแล",
    "ผู้จัดเก็บข้อมูล",
    "ตำแหน่งผู้จัดเก็บข้อมูล",
]
ENGLISH = {
    "รหัส": "code",
    "ชื่อตัวชี้วัด": "name",
    "น้ำหนัก": "weight",
    "วิธีการวัด": "method",
    "หน่วยวัด": "unit",
    "ทิศทาง": "direction",
    **{f"เกณฑ์ {n}": f"level_{n}" for n in range(1, 6)},
    "ผลการดำเนินงาน": "result",
    "ความคืบหน้าขั้นถัดไป": "next_step_progress",
    "ผู้กำกับดูแล": "supervisor",
    "ผู้จัดเก็บข้อมูล": "collector",
    "ตำแหน่งผู้จัดเก็บข้อมูล": "collector_position",
}
ROWS: list[list[Any]] = [
    ["1.1", "ร้อยละของผู้ผ่านการอบรม", 60, "เชิงปริมาณ", "ร้อยละ", "มากดี",
     60, 65, 70, 75, 80, 72.5, None, "นางสาวสุดารัตน์ ใจดี", "นายสมชาย มีสุข", "นวก. 7ว"],
    ["1.10", "ระดับความสำเร็จของแผน", 40, "ขั้นความสำเร็จ", None, None,
     "ตั้งคณะทำงาน", "วิเคราะห์", "ร่างแผน", "เสนอแผน", "เผยแพร่", "1-3", 50,
     "นายคุมพล บรรเทาทุกข์", "นายชูเกียรติ บุศยรัตน์\nนางมาลี แก้วกล้า", "จวค. 8ว\n"],
]  # fmt: skip
REPORT = [["ปีงบประมาณ", 2567], ["รอบ", 6], ["หน่วยงาน", "สำนักงานจังหวัดขอนแก่น"]]


def write_xlsx(
    path: Path,
    header: Sequence[Any] = HEADER,
    rows: Sequence[Sequence[Any]] = ROWS,
    *,
    above: Sequence[Sequence[Any]] = (),
    report: Sequence[Sequence[Any]] | None = REPORT,
    title: str = "ตัวชี้วัด",
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in [*above, header, *rows]:
        sheet.append(list(row))
    if report is not None:
        extra = book.create_sheet("รายงาน")
        for row in report:
            extra.append(list(row))
    book.save(path)
    return path


def write_csv(
    path: Path, header: Sequence[Any] = HEADER, rows: Sequence[Sequence[Any]] = ROWS
) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return path


def reorder(order: Sequence[int]) -> tuple[list[Any], list[list[Any]]]:
    """The header and rows with their columns in another order."""
    return [HEADER[i] for i in order], [[row[i] for i in order] for row in ROWS]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder with its bytes, to show that nothing changed."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def cell_of(path: Path, header: str, code: str, sheet: str = "ตัวชี้วัด") -> openpyxl.cell.Cell:
    """The cell of column `header` in the row of indicator `code` (a workbook for writing)."""
    book = openpyxl.load_workbook(path)
    table = book[sheet]
    rows = list(table.iter_rows())
    head = next(i for i, row in enumerate(rows) if row[0].value == "รหัส")
    column = [c.value for c in rows[head]].index(header)
    row = next(r for r in rows[head + 1 :] if r[0].value == code)
    return row[column]


def set_cell(path: Path, header: str, code: str, value: Any) -> None:
    book = openpyxl.load_workbook(path)
    table = book["ตัวชี้วัด"]
    rows = list(table.iter_rows())
    head = next(i for i, row in enumerate(rows) if row[0].value == "รหัส")
    column = [c.value for c in rows[head]].index(header)
    row = next(r for r in rows[head + 1 :] if r[0].value == code)
    row[column].value = value
    book.save(path)


def pdf_words(pdf: Path) -> list[tuple[int, float, float, float, str]]:
    """Every word poppler finds in `pdf`: (page, x min, x max, y min, text)."""
    tool = require_tool("pdftotext")
    html = subprocess.run(
        [tool, "-bbox-layout", str(pdf), "-"], check=True, capture_output=True
    ).stdout
    tree = etree.fromstring(html, etree.HTMLParser(encoding="utf-8"))
    return [
        (number, float(w.get("xmin")), float(w.get("xmax")), float(w.get("ymin")), w.text or "")
        for number, page in enumerate(tree.iter("page"), 1)
        for w in page.iter("word")
    ]


def cell_lines(words, text: str, left: float, right: float) -> list[str] | None:
    """The lines a table cell between `left` and `right` (points) shows `text` in."""
    wanted = squash(text)
    inside = [w for w in words if w[1] >= left - 1 and w[2] <= right + 1]
    for page, _x0, _x1, top, word in inside:
        if not wanted.startswith(squash(word)):
            continue
        below = sorted(
            (w for w in inside if w[0] == page and top - 1 <= w[3] <= top + 80),
            key=lambda w: (round(w[3]), w[1]),
        )
        lines: dict[int, list[str]] = {}
        for w in below:
            lines.setdefault(round(w[3]), []).append(w[4])
        found, joined = [], ""
        for line_words in lines.values():
            line = " ".join(line_words)
            joined += squash(line)
            found.append(line)
            if joined == wanted:
                return found
            if not wanted.startswith(joined):
                break
    return None


#: Words of the form that PyThaiNLP's dictionary splits (ตัวชี้ + วัด): a reader does not.
FORM_TERMS = ("ตัวชี้วัด", "ถ่วงน้ำหนัก", "ดำเนินงาน", "ร้อยละ", "ขั้นตอนที่")


def broken_words(text: str, lines: list[str]) -> list[str]:
    """Where `lines` (how a PDF wrapped `text`) end inside one of its PyThaiNLP words;
    a line break typed in `text` is a boundary too."""
    from pythainlp.corpus import thai_words as dictionary
    from pythainlp.tokenize import word_tokenize
    from pythainlp.util import Trie

    words = Trie(dictionary() | set(FORM_TERMS))
    boundaries, position = set(), 0
    for part in text.split("\n"):
        for word in word_tokenize(part, custom_dict=words, engine="newmm"):
            position += len(squash(word))
            boundaries.add(position)
    broken, position = [], 0
    for line in lines[:-1]:
        position += len(squash(line))
        if position not in boundaries:
            broken.append(f"{line} | ...")
    return broken


def laksaman_regular() -> Path:
    """The Thai font the derived TH SarabunPSK is made from (fonts-thai-tlwg)."""
    from docgen.pdf.fonts import find_thai_fonts

    found = [f for f in find_thai_fonts() if f.family == "Laksaman" and f.style == "Regular"]
    require("Laksaman (apt-get install fonts-thai-tlwg)", bool(found))
    return found[0].path


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now, for a `docgen serve` under test."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_page(process: subprocess.Popen, port: int, seconds: float) -> str:
    """The front page of a `docgen serve` just started, once it answers; fails with the
    server's output if it ends first, or when `seconds` pass."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                return answer.read().decode("utf-8")
        except OSError:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "docgen serve did not answer"
            time.sleep(0.1)


def summary_rows(path: Path) -> list[list[str]]:
    """The cell texts of a summary's score table (the one whose last header is
    ค่าคะแนนถ่วงน้ำหนัก), row by row, as a reader sees them."""
    document = docx.Document(str(path))
    [table] = [
        t
        for t in document.tables
        if t.rows[0].cells[-1].text.replace("\n", "") == "ค่าคะแนนถ่วงน้ำหนัก"
    ]
    return [[cell.text for cell in row.cells] for row in table.rows]


def paragraph_texts(path: Path) -> list[str]:
    """The text of every body paragraph of a .docx."""
    return [p.text for p in docx.Document(str(path)).paragraphs]


# Batch runs: records, the CLI, and what a run leaves in its output folder.


def seed_record(code: str, **changes) -> dict:
    """The seed's data as a script would send it (JSON), with another code."""
    data = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    data["report"]["as_of"] = data["report"]["as_of"].isoformat()
    data["indicator"] |= {"code": code, **changes}
    return data


def code_of(number: int) -> str:
    """A distinct indicator code for the n-th record."""
    return f"{number // 10 + 1}.{number % 10 + 1}"


BAD = {
    7: (
        json.dumps(seed_record("1.8", weight=120)),
        "indicator.weight",
        "less than or equal to 100",
    ),
    19: ('{"schema_version": 1, "report": ', "", "JSON syntax error"),
    33: (json.dumps(seed_record(3.4)), "indicator.code", "expected text in quotes"),
}


def write_records(folder: Path, count: int, bad: dict | None = None) -> list[Path]:
    """`count` JSON records of the seed with their own codes; `bad` replaces some."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"record-{number:03d}.json"
        text = (bad or {}).get(number, (json.dumps(seed_record(code_of(number))),))[0]
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def batch_cli(*args: str, input: str | None = None):
    """`docgen batch` with these arguments, run in this process."""
    from docgen.cli import main

    return CliRunner().invoke(main, ["batch", *args], input=input)


def manifest_of(out: Path) -> dict:
    """A batch's manifest.json as read back."""
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def leftovers(out: Path) -> list[Path]:
    """Temporary files left anywhere in an output folder."""
    return [p for p in out.rglob("*") if p.name.startswith(TEMP_PREFIX)]


# Bad data: the seed's YAML edited one mistake at a time.

SEED_YAML = SEED_DATA.read_text(encoding="utf-8")

# (case id, edit of the seed's YAML, expected message, expected line)
BAD_DATA = [
    (
        "missing-name",
        lambda s: re.sub(r"\n  name: [^\n]*", "", s, count=1),
        "indicator.name: required field is missing",
        9,
    ),
    (
        "wrong-type",
        lambda s: s.replace("weight: 4", "weight: four"),
        'indicator.weight: "four" is not a number; write digits, e.g. 72.5 or 1,234',
        23,
    ),
    (
        "weight-0",
        lambda s: s.replace("weight: 4", "weight: 0"),
        "indicator.weight: expected greater than 0, got 0",
        23,
    ),
    (
        "weight-120",
        lambda s: s.replace("weight: 4", "weight: 120"),
        "indicator.weight: expected less than or equal to 100, got 120",
        23,
    ),
    (
        "round-7",
        lambda s: s.replace("round: 12", "round: 7"),
        "report.round: expected 3, 6, 9 or 12, got 7",
        6,
    ),
    (
        "step-6",
        lambda s: s.replace("- step: 5", "- step: 6"),
        "indicator.result.steps[4].step: expected less than or equal to 5, got 6",
        46,
    ),
    (
        "expected-score",
        lambda s: s.replace("expected_score: 5", "expected_score: 4"),
        "indicator.expected_score: expected_score is 4 but the results give 5",
        151,
    ),
    (
        "yaml-syntax",
        lambda s: s.replace("  weight: 4", "  weight: [4"),
        # the parser words syntax errors; the line is docgen's
        "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)"
        if LIBYAML
        else "YAML syntax error: expected ',' or ']', but got ':'",
        24,
    ),
    (
        "code-as-number",
        lambda s: s.replace('code: "3.2"', "code: 3.2"),
        'indicator.code: expected text in quotes, got the number 3.2; write it as "3.2"',
        10,
    ),
    (
        "duplicate-key",
        lambda s: s.replace("  weight: 4", "  weight: 4\n  weight: 5"),
        "indicator.weight: duplicate key (first given on line 23); keep only one",
        24,
    ),
    (
        "unknown-field",
        lambda s: s.replace("  weight: 4", "  wieght: 4"),
        "indicator.wieght: unknown field",
        23,
    ),
    (
        "bad-method",
        lambda s: s.replace("method: milestone", "method: levels"),
        "indicator.scoring: expected method 'milestone' or 'quantitative'",
        24,
    ),
    (
        "as-of-outside-the-round",  # 2012 is 2555: a date typed in the wrong era
        lambda s: s.replace("as_of: 2007-09-30", "as_of: 2012-09-30"),
        "report.as_of: 2012-09-30 (30 กันยายน 2555) is outside round 12 of fiscal year 2550: "
        "expected a date from 1 ตุลาคม 2549 to 29 ธันวาคม 2550 (2006-10-01 to 2007-12-29); "
        "check the year: the data is in the Christian era, 543 years less than พ.ศ.",
        8,
    ),
    (
        "as-of-before-the-fiscal-year",
        lambda s: s.replace("as_of: 2007-09-30", "as_of: 2006-09-30"),
        "report.as_of: 2006-09-30 (30 กันยายน 2549) is outside round 12 of fiscal year 2550",
        8,
    ),
    (
        "impossible-date",
        lambda s: s.replace("as_of: 2007-09-30", "as_of: 2007-02-30"),
        "report.as_of: 2007-02-30 is not a valid date (day is out of range for month)",
        8,
    ),
]
