"""Bulk generation: thousands of reports to documents, in worker processes.

Scripts produce every indicator of every office for both rounds. A batch
compiles the template once per process, hands whole data files (or JSON
lines) to worker processes that load, validate, score, render and write
them, and keeps ``manifest.json`` in the output folder: per document its
input, indicator, outputs, score and status, and for a failure the error with
its file and field. A bad record is recorded and skipped; every other
document is still written.

Every file is written atomically, so an interrupted batch (Ctrl-C, SIGTERM,
a crash) leaves only complete documents, and ``resume`` keeps the documents
of inputs unchanged since the manifest recorded them (`docgen.batch.resume`).
Two reports that give one file both fail, and the file stays as the run found
it (`docgen.batch.conflicts`).
PDF copies are made after the documents, by one warm LibreOffice per job. With
a Dask scheduler, the same batch runs on a cluster (`docgen.batch.cluster`).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.batch.conflicts import Claims
from docgen.batch.inputs import Record
from docgen.batch.manifest import MANIFEST_NAME, Manifest
from docgen.batch.pdf import convert_pdfs
from docgen.batch.progress import NoProgress, Progress
from docgen.batch.render import FAILED, SKIPPED, WRITTEN, Outcome, Settings
from docgen.batch.resume import FINGERPRINT_KEY, earlier_documents, fingerprint
from docgen.batch.summaries import convert_summary_pdfs, write_summaries
from docgen.batch.workers import in_background, run_here, run_in_workers
from docgen.engine.template import Template
from docgen.output import clean_stale_temp_files, temp_name


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
    summaries: list[dict[str, Any]] = field(default_factory=list)  # `summary_template` given

    @property
    def documents(self) -> int:
        return self.written + self.skipped + self.failed


class _Collector:
    """The main process's side: outcomes in, manifest, conflicts and progress out."""

    def __init__(self, settings: Settings, manifest: Manifest, progress: Progress) -> None:
        self.settings = settings
        self.manifest = manifest
        self.progress = progress
        self.claims = Claims(settings.out_dir, manifest)
        self.pdf_wanted: dict[tuple[int, int], Outcome] = {}

    def add(self, results: list[tuple[int, list[Outcome]]]) -> None:
        """The outcomes of some records: (record index, its documents' outcomes)."""
        failed = 0
        for record, outcomes in results:
            outcomes = [self.claims.check(outcome) for outcome in outcomes]
            for outcome in outcomes:
                if outcome.needs_pdf:
                    self.pdf_wanted[outcome.key] = outcome
            self.manifest.add(record, outcomes)  # `needs_pdf` is not written
            failed += any(outcome.status == FAILED for outcome in outcomes)
        self.progress.advance(len(results), failed)
        self.manifest.write_now_and_then()

    def settle(self) -> list[Outcome]:
        """Every document rendered: files into place; the PDFs still to make."""
        self.claims.settle()
        withdrawn = self.claims.withdrawn
        return [self.pdf_wanted[key] for key in sorted(self.pdf_wanted) if key not in withdrawn]


def _clean_temp_files(out_dir: Path) -> None:
    """Temporary files (and PDF folders) a killed run left anywhere in the output folder;
    those of a run still writing into it are kept."""
    clean_stale_temp_files(out_dir, recursive=True)


#: Memory-backed files, where the claims of output names cost least (`claim`).
_SHARED_MEMORY = Path("/dev/shm")


def _claims_folder(out_dir: Path) -> Path:
    """A folder of this run for its claims of output names: in shared memory where the
    system has it (creating a file there costs microseconds, on a loaded disk up to a
    millisecond), else in the output folder. A killed run's is removed by the next."""
    base = out_dir
    if _SHARED_MEMORY.is_dir() and os.access(_SHARED_MEMORY, os.W_OK | os.X_OK):
        base = _SHARED_MEMORY
        clean_stale_temp_files(base)
    folder = base / temp_name("claims")
    folder.mkdir()
    return folder


