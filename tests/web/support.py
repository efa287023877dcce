"""Helpers of the web form's tests: a workspace with the seed, and posting a page's
form the way a browser does (the values the page shows, nothing invented)."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import SEED_DATA
from werkzeug.datastructures import MultiDict

SEED_NAME = "indicator-3.2.yaml"


class _FormReader(HTMLParser):
    """The successful controls of a page's form, as a browser submits them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.in_template = 0
        self.textarea: list[str] | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "template":
            self.in_template += 1
        if self.in_template or "disabled" in attr or "name" not in attr and tag != "option":
            return
        if tag == "input":
            kind = attr.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attr:
                    self.fields.append((attr["name"], attr.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.fields.append((attr["name"], attr.get("value", "")))
        elif tag == "textarea":
            self.textarea = [attr["name"], ""]
        elif tag == "select":
            self.select = attr["name"]
        elif tag == "option" and "selected" in attr and self.select:
            self.fields.append((self.select, attr["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.in_template -= 1
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1] += data


def form_fields(page: str) -> MultiDict:
    """The fields a browser would post from `page` (without pressing any button)."""
    reader = _FormReader()
    reader.feed(page)
    return MultiDict(reader.fields)


def error_for(page: str, slot: str) -> str:
    """The message shown beside field `slot` on `page` ("" when none)."""
    match = re.search(
        r'<p class="error" data-error-for="' + re.escape(slot) + r'"[^>]*>([^<]*)</p>', page
    )
    assert match, f"the page has no place for messages about {slot}"
    return html.unescape(match.group(1))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace folder holding a copy of the seed's data file."""
    folder = tmp_path / "workspace"
    folder.mkdir()
    shutil.copy(SEED_DATA, folder / SEED_NAME)
    return folder


@pytest.fixture
def client(workspace: Path):
    from docgen.web import create_app

    app = create_app(workspace, pdf=False)
    return app.test_client()


def open_form(client, url: str) -> tuple[str, MultiDict]:
    """GET a form page; its HTML and the fields it would post."""
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = response.get_data(as_text=True)
    return page, form_fields(page)


def score_row(document_bytes: bytes) -> list[str]:
    """The score table's row of a .docx: name, weight, result, score, weighted score."""
    import io

    import docx

    document = docx.Document(io.BytesIO(document_bytes))
    [table] = [
        t
        for t in document.tables
        if t.rows[0].cells[-1].text.replace("\n", "") == "ค่าคะแนนถ่วงน้ำหนัก"
    ]
    return [cell.text for cell in table.rows[1].cells]
