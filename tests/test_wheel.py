"""docgen as a user installs it: the wheel, in a fresh virtual environment outside the checkout.

One environment serves every check (building and installing cost most of the time); pip
takes docgen's dependencies from its cache or the package index as a user's pip would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from helpers import ROOT, SEED_DATA, document_text, free_port, require_tool, wait_for_page

pytestmark = pytest.mark.slow


def _run(args: list, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("dist")
    assert not home.resolve().is_relative_to(ROOT)
    built = _run(
        [sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "--quiet", "-w", home], home
    )
    assert built.returncode == 0, built.stderr
    [found] = home.glob("docgen-*.whl")
    return found


def _install(home: Path, requirement: str) -> Path:
    """The bin/ folder of a fresh venv in `home` with `requirement` installed."""
    made = _run([sys.executable, "-m", "venv", home / "venv"], home)
    assert made.returncode == 0, made.stderr
    bin_dir = home / "venv" / "bin"
    added = _run([bin_dir / "python", "-m", "pip", "install", "--quiet", requirement], home)
    assert added.returncode == 0, added.stderr
    return bin_dir


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel) -> Path:
    """The bin/ folder of a fresh venv holding docgen[web] installed from its wheel."""
    return _install(tmp_path_factory.mktemp("user"), f"{wheel}[web]")


@pytest.fixture(scope="module")
def installed_without_web(tmp_path_factory, wheel) -> Path:
    """docgen alone: no Flask, no waitress, no filelock."""
    return _install(tmp_path_factory.mktemp("plain"), str(wheel))


def test_without_the_web_extra_the_cli_works_and_serve_says_how_to_add_it(
    installed_without_web, tmp_path
):
    absent = _run([installed_without_web / "python", "-c", "import flask"], tmp_path)
    assert absent.returncode != 0  # the extra really is missing
    data = shutil.copy(SEED_DATA, tmp_path / "indicator-3.2.yaml")
    done = _run([installed_without_web / "docgen", "render", data, "-o", "out"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "2550-r12-3.2.docx").exists()
    served = _run([installed_without_web / "docgen", "serve"], tmp_path, timeout=60)
    assert served.returncode == 3
    assert "pip install 'docgen[web]'" in served.stderr
    assert "Traceback" not in served.stderr


def test_the_wheel_holds_the_package_not_the_checkout(installed):
    where = _run([installed / "python", "-c", "import docgen; print(docgen.__file__)"], Path("/"))
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)


def test_installed_docgen_renders_the_seed_form(installed, tmp_path):
    data = shutil.copy(SEED_DATA, tmp_path / "indicator-3.2.yaml")
    done = _run([installed / "docgen", "render", data, "-o", "out"], tmp_path)
    assert done.returncode == 0, done.stderr
    text = document_text(tmp_path / "out" / "2550-r12-3.2.docx")
    assert "ระดับผลสัมฤทธิ์ของการสนับสนุนการบริหารราชการจังหวัดแบบบูรณาการ" in text


def test_installed_python_api_renders_a_template(installed, tmp_path):
    script = (
        "import docgen, docx\n"
        "d = docx.Document(); d.add_paragraph('ตัวชี้วัด {{ code }}'); d.save('t.docx')\n"
        "open('o.docx', 'wb').write(docgen.Template('t.docx').render({'code': '3.2'}))\n"
    )
    done = _run([installed / "python", "-c", script], tmp_path)
    assert done.returncode == 0, done.stderr
    assert document_text(tmp_path / "o.docx").strip() == "ตัวชี้วัด 3.2"


def test_installed_docgen_serves_the_web_form(installed, tmp_path):
    port = free_port()
    (tmp_path / "reports").mkdir()
    shutil.copy(SEED_DATA, tmp_path / "reports" / "2550-r12-3.2.yaml")
    process = subprocess.Popen(
        [str(installed / "docgen"), "serve", "--workspace", "reports", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = wait_for_page(process, port, 60)
        [stylesheet] = re.findall(r'rel="stylesheet" href="([^"]+)"', page)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet}") as answer:
            css = answer.read().decode("utf-8")
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert "<h1>รายงานในโฟลเดอร์งาน</h1>" in page  # the front page, from the package's templates
    assert "2550-r12-3.2.yaml" in page
    assert "{" in css  # the stylesheet, from the package's static files


@pytest.mark.libreoffice
def test_installed_docgen_doctor_finds_libreoffice_and_the_font(installed, tmp_path):
    require_tool("soffice")
    done = _run([installed / "docgen", "doctor"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "LibreOffice:" in done.stdout
    assert "PDF output font:" in done.stdout
