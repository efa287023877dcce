"""Peak memory of docgen rendering a folder in one process (run in a fresh process).

    python -m bench.peak_memory RECORDS_DIR OUT_DIR

Prints one JSON line: documents, seconds, and the process's peak resident size.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from docgen import api
from docgen.batch.inputs import find_inputs
from docgen.batch.run import run_batch


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux: VmHWM, which starts anew at exec;
    ru_maxrss would carry over the parent's peak from before the fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def main(records: str, out: str) -> None:
    started = time.perf_counter()
    found = find_inputs([records])
    result = run_batch(found, api.load_template(), out, jobs=1, total=len(found))
    print(
        json.dumps(
            {
                "documents": result.documents,
                "failed": result.failed,
                "seconds": time.perf_counter() - started,
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
