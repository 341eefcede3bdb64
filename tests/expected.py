"""Answers to the bundled queries computed straight from the YAML of a corpus, without kg's code.

The tests compare every bundled query's result with these. Identity here is
deliberately simple (scheme and host lower-cased, #fragment and utm_* dropped,
providers by lower-cased domain without www., topics by case-folded label),
enough for the real corpus; the tests check that no AMP forms are involved.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import timezone
from itertools import combinations
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml


def front_matters(folder: Path) -> list[dict]:
    out = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".md", ".txt", ".markdown") and path.is_file():
            parts = re.split(r"^---[ \t]*$", path.read_text(encoding="utf-8"), maxsplit=2, flags=re.M)
            out.append(yaml.safe_load(parts[1]))
    return out


def canon(url: str) -> str:
    p = urlsplit(url.strip())
    query = "&".join(q for q in p.query.split("&") if q and not q.lower().startswith("utm_"))
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), p.path or "/", query, ""))


def provider_key(domain: str) -> str:
    d = domain.strip().lower()
    return d[4:] if d.startswith("www.") else d


def topics_of(doc: dict) -> set[str]:
    return {" ".join(t.split()).casefold() for t in doc.get("topics") or []}


class Answers:
    """Everything the bundled queries count, for one corpus."""

    def __init__(self, folder: Path):
        self.docs = front_matters(folder)
        self.urls = {canon(d["webUrl"]) for d in self.docs}

    def has_amp_forms(self) -> bool:
        links = [r["webUrl"] for d in self.docs for r in d.get("related") or []] + [d["webUrl"] for d in self.docs]
        return any(re.search(r"ampproject|//amp\.|/amp\b|[?&]amp\b|outputtype=amp|\.amp\.", u.lower())
                   for u in links)

    def per_provider(self) -> dict[str, int]:
        """site URL -> articles"""
        return dict(Counter(f"https://{provider_key(d['provider']['domain'])}/" for d in self.docs))

    def provider_names(self) -> dict[str, set[str]]:
        names = defaultdict(set)
        for d in self.docs:
            names[f"https://{provider_key(d['provider']['domain'])}/"].add(d["provider"]["name"])
        return names

    def per_topic(self) -> dict[str, int]:
        return dict(Counter(t for d in self.docs for t in topics_of(d)))

    def topic_pairs(self) -> dict[frozenset, int]:
        return dict(Counter(frozenset(p) for d in self.docs for p in combinations(sorted(topics_of(d)), 2)))

    def per_month(self) -> dict[str, int]:
        return dict(Counter(d["publishedDateTime"].astimezone(timezone.utc).strftime("%Y-%m") for d in self.docs))

    def providers_for(self, topic: str) -> dict[str, int]:
        key = topic.casefold()
        return dict(Counter(f"https://{provider_key(d['provider']['domain'])}/"
                            for d in self.docs if key in topics_of(d)))

    def network(self, topic: str) -> set[tuple[str, str, bool]]:
        """(article, related, related article has a file)"""
        key = topic.casefold()
        return {(canon(d["webUrl"]), canon(r["webUrl"]), canon(r["webUrl"]) in self.urls)
                for d in self.docs if key in topics_of(d) for r in d.get("related") or []}

    def headlines(self) -> dict[str, str]:
        return {canon(d["webUrl"]): d["title"] for d in self.docs}

    def linked_from(self) -> dict[str, int]:
        """related URL -> number of articles linking to it"""
        return dict(Counter(u for d in self.docs for u in {canon(r["webUrl"]) for r in d.get("related") or []}))

    def outside(self) -> dict[str, int]:
        return {u: n for u, n in self.linked_from().items() if u not in self.urls}

    def most_linked(self, limit: int = 25) -> list[tuple[str, int]]:
        return sorted(self.linked_from().items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