def _render_all(
    records: Iterable[Record],
    settings: Settings,
    sink: _Collector,
    progress: Progress,
    stop: threading.Event,
    jobs: int,
    total: int | None,
    cluster: dict[str, Any] | None = None,
) -> None:
    """Every record's documents, here, in `jobs` worker processes, or on a Dask cluster
    (`cluster`: the client and the options of `run_on_cluster`)."""
    iterator = iter(records)
    if total is None:
        iterator = in_background(iterator, stop)
    jobs = max(1, min(jobs, total) if total is not None else jobs)
    try:
        if cluster is not None:
            from docgen.batch.cluster import run_on_cluster

            progress.start("documents", total)
            run_on_cluster(iterator, settings, sink.add, stop, **cluster)
        elif jobs == 1:
            progress.start("documents", total)
            run_here(iterator, settings, sink.add, stop)
        else:
            run_in_workers(
                iterator,
                settings,
                sink.add,
                stop,
                jobs,
                lambda: progress.start("documents", total),
                total,
            )
    finally:
        progress.finish()


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
    summary_template: Template | None = None,
    scheduler: str | Any | None = None,
    pdf_converters: Sequence[Any] | None = None,
    _label: str | None = None,
) -> BatchResult:
    """Render every record into `out_dir` and keep ``out_dir/manifest.json``.

    `jobs` above 1 renders in that many worker processes. `scheduler` (a Dask
    scheduler's address, ``local:N``, or a ``distributed.Client``) renders on that
    cluster instead, PDFs included. `pdf_converters` (warm converters, one per job)
    are used and kept rather than started for this batch. `stop` (set by
    `stop_on_signals`) ends the batch cleanly: no new records are started,
    those under way are finished and recorded. Raises only when nothing can
    run (the output folder cannot be written, LibreOffice is missing for `pdf`,
    the scheduler cannot be reached).
    With `summary_template`, one summary per (organization, fiscal year, round) is
    written after the documents and listed in the manifest under ``summaries``.
    """
    if isinstance(scheduler, str):
        from docgen.batch.cluster import connect

        with connect(scheduler) as client:
            return run_batch(
                records,
                template,
                out_dir,
                jobs=jobs,
                resume=resume,
                pdf=pdf,
                pdf_timeout=pdf_timeout,
                font_dir=font_dir,
                total=total,
                progress=progress,
                stop=stop,
                summary_template=summary_template,
                scheduler=client,
                pdf_converters=pdf_converters,
                _label=scheduler,
            )
    started = time.monotonic()
    out_dir = Path(out_dir)
    progress = progress or NoProgress()
    stop = stop or threading.Event()
    font_setup = None
    if pdf and scheduler is None:  # before any document: no LibreOffice or Thai font stops all
        from docgen.pdf.convert import find_soffice
        from docgen.pdf.fonts import prepare_pdf_fonts

        find_soffice()
        font_setup = prepare_pdf_fonts(font_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clean_temp_files(out_dir)
    shape = fingerprint(template.path, template.digits)
    earlier = earlier_documents(out_dir / MANIFEST_NAME, shape) if resume else {}
    options = {"digits": template.digits, "resume": resume, "pdf": pdf, "jobs": jobs}
    cluster = None
    if scheduler is not None:
        options["scheduler"] = _label or str(scheduler.scheduler.address)
        cluster = {"client": scheduler, "pdf_timeout": pdf_timeout, "font_dir": font_dir}
    manifest = Manifest(out_dir, template.path, options, {FINGERPRINT_KEY: shape})
    manifest.write("running")
    claims = _claims_folder(out_dir)
    settings = Settings(template, out_dir, resume, pdf, earlier, claims, temp_name("waiting-"))
    sink = _Collector(settings, manifest, progress)
    kept: list[Record] = []
    if summary_template is not None:  # the summaries read the records again
        records = (kept.append(record) or record for record in records)
    try:
        _render_all(records, settings, sink, progress, stop, jobs, total, cluster)
    finally:
        shutil.rmtree(claims, ignore_errors=True)
    wanted = sink.settle()
    if wanted and not stop.is_set():
        convert_pdfs(
            wanted,
            settings,
            manifest,
            progress,
            stop,
            jobs,
            pdf_timeout,
            font_setup,
            pdf_converters,
        )
    if summary_template is not None and not stop.is_set():
        manifest.summaries = write_summaries(kept, summary_template, out_dir)
        if pdf:
            convert_summary_pdfs(manifest.summaries, out_dir, font_dir)
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
        manifest.summaries or [],
    )
