"""The clerks' web form: fill in an indicator in Thai, see its score, download the report.

A small Flask application, server-rendered, over a workspace folder of report
files in the data format. It validates, scores and renders with the same
engine and template as ``docgen render``. Start it with ``docgen serve``.
"""

from __future__ import annotations

import ipaddress
import threading
from pathlib import Path

from flask import Flask

from docgen.web.editor import to_editor
from docgen.web.workspace import Workspace

#: The folder ``docgen serve`` uses when no --workspace is given.
DEFAULT_WORKSPACE = Path("reports")
DEFAULT_PORT = 8000
#: A whole post, and one field of it: far above a real form, far below a problem.
MAX_POST_BYTES = 4 * 1024 * 1024
MAX_FIELD_BYTES = 1024 * 1024
MAX_FIELDS = 2000


def create_app(
    workspace: str | Path,
    template: str | Path | None = None,
    *,
    pdf: bool | None = None,
    font_dir: str | Path | None = None,
    trusted_hosts: list[str] | None = None,
) -> Flask:
    """The application over `workspace`; `pdf` None means "when LibreOffice is installed".

    `font_dir` is the folder of real TH Sarabun fonts PDFs use, as in ``docgen render``.
    """
    from docgen.web import sheets, views

    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_POST_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_FIELD_BYTES,
        MAX_FORM_PARTS=MAX_FIELDS,
        DOCGEN_WORKSPACE=Workspace(workspace),
        DOCGEN_TEMPLATE=Path(template) if template is not None else None,
        DOCGEN_PDF=views.pdf_available() if pdf is None else pdf,
        DOCGEN_PDF_LOCK=threading.Lock(),  # one LibreOffice conversion at a time
        DOCGEN_FONT_DIR=font_dir,
    )
    if trusted_hosts:
        app.config["TRUSTED_HOSTS"] = trusted_hosts
    app.jinja_env.filters["editor"] = to_editor
    app.register_blueprint(views.bp)
    app.register_blueprint(sheets.bp)
    return app


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    workspace: str | Path,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    template: str | Path | None = None,
    font_dir: str | Path | None = None,
) -> None:
    """Serve the form until interrupted (waitress, a production WSGI server)."""
    from waitress import serve as waitress_serve

    # On the loopback address only this machine's names are answered, so a web page
    # elsewhere cannot reach the server through a DNS name that points here.
    hosts = ["127.0.0.1", "localhost", "[::1]"] if _loopback(host) else None
    app = create_app(workspace, template, font_dir=font_dir, trusted_hosts=hosts)
    waitress_serve(app, host=host, port=port, threads=4, ident="docgen")


__all__ = ["DEFAULT_PORT", "DEFAULT_WORKSPACE", "create_app", "serve"]
