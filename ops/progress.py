"""A one-line progress bar with rate and ETA, for long ops tasks (``inv db.seed``).

On a terminal the line is redrawn in place (at most a few times a second); otherwise
(CI logs, pipes) one line is printed per 10 % so logs stay short.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

_WIDTH = 24


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Progress:
    """``with Progress("articles", 100_000) as bar: bar.advance(5_000)``."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 0)
        self.done = 0
        self._stream = sys.stdout if stream is None else stream
        self._tty = self._stream.isatty()
        self._started = time.monotonic()
        self._last_draw = 0.0
        self._last_decile = -1

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self._draw(final=True)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def advance(self, count: int) -> None:
        self.done = min(self.total, self.done + count)
        now = time.monotonic()
        if self._tty:
            if now - self._last_draw >= 0.2:
                self._draw()
        elif self.total:
            decile = self.done * 10 // self.total
            if decile != self._last_decile and decile < 10:
                self._last_decile = decile
                self._draw()

    def line(self) -> str:
        elapsed = max(self.elapsed, 1e-9)
        rate = self.done / elapsed
        fraction = self.done / self.total if self.total else 1.0
        filled = int(fraction * _WIDTH)
        bar = "#" * filled + "." * (_WIDTH - filled)
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        tail = f"ETA {_duration(eta)}" if self.done < self.total else f"in {_duration(elapsed)}"
        return (
            f"  {self.label:<16} [{bar}] {self.done:>10,}/{self.total:,} {fraction:6.1%}"
            f"  {rate:>9,.0f}/s  {tail}"
        )

    def _draw(self, final: bool = False) -> None:
        self._last_draw = time.monotonic()
        if self._tty:
            end = "\n" if final else ""
            self._stream.write("\r\x1b[2K" + self.line() + end)
        else:
            self._stream.write(self.line() + "\n")
        self._stream.flush()
