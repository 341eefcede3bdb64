"""The typed records the read stage makes and the later stages consume.

An Article is a full article (its own file) or a stub (an item of another
article's ``related``); values are already repaired and URLs in normal form.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .problems import Problem


@dataclass
class Image:
    url: str
    width: int | None = None
    height: int | None = None
    caption: str | None = None
    is_cached: bool | None = None


@dataclass
class Provider:
    name: str | None
    domain: str
    logos: list[Image] = field(default_factory=list)


@dataclass
class Article:
    """A full article (its own file) or a stub (an item of another article's `related`)."""

    url: str                       # normalized, before AMP folding: identify decides identity
    source: str                    # path of the file, relative to its input root
    stub: bool = False
    headline: str | None = None
    abstract: str | None = None
    section: str | None = None
    body: str | None = None
    published: datetime | None = None
    provider: Provider | None = None
    topics: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    related: list[Article] = field(default_factory=list)
    quality: int | None = None
    heat: int | None = None
    is_published: bool | None = None
    amp_url: str | None = None
    cdn_amp_url: str | None = None
    original_url: str | None = None
    featured: str | None = None
    modified: datetime | None = None
    keywords: list[str] = field(default_factory=list)
    kind: str | None = None          # the item's `type` as written; None: an article

    def filled(self) -> int:
        """How many descriptive fields a record has (picks between two stubs)."""
        values = (self.headline, self.abstract, self.section, self.published, self.provider,
                  self.quality, self.heat, self.is_published, self.amp_url, self.cdn_amp_url)
        return sum(v is not None for v in values) + bool(self.images)


@dataclass
class SiteRecord:
    """A site data record (``taxonomy: organization`` or ``topic``): it describes the
    provider of its domain or the topic of its name, and no article."""

    kind: str                      # 'organization' or 'topic' (fields.RECORD_KINDS)
    key: str                       # an organization's domain, a topic's name
    source: str                    # path of the file, relative to its input root
    name: str | None = None
    other_names: list[str] = field(default_factory=list)  # otherNames; a topic's keywords
    description: str | None = None
    identifier: str | None = None  # the record's _id
    images: list[Image] = field(default_factory=list)     # an organization's logos, a topic's images


@dataclass
class Parsed:
    """What one file yields: its article or record (None when skipped), problems,
    unknown fields; ``passed``: why the file is not an item at all (no front matter, ...)."""

    article: Article | None
    problems: list[Problem]
    unmapped: set[str]
    record: SiteRecord | None = None
    passed: str | None = None
