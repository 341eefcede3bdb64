"""Find article files and parse their front matter.

Front matter is the text between a first line ``---`` and the next line that
is exactly ``---`` (or ``...``); splitting on lines, never on the substring,
keeps URLs such as ``...market---beyond-2020...`` intact. That YAML front
matter is split here and loaded by the fast, safe loader (yamlsafe); Hugo's TOML
(between ``+++`` lines) and JSON (an object whose braces stand alone on their
lines) front matter are split and loaded by python-frontmatter's handlers.
Site data records may also be whole YAML files, and the site's JSON API gives
items of its own (graph/read/api.py). A file without front matter is not an
item: it is passed over (NotAnItem), never an error.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

from ..options import DEFAULT_MAX_FILE_SIZE
from ..problems import ERROR, WARNING, Problem, kind
from . import site as sites
from . import yamlsafe

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SUFFIXES = (".md", ".markdown", ".txt")  # documents with front matter
DATA_SUFFIXES = (".yaml", ".yml")        # site data records as whole YAML files
API_SUFFIXES = (".json", ".jsonl")       # the site's JSON API (graph/read/api.py)
FOUND = SUFFIXES + DATA_SUFFIXES + API_SUFFIXES

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
    site: str | None = None  # the URL site-relative URLs are appended to (graph/read/site.py)

    @property
    def path(self) -> Path:
        return Path(self.file)

    def __str__(self) -> str:
        return os.fspath(self.file)


@dataclass(frozen=True, slots=True)
class Item:
    """One item of a JSON API page: its fields, and where it is written in the page."""

    data: dict
    text: str    # the page's text (shared by all its items)
    start: int   # the item's span in ``text``
    end: int
    line: int    # the line of the page where the item begins


@dataclass(frozen=True, slots=True)
class ItemSource(Source):
    """An item of the site's JSON API: ``file`` is its page, ``rel`` the item's own path."""

    item: Item | None = None


@dataclass
class Document:
    source: Source
    data: dict
    body: str
    front: str  # the front matter's text; it begins on line ``first_line`` of the file
    problems: list[Problem] = field(default_factory=list)  # warnings found while parsing
    first_line: int = 2
    syntax: str = "yaml"  # 'yaml', 'toml' or 'json': how a key is written, to find its line

    def line(self, key: str) -> int | None:
        """The line of the file where a top-level key is written (its last occurrence).

        Found only when a message needs it: most files never need one."""
        if not _KEY_NAME.fullmatch(key):
            return None
        written = {"yaml": rf"^{re.escape(key)}[ \t]*:", "toml": rf"^[ \t]*{re.escape(key)}[ \t]*=",
                   "json": rf'"{re.escape(key)}"\s*:'}[self.syntax]
        last: re.Match | None = None
        for last in re.finditer(written, self.front, re.MULTILINE):  # noqa: B007
            pass
        return None if last is None else self.front.count("\n", 0, last.start()) + self.first_line


class ReadError(Exception):
    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


class NotAnItem(ReadError):
    """The file holds no item (no front matter, empty, a data file that is no record):
    it is passed over and counted, never an error."""


def discover(inputs, *, site_url: str | None = None,
             passed: list[tuple[str, str]] | None = None) -> tuple[list[Source], list[Problem]]:
    """Expand files and folders (recursively) into a stable, de-duplicated list.

    A broken or looping symbolic link is kept as a source, so that reading it
    reports what is wrong with it. Each source carries the URL of its site
    (``site_url``, else the _config.yml of the Jekyll site it is in). Files that
    cannot hold items (the pages at the top of a site) are added to ``passed``
    as (path, why) instead.
    """
    sources: dict[object, Source] = {}
    taken: set[str] = set()  # relative paths name the source graphs: they must be unique
    problems: list[Problem] = []
    passed = passed if passed is not None else []
    found_sites = sites.Sites()
    for given in inputs:
        given = os.fspath(given)
        if os.path.isdir(given):
            root = given
            candidates = _walk(given, problems, found_sites, passed)
        elif os.path.lexists(given):
            root = os.path.dirname(given)
            candidates = [(given, os.path.basename(given), found_sites.of(root or os.curdir))]
        else:
            problems.append(Problem(given, None, ERROR, "no such file or folder"))
            continue
        for path, rel, site in candidates:
            key = _identity(path)
            if key in sources:  # the same file reached through overlapping inputs
                continue
            rel = _display(rel)
            if rel in taken:  # two inputs hold different files of the same name
                rel = _unique(f"{Path(root).resolve().name}/{rel}", taken)
            taken.add(rel)
            sources[key] = Source(path, rel, site_url if site_url is not None else site.url if site else None)
    problems += [p for site in found_sites.found() for p in site.problems]
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


def _walk(folder: str, problems: list[Problem], found_sites: sites.Sites,
          passed: list[tuple[str, str]]) -> list[tuple[str, str, sites.Site | None]]:
    """(path, path relative to ``folder`` with '/', its site) of each file below ``folder``
    that may hold items. At the root of a site (a folder with a _config.yml), Jekyll's
    own folders are not walked and the files at its top are pages (added to ``passed``)."""
    found = []
    seen_dirs = set()
    site_of: dict[str, sites.Site | None] = {}  # folder -> its site

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
        top = sites.CONFIG in filenames  # the root of a site
        if top or dirpath == folder:
            site = found_sites.of(dirpath)  # the input folder may be inside a site
        else:
            site = site_of[os.path.dirname(dirpath)]
        site_of[dirpath] = site
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not (top and d in sites.NOT_CONTENT))
        below = os.path.relpath(dirpath, folder)
        prefix = "" if below == os.curdir else below.replace(os.sep, "/") + "/"
        for name in sorted(filenames):
            if name.lower().endswith(FOUND) and not name.startswith("."):
                if top:
                    if name != sites.CONFIG:
                        passed.append((os.path.join(dirpath, name), sites.TOP_LEVEL_PAGE))
                    continue
                found.append((os.path.join(dirpath, name), prefix + name, site))
    return found


def read_document(source: Source, max_size: int = DEFAULT_MAX_FILE_SIZE,
                  raw: bytes | None = None) -> tuple[Document, bytes]:
    """Read one file and parse its front matter; raise ReadError on a file-level problem.

    Returns the document and the SHA-256 digest of the file's bytes (of the item's
    text, for an item of the JSON API). ``raw``: the file's bytes, already read."""
    if isinstance(source, ItemSource) and source.item is not None:
        return item_document(source, source.item)
    if raw is None:
        raw = read_bytes(source, max_size)
    return parse_document(source, raw), hashlib.sha256(raw).digest()


