"""A progress line on stderr for long runs: files done, rate, time left.

Shown only when stderr is a terminal, so it never ends up in a file or a pipe.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO

REFRESH = 0.2  # seconds between redraws


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._phase = ""
        self._total = 0
        self._done = 0
        self._started = 0.0
        self._drawn = 0.0

    def start(self, phase: str, total: int) -> None:
        self.finish()
        self._phase, self._total, self._done = phase, total, 0
        self._started = self._drawn = time.monotonic()

    def advance(self, n: int = 1) -> None:
        self._done += n
        now = time.monotonic()
        if self.enabled and now - self._drawn >= REFRESH:
            self._drawn = now
            self._draw(now)

    def finish(self) -> None:
        self.clear()
        self._phase = ""

    def clear(self) -> None:
        """Wipe the line (before a message is printed, or at the end); the next advance redraws it."""
        if self.enabled and self._phase:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def _draw(self, now: float) -> None:
        elapsed = now - self._started
        rate = self._done / elapsed if elapsed > 0 else 0.0
        left = (self._total - self._done) / rate if rate > 0 else 0.0
        share = self._done / self._total if self._total else 1.0
        self.stream.write(f"\r\x1b[Kkg: {self._phase} {self._done:,}/{self._total:,} files "
                          f"({share:.0%}), {rate:,.0f} files/s, {left:.0f} s left")
        self.stream.flush()


class NoProgress(Progress):
    def __init__(self):
        super().__init__(enabled=False)
