"""Two reports of one batch that give one file: both fail, and the file stays as the run
found it, whichever comes first, with or without --resume, locally or on a cluster."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from helpers import batch_cli, document_text, leftovers, manifest_of, seed_data, seed_record

from docgen.batch.manifest import Manifest
from docgen.batch.render import WRITTEN, Outcome
from docgen.batch.resume import earlier_documents

OTHER_OFFICE = "ตัวชี้วัดของอีกสำนักงานหนึ่ง"
NAME = "2550-r12-3.2.docx"


def _write_yaml(path: Path, **indicator: str) -> Path:
    path.write_text(yaml.safe_dump(seed_data(indicator=indicator), allow_unicode=True), "utf-8")
    return path


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.docx"))}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("resume", [False, True], ids=["again", "resume"])
@pytest.mark.parametrize("edited", [False, True], ids=["unchanged", "edited"])
@pytest.mark.parametrize("order", ["ab", "ba"])
def test_a_conflict_leaves_the_earlier_document_as_it_was(tmp_path, order, edited, resume, jobs):
    """a.yaml wrote the file in an earlier run; now b.yaml (another office, the same
    code) comes with it. Whichever is first, and even when a's data changed since,
    both fail and the file keeps a's earlier document, byte for byte."""
    a = _write_yaml(tmp_path / "a.yaml")
    b = _write_yaml(tmp_path / "b.yaml", name=OTHER_OFFICE)
    out = tmp_path / "out"
    assert batch_cli(str(a), "-o", str(out)).exit_code == 0
    before = _snapshot(out)
    if edited:
        _write_yaml(a, name="ตัวชี้วัดที่แก้ไขแล้ว")
    inputs = [str(a), str(b)] if order == "ab" else [str(b), str(a)]
    options = ["--resume"] if resume else []
    result = batch_cli(*inputs, "-o", str(out), "--jobs", jobs, *options)

    assert result.exit_code == 1, result.output
    documents = manifest_of(out)["documents"]
    assert [(d["status"], d["error"]["kind"]) for d in documents] == [("failed", "conflict")] * 2
    assert f"{a} and {b} both give {NAME}" in documents[0]["error"]["message"]
    assert _snapshot(out) == before
    assert "ตัวชี้วัดที่แก้ไขแล้ว" not in document_text(out / NAME)
    assert leftovers(out) == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_conflict_over_a_new_file_leaves_no_file(tmp_path, jobs):
    """Neither report may have the file; the one that reached it first had written it,
    and that new file of this run is removed."""
    a = _write_yaml(tmp_path / "a.yaml")
    b = _write_yaml(tmp_path / "b.yaml", name=OTHER_OFFICE)
    c = _write_yaml(tmp_path / "c.yaml", code="3.3")
    out = tmp_path / "out"
    result = batch_cli(str(a), str(b), str(c), "-o", str(out), "--jobs", jobs)
    assert result.exit_code == 1, result.output
    assert sorted(_snapshot(out)) == ["2550-r12-3.3.docx"]
    assert [d["status"] for d in manifest_of(out)["documents"]] == ["failed", "failed", "written"]
    assert leftovers(out) == []


def test_documents_without_a_conflict_replace_the_earlier_ones(tmp_path):
    """Run again without --resume: every file is replaced, after the batch read every
    report; nothing waits behind."""
    a = _write_yaml(tmp_path / "a.yaml")
    out = tmp_path / "out"
    assert batch_cli(str(a), "-o", str(out)).exit_code == 0
    _write_yaml(a, name="ตัวชี้วัดที่แก้ไขแล้ว")
    assert batch_cli(str(a), "-o", str(out), "--jobs", "2").exit_code == 0
    assert "ตัวชี้วัดที่แก้ไขแล้ว" in document_text(out / NAME)
    assert [d["status"] for d in manifest_of(out)["documents"]] == ["written"]
    assert leftovers(out) == []


def test_a_document_whose_place_is_taken_by_a_folder_fails_and_the_rest_are_written(tmp_path):
    a = _write_yaml(tmp_path / "a.yaml")
    c = _write_yaml(tmp_path / "c.yaml", code="3.3")
    out = tmp_path / "out"
    (out / NAME).mkdir(parents=True)
    (out / NAME / "keep.txt").write_text("มีอยู่แล้ว", encoding="utf-8")
    result = batch_cli(str(a), str(c), "-o", str(out))
    assert result.exit_code == 1
    first, second = manifest_of(out)["documents"]
    assert (first["status"], first["error"]["kind"]) == ("failed", "output")
    assert first["error"]["message"].startswith(f"cannot write {NAME}: ")
    assert second["status"] == "written"
    assert (out / NAME / "keep.txt").read_text(encoding="utf-8") == "มีอยู่แล้ว"
    assert leftovers(out) == []


def _outcome(**fields) -> Outcome:
    source = {"bytes": 10, "mtime_ns": 1}
    return Outcome(0, 0, "a.yaml", None, "3.2", WRITTEN, {"docx": NAME}, source=source, **fields)


def test_a_document_not_yet_in_place_is_listed_as_waiting_and_resume_renders_it_again(
    tmp_path,
):
    """A batch killed before the end leaves the earlier file under the name; its
    manifest must not say this run's document is there."""
    manifest = Manifest(tmp_path, tmp_path / "t.docx", {}, {"fingerprint": "f"})
    manifest.add(0, [_outcome(waiting={"docx": ".docgen-tmp-waiting.docx"})])
    manifest.write("running")
    assert manifest_of(tmp_path)["documents"][0]["status"] == "waiting"
    (tmp_path / NAME).write_bytes(b"the earlier run's document")
    assert earlier_documents(tmp_path / "manifest.json", "f") == {}

    manifest.place((0, 0))
    manifest.write("complete")
    assert manifest_of(tmp_path)["documents"][0]["status"] == "written"
    assert list(earlier_documents(tmp_path / "manifest.json", "f")) == ["file a.yaml"]


def test_two_lines_of_standard_input_with_one_code_are_named_by_line(tmp_path):
    lines = [json.dumps(seed_record("1.1")), json.dumps(seed_record("1.1", name=OTHER_OFFICE))]
    result = batch_cli("-", "-o", str(tmp_path), input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    documents = manifest_of(tmp_path)["documents"]
    assert (
        "stdin line 1 and stdin line 2 both give 2550-r12-1.1.docx"
        in (documents[1]["error"]["message"])
    )
    assert _snapshot(tmp_path) == {}
