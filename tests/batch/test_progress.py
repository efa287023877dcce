"""Progress as a person sees it: a bar on a terminal, lines in a log, nothing when quiet."""

from __future__ import annotations

import io

from docgen.batch.progress import BarProgress, LineProgress, NoProgress, make_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_kind_of_progress_follows_the_stream():
    assert isinstance(make_progress(Terminal()), BarProgress)
    assert isinstance(make_progress(io.StringIO()), LineProgress)
    assert isinstance(make_progress(Terminal(), quiet=True), NoProgress)


def test_a_log_gets_a_line_now_and_then_with_rate_and_time_left():
    stream, clock = io.StringIO(), Clock()
    progress = LineProgress(stream, interval=5, clock=clock)
    progress.start("documents", 100)
    for second in range(1, 11):  # 10 records a second
        clock.now += 1
        progress.advance(10, failed=1 if second == 3 else 0)
        if second == 5:
            progress.advance(0)
    progress.finish()
    assert stream.getvalue().splitlines() == [
        "documents: 50/100 (50%), 1 failed, 10.0 documents/s, about 5 s left",
        "documents: 100/100 (100%), 1 failed, 10.0 documents/s",  # the end is not said twice
    ]


def test_without_a_total_a_log_line_counts_what_is_done():
    stream, clock = io.StringIO(), Clock()
    progress = LineProgress(stream, interval=5, clock=clock)
    progress.start("documents", None)
    clock.now += 4
    progress.advance(8)
    progress.finish()
    assert stream.getvalue() == "documents: 8 done, 0 failed, 2.0 documents/s\n"


def test_a_terminal_gets_a_bar_with_done_total_and_rate():
    terminal = Terminal()
    progress = make_progress(terminal)
    progress.start("documents", 4)
    for _ in range(4):
        progress.advance(1, failed=1)
    progress.finish()
    shown = terminal.getvalue()
    assert "4/4" in shown and "documents/s" in shown and "4 failed" in shown
    assert "100%|" in shown


def test_quiet_prints_nothing():
    terminal = Terminal()
    progress = make_progress(terminal, quiet=True)
    progress.start("documents", 2)
    progress.advance(2)
    progress.finish()
    assert terminal.getvalue() == ""
