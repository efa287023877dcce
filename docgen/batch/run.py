"""Bulk generation: thousands of reports to documents, in worker processes.

Scripts produce every indicator of every office for both rounds. A batch
compiles the template once per process, hands whole data files (or JSON
lines) to worker processes that load, validate, score, render and write
them, and keeps ``manifest.json`` in the output folder: per document its
input, indicator, outputs, score and status, and for a failure the error with
its file and field. A bad record is recorded and skipped; every other
document is still written.

Every file is written atomically, so an interrupted batch (Ctrl-C, SIGTERM,
a crash) leaves only complete documents, and ``resume`` skips a document whose
output is newer than its input and the template. PDF copies are made after
the documents, a chunk of documents per LibreOffice process.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import json
import multiprocessing
import os
import queue
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from docgen import __version__
from docgen.api import output_names
from docgen.batch.progress import NoProgress, Progress
from docgen.engine.filters import format_score
from docgen.engine.template import Template
from docgen.errors import DataError, DocgenError, TemplateError, UsageError
from docgen.limits import Limits
from docgen.output import atomic_move, atomic_write_bytes, clean_stale_temp_files, temp_name
from docgen.report import data as data_module
from docgen.report.context import indicator_context
from docgen.report.scoring import score_indicator

#: Data files a folder is searched for.
DATA_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
#: The manifest's file name in the output folder.
MANIFEST_NAME = "manifest.json"
#: Stands for standard input among the inputs (one JSON report per line).
STDIN = "-"
#: Version of the manifest's layout.
MANIFEST_VERSION = 1

#: Records handed to a worker at a time: fewer round trips, still even sharing.
TASK_RECORDS = 32
#: Documents per LibreOffice process when converting to PDF.
PDF_CHUNK = 50
#: Seconds between two rewrites of the manifest while a batch runs.
MANIFEST_INTERVAL = 5.0
#: Failures kept in memory for the summary (all of them are in the manifest).
SHOWN_FAILURES = 20

WRITTEN, SKIPPED, FAILED = "written", "skipped", "failed"


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class Record:
    """One report to render: a data file, or one line of JSON on standard input."""

    index: int  # position among the inputs: the manifest's order
    input: str  # the path as found, or "-" for standard input
    folder: str = ""  # where its documents go, relative to the output folder
    line: int | None = None  # standard input only
    text: str | None = None  # standard input only: the line itself

    @property
    def name(self) -> str:
        """How messages name the record."""
        return f"stdin line {self.line}" if self.line is not None else self.input


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _data_files(folder: Path, skip: Path | None) -> list[tuple[Path, str]]:
    """Data files under `folder`, sorted, each with its folder relative to `folder`
    (POSIX, "" for `folder` itself); hidden ones and the output folder left out.

    Linked folders are not followed (their files could be reached twice);
    linked files are taken, unless they lead into the output folder. A folder's
    entries say what they are, so a plain file costs no call to the system.
    """
    found: list[tuple[Path, str]] = []
    pending = [(folder, "")]
    while pending:
        directory, relative = pending.pop()
        if skip is not None and directory.resolve().is_relative_to(skip):
            continue
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue  # as os.walk: a folder that cannot be read is left out
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = directory / entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append((path, f"{relative}/{entry.name}" if relative else entry.name))
            elif _is_data_file(entry, path, skip):
                found.append((path, relative))
    return sorted(found, key=lambda item: item[0])


def _is_data_file(entry: os.DirEntry, path: Path, skip: Path | None) -> bool:
    if os.path.splitext(entry.name)[1].lower() not in DATA_SUFFIXES:
        return False
    if entry.is_symlink() and skip is not None and path.resolve().is_relative_to(skip):
        return False  # a link into the output folder
    return entry.is_file()


def find_inputs(inputs: Sequence[str | Path], out_dir: Path | None = None) -> list[Record]:
    """The records of input files and folders (a folder: every data file in it, with its
    subfolders kept in the output). Standard input is read by `read_json_lines`."""
    records: list[Record] = []
    skip = out_dir.resolve() if out_dir is not None else None
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            files = _data_files(path, skip)
            if not files:
                raise UsageError(f"{path}: no .yaml, .yml or .json files in this folder")
            for file, folder in files:
                records.append(Record(len(records), str(file), folder))
        elif path.is_file():
            records.append(Record(len(records), str(path)))
        else:
            raise UsageError(f"{path}: no such file or folder")
    return records


def read_json_lines(stream: TextIO, first_index: int = 0) -> Iterator[Record]:
    """One record per non-blank line of `stream` (JSON lines, for scripts)."""
    index = first_index
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield Record(index, STDIN, line=number, text=line)
            index += 1


# --------------------------------------------------------------------------- one record


@dataclass(frozen=True)
class Outcome:
    """What became of one document (or of a record that yielded none)."""

    record: int
    position: int  # the indicator's place in its record
    input: str
    line: int | None
    indicator: str | None
    status: str  # written, skipped or failed
    outputs: dict[str, str] = field(default_factory=dict)  # kind -> path in the output folder
    score: str | None = None
    weighted_score: str | None = None
    error: dict[str, Any] | None = None
    needs_pdf: bool = False  # not in the manifest: the PDF is still to be made
    pdf_font: str | None = None  # the font the PDF was set in (real, or docgen's stand-in)

    @property
    def key(self) -> tuple[int, int]:
        return self.record, self.position

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"input": self.input}
        if self.line is not None:
            entry["line"] = self.line
        entry |= {
            "indicator": self.indicator,
            "status": self.status,
            "outputs": self.outputs,
            "score": self.score,
            "weighted_score": self.weighted_score,
        }
        if self.pdf_font is not None:
            entry["pdf_font"] = self.pdf_font
        if self.error is not None:
            entry["error"] = self.error
        return entry

    @classmethod
    def from_json(cls, key: tuple[int, int], entry: dict[str, Any]) -> Outcome:
        """An outcome read back from its manifest entry."""
        return cls(
            *key,
            entry["input"],
            entry.get("line"),
            entry["indicator"],
            entry["status"],
            entry["outputs"],
            entry["score"],
            entry["weighted_score"],
            entry.get("error"),
            pdf_font=entry.get("pdf_font"),
        )


@dataclass(frozen=True)
class Settings:
    """What every worker needs to know besides its records."""

    template: Template
    out_dir: Path
    resume: bool = False
    pdf: bool = False
    template_mtime_ns: int = 0


def _data_error(exc: DataError) -> dict[str, Any]:
    return {
        "kind": "data",
        "message": str(exc),
        "file": exc.file,
        "problems": [{"field": p.path, "line": p.line, "message": p.message} for p in exc.problems],
    }


def _template_error(exc: TemplateError) -> dict[str, Any]:
    return {
        "kind": "template",
        "message": str(exc),
        "file": exc.template,
        "location": exc.location.describe() if exc.location else None,
    }


def _failure(record: Record, error: dict[str, Any]) -> Outcome:
    """The one outcome of a record that yields no document."""
    return Outcome(record.index, 0, record.input, record.line, None, FAILED, error=error)


def _load(record: Record, limits: Limits):
    if record.text is not None:
        return data_module.loads(record.text, "json", record.name, limits)
    return data_module.load(record.input, limits)


def _mtime_ns(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _is_fresh(path: Path, newer_than: int) -> bool:
    mtime = _mtime_ns(path)
    return mtime is not None and mtime > newer_than


def render_record(record: Record, settings: Settings) -> list[Outcome]:
    """Load, validate, score and render one record; write its documents.

    Never raises for a problem of the record: it becomes a failed outcome.
    """
    try:
        report = _load(record, settings.template.limits)  # the limits travel with the template
        names = output_names(report)
    except DataError as exc:
        return [_failure(record, _data_error(exc if exc.file else exc.with_file(record.name)))]
    except DocgenError as exc:
        return [_failure(record, {"kind": "data", "message": f"{record.name}: {exc}"})]
    newest_source = settings.template_mtime_ns
    if record.text is None and (settings.resume or settings.pdf):
        newest_source = max(newest_source, _mtime_ns(Path(record.input)) or 0)
    outcomes = []
    for position, (indicator, name) in enumerate(zip(report.all_indicators, names, strict=True)):
        relative = f"{record.folder}/{name}" if record.folder else name
        outputs = {"docx": relative}
        pdf_name = relative.removesuffix(".docx") + ".pdf"
        target = settings.out_dir / relative
        score = score_indicator(indicator)
        outcome = Outcome(
            record.index,
            position,
            record.input,
            record.line,
            indicator.code,
            SKIPPED,
            outputs,
            None if score.score is None else format_score(score.score),
            None if score.weighted is None else format_score(score.weighted),
        )
        pdf_fresh = settings.pdf and _is_fresh(settings.out_dir / pdf_name, newest_source)
        if not (settings.resume and _is_fresh(target, newest_source)):
            try:
                payload = settings.template.render(indicator_context(report, indicator, score))
                atomic_write_bytes(target, payload, fsync=False)
            except TemplateError as exc:
                outcomes.append(replace(outcome, status=FAILED, error=_template_error(exc)))
                continue
            except DocgenError as exc:
                error = {"kind": "output", "message": str(exc)}
                outcomes.append(replace(outcome, status=FAILED, error=error))
                continue
            outcome = replace(outcome, status=WRITTEN)
            pdf_fresh = False
        if pdf_fresh:
            outcome = replace(outcome, outputs={**outputs, "pdf": pdf_name})
        outcomes.append(replace(outcome, needs_pdf=settings.pdf and not pdf_fresh))
    return outcomes


def _render_safely(record: Record, settings: Settings) -> list[Outcome]:
    """`render_record`, with a bug in docgen reported as that record's failure."""
    try:
        return render_record(record, settings)
    except Exception as exc:  # a bug must not cost the other records their documents
        message = f"{record.name}: internal error, please report it: {type(exc).__name__}: {exc}"
        return [_failure(record, {"kind": "internal", "message": message})]


