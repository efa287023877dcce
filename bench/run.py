"""Bulk generation benchmark: docgen against plain docxtpl and per-document LibreOffice.

    python -m bench.run [--n 1000] [--memory-n 5000] [--jobs 2] [--no-pdf]

One run generates N varied seed-like reports (bench/records.py) as JSON files
and measures, on the same machine and data:

(a) plain docxtpl: DocxTemplate(path), render, save for every document
    (on a sample of the records: it is slow);
(b) docgen in one process: the batch code with one process, template compiled once;
(c) docgen batch with --jobs worker processes (the same code `docgen batch` runs);
    the wall time of the `docgen batch` command itself, Python start-up included,
    is printed beside it;
(d) PDF: one LibreOffice start per document (a warm profile, the same fonts) on a
    small sample, against `docgen batch --pdf`, a chunk of documents per LibreOffice;
(e) to (h), the paths users take (bench/user_paths.py): the records as YAML against
    JSON, a plain docxtpl script over the YAML, the render itself against docxtpl
    and docxtemplater (node), hostile 20 MiB data files.

Every variant loads the same JSON files, validates them, computes the scores and
builds the same template context; only the way the .docx is made differs.

(a), (b) and (c) run in --repeat rounds, in the order b c a c b (for (a), a
share of its sample; (b) and (c) count the mean of their two runs). A shared
machine is faster at one moment than at the next, by more than the targets'
margins; within a round the three see about the same machine, so each round
gives a pair of ratios, and the targets are judged on the median round. Times
are the rounds' totals (a) and medians (b, c). Each round also measures how much
faster --jobs processes do pure CPU work than one: the most (c) could gain. Peak
memory of (b) is measured in fresh processes at N and at --memory-n records.
Results are printed and saved to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import user_paths
from bench.records import write_records
from docgen import api
from docgen.batch.inputs import find_inputs
from docgen.batch.run import run_batch
from docgen.report.data import load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGETS = {
    "b_vs_a": 20.0,  # (b) at least 20x (a)
    "c_vs_b": 1.8,  # (c) close to twice (b) with 2 jobs
    "memory_growth": 0.10,  # peak memory of (b) at --memory-n within 10% of N
    "pdf_vs_start": 8.0,  # batched PDF at least 8x one LibreOffice start per document
}


def sync() -> None:
    """Flush what earlier steps wrote, so that no step pays for another's disk writes."""
    if hasattr(os, "sync"):
        os.sync()


def timed(function, *args, **kwargs) -> tuple[float, Any]:
    """Seconds `function` takes, after what earlier steps left (disk writes, garbage)."""
    sync()
    gc.collect()
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


# --------------------------------------------------------------------------- the variants


def plain_docxtpl(files: list[Path], out: Path) -> int:
    """(a) What a script with plain docxtpl does for each document (docgen's loader)."""
    return user_paths.plain_docxtpl_script(files, out, load)


def docgen_batch(folder: Path, out: Path, jobs: int, pdf: bool = False) -> int:
    """(b), (c), (d): the batch code; the template compiled once, inside the timing."""
    template = api.Template(api.DEFAULT_TEMPLATE)
    found = find_inputs([folder])
    result = run_batch(found, template, out, jobs=jobs, total=len(found), pdf=pdf)
    if result.failed:
        raise SystemExit(f"{result.failed} documents failed: {result.failures[:3]}")
    return result.documents


def docgen_command(folder: Path, out: Path, jobs: int) -> float:
    """The `docgen batch` command's wall time, Python start-up included."""
    command = [sys.executable, "-m", "docgen", "batch", str(folder), "-o", str(out)]
    sync()
    started = time.perf_counter()
    subprocess.run([*command, "--jobs", str(jobs), "--quiet"], check=True, cwd=ROOT)
    return time.perf_counter() - started


