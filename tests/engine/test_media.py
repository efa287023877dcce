"""Pictures printed by a compiled template: in the body, headers and footers, at the
size asked for, and only PNG or JPEG read from inside the data's folder."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.shared import Mm
from helpers import png_bytes

from docgen.engine.media import Picture, PictureError, load_picture
from docgen.engine.template import Template


@pytest.fixture
def picture_template(tmp_path):
    document = docx.Document()
    document.add_paragraph("Body {{ logo }} end")
    document.sections[0].header.paragraphs[0].text = "Head {{ logo }}"
    document.sections[0].footer.paragraphs[0].text = "Foot {{ stamp }}"
    document.core_properties.title = "{{ title }}"
    path = tmp_path / "pictures.docx"
    document.save(path)
    return path


def _rendered(template, context, tmp_path):
    out = tmp_path / "out.docx"
    out.write_bytes(template.render(context))
    return out


def test_pictures_in_body_headers_and_footers(picture_template, tmp_path):
    template = Template(picture_template)
    logo = Picture(png_bytes(40, 20), "logo.png", width_mm=30)
    stamp = Picture(png_bytes(10, 10, (0, 0, 200)), "stamp.png", height_mm=12)
    for run in range(2):  # the same compiled template, twice
        out = _rendered(template, {"logo": logo, "stamp": stamp, "title": f"T{run}"}, tmp_path)
        document = docx.Document(out)
        section = document.sections[0]
        assert [round(s.width.mm, 1) for s in document.inline_shapes] == [30.0]
        assert round(document.inline_shapes[0].height.mm, 1) == 15.0  # 40x20 keeps 2:1
        header_images = [r for r in section.header.part.rels.values() if "image" in r.reltype]
        footer_images = [r for r in section.footer.part.rels.values() if "image" in r.reltype]
        assert [r.target_part.blob for r in header_images] == [logo.data]
        assert [r.target_part.blob for r in footer_images] == [stamp.data]
        assert document.core_properties.title == f"T{run}"
        assert "Head" in section.header.paragraphs[0].text
        with zipfile.ZipFile(out) as archive:
            media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert len(media) == 2  # the logo once, though the body and the header show it


def test_template_stays_compiled_and_pictureless_documents_unchanged(picture_template):
    template = Template(picture_template)
    compiled = {name: part.template for name, part in template._parts.items()}
    plain = template.render({"logo": "x", "stamp": "y", "title": "t"})
    template.render({"logo": Picture(png_bytes(4, 4)), "stamp": "y", "title": "t"})
    assert {name: part.template for name, part in template._parts.items()} == compiled
    assert template.render({"logo": "x", "stamp": "y", "title": "t"}) == plain
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/media/")]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"GIF89a" + b"\0" * 40, "is not a PNG or JPEG picture"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "is not a PNG or JPEG picture"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (11 * 1024 * 1024), "larger than 10 MB"),
    ],
)
def test_only_png_and_jpeg_of_bounded_size(data, message):
    with pytest.raises(PictureError, match=message):
        Picture(data, "photo.png")


def test_a_picture_named_png_is_checked_by_its_content(tmp_path):
    (tmp_path / "fake.png").write_bytes(b"GIF89a......")
    with pytest.raises(PictureError, match="fake.png is not a PNG or JPEG"):
        load_picture(tmp_path, "fake.png")


@pytest.mark.parametrize("path", ["../secret.png", "photos/../../secret.png", "/etc/passwd"])
def test_a_path_leaving_the_data_folder_is_refused(tmp_path, path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "secret.png").write_bytes(png_bytes(2, 2))
    with pytest.raises(PictureError, match="data file's folder"):
        load_picture(data, path)


def test_a_symbolic_link_out_of_the_folder_is_refused(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "secret.png").write_bytes(png_bytes(2, 2))
    (data / "link.png").symlink_to(tmp_path / "secret.png")
    with pytest.raises(PictureError, match="leaves the data file's folder"):
        load_picture(data, "link.png")


def test_a_picture_inside_the_folder_keeps_its_aspect_ratio(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.png").write_bytes(png_bytes(300, 100))
    picture = load_picture(tmp_path, "photos/a.png", height_mm=10)
    width, height = picture.size()
    assert (round(width / Mm(1)), round(height / Mm(1))) == (30, 10)


CUSTOM_PROPERTIES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="office">'
    "<vt:lpwstr>{{ office }}</vt:lpwstr></property></Properties>"
)


def _with_custom_properties(source, target):
    """The template with a custom property whose value is a tag, as Word stores one."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
                )
            elif item.filename == "_rels/.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/custom-properties" '
                    b'Target="docProps/custom.xml"/></Relationships>',
                )
            new.writestr(item, data)
        new.writestr("docProps/custom.xml", CUSTOM_PROPERTIES)
    return target


def test_custom_properties_are_rendered_and_escaped(picture_template, tmp_path):
    template = Template(_with_custom_properties(picture_template, tmp_path / "custom.docx"))
    context = {"logo": "", "stamp": "", "title": "t", "office": "สำนักงาน <A&B>"}
    with zipfile.ZipFile(io.BytesIO(template.render(context))) as archive:
        custom = archive.read("docProps/custom.xml").decode()
    assert "<vt:lpwstr>สำนักงาน &lt;A&amp;B&gt;</vt:lpwstr>" in custom
    assert "{{" not in custom
