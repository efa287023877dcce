"""LibreOffice dies with docgen, even after kill -9, and the next run clears its work folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from helpers import SEED_DATA, require, require_tool

from docgen.pdf.children import WORK_PREFIX, clean_dead_work_dirs, tied_to_this_process

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
            except OSError:
                continue
            if text.encode() in command and state != "Z":
                found.append(int(entry.name))
    return found


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


_PARENT = """
import subprocess, sys, time
from docgen.pdf.children import tied_to_this_process
command = tied_to_this_process(["sh", "-c", "sleep 300 & sleep 300; :", sys.argv[1]])
subprocess.Popen(command)
time.sleep(300)
"""


def test_children_and_grandchildren_die_with_a_killed_parent(tmp_path):
    """The parent starts sh, which starts a sleep of its own; kill -9 of the parent
    leaves neither behind (the kernel alone would signal only the direct child)."""
    mark = f"docgen-test-mark-{os.getpid()}-{tmp_path.name}"
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, mark])
    try:
        assert _wait_until(lambda: len(_processes_mentioning(mark)) >= 2, 20)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert _wait_until(lambda: not _processes_mentioning(mark), 10), _processes_mentioning(mark)
    finally:
        for pid in _processes_mentioning(mark):
            os.kill(pid, signal.SIGKILL)


def test_the_command_keeps_its_exit_code():
    done = subprocess.run(tied_to_this_process(["sh", "-c", "exit 7"]))
    assert done.returncode == 7


def test_work_folders_of_dead_runs_are_removed_and_live_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.Popen(["true"])
    ended.wait()
    dead = tmp_path / f"{WORK_PREFIX}{ended.pid}-abc"
    mine = tmp_path / f"{WORK_PREFIX}{os.getpid()}-abc"
    running = tmp_path / f"{WORK_PREFIX}{os.getppid()}-abc"
    old = tmp_path / f"{WORK_PREFIX}q1w2e3"  # an older docgen's name, without a pid
    for folder in (dead, mine, running, old):
        (folder / "profile").mkdir(parents=True)
    os.utime(old, (0, 0))
    assert sorted(clean_dead_work_dirs()) == sorted([dead, old])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, running.name])


_CONVERTER = """
import sys
from docgen.pdf.convert import convert_to_pdf
convert_to_pdf([sys.argv[1]] * 400, sys.argv[2], chunk_size=400)  # a minute's work
"""


def _kill_a_converting_run(tmp_path: Path, script: str, started, marker: str) -> tuple[Path, int]:
    """Run `script` (converting the seed form) with its own TMPDIR, kill -9 it once
    `started()` holds, and assert that no process mentioning `marker` under that TMPDIR
    outlives it. Returns the TMPDIR and the killed run's pid."""
    from docgen import api

    docx = api.render_report(SEED_DATA, out_dir=tmp_path / "docx").documents[0].path
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    run = subprocess.Popen([sys.executable, "-c", script, str(docx), str(tmp_path)], env=env)
    try:
        assert _wait_until(started, 90), "the conversion did not start"
        assert _processes_mentioning(f"{temp}/{marker}")
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        gone = _wait_until(lambda: not _processes_mentioning(f"{temp}/{marker}"), 15)
        assert gone, "LibreOffice outlived the killed run"
    finally:
        for pid in _processes_mentioning(str(temp)):
            os.kill(pid, signal.SIGKILL)
    return temp, run.pid


@pytest.mark.libreoffice
def test_libreoffice_dies_with_a_killed_run_and_the_next_run_clears_up(tmp_path):
    require_tool("soffice")
    marker = f"{tmp_path}/tmp/{WORK_PREFIX}"
    temp, pid = _kill_a_converting_run(
        tmp_path, _CONVERTER, lambda: _processes_mentioning(marker), WORK_PREFIX
    )
    left = list(temp.glob(WORK_PREFIX + "*"))
    assert [p.name.split("-")[2] for p in left] == [str(pid)]
    old_tempdir = tempfile.tempdir
    tempfile.tempdir = str(temp)
    try:
        assert clean_dead_work_dirs() == left
    finally:
        tempfile.tempdir = old_tempdir
    assert not list(temp.iterdir())


_WARM = """
import sys
from docgen.pdf.warm import WarmConverter
with WarmConverter() as converter:
    for number in range(400):  # minutes of work
        converter.convert_file(sys.argv[1], f"{sys.argv[2]}/{number}.pdf")
"""


@pytest.mark.libreoffice
def test_a_warm_libreoffice_dies_with_a_killed_run(tmp_path):
    """The kept LibreOffice of `batch --pdf` and `serve`: its bridge sees docgen's end
    (its standard input closes) and kills the office's process group."""
    require_tool("soffice")
    from docgen.pdf.warm import warm_available

    require("LibreOffice's Python bridge (apt-get install python3-uno)", warm_available())
    _kill_a_converting_run(tmp_path, _WARM, lambda: list(tmp_path.glob("*.pdf")), "docgen-warm-")
