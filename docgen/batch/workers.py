"""Worker processes: records handed out in tasks, outcomes handed back, signals.

A worker keeps the batch's settings in module globals (set once when it
starts); Ctrl-C is left to the main process, which stops the batch cleanly."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from docgen.batch.inputs import Record
from docgen.batch.render import Outcome, Settings, failure, render_safely

#: Records handed to a worker at a time: fewer round trips, still even sharing.
TASK_RECORDS = 32

AddOutcomes = Callable[[list[tuple[int, list[Outcome]]]], None]


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_SETTINGS: Settings | None = None
_BUSY = False  # a worker is rendering a task
_ENDING = False  # a worker was told to end


def _start_worker(settings: Settings) -> None:
    """In each worker: keep the settings; leave Ctrl-C to the main process, which
    stops the batch cleanly; end on SIGTERM (see `_exit_on_signal`)."""
    global _SETTINGS
    _SETTINGS = settings
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_signal)


def _exit_on_signal(signum: int, frame: Any) -> None:
    """End the worker. In the middle of a task, through SystemExit first, so that a
    file being written is removed rather than left half-written; `_work` then ends
    the process (the pool would otherwise catch the exit and wait for more work)."""
    global _ENDING
    _ENDING = True
    if _BUSY:
        raise SystemExit(128 + signum)
    os._exit(128 + signum)


def _work(records: list[Record]) -> list[tuple[int, list[Outcome]]]:
    global _BUSY
    assert _SETTINGS is not None
    _BUSY = True
    try:
        return [(record.index, render_safely(record, _SETTINGS)) for record in records]
    finally:
        _BUSY = False
        if _ENDING:
            os._exit(128 + signal.SIGTERM)


def _ready() -> bool:
    return True


def _batches(
    records: Iterator[Record | None], size: int, total: int | None = None, jobs: int = 1
) -> Iterator[list[Record]]:
    """Tasks of up to `size` records; a shorter one (even empty) when the records come
    slowly (None: nothing has come yet), so that a slow script is not kept waiting.

    When the `total` is known, the last tasks shrink to a record each, so that the
    `jobs` workers finish together instead of one waiting for the other's last task.
    """
    batch: list[Record] = []
    remaining = total
    for record in records:
        if record is not None:
            batch.append(record)
        limit = size if remaining is None else max(1, min(size, remaining // (4 * jobs)))
        if len(batch) >= limit or record is None:
            yield batch
            if remaining is not None:
                remaining -= len(batch)
            batch = []
    if batch:
        yield batch


def in_background(records: Iterator[Record], stop: threading.Event) -> Iterator[Record | None]:
    """Read `records` (standard input) in a thread, so that waiting for the next
    line never keeps the batch from noticing Ctrl-C or SIGTERM. Yields None when
    no record has come for a moment."""
    lines: queue.Queue = queue.Queue(maxsize=256)
    done = object()

    def pump() -> None:
        try:
            for record in records:
                lines.put(record)
        finally:
            lines.put(done)

    threading.Thread(target=pump, name="docgen-stdin", daemon=True).start()
    while not stop.is_set():
        try:
            item = lines.get(timeout=0.2)
        except queue.Empty:
            yield None
            continue
        if item is done:
            return
        yield item


def run_here(
    records: Iterator[Record | None], settings: Settings, add: AddOutcomes, stop: threading.Event
) -> None:
    for record in records:
        if stop.is_set():
            return
        if record is not None:
            add([(record.index, render_safely(record, settings))])


def _fork_context():
    """Workers forked from the main process inherit the compiled template; where
    there is no fork, they get it pickled (its source bytes) and compile it once."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def run_in_workers(
    records: Iterator[Record],
    settings: Settings,
    add: AddOutcomes,
    stop: threading.Event,
    jobs: int,
    before_start: Callable[[], None],
    total: int | None = None,
) -> None:
    with ProcessPoolExecutor(
        jobs, mp_context=_fork_context(), initializer=_start_worker, initargs=(settings,)
    ) as pool:
        pool.submit(_ready).result()  # every worker forked before any thread starts
        before_start()
        tasks = _batches(records, TASK_RECORDS, total, jobs)
        running: dict[Future, list[Record]] = {}
        exhausted = False
        while True:
            while not exhausted and not stop.is_set() and len(running) < 3 * jobs:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                if not task:  # nothing has come in yet: see to the running ones
                    break
                try:
                    running[pool.submit(_work, task)] = task
                except BrokenProcessPool:  # a worker died between two tasks
                    stop.set()
            if not running:
                if exhausted or stop.is_set():
                    return
                try:  # waiting for input: still a pool to give it to?
                    pool.submit(_ready)
                except BrokenProcessPool:
                    if stop.is_set():  # stopped by a signal that reached the workers too
                        continue
                    stop.set()
                continue
            done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                task = running.pop(future)
                try:
                    add(future.result())
                except BrokenProcessPool:
                    if stop.is_set():  # stopped by a signal that reached the workers too
                        continue
                    stop.set()
                    message = (
                        "the worker process rendering it stopped unexpectedly (out of memory?)"
                    )
                    add(
                        [
                            (
                                r.index,
                                [
                                    failure(
                                        r, {"kind": "internal", "message": f"{r.name}: {message}"}
                                    )
                                ],
                            )
                            for r in task
                        ]
                    )
                except SystemExit:
                    stop.set()  # the worker was told to stop: its records were not done


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[list[int]]:
    """Ctrl-C or SIGTERM sets `stop` (the batch ends cleanly); a second Ctrl-C
    interrupts at once. Yields the signals received."""
    received: list[int] = []

    def handler(signum: int, frame: Any) -> None:
        if received and signum == signal.SIGINT:
            raise KeyboardInterrupt
        received.append(signum)
        stop.set()

    if threading.current_thread() is not threading.main_thread():
        yield received  # only the main thread may take signals; the caller stops it
        return
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
