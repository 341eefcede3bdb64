"""Problems found in the input, reported as ``path:line: level: message``."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

ERROR = "error"      # the file (or article) was skipped
WARNING = "warning"  # a field was dropped or repaired; the article was kept


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    level: str
    message: str
    column: int | None = None  # given where the parser that found the problem says (JSON, TOML)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.line and self.column:
            where += f":{self.column}"
        return printable(f"{where}: {self.level}: {self.message}")


def printable(text: str) -> str:
    """Escape what could act on a terminal rather than be shown: control characters
    (so escape sequences too), lone surrogates, line separators and the bidi controls
    that can make a message read differently from what it says."""
    out = []
    for ch in text:
        code = ord(ch)
        if (code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000
                or code in _INVISIBLE):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


_INVISIBLE = {0x2028, 0x2029, 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def kind(value) -> str:
    """A value's type in the words of a front-matter author, not of Python."""
    from datetime import date, datetime

    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bytes):
        return "binary data"
    return "a " + type(value).__name__


@dataclass
class Report:
    """Collects problems of a run; prints each once, as it is found."""

    stream: TextIO | None = None
    problems: list[Problem] = field(default_factory=list)
    _seen: set[Problem] = field(default_factory=set)
    before_print: Callable[[], None] | None = None  # e.g. wipe a progress line

    def add(self, problem: Problem) -> None:
        if problem in self._seen:
            return
        self._seen.add(problem)
        self.problems.append(problem)
        if self.stream is not None:
            if self.before_print is not None:
                self.before_print()
            print(problem, file=self.stream)

    def extend(self, problems) -> None:
        for problem in problems:
            self.add(problem)

    @property
    def errors(self) -> int:
        return sum(p.level == ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.level == WARNING for p in self.problems)

