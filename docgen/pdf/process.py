"""Starting and stopping LibreOffice's processes: the one place that does it.

soffice starts soffice.bin, which outlives it; each process docgen starts gets
a process group of its own, so that stopping it stops everything it started
and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from docgen.errors import OutputError
from docgen.pdf.children import TIED, tied_to_this_process


def spawn(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    stdin: int | IO[Any] | None = subprocess.DEVNULL,
    stdout: int | IO[Any] | None = None,
    stderr: int | IO[Any] | None = subprocess.STDOUT,
    tied: bool = False,
) -> subprocess.Popen:
    """Start `cmd` in a process group of its own (see `kill_group`); `tied`: behind a
    guard that kills it and all it started when docgen dies, even by kill -9 (Linux)."""
    tied = tied and TIED
    try:
        proc = subprocess.Popen(
            tied_to_this_process(list(cmd)) if tied else list(cmd),
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,  # its own process group: we can kill it all
        )
    except OSError as exc:
        raise OutputError(f"cannot start {cmd[0]}: {exc}") from exc
    proc.docgen_tied = tied  # type: ignore[attr-defined]
    return proc


def kill_group(proc: subprocess.Popen, wait: float = 30) -> None:
    """Stop `proc` and every process it started (its group, made by `spawn`)."""
    if getattr(proc, "docgen_tied", False):  # the guard kills and reaps what it runs
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)
            return
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=wait)
