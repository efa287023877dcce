"""Outputs stay in their folder, never overwrite each other, and are whole or absent."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import docx
import pytest
from helpers import REPORT_DATA, ROOT, SEED_DATA

from docgen import api, output
from docgen.errors import DataError, OutputError
from docgen.output import (
    TEMP_PREFIX,
    atomic_move,
    atomic_write_bytes,
    clean_stale_temp_files,
    document_name,
    output_path,
    temp_name,
    temp_path,
)
from docgen.report.data import load


def _with_codes(codes: list[str]):
    report = load(REPORT_DATA)
    indicators = [
        indicator.model_copy(update={"code": code})
        for indicator, code in zip(report.indicators, codes, strict=False)
    ]
    return report.model_copy(update={"indicators": indicators})


def _files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("3.2", "2550-r12-3.2.docx"),
        ("../../etc/x", "2550-r12-etc_x.docx"),
        ("a/b", "2550-r12-a_b.docx"),
        ("a\\b", "2550-r12-a_b.docx"),
        ("CON", "2550-r12-_CON.docx"),
        ("COM¹", "2550-r12-_COM¹.docx"),
        ("///", "2550-r12-indicator.docx"),
        ("e\u0301", "2550-r12-\u00e9.docx"),  # one name, however the accent was typed
        ("ก" * 200, "2550-r12-" + "ก" * 40 + ".docx"),  # 120 bytes of UTF-8
    ],
    ids=[
        "plain",
        "traversal",
        "slash",
        "backslash",
        "device",
        "device-superscript",
        "empty",
        "decomposed",
        "long",
    ],
)
def test_document_names_stay_plain(code, name):
    assert document_name(2550, 12, code) == name


def test_hostile_codes_write_only_inside_the_output_folder(tmp_path):
    out = tmp_path / "deep" / "out"
    report = _with_codes(["../../etc/x", "a/b", "CON", "///", "/abs", "C:\\x", "~/.ssh/id"])
    written = api.render_report(report, out_dir=out).documents
    names = ["etc_x", "a_b", "_CON", "indicator", "abs", "C_x", "ssh_id"]
    assert _files_under(tmp_path) == sorted(f"deep/out/2550-r12-{n}.docx" for n in names)
    assert [doc.path.name for doc in written] == [f"2550-r12-{n}.docx" for n in names]
    for doc in written:
        assert docx.Document(str(doc.path)).paragraphs, doc.path


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (
            ["a/b", "a_b"],
            "indicators[1].code: code 'a_b' gives the file name 2550-r12-a_b.docx, "
            "the same as indicators[0]; give each indicator its own code",
        ),
        (
            ["Q1", "q1"],
            "indicators[1].code: code 'q1' gives the file name 2550-r12-q1.docx, "
            "the same as indicators[0]; give each indicator its own code",
        ),
        (
            ["///", "..."],
            "indicators[1].code: code '...' gives the file name 2550-r12-indicator.docx, "
            "the same as indicators[0]; give each indicator its own code",
        ),
        (
            ["\u00e9", "e\u0301"],
            "indicators[1].code: code 'e\u0301' gives the file name 2550-r12-\u00e9.docx, "
            "the same as indicators[0]; give each indicator its own code",
        ),
    ],
    ids=["cleaned-alike", "case", "both-empty", "unicode-forms"],
)
def test_colliding_names_are_an_error_and_nothing_is_written(tmp_path, codes, message):
    out = tmp_path / "out"
    with pytest.raises(DataError) as caught:
        api.render_report(_with_codes(codes), out_dir=out)
    assert str(caught.value) == f"<data>: {message}"
    assert not out.exists() or not list(out.iterdir())


@pytest.mark.parametrize("name", ["", ".", "..", "../x", "a/b", "a\\b", "/etc/passwd"])
def test_output_path_takes_only_plain_names(tmp_path, name):
    with pytest.raises(OutputError) as caught:
        output_path(tmp_path, name)
    assert (
        str(caught.value) == f"refusing to write {name!r}: not a plain file name inside {tmp_path}"
    )


def test_output_folder_that_is_a_file_is_an_output_error(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match=f"cannot create the output folder {blocker}: "):
        api.render_report(SEED_DATA, out_dir=blocker)


# --------------------------------------------------------------------------- atomic writes


def test_atomic_write_replaces_whole_and_follows_the_umask(tmp_path):
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")
    previous = os.umask(0o027)
    try:
        atomic_write_bytes(target, b"new")
    finally:
        os.umask(previous)
    assert target.read_bytes() == b"new"
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert os.listdir(tmp_path) == ["a.docx"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")

    def no_space(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "replace", no_space)
    with pytest.raises(OutputError) as caught:
        atomic_write_bytes(target, b"new")
    assert str(caught.value) == f"cannot write {target}: No space left on device"
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["a.docx"]


def test_atomic_move_copies_across_devices_and_reports_other_errors(tmp_path, monkeypatch):
    source, target = tmp_path / "src.pdf", tmp_path / "out" / "a.pdf"
    source.write_bytes(b"%PDF")
    real_replace = os.replace
    calls = []

    def cross_device_once(src, dst):
        calls.append(Path(src).name)
        if len(calls) == 1:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", cross_device_once)
    atomic_move(source, target)
    assert target.read_bytes() == b"%PDF" and not source.exists()
    assert calls[0] == "src.pdf" and calls[1].startswith(TEMP_PREFIX)

    def denied(src, dst):
        raise OSError(errno.EACCES, "Permission denied")

    source.write_bytes(b"%PDF")
    monkeypatch.setattr(output.os, "replace", denied)
    with pytest.raises(OutputError, match="Permission denied"):
        atomic_move(source, target)


# --------------------------------------------------------------------------- stale temporaries


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_are_removed_and_live_ones_kept(tmp_path):
    mine = temp_path(tmp_path / "a.docx")
    host = mine.name[len(TEMP_PREFIX) :].split("-")[0]
    other_host = "0" * 8 if host != "0" * 8 else "1" * 8
    dead = _dead_pid()
    files = {
        "this-process": mine.name,
        "dead-process": f"{TEMP_PREFIX}{host}-{dead}-aaaa.docx",
        "other-machine": f"{TEMP_PREFIX}{other_host}-1-bbbb.docx",
        "other-machine-old": f"{TEMP_PREFIX}{other_host}-2-cccc.pdf",
        "older-format": f"{TEMP_PREFIX}k3j4h5.docx",
    }
    for name in files.values():
        (tmp_path / name).write_bytes(b"partial")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(tmp_path / files["other-machine-old"], (two_days_ago, two_days_ago))
    folders = {
        "this-process": temp_name("pdf-0"),
        "dead-process": f"{TEMP_PREFIX}{host}-{dead}-pdf-1",
    }
    for name in folders.values():
        (tmp_path / name / "in").mkdir(parents=True)
        (tmp_path / name / "in" / "00000.docx").write_bytes(b"staged")
    (tmp_path / "2550-r12-3.2.docx").write_bytes(b"finished")

    removed = {p.name for p in clean_stale_temp_files(tmp_path)}

    stale = [files["dead-process"], files["other-machine-old"], files["older-format"]]
    assert removed == {*stale, folders["dead-process"]}
    assert sorted(os.listdir(tmp_path)) == sorted(
        [
            files["this-process"],
            files["other-machine"],
            folders["this-process"],
            "2550-r12-3.2.docx",
        ]
    )


KILLED_RUN = textwrap.dedent(
    """
    import os, sys, time
    sys.path.insert(0, {root!r})
    from docgen import api

    def stuck_before_rename(src, dst):
        print("renaming", os.path.basename(src), flush=True)
        time.sleep(600)

    os.replace = stuck_before_rename
    api.render_report({data!r}, out_dir={out!r})
    """
)


def test_a_killed_run_leaves_whole_files_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "out"
    before = {
        doc.path.name: doc.path.read_bytes()
        for doc in api.render_report(REPORT_DATA, out_dir=out).documents
    }
    script = KILLED_RUN.format(root=str(ROOT), data=str(REPORT_DATA), out=str(out))
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.startswith("renaming " + TEMP_PREFIX), line
        temp_name = line.split()[1]
        assert (out / temp_name).exists()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()

    left = sorted(os.listdir(out))
    assert left == sorted([*before, temp_name])
    for name, payload in before.items():
        assert (out / name).read_bytes() == payload, f"{name} changed although never renamed"
        docx.Document(str(out / name))

    again = api.render_report(REPORT_DATA, out_dir=out).documents
    assert sorted(os.listdir(out)) == sorted(before)
    assert all(docx.Document(str(doc.path)).paragraphs for doc in again)


def test_pieces_are_written_whole_and_subfolders_cleaned_on_request(tmp_path):
    target = tmp_path / "manifest.json"
    atomic_write_bytes(target, (piece for piece in (b'{"a": ', b"1}")), fsync=False)
    assert json.loads(target.read_text()) == {"a": 1}
    nested = tmp_path / "office" / f"{TEMP_PREFIX}k3j4h5.docx"  # an older run's leftover
    nested.parent.mkdir()
    nested.write_bytes(b"partial")
    assert clean_stale_temp_files(tmp_path) == []
    assert clean_stale_temp_files(tmp_path, recursive=True) == [nested]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_a_writer_that_ended_but_was_not_waited_for_is_gone(tmp_path):
    """A killed worker stays a zombie until its parent waits for it; its files are stale."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        state = Path(f"/proc/{child.pid}/stat")
        deadline = time.monotonic() + 30
        while state.read_text().rsplit(")", 1)[-1].split()[0] != "Z":
            assert time.monotonic() < deadline, "the child did not end"
            time.sleep(0.01)
        host = temp_name()[len(TEMP_PREFIX) :].split("-")[0]
        leftover = tmp_path / f"{TEMP_PREFIX}{host}-{child.pid}-dddd.docx"
        leftover.write_bytes(b"partial")
        assert clean_stale_temp_files(tmp_path) == [leftover]
    finally:
        child.wait()