# --------------------------------------------------------------------------- worker processes

_SETTINGS: Settings | None = None
_BUSY = False  # a worker is rendering a task
_ENDING = False  # a worker was told to end


def _start_worker(settings: Settings) -> None:
    """In each worker: keep the settings; leave Ctrl-C to the main process, which
    stops the batch cleanly; end on SIGTERM (see `_exit_on_signal`)."""
    global _SETTINGS
    _SETTINGS = settings
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_signal)


def _exit_on_signal(signum: int, frame: Any) -> None:
    """End the worker. In the middle of a task, through SystemExit first, so that a
    file being written is removed rather than left half-written; `_work` then ends
    the process (the pool would otherwise catch the exit and wait for more work)."""
    global _ENDING
    _ENDING = True
    if _BUSY:
        raise SystemExit(128 + signum)
    os._exit(128 + signum)


def _work(records: list[Record]) -> list[tuple[int, list[Outcome]]]:
    global _BUSY
    assert _SETTINGS is not None
    _BUSY = True
    try:
        return [(record.index, _render_safely(record, _SETTINGS)) for record in records]
    finally:
        _BUSY = False
        if _ENDING:
            os._exit(128 + signal.SIGTERM)


def _ready() -> bool:
    return True


def _batches(
    records: Iterator[Record | None], size: int, total: int | None = None, jobs: int = 1
) -> Iterator[list[Record]]:
    """Tasks of up to `size` records; a shorter one (even empty) when the records come
    slowly (None: nothing has come yet), so that a slow script is not kept waiting.

    When the `total` is known, the last tasks shrink to a record each, so that the
    `jobs` workers finish together instead of one waiting for the other's last task.
    """
    batch: list[Record] = []
    remaining = total
    for record in records:
        if record is not None:
            batch.append(record)
        limit = size if remaining is None else max(1, min(size, remaining // (4 * jobs)))
        if len(batch) >= limit or record is None:
            yield batch
            if remaining is not None:
                remaining -= len(batch)
            batch = []
    if batch:
        yield batch


def _in_background(records: Iterator[Record], stop: threading.Event) -> Iterator[Record | None]:
    """Read `records` (standard input) in a thread, so that waiting for the next
    line never keeps the batch from noticing Ctrl-C or SIGTERM. Yields None when
    no record has come for a moment."""
    lines: queue.Queue = queue.Queue(maxsize=256)
    done = object()

    def pump() -> None:
        try:
            for record in records:
                lines.put(record)
        finally:
            lines.put(done)

    threading.Thread(target=pump, name="docgen-stdin", daemon=True).start()
    while not stop.is_set():
        try:
            item = lines.get(timeout=0.2)
        except queue.Empty:
            yield None
            continue
        if item is done:
            return
        yield item


# --------------------------------------------------------------------------- manifest


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _sync_to_disk() -> None:
    """Make the documents written so far durable before the manifest says they exist."""
    if hasattr(os, "sync"):
        os.sync()


def _encoded(outcome: Outcome) -> bytes:
    return json.dumps(outcome.to_json(), ensure_ascii=False).encode("utf-8")


class Manifest:
    """``manifest.json``: always complete, valid JSON, rewritten atomically as the batch
    goes, documents in input order.

    Memory stays flat: each document is kept as one encoded line (a few hundred
    bytes) in input order; a record that finishes before an earlier one waits
    for it, and the few documents that change afterwards (their PDF, a
    conflict) are kept aside. The file is written piece by piece.
    """

    def __init__(self, out_dir: Path, template: Path, options: dict[str, Any]) -> None:
        self.path = out_dir / MANIFEST_NAME
        self.head = {
            "manifest_version": MANIFEST_VERSION,
            "docgen": __version__,
            "template": str(template),
            "options": options,
            "started": _now(),
        }
        self._lines = bytearray(b"\n")  # "\n<record> <position> <json>" per document
        self._waiting: dict[int, list[Outcome]] = {}
        self._next = 0  # the record whose documents come next in `_lines`
        self._changed: dict[tuple[int, int], Outcome] = {}
        self.counts = {WRITTEN: 0, SKIPPED: 0, FAILED: 0}
        self._failures: list[tuple[tuple[int, int], dict[str, Any]]] = []
        self.last_write = 0.0

    @property
    def documents(self) -> int:
        return sum(self.counts.values())

    def add(self, record: int, outcomes: list[Outcome]) -> None:
        """The documents of one record, which may finish in any order."""
        for outcome in outcomes:
            self.counts[outcome.status] += 1
            self._note_failure(outcome)
        self._waiting[record] = outcomes
        while self._next in self._waiting:
            for outcome in self._waiting.pop(self._next):
                self._lines += b"%d %d " % outcome.key + _encoded(outcome) + b"\n"
            self._next += 1

    def change(self, outcome: Outcome, was: str) -> None:
        """A recorded document's outcome changed (its PDF was made or failed, a conflict)."""
        self.counts[was] -= 1
        self.counts[outcome.status] += 1
        self._note_failure(outcome)
        waiting = self._waiting.get(outcome.record)
        if waiting is not None:
            self._waiting[outcome.record] = [
                outcome if other.key == outcome.key else other for other in waiting
            ]
        else:
            self._changed[outcome.key] = outcome

    def find(self, key: tuple[int, int]) -> Outcome | None:
        """A recorded document's outcome (rarely needed: a scan of the lines)."""
        if key in self._changed:
            return self._changed[key]
        for outcome in self._waiting.get(key[0], ()):
            if outcome.key == key:
                return outcome
        start = self._lines.find(b"\n%d %d " % key)
        if start < 0:
            return None
        line = bytes(self._lines[start + 1 : self._lines.find(b"\n", start + 1)])
        return Outcome.from_json(key, json.loads(line.split(b" ", 2)[2]))

    def _note_failure(self, outcome: Outcome) -> None:
        if outcome.status == FAILED:
            bisect.insort(self._failures, (outcome.key, outcome.to_json()), key=lambda f: f[0])
            del self._failures[SHOWN_FAILURES:]

    def failures(self) -> list[dict[str, Any]]:
        """The first failed entries (up to SHOWN_FAILURES), in input order."""
        return [entry for _, entry in self._failures]

    def _entries(self) -> Iterator[bytes]:
        data = self._lines
        start = 1
        while start < len(data):
            end = data.find(b"\n", start)
            record, position, entry = bytes(data[start:end]).split(b" ", 2)
            changed = self._changed.get((int(record), int(position)))
            yield _encoded(changed) if changed is not None else entry
            start = end + 1
        for record in sorted(self._waiting):  # after an interruption: gaps before them
            for outcome in self._waiting[record]:
                yield _encoded(outcome)

    def _chunks(self, status: str) -> Iterator[bytes]:
        head = {
            **self.head,
            "finished": None if status == "running" else _now(),
            "status": status,
            "counts": {"documents": self.documents, **self.counts},
        }
        fields = [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in head.items()]
        yield ("{\n" + ",\n".join(fields) + ',\n "documents": [').encode("utf-8")
        separator = b"\n  "
        for entry in self._entries():
            yield separator + entry
            separator = b",\n  "
        yield b"\n ]\n}\n" if separator != b"\n  " else b"]\n}\n"

    def write(self, status: str) -> None:
        """Replace the manifest file; `status` is running, complete or interrupted."""
        _sync_to_disk()
        atomic_write_bytes(self.path, self._chunks(status))
        self.last_write = time.monotonic()

    def write_now_and_then(self) -> None:
        if time.monotonic() - self.last_write >= MANIFEST_INTERVAL:
            self.write("running")


# --------------------------------------------------------------------------- the batch


@dataclass
class BatchResult:
    """What a batch did: counts, the failures to show, and where the manifest is."""

    manifest: Path
    written: int = 0
    skipped: int = 0
    failed: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)  # manifest entries, the first few

    @property
    def documents(self) -> int:
        return self.written + self.skipped + self.failed


class _Collector:
    """The main process's side: outcomes in, manifest, conflicts and progress out."""

    def __init__(self, settings: Settings, manifest: Manifest, progress: Progress) -> None:
        self.settings = settings
        self.manifest = manifest
        self.progress = progress
        self.claimed: dict[str, tuple[int, int]] = {}  # output (case-folded) -> document
        self.pdf_wanted: dict[tuple[int, int], Outcome] = {}

    def add(self, results: list[tuple[int, list[Outcome]]]) -> None:
        """The outcomes of some records: (record index, its documents' outcomes)."""
        failed = 0
        for record, outcomes in results:
            outcomes = [self._claim(outcome) for outcome in outcomes]
            for outcome in outcomes:
                if outcome.needs_pdf:
                    self.pdf_wanted[outcome.key] = outcome
            self.manifest.add(record, outcomes)  # `needs_pdf` is not written
            failed += any(outcome.status == FAILED for outcome in outcomes)
        self.progress.advance(len(results), failed)
        self.manifest.write_now_and_then()

    def _claim(self, outcome: Outcome) -> Outcome:
        """Two documents of one batch must not share a file: both fail, and the file
        (which holds whichever came last) is removed."""
        if outcome.status == FAILED:
            return outcome
        name = outcome.outputs["docx"].casefold()
        first_key = self.claimed.setdefault(name, outcome.key)
        if first_key == outcome.key:
            return outcome
        first = self.manifest.find(first_key)
        where = _where(first) if first is not None else "another report"
        message = (
            f"{where} and {_where(outcome)} both give {outcome.outputs['docx']}; "
            "give each report its own code, round or folder"
        )
        error = {"kind": "conflict", "message": message}
        for path in outcome.outputs.values():
            (self.settings.out_dir / path).unlink(missing_ok=True)
        if first is not None and first.status != FAILED:
            self.manifest.change(replace(first, status=FAILED, error=error), first.status)
            self.pdf_wanted.pop(first_key, None)
        return replace(outcome, status=FAILED, error=error, needs_pdf=False)


def _where(outcome: Outcome) -> str:
    return f"stdin line {outcome.line}" if outcome.line is not None else outcome.input


def _run_here(
    records: Iterator[Record | None], settings: Settings, sink: _Collector, stop: threading.Event
) -> None:
    for record in records:
        if stop.is_set():
            return
        if record is not None:
            sink.add([(record.index, _render_safely(record, settings))])


def _fork_context():
    """Workers forked from the main process inherit the compiled template; where
    there is no fork, they get it pickled (its source bytes) and compile it once."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def _run_in_workers(
    records: Iterator[Record],
    settings: Settings,
    sink: _Collector,
    stop: threading.Event,
    jobs: int,
    before_start: Callable[[], None],
    total: int | None = None,
) -> None:
    with ProcessPoolExecutor(
        jobs, mp_context=_fork_context(), initializer=_start_worker, initargs=(settings,)
    ) as pool:
        pool.submit(_ready).result()  # every worker forked before any thread starts
        before_start()
        tasks = _batches(records, TASK_RECORDS, total, jobs)
        running: dict[Future, list[Record]] = {}
        exhausted = False
        while True:
            while not exhausted and not stop.is_set() and len(running) < 3 * jobs:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                if not task:  # nothing has come in yet: see to the running ones
                    break
                try:
                    running[pool.submit(_work, task)] = task
                except BrokenProcessPool:  # a worker died between two tasks
                    stop.set()
            if not running:
                if exhausted or stop.is_set():
                    return
                try:  # waiting for input: still a pool to give it to?
                    pool.submit(_ready)
                except BrokenProcessPool:
                    if stop.is_set():  # stopped by a signal that reached the workers too
                        continue
                    stop.set()
                continue
            done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                task = running.pop(future)
                try:
                    sink.add(future.result())
                except BrokenProcessPool:
                    if stop.is_set():  # stopped by a signal that reached the workers too
                        continue
                    stop.set()
                    message = (
                        "the worker process rendering it stopped unexpectedly (out of memory?)"
                    )
                    sink.add(
                        [
                            (
                                r.index,
                                [
                                    _failure(
                                        r, {"kind": "internal", "message": f"{r.name}: {message}"}
                                    )
                                ],
                            )
                            for r in task
                        ]
                    )
                except SystemExit:
                    stop.set()  # the worker was told to stop: its records were not done


def _convert_pdfs(
    wanted: list[Outcome],
    settings: Settings,
    sink: _Collector,
    stop: threading.Event,
    jobs: int,
    timeout: float,
    font_setup: Any,
) -> None:
    """PDF copies, a chunk of documents per LibreOffice process, `jobs` at a time."""
    from concurrent.futures import ThreadPoolExecutor

    from docgen.pdf.convert import convert_to_pdf

    sink.progress.start("PDFs", len(wanted))

    def convert(number: int, chunk: list[Outcome]) -> list[tuple[Outcome, Path | None, str, str]]:
        """(document, its PDF or None, why not, font) for a chunk, in one LibreOffice process.

        LibreOffice gets the documents under numbered names in a folder of their own
        (linked, not copied), so that one chunk can take documents of the same name
        from many folders; each PDF is then moved beside its document."""
        if stop.is_set():
            return []
        sources = [settings.out_dir / o.outputs["docx"] for o in chunk]
        staging = settings.out_dir / temp_name(f"pdf-{number}")
        try:
            (staging / "in").mkdir(parents=True)
            numbered = [
                _link(source, staging / "in" / f"{i:05d}.docx") for i, source in enumerate(sources)
            ]
            results = convert_to_pdf(
                numbered, staging / "pdf", timeout=timeout, font_setup=font_setup
            )
            made: list[tuple[Outcome, Path | None, str, str]] = []
            for outcome, source, result in zip(chunk, sources, results, strict=True):
                if result.pdf is None:
                    made.append((outcome, None, result.error or "no PDF came out", ""))
                else:
                    pdf = atomic_move(result.pdf, source.with_suffix(".pdf"))
                    made.append((outcome, pdf, "", result.font))
            return made
        except (DocgenError, OSError) as exc:  # LibreOffice or the disk failed the chunk
            return [(outcome, None, str(exc), "") for outcome in chunk]
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="docgen-pdf") as pool:
        chunks = _pdf_chunks(wanted, jobs)
        futures = [pool.submit(convert, number, chunk) for number, chunk in enumerate(chunks)]
        for future in futures:
            pairs = future.result()
            failed = 0
            for outcome, made, why, font in pairs:
                was = outcome.status
                if made is None:
                    failed += 1
                    error = {"kind": "pdf", "message": f"{outcome.outputs['docx']}: {why}"}
                    outcome = replace(outcome, status=FAILED, error=error)
                else:
                    pdf = made.relative_to(settings.out_dir).as_posix()
                    outputs = {**outcome.outputs, "pdf": pdf}
                    outcome = replace(outcome, status=WRITTEN, outputs=outputs, pdf_font=font)
                sink.manifest.change(replace(outcome, needs_pdf=False), was)
            sink.progress.advance(len(pairs), failed)
            sink.manifest.write_now_and_then()
    sink.progress.finish()


def _pdf_chunks(wanted: list[Outcome], jobs: int) -> list[list[Outcome]]:
    """Chunks of about equal size, a multiple of `jobs` of them, none over PDF_CHUNK:
    every LibreOffice process stays busy to the end."""
    rounds = max(1, -(-len(wanted) // (jobs * PDF_CHUNK)))
    count = min(len(wanted), jobs * rounds)
    return [wanted[i::count] for i in range(count)] if wanted else []


def _link(source: Path, link: Path) -> Path:
    """`source` under another name: a hard link, or a copy where links are not possible."""
    try:
        os.link(source, link)
    except OSError:
        shutil.copyfile(source, link)
    return link


def _clean_temp_files(out_dir: Path) -> None:
    """Temporary files (and PDF folders) a killed run left anywhere in the output folder;
    those of a run still writing into it are kept."""
    clean_stale_temp_files(out_dir, recursive=True)


def run_batch(
    records: Iterable[Record],
    template: Template,
    out_dir: str | Path,
    *,
    jobs: int = 1,
    resume: bool = False,
    pdf: bool = False,
    pdf_timeout: float = 120,
    font_dir: str | Path | None = None,
    total: int | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> BatchResult:
    """Render every record into `out_dir` and keep ``out_dir/manifest.json``.

    `jobs` above 1 renders in that many worker processes. `stop` (set by
    `stop_on_signals`) ends the batch cleanly: no new records are started,
    those under way are finished and recorded. Raises only when nothing can
    run (the output folder cannot be written, LibreOffice is missing for `pdf`).
    """
    started = time.monotonic()
    out_dir = Path(out_dir)
    progress = progress or NoProgress()
    stop = stop or threading.Event()
    font_setup = None
    if pdf:  # before any document: a missing LibreOffice or Thai font stops everything
        from docgen.pdf.convert import find_soffice
        from docgen.pdf.fonts import prepare_pdf_fonts

        find_soffice()
        font_setup = prepare_pdf_fonts(font_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clean_temp_files(out_dir)
    settings = Settings(template, out_dir, resume, pdf, _mtime_ns(template.path) or 0)
    options = {"digits": template.digits, "resume": resume, "pdf": pdf, "jobs": jobs}
    manifest = Manifest(out_dir, template.path, options)
    manifest.write("running")
    sink = _Collector(settings, manifest, progress)
    iterator = iter(records)
    if total is None:
        iterator = _in_background(iterator, stop)
    jobs = max(1, min(jobs, total) if total is not None else jobs)
    try:
        if jobs == 1:
            progress.start("records", total)
            _run_here(iterator, settings, sink, stop)
        else:
            _run_in_workers(
                iterator,
                settings,
                sink,
                stop,
                jobs,
                lambda: progress.start("records", total),
                total,
            )
    finally:
        progress.finish()
    if sink.pdf_wanted and not stop.is_set():
        wanted = [sink.pdf_wanted[key] for key in sorted(sink.pdf_wanted)]
        _convert_pdfs(wanted, settings, sink, stop, jobs, pdf_timeout, font_setup)
    # Every worker has ended: a temporary file still here is one a worker could not
    # remove (killed mid-write, or stopped between creating and registering it).
    _clean_temp_files(out_dir)
    interrupted = stop.is_set()
    manifest.write("interrupted" if interrupted else "complete")
    counts = manifest.counts
    return BatchResult(
        manifest.path,
        counts[WRITTEN],
        counts[SKIPPED],
        counts[FAILED],
        interrupted,
        time.monotonic() - started,
        manifest.failures(),
    )


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[list[int]]:
    """Ctrl-C or SIGTERM sets `stop` (the batch ends cleanly); a second Ctrl-C
    interrupts at once. Yields the signals received."""
    received: list[int] = []

    def handler(signum: int, frame: Any) -> None:
        if received and signum == signal.SIGINT:
            raise KeyboardInterrupt
        received.append(signum)
        stop.set()

    if threading.current_thread() is not threading.main_thread():
        yield received  # only the main thread may take signals; the caller stops it
        return
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
