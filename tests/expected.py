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
            parts = re.split(r"^---[ \t]*$", path.read_text(encoding="utf-8"), maxsplit=2, flags=re.MULTILINE)
            out.append(yaml.safe_load(parts[1]))
    return out


def canon(url: str) -> str:
    p = urlsplit(url.strip())
    query = "&".join(q for q in p.query.split("&") if q and not q.lower().startswith("utm_"))
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), p.path or "/", query, ""))


def provider_key(domain: str) -> str:
    d = domain.strip().lower()
    return d.removeprefix("www.")


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


class NetworkAnswers(Answers):
    """The derived networks (graph.network.derived), counted from the YAML alone."""

    def articles(self) -> dict[str, dict]:
        """article URL -> its first file's front matter (a URL in two files is one article)"""
        out: dict[str, dict] = {}
        for d in self.docs:
            out.setdefault(canon(d["webUrl"]), d)
        return out

    def provider_links(self) -> dict[tuple[str, str], int]:
        """(domain of the linking article's provider, domain of the linked one's) -> related links"""
        articles = self.articles()
        publisher = {url: provider_key(d["provider"]["domain"]) for url, d in articles.items()}
        related: dict[str, dict[str, dict]] = defaultdict(dict)  # article -> related URL -> entry
        for d in self.docs:
            for r in d.get("related") or []:
                related[canon(d["webUrl"])].setdefault(canon(r["webUrl"]), r)
        links: Counter = Counter()
        for url, targets in related.items():
            for target, entry in targets.items():
                if target == url:
                    continue
                b = publisher.get(target)
                if b is None and (entry.get("provider") or {}).get("domain"):
                    b = provider_key(entry["provider"]["domain"])
                if b is not None:
                    links[publisher[url], b] += 1
        return dict(links)

    def related_topics(self) -> int:
        return sum(1 for d in self.docs for r in d.get("related") or [] if r.get("topics"))

    def article_topic_pairs(self) -> dict[frozenset, int]:
        """{topic, topic} (case-folded labels) -> articles about both"""
        return dict(Counter(frozenset(p) for d in self.articles().values()
                            for p in combinations(sorted(topics_of(d)), 2)))

    def published_values(self) -> Counter:
        """published: true / false / absent, over the articles with a file"""
        return Counter({True: "true", False: "false"}.get(d.get("published"), "") for d in self.articles().values())
