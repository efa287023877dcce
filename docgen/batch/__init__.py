"""Bulk generation: thousands of reports to documents, in worker processes (`run_batch`)."""

from docgen.batch.inputs import find_inputs, read_json_lines
from docgen.batch.run import BatchResult, run_batch
from docgen.batch.workers import default_jobs, stop_on_signals

__all__ = [
    "BatchResult",
    "default_jobs",
    "find_inputs",
    "read_json_lines",
    "run_batch",
    "stop_on_signals",
]
