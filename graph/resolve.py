"""Identity resolution over the whole corpus: one node per article, provider, topic, image.

Rules (README "Identity" documents them for users):
- Article IRI: the canonical URL. A document's own pair (webUrl with its
  ampWebUrl / cdnAmpWebUrl) is authoritative; otherwise the generic AMP folding
  of identify.fold_amp applies.
- Values of an article: its first full article (in source order) wins; a stub
  never adds values to an article that has a file. Between stubs, the one with
  the most filled fields wins, then the earliest (source path, position).
- Providers: one per domain (lower-case, without www.). Name: the most frequent
  among the provider's own full articles, else among all mentions; ties go to
  the alphabetically first; a provider never named is named by its domain
  (the shapes require a name). Other names become alternate names.
- Topics: one per label compared case- and space-insensitively; the most
  frequent spelling is the preferred label, ties to the alphabetically first.
- Images: one per URL; conflicting sizes: the most frequent, then the first met.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .identify import fold_amp, provider_key, topic_key
from .problems import WARNING, Problem
from .records import Article, Image


@dataclass
class Merge:
    """One node that several inputs were merged into, and why."""

    kind: str
    node: str
    inputs: list[str]
    reason: str


@dataclass
class ProviderInfo:
    name: str | None
    alternate_names: list[str]
    domain: str
    logos: list[str]


@dataclass
class TopicInfo:
    label: str
    alt_labels: list[str]


@dataclass
class Resolution:
    alias: dict[str, str] = field(default_factory=dict)     # URL -> article IRI
    full: dict[str, Article] = field(default_factory=dict)  # IRI -> record whose values win
    stub: dict[str, Article] = field(default_factory=dict)  # IRI -> chosen stub (no file)
    sources: dict[str, list[str]] = field(default_factory=dict)  # IRI -> its files
    providers: dict[str, ProviderInfo] = field(default_factory=dict)  # key -> info
    topics: dict[str, TopicInfo] = field(default_factory=dict)        # key -> info
    images: dict[str, Image] = field(default_factory=dict)            # URL -> chosen
    merges: list[Merge] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def article_iri(self, url: str) -> str:
        if url in self.alias:
            return self.alias[url]
        folded = fold_amp(url)
        return self.alias.get(folded, folded)

    def describes(self, record: Article) -> bool:
        """Does this record supply the single-valued fields of its node?"""
        iri = self.article_iri(record.url)
        return self.full.get(iri, self.stub.get(iri)) is record


def resolve(articles: list[Article]) -> Resolution:
    articles = sorted(articles, key=lambda a: a.source)
    res = Resolution()
    _resolve_articles(articles, res)
    _resolve_providers(articles, res)
    _resolve_topics(articles, res)
    _resolve_images(articles, res)
    return res


def _stubs(articles):
    for art in articles:
        yield from art.related


def _resolve_articles(articles: list[Article], res: Resolution) -> None:
    # 1. full articles own their URL; 2. their AMP/CDN pairs; 3. pairs given by stubs.
    own: dict[str, Article] = {}
    for art in articles:
        own.setdefault(fold_amp(art.url), art)
    for art in articles:
        _add_aliases(res, own, fold_amp(art.url), art)
    for rel in _stubs(articles):
        _add_aliases(res, own, res.article_iri(rel.url), rel)

    forms: dict[str, set[str]] = defaultdict(set)
    for art in articles:
        iri = res.article_iri(art.url)
        forms[iri].add(f"{art.source} (file)")
        res.sources.setdefault(iri, []).append(art.source)
        res.full.setdefault(iri, art)
    for iri, files in res.sources.items():
        if len(files) > 1:
            res.problems.append(Problem(files[1], None, WARNING,
                                        f"the article {iri} is also in {', '.join(f for f in files if f != files[1])}; "
                                        f"merged into one node, values from {files[0]}"))

    candidates: dict[str, list[tuple]] = defaultdict(list)
    for art in articles:
        for i, rel in enumerate(art.related):
            iri = res.article_iri(rel.url)
            forms[iri].add(f"{art.source} related[{i}] {rel.url}")
            if iri not in res.full:
                candidates[iri].append((-rel.filled(), art.source, i, rel))
    for iri, found in candidates.items():
        res.stub[iri] = min(found, key=lambda c: c[:3])[3]

    for iri in sorted(forms):
        if len(forms[iri]) > 1:
            kind = "article" if iri in res.full else "related article"
            res.merges.append(Merge(kind, iri, sorted(forms[iri]), "same canonical URL (AMP/CDN forms folded)"))


def _add_aliases(res: Resolution, own: dict, target: str, art: Article) -> None:
    """Point every URL form of this record at its node; a full article's own URL is never re-pointed."""
    for variant in (art.url, art.amp_url, art.cdn_amp_url):
        if variant:
            for key in (variant, fold_amp(variant)):
                if key != target and key not in own and key not in res.alias:
                    res.alias[key] = target


