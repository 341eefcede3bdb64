"""Site data records: ``taxonomy: organization`` and ``taxonomy: topic``.

A Jekyll news site describes the organisations it cites in ``_data/organizations/*.md``
(front matter) and its topics in ``_data/topics/*.yaml``; the same records may come
from any file or JSON item that says its ``taxonomy``. Their fields are declared in
graph/fields.py (ORGANIZATION_RECORD, TOPIC_RECORD) and read with the article's
readers (the same repairs, site-relative logo URLs resolved the same way). How a
record's values meet the articles' (which name wins, what is reported) is the
resolver's rule (graph/identity/resolve.py).
"""
from __future__ import annotations

from .. import fields as F
from ..identity.iris import site_url
from ..identity.urls import UnusableURL
from ..problems import ERROR, Problem
from ..records import Parsed, SiteRecord
from .build import Reader, clean, show
from .files import Document

_KEYS = {kind: frozenset(f.key for f in fields) for kind, fields in F.RECORD_KINDS.items()}


def is_site_record(doc: Document) -> bool:
    """A document that says its ``taxonomy`` is a site data record, not an article."""
    return "taxonomy" in doc.data


def to_site_record(doc: Document) -> Parsed:
    reader = Reader(doc)
    reader.problems.extend(doc.problems)
    data = doc.data
    taxonomy = data.get("taxonomy")
    kind = taxonomy.strip().lower() if isinstance(taxonomy, str) else None
    if kind not in F.RECORD_KINDS:
        return Parsed(None, reader.problems, set(), passed=f"a {show(taxonomy)} record "
                                                          f"(kg reads organization and topic records)")

    def at(key: str) -> int | None:
        return doc.line(key)

    reader.unknown(data, _KEYS[kind], "", lambda: None)
    name = reader.text(data, "name", at, "")
    record = SiteRecord(kind, "", reader.rel, name=name)
    if kind == "organization":
        domain = reader.text(data, "domain", at, "")
        if domain is not None:
            try:
                site_url(domain)
            except UnusableURL:
                reader.warn(at("domain"), f"domain {show(domain)} is not a domain name; field dropped")
                domain = None
        if domain is None:
            return _skipped(reader, at("domain"), "organization record has no usable domain")
        record.key = domain
        record.other_names = reader.labels(data, "otherNames", at, "")
        record.description = reader.text(data, "description", at, "")
    else:
        if name is None:
            return _skipped(reader, at("name"), "topic record has no name")
        record.key = name
        record.other_names = reader.labels(data, "keywords", at, "")
    record.identifier = reader.text(data, "_id", at, "")
    record.images = reader.images(data.get("images"), lambda: at("images"), "images")
    if doc.body.strip() and record.description is None and kind == "organization":
        record.description = clean(doc.body.strip())  # a record's text below its front matter
    return Parsed(None, reader.problems, reader.unmapped, record=record)


def _skipped(reader: Reader, line: int | None, message: str) -> Parsed:
    reader.problems.append(Problem(reader.path, reader.where(line), ERROR, f"{message}; record skipped"))
    return Parsed(None, reader.problems, reader.unmapped)
