"""What a batch renders: data files found in folders, or JSON lines on standard input."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from docgen.errors import UsageError
from docgen.report.data import DATA_SUFFIXES

#: Stands for standard input among the inputs (one JSON report per line).
STDIN = "-"


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
