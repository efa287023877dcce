"""docgen batch on a Dask cluster: the same documents as a local batch, nothing lost
when a worker dies, each failure reported once, PDFs made on the workers.

One LocalCluster of two worker processes serves the module (it is reached by its
tcp:// address, as a real cluster is); the CLI's `local:N` starts its own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import (
    BAD,
    SEED_DATA,
    batch_cli,
    leftovers,
    manifest_of,
    pdf_comparable,
    pdf_text,
    require_tool,
    write_records,
)

from docgen import api
from docgen.batch import cluster, find_inputs, run_batch
from docgen.batch.progress import NoProgress
from docgen.cli import main
from docgen.errors import UsageError

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler():
    """The address of a running two-worker cluster (worker processes, one thread each)."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    ) as local:
        yield local.scheduler_address


def documents(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.docx"))}


def entries(out: Path) -> list[dict]:
    return manifest_of(out)["documents"]


def batch(records: Path, out: Path, **options):
    template = api.Template(api.DEFAULT_TEMPLATE)
    found = find_inputs([records])
    return run_batch(found, template, out, total=len(found), **options)


def test_the_cluster_writes_the_same_documents_and_manifest_as_a_local_batch(tmp_path, scheduler):
    write_records(tmp_path / "in", 200, BAD)
    local = batch(tmp_path / "in", tmp_path / "local", jobs=2)
    remote = batch(tmp_path / "in", tmp_path / "remote", scheduler=scheduler)
    assert (remote.written, remote.failed) == (local.written, local.failed) == (197, 3)
    assert documents(tmp_path / "remote") == documents(tmp_path / "local")  # bytes equal
    assert entries(tmp_path / "remote") == entries(tmp_path / "local")
    assert manifest_of(tmp_path / "remote")["options"]["scheduler"] == scheduler


class KillOneWorker(NoProgress):
    """Kills a worker process as soon as the first records come back."""

    def __init__(self, pid: int) -> None:
        self.pid, self.killed_after = pid, None
        self.done = 0

    def advance(self, count: int = 1, failed: int = 0) -> None:
        self.done += count
        if self.killed_after is None:
            os.kill(self.pid, signal.SIGKILL)
            self.killed_after = self.done


def test_a_worker_killed_mid_batch_loses_no_record_and_each_failure_is_reported_once(
    tmp_path, scheduler, monkeypatch
):
    monkeypatch.setattr(cluster, "CLUSTER_TASK_RECORDS", 4)  # many tasks: most still to come
    write_records(tmp_path / "in", 200, BAD)
    with distributed.Client(scheduler) as client:
        pids = sorted(client.run(os.getpid).values())
    progress = KillOneWorker(pids[0])
    result = batch(tmp_path / "in", tmp_path / "out", scheduler=scheduler, progress=progress)
    assert progress.killed_after is not None and progress.killed_after < 200
    assert (result.written, result.failed, result.interrupted) == (197, 3, False)
    listed = entries(tmp_path / "out")
    assert len(listed) == 200 and len({e["input"] for e in listed}) == 200
    failed = [e for e in listed if e["status"] == "failed"]
    assert sorted(Path(e["input"]).name for e in failed) == [
        f"record-{n:03d}.json" for n in sorted(BAD)
    ]
    assert [e["error"]["problems"][0]["field"] for e in failed][:1] == [BAD[7][1]]
    assert len(documents(tmp_path / "out")) == 197


def test_the_cli_starts_a_local_cluster_and_reads_standard_input(tmp_path):
    write_records(tmp_path / "in", 5)
    lines = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "in").glob("*.json"))]
    result = batch_cli(
        "-", "-o", str(tmp_path / "out"), "--scheduler", "local:1", input="\n".join(lines)
    )
    assert result.exit_code == 0, result.output
    assert len(documents(tmp_path / "out")) == 5
    assert [e["line"] for e in entries(tmp_path / "out")] == [1, 2, 3, 4, 5]


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    result = batch_cli(str(SEED_DATA), "-o", str(tmp_path), "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2
    assert "cannot reach a Dask scheduler" in result.output
    with pytest.raises(UsageError, match="local:N"), cluster.connect("local:0"):
        pass


def test_doctor_names_the_workers_of_a_scheduler(scheduler):
    result = CliRunner().invoke(main, ["doctor", "--scheduler", scheduler])
    assert f"{scheduler}: 2 workers, 2 threads" in result.output
    assert "can make PDFs" in result.output


@pytest.mark.libreoffice
def test_pdfs_are_made_on_the_workers_and_written_by_the_client(tmp_path, scheduler):
    require_tool("soffice")
    write_records(tmp_path / "in", 3)
    result = batch(tmp_path / "in", tmp_path / "out", scheduler=scheduler, pdf=True)
    assert (result.written, result.failed) == (3, 0), result.failures
    for entry in entries(tmp_path / "out"):
        pdf = tmp_path / "out" / entry["outputs"]["pdf"]
        assert pdf_comparable("ผลการปฏิบัติราชการ") in pdf_comparable(pdf_text(pdf))
        assert entry["pdf_font"]


def test_two_reports_that_give_one_file_fail_alike_on_the_cluster(tmp_path, scheduler):
    paths = write_records(tmp_path / "in", 3)
    shutil.copyfile(paths[0], tmp_path / "in" / "record-003.json")  # the same code again
    local = batch(tmp_path / "in", tmp_path / "local", jobs=2)
    remote = batch(tmp_path / "in", tmp_path / "remote", scheduler=scheduler)
    assert (remote.written, remote.failed) == (local.written, local.failed) == (2, 2)
    assert entries(tmp_path / "remote") == entries(tmp_path / "local")
    assert [e["error"]["kind"] for e in entries(tmp_path / "remote") if e.get("error")] == [
        "conflict",
        "conflict",
    ]


def test_a_conflict_on_the_cluster_leaves_the_earlier_document_as_it_was(tmp_path, scheduler):
    """A newcomer that sorts first gives the file an earlier run wrote: both fail, the
    file keeps its bytes; the other documents wait for the end and replace theirs."""
    write_records(tmp_path / "in", 3)
    out = tmp_path / "out"
    assert batch(tmp_path / "in", out, scheduler=scheduler).written == 3
    before = documents(out)
    newcomer = json.loads((tmp_path / "in" / "record-000.json").read_text(encoding="utf-8"))
    newcomer["indicator"]["name"] = "ตัวชี้วัดของอีกสำนักงานหนึ่ง"
    (tmp_path / "in" / "another.json").write_text(json.dumps(newcomer), encoding="utf-8")
    again = batch(tmp_path / "in", out, scheduler=scheduler)
    assert (again.written, again.failed) == (2, 2)
    assert [e["status"] for e in entries(out)] == ["failed", "failed", "written", "written"]
    assert documents(out) == before
    assert leftovers(out) == []


def test_resume_on_the_cluster_keeps_what_stands_and_renders_what_changed(tmp_path, scheduler):
    paths = write_records(tmp_path / "in", 6)
    out = tmp_path / "out"
    first = batch(tmp_path / "in", out, scheduler=scheduler)
    assert (first.written, first.skipped) == (6, 0)
    later = paths[2].stat().st_mtime_ns + 10**9
    os.utime(paths[2], ns=(later, later))  # this input changed since
    again = batch(tmp_path / "in", out, scheduler=scheduler, resume=True)
    assert (again.written, again.skipped, again.failed) == (1, 5, 0)
    assert [e["status"] for e in entries(out)] == ["skipped"] * 2 + ["written"] + ["skipped"] * 3
