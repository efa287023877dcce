"""Two reports of one batch that give one file: both fail, and the file stays as the
run found it.

Worker processes claim each output name before writing (`docgen.batch.render.claim`),
so the second report never writes. The main process names the pair, and when the
batch ends (`Claims.settle`) puts every file that waited beside its output into
place (`docgen.batch.render.put_down`), drops the waiting files of reports that
turned out to conflict, and removes the new files this run wrote for them. What
an earlier run left under a conflicted name is never touched.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from docgen.batch.manifest import Manifest
from docgen.batch.render import CONFLICT, FAILED, WRITTEN, Outcome


class Claims:
    """The main process's record of output names: who gave each first, which files
    wait to be moved into place, and which must go when the batch ends."""

    def __init__(self, out_dir: Path, manifest: Manifest) -> None:
        self.out_dir = out_dir
        self.manifest = manifest
        self.first: dict[str, tuple[int, int]] = {}  # output (case-folded) -> document
        # document -> its files that wait to be moved into place: kind -> (file, place)
        self.waiting: dict[tuple[int, int], dict[str, tuple[str, str]]] = {}
        self.unwanted: list[str] = []  # files of this run to remove at the end
        self.withdrawn: set[tuple[int, int]] = set()  # documents that lost their files

    def check(self, outcome: Outcome) -> Outcome:
        """The outcome as it stands once its output name is checked against the others
        of the batch; the other report of a conflict is changed in the manifest."""
        if outcome.status == FAILED and _kind(outcome) != CONFLICT:
            return outcome
        name = outcome.outputs["docx"].casefold()
        first_key = self.first.setdefault(name, outcome.key)
        if first_key == outcome.key:
            if outcome.waiting:
                self.waiting[outcome.key] = {
                    kind: (file, outcome.outputs[kind]) for kind, file in outcome.waiting.items()
                }
            return outcome
        first = self.manifest.find(first_key)
        # Named in input order, not in the order workers happened to finish.
        if first is None:
            pair = ["another report", _where(outcome)]
        else:
            pair = [_where(o) for o in sorted([first, outcome], key=_input_order)]
        message = (
            f"{pair[0]} and {pair[1]} both give {outcome.outputs['docx']}; "
            "give each report its own code, round or folder"
        )
        error = {"kind": CONFLICT, "message": message}
        if first is not None and (first.status != FAILED or _kind(first) == CONFLICT):
            waiting = {kind: file for kind, (file, _) in self.waiting.pop(first_key, {}).items()}
            self._withdraw(first, waiting)
            self.manifest.change(replace(first, status=FAILED, error=error), first.status)
        self._withdraw(outcome, outcome.waiting)
        return replace(outcome, status=FAILED, error=error, needs_pdf=False, waiting={})

    def _withdraw(self, outcome: Outcome, waiting: dict[str, str]) -> None:
        """A conflicted document's files are removed at the end: those waiting, and the
        new ones it wrote in place (nothing was there before: `put_down`)."""
        self.withdrawn.add(outcome.key)
        for kind, target in outcome.outputs.items():
            if kind in waiting:
                self.unwanted.append(waiting[kind])
            elif outcome.status == WRITTEN:
                self.unwanted.append(target)

    def settle(self) -> None:
        """Move the waiting files into place and remove the unwanted ones; a document
        whose file cannot be moved fails in the manifest."""
        for key, waiting in self.waiting.items():
            try:
                for file, target in waiting.values():
                    os.replace(self.out_dir / file, self.out_dir / target)
            except OSError as exc:
                self._not_placed(key, exc)
                self.unwanted += [file for file, _ in waiting.values()]
            else:
                self.manifest.place(key)
        self.waiting.clear()
        for name in self.unwanted:
            (self.out_dir / name).unlink(missing_ok=True)
        self.unwanted.clear()

    def _not_placed(self, key: tuple[int, int], exc: OSError) -> None:
        outcome = self.manifest.find(key)
        assert outcome is not None  # every waiting document was recorded
        target = outcome.outputs["docx"]
        error = {"kind": "output", "message": f"cannot write {target}: {exc.strerror or exc}"}
        self.manifest.change(replace(outcome, status=FAILED, error=error), outcome.status)
        self.withdrawn.add(key)


def _kind(outcome: Outcome) -> str | None:
    return outcome.error.get("kind") if outcome.error else None


def _input_order(outcome: Outcome) -> tuple[str, int]:
    return (outcome.input or "", outcome.line or 0)


def _where(outcome: Outcome) -> str:
    return f"stdin line {outcome.line}" if outcome.line is not None else outcome.input
