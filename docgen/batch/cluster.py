"""The batch on a Dask cluster: many machines, no shared file system.

The client (``docgen batch --scheduler ...``) reads the data files, ships the
compiled template to every worker once (scatter), and sends chunks of records.
A worker renders them (and makes their PDFs with its own warm LibreOffice) and
sends the documents' bytes back; the client writes them atomically, with the
manifest and progress, exactly as a local batch does. Dask recomputes the tasks
of a worker that is lost, so nothing is lost with it; a record that fails still
fails alone; a chunk that keeps killing its workers fails only its own records.

``local:N`` starts a LocalCluster of N worker processes on this machine.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from docgen.batch.inputs import STDIN, Record
from docgen.batch.render import (
    FAILED,
    WRITTEN,
    Outcome,
    Settings,
    _conflict,  # one home for a conflict's outcome
    _still_standing,  # and for what `--resume` keeps
    claim,
    failure,
    put_down,
    render_safely,
)
from docgen.batch.resume import source_of
from docgen.errors import DocgenError, OutputError, UsageError
from docgen.limits import Limits
from docgen.report import data as data_module

#: Records sent to a worker in one task.
CLUSTER_TASK_RECORDS = 32
#: Tasks in flight per worker thread: enough to keep workers busy, little to redo.
TASKS_PER_WORKER = 3
#: Seconds to reach a scheduler.
CONNECT_TIMEOUT = 20
INSTALL_HINT = "pip install 'docgen[distributed]'"
_LOCAL = re.compile(r"local(?::(\d+))?")


@dataclass(frozen=True, slots=True)
class Shipped:
    """A record with its data, read on the client: workers need no shared files."""

    record: Record
    text: str
    fmt: str


@dataclass(frozen=True, slots=True)
class Rendered:
    """A document's outcome with the bytes the client is to write."""

    outcome: Outcome
    docx: bytes | None = None
    pdf: bytes | None = None


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise UsageError(f"--scheduler needs Dask distributed: {INSTALL_HINT}") from exc
    return distributed


