"""PDF copies of a batch's documents: by warm LibreOffices (one per job, kept for the
whole batch), or, where LibreOffice's Python bridge is missing, a chunk of documents
per LibreOffice process."""

from __future__ import annotations

import os
import queue
import shutil
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from docgen.batch.manifest import Manifest
from docgen.batch.progress import Progress
from docgen.batch.render import FAILED, WRITTEN, Outcome, Settings
from docgen.errors import DocgenError
from docgen.output import atomic_move, temp_name

#: Documents per LibreOffice process when converting to PDF.
PDF_CHUNK = 50


def convert_pdfs(
    wanted: list[Outcome],
    settings: Settings,
    manifest: Manifest,
    progress: Progress,
    stop: threading.Event,
    jobs: int,
    timeout: float,
    font_setup: Any,
    converters: Sequence[Any] | None = None,
) -> None:
    """PDF copies, `jobs` at a time: by `converters` (warm ones; None: one per job for
    this batch where the UNO bridge is there, chunks of documents per process where not;
    empty: chunks)."""

    from docgen.pdf.convert import convert_to_pdf
    from docgen.pdf.warm import WarmConverter, warm_available

    progress.start("PDFs", len(wanted))
    own: list[WarmConverter] = []
    if converters is None and warm_available():
        own = [WarmConverter(timeout=timeout, font_setup=font_setup) for _ in range(jobs)]
        converters = own
    idle: queue.SimpleQueue = queue.SimpleQueue()
    for converter in converters or ():
        idle.put(converter)

    def convert_warm(chunk: list[Outcome]) -> list[tuple[Outcome, Path | None, str, str]]:
        """(document, its PDF or None, why not, font), one document after another by a
        warm LibreOffice; each PDF is written beside its document."""
        converter = idle.get()
        try:
            made: list[tuple[Outcome, Path | None, str, str]] = []
            for outcome in chunk:
                if stop.is_set():
                    break
                source = settings.out_dir / outcome.outputs["docx"]
                result = converter.convert_file(source, source.with_suffix(".pdf"))
                made.append((outcome, result.pdf, result.error or "", result.font))
            return made
        except DocgenError as exc:  # LibreOffice cannot start
            return [(outcome, None, str(exc), "") for outcome in chunk]
        finally:
            idle.put(converter)

    def convert(number: int, chunk: list[Outcome]) -> list[tuple[Outcome, Path | None, str, str]]:
        """(document, its PDF or None, why not, font) for a chunk, in one LibreOffice process.

        LibreOffice gets the documents under numbered names in a folder of their own
        (linked, not copied), so that one chunk can take documents of the same name
        from many folders; each PDF is then moved beside its document."""
        if stop.is_set():
            return []
        if converters:
            return convert_warm(chunk)
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

    try:
        _collect(convert, wanted, settings, manifest, progress, jobs)
    finally:
        for converter in own:
            converter.close()
    progress.finish()


def _collect(convert, wanted, settings, manifest, progress, jobs) -> None:
    """Run `convert` over the chunks, `jobs` at a time; record each PDF as it comes."""
    from concurrent.futures import ThreadPoolExecutor

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
                manifest.change(replace(outcome, needs_pdf=False), was)
            progress.advance(len(pairs), failed)
            manifest.write_now_and_then()


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
