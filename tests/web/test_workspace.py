"""The workspace: only its own files, atomic saves, stale saves refused, data written back."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from decimal import Decimal

import pytest

from docgen.errors import ConflictError, WorkspaceError
from docgen.report.data import loads
from docgen.web.workspace import Workspace, digest_of, serialize


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "a.yaml").write_text("report: {}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "name",
    [
        "../a.yaml",
        "/etc/passwd.yaml",
        "sub/a.yaml",
        "sub\\a.yaml",
        "a.txt",
        ".hidden.yaml",
        "",
        "a\x00.yaml",
        "C:a.yaml",
        "x" * 300 + ".yaml",
        "link.yaml",
    ],
)
def test_names_outside_the_workspace_are_refused(folder, tmp_path, name):
    (tmp_path / "outside.yaml").write_text("secret")
    (folder / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    with pytest.raises(WorkspaceError):
        Workspace(folder).path(name)


def test_the_list_holds_only_report_files(folder):
    for name in ("b.yml", "c.json", "notes.txt", ".docgen-tmp-x.yaml", ".hidden.yaml"):
        (folder / name).write_text("{}")
    (folder / "d.yaml").mkdir()
    assert Workspace(folder).names() == ["a.yaml", "b.yml", "c.json"]


def test_a_save_needs_the_version_it_was_loaded_from(folder):
    workspace = Workspace(folder)
    loaded = workspace.read("a.yaml")
    assert loaded.digest == digest_of((folder / "a.yaml").read_bytes())
    saved = workspace.save("a.yaml", "report: {x: 1}\n", loaded.digest)
    assert (folder / "a.yaml").read_text() == "report: {x: 1}\n"
    with pytest.raises(ConflictError, match="ไม่ได้บันทึก"):
        workspace.save("a.yaml", "report: {x: 2}\n", loaded.digest)  # stale now
    assert (folder / "a.yaml").read_text() == "report: {x: 1}\n"
    workspace.save("a.yaml", "report: {x: 3}\n", saved.digest)
    # no temporary file left; the lock file stays (removing it would race a waiting save)
    assert sorted(p.name for p in folder.iterdir()) == [".a.yaml.lock", "a.yaml"]


def test_a_new_file_never_replaces_one_that_exists(folder):
    workspace = Workspace(folder)
    with pytest.raises(ConflictError, match="มีไฟล์ชื่อ “a.yaml” อยู่แล้ว"):
        workspace.save("a.yaml", "new\n", None)
    assert (folder / "a.yaml").read_text() == "report: {}\n"
    workspace.save("b.yaml", "new\n", None)
    assert (folder / "b.yaml").read_text() == "new\n"


HARD_TEXT = [
    "x < y & </w:t> ]]>",
    "control \x01\x07 characters",
    "yes",
    "null",
    "3.20",
    "022227821",
    "2007-09-30",
    "# not a comment",
    "line one\nline two  \n\n  indented",
    "trailing newline\n",
    "'quotes' and \"doubles\": colons",
    "๑๒๓ ตัวเลขไทย",
]


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize("text", HARD_TEXT)
def test_written_data_reads_back_as_written(text, suffix):
    document = {
        "schema_version": 1,
        "report": {"fiscal_year": 2550, "round": 12, "as_of": dt.date(2007, 9, 30)},
        "indicator": {
            "code": text,
            "name": text,
            "supervisors": [{"name": text}],
            "collectors": [{"name": "x"}],
            "supervisor_phone": text,
            "description": text,
            "weight": Decimal("12.5"),
            "scoring": {"method": "milestone", "steps": [text] * 5},
            "evidence": [text],
        },
    }
    fmt = "json" if suffix == ".json" else "yaml"
    report = loads(serialize(document, "r" + suffix), fmt=fmt)
    indicator = report.indicator
    assert (indicator.code, indicator.name, indicator.supervisor_phone) == (text, text, text)
    assert indicator.description == text and indicator.evidence == [text]
    assert indicator.weight == Decimal("12.5")
    assert report.report.as_of == dt.date(2007, 9, 30)


def test_the_comments_a_yaml_file_starts_with_are_kept():
    previous = "# indicator 3.2\n# from last round\nschema_version: 1\n"
    text = serialize({"schema_version": 1}, "r.yaml", previous)
    assert text == "# indicator 3.2\n# from last round\nschema_version: 1\n"


_RACER = """
import sys, time
from docgen.errors import ConflictError
from docgen.web.workspace import Workspace

root, name, text, digest, start = sys.argv[1:]
check = Workspace.ensure_unchanged

def slow_check(self, *args):  # widen the window between the check and the write
    check(self, *args)
    time.sleep(0.3)

Workspace.ensure_unchanged = slow_check
while time.time() < float(start):
    time.sleep(0.001)
try:
    Workspace(root).save(name, text, digest)
    print("saved")
except ConflictError:
    print("conflict")
"""


def test_saves_from_several_processes_never_lose_an_edit(tmp_path):
    """Four processes save over the same version at the same moment (as four ``docgen
    serve`` on one folder would): one wins, the others are told of the conflict."""
    (tmp_path / "r.yaml").write_text("a: 1\n")
    digest = Workspace(tmp_path).read("r.yaml").digest
    start = str(time.time() + 3)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(tmp_path), "r.yaml", f"a: {i}\n", digest, start],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(2, 6)
    ]
    outcomes = [racer.communicate(timeout=60)[0].strip() for racer in racers]
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "saved"]
    winner = outcomes.index("saved") + 2
    assert (tmp_path / "r.yaml").read_text() == f"a: {winner}\n"
    assert Workspace(tmp_path).names() == ["r.yaml"]  # the lock file is not a report
