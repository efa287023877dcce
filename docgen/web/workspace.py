"""The web form's workspace: one flat folder of report files in the data format.

Every name a browser sends goes through `Workspace.path`, which refuses anything
but a plain file name of a data file directly inside the folder, so nothing is
read or written elsewhere. A save states the content hash of the file the form
was loaded from; when the file on disk no longer has it (another clerk, a
script), the save is refused and the file is left as it is. The check and the
write happen under a lock file beside the report (``.NAME.lock``), so two
``docgen serve`` on one folder cannot both pass the check and lose an edit.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from docgen.errors import ConflictError, DataError, Problem, WorkspaceError
from docgen.output import TEMP_PREFIX, atomic_write_bytes
from docgen.report.data import DATA_SUFFIXES, MAX_FILE_BYTES
from docgen.report.writing import leading_comments, serialize

__all__ = ["Snapshot", "Workspace", "digest_of", "leading_comments", "serialize"]
MAX_NAME_LENGTH = 200
#: How long a save waits for another process's save of the same file.
LOCK_SECONDS = 10
_FORBIDDEN_IN_NAME = re.compile(r"[/\\:\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Snapshot:
    """A file's text as read, and the hash a later save must still find on disk."""

    name: str
    text: str
    digest: str


def digest_of(raw: bytes) -> str:
    """The content hash that identifies one version of a file.

    >>> digest_of(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(raw).hexdigest()


#: The workspace's settings file (digits), beside its reports.
SETTINGS_NAME = ".docgen-settings.json"


class Workspace:
    """A folder of report files that the web form lists, opens and saves."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        self._lock = threading.Lock()  # one save at a time: check and write together

    def path(self, name: str) -> Path:
        """The file `name` inside the workspace; anything else is refused."""
        suffix = Path(name).suffix.lower()
        if (
            not name
            or len(name) > MAX_NAME_LENGTH
            or _FORBIDDEN_IN_NAME.search(name)
            or name.startswith(".")
            or suffix not in DATA_SUFFIXES
        ):
            raise WorkspaceError(
                f"“{name[:MAX_NAME_LENGTH]}” ไม่ใช่ชื่อไฟล์รายงานในโฟลเดอร์งาน "
                "(ต้องเป็นไฟล์ .yaml, .yml หรือ .json ที่อยู่ในโฟลเดอร์งานโดยตรง)"
            )
        path = self.root / name
        if path.resolve().parent != self.root:
            raise WorkspaceError(f"“{name}” ชี้ไปนอกโฟลเดอร์งาน จึงเปิดหรือบันทึกไม่ได้")
        return path

    @property
    def settings_path(self) -> Path:
        """The workspace's own settings (a hidden file: never listed as a report)."""
        return self.root / SETTINGS_NAME

    def digits(self) -> str:
        """The kind of digit this workspace's documents and figures use: arabic or thai."""
        try:
            value = json.loads(self.settings_path.read_text(encoding="utf-8")).get("digits")
        except (OSError, ValueError, AttributeError):
            return "arabic"
        return value if value in ("arabic", "thai") else "arabic"

    def set_digits(self, digits: str) -> None:
        """Remember the kind of digit for this workspace."""
        if digits not in ("arabic", "thai"):
            raise WorkspaceError("เลือกตัวเลขได้สองแบบ: อารบิก หรือ ไทย")
        data = json.dumps({"digits": digits}, ensure_ascii=False).encode("utf-8")
        atomic_write_bytes(self.settings_path, data + b"\n")

    def names(self) -> list[str]:
        """The report files of the workspace, by name."""
        if not self.root.is_dir():
            return []
        found = []
        for entry in self.root.iterdir():
            if entry.name.startswith((".", TEMP_PREFIX)):
                continue
            try:
                path = self.path(entry.name)
            except WorkspaceError:
                continue
            if path.is_file():
                found.append(entry.name)
        return sorted(found)

    def exists(self, name: str) -> bool:
        return self.path(name).exists()

    def read(self, name: str) -> Snapshot:
        """The file's text and hash; a missing, huge or non-UTF-8 file is refused."""
        path = self.path(name)
        if not path.is_file():
            raise WorkspaceError(f"ไม่พบไฟล์ “{name}” ในโฟลเดอร์งาน")
        raw = _read_bounded(path)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError(
                Problem("", f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8"),
                name,
            ) from None
        return Snapshot(name, text, digest_of(raw))

    def current_digest(self, name: str) -> str | None:
        """The hash of the file as it is on disk now; None when there is no such file."""
        path = self.path(name)
        if not path.exists():
            return None
        try:
            return digest_of(_read_bounded(path))
        except DataError:
            return "unreadable"

    def ensure_unchanged(self, name: str, base_digest: str | None) -> None:
        """Raise `ConflictError` unless the file is still the version the form loaded.

        `base_digest` is None for a new file, which must not exist yet.
        """
        if self.current_digest(name) == base_digest:
            return
        if base_digest is None:
            raise ConflictError(
                f"มีไฟล์ชื่อ “{name}” อยู่แล้วในโฟลเดอร์งาน จึงไม่ได้บันทึกทับ เปิดไฟล์นั้นจากหน้ารายการเพื่อแก้ไขแทน"
            )
        raise ConflictError(
            f"ไม่ได้บันทึก: ไฟล์ “{name}” ถูกแก้ไขหรือลบหลังจากที่คุณเปิดแบบฟอร์มนี้ "
            "(โดยผู้ใช้อื่นหรือโปรแกรม) ไฟล์บนดิสก์ยังเป็นฉบับนั้นอยู่ "
            "และข้อมูลที่คุณกรอกยังอยู่ในหน้านี้ เปิดไฟล์ฉบับล่าสุดในแท็บใหม่ "
            "แล้วนำการแก้ไขของคุณไปใส่อีกครั้ง"
        )

    def save(self, name: str, text: str, base_digest: str | None) -> Snapshot:
        """Write `text` atomically, only if the file is still the version the form loaded."""
        path = self.path(name)
        payload = text.encode("utf-8")
        lock = FileLock(path.with_name(f".{path.name}.lock"), timeout=LOCK_SECONDS)
        try:
            with self._lock, lock:
                self.ensure_unchanged(name, base_digest)
                atomic_write_bytes(path, payload)
        except Timeout:
            raise ConflictError(
                f"ไม่ได้บันทึก: ไฟล์ “{name}” กำลังถูกบันทึกโดยผู้ใช้อื่นนานเกินไป "
                "ข้อมูลที่คุณกรอกยังอยู่ในหน้านี้ ลองกดบันทึกอีกครั้ง"
            ) from None
        return Snapshot(name, text, digest_of(payload))


def _read_bounded(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError(
                Problem("", f"the file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes"),
                path.name,
            )
        return path.read_bytes()
    except OSError as exc:
        raise DataError(
            Problem("", f"cannot read the file: {exc.strerror or exc}"), path.name
        ) from None
