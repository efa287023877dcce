"""PDF conversion: Thai layout like Word, batching, isolation of bad documents.

Tests marked ``libreoffice`` run the real soffice (one shared batch per module);
the rest drive a fake soffice so hangs and crashes can be produced on demand.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from helpers import (
    SETUP,  # noqa: F401
    require,
)

from docgen.errors import OutputError
from docgen.output import TEMP_PREFIX
from docgen.pdf import convert as pdfmod
from docgen.pdf.convert import PdfResult, convert_to_pdf, find_soffice, libreoffice_version
from docgen.pdf.fonts import CACHE_DIR_ENV, FONT_DIR_ENV, FontSetup

# Six paragraphs of ordinary Thai government prose (each two sentences long).
_SENTENCES = [
    "ตามที่สำนักงานคณะกรรมการพัฒนาระบบราชการได้กำหนดให้ส่วนราชการและจังหวัดจัดทำรายงาน"
    "ผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการประจำปีงบประมาณ พ.ศ. ๒๕๖๗ เพื่อใช้เป็น"
    "เครื่องมือในการติดตามและประเมินผลการดำเนินงานของหน่วยงานให้เป็นไปตามเป้าหมายที่กำหนดไว้"
    "ในแผนปฏิบัติราชการ และเพื่อให้ผู้บริหารสามารถนำผลการประเมินไปใช้ในการปรับปรุงประสิทธิภาพ"
    "การปฏิบัติงานได้อย่างต่อเนื่อง",
    "ในการนี้ กรมได้ดำเนินการรวบรวมข้อมูลผลการดำเนินงานตามตัวชี้วัดทั้งหมดจากหน่วยงานในสังกัด"
    "ทั้งส่วนกลางและส่วนภูมิภาค โดยได้ตรวจสอบความถูกต้องครบถ้วนของข้อมูลและเอกสารหลักฐาน"
    "ประกอบการรายงานแล้ว ปรากฏว่าผลการดำเนินงานในภาพรวมบรรลุเป้าหมายร้อยละแปดสิบห้าของ"
    "ตัวชี้วัดทั้งหมด ซึ่งสูงกว่าผลการดำเนินงานในปีงบประมาณที่ผ่านมา",
    "สำหรับตัวชี้วัดที่ยังไม่บรรลุเป้าหมาย ส่วนใหญ่เป็นตัวชี้วัดที่เกี่ยวข้องกับการเบิกจ่ายงบประมาณ"
    "ลงทุนและการพัฒนาระบบเทคโนโลยีสารสนเทศ ซึ่งได้รับผลกระทบจากความล่าช้าในกระบวนการจัดซื้อ"
    "จัดจ้างและการปรับเปลี่ยนหลักเกณฑ์ของผู้ใช้บริการ ทั้งนี้ หน่วยงานที่รับผิดชอบได้จัดทำแผน"
    "การปรับปรุงและกำหนดมาตรการเร่งรัดการดำเนินงานเพื่อให้สามารถดำเนินการได้แล้วเสร็จภายใน"
    "ไตรมาสแรกของปีงบประมาณถัดไป",
    "นอกจากนี้ เพื่อให้การประเมินผลเป็นไปอย่างโปร่งใสและตรวจสอบได้ กรมได้เปิดเผยข้อมูลผลการ"
    "ดำเนินงานตามตัวชี้วัดผ่านทางเว็บไซต์ของหน่วยงาน และได้จัดให้มีการประชุมชี้แจงทำความเข้าใจ"
    "แก่ผู้ปฏิบัติงานในทุกระดับ ตลอดจนเปิดโอกาสให้ผู้มีส่วนได้ส่วนเสียได้แสดงความคิดเห็นและ"
    "ข้อเสนอแนะเพื่อนำไปใช้ในการปรับปรุงการให้บริการประชาชนให้มีคุณภาพยิ่งขึ้น",
    "อย่างไรก็ดี ผู้ใหญ่บ้านและกำนันในพื้นที่ได้ให้ความร่วมมือเป็นอย่างดีในการจัดเก็บข้อมูล"
    "พื้นฐานระดับหมู่บ้าน ซึ่งเป็นข้อมูลสำคัญที่ใช้ประกอบการวิเคราะห์ปัญหาและความต้องการของ"
    "ประชาชน ทำให้การจัดสรรงบประมาณเป็นไปอย่างมีประสิทธิภาพ ตรงตามความจำเป็นเร่งด่วนของ"
    "แต่ละพื้นที่ และก่อให้เกิดประโยชน์สูงสุดแก่ประชาชนผู้รับบริการอย่างแท้จริง",
    "จึงเรียนมาเพื่อโปรดทราบและพิจารณา หากเห็นชอบขอได้โปรดลงนามในหนังสือแจ้งผลการดำเนินงาน"
    "ถึงสำนักงานคณะกรรมการพัฒนาระบบราชการ และหนังสือแจ้งหน่วยงานในสังกัดเพื่อทราบและถือปฏิบัติ"
    "ต่อไป ทั้งนี้ได้แนบรายละเอียดผลการดำเนินงานตามตัวชี้วัดแต่ละตัว พร้อมเอกสารหลักฐานประกอบ"
    "การประเมินมาพร้อมนี้แล้ว",
]
PARAGRAPHS = [f"{_SENTENCES[i]} {_SENTENCES[(i + 2) % 6]}" for i in range(6)]
HEADING = "เรื่อง รายงานผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการ"


# --------------------------------------------------------------------------- helpers


def require_libreoffice() -> None:
    try:
        find_soffice()
        ok = True
    except OutputError:
        ok = False
    require("LibreOffice (soffice)", ok)
    for tool in ("pdftotext", "pdffonts", "pdfinfo"):
        require(f"{tool} (apt-get install poppler-utils)", shutil.which(tool) is not None)


def make_docx(
    path: Path, paragraphs: list[str], font: str, half_points: int, heading: str | None = None
) -> Path:
    """A .docx with every run in `font` at `half_points`/2 pt, marked as Thai text."""
    doc = Document()

    def add(text: str, bold: bool = False) -> None:
        run = doc.add_paragraph().add_run(text)
        rpr = run._r.get_or_add_rPr()
        fonts = OxmlElement("w:rFonts")  # schema order: rFonts, b, bCs, sz, szCs, lang
        for attr in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{attr}"), font)
        rpr.append(fonts)
        tags = ["w:b", "w:bCs"] if bold else []
        for tag in [*tags, "w:sz", "w:szCs"]:
            el = OxmlElement(tag)
            if tag in ("w:sz", "w:szCs"):
                el.set(qn("w:val"), str(half_points))
            rpr.append(el)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:bidi"), "th-TH")
        rpr.append(lang)

    if heading:
        add(heading, bold=True)
    for text in paragraphs:
        add(text)
    doc.save(path)
    return path


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def text_lines(pdf: Path) -> int:
    """Lines of text on the pages, from ``pdftotext -layout``.

    Counts non-empty lines, except those starting with a combining mark: pdftotext
    sometimes puts a Thai tone mark whose glyph sits a little higher on a line of its
    own; a real line never starts with one.
    """
    lines = [line.strip() for line in pdf_text(pdf).splitlines() if line.strip()]
    return sum(1 for line in lines if unicodedata.category(line[0]) not in ("Mn", "Co"))


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def pdf_fonts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return [line.split()[0] for line in out.stdout.splitlines()[2:] if line.strip()]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- real LibreOffice


class Batch:
    """Documents converted once per module with the real LibreOffice, on first use."""

    def __init__(self, root: Path):
        self.root = root
        self.results: dict[str, PdfResult] = {}
        self.runs: list[list[str]] = []
        self.plain: PdfResult | None = None
        self.hashes: dict[str, str] = {}

    def get(self) -> Batch:
        require_libreoffice()  # in the test body: fails (not errors) on CI
        if self.results:
            return self
        src = self.root / "src"
        src.mkdir()
        docs = [
            make_docx(src / "sarabun.docx", PARAGRAPHS, "TH SarabunPSK", 32, HEADING),
            # 21 half-points = 10.5 pt: the closest a .docx gets to 16 x 0.66 = 10.56 pt.
            make_docx(src / "laksaman.docx", PARAGRAPHS, "Laksaman", 21, HEADING),
            make_docx(
                src / "letter_a.docx", ["DOCA7731 หนังสือฉบับแรกถึงจังหวัดเชียงใหม่"], "TH SarabunPSK", 32
            ),
            make_docx(
                src / "letter_b.docx", ["DOCB4420 หนังสือฉบับสองถึงจังหวัดขอนแก่น"], "TH SarabunPSK", 32
            ),
        ]
        (src / "not_a_docx.docx").write_text("this is plain text, not a Word file")
        with zipfile.ZipFile(src / "broken.docx", "w") as zf:  # a ZIP, but not a document
            zf.writestr("[Content_Types].xml", "<Types")
            zf.writestr("word/document.xml", "<<< not xml")
        inputs = [*docs, src / "not_a_docx.docx", src / "broken.docx"]
        self.hashes = {p.name: sha(p) for p in inputs}

        real_run = pdfmod._Converter.run

        def counting_run(converter, jobs):
            self.runs.append([job.source.name for job in jobs])
            return real_run(converter, jobs)

        with pytest.MonkeyPatch.context() as mp:
            mp.setenv(CACHE_DIR_ENV, str(self.root / "cache"))  # build fonts fresh, here
            mp.delenv(FONT_DIR_ENV, raising=False)
            mp.setattr(pdfmod._Converter, "run", counting_run)
            results = convert_to_pdf(inputs, self.root / "out", timeout=60)
        self.results = {r.source.name: r for r in results}
        plain = FontSetup(env={}, font_name="LibreOffice's own fallback", substituted=False)
        [self.plain] = convert_to_pdf([src / "sarabun.docx"], self.root / "plain", font_setup=plain)
        return self


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Batch:
    return Batch(tmp_path_factory.mktemp("pdf"))


@pytest.mark.libreoffice
def test_th_sarabun_16pt_breaks_lines_like_laksaman_at_066(batch):
    b = batch.get()
    derived, reference = b.results["sarabun.docx"], b.results["laksaman.docx"]
    assert derived.ok and reference.ok, (derived.error, reference.error)
    lines, ref_lines = text_lines(derived.pdf), text_lines(reference.pdf)
    assert ref_lines > 30  # the text really is paragraph-heavy
    assert abs(lines - ref_lines) <= 0.05 * ref_lines, (lines, ref_lines)
    assert page_count(derived.pdf) == page_count(reference.pdf)


@pytest.mark.libreoffice
def test_without_the_derived_font_the_pdf_is_much_longer(batch):
    """The problem this module solves: guards against the fix silently doing nothing."""
    b = batch.get()
    assert b.plain is not None and b.plain.ok, b.plain
    fixed = text_lines(b.results["sarabun.docx"].pdf)
    assert text_lines(b.plain.pdf) >= 1.3 * fixed


@pytest.mark.libreoffice
def test_pdf_embeds_a_font_that_names_the_substitution(batch):
    result = batch.get().results["sarabun.docx"]
    names = [name.split("+", 1)[-1] for name in pdf_fonts(result.pdf)]
    if "derived from Laksaman" in result.font:
        assert "THSarabunPSK-docgen-Laksaman" in names
        assert "THSarabunPSK-docgen-Laksaman-Bold" in names  # the bold heading
        assert "Laksaman" not in names  # no unscaled fallback anywhere
    else:  # real TH Sarabun installed
        assert any(name.startswith("THSarabun") and "docgen" not in name for name in names)


@pytest.mark.libreoffice
def test_batch_converts_in_one_libreoffice_run_and_each_pdf_has_its_text(batch):
    b = batch.get()
    # One soffice run for all five candidates, then one retry for the broken one only.
    assert b.runs == [
        ["sarabun.docx", "laksaman.docx", "letter_a.docx", "letter_b.docx", "broken.docx"],
        ["broken.docx"],
    ]
    text_a = pdf_text(b.results["letter_a.docx"].pdf)
    text_b = pdf_text(b.results["letter_b.docx"].pdf)
    assert "DOCA7731" in text_a and "DOCB4420" not in text_a
    assert "DOCB4420" in text_b and "DOCA7731" not in text_b
    assert "จังหวัดเชียงใหม่" in text_a and "จังหวัดขอนแก่น" in text_b
    assert "รายงานผลการปฏิบัติราชการ" in pdf_text(b.results["sarabun.docx"].pdf)


@pytest.mark.libreoffice
def test_bad_files_are_reported_alone_and_nothing_partial_is_left(batch):
    b = batch.get()
    out = b.root / "out"
    good = ["sarabun.docx", "laksaman.docx", "letter_a.docx", "letter_b.docx"]
    for name in good:
        r = b.results[name]
        assert r.ok and r.error is None and r.pdf == out / (Path(name).stem + ".pdf")
        assert r.pdf.read_bytes().startswith(b"%PDF-")
    bad = b.results["not_a_docx.docx"]
    assert bad.pdf is None and "not a Word .docx file" in bad.error
    broken = b.results["broken.docx"]
    assert broken.pdf is None and "LibreOffice could not convert" in broken.error
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(n).stem + ".pdf" for n in good)
    # The user's .docx files are untouched and no LibreOffice lock files appear next to them.
    src = b.root / "src"
    assert {p.name: sha(p) for p in src.iterdir()} == b.hashes


@pytest.mark.libreoffice
def test_libreoffice_version_is_reported():
    require_libreoffice()
    assert re.match(r"LibreOffice \d+\.\d+", libreoffice_version())


def test_missing_libreoffice_is_one_error_that_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCGEN_SOFFICE", str(tmp_path / "no" / "soffice"))
    doc = make_docx(tmp_path / "a.docx", ["ทดสอบ"], "TH SarabunPSK", 32)
    with pytest.raises(OutputError) as err:
        convert_to_pdf([doc], tmp_path / "out")
    message = str(err.value)
    assert err.value.exit_code == 3
    assert "apt-get install libreoffice-writer fonts-thai-tlwg" in message
    assert "DOCGEN_SOFFICE" in message and str(tmp_path / "no" / "soffice") in message
    assert not (tmp_path / "out").exists()


def test_libreoffice_not_on_this_machine(monkeypatch):
    monkeypatch.delenv("DOCGEN_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(pdfmod, "_KNOWN_SOFFICE", ())
    with pytest.raises(OutputError, match="LibreOffice.*not found.*apt-get install"):
        find_soffice()


def test_windows_install_places_are_under_program_files(tmp_path, monkeypatch):
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "pf"))
    monkeypatch.setenv("ProgramFiles(x86)", str(tmp_path / "pf86"))
    places = pdfmod.install_places("nt")
    assert places[0] == tmp_path / "pf" / "LibreOffice" / "program" / "soffice.exe"
    assert tmp_path / "pf86" / "LibreOffice" / "program" / "soffice.exe" in places
    assert all(p.name == "soffice.exe" for p in places)


def test_soffice_is_found_where_its_installer_put_it(tmp_path, monkeypatch):
    soffice = tmp_path / "LibreOffice" / "program" / "soffice.exe"
    soffice.parent.mkdir(parents=True)
    soffice.write_text("#!/bin/sh\n")
    soffice.chmod(0o755)
    monkeypatch.delenv("DOCGEN_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(pdfmod, "install_places", lambda: [tmp_path / "none.exe", soffice])
    assert find_soffice() == soffice


# --------------------------------------------------------------------------- fake soffice


def docs(folder: Path, *texts: str) -> list[Path]:
    folder.mkdir(exist_ok=True)
    return [
        make_docx(folder / f"doc{i}.docx", [text], "TH SarabunPSK", 32)
        for i, text in enumerate(texts)
    ]


def test_hanging_document_is_killed_and_reported_alone(tmp_path, fake_soffice):
    inputs = docs(tmp_path / "in", "first", "HANG here", "third")
    results = convert_to_pdf(inputs, tmp_path / "out", timeout=1.5, font_setup=SETUP)
    assert [r.ok for r in results] == [True, False, True]
    assert "did not finish within 1.5 s" in results[1].error
    assert all(r.font == "test font" for r in results)
    starts = fake_soffice()
    assert [s[3] for s in starts] == [
        ["00000.docx", "00001.docx", "00002.docx"],  # one process for the batch
        ["00001.docx"],  # then the unfinished ones alone
        ["00002.docx"],
    ]
    assert all(env == "from-setup" and profiles == 1 for _, env, profiles, _ in starts)
    hung_pid = int((tmp_path / "soffice.log.hung").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(hung_pid, 0)  # killed, not left running
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["doc0.pdf", "doc2.pdf"]


def test_crashing_document_does_not_take_the_chunk_down(tmp_path, fake_soffice):
    inputs = docs(tmp_path / "in", "one", "CRASH now", "three", "four")
    results = convert_to_pdf(inputs, tmp_path / "out", timeout=30, font_setup=SETUP)
    assert [r.ok for r in results] == [True, False, True, True]
    assert "exited with code 139" in results[1].error
    assert len(fake_soffice()) == 1 + 3  # the batch, then the three without a PDF


def test_documents_are_split_into_chunks_of_one_process_each(tmp_path, fake_soffice):
    inputs = docs(tmp_path / "in", *[f"doc {i}" for i in range(5)])
    results = convert_to_pdf(inputs, tmp_path / "out", chunk_size=2, font_setup=SETUP)
    assert all(r.ok for r in results)
    assert [len(s[3]) for s in fake_soffice()] == [2, 2, 1]
    for i, r in enumerate(results):
        assert f"doc {i}".encode() in r.pdf.read_bytes()  # each PDF from its own document


def test_same_name_from_two_folders_is_not_overwritten(tmp_path, fake_soffice):
    [a] = docs(tmp_path / "a", "from a")
    [b] = docs(tmp_path / "b", "from b")
    results = convert_to_pdf([a, b], tmp_path / "out", font_setup=SETUP)
    assert results[0].ok and b"from a" in results[0].pdf.read_bytes()
    assert not results[1].ok and "also becomes doc0.pdf" in results[1].error


def test_existing_pdf_is_replaced_whole(tmp_path, fake_soffice):
    out = tmp_path / "out"
    out.mkdir()
    (out / "doc0.pdf").write_bytes(b"old")
    [result] = convert_to_pdf(docs(tmp_path / "in", "new"), out, font_setup=SETUP)
    assert b"new" in result.pdf.read_bytes()
    assert not [p for p in out.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_empty_input_starts_nothing(tmp_path, fake_soffice):
    assert convert_to_pdf([], tmp_path / "out") == []
    assert fake_soffice() == []


def test_a_new_profile_after_a_kill(tmp_path, fake_soffice, monkeypatch):
    profiles = []
    real_popen = subprocess.Popen

    def spy(cmd, **kwargs):
        profiles.append(next(a for a in cmd if a.startswith("-env:UserInstallation=")))
        return real_popen(cmd, **kwargs)

    monkeypatch.setattr(pdfmod.subprocess, "Popen", spy)
    inputs = docs(tmp_path / "in", "HANG first", "second")
    results = convert_to_pdf(inputs, tmp_path / "out", timeout=1, font_setup=SETUP)
    assert [r.ok for r in results] == [False, True]
    assert len(profiles) == 3 and len(set(profiles)) == 3  # batch, hang alone, second alone
