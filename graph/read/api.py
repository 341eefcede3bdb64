"""The site's JSON API as input: pages of items, as a site publishes them.

A ``.json`` file holds a list of items, a page ``{"page": N, "value": [items]}``, one
item (an object with ``webUrl`` or ``originalUrl``) or one site record (an object
with ``taxonomy``); a ``.jsonl`` file holds one item a line. An item has the fields
of a front matter, mapped exactly as they are there, and two of the API's own
(fields.API_ITEM): ``path``, the file the site made the item from, relative to the
site, which is the item's source (its kg:sourceFile and named graph, as if that file
had been read); and ``content``, its body.

A collection's pages repeat items (``index.json``, ``page/1/index.json`` and
``page1/index.json`` hold the same page): each item is one source, read once. An
item is the same as another when it has the same ``path`` (or, without one, the
same fields); a front-matter file of that path, among the inputs, stands for it.
The pages are parsed here, in the process that finds the files, so that each item
becomes a source of its own before the first pass.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..problems import ERROR, WARNING, Problem, kind
from .files import API_SUFFIXES, Item, ItemSource, Source
from .site import Sites

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
NO_ITEMS = "a JSON file without items (no value list, webUrl, originalUrl or taxonomy)"


@dataclass
class Expanded:
    """Sources with each JSON API page replaced by its items."""

    sources: list[Source]
    problems: list[Problem] = field(default_factory=list)
    passed: list[tuple[str, str]] = field(default_factory=list)  # (path, why): files that hold no item
    pages: int = 0                                               # JSON files that held items
    repeated: list[tuple[str, str]] = field(default_factory=list)  # (where, item): items met before


def expand(sources: list[Source], max_size: int) -> Expanded:
    """Replace every .json and .jsonl source by the items it holds, each once."""
    pages = [s for s in sources if s.rel.lower().endswith(API_SUFFIXES)]
    if not pages:
        return Expanded(sources)
    documents = [s for s in sources if not s.rel.lower().endswith(API_SUFFIXES)]
    out = Expanded(documents)
    files = {s.rel for s in documents}   # a front-matter file stands for the item of its path
    seen: dict[str, tuple[str, str]] = {}  # item name -> (its fields as JSON, the page it was read from)
    by_content: dict[str, str] = {}        # fields of an item without a path -> its name
    items: list[Source] = []
    found_sites = Sites()
    for page in pages:
        found = _read(page, max_size, out)
        if found is None:
            continue
        out.pages += 1
        prefix = _site_prefix(page, found_sites)
        for n, item in enumerate(found, 1):
            name, where = _name(page, item, n, prefix), f"{page.path}:{item.line}"
            fields = json.dumps(item.data, sort_keys=True, ensure_ascii=False)
            if name in files:
                out.repeated.append((where, f"{name} (read from its file)"))
                continue
            if "path" not in item.data or not isinstance(item.data["path"], str):
                first = by_content.setdefault(fields, name)
                if first != name:
                    out.repeated.append((where, first))
                    continue
            if name in seen:
                before, first_page = seen[name]
                out.repeated.append((where, name))
                if before != fields:
                    out.problems.append(Problem(str(page.path), item.line, WARNING,
                                                f"the item {name} differs from the one in {first_page}; "
                                                f"that one is kept (the first in path order)"))
                continue
            seen[name] = (fields, str(page.path))
            items.append(ItemSource(page.file, name, page.site, item))
    out.sources = sorted(documents + items, key=lambda s: (s.rel, str(s)))
    return out


def _name(page: Source, item: Item, n: int, prefix: str) -> str:
    """The item's source: its path (relative to the site, so put where the site is among
    the inputs); else its place in the page."""
    path = item.data.get("path")
    if isinstance(path, str) and path.strip():
        return prefix + path.strip().lstrip("/")
    return f"{page.rel}#{n}"


def _site_prefix(page: Source, found_sites: Sites) -> str:
    """Where the page's site is in the input folder ('ai/' when the input holds the site
    in ai/; '' when the input is the site or inside it, or there is no site)."""
    site = found_sites.of(os.path.dirname(os.fspath(page.file)) or os.curdir)
    if site is None:
        return ""
    inside = os.path.relpath(page.file, site.root).replace(os.sep, "/")
    return page.rel[: -len(inside)] if len(page.rel) > len(inside) and page.rel.endswith("/" + inside) else ""


def _read(page: Source, max_size: int, out: Expanded) -> list[Item] | None:
    """The items of one page; None (with an error, or passed over) when it has none."""
    path = str(page.path)

    def error(message: str, line: int | None = None, column: int | None = None) -> None:
        out.problems.append(Problem(path, line, ERROR, f"{message}; file skipped", column))

    try:
        with open(page.file, "rb") as f:
            raw = f.read(max_size + 1)
    except OSError as err:
        error(f"cannot be read: {err.strerror or err}")
        return None
    if len(raw) > max_size:
        error(f"file is over the limit of {max_size:,} bytes (raise it with --max-file-size)")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        error(f"is not UTF-8 text (byte 0x{raw[err.start]:02X} at offset {err.start}); save it as UTF-8",
              raw[: err.start].count(b"\n") + 1)
        return None
    if not text.strip():
        out.passed.append((path, "empty file"))
        return None
    if page.rel.lower().endswith(".jsonl"):
        return _lines(text, path, out)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        error(f"JSON error: {err.msg}", err.lineno, err.colno)
        return None
    start = _skip(text, 0)
    if isinstance(data, list):
        return _objects(_elements(text, start), text, path, out)
    if isinstance(data, dict):
        if "value" in data:
            if not isinstance(data["value"], list):
                error(f"value is {kind(data['value'])}, not a list of items", _line(text, start))
                return None
            return _objects(_value_elements(text, start), text, path, out)
        if "webUrl" in data or "originalUrl" in data or "taxonomy" in data:
            return [Item(data, text, start, len(text.rstrip()), _line(text, start))]
    out.passed.append((path, NO_ITEMS))
    return None


def _lines(text: str, path: str, out: Expanded) -> list[Item]:
    """JSON Lines: one item a line; a bad line is skipped with an error, the others kept."""
    items = []
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        start, offset = offset, offset + len(line)
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as err:
            out.problems.append(Problem(path, number, ERROR, f"JSON error: {err.msg}; line skipped",
                                        lead + err.colno))
            continue
        if not isinstance(data, dict):
            out.problems.append(Problem(path, number, ERROR, f"the line holds {kind(data)}, "
                                                             f"not an item (an object of fields); line skipped"))
            continue
        items.append(Item(data, text, start + lead, start + lead + len(stripped), number))
    return items


def _objects(elements: Iterator[tuple[int, int, object]], text: str, path: str, out: Expanded) -> list[Item]:
    items = []
    line, counted = 1, 0
    for n, (start, end, value) in enumerate(elements, 1):
        line += text.count("\n", counted, start)  # lines are counted once, in one sweep
        counted = start
        if isinstance(value, dict):
            items.append(Item(value, text, start, end, line))
        else:
            out.problems.append(Problem(path, line, ERROR, f"item {n} is {kind(value)}, not an object of "
                                                           f"fields; item skipped"))
    return items


def _elements(text: str, pos: int) -> Iterator[tuple[int, int, object]]:
    """(start, end, value) of each element of the JSON array at ``pos`` (valid JSON)."""
    pos = _skip(text, pos + 1)
    if text[pos] == "]":
        return
    while True:
        value, end = _DECODER.raw_decode(text, pos)
        yield pos, end, value
        pos = _skip(text, end)
        if text[pos] != ",":
            return
        pos = _skip(text, pos + 1)


def _value_elements(text: str, pos: int) -> Iterator[tuple[int, int, object]]:
    """The elements of the (last) "value" array of the JSON object at ``pos`` (valid JSON)."""
    found: list[tuple[int, int, object]] = []
    pos = _skip(text, pos + 1)
    while text[pos] != "}":
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos) + 1           # the ':'
        pos = _skip(text, pos)
        if key == "value":
            found = list(_elements(text, pos))
        _, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
    yield from found


def _skip(text: str, pos: int) -> int:
    """The position after the white space at ``pos``."""
    found = _WS.match(text, pos)
    return found.end() if found else pos


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1
