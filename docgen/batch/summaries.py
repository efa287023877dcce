"""`docgen batch --summary`: one summary per (organization, fiscal year, round) group.

Runs in the main process after the documents: each record is read again (a few
milliseconds; the workers keep no data), the valid ones are grouped, and each group's
summary is rendered and written atomically. A record that failed is left out of its
group; the manifest lists every summary with its composite.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docgen.batch.inputs import Record
from docgen.batch.render import FAILED, WRITTEN, load_record
from docgen.engine.template import Template
from docgen.errors import DocgenError, TemplateError
from docgen.numbers import format_score
from docgen.output import atomic_write_bytes
from docgen.report.context import summary_context
from docgen.report.groups import group_reports


def write_summaries(records: Iterable[Record], template: Template, out_dir: Path) -> list[dict]:
    """Write each group's summary into `out_dir`; return the manifest's entries."""
    loaded = []
    for record in records:
        try:
            loaded.append((record.name, load_record(record, template.limits)))
        except DocgenError:
            continue  # already a failed document in the manifest
    entries = []
    for group in group_reports(loaded):
        name = group.summary_name()
        score = group.score()
        entry: dict[str, Any] = {
            "organization": group.organization or None,
            "fiscal_year": group.fiscal_year,
            "round": group.round,
            "inputs": group.sources,
            "indicators": len(score.scores),
            "total_weight": format_score(score.total_weight),
            "composite": None if score.composite is None else format_score(score.composite, 4),
            "composite_note": score.composite_note or None,
            "status": WRITTEN,
            "outputs": {"docx": name},
        }
        try:
            payload = template.render(summary_context(group.merged(), score))
            atomic_write_bytes(out_dir / name, payload, fsync=False)
        except TemplateError as exc:
            entry |= {
                "status": FAILED,
                "outputs": {},
                "error": {"kind": "template", "message": str(exc)},
            }
        except DocgenError as exc:
            entry |= {
                "status": FAILED,
                "outputs": {},
                "error": {"kind": "output", "message": str(exc)},
            }
        entries.append(entry)
    return entries


def convert_summary_pdfs(entries: list[dict], out_dir: Path, font_dir: str | Path | None) -> None:
    """PDF copies of the summaries written (one LibreOffice run); a failure is recorded."""
    from docgen.pdf.convert import convert_to_pdf

    written = [e for e in entries if e["status"] == WRITTEN]
    if not written:
        return
    results = convert_to_pdf(
        [out_dir / e["outputs"]["docx"] for e in written], out_dir, font_dir=font_dir
    )
    for entry, result in zip(written, results, strict=True):
        if result.error:
            entry |= {"status": FAILED, "error": {"kind": "pdf", "message": result.error}}
        else:
            entry["outputs"]["pdf"] = result.pdf.name