def peak_memory(folder: Path, out: Path) -> dict[str, float]:
    """(b) in a fresh process, for its peak resident memory."""
    sync()
    line = subprocess.run(
        [sys.executable, "-m", "bench.peak_memory", str(folder), str(out)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(line)


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def cpu_scaling(jobs: int, n: int = 4_000_000) -> float:
    """How many times faster `jobs` processes do `jobs` equal shares of pure CPU work
    than one process does them all: what (c) can gain over (b) on this machine at
    this moment, at best (virtual CPUs may share a core, or a host)."""

    def alone() -> float:
        started = time.perf_counter()
        for _ in range(jobs):
            _spin(n)
        return time.perf_counter() - started

    before = alone()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(_spin, [1] * jobs)  # every worker started
        started = time.perf_counter()
        pool.map(_spin, [n] * jobs, chunksize=1)
        together = time.perf_counter() - started
    return (before + alone()) / 2 / together  # one process before and after: a drift evens out


def pdf_one_start_each(documents: list[Path], out: Path) -> float:
    """(d) baseline: one soffice process per document, seconds per document.

    Fair to LibreOffice: the same fonts as docgen's, and a profile kept warm
    across the runs (a first, untimed run creates it).
    """
    from docgen.pdf.convert import find_soffice
    from docgen.pdf.fonts import prepare_pdf_fonts

    soffice, setup = find_soffice(), prepare_pdf_fonts()
    profile = out / "profile"
    env = {**os.environ, **setup.env}

    def convert(document: Path) -> None:
        subprocess.run(
            [
                str(soffice),
                f"-env:UserInstallation={profile.resolve().as_uri()}",
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(out),
                str(document),
            ],
            check=True,
            capture_output=True,
            env=env,
            timeout=300,
        )

    convert(documents[0])  # warm the profile
    seconds, _ = timed(lambda: [convert(d) for d in documents])
    return seconds / len(documents)


# --------------------------------------------------------------------------- reporting


@dataclasses.dataclass(frozen=True)
class Round:
    """(a), (b) and (c) measured one after the other."""

    a_seconds: float
    a_docs: int
    b_seconds: float
    b_docs: int
    c_seconds: float
    c_docs: int
    cpu_scaling: float  # see `cpu_scaling`

    @property
    def b_vs_a(self) -> float:
        return (self.a_seconds / self.a_docs) / (self.b_seconds / self.b_docs)

    @property
    def c_vs_b(self) -> float:
        return (self.b_seconds / self.b_docs) / (self.c_seconds / self.c_docs)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, ValueError, IndexError):
        pass
    info = {
        "system": platform.platform(),
        "cpu": cpu,
        "cpus": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        from docgen.pdf.convert import libreoffice_version

        info["libreoffice"] = libreoffice_version()
    except Exception:  # noqa: BLE001 - reported as missing
        info["libreoffice"] = None
    return info


def row(label: str, documents: int, seconds: float, extra: str = "") -> str:
    rate = documents / seconds
    return f"{label:<44} {documents:>6} {seconds:>8.2f} {rate:>9.1f} {1000 / rate:>9.2f}  {extra}"


def verdict(value: float, target: float, more_is_better: bool = True) -> str:
    met = value >= target if more_is_better else value <= target
    return "met" if met else "NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="records for (b) and (c)")
    parser.add_argument("--plain-sample", type=int, default=300, help="records for (a)")
    parser.add_argument("--memory-n", type=int, default=5000, help="records for the memory check")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for (c) and (d)")
    parser.add_argument("--pdf-sample", type=int, default=6, help="documents for (d) baseline")
    parser.add_argument("--pdf-docs", type=int, default=60, help="documents for (d) batched")
    parser.add_argument("--repeat", type=int, default=7, help="rounds of (a), (b) and (c)")
    parser.add_argument("--no-pdf", action="store_true", help="skip (d)")
    parser.add_argument("--yaml-rounds", type=int, default=3, help="rounds of (e)")
    parser.add_argument(
        "--yaml-plain-sample", type=int, default=1000, help="documents for (f): all of (e)'s"
    )
    parser.add_argument("--render-seconds", type=float, default=3.0, help="time for each (g)")
    parser.add_argument("--no-hostile", action="store_true", help="skip (h)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> int:
    info = machine()
    print(f"docgen bulk benchmark: {args.n} varied seed-like records (JSON), official form")
    print(
        f"machine: {info['cpu']}, {info['cpus']} CPUs, {info['memory']}; {info['system']}; "
        f"Python {info['python']}; {info['libreoffice'] or 'no LibreOffice'}; "
        f"load average {info['load_average']}"
    )
    records = work / "records"
    big = work / "records-memory"
    write_records(records, args.n)
    write_records(big, args.memory_n)
    files = sorted(records.rglob("*.json"))
    # Every round's share of (a)'s sample is spread over the records, like the mix of (b).
    sample = files[: args.plain_sample]
    shares = [sample[round_ :: args.repeat] for round_ in range(args.repeat)]

    rounds = []
    for round_, share in enumerate(shares):
        # b c a c b: a drift of the machine's speed within the round is shared alike
        b1_s, b_n = timed(docgen_batch, records, work / f"b{round_}", 1)
        c1_s, c_n = timed(docgen_batch, records, work / f"c{round_}", args.jobs)
        a_s, a_n = timed(plain_docxtpl, share, work / f"a{round_}")
        c2_s, _ = timed(docgen_batch, records, work / f"c{round_}-2", args.jobs)
        b2_s, _ = timed(docgen_batch, records, work / f"b{round_}-2", 1)
        scaling = cpu_scaling(args.jobs)
        rounds.append(Round(a_s, a_n, (b1_s + b2_s) / 2, b_n, (c1_s + c2_s) / 2, c_n, scaling))
    cli_s = docgen_command(records, work / "cli", args.jobs)
    memory_n = peak_memory(records, work / "m1")
    memory_big = peak_memory(big, work / "m2")

    a_n = sum(r.a_docs for r in rounds)
    a_s = sum(r.a_seconds for r in rounds)
    b_n, c_n = rounds[0].b_docs, rounds[0].c_docs
    b_s = statistics.median(r.b_seconds for r in rounds)
    c_s = statistics.median(r.c_seconds for r in rounds)
    b_vs_a = statistics.median(r.b_vs_a for r in rounds)
    c_vs_b = statistics.median(r.c_vs_b for r in rounds)
    scaling = statistics.median(r.cpu_scaling for r in rounds)
    a_ms, b_ms, c_ms = (1000 * s / n for s, n in ((a_s, a_n), (b_s, b_n), (c_s, c_n)))
    growth = memory_big["peak_rss_mb"] / memory_n["peak_rss_mb"] - 1
    print()
    print(f"{'':<44} {'docs':>6} {'seconds':>8} {'docs/s':>9} {'ms/doc':>9}  ratio")
    print(row("(a) plain docxtpl, per document", a_n, a_s, "1x"))
    print(row("(b) docgen, one process", b_n, b_s, f"{b_vs_a:.1f}x (a)"))
    print(row(f"(c) docgen batch --jobs {args.jobs}", c_n, c_s, f"{c_vs_b:.2f}x (b)"))
    print(
        f"    {len(rounds)} rounds, ms/doc of (a) | (b) | (c), the ratios of each round, and "
        f"what {args.jobs} processes gain on pure CPU work:"
    )
    for r in rounds:
        print(
            f"    {1000 * r.a_seconds / r.a_docs:7.2f} | {1000 * r.b_seconds / r.b_docs:5.2f} | "
            f"{1000 * r.c_seconds / r.c_docs:5.2f}   (b) {r.b_vs_a:5.1f}x (a), (c) {r.c_vs_b:.2f}x (b)"
            f"   CPU {r.cpu_scaling:.2f}x"
        )
    print(
        f"    on this machine {args.jobs} processes did pure CPU work {scaling:.2f}x as fast as "
        f"one (median round): (c) got {c_vs_b / scaling:.0%} of that"
    )
    print(
        f"    the `docgen batch --jobs {args.jobs}` command, Python start-up included: "
        f"{cli_s:.2f} s ({c_n / cli_s:.0f} docs/s)"
    )
    print(
        f"peak memory of (b): {memory_n['peak_rss_mb']:.1f} MB at {memory_n['documents']} "
        f"documents, {memory_big['peak_rss_mb']:.1f} MB at {memory_big['documents']} "
        f"({growth:+.1%})"
    )
    results: dict[str, Any] = {
        "machine": info,
        "n": args.n,
        "rounds": [dataclasses.asdict(r) for r in rounds],
        "a": {"documents": a_n, "seconds": a_s, "ms_per_doc": a_ms},
        "b": {"documents": b_n, "median_seconds": b_s, "ms_per_doc": b_ms, "vs_a": b_vs_a},
        "c": {"documents": c_n, "median_seconds": c_s, "ms_per_doc": c_ms, "vs_b": c_vs_b},
        "cpu_scaling": scaling,
        "command_seconds": cli_s,
        "memory": {"n": memory_n, "memory_n": memory_big, "growth": growth},
    }
    checks = [
        ("(b) >= 20x (a)", b_vs_a, TARGETS["b_vs_a"], True),
        (f"(c) close to 2x (b) (>= {TARGETS['c_vs_b']}x)", c_vs_b, TARGETS["c_vs_b"], True),
        (
            f"peak memory at {args.memory_n} within 10% of {args.n}",
            abs(growth),
            TARGETS["memory_growth"],
            False,
        ),
    ]

    print()
    extra, extra_checks = user_paths.measure(
        records,
        work,
        args.yaml_rounds,
        args.yaml_plain_sample,
        args.render_seconds,
        not args.no_hostile,
    )
    results |= extra
    checks += extra_checks

    if not args.no_pdf:
        pdf_dir = work / "records-pdf"
        write_records(pdf_dir, args.pdf_docs)
        baseline_docs = sorted((work / "b0").rglob("*.docx"))[: args.pdf_sample]
        start_each = pdf_one_start_each(baseline_docs, work / "d-each")
        d_s, d_n = timed(docgen_batch, pdf_dir, work / "d", args.jobs, pdf=True)
        batched = d_s / d_n
        print(
            f"(d) PDF, one LibreOffice start per document: {start_each:.2f} s/doc "
            f"({len(baseline_docs)} documents)"
        )
        print(
            f"    docgen batch --pdf --jobs {args.jobs}: {batched:.3f} s/doc ({d_n} documents, "
            f".docx included): {start_each / batched:.1f}x"
        )
        results["pdf"] = {
            "one_start_each_s_per_doc": start_each,
            "batched_s_per_doc": batched,
            "documents": d_n,
            "ratio": start_each / batched,
        }
        checks.append(("batched PDF >= 8x one start per document", start_each / batched, 8.0, True))

    print()
    met = True
    for label, value, target, more_is_better in checks:
        state = verdict(value, target, more_is_better)
        met &= state == "met"
        bound = ">=" if more_is_better else "<="
        print(f"target {label}: {value:.2f} ({bound} {target:g}) -> {state}")
    results["targets_met"] = met
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"load average after: {results['load_average_after']}; saved bench/results/latest.json")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
