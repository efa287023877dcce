"""docxtpl's own test scripts, run once with docxtpl and once with the import line
changed to ``from docgen.docxtpl import``: a reader must see the same documents
(text of the body, headers, footers and notes; pictures by content; properties).

The scripts and their templates are docxtpl's, and are not part of this
repository. docxtpl's sdist on PyPI carries no tests/ folder, so they are taken
from its public repository at a fixed commit (the one whose docxtpl/ equals the
installed 0.20.2) and kept in a cache folder: ``$DOCXTPL_TESTS_DIR`` if set (a
folder holding docxtpl's tests/), else ``~/.cache/docgen-tests``, downloading the
commit's archive from GitHub when the cache lacks it. Without them the tests skip,
in CI too: CI reaches package registries only, and no registry ships these scripts
(docxtpl's sdist and Debian's package both leave tests/ out), so a run that cannot
download them says so instead of failing.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

import pytest
from compare import differences, seen

COMMIT = "f96b0b641359e7ecbc054d48da2aea682834dee2"
ARCHIVE = f"https://codeload.github.com/elapouya/python-docx-template/tar.gz/{COMMIT}"
SCRIPTS = [
    "cellbg", "comments", "custom_jinja_filters", "doc_properties", "dynamic_table",
    "embedded", "escape", "escape_auto", "footnotes", "get_undeclared_variables",
    "header_footer", "header_footer_entities", "header_footer_image",
    "header_footer_image_file_obj", "header_footer_inline_image", "header_footer_utf8",
    "horizontal_merge", "inline_image", "less_cells_after_loop", "merge_docx",
    "merge_paragraph", "module_execute", "multi_rendering", "nested_for", "order",
    "preserve_spaces", "replace_picture", "richtext", "richtext_and_if", "richtext_eastAsia",
    "richtextparagraph", "subdoc", "template_error", "vertical_merge",
    "vertical_merge_nested", "word2016",
]  # fmt: skip
#: Where docgen differs on purpose (the README's "Coming from docxtpl" says why).
JUSTIFIED = {"word2016", "template_error"}


def _cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "docgen-tests" / f"python-docx-template-{COMMIT[:12]}"


def _download(target: Path) -> bool:
    try:
        with urllib.request.urlopen(ARCHIVE, timeout=60) as response:
            data = response.read(50 * 1024 * 1024)
    except OSError:
        return False
    staging = Path(tempfile.mkdtemp(dir=target.parent))
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        members = [m for m in archive.getmembers() if "/tests/" in m.name and m.isfile()]
        archive.extractall(staging, members=members, filter="data")
    found = next(staging.glob("*/tests"))
    with contextlib.suppress(OSError):  # another worker got there first
        found.rename(target)
    shutil.rmtree(staging, ignore_errors=True)
    return target.is_dir()


@pytest.fixture(scope="session")
def docxtpl_tests() -> Path:
    given = os.environ.get("DOCXTPL_TESTS_DIR")
    if given:
        return Path(given)
    target = _cache() / "tests"
    if not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        if not _download(target):
            pytest.skip(
                f"docxtpl's test scripts could not be downloaded ({ARCHIVE}); set DOCXTPL_TESTS_DIR"
            )
    return target


#: Runs scripts one after the other in one process (one import of each library, not
#: one per script): the import line changed or not, each script's stdout, error and the
#: documents it wrote recorded in results.json.
DRIVER = """
import contextlib, io, json, os, sys, traceback
docgen = sys.argv[1] == "docgen"
results, home = {}, os.getcwd()
for script in sys.argv[2:]:
    before = set(os.listdir("output"))
    text = open(script + ".py", encoding="utf-8").read()
    if docgen:
        text = text.replace("from docxtpl import", "from docgen.docxtpl import")
    module = "docgen.docxtpl" if docgen else "docxtpl"
    text = text.replace("python -m docxtpl", sys.executable + " -m " + module)
    out, error = io.StringIO(), None
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(text, script + ".py", "exec"), {"__name__": "__main__", "__file__": os.path.abspath(script + ".py")})
        except BaseException:
            error = traceback.format_exc()
    os.chdir(home)
    results[script] = {"stdout": out.getvalue(), "error": error, "documents": sorted(set(os.listdir("output")) - before)}
json.dump(results, open("results.json", "w"))
"""


@pytest.fixture(scope="session")
def runs(docxtpl_tests, tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """Every script run by docxtpl and by docgen: (folder, results) by side."""
    processes = {}
    for side in ("docxtpl", "docgen"):
        folder = tmp_path_factory.mktemp(side) / "tests"
        shutil.copytree(docxtpl_tests, folder)
        (folder / "output").mkdir(exist_ok=True)
        (folder / "run_all.py").write_text(DRIVER, encoding="utf-8")
        environment = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONWARNINGS": "ignore"}
        processes[side] = (
            folder,
            subprocess.Popen(
                [sys.executable, str(folder / "run_all.py"), side, *SCRIPTS],
                cwd=folder,
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            ),
        )
    results = {}
    for side, (folder, process) in processes.items():
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, output
        results[side] = (folder, json.loads((folder / "results.json").read_text()))
    return results


def _stdout(text: str) -> str:
    """Printed sets in a stable order, and docgen's module named as docxtpl's."""
    text = text.replace("docgen.docxtpl", "docxtpl")
    return re.sub(r"\{'[^{}]*'\}", lambda m: str(sorted(re.findall(r"'([^']*)'", m[0]))), text)


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_gives_the_same_documents(script, runs):
    (want_dir, want_all), (got_dir, got_all) = runs["docxtpl"], runs["docgen"]
    want, got = want_all[script], got_all[script]
    assert (got["error"] is None) == (want["error"] is None), got["error"]
    assert got["documents"] == want["documents"]
    found = {
        name: differences(want_dir / "output" / name, got_dir / "output" / name)
        for name in want["documents"]
    }
    if script == "word2016":  # docgen keeps the tabs Word put inside a tag; docxtpl drops them
        before = seen(want_dir / "output/word2016.docx")["word/document.xml"]
        after = seen(got_dir / "output/word2016.docx")["word/document.xml"]
        assert "\n Test tabs in template" in before
        assert after == before.replace(
            "\n Test tabs in template", "\n\t\t\t\t\t Test tabs in template"
        )
        found["word2016.docx"] = []
    assert found == dict.fromkeys(want["documents"], [])
    if script == "template_error":  # docgen's message names the place and the fix
        assert "Encountered unknown tag 'endif'" in want["stdout"]
        assert "body paragraph 5: {% endif %} has no {% if %} before it" in got["stdout"]
        assert "End of TemplateError Test" in got["stdout"]
    else:
        assert _stdout(got["stdout"]) == _stdout(want["stdout"])
