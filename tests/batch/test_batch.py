"""docgen batch: many reports in worker processes, a manifest, resume, PDFs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import docx
import pytest
from helpers import (
    BAD,
    DEFAULT_TEMPLATE,
    LABELS,
    ROOT,
    SECTION_HEADINGS,
    SEED_DATA,
    SETUP,
    assert_in_order,
    batch_cli,
    code_of,
    leftovers,
    manifest_of,
    pdf_comparable,
    pdf_text,
    require_tool,
    seed_record,
    write_records,
)

from docgen.output import TEMP_PREFIX


def test_bad_records_are_named_in_the_manifest_and_the_rest_is_written(tmp_path):
    write_records(tmp_path / "in", 50, BAD)
    result = batch_cli(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--jobs", "2")
    assert result.exit_code == 1, result.output
    out = tmp_path / "out"
    written = sorted(p.name for p in out.glob("*.docx"))
    assert len(written) == 47
    assert "2550-r12-1.8.docx" not in written and "2550-r12-4.4.docx" not in written
    manifest = manifest_of(out)
    assert manifest["status"] == "complete"
    assert manifest["counts"] == {"documents": 50, "written": 47, "skipped": 0, "failed": 3}
    failed = [d for d in manifest["documents"] if d["status"] == "failed"]
    for entry, (number, (_, field, message)) in zip(failed, sorted(BAD.items()), strict=True):
        expected_input = str(tmp_path / "in" / f"record-{number:03d}.json")
        assert entry["input"] == expected_input
        assert entry["error"]["kind"] == "data"
        assert entry["error"]["file"] == expected_input
        assert message in entry["error"]["message"]
        assert field in {p["field"] for p in entry["error"]["problems"]}
        assert entry["outputs"] == {}
        assert f"failed: {expected_input}" in result.stderr
    first = manifest["documents"][0]
    source = (tmp_path / "in" / "record-000.json").stat()
    assert first == {
        "input": str(tmp_path / "in" / "record-000.json"),
        "indicator": "1.1",
        "status": "written",
        "outputs": {"docx": "2550-r12-1.1.docx"},
        "score": "5",
        "weighted_score": "0.2",
        "source": {"bytes": source.st_size, "mtime_ns": source.st_mtime_ns},  # for --resume
    }
    table = docx.Document(str(out / "2550-r12-1.1.docx")).tables
    assert any([c.text for c in t.rows[1].cells][1:] == ["4", "5", "5", "0.2"] for t in table)
    assert "47 written, 0 up to date, 3 failed" in result.stdout


def test_json_lines_on_standard_input(tmp_path):
    lines = [json.dumps(seed_record(code_of(n)), ensure_ascii=False) for n in range(3)]
    lines.insert(1, "")  # blank lines are skipped, line numbers still count them
    lines.append('{"report": 1}')
    result = batch_cli("-", "-o", str(tmp_path), "--jobs", "1", input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    manifest = manifest_of(tmp_path)
    assert [(d["input"], d.get("line"), d["status"]) for d in manifest["documents"]] == [
        ("-", 1, "written"),
        ("-", 3, "written"),
        ("-", 4, "written"),
        ("-", 5, "failed"),
    ]
    assert manifest["documents"][3]["error"]["message"].startswith("stdin line 5: ")


def test_folders_keep_their_subfolders_and_two_reports_may_not_share_a_file(tmp_path):
    for office in ("khonkaen", "songkhla"):
        (tmp_path / "in" / office).mkdir(parents=True)
        (tmp_path / "in" / office / "a.json").write_text(json.dumps(seed_record("1.1")))
    (tmp_path / "in" / "songkhla" / "b.json").write_text(json.dumps(seed_record("1.1")))
    result = batch_cli(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--jobs", "1")
    assert result.exit_code == 1
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in tmp_path.rglob("*.docx")) == [
        "khonkaen/2550-r12-1.1.docx",  # songkhla's conflicting pair leaves no file
    ]
    entries = manifest_of(tmp_path / "out")["documents"]
    assert [(Path(d["input"]).parent.name, d["status"]) for d in entries] == [
        ("khonkaen", "written"),
        ("songkhla", "failed"),
        ("songkhla", "failed"),
    ]
    assert entries[1]["error"]["kind"] == "conflict"
    assert "both give songkhla/2550-r12-1.1.docx" in entries[1]["error"]["message"]


@pytest.mark.parametrize(
    ("signum", "whole_group"),
    [(signal.SIGTERM, False), (signal.SIGINT, True), (signal.SIGTERM, True)],
    ids=["sigterm", "ctrl-c", "sigterm-to-all"],  # Ctrl-C reaches the terminal's group
)
def test_a_stopped_batch_leaves_whole_files_and_resume_completes_it(tmp_path, signum, whole_group):
    out = tmp_path / "out"
    lines = [json.dumps(seed_record(code_of(n))) + "\n" for n in range(60)]
    command = [sys.executable, "-m", "docgen", "batch", "-", "-o", str(out), "--jobs", "2"]
    # the rest is never sent: the batch is still running when stopped
    proc = _batch_process(out, lines[:30], "--jobs", "2")
    deadline = time.monotonic() + 120
    while len(list(out.glob("2*.docx"))) < 10 and time.monotonic() < deadline:  # not temp files
        time.sleep(0.01)
    if whole_group:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signum, stderr
    assert b"interrupted: " in stdout  # the summary, and how to finish the batch
    assert b"run the same command again with --resume" in stdout
    finished = sorted(out.glob("*.docx"))
    assert len(finished) >= 10
    assert leftovers(out) == []
    for path in finished:  # every document on disk is whole
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
    manifest = manifest_of(out)
    assert manifest["status"] == "interrupted"
    recorded = sorted(d["outputs"]["docx"] for d in manifest["documents"] if d["outputs"])
    if whole_group and signum == signal.SIGTERM:  # workers end at once: what they wrote
        assert set(recorded) <= {p.name for p in finished}  # but did not report is not listed
        unfinished = [d for d in manifest["documents"] if d["status"] != "written"]
        assert all("stopped unexpectedly" in d["error"]["message"] for d in unfinished)
    else:  # workers finish what they started, and it is recorded
        assert recorded == [p.name for p in finished]
        assert {d["status"] for d in manifest["documents"]} == {"written"}
    # resume keeps what the manifest recorded as written; a file it does not list
    # (a worker ended before reporting it) is rendered again
    kept = [d["outputs"]["docx"] for d in manifest["documents"] if d["status"] == "written"]
    stamps = {name: ((out / name).stat().st_ino, (out / name).stat().st_mtime_ns) for name in kept}

    resumed = subprocess.run(
        [*command, "--resume"], cwd=ROOT, input="".join(lines).encode(), capture_output=True
    )
    assert resumed.returncode == 0, resumed.stderr
    manifest = manifest_of(out)
    assert manifest["status"] == "complete"
    assert manifest["counts"] == {
        "documents": 60,
        "written": 60 - len(kept),
        "skipped": len(kept),
        "failed": 0,
    }
    assert len(list(out.glob("*.docx"))) == 60
    for name, stamp in stamps.items():  # recorded ones were not rendered again
        path = out / name
        assert (path.stat().st_ino, path.stat().st_mtime_ns) == stamp


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--template", "{tmp}/nope.docx"], "does not exist"),
        (["--template", "{tmp}/fake.docx"], "not a Word document"),
        (["{tmp}/empty"], "no .yaml, .yml or .json files"),
    ],
    ids=["missing-template", "not-a-template", "empty-folder"],
)
def test_nothing_can_run_is_exit_2(tmp_path, args, message):
    (tmp_path / "fake.docx").write_text("not a zip")
    (tmp_path / "empty").mkdir()
    args = [a.format(tmp=tmp_path) for a in args]
    inputs = [] if any("empty" in a for a in args) else [str(SEED_DATA)]
    result = batch_cli(*inputs, *args, "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "out").exists()  # nothing started


@pytest.mark.parametrize(
    ("flags", "progress"),
    [([], "documents: 3/3 (100%), 0 failed"), (["--quiet"], None)],
    ids=["log", "quiet"],
)
def test_progress_lines_in_a_log_and_silence_when_quiet(tmp_path, flags, progress):
    write_records(tmp_path / "in", 3)
    result = batch_cli(str(tmp_path / "in"), "-o", str(tmp_path / "out"), *flags)
    assert result.exit_code == 0
    if progress is None:
        assert result.stdout == "" and result.stderr == ""
    else:
        assert progress in result.stderr
        assert result.stdout.startswith("3 written, 0 up to date, 0 failed")


def test_pdf_without_libreoffice_is_one_error_that_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCGEN_SOFFICE", str(tmp_path / "no-soffice"))
    result = batch_cli(str(SEED_DATA), "-o", str(tmp_path / "out"), "--pdf")
    assert result.exit_code == 2
    assert "apt-get install" in result.stderr
    assert result.stderr.count("error:") == 1
    assert not (tmp_path / "out").exists()


@pytest.fixture
def fake_pdf(fake_soffice, monkeypatch):  # noqa: F811
    """The stand-in soffice, and its fonts: what a batch does around LibreOffice."""
    monkeypatch.setattr("docgen.pdf.fonts.prepare_pdf_fonts", lambda font_dir=None: SETUP)
    return fake_soffice


def test_a_hanging_pdf_is_reported_for_its_document(tmp_path, fake_pdf):
    names = {0: "first", 1: "HANG in LibreOffice", 2: "third"}
    folder = tmp_path / "in"
    folder.mkdir()
    for n, name in names.items():
        (folder / f"{n}.json").write_text(json.dumps(seed_record(code_of(n), name=name)))
    result = batch_cli(
        str(folder), "-o", str(tmp_path / "out"), "--pdf", "--pdf-timeout", "1", "-j", "1"
    )
    assert result.exit_code == 1
    entries = manifest_of(tmp_path / "out")["documents"]
    assert [d["status"] for d in entries] == ["written", "failed", "written"]
    assert entries[0]["outputs"] == {"docx": "2550-r12-1.1.docx", "pdf": "2550-r12-1.1.pdf"}
    assert entries[1]["error"]["kind"] == "pdf"
    assert "did not finish within 1 s" in entries[1]["error"]["message"]
    assert (tmp_path / "out" / "2550-r12-1.2.docx").exists()  # the .docx is kept
    assert len(fake_pdf()[0][3]) == 3  # one LibreOffice for the chunk, not one per document


def test_pdfs_of_same_named_documents_from_two_folders(tmp_path, fake_pdf):
    for office, name in (("khonkaen", "from khonkaen"), ("songkhla", "from songkhla")):
        (tmp_path / "in" / office).mkdir(parents=True)
        record = seed_record("1.1", name=name)
        (tmp_path / "in" / office / "a.json").write_text(json.dumps(record))
    result = batch_cli(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--pdf", "-j", "1")
    assert result.exit_code == 0, result.output
    for office in ("khonkaen", "songkhla"):
        pdf = tmp_path / "out" / office / "2550-r12-1.1.pdf"
        assert f"from {office}".encode() in pdf.read_bytes()  # each from its own document
    assert len(fake_pdf()) == 1  # both in one LibreOffice process
    assert leftovers(tmp_path / "out") == []


@pytest.mark.libreoffice
def test_seed_pdf_through_the_batch_has_the_forms_labels(tmp_path):
    require_tool("soffice")
    result = batch_cli(str(SEED_DATA), "-o", str(tmp_path), "--pdf")
    assert result.exit_code == 0, result.output
    [entry] = manifest_of(tmp_path)["documents"]
    assert entry["outputs"] == {"docx": "2550-r12-3.2.docx", "pdf": "2550-r12-3.2.pdf"}
    assert entry["pdf_font"].startswith("TH Sarabun")  # the real font or its named stand-in
    text = pdf_comparable(pdf_text(tmp_path / "2550-r12-3.2.pdf"))
    # pdftotext reads a table column by column: labels are found, headings in order
    assert [label for label in LABELS[:10] if pdf_comparable(label) not in text] == []
    assert_in_order([pdf_comparable(heading) for heading in SECTION_HEADINGS], text)


def test_the_manifest_keeps_input_order_whatever_order_records_finish_in(tmp_path):
    from dataclasses import replace

    from docgen.batch.manifest import Manifest
    from docgen.batch.render import Outcome

    def outcome(record: int, status: str = "written") -> Outcome:
        outputs = {"docx": f"{record}.docx"}
        return Outcome(
            record, 0, f"r{record}.json", None, f"{record}.1", status, outputs, "5", "0.2"
        )

    manifest = Manifest(tmp_path, DEFAULT_TEMPLATE, {})
    for record in (2, 0, 3):  # record 1 is still being rendered
        manifest.add(record, [outcome(record)])
    manifest.write("running")
    running = manifest_of(tmp_path)
    assert [d["input"] for d in running["documents"]] == ["r0.json", "r2.json", "r3.json"]
    manifest.add(1, [outcome(1, "failed")])
    changed = replace(manifest.find((2, 0)), status="failed", error={"message": "PDF"})
    manifest.change(changed, "written")
    manifest.write("complete")
    done = manifest_of(tmp_path)
    assert [(d["input"], d["status"]) for d in done["documents"]] == [
        ("r0.json", "written"),
        ("r1.json", "failed"),
        ("r2.json", "failed"),
        ("r3.json", "written"),
    ]
    assert done["counts"] == {"documents": 4, "written": 2, "skipped": 0, "failed": 2}
    assert [f["input"] for f in manifest.failures()] == ["r1.json", "r2.json"]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_a_worker_killed_under_the_batch_ends_it_cleanly(tmp_path):
    out = tmp_path / "out"
    lines = "".join(json.dumps(seed_record(code_of(n))) + "\n" for n in range(30))
    command = [sys.executable, "-m", "docgen", "batch", "-", "-o", str(out), "--jobs", "2"]
    proc = subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdin.write(lines.encode())
    proc.stdin.flush()
    deadline = time.monotonic() + 120
    while len(list(out.glob("*.docx"))) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    workers = _children(proc.pid)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)  # out of memory, say
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, stderr
    assert b"Traceback" not in stderr
    assert leftovers(out) == []
    manifest = manifest_of(out)
    assert manifest["status"] == "interrupted"
    for entry in manifest["documents"]:
        if entry["status"] == "written":
            with zipfile.ZipFile(out / entry["outputs"]["docx"]) as archive:
                assert archive.testzip() is None
        else:
            assert "stopped unexpectedly" in entry["error"]["message"]


@pytest.mark.parametrize(
    ("documents", "jobs", "sizes"),
    [(60, 2, [30, 30]), (7, 2, [4, 3]), (130, 2, [33, 33, 32, 32]), (3, 4, [1, 1, 1])],
)
def test_pdf_chunks_keep_every_libreoffice_busy(documents, jobs, sizes):
    from docgen.batch.pdf import _pdf_chunks
    from docgen.batch.render import Outcome

    wanted = [
        Outcome(n, 0, "x", None, "1.1", "written", {"docx": f"office-{n % 3}/2550-r12-1.1.docx"})
        for n in range(documents)
    ]
    chunks = _pdf_chunks(wanted, jobs)
    assert [len(chunk) for chunk in chunks] == sizes
    assert sorted(o.record for chunk in chunks for o in chunk) == list(range(documents))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_slow_script_on_standard_input_is_not_kept_waiting(tmp_path, jobs):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "docgen", "batch", "-", "-o", str(out), "--jobs", jobs]
    proc = subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdin.write((json.dumps(seed_record("1.1")) + "\n").encode())
    proc.stdin.flush()  # one line, and the script is still working on the next
    deadline = time.monotonic() + 120
    while not (out / "2550-r12-1.1.docx").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    written = (out / "2550-r12-1.1.docx").exists()
    proc.communicate((json.dumps(seed_record("1.2")) + "\n").encode(), timeout=120)
    assert written  # the first document came before the input ended
    assert proc.returncode == 0
    assert sorted(p.name for p in out.glob("*.docx")) == ["2550-r12-1.1.docx", "2550-r12-1.2.docx"]


# --------------------------------------------------------------------------- killed outright


def _batch_process(out: Path, lines: list[str], *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "docgen", "batch", "-", "-o", str(out), *extra]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    proc.stdin.write("".join(lines).encode())
    proc.stdin.flush()
    return proc


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


def test_a_batch_killed_outright_leaves_whole_files_and_the_next_run_cleans_up(tmp_path):
    """SIGKILL (the power cut of processes): no handler runs, no cleanup happens."""
    out = tmp_path / "out"
    lines = [json.dumps(seed_record(code_of(n))) + "\n" for n in range(60)]
    proc = _batch_process(out, lines[:40], "--jobs", "2")
    _wait_for(lambda: len(list(out.glob("2*.docx"))) >= 10, "ten documents")
    os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers, mid-write
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    finished = [p for p in out.glob("*.docx") if not p.name.startswith(TEMP_PREFIX)]
    assert len(finished) >= 10
    for path in finished:  # whatever has its final name is whole
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None, path
    if (out / "manifest.json").exists():  # written before the kill: whole JSON
        assert manifest_of(out)["status"] == "running"
    names = {p.name for p in out.iterdir()} - {"manifest.json"}
    assert names == {p.name for p in [*finished, *leftovers(out)]}  # nothing half-named

    again = subprocess.run(
        [sys.executable, "-m", "docgen", "batch", "-", "-o", str(out), "--resume"],
        cwd=ROOT,
        input="".join(lines).encode(),
        capture_output=True,
    )
    assert again.returncode == 0, again.stderr
    assert leftovers(out) == []
    manifest = manifest_of(out)
    assert manifest["status"] == "complete"
    assert manifest["counts"]["written"] + manifest["counts"]["skipped"] == 60
    assert len(list(out.glob("*.docx"))) == 60


STUCK_MANIFEST = textwrap.dedent(
    """
    import os, sys, time
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith("manifest.json") and os.path.exists(dst):
            print("renaming", os.path.basename(src), flush=True)
            time.sleep(600)  # killed here: the new manifest is whole, not yet in place
        return real_replace(src, dst)

    os.replace = replace
    from docgen.cli import main
    sys.argv = ["docgen", "batch", *sys.argv[1:]]
    main()
    """
)


def test_a_batch_killed_while_replacing_its_manifest_keeps_the_old_one(tmp_path):
    out = tmp_path / "out"
    records = write_records(tmp_path / "in", 3)
    assert batch_cli(*map(str, records), "-o", str(out)).exit_code == 0
    before = (out / "manifest.json").read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-c", STUCK_MANIFEST, *map(str, records), "-o", str(out), "--jobs", "1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("renaming " + TEMP_PREFIX), (line, proc.stderr.read())
    finally:
        proc.kill()
        proc.communicate(timeout=60)
    assert (out / "manifest.json").read_bytes() == before  # the old, whole manifest
    assert json.loads(before)["status"] == "complete"
    assert [p.name for p in leftovers(out)] == [line.split()[1]]

    assert batch_cli(*map(str, records), "-o", str(out)).exit_code == 0
    assert leftovers(out) == []
    assert manifest_of(out)["status"] == "complete"


def test_limits_reach_the_workers(tmp_path):
    out = tmp_path / "out"
    records = write_records(tmp_path / "in", 2)
    result = batch_cli(
        *map(str, records), "-o", str(out), "--jobs", "2", "--max-value-bytes", "100"
    )
    assert result.exit_code == 1, result.output
    errors = [d["error"]["message"] for d in manifest_of(out)["documents"]]
    assert errors == [
        f"{path}: report.organization: the value is 137 bytes long, over the limit of 100 bytes"
        for path in records
    ]


def test_a_folder_gives_its_data_files_without_hidden_ones_or_the_output_folder(tmp_path):
    from docgen.batch.inputs import find_inputs

    inputs = tmp_path / "in"
    for name in ["a.yaml", "sub/b.JSON", "sub/deeper/c.yml", "out/old.json", ".hidden/d.yaml"]:
        (inputs / name).parent.mkdir(parents=True, exist_ok=True)
        (inputs / name).write_text("{}", encoding="utf-8")
    (inputs / ".e.yaml").write_text("{}", encoding="utf-8")
    (inputs / "notes.txt").write_text("", encoding="utf-8")
    (inputs / "linked").symlink_to(inputs / "sub")  # a linked folder: not read twice
    (inputs / "f.yaml").symlink_to(inputs / "out" / "old.json")  # leads into the output

    records = find_inputs([inputs], inputs / "out")
    found = [(Path(r.input).relative_to(inputs).as_posix(), r.folder) for r in records]
    assert found == [
        ("a.yaml", ""),
        ("sub/b.JSON", "sub"),
        ("sub/deeper/c.yml", "sub/deeper"),
    ]
    assert [r.index for r in records] == [0, 1, 2]


@pytest.mark.parametrize(
    ("total", "jobs", "first", "last"),
    [(1000, 2, [16, 16, 16], [1, 1, 1]), (40, 2, [5, 4, 3], [1, 1, 1]), (None, 2, [16, 16], [8])],
)
def test_tasks_shrink_towards_the_end_so_that_workers_finish_together(total, jobs, first, last):
    from docgen.batch.workers import _batches

    records = range(total or 40)
    sizes = [len(task) for task in _batches(iter(records), 16, total, jobs)]
    assert sum(sizes) == len(records) and max(sizes) <= 16
    assert sizes[: len(first)] == first and sizes[-len(last) :] == last
