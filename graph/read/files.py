"""Find article files and parse their YAML front matter.

Front matter is the text between a first line ``---`` and the next line that
is exactly ``---`` (or ``...``); splitting on lines, never on the substring,
keeps URLs such as ``...market---beyond-2020...`` intact.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..options import DEFAULT_MAX_FILE_SIZE
from ..problems import ERROR, WARNING, Problem, kind
from . import yamlsafe

SUFFIXES = (".md", ".markdown", ".txt")

_DELIMITER = re.compile(r"---[ \t]*\r?\n?")
_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_KEY_NAME = re.compile(r"[A-Za-z_][\w-]*")  # keys whose line can be found


@dataclass(frozen=True, slots=True)
class Source:
    """One input file: where it is, and its path relative to the input root.

    Kept as text (a Path object costs about ten times the memory, and a corpus
    holds one Source per file for the whole run)."""

    file: str | os.PathLike
    rel: str

    @property
    def path(self) -> Path:
        return Path(self.file)

    def __str__(self) -> str:
        return os.fspath(self.file)


@dataclass
class Document:
    source: Source
    data: dict
    body: str
    front: str  # the front matter's text; it begins on line 2 of the file
    problems: list[Problem] = field(default_factory=list)  # warnings found while parsing

    def line(self, key: str) -> int | None:
        """The line of the file where a top-level key is written (its last occurrence).

        Found only when a message needs it: most files never need one."""
        if not _KEY_NAME.fullmatch(key):
            return None
        last: re.Match | None = None
        for last in re.finditer(rf"^{re.escape(key)}[ \t]*:", self.front, re.MULTILINE):  # noqa: B007
            pass
        return None if last is None else self.front.count("\n", 0, last.start()) + 2


class ReadError(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def discover(inputs) -> tuple[list[Source], list[Problem]]:
    """Expand files and folders (recursively) into a stable, de-duplicated list.

    A broken or looping symbolic link is kept as a source, so that reading it
    reports what is wrong with it.
    """
    sources: dict[object, Source] = {}
    taken: set[str] = set()  # relative paths name the source graphs: they must be unique
    problems: list[Problem] = []
    for given in inputs:
        given = os.fspath(given)
        if os.path.isdir(given):
            root = given
            candidates = _walk(given, problems)
        elif os.path.lexists(given):
            root = os.path.dirname(given)
            candidates = [(given, os.path.basename(given))]
        else:
            problems.append(Problem(given, None, ERROR, "no such file or folder"))
            continue
        for path, rel in candidates:
            key = _identity(path)
            if key in sources:  # the same file reached through overlapping inputs
                continue
            rel = _display(rel)
            if rel in taken:  # two inputs hold different files of the same name
                rel = _unique(f"{Path(root).resolve().name}/{rel}", taken)
            taken.add(rel)
            sources[key] = Source(path, rel)
    return sorted(sources.values(), key=lambda s: (s.rel, str(s))), problems


def _unique(rel: str, taken: set[str]) -> str:
    candidate, n = rel, 1
    while candidate in taken:
        n += 1
        candidate = f"{rel}~{n}"
    return candidate


def _identity(path: str) -> object:
    """What makes two paths the same file: device and inode (hard and symbolic links too)."""
    try:
        st = os.stat(path)
        return (st.st_dev, st.st_ino)
    except OSError:  # broken link or loop: only the same path is the same
        return os.path.abspath(path)


def _display(rel: str) -> str:
    """A file name that is not valid UTF-8 (bytes kept as surrogates by Python) shown with
    \\xNN escapes: the name stays distinct and can go into a literal and an IRI."""
    if not rel.isascii() and any("\udc80" <= ch <= "\udcff" for ch in rel):
        return os.fsencode(rel).decode("utf-8", "backslashreplace")
    return rel


def _walk(folder: str, problems: list[Problem]) -> list[tuple[str, str]]:
    """(path, path relative to ``folder`` with '/') of each article file below ``folder``."""
    found = []
    seen_dirs = set()

    def on_error(err: OSError) -> None:
        problems.append(Problem(err.filename or str(folder), None, ERROR,
                                f"folder cannot be read ({err.strerror}); its files are skipped"))

    def tree(top: str):
        """os.walk(top, followlinks=True, onerror=on_error), the same folders in the same
        order, with an explicit stack: os.walk recurses once per level, and folders nested
        about 1,000 deep exceeded Python's recursion limit."""
        stack = [top]
        while stack:
            dirpath = stack.pop()
            try:
                with os.scandir(dirpath) as listing:
                    entries = list(listing)
            except OSError as err:
                on_error(err)
                continue
            dirnames: list[str] = []
            filenames: list[str] = []
            for entry in entries:
                try:
                    is_dir = entry.is_dir()  # follows symbolic links, as followlinks=True does
                except OSError:
                    is_dir = False
                (dirnames if is_dir else filenames).append(entry.name)
            yield dirpath, dirnames, filenames
            stack.extend(os.path.join(dirpath, d) for d in reversed(dirnames))  # as the caller left them

    for dirpath, dirnames, filenames in tree(folder):
        try:  # the folder's identity (realpath costs a system call per level: cubic in the depth)
            st = os.stat(dirpath)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen_dirs:  # a symlink loop, or a folder reached twice
            dirnames[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        below = os.path.relpath(dirpath, folder)
        prefix = "" if below == os.curdir else below.replace(os.sep, "/") + "/"
        for name in sorted(filenames):
            if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                found.append((os.path.join(dirpath, name), prefix + name))
    return found


def read_document(source: Source, max_size: int = DEFAULT_MAX_FILE_SIZE) -> tuple[Document, bytes]:
    """Read one file and parse its front matter; raise ReadError on a file-level problem.

    Returns the document and the SHA-256 digest of the file's bytes."""
    path = source.path
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "a named pipe" if stat.S_ISFIFO(info.st_mode) \
                else "a device or socket"
            raise ReadError(f"is {what}, not a regular file")
        if info.st_size > max_size:
            raise ReadError(f"file is {info.st_size:,} bytes, over the limit of {max_size:,} bytes "
                            f"(raise it with --max-file-size)")
        with open(path, "rb") as f:
            raw = f.read(max_size + 1)  # bounded even if the file grows meanwhile
        if len(raw) > max_size:
            raise ReadError(f"file is over the limit of {max_size:,} bytes (raise it with --max-file-size)")
    except OSError as err:
        raise ReadError(_os_reason(path, err)) from None
    return parse_document(source, raw), hashlib.sha256(raw).digest()


def _os_reason(path: Path, err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "is a symbolic link that loops back on itself"
    if err.errno == errno.ENOENT and path.is_symlink():
        return f"is a broken symbolic link (its target {os.readlink(path)!r} does not exist)"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied"
    return f"cannot be read: {err.strerror or err}"


def parse_document(source: Source, raw: bytes) -> Document:
    if b"\x00" in raw:
        raise ReadError("looks like a binary file (it contains NUL bytes), not a text article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ReadError(f"is not UTF-8 text (byte 0x{raw[err.start]:02X} at offset {err.start}); "
                        f"save it as UTF-8", line) from None
    if not text.strip():
        raise ReadError("empty file" if not text else "file holds only white space")
    start = _DELIMITER.match(text)
    if not start:
        raise ReadError("no front matter: the file does not begin with a '---' line", 1)
    end = _END.search(text, start.end())
    if not end:
        raise ReadError("front matter is never closed: no second '---' line", 1)
    front = text[start.end(): end.start()]
    body = text[end.end():].lstrip("\r\n")
    try:
        data, warnings = yamlsafe.load(front, first_line=2)  # the line after the opening '---'
    except yamlsafe.YAMLProblem as err:
        raise ReadError(str(err), err.line) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ReadError(f"front matter is {kind(data)}, not a mapping of fields (key: value lines)", 2)
    problems = [Problem(str(source.path), line, WARNING, message) for line, message in warnings]
    return Document(source, data, body, front, problems)
