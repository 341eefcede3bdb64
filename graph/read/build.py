"""Turn a parsed front matter into typed records, repairing or dropping bad fields.

Which fields exist, and how each is read, is declared in graph/fields.py; this
module has one reader per kind of value (``fields.TEXT``, ``fields.WHOLE``, ...).
Any field may be missing, empty or of the wrong type. A field that cannot be used
is dropped with a warning; an article without a usable URL is skipped.
"""
from __future__ import annotations

import functools
import html
import re
import reprlib
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from .. import fields as F
from ..identity.iris import site_url
from ..identity.urls import UnusableURL, is_site_relative, normalize_url, on_site
from ..problems import ERROR, WARNING, Problem, kind
from ..records import Article, Image, Parsed, Provider
from .files import Document, ItemSource

ARTICLE_FIELDS = {f.key for f in F.ARTICLE if f.read != F.IGNORED}  # fields kg reads
IGNORED_FIELDS = {f.key for f in F.ARTICLE if f.read == F.IGNORED}  # known, and dropped on purpose
KNOWN_FIELDS = frozenset(ARTICLE_FIELDS | IGNORED_FIELDS)
IMAGE_FIELDS = frozenset(f.key for f in F.IMAGE)
PROVIDER_KEYS = frozenset(f.key for f in F.PROVIDER_FIELDS)
YEAR_RANGE = (1800, 2200)     # dates outside are taken for data errors
INT_RANGE = (-2**63, 2**63 - 1)  # what triple stores hold as xsd:integer (Oxigraph: 64 bits)

# The scalar fields of an article and of an image, in table order: (key, attribute, kind of value).
_ARTICLE_VALUES = [(f.key, F.attr(f), f.read) for f in F.ARTICLE
                   if f.read in (F.TEXT, F.WHOLE, F.SIZE, F.FLAG, F.DATE, F.URL, F.EMBED)]
_IMAGE_VALUES = [(f.key, F.attr(f), f.read) for f in F.IMAGE if f.read != F.IDENTITY]
_WEB_URL, _ORIGINAL_URL = "webUrl", "originalUrl"
# kind of value -> the Reader method that reads it
_READERS = {F.TEXT: "text", F.WHOLE: "integer", F.SIZE: "size", F.FLAG: "boolean", F.DATE: "date", F.URL: "url",
            F.EMBED: "featured"}

Where = Callable[[str], "int | None"]  # key -> the line to report a problem at


def to_record(doc: Document) -> Parsed:
    """The article record of a document (graph/read/sitedata.py reads site data records)."""
    reader = Reader(doc)
    reader.problems.extend(doc.problems)
    article = reader.article(doc.data, line=None, stub=False)
    if article is not None and doc.body.strip():
        article.body = clean(doc.body.strip())
    return Parsed(article, reader.problems, reader.unmapped)


