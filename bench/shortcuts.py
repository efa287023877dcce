"""Whether each shortcut of the render still pays: per-document time without it.

    python -m bench.shortcuts [--n 500] [--rounds 7] [--path batch|table]

``--path batch`` (the default) is (b) of `make bench`: the batch code in one
process over seed-sized records, the template compiled inside the timing.
``--path table`` renders the table-heavy template of (g) (a 20x5 row loop, a
10-item paragraph loop, Thai text) `--n` times. Each is run as is and with one
shortcut turned off at a time, the variants interleaved in each round so that
each round sees about the same machine; each round gives a ratio to "as is" and
the median round is printed. A shortcut is kept only while it saves at least 5%
of the per-document time on one of the two paths.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.records import write_records
from bench.run import docgen_batch
from bench.user_paths import TABLE_DATA, table_templates
from docgen.engine import bodytext, docxtpl_xml, filters, tables
from docgen.engine.template import Template
from docgen.report import context


@contextlib.contextmanager
def _replaced(owner: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, old)


VARIANTS: dict[str, Callable[[], contextlib.AbstractContextManager]] = {
    "as is": contextlib.nullcontext,
    "no empty_element_sites": lambda: _replaced(
        bodytext, "empty_element_sites", lambda source: None
    ),
    "no cache of table tag sequences": lambda: _replaced(
        tables, "_table_tags_change", tables._table_tags_change.__wrapped__
    ),
    "resolve_listing over the whole body": lambda: _replaced(
        docxtpl_xml, "_resolve_listing", docxtpl_xml._DOCXTPL.resolve_listing
    ),
    "no text path (every body parsed)": lambda: _replaced(
        bodytext.DocumentText, "build", classmethod(lambda cls, *args, **kwargs: None)
    ),
    "escape(finalize(x)) per printed value": lambda: _replaced(
        filters, "_printer", lambda transform: None
    ),
}


def _batch_ms(work: Path, n: int) -> float:
    """(b): the batch code over `n` seed-sized records, ms per document; the texts
    parsed in an earlier run are forgotten, as in a fresh process."""
    shutil.rmtree(work / "out", ignore_errors=True)
    context._rich.cache_clear()
    started = time.perf_counter()
    documents = docgen_batch(work / "in", work / "out", jobs=1)
    return (time.perf_counter() - started) / documents * 1000


def _table_ms(work: Path, n: int) -> float:
    """The table-heavy template compiled, then rendered `n` times, ms per render."""
    filters.make_environment.cache_clear()  # the environment is made under the variant
    template = Template(work / "table-docxtpl.docx")
    template.render(TABLE_DATA)
    started = time.perf_counter()
    for _ in range(n):
        template.render(TABLE_DATA)
    return (time.perf_counter() - started) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="records per run")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--path", choices=("batch", "table"), default="batch")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="docgen-shortcuts-"))
    measure = _batch_ms if args.path == "batch" else _table_ms
    try:
        write_records(work / "in", args.n)
        table_templates(work)
        names = list(VARIANTS)
        times: dict[str, list[float]] = {name: [] for name in names}
        for round_no in range(args.rounds):
            shift = round_no % len(names)
            for name in names[shift:] + names[:shift]:
                with VARIANTS[name]():
                    gc.collect()
                    times[name].append(measure(work, args.n))
        for name in names:
            ratios = [t / base for t, base in zip(times[name], times["as is"], strict=True)]
            print(
                f"{name:38s} {statistics.median(times[name]):6.2f} ms/document, "
                f"x{statistics.median(ratios):.2f} of as is (rounds: "
                + ", ".join(f"{r:.2f}" for r in ratios)
                + ")"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
