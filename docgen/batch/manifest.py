"""``manifest.json``: what became of every document of a batch, rewritten as it goes."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docgen import __version__
from docgen.batch.render import FAILED, SKIPPED, WRITTEN, Outcome
from docgen.output import atomic_write_bytes

#: The manifest's file name in the output folder.
MANIFEST_NAME = "manifest.json"
#: Version of the manifest's layout.
MANIFEST_VERSION = 1
#: Seconds between two rewrites of the manifest while a batch runs.
MANIFEST_INTERVAL = 5.0
#: Failures kept in memory for the summary (all of them are in the manifest).
SHOWN_FAILURES = 20


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

    def __init__(
        self,
        out_dir: Path,
        template: Path,
        options: dict[str, Any],
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.path = out_dir / MANIFEST_NAME
        self.head = {
            "manifest_version": MANIFEST_VERSION,
            "docgen": __version__,
            "template": str(template),
            "options": options,
            **(extra or {}),
            "started": _now(),
        }
        self._lines = bytearray(b"\n")  # "\n<record> <position> <json>" per document
        self._waiting: dict[int, list[Outcome]] = {}
        self._next = 0  # the record whose documents come next in `_lines`
        self._changed: dict[tuple[int, int], Outcome] = {}
        self._waiting_files: set[tuple[int, int]] = set()  # written, not yet in place
        self.counts = {WRITTEN: 0, SKIPPED: 0, FAILED: 0}
        self._failures: list[tuple[tuple[int, int], dict[str, Any]]] = []
        self.last_write = 0.0
        #: `--summary`: one entry per (organization, fiscal year, round) summary written.
        self.summaries: list[dict[str, Any]] | None = None

    @property
    def documents(self) -> int:
        return sum(self.counts.values())

    def add(self, record: int, outcomes: list[Outcome]) -> None:
        """The documents of one record, which may finish in any order."""
        for outcome in outcomes:
            self.counts[outcome.status] += 1
            self._note_failure(outcome)
            if outcome.waiting:
                self._waiting_files.add(outcome.key)
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
        self._waiting_files.discard(outcome.key)
        waiting = self._waiting.get(outcome.record)
        if waiting is not None:
            self._waiting[outcome.record] = [
                outcome if other.key == outcome.key else other for other in waiting
            ]
        else:
            self._changed[outcome.key] = outcome

    def place(self, key: tuple[int, int]) -> None:
        """A written document's files are in place (`docgen.batch.conflicts`)."""
        self._waiting_files.discard(key)

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
            self._failures = [f for f in self._failures if f[0] != outcome.key]  # changed
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
            key = (int(record), int(position))
            changed = self._changed.get(key)
            yield self._shown(key, _encoded(changed) if changed is not None else entry)
            start = end + 1
        for record in sorted(self._waiting):  # after an interruption: gaps before them
            for outcome in self._waiting[record]:
                yield self._shown(outcome.key, _encoded(outcome))

    def _shown(self, key: tuple[int, int], entry: bytes) -> bytes:
        """A document whose file waits to be moved into place is `waiting`, not
        `written`, until it is: a killed batch's manifest must not say the file is there
        (`--resume` keeps only what is)."""
        if key in self._waiting_files:
            return entry.replace(b'"status": "written"', b'"status": "waiting"', 1)
        return entry

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
        yield b"\n ]" if separator != b"\n  " else b"]"
        if self.summaries is not None:
            items = ",\n  ".join(json.dumps(s, ensure_ascii=False) for s in self.summaries)
            yield f',\n "summaries": [\n  {items}\n ]'.encode() if items else b',\n "summaries": []'
        yield b"\n}\n"

    def write(self, status: str) -> None:
        """Replace the manifest file; `status` is running, complete or interrupted."""
        _sync_to_disk()
        atomic_write_bytes(self.path, self._chunks(status))
        self.last_write = time.monotonic()

    def write_now_and_then(self) -> None:
        if time.monotonic() - self.last_write >= MANIFEST_INTERVAL:
            self.write("running")
