"""PDF copies of finished .docx reports, made by LibreOffice in headless mode.

Starting LibreOffice costs seconds, so a whole chunk of documents goes to one
``soffice --convert-to pdf`` process. A process that stops making progress is
killed, and only then are that chunk's unconverted documents retried one by one,
so a document that hangs or crashes LibreOffice is reported on its own while the
others still get their PDFs. Each run has its own throw-away LibreOffice profile
(so it neither disturbs nor waits for a LibreOffice the user has open) and the
font setup from :mod:`docgen.pdf.fonts` (so Thai text breaks lines as in Word).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import OutputError
from docgen.output import atomic_move
from docgen.pdf.children import clean_dead_work_dirs, work_dir
from docgen.pdf.fonts import INSTALL_HINT, FontSetup, prepare_pdf_fonts
from docgen.pdf.process import kill_group, spawn

#: Environment variable naming the soffice program to use.
SOFFICE_ENV = "DOCGEN_SOFFICE"
#: Documents handed to one LibreOffice process.
DEFAULT_CHUNK_SIZE = 20

_KNOWN_SOFFICE = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/snap/bin/libreoffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)
_POLL_SECONDS = 0.1


def install_places(system: str = os.name) -> list[Path]:
    """Where LibreOffice's installers put soffice: on Windows (``system`` "nt") under the
    Program Files folders (64- and 32-bit), elsewhere the usual Linux and macOS places."""
    if system != "nt":
        return [Path(p) for p in _KNOWN_SOFFICE]
    folders = [
        os.environ.get(name) for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")
    ]
    folders += [r"C:\Program Files", r"C:\Program Files (x86)"]
    seen: list[Path] = []
    for folder in folders:
        if folder:
            path = Path(folder) / "LibreOffice" / "program" / "soffice.exe"
            if path not in seen:
                seen.append(path)
    return seen


@dataclass(frozen=True)
class PdfResult:
    """The outcome for one document: a PDF, or a reason a person can act on."""

    source: Path
    pdf: Path | None
    error: str | None
    font: str

    @property
    def ok(self) -> bool:
        return self.pdf is not None


def _missing_soffice(detail: str) -> OutputError:
    return OutputError(
        f"{detail}; PDF output needs LibreOffice. Install it with: {INSTALL_HINT} "
        f"(or set {SOFFICE_ENV} to the soffice program)"
    )


def find_soffice() -> Path:
    """The soffice program: $DOCGEN_SOFFICE, else PATH, else the usual install places
    (on Windows: LibreOffice\\program\\soffice.exe under Program Files)."""
    configured = os.environ.get(SOFFICE_ENV)
    if configured:
        path = Path(configured).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise _missing_soffice(f"{SOFFICE_ENV}={configured} is not an executable file")
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    for candidate in install_places():
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise _missing_soffice("LibreOffice (soffice) was not found")


@functools.lru_cache(maxsize=8)
def _version_of(soffice: str) -> str:
    with tempfile.TemporaryDirectory(prefix="docgen-lo-") as tmp:
        try:
            proc = subprocess.run(
                [soffice, _profile_arg(Path(tmp)), "--version"],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise OutputError(f"cannot run {soffice} --version: {exc}") from exc
    lines = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
    match = next((line for line in lines if "office" in line.lower()), None)
    if match is None:
        raise OutputError(f"{soffice} --version printed no version: {proc.stderr.strip()[:200]}")
    return match


def libreoffice_version(soffice: str | Path | None = None) -> str:
    """LibreOffice's own version line, e.g. 'LibreOffice 7.4.7.2 40(Build:2)'."""
    return _version_of(str(soffice or find_soffice()))


def _profile_arg(profile: Path) -> str:
    """An isolated user profile: never shares (or waits on) the user's running office."""
    return f"-env:UserInstallation={profile.resolve().as_uri()}"


def office_environment(setup: FontSetup, work: Path) -> dict[str, str]:
    """The environment LibreOffice runs in: docgen's fonts, and its temporary files
    (``lu*.tmp``) in the work folder, so that a killed run's go with that folder
    (`docgen.pdf.children`) instead of staying in the system's."""
    temp = work / "tmp"
    temp.mkdir(exist_ok=True)
    return {**os.environ, **setup.env, "TMPDIR": str(temp)}


def soffice_command(soffice: Path, profile: Path, *arguments: str) -> list[str]:
    """LibreOffice without a window, a dialog or a restored session, in its own
    user profile (`_profile_arg`)."""
    return [
        str(soffice),
        _profile_arg(profile),
        "--headless",
        "--invisible",
        "--nologo",
        "--norestore",
        "--nodefault",
        "--nolockcheck",
        *arguments,
    ]


def check_docx(path: Path) -> str | None:
    """Why `path` cannot be a Word document, or None if it looks like one."""
    if not path.is_file():
        return "file not found"
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return "not a Word .docx file (not a ZIP package); save it again from Word as .docx"
    if "word/document.xml" not in names:
        return "not a Word .docx file (no word/document.xml inside)"
    return None


def is_complete_pdf(path: Path) -> bool:
    """A PDF LibreOffice finished writing (it writes the %%EOF trailer last)."""
    try:
        size = path.stat().st_size
        if size < 64:
            return False
        with path.open("rb") as fh:
            head = fh.read(5)
            fh.seek(max(0, size - 1024))
            tail = fh.read()
    except OSError:
        return False
    return head == b"%PDF-" and b"%%EOF" in tail


@dataclass
class _Job:
    index: int
    source: Path
    staged: Path  # our private copy that LibreOffice reads
    final: Path
    pdf: Path | None = None
    error: str | None = None

    @property
    def expected(self) -> str:
        return self.staged.stem + ".pdf"


