"""Writing documents so that a reader never sees half a file.

Every output goes to a temporary file in the destination folder and is renamed
over the final name, which is atomic on POSIX and Windows file systems: a
reader, or a run that is killed, sees the old file or the new one, never a
mixture. A killed run leaves only temporary files (``.docgen-tmp-*``), named
after the machine and process that wrote them; the next run removes those of
processes that are gone.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import re
import secrets
import shutil
import socket
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from docgen.errors import OutputError

#: Prefix of the temporary files docgen writes; a killed run leaves only these.
TEMP_PREFIX = ".docgen-tmp-"
#: A temporary file this old is stale whoever wrote it (a process id may be reused).
STALE_AFTER_SECONDS = 24 * 60 * 60
#: Longest code part of a file name in UTF-8 bytes (file systems allow 255 per name).
NAME_PART_BYTES = 120

_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in [*range(1, 10), "¹", "²", "³"]),
    *(f"LPT{i}" for i in [*range(1, 10), "¹", "²", "³"]),
}
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-")


@functools.cache
def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def temp_name(label: str = "") -> str:
    """A fresh name for a temporary file or folder, naming this machine and process
    (so that `clean_stale_temp_files` knows whether its writer is gone)."""
    return f"{TEMP_PREFIX}{_host_tag()}-{os.getpid()}-{label or secrets.token_hex(6)}"


def temp_path(final: Path) -> Path:
    """A fresh temporary name beside `final`."""
    return final.with_name(temp_name() + final.suffix)


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); folders cannot be opened on Windows."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(
    path: str | Path, data: bytes | Iterable[bytes], *, fsync: bool = True
) -> Path:
    """Write `data` (bytes, or pieces of them) to `path` through a temporary file in
    the same folder and a rename.

    The rename alone means no reader and no interrupted run ever sees half a
    file. `fsync` also waits until the bytes are on the disk before the rename,
    which survives a power cut but costs a disk flush per file (a caller writing
    many files may sync once instead). The temporary file is created with the
    usual permissions (the umask applies) and removed if anything goes wrong.
    """
    path = Path(path)
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        tmp = temp_path(path)
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileNotFoundError:  # the folder is made for the first file written to it
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, flags, 0o666)
        try:
            try:
                pieces = [data] if isinstance(data, bytes | bytearray | memoryview) else data
                for piece in pieces:
                    _write_all(fd, piece)
                if fsync:
                    os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        if fsync:
            _fsync_folder(path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def _write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    """Write all of `data` to a file descriptor (no file object: three system calls
    fewer for every document)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_file(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            os.fsync(fh.fileno())
    except OSError:
        pass  # the rename below reports a file that cannot be moved


def atomic_move(src: str | Path, dest: str | Path) -> Path:
    """Move a finished file into place by a rename (flushed to disk first);
    across devices, by a copy through a temporary file beside `dest`."""
    src, dest = Path(src), Path(dest)
    _fsync_file(src)
    try:
        os.replace(src, dest)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise OutputError(f"cannot write {dest}: {exc.strerror or exc}") from exc
        try:
            data = src.read_bytes()
        except OSError as read_exc:
            raise OutputError(f"cannot read {src}: {read_exc.strerror or read_exc}") from exc
        atomic_write_bytes(dest, data)
        src.unlink(missing_ok=True)
    else:
        _fsync_folder(dest.parent)
    return dest


def process_alive(pid: int) -> bool:
    """Whether a process of this machine still runs (unknown counts as alive)."""
    if os.name != "posix":
        return True  # os.kill(pid, 0) would stop the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return not _ended(pid)


def _ended(pid: int) -> bool:
    """A process that has ended but was not yet waited for (a zombie), where /proc tells."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] in (["Z"], ["X"])


def is_stale(temp: Path, now: float | None = None) -> bool:
    """A temporary file whose writer is gone: a process of this machine that no
    longer runs, an unknown writer, or any writer a day ago."""
    match = _TEMP_NAME.match(temp.name)
    try:
        age = (now if now is not None else time.time()) - temp.stat().st_mtime
    except OSError:
        return False
    if age > STALE_AFTER_SECONDS or match is None:
        return True
    if match.group("host") != _host_tag():
        return False  # another machine writing into a shared folder; wait for the age limit
    pid = int(match.group("pid"))
    return pid != os.getpid() and not process_alive(pid)


def clean_stale_temp_files(folder: str | Path, *, recursive: bool = False) -> list[Path]:
    """Remove the temporary files and folders a killed run left in `folder` (and below).

    Those of a run still writing (this process, or another one on this machine)
    are kept, so two runs may share an output folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    pattern = TEMP_PREFIX + "*"
    for stale in list(folder.rglob(pattern) if recursive else folder.glob(pattern)):
        if not is_stale(stale):
            continue
        try:
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale)
            else:
                stale.unlink()
            removed.append(stale)
        except OSError:
            pass
    return removed


def prepare_out_dir(folder: str | Path) -> Path:
    """Create the output folder if needed and clear what a killed run left in it."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {folder}: {exc.strerror or exc}"
        ) from exc
    if not folder.is_dir():
        raise OutputError(f"the output folder {folder} is not a folder")
    clean_stale_temp_files(folder)
    return folder


def output_path(folder: str | Path, name: str) -> Path:
    """``folder / name``, refused unless `name` is a plain file name inside `folder`.

    >>> output_path("out", "2550-r12-3.2.docx").as_posix()
    'out/2550-r12-3.2.docx'
    """
    folder = Path(folder)
    plain = name not in ("", ".", "..") and not any(sep in name for sep in ("/", "\\", "\0"))
    if not plain or Path(name).is_absolute() or Path(name).name != name:
        raise OutputError(f"refusing to write {name!r}: not a plain file name inside {folder}")
    return folder / name


def safe_name_part(text: str) -> str:
    """A piece of a file name that cannot leave its folder or name a device.

    >>> safe_name_part("3.2")
    '3.2'
    >>> safe_name_part("../../etc/x")
    'etc_x'
    >>> safe_name_part("CON")
    '_CON'
    >>> len(safe_name_part("ก" * 200).encode())  # file names are limited in bytes
    120
    """
    text = unicodedata.normalize("NFC", text)
    cleaned = _UNSAFE.sub("_", text).strip("._")
    cleaned = re.sub(r"_+", "_", cleaned)
    if cleaned.split(".")[0].upper() in _WINDOWS_RESERVED:
        cleaned = "_" + cleaned
    return cleaned[:80].encode("utf-8")[:NAME_PART_BYTES].decode("utf-8", "ignore").rstrip("._")


def document_name(fiscal_year: int, round_months: int, code: str, suffix: str = ".docx") -> str:
    """File name of one indicator's report, e.g. ``2550-r12-3.2.docx``.

    >>> document_name(2550, 12, "3.2")
    '2550-r12-3.2.docx'
    """
    part = safe_name_part(code) or "indicator"
    return f"{fiscal_year}-r{round_months}-{part}{suffix}"
