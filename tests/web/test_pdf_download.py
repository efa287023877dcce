"""PDF downloads from the web form go through one warm LibreOffice, kept by the server."""

from __future__ import annotations

import pytest
from helpers import require, require_tool
from support import SEED_NAME, open_form, workspace  # noqa: F401

from docgen.web import create_app

SEED_URL = f"/edit/{SEED_NAME}"


@pytest.mark.libreoffice
def test_pdf_downloads_share_one_warm_libreoffice(workspace):  # noqa: F811
    require_tool("soffice")
    from docgen.pdf.warm import shared_converter, warm_available

    require("LibreOffice's Python bridge (apt-get install python3-uno)", warm_available())
    client = create_app(workspace).test_client()
    offices = []
    for name in ("ตัวชี้วัดครั้งแรก", "ตัวชี้วัดครั้งที่สอง"):
        _, fields = open_form(client, SEED_URL)
        fields["indicator.name"], fields["action"] = name, "pdf"
        response = client.post(SEED_URL, data=fields)
        assert response.status_code == 200 and response.data.startswith(b"%PDF-")
        converter = shared_converter(None)
        offices.append((converter.starts, converter.pid))
    assert offices[0][1] is not None  # the download went through the warm office
    assert offices[0] == offices[1]  # the second download started no LibreOffice