class Reader:
    """Reads the values of one document, collecting problems with their line numbers."""

    def __init__(self, doc: Document):
        self._path: str | None = None
        self.rel = doc.source.rel
        self.doc = doc
        self.site = doc.source.site
        self.problems: list[Problem] = []
        self.unmapped: set[str] = set()

    @property
    def path(self) -> str:
        """The file as problems name it (made only when there is a problem to report)."""
        if self._path is None:
            self._path = str(self.doc.source.path)
        return self._path

    def warn(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.path, self.where(line), WARNING, message))

    def where(self, line: int | None) -> int | None:
        """The line of a problem; an item of a JSON API page has at least its own."""
        if line is None and isinstance(self.doc.source, ItemSource):  # many items a page: say which
            return self.doc.first_line
        return line

    # -- the article -----------------------------------------------------------------

    def article(self, data: dict, line: Callable[[], int | None] | None, stub: bool,
                where: str = "") -> Article | None:
        """``line``: for a related item, finds the line of its top-level key (only when a
        message needs it); None for the file's own article, whose keys have lines of their own."""
        def at(key: str) -> int | None:  # nested fields are located by the line of their top-level key
            return line() if line is not None else self.doc.line(key)

        self.unknown(data, KNOWN_FIELDS, where, line if line is not None else lambda: None)
        url = self.url(data, _WEB_URL, at, where)
        original = self.url(data, _ORIGINAL_URL, at, where)
        if url is None and original is None:
            what = "related item" if stub else "article"
            self.problems.append(Problem(self.path, self.where(at(_WEB_URL) or at(_ORIGINAL_URL)),
                                         ERROR if not stub else WARNING,
                                         f"{where or ''}{what} has no usable webUrl or originalUrl; {what} skipped"))
            return None
        art = Article(url=url or original, source=self.rel, stub=stub)  # type: ignore[arg-type]
        if original is not None and original != art.url:
            art.original_url = original
        for key, attr, read in _ARTICLE_VALUES:
            if key in data:
                setattr(art, attr, getattr(self, _READERS[read])(data, key, at, where))
        if art.headline is None and not stub and "title" not in data:
            self.warn(None, "article has no title; exported without a headline")
        art.provider = self.provider(data, at, where, art.url)
        art.topics = self.labels(data, "topics", at, where)
        if "tags" in data:
            art.keywords = self.labels(data, "tags", at, where)
        art.images = self.images(data.get("images"), lambda: at("images"), where + "images")
        if "type" in data:
            declared = self.text(data, "type", at, where)
            art.kind = None if declared is None or declared.lower() == "article" else declared
        if not stub:
            for i, item in enumerate(self.items(data, "related", at, where)):
                if isinstance(item, str):
                    item = {_WEB_URL: item}
                if not isinstance(item, dict):
                    self.warn(at("related"), f"related[{i}] is {kind(item)}, not a mapping or a URL; ignored")
                    continue
                rel = self.article(item, functools.partial(at, "related"), stub=True, where=f"related[{i}].")
                if rel is not None:
                    art.related.append(rel)
        return art

    # -- typed values (fields.TEXT, WHOLE, SIZE, FLAG, DATE, URL, EMBED) --------------

    def text(self, data: dict, key: str, at: Where, where: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if type(value) is str and value.isascii():  # the common case: nothing to repair
            return value.strip() or None
        if isinstance(value, (int, float, date)) and not isinstance(value, bool):
            self.warn(at(key), f"{where}{key} is {kind(value)} ({value}), not text; kept as text")
            value = value.isoformat() if isinstance(value, date) else str(value)
        if not isinstance(value, str):
            self.warn(at(key), f"{where}{key} is {kind(value)}, not text; field dropped")
            return None
        value = value.strip()
        cleaned = clean(value)
        if _replaced(value, cleaned):
            self.warn(at(key), f"{where}{key} holds invalid Unicode (unpaired surrogates); replaced with U+FFFD")
        return cleaned or None

    def integer(self, data: dict, key: str, at: Where, where: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        number = None
        if type(value) is int:
            number = value
        elif isinstance(value, int) and not isinstance(value, bool):
            number = int(value)
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9]{1,30}\s*", value):
            number = int(value)
        if number is None:
            self.warn(at(key), f"{where}{key} {show(value)} is not a whole number; field dropped")
            return None
        if not INT_RANGE[0] <= number <= INT_RANGE[1]:
            self.warn(at(key), f"{where}{key} {show(value)} is too large a number; field dropped")
            return None
        return number

    def size(self, data: dict, key: str, at: Where, where: str) -> int | None:
        number = self.integer(data, key, at, where)
        if number is not None and number < 0:
            self.warn(at(key), f"{where}{key} {number} is negative; field dropped")
            return None
        return number

    def boolean(self, data: dict, key: str, at: Where, where: str) -> bool | None:
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no"):
            return value.strip().lower() in ("true", "yes")
        self.warn(at(key), f"{where}{key} {show(value)} is not true or false; field dropped")
        return None

    def date(self, data: dict, key: str, at: Where, where: str) -> datetime | None:
        value = data.get(key)
        if value is None:
            return None
        parsed = None
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, date):
            parsed = datetime(value.year, value.month, value.day)
        elif isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                parsed = None
        if parsed is None:
            self.warn(at(key), f"{where}{key} {show(value)} is not a date; field dropped")
            return None
        if parsed.tzinfo is None:
            self.warn(at(key), f"{where}{key} {show(value)} has no time zone; UTC assumed")
            parsed = parsed.replace(tzinfo=timezone.utc)
        elif parsed.tzinfo is timezone.utc and YEAR_RANGE[0] <= parsed.year <= YEAR_RANGE[1]:
            return parsed  # the common case: already UTC
        try:
            utc: datetime | None = parsed.astimezone(timezone.utc)
        except (OverflowError, ValueError):
            utc = None
        if utc is None or not YEAR_RANGE[0] <= utc.year <= YEAR_RANGE[1]:
            self.warn(at(key), f"{where}{key} {show(value)} is out of the range of plausible dates "
                               f"({YEAR_RANGE[0]}-{YEAR_RANGE[1]}); field dropped")
            return None
        return utc

    def url(self, data: dict, key: str, at: Where, where: str) -> str | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        try:
            return normalize_url(value)
        except UnusableURL as err:
            problem = str(err)
            if is_site_relative(value):  # /assets/logo.jpg: a URL on the site itself
                if self.site is None:
                    problem = ("is site-relative, and the site's URL is not known (export the site's folder, "
                               "with its _config.yml, or give --site-url)")
                else:
                    try:
                        return normalize_url(on_site(value, self.site))
                    except UnusableURL as on_site_err:
                        problem = f"is site-relative, and on the site {self.site} it {on_site_err}"
            self.warn(at(key), f"{where}{key} {show(value)} {problem}; field dropped")
            return None

    def featured(self, data: dict, key: str, at: Where, where: str) -> str | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            match = re.search(r"""<iframe\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", value, re.I)
            candidate = html.unescape(next(g for g in match.groups() if g is not None)) if match else value
            if candidate.startswith("//"):
                candidate = "https:" + candidate
            try:
                return normalize_url(candidate)
            except UnusableURL:
                pass
        self.warn(at(key), f"{where}{key} has no embed URL (iframe src); field dropped")
        return None

    # -- lists and nested records (fields.LABELS, IMAGES, PROVIDER, RELATED) ----------

    def items(self, data: dict, key: str, at: Where, where: str) -> list:
        """A list field; a single value or mapping is taken as a list of one."""
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, (dict, str)):
            return [value]
        self.warn(at(key), f"{where}{key} is {kind(value)}, not a list; field dropped")
        return []

    def labels(self, data: dict, key: str, at: Where, where: str) -> list[str]:
        """A list of labels (topics, tags, keywords, other names), each once, in order."""
        labels: dict[str, None] = {}  # in order, each once (a set would lose the order)
        one = "topic" if key == "topics" else f"{key} item"
        for item in self.items(data, key, at, where):
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                label = " ".join(str(item).split())
                if not label.isascii():
                    cleaned = clean(label)
                    if _replaced(label, cleaned):
                        self.warn(at(key), f"{where}{one} {show(cleaned)} holds invalid Unicode "
                                           f"(unpaired surrogates); replaced with U+FFFD")
                    label = cleaned
                if label:
                    labels[label] = None
            else:
                self.warn(at(key), f"{where}{one} {show(item)} is {kind(item)}, not a label; ignored")
        return list(labels)

    def unknown(self, data: dict, known: frozenset[str] | set[str], where: str,
                line: Callable[[], int | None]) -> None:
        """Note the keys of a mapping that kg does not read (``where``: the mapping's place;
        ``line`` finds the line to report a problem at)."""
        if data.keys() <= known:  # the common case: all known
            return
        for key in data:
            if not isinstance(key, str):
                self.warn(line(), f"{where}field name {show(key)} is not text; ignored")
            elif key not in known:
                self.unmapped.add(where + key)

    def images(self, value: Any, line: Callable[[], int | None], where: str) -> list[Image]:
        """``line``: finds the line to report a problem at (only when there is one)."""
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        out = []

        def at(_key: str) -> int | None:
            return line()

        for i, item in enumerate(items):
            if isinstance(item, str):
                item = {"url": item}
            if not isinstance(item, dict):
                self.warn(line(), f"{where}[{i}] is {kind(item)}, not an image (a mapping or a URL); ignored")
                continue
            here = f"{where}[{i}]."
            self.unknown(item, IMAGE_FIELDS, here, line)
            url = self.url(item, "url", at, here)
            if url is None:
                if "url" not in item:
                    self.warn(line(), f"{where}[{i}] has no url; image ignored")
                continue
            image = Image(url)
            for key, attr, read in _IMAGE_VALUES:
                if key in item:
                    setattr(image, attr, getattr(self, _READERS[read])(item, key, at, here))
            out.append(image)
        return out

    def provider(self, data: dict, at: Where, where: str, article_url: str) -> Provider | None:
        value = data.get("provider")
        if value is None:
            return None
        if isinstance(value, str):
            is_domain = re.fullmatch(r"[\w.-]+\.\w+", value.strip())
            value = {"name": value, "domain": value} if is_domain else {"name": value}
        if not isinstance(value, dict):
            self.warn(at("provider"), f"{where}provider is {kind(value)}, not a mapping; field dropped")
            return None

        def here(_key: str) -> int | None:
            return at("provider")

        self.unknown(value, PROVIDER_KEYS, where + "provider.", lambda: at("provider"))
        name = self.text(value, "name", here, where + "provider.")
        domain = self.text(value, "domain", here, where + "provider.")
        if domain is not None:
            try:
                site_url(domain)
            except UnusableURL:
                self.warn(at("provider"), f"{where}provider.domain {show(domain)} is not a domain name; "
                                          f"the article's own site is used")
                domain = None
        if domain is None:
            # One node per domain: without one, the article's own site stands for it.
            domain = urlsplit(article_url).hostname or ""
        logos = self.images(value.get("images"), lambda: at("provider"), where + "provider.images")
        if not domain:
            return None
        return Provider(name, domain, logos)


_SURROGATES = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Join surrogate pairs (JSON-style "\\ud83d\\ude00" escapes) into their character;
    replace unpaired ones, which UTF-8 and so RDF cannot carry, with U+FFFD."""
    if not _SURROGATES.search(text):
        return text
    return _SURROGATES.sub("\ufffd", text.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))


def _replaced(before: str, after: str) -> bool:
    return after.count("\ufffd") > before.count("\ufffd")


def show(value: object) -> str:
    """A value as the author wrote it, quoted for a message, cut short (aliases can make values huge)."""
    if isinstance(value, str):
        text = f"'{value[:80]}'"
    elif isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, (list, dict, set, tuple)):
        text = reprlib.repr(value)
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
