"""Pictures from the data: evidence photos on the official form, `image()` in a
report template, both read from the data file's folder and never outside it."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import docx
import pytest
import yaml
from helpers import SEED_DATA, make_template, png_bytes, require_tool

from docgen import api
from docgen.errors import DataError, TemplateError

PHOTO = png_bytes(120, 80, (30, 120, 30))
SIGNATURE = png_bytes(90, 30, (20, 20, 160))


@pytest.fixture
def data_folder(tmp_path):
    """The seed's data beside photos/a.png and signatures/r.png: its second evidence item
    with the photo, the reporter signing with the signature."""
    folder = tmp_path / "data"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "a.png").write_bytes(PHOTO)
    (folder / "signatures").mkdir()
    (folder / "signatures" / "r.png").write_bytes(SIGNATURE)
    raw = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    evidence = raw["indicator"]["evidence"]
    evidence[1] = {"text": evidence[1], "image": "photos/a.png"}
    raw["report"]["sign_off"] = {"reporter": {"signature": "signatures/r.png"}}
    (folder / "seed.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return folder


def _pictures(path):
    with zipfile.ZipFile(path) as archive:
        return [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]


def test_an_evidence_photo_prints_under_its_item(data_folder, tmp_path):
    [document] = api.render_report(data_folder / "seed.yaml", out_dir=tmp_path).documents
    assert sorted(_pictures(document.path)) == sorted([PHOTO, SIGNATURE])
    paragraphs = docx.Document(document.path).paragraphs
    texts = [p.text for p in paragraphs]
    label = next(i for i, t in enumerate(texts) if t.startswith("หลักฐานอ้างอิง"))
    second = next(i for i, t in enumerate(texts) if i > label and t.startswith("2.\t"))
    photo = paragraphs[second + 1]
    assert photo._p.xpath(".//pic:pic") and texts[second + 2].startswith("3.\t")
    shape = docx.Document(document.path).inline_shapes[0]
    assert (round(shape.width.mm), round(shape.height.mm)) == (80, 53)  # 120x80 kept


@pytest.mark.parametrize("summary", [False, True])
def test_the_reporter_signs_with_the_signature_picture(data_folder, tmp_path, summary):
    result = api.render_report(data_folder / "seed.yaml", out_dir=tmp_path, summary=summary)
    path = result.summary.path if summary else result.documents[0].path
    block = docx.Document(path).tables[-1]
    reporter, certifier = block.rows[0].cells
    signed = [p for p in reporter.paragraphs if p.text.startswith("ลงชื่อ")]
    assert [p._p.xpath(".//pic:pic") != [] for p in signed] == [True]
    assert signed[0].text.strip() == "ลงชื่อ"  # the picture instead of the dotted line
    assert [p.text for p in certifier.paragraphs if p.text.startswith("ลงชื่อ")] == [
        "ลงชื่อ " + "." * 42
    ]
    shape = next(s for s in docx.Document(path).inline_shapes if round(s.height.mm) == 12)
    assert round(shape.width.mm) == 36  # 90x30 at 12 mm high


def test_the_seed_form_without_pictures_has_none(seed_docx):
    assert _pictures(seed_docx) == []
    assert all(
        p.text == "ลงชื่อ " + "." * 42
        for p in docx.Document(seed_docx).tables[-1].rows[0].cells[0].paragraphs
        if p.text.startswith("ลงชื่อ")
    )


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("photos/a.png", "../secret.png", "indicator.evidence[1].image"),
        ("signatures/r.png", "../secret.png", "report.sign_off.reporter.signature"),
    ],
)
def test_a_picture_outside_the_data_folder_is_refused(data_folder, tmp_path, old, new, field):
    (tmp_path / "secret.png").write_bytes(PHOTO)
    text = (data_folder / "seed.yaml").read_text(encoding="utf-8")
    (data_folder / "seed.yaml").write_text(text.replace(old, new))
    with pytest.raises(DataError) as caught:
        api.render_report(data_folder / "seed.yaml", out_dir=tmp_path / "out")
    assert field in str(caught.value)
    assert "leaves the data file's folder" in str(caught.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize(
    "call, expected",
    [
        ("image('photos/a.png', width_mm=40)", (40, 27)),
        ("image('photos/a.png', height_mm=20)", (30, 20)),
    ],
)
def test_image_in_a_report_template(data_folder, tmp_path, call, expected):
    template = make_template(tmp_path / "t.docx", [f"Logo: {{{{ {call} }}}}"])
    [document] = api.render_report(
        data_folder / "seed.yaml", template=template, out_dir=tmp_path
    ).documents
    shape = docx.Document(document.path).inline_shapes[0]
    assert (round(shape.width.mm), round(shape.height.mm)) == expected


@pytest.mark.parametrize("path", ["../secret.png", "/etc/hostname", "photos/../../secret.png"])
def test_image_leaving_the_data_folder_is_refused(data_folder, tmp_path, path):
    (tmp_path / "secret.png").write_bytes(PHOTO)
    template = make_template(tmp_path / "t.docx", [f"{{{{ image('{path}') }}}}"])
    with pytest.raises(TemplateError, match="data file's folder"):
        api.render_report(data_folder / "seed.yaml", template=template, out_dir=tmp_path / "out")


@pytest.mark.libreoffice
def test_the_pictures_on_the_seed_form_as_png(data_folder, tmp_path):
    """The form's pages with the photo and the signature, as images (look at them with
    `pytest --basetemp=DIR`)."""
    require_tool("pdftoppm")
    [document] = api.render_report(data_folder / "seed.yaml", out_dir=tmp_path, pdf=True).documents
    pdf = document.path.with_suffix(".pdf")
    listed = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert sorted(line.split()[3:5] for line in listed) == [["120", "80"], ["90", "30"]]
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages and all(p.read_bytes().startswith(b"\x89PNG") for p in pages)
    shutil.copy(pages[-1], tmp_path / "last-page.png")
