"""`docgen batch --resume` decides from the manifest and the file system."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from helpers import DEFAULT_TEMPLATE, SEED_DATA

from docgen.cli import main


def _records(folder: Path) -> list[Path]:
    """Three YAML reports of the seed with their own codes."""
    folder.mkdir(parents=True)
    data = yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))
    paths = []
    for number in (1, 2, 3):
        data["indicator"]["code"] = f"1.{number}"
        path = folder / f"r{number}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        paths.append(path)
    return paths


def _batch(*args: str) -> list[str]:
    result = CliRunner().invoke(main, ["batch", *args])
    assert result.exit_code == 0, result.output
    return [d["status"] for d in _manifest(Path(args[args.index("-o") + 1]))["documents"]]


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(out.glob("*.docx"))}


def _new_bytes(template: Path) -> None:
    """The same template with other bytes (a zip comment), its time kept."""
    stat = template.stat()
    with zipfile.ZipFile(template, "a") as archive:
        archive.comment = b"edited"
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _touch(path: Path) -> None:
    later = path.stat().st_mtime_ns + 60 * 10**9
    os.utime(path, ns=(later, later))


def _same_time_other_size(path: Path) -> None:
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


# (case, change between the runs: (inputs, template, out) -> extra arguments, statuses)
CHANGES: list[tuple[str, Callable[[list[Path], Path, Path], list[str]], list[str]]] = [
    ("nothing", lambda i, t, o: [], ["skipped"] * 3),
    ("input-touched", lambda i, t, o: _touch(i[1]) or [], ["skipped", "written", "skipped"]),
    (
        "input-size",
        lambda i, t, o: _same_time_other_size(i[2]) or [],
        ["skipped"] * 2 + ["written"],
    ),
    (
        "output-deleted",
        lambda i, t, o: (o / "2550-r12-1.1.docx").unlink() or [],
        ["written"] + ["skipped"] * 2,
    ),
    ("digits", lambda i, t, o: ["--digits", "thai"], ["written"] * 3),
    ("template-bytes", lambda i, t, o: _new_bytes(t) or [], ["written"] * 3),
    ("template-touched", lambda i, t, o: _touch(t) or [], ["skipped"] * 3),
    (
        "template-path",
        lambda i, t, o: ["--template", str(shutil.copy(t, t.with_name("other.docx")))],
        ["written"] * 3,
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [c[1:] for c in CHANGES], ids=[c[0] for c in CHANGES]
)
def test_resume_renders_again_exactly_what_changed(tmp_path, change, expected):
    inputs = _records(tmp_path / "in")
    template = tmp_path / "form.docx"
    template.write_bytes(DEFAULT_TEMPLATE.read_bytes())
    out = tmp_path / "out"
    args = [str(tmp_path / "in"), "-o", str(out), "--template", str(template)]
    assert _batch(*args) == ["written"] * 3
    before = _stamps(out)
    extra = change(inputs, template, out)
    if "--template" in extra:
        args = args[:-2]
    assert _batch(*args, *extra, "--resume") == expected
    after = _stamps(out)
    for name, status in zip(sorted(after), expected, strict=True):
        assert (after[name] == before.get(name)) == (status == "skipped"), name


def test_resume_with_thai_digits_writes_thai_digits(tmp_path):
    """Before, the manifest said ``digits: thai`` over documents in Arabic digits."""
    _records(tmp_path / "in")
    out = tmp_path / "out"
    _batch(str(tmp_path / "in"), "-o", str(out))
    _batch(str(tmp_path / "in"), "-o", str(out), "--digits", "thai", "--resume")
    text = _text(out / "2550-r12-1.1.docx")
    assert "๒๕๕๐" in text and "2550" not in text
    assert _manifest(out)["options"]["digits"] == "thai"


def test_resume_does_not_read_unchanged_inputs(tmp_path, monkeypatch):
    _records(tmp_path / "in")
    out = tmp_path / "out"
    _batch(str(tmp_path / "in"), "-o", str(out), "--jobs", "1")

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged input was read")

    monkeypatch.setattr("docgen.report.data.load", never)
    assert (
        _batch(str(tmp_path / "in"), "-o", str(out), "--jobs", "1", "--resume") == ["skipped"] * 3
    )


def _text(path: Path) -> str:
    """A document's paragraphs and table cells."""
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_resume_with_summary_keeps_the_documents_and_writes_the_summary(tmp_path):
    """A summary reads every record again (it is written on each run with --summary);
    the indicators' documents do not depend on it and stay."""
    _records(tmp_path / "in")
    out = tmp_path / "out"
    _batch(str(tmp_path / "in"), "-o", str(out))
    before = _stamps(out)
    assert _batch(str(tmp_path / "in"), "-o", str(out), "--summary", "--resume") == ["skipped"] * 3
    assert {name: stamp for name, stamp in _stamps(out).items() if name in before} == before
    summaries = _manifest(out)["summaries"]
    assert [(out / s["outputs"]["docx"]).is_file() for s in summaries] == [True]
