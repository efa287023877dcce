"""``--resume``: the documents an earlier run wrote that still stand, decided from its
manifest and the file system without reading a single input.

Why: reading every input again to learn its output names cost as much as
rendering, and comparing file times alone missed what changes a document
besides its data: another template, other template bytes, Thai digits. An
earlier document is kept only when the manifest was written for the same
template bytes and options (`fingerprint`), its input has the size and
modification time the manifest recorded, and its files are still there.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen import __version__

#: The manifest's key for the fingerprint of what shaped its documents.
FINGERPRINT_KEY = "fingerprint"
_KEPT = ("written", "skipped")


def fingerprint(template_path: Path, digits: str) -> str:
    """What, besides its data, decides a document's bytes: docgen's version, the
    template's path and bytes, and the options (digits)."""
    digest = hashlib.sha256()
    options = {"docgen": __version__, "template": str(template_path), "digits": digits}
    digest.update(json.dumps(options, sort_keys=True).encode("utf-8"))
    with template_path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def source_of(path: str | None, text: str | None = None) -> dict[str, Any] | None:
    """What the manifest records of an input to know it again: a file's size and
    modification time, a JSON line's digest."""
    if text is not None:
        return {"sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()}
    try:
        status = os.stat(path or "")
    except OSError:
        return None
    return {"bytes": status.st_size, "mtime_ns": status.st_mtime_ns}


def identity(source: dict[str, Any] | None, input_name: str) -> str | None:
    """The key an input's documents are found under in the next run."""
    if source is None:
        return None
    return f"line {source['sha256']}" if "sha256" in source else f"file {input_name}"


@dataclass(frozen=True)
class Earlier:
    """An input's documents in an earlier run: its recorded size and time, and the
    manifest entries of its documents in order."""

    source: dict[str, Any]
    entries: tuple[dict[str, Any], ...]

    def still_stands(self, out_dir: Path, source: dict[str, Any] | None) -> bool:
        """The input is unchanged and every document it gave is still in the folder."""
        if source != self.source:
            return False
        return all((out_dir / entry["outputs"]["docx"]).is_file() for entry in self.entries)


def earlier_documents(manifest: Path, wanted: str) -> dict[str, Earlier]:
    """The inputs whose documents an earlier run left, by `identity`; empty when
    that run's fingerprint is not `wanted` (or there is no readable manifest)."""
    try:
        head = json.loads(manifest.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(head, dict) or head.get(FINGERPRINT_KEY) != wanted:
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    record_of: dict[str, tuple[Any, Any]] = {}
    refused: set[str] = set()
    for entry in head.get("documents", []):
        key = identity(entry.get("source"), entry.get("input", ""))
        if key is None:
            continue
        record = (entry.get("input"), entry.get("line"))
        if record_of.setdefault(key, record) != record:
            refused.add(key)  # the same line twice: which documents are whose is unknown
        if entry.get("status") in _KEPT and entry.get("outputs", {}).get("docx"):
            found.setdefault(key, []).append(entry)
        else:
            refused.add(key)  # one document failed: the input is read again
    return {
        key: Earlier(entries[0]["source"], tuple(entries))
        for key, entries in found.items()
        if key not in refused
    }