def _resolve_providers(articles: list[Article], res: Resolution) -> None:
    own_names: dict[str, Counter] = defaultdict(Counter)
    all_names: dict[str, Counter] = defaultdict(Counter)
    domains: dict[str, Counter] = defaultdict(Counter)
    logos: dict[str, list[str]] = defaultdict(list)
    for art in articles:
        for rec, is_own in [(art, True)] + [(r, False) for r in art.related]:
            prov = rec.provider
            if prov is None:
                continue
            key = provider_key(prov.domain)
            domains[key][prov.domain] += 1
            if prov.name:
                all_names[key][prov.name] += 1
                if is_own:
                    own_names[key][prov.name] += 1
            for logo in prov.logos:
                if logo.url not in logos[key]:
                    logos[key].append(logo.url)
    for key in sorted(domains):
        counts = own_names[key] or all_names[key]
        name = _most_frequent(counts) or key
        others = sorted(n for n in all_names[key] if n != name)
        res.providers[key] = ProviderInfo(name, others, key, sorted(logos[key]))
        spellings = set(domains[key]) | set(all_names[key])
        if len(spellings) > 2 or len(all_names[key]) > 1:
            res.merges.append(Merge("provider", key, sorted(spellings), "same domain (case and www. ignored)"))


def _resolve_topics(articles: list[Article], res: Resolution) -> None:
    spellings: dict[str, Counter] = defaultdict(Counter)
    for art in articles:
        for label in art.topics:
            spellings[topic_key(label)][label] += 1
    for key in sorted(spellings):
        label = _most_frequent(spellings[key])
        res.topics[key] = TopicInfo(label, sorted(s for s in spellings[key] if s != label))
        if len(spellings[key]) > 1:
            res.merges.append(Merge("topic", key, sorted(spellings[key]), "same label ignoring case and spaces"))


def _resolve_images(articles: list[Article], res: Resolution) -> None:
    seen: dict[str, list[Image]] = defaultdict(list)
    where: dict[str, list[str]] = defaultdict(list)
    for art in articles:
        for rec in [art] + art.related:
            images = list(rec.images) + (list(rec.provider.logos) if rec.provider else [])
            for image in images:
                seen[image.url].append(image)
                where[image.url].append(art.source)
    for url, images in seen.items():
        sizes = Counter((i.width, i.height) for i in images if i.width is not None or i.height is not None)
        best = max(sizes, key=lambda s: (sizes[s], -list(sizes).index(s))) if sizes else (None, None)
        chosen = Image(url, *best)
        chosen.caption = next((i.caption for i in images if i.caption), None)
        chosen.is_cached = next((i.is_cached for i in images if i.is_cached is not None), None)
        res.images[url] = chosen
        if len(sizes) > 1:
            res.problems.append(Problem(where[url][0], None, WARNING,
                                        f"image {url} has different sizes "
                                        f"({', '.join(f'{w}x{h}' for w, h in sizes)}); {best[0]}x{best[1]} kept"))
        if len(images) > 1:
            res.merges.append(Merge("image", url, sorted(set(where[url])), "same image URL"))


def _most_frequent(counts: Counter) -> str | None:
    if not counts:
        return None
    return min(counts, key=lambda name: (-counts[name], name))
