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

    def filled(self) -> int:
        """How many descriptive fields a record has (picks between two stubs)."""
        values = (self.headline, self.abstract, self.section, self.published, self.provider,
                  self.quality, self.heat, self.is_published, self.amp_url, self.cdn_amp_url)
        return sum(v is not None for v in values) + bool(self.images)


@dataclass
class Parsed:
    """What one file yields: its article (None when skipped), problems, unknown fields."""

    article: Article | None
    problems: list[Problem]
    unmapped: set[str]
