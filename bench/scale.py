"""PDF and cluster benchmark: the warm converter against chunked conversion, and a
local batch against a Dask LocalCluster, on the same documents in one run.

    python -m bench.scale [--pdf-small 50] [--pdf-large 500] [--docx 1000] [--jobs 2]

(e) PDF: `docgen batch --pdf --jobs J` as before this version (a chunk of documents
    per LibreOffice process, each started for the batch) against the warm converter:
    J LibreOffices kept running (as `docgen serve`, a cluster worker or a script's
    next batch keep them), and, on the small set, started for the batch itself.
(f) Distributed: the same batch with --jobs J against a LocalCluster of J worker
    processes (reached over TCP like a real cluster; its start timed apart), on
    --docx .docx documents and on --pdf-small PDFs (the workers' LibreOffices warm
    from a first untimed batch, as on a cluster that keeps running).
Then a paper estimate of a national round from (e)'s and (f)'s rates.
Every variant renders the same records (bench/records.py); the machine may be
shared, so compare the ratios, which are measured minutes apart.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.records import write_records
from docgen import api
from docgen.batch import find_inputs, run_batch

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_WARM_VS_CHUNKED = 1.5  # on the small set
#: A national round on paper: every office's indicators, per round.
PROVINCES = 76
OFFICES_PER_PROVINCE = 20
INDICATORS_PER_OFFICE = 20


def batch(folder: Path, out: Path, **options: Any) -> tuple[float, int]:
    """Seconds and documents of one batch; every document must come out."""
    template = api.Template(api.DEFAULT_TEMPLATE)
    found = find_inputs([folder])
    started = time.perf_counter()
    result = run_batch(found, template, out, total=len(found), **options)
    seconds = time.perf_counter() - started
    if result.failed:
        raise SystemExit(f"{result.failed} documents failed: {result.failures[:3]}")
    shutil.rmtree(out, ignore_errors=True)
    return seconds, result.documents


def line(label: str, seconds: float, documents: int, extra: str = "") -> str:
    return f"{label:<58} {documents:>5} {seconds:>8.2f} {documents / seconds:>8.2f}  {extra}"


def pdf_rates(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """(e) chunked against warm, on the small and the large set."""
    from docgen.pdf.warm import WarmConverter

    results: dict[str, Any] = {}
    kept = [WarmConverter(timeout=120) for _ in range(args.jobs)]
    try:
        for converter in kept:
            converter.start()
        for size in (args.pdf_small, args.pdf_large):
            records = work / f"pdf-{size}"
            write_records(records, size)
            chunked = batch(records, work / "out", jobs=args.jobs, pdf=True, pdf_converters=[])
            warm = batch(records, work / "out", jobs=args.jobs, pdf=True, pdf_converters=kept)
            entry = {"chunked": chunked, "warm_kept": warm}
            if size == args.pdf_small:
                entry["warm_started"] = batch(records, work / "out", jobs=args.jobs, pdf=True)
            results[str(size)] = entry
            print(line(f"(e) {size} PDFs, chunks per LibreOffice (before)", *chunked, "1x"))
            ratio = (warm[1] / warm[0]) / (chunked[1] / chunked[0])
            print(
                line(f"    {size} PDFs, {args.jobs} warm LibreOffices kept", *warm, f"{ratio:.2f}x")
            )
            if "warm_started" in entry:
                started = entry["warm_started"]
                ratio = (started[1] / started[0]) / (chunked[1] / chunked[0])
                label = f"    {size} PDFs, {args.jobs} warm LibreOffices started for it"
                print(line(label, *started, f"{ratio:.2f}x"))
        results["restarts"] = sum(c.starts for c in kept) - len(kept)
    finally:
        for converter in kept:
            converter.close()
    return results


def cluster_rates(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """(f) --jobs J against a LocalCluster of J worker processes."""
    import distributed

    docx = work / "docx"
    write_records(docx, args.docx)
    pdfs = work / f"pdf-{args.pdf_small}"
    local_docx = batch(docx, work / "out", jobs=args.jobs)
    local_pdf = batch(pdfs, work / "out", jobs=args.jobs, pdf=True)
    started = time.perf_counter()
    with distributed.LocalCluster(
        n_workers=args.jobs,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=50,
    ) as cluster:
        start_s = time.perf_counter() - started
        address = cluster.scheduler_address
        cluster_docx = batch(docx, work / "out", scheduler=address)
        batch(pdfs, work / "warm-up", scheduler=address, pdf=True)  # workers' LibreOffices
        cluster_pdf = batch(pdfs, work / "out", scheduler=address, pdf=True)
    for label, local, remote in (
        (f"{args.docx} .docx", local_docx, cluster_docx),
        (f"{args.pdf_small} PDFs", local_pdf, cluster_pdf),
    ):
        ratio = (remote[1] / remote[0]) / (local[1] / local[0])
        print(line(f"(f) {label}, --jobs {args.jobs}", *local, "1x"))
        print(line(f"    {label}, LocalCluster of {args.jobs} workers", *remote, f"{ratio:.2f}x"))
    print(f"    starting the LocalCluster took {start_s:.1f} s (not in the times above)")
    return {
        "docx": {"jobs": local_docx, "cluster": cluster_docx},
        "pdf": {"jobs": local_pdf, "cluster": cluster_pdf},
        "cluster_start_seconds": start_s,
    }


def national_round(pdf_per_s_per_worker: float) -> dict[str, Any]:
    """Documents of a national round and the workers that make their PDFs in an hour."""
    documents = PROVINCES * OFFICES_PER_PROVINCE * INDICATORS_PER_OFFICE
    workers = documents / (pdf_per_s_per_worker * 3600)
    print(
        f"national round on paper: {PROVINCES} provinces x {OFFICES_PER_PROVINCE} offices x "
        f"{INDICATORS_PER_OFFICE} indicators = {documents:,} documents; at "
        f"{pdf_per_s_per_worker:.2f} PDFs/s per worker (one core, measured above) one worker "
        f"needs {documents / pdf_per_s_per_worker / 3600:.1f} h; PDFs in one hour take "
        f"{workers:.1f} -> {int(-(-workers // 1))} single-core workers (the .docx alone: "
        "seconds on one machine)"
    )
    return {
        "documents": documents,
        "pdf_per_s_per_worker": pdf_per_s_per_worker,
        "workers_for_one_hour": workers,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdf-small", type=int, default=50, help="documents, small PDF set")
    parser.add_argument("--pdf-large", type=int, default=500, help="documents, large PDF set")
    parser.add_argument("--docx", type=int, default=1000, help=".docx documents for (f)")
    parser.add_argument("--jobs", type=int, default=2, help="processes / workers")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="docgen-bench-scale-"))
    try:
        print(f"{'':<58} {'docs':>5} {'seconds':>8} {'docs/s':>8}  ratio")
        pdf = pdf_rates(args, work)
        cluster = cluster_rates(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    small = pdf[str(args.pdf_small)]
    chunked_s, n = small["chunked"]
    warm_s, _ = small["warm_kept"]
    ratio = chunked_s / warm_s
    large_s, large_n = pdf[str(args.pdf_large)]["warm_kept"]
    estimate = national_round(large_n / large_s / args.jobs)
    met = ratio >= TARGET_WARM_VS_CHUNKED
    print(
        f"target warm >= {TARGET_WARM_VS_CHUNKED}x chunked on {n} PDFs: {ratio:.2f} -> "
        f"{'met' if met else 'NOT met'}"
    )
    results = {"pdf": pdf, "cluster": cluster, "national_round": estimate, "warm_vs_chunked": ratio}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print("saved bench/results/scale.json")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