@dataclass
class _Run:
    timed_out: bool
    returncode: int | None
    log: str


class _Converter:
    """One convert_to_pdf call: a temp area, LibreOffice profiles, the soffice runs."""

    def __init__(self, soffice: Path, setup: FontSetup, timeout: float, work: Path):
        self.soffice = soffice
        self.setup = setup
        self.timeout = timeout
        self.work = work
        self.env = office_environment(setup, work)
        self.runs = 0
        self._profiles = 0

    def profile(self) -> Path:
        """The LibreOffice profile for the next run."""
        return self.work / f"profile-{self._profiles}"

    def discard_profile(self) -> None:
        """Use a new profile from now on: a killed or crashed office may leave it locked."""
        self._profiles += 1

    def run(self, jobs: Sequence[_Job]) -> _Run:
        """Convert `jobs` in one soffice process; kill it if no PDF appears for `timeout` s."""
        self.runs += 1
        outdir = self.work / f"out-{self.runs}"
        outdir.mkdir()
        log_path = self.work / f"log-{self.runs}.txt"
        cmd = soffice_command(
            self.soffice,
            self.profile(),
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            *(str(job.staged) for job in jobs),
        )
        timed_out = False
        with log_path.open("wb") as log:
            proc = spawn(cmd, env=self.env, cwd=self.work, stdout=log, tied=True)
            try:
                seen, last_progress = 0, time.monotonic()
                while proc.poll() is None:
                    time.sleep(_POLL_SECONDS)
                    count = sum(1 for _ in outdir.iterdir())
                    if count != seen:
                        seen, last_progress = count, time.monotonic()
                    elif time.monotonic() - last_progress > self.timeout:
                        timed_out = True
                        break
            finally:
                if proc.poll() is None:
                    kill_group(proc)
        if timed_out or proc.returncode != 0:
            self.discard_profile()
        for job in jobs:
            produced = outdir / job.expected
            if job.pdf is None and is_complete_pdf(produced):
                job.pdf = produced
        log_text = log_path.read_text("utf-8", errors="replace")
        return _Run(timed_out=timed_out, returncode=proc.returncode, log=log_text)


def _failure(job: _Job, run: _Run, timeout: float) -> str:
    """A sentence for the one document LibreOffice could not convert on its own."""
    if run.timed_out:
        return (
            f"LibreOffice did not finish within {timeout:g} s and was stopped; "
            "the document may be damaged or too complex (open it in Word and save it again)"
        )
    lines = [
        line.strip()
        for line in run.log.splitlines()
        if line.strip() and "javaldx" not in line and not line.startswith("convert ")
    ]
    detail = "; ".join(lines[-3:])
    detail = re.sub(re.escape(str(job.staged)), job.source.name, detail)
    how = f"LibreOffice exited with code {run.returncode}" if run.returncode else "no PDF came out"
    return f"LibreOffice could not convert this document ({how})" + (
        f": {detail}" if detail else ""
    )


def _chunks(items: Sequence[_Job], size: int) -> Iterable[Sequence[_Job]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def convert_to_pdf(
    docx_paths: Iterable[str | Path],
    out_dir: str | Path,
    *,
    timeout: float = 120,
    font_dir: str | Path | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    font_setup: FontSetup | None = None,
) -> list[PdfResult]:
    """Convert .docx files to ``out_dir/<name>.pdf``; one result per input, in order.

    `timeout` is how long LibreOffice may work without finishing a document before
    it is killed. Problems with single documents are reported in their PdfResult;
    OutputError is raised only when nothing can work (no LibreOffice, no Thai font,
    `out_dir` not writable). `font_setup` overrides :func:`prepare_pdf_fonts`.
    """
    sources = [Path(p) for p in docx_paths]
    if not sources:
        return []
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    soffice = find_soffice()
    setup = font_setup if font_setup is not None else prepare_pdf_fonts(font_dir)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out}: {exc.strerror or exc}") from exc

    clean_dead_work_dirs()
    with work_dir() as tmp:
        work = Path(tmp)
        (work / "in").mkdir()
        jobs: list[_Job] = []
        claimed: dict[str, Path] = {}
        for index, source in enumerate(sources):
            final = out / (source.stem + ".pdf")
            job = _Job(index, source, work / "in" / f"{index:05d}.docx", final)
            jobs.append(job)
            job.error = check_docx(source)
            if job.error is None and final.name in claimed:
                job.error = f"{claimed[final.name]} in the same batch also becomes {final.name}"
            if job.error is None:
                claimed[final.name] = source
                try:
                    shutil.copyfile(source, job.staged)  # LibreOffice never sees the original
                except OSError as exc:
                    job.error = f"cannot read it: {exc.strerror or exc}"

        converter = _Converter(soffice, setup, timeout, work)
        pending = [job for job in jobs if job.error is None]
        for chunk in _chunks(pending, chunk_size):
            run = converter.run(chunk)
            left = [job for job in chunk if job.pdf is None]
            if len(chunk) == 1 and left:
                left[0].error = _failure(left[0], run, timeout)
                continue
            for job in left:  # isolate the culprit: each one alone
                single = converter.run([job])
                if job.pdf is None:
                    job.error = _failure(job, single, timeout)

        results = []
        for job in jobs:
            if job.pdf is not None:
                try:
                    atomic_move(job.pdf, job.final)
                except (OSError, OutputError) as exc:
                    job.error = f"cannot write {job.final}: {exc}"
                    job.pdf = None
            pdf = job.final if job.pdf is not None else None
            results.append(PdfResult(job.source, pdf, job.error, setup.font_name))
    return results
