"""Pictures from the data: evidence photos on the official form, `image()` in a
report template, both read from the data file's folder and never outside it."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import docx
import pytest
import yaml
from helpers import SEED_DATA, TEMPLATES, make_template, png_bytes, require_tool

from docgen import api
from docgen.errors import DataError, TemplateError
from docgen.report.template_edits import add_evidence_photos

PHOTO = png_bytes(120, 80, (30, 120, 30))


@pytest.fixture
def data_folder(tmp_path):
    """The seed's data beside photos/a.png, its second evidence item with the photo."""
    folder = tmp_path / "data"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "a.png").write_bytes(PHOTO)
    raw = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    evidence = raw["indicator"]["evidence"]
    evidence[1] = {"text": evidence[1], "image": "photos/a.png"}
    (folder / "seed.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def photo_template(tmp_path_factory):
    target = tmp_path_factory.mktemp("template") / "kpi_report.docx"
    assert add_evidence_photos(TEMPLATES / "kpi_report.docx", target)
    assert not add_evidence_photos(target, target)  # idempotent
    return target


def _pictures(path):
    with zipfile.ZipFile(path) as archive:
        return [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]


def test_an_evidence_photo_prints_under_its_item(data_folder, photo_template, tmp_path):
    [document] = api.render(data_folder / "seed.yaml", template=photo_template, out_dir=tmp_path)
    assert _pictures(document.path) == [PHOTO]
    paragraphs = docx.Document(document.path).paragraphs
    texts = [p.text for p in paragraphs]
    label = next(i for i, t in enumerate(texts) if t.startswith("หลักฐานอ้างอิง"))
    second = next(i for i, t in enumerate(texts) if i > label and t.startswith("2.\t"))
    photo = paragraphs[second + 1]
    assert photo._p.xpath(".//pic:pic") and texts[second + 2].startswith("3.\t")
    shape = docx.Document(document.path).inline_shapes[0]
    assert (round(shape.width.mm), round(shape.height.mm)) == (80, 53)  # 120x80 kept


def test_the_form_without_photos_is_as_before(tmp_path, photo_template):
    [plain] = api.render(SEED_DATA, out_dir=tmp_path / "a")
    [edited] = api.render(SEED_DATA, template=photo_template, out_dir=tmp_path / "b")
    read = [[p.text for p in docx.Document(d.path).paragraphs] for d in (plain, edited)]
    assert read[0] == read[1]


def test_an_evidence_photo_outside_the_data_folder_is_refused(data_folder, tmp_path):
    (tmp_path / "secret.png").write_bytes(PHOTO)
    text = (data_folder / "seed.yaml").read_text(encoding="utf-8")
    (data_folder / "seed.yaml").write_text(text.replace("photos/a.png", "../secret.png"))
    with pytest.raises(DataError) as caught:
        api.render(data_folder / "seed.yaml", out_dir=tmp_path / "out")
    assert "indicator.evidence[1].image" in str(caught.value)
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
    [document] = api.render(data_folder / "seed.yaml", template=template, out_dir=tmp_path)
    shape = docx.Document(document.path).inline_shapes[0]
    assert (round(shape.width.mm), round(shape.height.mm)) == expected


@pytest.mark.parametrize("path", ["../secret.png", "/etc/hostname", "photos/../../secret.png"])
def test_image_leaving_the_data_folder_is_refused(data_folder, tmp_path, path):
    (tmp_path / "secret.png").write_bytes(PHOTO)
    template = make_template(tmp_path / "t.docx", [f"{{{{ image('{path}') }}}}"])
    with pytest.raises(TemplateError, match="data file's folder"):
        api.render(data_folder / "seed.yaml", template=template, out_dir=tmp_path / "out")


@pytest.mark.libreoffice
def test_the_photo_on_the_seed_form_as_png(data_folder, photo_template, tmp_path):
    """The form's page with the photo, as an image (docs/ keeps no copy; look at it with
    `pytest --basetemp=DIR`)."""
    require_tool("pdftoppm")
    [document] = api.render(
        data_folder / "seed.yaml", template=photo_template, out_dir=tmp_path, pdf=True
    )
    pdf = document.path.with_suffix(".pdf")
    listed = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert [line.split()[3:5] for line in listed] == [["120", "80"]]  # the photo, once
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages and all(p.read_bytes().startswith(b"\x89PNG") for p in pages)
    shutil.copy(pages[-1], tmp_path / "last-page.png")
