"""One record rendered into its documents, each with an outcome for the manifest.

Runs in a worker process (or in the main one with one job); a problem of the
record never raises, it becomes a failed outcome."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from docgen.api import output_names
from docgen.batch.inputs import Record
from docgen.batch.resume import Earlier, identity, source_of
from docgen.engine.template import Template
from docgen.errors import DataError, DocgenError, TemplateError
from docgen.limits import Limits
from docgen.numbers import format_score
from docgen.output import atomic_write_bytes
from docgen.report import data as data_module
from docgen.report.context import indicator_context
from docgen.report.scoring import score_indicator

WRITTEN, SKIPPED, FAILED = "written", "skipped", "failed"


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
    source: dict[str, Any] | None = None  # how `--resume` knows the input again
    # not in the manifest: kind -> the file waiting beside its output (`put_down`)
    waiting: dict[str, str] = field(default_factory=dict)

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
        if self.source is not None:
            entry["source"] = self.source
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
            source=entry.get("source"),
        )


@dataclass(frozen=True)
class Settings:
    """What every worker needs to know besides its records."""

    template: Template
    out_dir: Path
    resume: bool = False
    pdf: bool = False
    earlier: dict[str, Earlier] = field(default_factory=dict)  # `--resume`: what still stands
    claims: Path | None = None  # this run's claims of output names (see `claim`)
    wait_prefix: str | None = None  # names of files waiting to replace others (`put_down`)


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


def failure(record: Record, error: dict[str, Any]) -> Outcome:
    """The one outcome of a record that yields no document."""
    return Outcome(record.index, 0, record.input, record.line, None, FAILED, error=error)


def load_record(record: Record, limits: Limits):
    """The record's report, validated (a `DataError` names the file and field)."""
    if record.text is not None:
        return data_module.loads(record.text, "json", record.name, limits)
    return data_module.load(record.input, limits)


def claim(settings: Settings, relative: str) -> bool:
    """Whether this document may write `relative`: the first of the run to ask does.

    Why: two reports of one batch that give the same file must not write it in
    turn; the second would replace the first, or a document an earlier run left.
    The claim is an empty file made exclusively in a folder of this run, so
    worker processes agree without asking the main one."""
    if settings.claims is None:
        return True
    token = hashlib.sha256(relative.casefold().encode("utf-8", "surrogatepass")).hexdigest()
    try:
        os.close(os.open(settings.claims / token, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def put_down(settings: Settings, relative: str, payload: bytes) -> str | None:
    """Write a claimed file; return the name it waits under, if any.

    Why: only when every report has been read is it known that no other report
    of the batch gives the same file, and a conflict must leave the file as the
    run found it. A file that would replace one already there is therefore
    written beside it under a temporary name and moved into place when the
    batch ends (`docgen.batch.conflicts`); a new file is written at once.
    """
    target = settings.out_dir / relative
    if settings.wait_prefix is None or not os.path.lexists(target):
        atomic_write_bytes(target, payload, fsync=False)
        return None
    waiting = f"{settings.wait_prefix}{secrets.token_hex(6)}{target.suffix}"
    atomic_write_bytes(target.with_name(waiting), payload, fsync=False)
    return PurePosixPath(relative).with_name(waiting).as_posix()


#: The error of a document whose file another report of the batch claimed first;
#: the main process names both (`docgen.batch.run`).
CONFLICT = "conflict"


def _conflict(outcome: Outcome) -> Outcome:
    error = {
        "kind": CONFLICT,
        "message": f"another report of this batch gives {outcome.outputs['docx']}",
    }
    return replace(outcome, status=FAILED, error=error, needs_pdf=False)


def _still_standing(
    record: Record, settings: Settings, source: dict[str, Any] | None
) -> list[Outcome] | None:
    """`--resume`: the documents an earlier run made of this unchanged input, when all
    are still there; decided without reading the input."""
    key = identity(source, record.input)
    earlier = settings.earlier.get(key) if key is not None else None
    if earlier is None or not earlier.still_stands(settings.out_dir, source):
        return None
    outcomes = []
    for position, entry in enumerate(earlier.entries):
        outputs = {"docx": entry["outputs"]["docx"]}
        pdf = entry["outputs"].get("pdf")
        pdf_fresh = settings.pdf and pdf is not None and (settings.out_dir / pdf).is_file()
        if pdf_fresh:
            outputs["pdf"] = pdf
        outcome = Outcome(
            record.index,
            position,
            record.input,
            record.line,
            entry.get("indicator"),
            SKIPPED,
            outputs,
            entry.get("score"),
            entry.get("weighted_score"),
            needs_pdf=settings.pdf and not pdf_fresh,
            pdf_font=entry.get("pdf_font") if pdf_fresh else None,
            source=source,
        )
        outcomes.append(outcome if claim(settings, outputs["docx"]) else _conflict(outcome))
    return outcomes


#: Reads a record's data: (record, limits) -> Report.
Loader = Callable[[Record, Limits], Any]
#: Keeps a rendered document: (path relative to the output folder, its bytes).
Writer = Callable[[str, bytes], None]


def render_record(
    record: Record, settings: Settings, *, load: Loader | None = None, write: Writer | None = None
) -> list[Outcome]:
    """Load, validate, score and render one record; write its documents.

    Never raises for a problem of the record: it becomes a failed outcome. A cluster
    worker gives `load` (the data came with the task) and `write` (the bytes go back
    to the client, which writes them).
    """
    source = source_of(record.input, record.text)
    if settings.resume:
        standing = _still_standing(record, settings, source)
        if standing is not None:
            return standing
    try:
        # the limits travel with the template
        report = (load or load_record)(record, settings.template.limits)
        names = output_names(report)
    except DataError as exc:
        return [failure(record, _data_error(exc if exc.file else exc.with_file(record.name)))]
    except DocgenError as exc:
        return [failure(record, {"kind": "data", "message": f"{record.name}: {exc}"})]
    outcomes = []
    for position, (indicator, name) in enumerate(zip(report.all_indicators, names, strict=True)):
        relative = f"{record.folder}/{name}" if record.folder else name
        score = score_indicator(indicator)
        outcome = Outcome(
            record.index,
            position,
            record.input,
            record.line,
            indicator.code,
            WRITTEN,
            {"docx": relative},
            None if score.score is None else format_score(score.score),
            None if score.weighted is None else format_score(score.weighted),
            needs_pdf=settings.pdf,
            source=source,
        )
        if not claim(settings, relative):
            outcomes.append(_conflict(outcome))
            continue
        try:
            payload = settings.template.render(indicator_context(report, indicator, score))
            if write is None:
                waiting = put_down(settings, relative, payload)
                if waiting is not None:
                    outcome = replace(outcome, waiting={"docx": waiting})
            else:
                write(relative, payload)
        except TemplateError as exc:
            outcomes.append(
                replace(outcome, status=FAILED, error=_template_error(exc), needs_pdf=False)
            )
            continue
        except DocgenError as exc:
            error = {"kind": "output", "message": str(exc)}
            outcomes.append(replace(outcome, status=FAILED, error=error, needs_pdf=False))
            continue
        outcomes.append(outcome)
    return outcomes


def render_safely(
    record: Record, settings: Settings, *, load: Loader | None = None, write: Writer | None = None
) -> list[Outcome]:
    """`render_record`, with a bug in docgen reported as that record's failure."""
    try:
        return render_record(record, settings, load=load, write=write)
    except Exception as exc:  # a bug must not cost the other records their documents
        message = f"{record.name}: internal error, please report it: {type(exc).__name__}: {exc}"
        return [failure(record, {"kind": "internal", "message": message})]
