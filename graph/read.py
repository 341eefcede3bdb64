"""Find article files and parse their YAML front matter.

Front matter is the text between a first line ``---`` and the next line that
is exactly ``---`` (or ``...``); splitting on lines, never on the substring,
keeps URLs such as ``...market---beyond-2020...`` intact.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .problems import ERROR, Problem

SUFFIXES = (".md", ".markdown", ".txt")
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024

# libyaml when available: about 10x faster than the pure-Python loader. Both are
# "safe" loaders: Python tags such as !!python/object are refused.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_DELIMITER = re.compile(r"---[ \t]*\r?\n?")
_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:", re.MULTILINE)


@dataclass(frozen=True)
class Source:
    """One input file: where it is, and its path relative to the input root."""

    path: Path
    rel: str

    def __str__(self) -> str:
        return str(self.path)


@dataclass
class Document:
    source: Source
    data: dict
    body: str
    lines: dict[str, int]  # top-level key -> line number in the file
    digest: bytes = b""    # hash of the file's bytes: tells whether it changed between passes


class ReadError(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def discover(inputs) -> tuple[list[Source], list[Problem]]:
    """Expand files and folders (recursively) into a stable, de-duplicated list."""
    sources: dict[Path, Source] = {}
    taken: set[str] = set()  # relative paths name the source graphs: they must be unique
    problems: list[Problem] = []
    for given in inputs:
        given = Path(given)
        if given.is_dir():
            root = given
            candidates = _walk(given, problems)
        elif given.exists():
            root = given.parent
            candidates = [given]
        else:
            problems.append(Problem(str(given), None, ERROR, "no such file or folder"))
            continue
        for path in candidates:
            real = path.resolve()
            if real in sources:  # the same file reached through overlapping inputs
                continue
            rel = path.relative_to(root).as_posix()
            if rel in taken:  # two inputs hold different files of the same name
                rel = _unique(f"{root.resolve().name}/{rel}", taken)
            taken.add(rel)
            sources[real] = Source(path, rel)
    return sorted(sources.values(), key=lambda s: (s.rel, str(s.path))), problems


def _unique(rel: str, taken: set[str]) -> str:
    candidate, n = rel, 1
    while candidate in taken:
        n += 1
        candidate = f"{rel}~{n}"
    return candidate


def _walk(folder: Path, problems: list[Problem]) -> list[Path]:
    found = []
    seen_dirs = set()

    def on_error(err: OSError) -> None:
        problems.append(Problem(err.filename or str(folder), None, ERROR, f"cannot read folder: {err.strerror}"))

    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True, onerror=on_error):
        real = os.path.realpath(dirpath)
        if real in seen_dirs:  # a symlink loop, or a folder reached twice
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                found.append(Path(dirpath) / name)
    return found


def read_document(source: Source, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Document:
    """Read one file and parse its front matter; raise ReadError on a file-level problem."""
    try:
        size = source.path.stat().st_size
        if size > max_size:
            raise ReadError(f"file is {size:,} bytes, over the limit of {max_size:,} (--max-file-size)")
        raw = source.path.read_bytes()
    except OSError as err:
        raise ReadError(f"cannot read file: {err.strerror or err}") from None
    return parse_document(source, raw)


def parse_document(source: Source, raw: bytes) -> Document:
    if b"\x00" in raw:
        raise ReadError("binary file (contains NUL bytes), not a text article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ReadError(f"not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start})", line) from None
    if not text.strip():
        raise ReadError("empty file")
    start = _DELIMITER.match(text)
    if not start:
        raise ReadError("no front matter: the file does not begin with a '---' line", 1)
    end = _END.search(text, start.end())
    if not end:
        raise ReadError("front matter is never closed: no second '---' line", 1)
    front = text[start.end(): end.start()]
    body = text[end.end():].lstrip("\r\n")
    try:
        data = yaml.load(front, Loader=_Loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        reason = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ReadError(f"YAML error in front matter: {reason}", line) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ReadError(f"front matter is a {type(data).__name__}, not a mapping of fields", 2)
    lines = {m.group(1): front.count("\n", 0, m.start()) + 2 for m in _TOP_KEY.finditer(front)}
    return Document(source, data, body, lines, hashlib.blake2b(raw, digest_size=16).digest())