@contextlib.contextmanager
def connect(address: str, *, timeout: float | None = None) -> Iterator[Any]:
    """A Dask client for `address`: ``tcp://HOST:PORT`` (a running scheduler) or
    ``local:N`` (a LocalCluster of N worker processes, stopped afterwards)."""
    distributed = _distributed()
    local = _LOCAL.fullmatch(address)
    if local:
        workers = int(local.group(1) or 2)
        if workers < 1:
            raise UsageError(f"--scheduler {address}: local:N needs at least one worker")
        with (
            distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,  # errors only: the batch reports its own progress
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = distributed.Client(address, timeout=timeout or CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(
            f"--scheduler {address}: cannot reach a Dask scheduler there ({exc}); start one "
            "with `dask scheduler` and give its address, e.g. tcp://10.0.0.5:8786"
        ) from exc
    with client:
        yield client


def check_scheduler(address: str, timeout: float = 10) -> str:
    """What `docgen doctor` says about a scheduler: its workers and their LibreOffice."""
    with connect(address, timeout=timeout) as client:
        workers = client.scheduler_info()["workers"]
        if not workers:
            return f"{address}: scheduler reached, but it has no workers yet"
        threads = sum(w.get("nthreads", 1) for w in workers.values())
        pdf = client.run(_worker_pdf_status)
        able = sum(1 for status in pdf.values() if status == "ok")
        lines = [
            f"{address}: {len(workers)} workers, {threads} threads; "
            f"{able} of {len(workers)} can make PDFs"
        ]
        lines += [
            f"  {worker}: {status}" for worker, status in sorted(pdf.items()) if status != "ok"
        ]
        return "\n".join(lines)


def _worker_pdf_status() -> str:
    from docgen.pdf.convert import find_soffice
    from docgen.pdf.warm import find_uno_python

    try:
        find_uno_python(find_soffice())
    except OutputError as exc:
        return str(exc)
    return "ok"


# --------------------------------------------------------------------------- on the client


def ship(record: Record, limits: Limits) -> Shipped | None:
    """The record with its data; None when its file cannot be read (the client then
    renders it itself, which names the problem exactly as a local batch does)."""
    if record.text is not None:
        return Shipped(record, record.text, "json")
    path = Path(record.input)
    try:
        text = data_module.read_text(path, limits)
    except DocgenError:
        return None
    return Shipped(record, text, "json" if path.suffix.lower() == ".json" else "yaml")


def _write(
    settings: Settings, chunk: list[Shipped], results: list[tuple[int, list[Rendered]]]
) -> list[tuple[int, list[Outcome]]]:
    """Write what the workers made, each file claimed first as in a local batch (two
    reports that give one file both fail); a file that cannot be written fails its
    document. The inputs' size and time are this machine's, for `--resume`."""
    sources = {s.record.index: source_of(s.record.input, s.record.text) for s in chunk}
    written = []
    for index, rendered in results:
        outcomes = []
        for item in rendered:
            outcome = item.outcome
            if outcome.indicator is not None:  # a document, not a record that gave none
                outcome = replace(outcome, source=sources.get(index))
            if item.docx is not None and not claim(settings, outcome.outputs["docx"]):
                docx_only = replace(outcome, outputs={"docx": outcome.outputs["docx"]})
                outcomes.append(_conflict(replace(docx_only, pdf_font=None)))
                continue
            waiting: dict[str, str] = {}
            try:
                for kind, payload in (("docx", item.docx), ("pdf", item.pdf)):
                    if payload is not None:
                        name = put_down(settings, outcome.outputs[kind], payload)
                        if name is not None:
                            waiting[kind] = name
            except DocgenError as exc:
                error = {"kind": "output", "message": str(exc)}
                outcome = replace(outcome, status=FAILED, error=error)
                for name in waiting.values():
                    (settings.out_dir / name).unlink(missing_ok=True)
                waiting = {}
            if waiting:
                outcome = replace(outcome, waiting=waiting)
            outcomes.append(outcome)
        written.append((index, outcomes))
    return written


def _lost(chunk: list[Shipped], exc: BaseException) -> list[tuple[int, list[Outcome]]]:
    """The records of a task Dask gave up on (it killed every worker it ran on)."""
    message = f"the cluster could not render it: {type(exc).__name__}: {exc}"
    return [
        (
            s.record.index,
            [failure(s.record, {"kind": "internal", "message": f"{s.record.name}: {message}"})],
        )
        for s in chunk
    ]


def run_on_cluster(
    records: Iterator[Record | None],
    settings: Settings,
    add: Callable[[list[tuple[int, list[Outcome]]]], None],
    stop: threading.Event,
    client: Any,
    *,
    pdf_timeout: float = 120,
    font_dir: str | Path | None = None,
) -> None:
    """Render every record on the cluster behind `client`; each record's outcomes go
    to `add`. `stop` ends it cleanly: no new tasks, those under way are recorded."""
    distributed = _distributed()
    template = client.scatter(settings.template, broadcast=True, hash=False)
    options = {
        "pdf": settings.pdf,
        "pdf_timeout": pdf_timeout,
        "font_dir": None if font_dir is None else str(font_dir),
    }
    threads = max(1, sum(client.nthreads().values()))
    finished = distributed.as_completed()
    running: dict[Any, list[Shipped]] = {}
    tasks = _tasks(records, settings, add)
    exhausted = False
    while True:
        while not exhausted and not stop.is_set() and len(running) < TASKS_PER_WORKER * threads:
            chunk = next(tasks, None)
            if chunk is None:
                exhausted = True
            elif not chunk:  # nothing has come in yet: see to the running ones
                break
            else:
                future = client.submit(render_chunk, template, chunk, options, pure=False)
                running[future] = chunk
                finished.add(future)
        if not running:
            if exhausted or stop.is_set():
                return
            continue  # waiting for input (`records` yields None meanwhile)
        future = next(finished)
        chunk = running.pop(future)
        try:
            results = future.result()
        except Exception as exc:  # KilledWorker: it took every worker it ran on with it
            add(_lost(chunk, exc))
            continue
        add(_write(settings, chunk, results))


def _tasks(
    records: Iterator[Record | None],
    settings: Settings,
    add: Callable[[list[tuple[int, list[Outcome]]]], None],
) -> Iterator[list[Shipped]]:
    """Chunks of shipped records; an empty one when the input has nothing yet."""
    chunk: list[Shipped] = []
    for record in records:
        if record is None:
            yield chunk
            chunk = []
            continue
        if settings.resume:  # decided here, from this machine's files and manifest
            standing = _still_standing(record, settings, source_of(record.input, record.text))
            if standing is not None:
                add([(record.index, standing)])  # a missing PDF is made here afterwards
                continue
        shipped = ship(record, settings.template.limits)
        if shipped is None:
            add([(record.index, render_safely(record, settings))])
            continue
        chunk.append(shipped)
        if len(chunk) >= CLUSTER_TASK_RECORDS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --------------------------------------------------------------------------- on a worker


def render_chunk(
    template: Any, chunk: list[Shipped], options: dict[str, Any]
) -> list[tuple[int, list[Rendered]]]:
    """A worker's task: render `chunk` in memory, with PDFs when asked for."""
    settings = Settings(template, Path("."))  # nothing is written on the worker
    results = []
    for shipped in chunk:
        files: dict[str, bytes] = {}
        outcomes = render_safely(
            shipped.record,
            settings,
            load=lambda _record, limits, s=shipped: data_module.loads(
                s.text, s.fmt, _name(s), limits
            ),
            write=files.__setitem__,
        )
        rendered = [Rendered(o, files.get(o.outputs.get("docx", ""))) for o in outcomes]
        if options["pdf"]:
            rendered = [_with_pdf(item, options) for item in rendered]
        results.append((shipped.record.index, rendered))
    return results


def _name(shipped: Shipped) -> str | Path:
    """How errors name the data: its path, as a local batch names it."""
    record = shipped.record
    return Path(record.input) if record.input != STDIN else record.name


def _with_pdf(item: Rendered, options: dict[str, Any]) -> Rendered:
    """The PDF of a written document, made by this worker's warm LibreOffice."""
    outcome = item.outcome
    if outcome.status != WRITTEN or item.docx is None:
        return item
    docx = outcome.outputs["docx"]
    try:
        converter = _converter(options)
        pdf = converter.convert_bytes(item.docx, Path(docx).name)
    except DocgenError as exc:
        why = str(exc).removeprefix(f"PDF conversion failed for {Path(docx).name}: ")
        error = {"kind": "pdf", "message": f"{docx}: {why}"}
        return replace(item, outcome=replace(outcome, status=FAILED, error=error))
    outputs = {**outcome.outputs, "pdf": docx.removesuffix(".docx") + ".pdf"}
    done = replace(outcome, outputs=outputs, pdf_font=converter.setup.font_name)
    return Rendered(done, item.docx, pdf)


def _converter(options: dict[str, Any]) -> Any:
    """The worker's warm converter: one per worker process, kept between batches."""
    from docgen.pdf.warm import shared_converter

    return shared_converter(options["font_dir"], options["pdf_timeout"])
