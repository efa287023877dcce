"""A warm converter: one LibreOffice started once and kept for many PDFs.

Starting LibreOffice costs more than converting a report, so a web server, a
long batch or a cluster worker keeps one office running and hands it document
after document through LibreOffice's UNO bridge (see :mod:`docgen.pdf.uno_bridge`).
A document that takes longer than `timeout` gets the office killed and fails
alone; an office that dies (crash, out of memory, killed) is started again and
the document it was converting is tried once more on the fresh one. The office
has its own throw-away profile and the font setup of :mod:`docgen.pdf.fonts`,
as in :func:`docgen.pdf.convert.convert_to_pdf`.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docgen.errors import OutputError
from docgen.output import atomic_move
from docgen.pdf.convert import (
    PdfResult,
    check_docx,
    find_soffice,
    is_complete_pdf,
    office_environment,
    soffice_command,
)
from docgen.pdf.fonts import FontSetup, prepare_pdf_fonts
from docgen.pdf.process import kill_group, spawn

#: Environment variable naming a Python that can `import uno`.
UNO_PYTHON_ENV = "DOCGEN_UNO_PYTHON"
UNO_HINT = "sudo apt-get install python3-uno"
#: Seconds LibreOffice may take to start and accept the bridge.
START_TIMEOUT = 60.0
#: Documents before the office is started afresh (keeps its memory in bounds).
MAX_DOCUMENTS = 1000

_BRIDGE = Path(__file__).with_name("uno_bridge.py")


@functools.lru_cache(maxsize=8)
def _has_uno(python: str) -> bool:
    try:
        proc = subprocess.run(
            [python, "-c", "import uno"], capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def find_uno_python(soffice: Path | None = None) -> Path:
    """A Python with LibreOffice's `uno`: $DOCGEN_UNO_PYTHON, LibreOffice's own, or the
    system's python3 (Debian: python3-uno)."""
    configured = os.environ.get(UNO_PYTHON_ENV)
    if configured:
        if _has_uno(configured):
            return Path(configured)
        raise OutputError(f"{UNO_PYTHON_ENV}={configured} cannot import uno")
    program = (soffice or find_soffice()).resolve().parent
    candidates = [program / "python", program / "python.exe", Path("/usr/bin/python3")]
    which = shutil.which("python3")
    candidates += [Path(which)] if which else []
    for candidate in candidates:
        if candidate.is_file() and _has_uno(str(candidate)):
            return candidate
    raise OutputError(
        "the warm PDF converter needs LibreOffice's Python bridge (uno); "
        f"install it with: {UNO_HINT} (or set {UNO_PYTHON_ENV})"
    )


def warm_available() -> bool:
    """True when LibreOffice and its Python bridge are both here."""
    try:
        find_uno_python()
    except OutputError:
        return False
    return True


class _Lost(Exception):
    """The office died or stopped answering."""


