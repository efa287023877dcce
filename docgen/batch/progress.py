"""How a long run shows its progress: a bar on a terminal, plain lines in a log, or nothing.

A person at a terminal wants a bar that redraws itself; a log file or a CI job
wants a line every few seconds that it can keep; a script that passed
``--quiet`` wants silence. All three take the same calls, so the batch code
does not care which one it was given.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, TextIO

from tqdm import tqdm

#: Seconds between two plain progress lines.
LINE_INTERVAL = 5.0


class Progress(Protocol):
    """What a batch tells about itself while it runs."""

    def start(self, label: str, total: int | None) -> None:
        """A phase begins; `total` is None when it is not known (standard input)."""

    def advance(self, done: int = 1, failed: int = 0) -> None:
        """`done` more items finished, `failed` of them with an error."""

    def finish(self) -> None:
        """The phase is over (complete or interrupted)."""


class NoProgress:
    """``--quiet``: nothing at all."""

    def start(self, label: str, total: int | None) -> None:
        pass

    def advance(self, done: int = 1, failed: int = 0) -> None:
        pass

    def finish(self) -> None:
        pass


class BarProgress:
    """A bar for a terminal: done/total, rate and time left, redrawn in place."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.bar: tqdm | None = None
        self.failed = 0

    def start(self, label: str, total: int | None) -> None:
        self.failed = 0
        self.bar = tqdm(
            total=total,
            unit=f" {label}",
            file=self.stream,
            dynamic_ncols=True,
            mininterval=0.2,
            smoothing=0.1,
        )

    def advance(self, done: int = 1, failed: int = 0) -> None:
        if self.bar is None:
            return
        if failed:
            self.failed += failed
            self.bar.set_postfix_str(f"{self.failed} failed", refresh=False)
        self.bar.update(done)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class LineProgress:
    """For logs: one plain line every `interval` seconds, and one at the end."""

    def __init__(
        self,
        stream: TextIO,
        interval: float = LINE_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.interval = interval
        self.clock = clock
        self.label = ""
        self.total: int | None = None
        self.done = self.failed = 0
        self.started = self.last = 0.0
        self.shown: tuple[int, int] | None = None

    def start(self, label: str, total: int | None) -> None:
        self.label, self.total = label, total
        self.done = self.failed = 0
        self.started = self.last = self.clock()
        self.shown = None

    def advance(self, done: int = 1, failed: int = 0) -> None:
        self.done += done
        self.failed += failed
        now = self.clock()
        if now - self.last >= self.interval:
            self.last = now
            self._line(now)

    def finish(self) -> None:
        if self.shown != (self.done, self.failed):
            self._line(self.clock())

    def _line(self, now: float) -> None:
        self.shown = (self.done, self.failed)
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        if self.total is None:
            count = f"{self.done} done"
        else:
            count = f"{self.done}/{self.total} ({100 * self.done // max(self.total, 1)}%)"
        text = f"{self.label}: {count}, {self.failed} failed, {rate:.1f} {self.label}/s"
        if self.total is not None and self.done < self.total and rate > 0:
            text += f", about {format_seconds((self.total - self.done) / rate)} left"
        print(text, file=self.stream, flush=True)


def format_seconds(seconds: float) -> str:
    """A duration as people say it.

    >>> format_seconds(4.2), format_seconds(75), format_seconds(3725)
    ('4 s', '1 min 15 s', '1 h 2 min')
    """
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def make_progress(stream: TextIO, quiet: bool = False) -> Progress:
    """A bar on a terminal, plain lines otherwise, nothing when quiet."""
    if quiet:
        return NoProgress()
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return BarProgress(stream)
    return LineProgress(stream)
