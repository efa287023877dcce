"""Writing documents so that a reader never sees half a file.

Every output goes to a temporary file in the destination folder and is renamed
over the final name, which is atomic on POSIX and Windows file systems.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError

#: Prefix of the temporary files docgen writes; a killed run leaves only these.
TEMP_PREFIX = ".docgen-tmp-"

_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def atomic_write_bytes(
    path: str | Path, data: bytes | Iterable[bytes], *, fsync: bool = True
) -> Path:
    """Write `data` (bytes, or pieces of them) to `path` through a temporary file and a rename.

    The rename alone means no reader and no interrupted run ever sees half a
    file. `fsync` also waits until the bytes are on the disk, which survives a
    power cut but costs a disk flush per file; a batch passes False and syncs
    once before it records what it wrote.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=path.suffix, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                if isinstance(data, bytes | bytearray | memoryview):
                    fh.write(data)
                else:
                    fh.writelines(data)
                if fsync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def atomic_move(src: str | Path, dest: str | Path) -> Path:
    """Move a finished file into place; copies through a temp file across devices."""
    src, dest = Path(src), Path(dest)
    try:
        os.replace(src, dest)
    except OSError:
        atomic_write_bytes(dest, src.read_bytes())
        src.unlink(missing_ok=True)
    return dest


def clean_stale_temp_files(folder: str | Path) -> list[Path]:
    """Remove temporary files a killed run left behind in `folder`."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    for stale in folder.glob(TEMP_PREFIX + "*"):
        try:
            stale.unlink()
            removed.append(stale)
        except OSError:
            pass
    return removed


def safe_name_part(text: str) -> str:
    """A piece of a file name that cannot leave its folder or name a device.

    >>> safe_name_part("3.2")
    '3.2'
    >>> safe_name_part("../../etc/x")
    'etc_x'
    >>> safe_name_part("CON")
    '_CON'
    """
    text = unicodedata.normalize("NFC", text)
    cleaned = _UNSAFE.sub("_", text).strip("._")
    cleaned = re.sub(r"_+", "_", cleaned)
    if cleaned.split(".")[0].upper() in _WINDOWS_RESERVED:
        cleaned = "_" + cleaned
    return cleaned[:80]


def document_name(fiscal_year: int, round_months: int, code: str, suffix: str = ".docx") -> str:
    """File name of one indicator's report, e.g. ``2550-r12-3.2.docx``.

    >>> document_name(2550, 12, "3.2")
    '2550-r12-3.2.docx'
    """
    part = safe_name_part(code) or "indicator"
    return f"{fiscal_year}-r{round_months}-{part}{suffix}"