def read_bytes(source: Source, max_size: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """A file's bytes, at most ``max_size`` of them; ReadError for anything but a readable regular file."""
    path = os.fspath(source.file)  # text, not a Path: one of these per file, in the hot path
    try:
        info = os.stat(path)
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
        raise ReadError(_os_reason(Path(path), err)) from None
    return raw


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
        raise NotAnItem("empty file" if not text else "file holds only white space")
    if source.rel.lower().endswith(DATA_SUFFIXES):
        return _data_file(source, text)
    start = _DELIMITER.match(text)
    if not start:
        if text.startswith("+++"):
            return _handled(source, text, _TOML, "toml")
        if text.startswith("{"):
            return _handled(source, text, _JSON, "json")
        raise NotAnItem("no front matter: the file does not begin with a '---' line", 1)
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


def _data_file(source: Source, text: str) -> Document:
    """A whole YAML file of a site's _data: a record when it says its taxonomy."""
    try:
        data, warnings = yamlsafe.load(text, first_line=1)
    except yamlsafe.YAMLProblem as err:
        raise ReadError(str(err), err.line) from None
    if not isinstance(data, dict) or "taxonomy" not in data:
        raise NotAnItem("a YAML data file without taxonomy: not an organization or topic record")
    problems = [Problem(str(source.path), line, WARNING, message) for line, message in warnings]
    return Document(source, data, "", text, problems, first_line=1)


class _TOMLHandler(frontmatter.default_handlers.BaseHandler):
    """Hugo's TOML front matter between '+++' lines. python-frontmatter's own TOMLHandler
    needs the unmaintained `toml` package (TOML 0.5); this one loads with the standard
    library's tomllib (TOML 1.0)."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> dict:
        return tomllib.loads(fm)


_TOML = _TOMLHandler()
_JSON = frontmatter.default_handlers.JSONHandler()
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _handled(source: Source, text: str, handler, syntax: str) -> Document:
    """Front matter that a python-frontmatter handler detects, splits on its boundary
    lines and loads. Errors carry the line (and column) of the file."""
    what = syntax.upper()
    if not handler.detect(text):
        raise ReadError(f"{what} front matter must open with a line that holds only "
                        f"'{'+++' if syntax == 'toml' else '{'}'", 1)
    opening = handler.FM_BOUNDARY.match(text)
    closing = handler.FM_BOUNDARY.search(text, opening.end())
    if closing is None:
        raise ReadError(f"front matter is never closed: no line that holds only "
                        f"'{'+++' if syntax == 'toml' else '}'}'", 1)
    if syntax == "json":  # the handler splits off the braces and puts them back
        front, body = handler.split(text)
        first = 1
    else:
        front, body = text[opening.end():closing.start()], text[closing.end():]
        first = text.count("\n", 0, opening.end()) + 1
    try:
        data = handler.load(front)
    except json.JSONDecodeError as err:
        raise ReadError(f"JSON error: {err.msg}", first + err.lineno - 1, err.colno) from None
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        at = _TOML_POSITION.search(message)
        line, column = (first + int(at.group(1)) - 1, int(at.group(2))) if at else (None, None)
        raise ReadError(f"TOML error: {_TOML_POSITION.sub('', message)}", line, column) from None
    if not isinstance(data, dict):
        raise ReadError(f"front matter is {kind(data)}, not a mapping of fields", 1)
    return Document(source, data, body.lstrip("\r\n"), front, [], first_line=first, syntax=syntax)


def item_document(source: ItemSource, item: Item) -> tuple[Document, bytes]:
    """An item of the JSON API as a document: its fields, and ``content`` as its body."""
    data = item.data
    body = data.get("content")
    if "path" in data or "content" in data:  # the API's own keys (fields.API_ITEM), not fields
        data = {k: v for k, v in data.items() if k not in ("path", "content")}
    span = item.text[item.start:item.end]
    doc = Document(source, data, body if isinstance(body, str) else "", span, [],
                   first_line=item.line, syntax="json")
    if body is not None and not isinstance(body, str):
        doc.problems.append(Problem(str(source.path), doc.line("content"), WARNING,
                                    f"content is {kind(body)}, not text; field dropped"))
    return doc, hashlib.sha256(span.encode("utf-8", "surrogatepass")).digest()
