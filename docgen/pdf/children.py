"""LibreOffice processes that end with docgen, and work folders of runs that ended.

A kill -9 of docgen cannot be caught, so docgen cannot kill LibreOffice then.
Linux can: `tied_to_this_process` runs a command behind a small guard process
that asks the kernel (``prctl(PR_SET_PDEATHSIG)``) for SIGTERM when docgen
dies, and then kills its whole process group, soffice.bin included (the
kernel's signal alone would reach only the direct child, and soffice's
launcher leaves soffice.bin behind when it is killed). Each conversion works
in ``$TMPDIR/docgen-pdf-<pid>-*``; `clean_dead_work_dirs` removes those whose
process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from docgen.output import STALE_AFTER_SECONDS, process_alive

WORK_PREFIX = "docgen-pdf-"
#: Whether commands are run behind the guard (prctl is Linux's).
TIED = sys.platform.startswith("linux")
_WORK_NAME = re.compile(re.escape(WORK_PREFIX) + r"(?P<pid>\d+)-")

# The guard: soffice runs in a process group of its own; the guard adopts its orphans
# (PR_SET_CHILD_SUBREAPER) and, on SIGTERM (sent by the kernel when docgen dies, or by
# `stop`), kills that group and reaps every process of it before it exits.
_GUARD = """
import ctypes, os, signal, sys
prctl = ctypes.CDLL(None, use_errno=True).prctl
prctl(36, 1, 0, 0, 0)
child = os.fork()
if child == 0:
    os.setpgid(0, 0)
    os.execvp(sys.argv[2], sys.argv[2:])
try:
    os.setpgid(child, child)  # here too: the group exists before anyone kills it
except OSError:
    pass
def end(*_, code=137):
    try:
        os.killpg(child, signal.SIGKILL)
    except OSError:
        pass
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(code)
signal.signal(signal.SIGTERM, end)
prctl(1, signal.SIGTERM, 0, 0, 0)
if os.getppid() != int(sys.argv[1]):
    end()
end(code=os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]))
"""


def tied_to_this_process(command: list[str]) -> list[str]:
    """`command` run so that it and its children die with this process (Linux).

    SIGTERM to the guard kills and reaps everything the command started
    (`docgen.pdf.process.kill_group`). Elsewhere `command` is returned as it is.
    """
    if not TIED:
        return command
    return [sys.executable, "-I", "-S", "-c", _GUARD, str(os.getpid()), *command]


def work_dir() -> tempfile.TemporaryDirectory:
    """A fresh work folder named after this process, removed when the block ends."""
    return tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{os.getpid()}-")


def _is_dead_work_dir(path: Path, now: float) -> bool:
    match = _WORK_NAME.match(path.name)
    try:
        status = path.lstat()
    except OSError:
        return False
    if status.st_uid != os.getuid() or not path.is_dir() or path.is_symlink():
        return False
    if match is None:  # a folder of an older docgen: gone after a day
        return now - status.st_mtime > STALE_AFTER_SECONDS
    pid = int(match.group("pid"))
    return pid != os.getpid() and not process_alive(pid)


def clean_dead_work_dirs() -> list[Path]:
    """Remove the PDF work folders (profiles, copies) of docgen runs no longer running."""
    removed = []
    now = time.time()
    for path in Path(tempfile.gettempdir()).glob(WORK_PREFIX + "*"):
        if _is_dead_work_dir(path, now):
            with contextlib.suppress(OSError):
                shutil.rmtree(path)
                removed.append(path)
    return removed