class _Office:
    """One soffice process and the bridge that drives it."""

    def __init__(self, soffice: Path, python: Path, env: dict[str, str], work: Path, n: int):
        self.work = work
        profile = work / f"profile-{n}"
        address = f"pipe,name=docgen-{uuid.uuid4().hex}"  # never a dying office's
        self.log = (work / f"office-{n}.log").open("wb")
        self.office = spawn(
            soffice_command(
                soffice, profile, f"--accept={address};urp;StarOffice.ComponentContext"
            ),
            env=env,
            cwd=work,
            stdout=self.log,
        )
        self.bridge = spawn(
            [str(python), str(_BRIDGE), address, str(self.office.pid), str(START_TIMEOUT)],
            env=env,
            cwd=work,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        self._buffer = b""
        self.converted = 0
        try:
            answer = self.answer(START_TIMEOUT + 5)
        except _Lost as exc:
            answer = {"error": str(exc)}
        if not answer.get("ready"):
            self.stop()
            raise OutputError(f"LibreOffice did not start: {answer.get('error')}{self.log_tail()}")

    def answer(self, timeout: float) -> dict[str, Any]:
        """The bridge's next line, or _Lost when it ends or says nothing in `timeout` s."""
        deadline = time.monotonic() + timeout
        assert self.bridge.stdout is not None
        fd = self.bridge.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Lost("timeout")
            if not select.select([fd], [], [], min(left, 0.5))[0]:
                if self.office.poll() is not None:  # e.g. a soffice that cannot start
                    raise _Lost(self.why_gone())
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise _Lost(self.why_gone())
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def convert(self, source: Path, target: Path, timeout: float) -> str | None:
        """Convert one document; None, or why not. _Lost when the office is gone."""
        assert self.bridge.stdin is not None
        request = json.dumps({"in": str(source), "out": str(target)}) + "\n"
        try:
            self.bridge.stdin.write(request.encode("utf-8"))
            self.bridge.stdin.flush()
        except OSError as exc:
            raise _Lost(self.why_gone()) from exc
        answer = self.answer(timeout)
        self.converted += 1
        if answer.get("ok"):
            return None
        if answer.get("lost") or not self.alive():
            raise _Lost(self.why_gone())
        return str(answer.get("error") or "no PDF came out")

    def alive(self) -> bool:
        return self.office.poll() is None and self.bridge.poll() is None

    def why_gone(self) -> str:
        code = self.office.poll()
        return "LibreOffice stopped" + (f" (exit code {code})" if code is not None else "")

    def log_tail(self) -> str:
        """The last lines LibreOffice and the bridge printed, for an error message."""
        self.log.flush()
        text = Path(self.log.name).read_text("utf-8", errors="replace")
        lines = [line.strip() for line in text.splitlines() if "javaldx" not in line]
        lines = [line for line in lines if line]
        return f" ({'; '.join(lines[-3:])})" if lines else ""

    def stop(self) -> None:
        for proc in (self.bridge, self.office):
            if proc.poll() is None:
                kill_group(proc)
        self.log.close()


class WarmConverter:
    """LibreOffice kept running for many documents; safe to share between threads
    (one document at a time). Use it as a context manager, or call `close`."""

    def __init__(
        self,
        *,
        timeout: float = 120,
        font_dir: str | Path | None = None,
        font_setup: FontSetup | None = None,
        max_documents: int = MAX_DOCUMENTS,
    ) -> None:
        self.soffice = find_soffice()
        self.python = find_uno_python(self.soffice)
        self.setup = font_setup if font_setup is not None else prepare_pdf_fonts(font_dir)
        self.timeout = timeout
        self.max_documents = max_documents
        self.starts = 0  # how many offices were started: 1 for a healthy run
        self._lock = threading.Lock()
        self._office: _Office | None = None
        self._work = Path(tempfile.mkdtemp(prefix="docgen-warm-"))
        self._env = office_environment(self.setup, self._work)
        self._count = 0

    def __enter__(self) -> WarmConverter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The running soffice's process id (None before the first document)."""
        return self._office.office.pid if self._office and self._office.alive() else None

    def close(self) -> None:
        """Stop LibreOffice and remove the profile."""
        with self._lock:
            self._drop()
            shutil.rmtree(self._work, ignore_errors=True)

    def start(self) -> None:
        """Start LibreOffice now rather than at the first document."""
        with self._lock:
            self._ready()

    def _ready(self) -> _Office:
        if self._office is not None and not self._office.alive():
            self._drop()
        if self._office is not None and self._office.converted >= self.max_documents:
            self._drop()
        if self._office is None:
            self.starts += 1
            self._office = _Office(self.soffice, self.python, self._env, self._work, self.starts)
        return self._office

    def _drop(self) -> None:
        if self._office is not None:
            self._office.stop()
            self._office = None

    def _convert_staged(self, staged: Path, out: Path) -> str | None:
        """Convert `staged` to `out`: None, or why not. A crash is retried once."""
        for attempt in (1, 2):
            office = self._ready()
            try:
                error = office.convert(staged, out, self.timeout)
            except _Lost as exc:
                self._drop()
                if str(exc) == "timeout":
                    return (
                        f"LibreOffice did not finish within {self.timeout:g} s and was "
                        "stopped; the document may be damaged or too complex "
                        "(open it in Word and save it again)"
                    )
                if attempt == 2:
                    return f"LibreOffice could not convert this document: {exc}"
                continue
            if error is not None:
                return f"LibreOffice could not convert this document: {error}"
            if not is_complete_pdf(out):
                return "LibreOffice could not convert this document (no PDF came out)"
            return None
        return None  # not reached

    def convert_file(self, source: str | Path, target: str | Path) -> PdfResult:
        """Convert one .docx to the PDF `target` (written atomically)."""
        source, target = Path(source), Path(target)
        error = check_docx(source)
        if error is not None:
            return PdfResult(source, None, error, self.setup.font_name)
        with self._lock:
            self._count += 1
            staged = self._work / f"in-{self._count}.docx"
            out = self._work / f"out-{self._count}.pdf"
            try:
                shutil.copyfile(source, staged)  # LibreOffice never sees the original
                error = self._convert_staged(staged, out)
                if error is None:
                    atomic_move(out, target)
            except OSError as exc:
                error = f"cannot write {target}: {exc.strerror or exc}"
            finally:
                staged.unlink(missing_ok=True)
                out.unlink(missing_ok=True)
        pdf = target if error is None else None
        return PdfResult(source, pdf, error, self.setup.font_name)

    def convert_bytes(self, payload: bytes, name: str = "document.docx") -> bytes:
        """The PDF of a .docx held in memory; OutputError naming `name` when it fails."""
        with self._lock:
            self._count += 1
            folder = self._work / f"bytes-{self._count}"
            folder.mkdir()
        try:
            source = folder / Path(name).name
            source.write_bytes(payload)
            result = self.convert_file(source, folder / "out.pdf")
            if result.pdf is None:
                raise OutputError(f"PDF conversion failed for {name}: {result.error}")
            return result.pdf.read_bytes()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def convert_many(
        self, docx_paths: Iterable[str | Path], out_dir: str | Path
    ) -> list[PdfResult]:
        """As :func:`docgen.pdf.convert.convert_to_pdf`: ``out_dir/<name>.pdf`` per input."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        results: list[PdfResult] = []
        claimed: dict[str, Path] = {}
        for source in map(Path, docx_paths):
            final = out / (source.stem + ".pdf")
            if final.name in claimed:
                error = f"{claimed[final.name]} in the same batch also becomes {final.name}"
                results.append(PdfResult(source, None, error, self.setup.font_name))
                continue
            claimed[final.name] = source
            results.append(self.convert_file(source, final))
        return results


_SHARED: dict[str, WarmConverter] = {}
_SHARED_LOCK = threading.Lock()


def shared_converter(font_dir: str | Path | None = None, timeout: float = 120) -> WarmConverter:
    """This process's warm converter for `font_dir` (started once, stopped at exit):
    for a web server's downloads or the documents of a cluster worker."""
    key = f"{font_dir}|{timeout}"
    with _SHARED_LOCK:
        converter = _SHARED.get(key)
        if converter is None:
            converter = _SHARED[key] = WarmConverter(timeout=timeout, font_dir=font_dir)
            atexit.register(converter.close)
        return converter
