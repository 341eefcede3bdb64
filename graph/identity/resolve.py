"""Identity resolution over the whole corpus: one node per article, provider, topic, image.

The resolver sees every file once (the first pass), in path order, and keeps
only what identity needs: URLs, which file owns which node, counts of names.
The mapper then reads the files again (the second pass) and describes each node
in exactly one file's graph, so no triple is written twice and nothing but
these tables has to stay in memory.

Rules (README "Identity" documents them for users):
- Article IRI: identify.canonical_iri. A document's own pair (webUrl with its
  ampWebUrl / cdnAmpWebUrl) is authoritative; otherwise the generic AMP folding
  applies.
- An article with a file is described by its first file in path order (others
  add only their links and kg:sourceFile); a stub never adds values to it.
  Between stubs of one article, the one with the most filled fields wins, then
  the first in (path, position) order.
- Providers: one per domain (lower-case, without www.). Name: the most frequent
  among the provider's own full articles, else among all mentions; ties go to
  the alphabetically first. Other names become alternate names.
- Topics: one per label compared case- and space-insensitively; the most
  frequent spelling is the preferred label, ties to the alphabetically first.
- Site data records (records.SiteRecord) describe the provider of their domain
  and the topic of their name, which exist then even without an article. A
  record's name is the node's name (schema:name, skos:prefLabel): the site's own
  data wins over the spellings of its articles, which become alternate names
  (altLabels), and an article name the record does not know (as its name or one
  of its otherNames) is reported as a contradiction. The record's other values
  (description, _id, otherNames, keywords, logos and images) are added. Of two
  records of one node, the first in path order gives the single values.
- Images: one per URL, described by the first mention (path order) that links to
  it and gives a size, else the first that links to it; other sizes: a warning.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from sys import intern
from typing import NamedTuple

from ..problems import WARNING, Problem
from ..records import Article, Image, SiteRecord
from .iris import provider_iri, provider_key, topic_iri, topic_key
from .urls import canonical_url

ARTICLE = -1  # the position of a file's own article, beside related[0], related[1], ...


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
    description: str | None = None   # from its organization record
    identifier: str | None = None


@dataclass
class TopicInfo:
    label: str
    alt_labels: list[str]
    hidden_labels: list[str] = field(default_factory=list)  # its record's keywords
    notation: str | None = None
    images: list[str] = field(default_factory=list)


def image_mentions(art: Article) -> Iterator[tuple[int, Image, bool]]:
    """Every image a file mentions: (position of the record that mentions it, ARTICLE
    or a related index; the image; is it a provider logo), in the order both passes use."""
    for pos, rec in [(ARTICLE, art)] + list(enumerate(art.related)):
        yield from ((pos, image, False) for image in rec.images)
        if rec.provider is not None:
            yield from ((pos, logo, True) for logo in rec.provider.logos)


class Facts(NamedTuple):
    """What identity resolution needs from one file: its URLs, names and labels, no texts.

    Made where the file is read (a worker process), so that only these small tuples
    travel to the process that resolves the corpus."""

    url: str
    amp_url: str | None
    cdn_amp_url: str | None
    related: tuple[tuple[str, str | None, str | None, int], ...]  # (url, amp, cdn, filled()) per item
    mentions: tuple[tuple[int, str, int | None, int | None, bool], ...]  # (pos, url, width, height, logo)
    providers: tuple[tuple[int, str, str | None, tuple[str, ...]], ...]  # (pos, domain, name, logo URLs)
    topics: tuple[str, ...]


class RecordFacts(NamedTuple):
    """What identity resolution needs from a site data record: all of it but the
    sizes of its images, which travel as image mentions."""

    kind: str
    key: str
    name: str | None
    other_names: tuple[str, ...]
    description: str | None
    identifier: str | None
    mentions: tuple[tuple[int, str, int | None, int | None, bool], ...]


def record_mentions(rec: SiteRecord) -> Iterator[tuple[int, Image, bool]]:
    """A record's images, as image_mentions gives an article's (a record is one node)."""
    return ((ARTICLE, image, rec.kind == "organization") for image in rec.images)


def record_facts_of(rec: SiteRecord) -> RecordFacts:
    return RecordFacts(rec.kind, rec.key, rec.name, tuple(rec.other_names), rec.description, rec.identifier,
                       tuple((pos, image.url, image.width, image.height, logo)
                             for pos, image, logo in record_mentions(rec)))


def facts_of(art: Article) -> Facts:
    records = [(ARTICLE, art)] + list(enumerate(art.related))
    return Facts(
        art.url, art.amp_url, art.cdn_amp_url,
        tuple((rel.url, rel.amp_url, rel.cdn_amp_url, rel.filled()) for rel in art.related),
        tuple((pos, image.url, image.width, image.height, logo) for pos, image, logo in image_mentions(art)),
        tuple((pos, rec.provider.domain, rec.provider.name, tuple(logo.url for logo in rec.provider.logos))
              for pos, rec in records if rec.provider is not None),
        tuple(art.topics),
    )


class Decisions(NamedTuple):
    """What the resolution decided for one file: all the mapper needs beyond the record."""

    node: str                      # the IRI of the file's article
    owner: bool                    # this file gives the article's values (its first file in path order)
    related: tuple[str, ...]       # the IRI of each related item
    described: frozenset[int]      # related items whose node this file describes (positions)
    images: frozenset[int]         # image mentions this file describes (their nth, see image_mentions)


@dataclass
class Resolution:
    alias: dict[str, str] = field(default_factory=dict)       # URL -> article IRI
    files: dict[str, int] = field(default_factory=dict)  # article IRI -> the file that describes it
    copies: dict[str, list[int]] = field(default_factory=dict)  # IRI -> all its files, where several
    stubs: dict[str, tuple[int, int]] = field(default_factory=dict)  # IRI -> (file, position) describing it
    images: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # URL -> (file, position, nth)
    providers: dict[str, ProviderInfo] = field(default_factory=dict)  # key -> info
    topics: dict[str, TopicInfo] = field(default_factory=dict)        # key -> info
    merges: Counter = field(default_factory=Counter)                  # kind -> nodes merged
    explained: list[Merge] = field(default_factory=list)              # when asked for
    problems: list[Problem] = field(default_factory=list)

    def article_iri(self, url: str) -> str:
        """The node of an article URL, with the corpus's own URL pairs."""
        return canonical_url(url, self.alias)

    def decide(self, index: int, art: Article) -> Decisions:
        """What file number ``index`` (its record ``art``) describes, and which IRIs its links take."""
        node = self.article_iri(art.url)
        related = tuple(self.article_iri(rel.url) for rel in art.related)
        return Decisions(
            node, self.files[node] == index, related,
            frozenset(i for i, iri in enumerate(related) if self.stubs.get(iri) == (index, i)),
            frozenset(nth for nth, (pos, image, _logo) in enumerate(image_mentions(art))
                      if self.images.get(image.url) == (index, pos, nth)),
        )

    def decide_record(self, index: int, base: str, rec: SiteRecord) -> Decisions:
        """What file number ``index``, a site data record, describes: images only (its
        provider or topic is described with the corpus)."""
        node = provider_iri(base, rec.key) if rec.kind == "organization" else topic_iri(base, rec.key)
        return Decisions(node, False, (), frozenset(),
                         frozenset(nth for nth, (pos, image, _logo) in enumerate(record_mentions(rec))
                                   if self.images.get(image.url) == (index, pos, nth)))


class Resolver:
    """Collects what identity needs from each file; finish() decides.

    Files may come in any order, and resolvers of disjoint sets of files merge
    (``merge``) into the resolver of their union: every choice is made in
    finish(), by path order (the file index), never by arrival order.
    It holds a few entries per article for the whole run, so they are kept small:
    plain tuples, a bare value where most keys have one, URLs interned."""

    def __init__(self, names: Sequence[str], explain: bool = False):
        self.names = names                                 # file index -> relative path
        self.explain = explain
        self.own: dict[str, int | list[int]] = {}          # folded URL of a full article -> its file(s)
        self.pairs: list[tuple[int, str, tuple]] = []      # (file, own URL, its URL forms) of full articles
        self.stub_pairs: list[tuple[int, int, str, tuple]] = []  # (file, position, URL, forms) from related items
        self.stub_candidates: dict[str, list] = {}         # URL -> [-filled, file, pos, mentions] of the best
        self.mentions: dict[str, tuple | list[tuple]] = {}  # image URL -> (file, pos, nth, stub URL, w, h)...
        self.own_names: dict[str, Counter] = defaultdict(Counter)
        self.all_names: dict[str, Counter] = defaultdict(Counter)
        self.spellings: dict[str, set] = defaultdict(set)  # provider key -> domain spellings
        self.logos: dict[str, set] = defaultdict(set)
        self.labels: dict[str, Counter] = defaultdict(Counter)
        self.forms: dict[str, set] = defaultdict(set)      # URL -> inputs (explain only)
        self.records: dict[str, list[tuple[int, RecordFacts]]] = defaultdict(list)  # node key -> its records

    def add(self, index: int, facts: Facts) -> None:
        """Take what file number ``index`` (in path order) says about identity."""
        url = intern(canonical_url(facts.url))
        files = self.own.setdefault(url, index)
        if files != index:
            self.own[url] = _more(files, index)
        if facts.amp_url or facts.cdn_amp_url or url != facts.url:
            self.pairs.append((index, url, (facts.url, facts.amp_url, facts.cdn_amp_url)))
        if self.explain:
            self.forms[url].add((f"{self.names[index]} (file)", facts.url))
        for i, (rel_url, amp, cdn, filled) in enumerate(facts.related):
            rel_url = intern(rel_url)
            if amp or cdn:
                self.stub_pairs.append((index, i, rel_url, (rel_url, amp, cdn)))
            self._candidate(rel_url, [-filled, index, i, 1])
            if self.explain:
                self.forms[rel_url].add((f"{self.names[index]} related[{i}]", rel_url))
        for nth, (pos, image_url, width, height, logo) in enumerate(facts.mentions):
            # the article's images and every logo are always linked; a related item's
            # images only when that item describes its node
            stub_url = facts.related[pos][0] if pos != ARTICLE and not logo else None
            mention = (index, pos, nth, stub_url, width, height)
            image_url = intern(image_url)
            seen = self.mentions.setdefault(image_url, mention)
            if seen is not mention:
                self.mentions[image_url] = _more(seen, mention)
        for pos, domain, name, logos in facts.providers:
            key = provider_key(domain)
            self.spellings[key].add(domain)
            if name:
                self.all_names[key][name] += 1
                if pos == ARTICLE:
                    self.own_names[key][name] += 1
            self.logos[key].update(logos)
        for label in facts.topics:
            self.labels[topic_key(label)][label] += 1

    def add_record(self, index: int, facts: RecordFacts) -> None:
        """Take what file number ``index``, a site data record, says."""
        if facts.kind == "organization":
            key = provider_key(facts.key)
            self.records["organization " + key].append((index, facts))
            self.logos[key].update(url for _pos, url, _w, _h, _logo in facts.mentions)
        else:
            self.records["topic " + topic_key(facts.key)].append((index, facts))
        for nth, (pos, image_url, width, height, _logo) in enumerate(facts.mentions):
            mention = (index, pos, nth, None, width, height)
            image_url = intern(image_url)
            seen = self.mentions.setdefault(image_url, mention)
            if seen is not mention:
                self.mentions[image_url] = _more(seen, mention)

    def _candidate(self, url: str, candidate: list) -> None:
        best = self.stub_candidates.get(url)
        if best is None:
            self.stub_candidates[url] = candidate
        else:
            if tuple(candidate[:3]) < tuple(best[:3]):
                best[:3] = candidate[:3]
            best[3] += candidate[3]

    def merge(self, other: Resolver) -> None:
        """Take in what another resolver collected from files this one has not seen."""
        for url, files in other.own.items():
            own = self.own.get(url)
            self.own[url] = files if own is None else _more(own, files)
        self.pairs += other.pairs
        self.stub_pairs += other.stub_pairs
        for url, candidate in other.stub_candidates.items():
            self._candidate(url, list(candidate))
        for url, mentions in other.mentions.items():
            seen = self.mentions.get(url)
            self.mentions[url] = mentions if seen is None else _more(seen, mentions)
        for table in ("own_names", "all_names", "labels"):
            for key, counts in getattr(other, table).items():
                getattr(self, table)[key].update(counts)
        for table in ("spellings", "logos", "forms"):
            for key, values in getattr(other, table).items():
                getattr(self, table)[key] |= values
        for key, records in other.records.items():
            self.records[key] += records

    def finish(self) -> Resolution:
        # Merged resolvers may have seen files out of order: choices, and the order of
        # what is reported, follow path order (as if the files had come one by one).
        self.pairs.sort(key=lambda p: p[0])
        self.stub_pairs.sort(key=lambda p: p[:2])
        for files in self.own.values():
            if isinstance(files, list):
                files.sort()
        for mentions in self.mentions.values():
            if isinstance(mentions, list):
                mentions.sort(key=lambda m: m[:3])
        for records in self.records.values():
            records.sort(key=lambda r: r[0])
        self.own = dict(sorted(self.own.items(), key=lambda item: _first(item[1])))
        self.mentions = dict(sorted(self.mentions.items(), key=lambda item: _first(item[1])[:3]))
        res = Resolution()
        self._articles(res)
        self._images(res)
        self._providers(res)
        self._topics(res)
        return res

    # -- articles ---------------------------------------------------------------------

    def _articles(self, res: Resolution) -> None:
        # Full articles own their URL; then their AMP/CDN pairs; then pairs given by stubs.
        for _, target, forms in self.pairs:
            self._alias(res, target, forms)
        for _, _, url, forms in self.stub_pairs:
            self._alias(res, res.article_iri(url), forms)
        for url, files in self.own.items():
            iri = res.article_iri(url)
            if isinstance(files, list) or iri in res.files:  # one article in several files
                known = res.copies.get(iri) or ([res.files[iri]] if iri in res.files else [])
                res.copies[iri] = sorted(known + (files if isinstance(files, list) else [files]))
                res.files[iri] = res.copies[iri][0]
            else:
                res.files[iri] = files
        for iri, files in res.copies.items():
            names = [self.names[i] for i in files]
            res.problems.append(Problem(names[0], None, WARNING,
                                        f"the article {iri} is also in {_some(names[1:])}; merged into "
                                        f"one node, both files recorded, single values taken from {names[0]}"))
        best: dict[str, tuple] = {}
        for url, candidate in self.stub_candidates.items():
            iri = res.article_iri(url)
            score = tuple(candidate[:3])
            if iri not in res.files and (iri not in best or score < best[iri]):
                best[iri] = score
        res.stubs = {iri: (score[1], score[2]) for iri, score in best.items()}
        # A node is a merge when more than one input (file or related item) names it.
        inputs: Counter = Counter()
        for iri in res.files:
            inputs[iri] += len(res.copies.get(iri, (iri,)))
        for url, candidate in self.stub_candidates.items():
            inputs[res.article_iri(url)] += candidate[3]
        for iri, n in inputs.items():
            if n > 1:
                res.merges["article" if iri in res.files else "related article"] += 1
        if self.explain:
            self._explain_articles(res, inputs)

    def _alias(self, res: Resolution, target: str, forms: tuple) -> None:
        """Point every URL form at its node; a full article's own URL is never re-pointed."""
        for variant in forms:
            if variant:
                for key in (variant, canonical_url(variant)):
                    if key != target and key not in self.own and key not in res.alias:
                        res.alias[key] = target

    def _explain_articles(self, res: Resolution, inputs: Counter) -> None:
        grouped: dict[str, set] = defaultdict(set)
        for url, forms in self.forms.items():
            grouped[res.article_iri(url)].update(forms)
        for iri in sorted(grouped):
            if inputs[iri] > 1:
                urls = {url for _, url in grouped[iri]}
                reason = ("the same URL" if urls == {iri} else
                          "the same article under other URL forms (AMP/CDN pairs of the corpus, generic AMP forms)")
                items = sorted(f"{where} {url}" if url != iri else where for where, url in grouped[iri])
                kind = "article" if iri in res.files else "related article"
                res.explained.append(Merge(kind, iri, items, reason))

    # -- images -------------------------------------------------------------------------

    def _images(self, res: Resolution) -> None:
        for url, mentions in self.mentions.items():
            if not isinstance(mentions, list):
                mentions = [mentions]
            # A mention links to the image when its record is described: the file's own
            # article always; a related item only when it describes its (stub) node.
            linking = [m for m in mentions if m[3] is None or self._describes_stub(res, m)]
            if not linking:  # only met in related items that do not describe their node
                continue
            chosen = next((m for m in linking if _sized(m)), linking[0])
            res.images[url] = (chosen[0], chosen[1], chosen[2])
            sizes = {(m[4], m[5]) for m in mentions if _sized(m)}
            if len(sizes) > 1:
                shown = ", ".join(f"{w}x{h}" for w, h in sorted(sizes, key=str))
                res.problems.append(Problem(self.names[chosen[0]], None, WARNING,
                                            f"image {url} has different sizes ({shown}); "
                                            f"the size given in {self.names[chosen[0]]} is kept"))
            if len(mentions) > 1:
                res.merges["image"] += 1
                if self.explain:
                    res.explained.append(Merge("image", url, sorted({self.names[m[0]] for m in mentions}),
                                               "the same image URL"))

    def _describes_stub(self, res: Resolution, mention: tuple) -> bool:
        iri = res.article_iri(mention[3])
        return iri not in res.files and res.stubs.get(iri) == (mention[0], mention[1])

    # -- providers and topics -----------------------------------------------------------

    def _providers(self, res: Resolution) -> None:
        keys = set(self.spellings) | {k[len("organization "):] for k in self.records if k.startswith("organization ")}
        for key in sorted(keys):
            counts = self.own_names[key] or self.all_names[key]
            name = _most_frequent(counts) or key  # shapes want one name: the domain stands in
            records = self.records.get("organization " + key, [])
            known: set[str] = set()
            info = ProviderInfo(name, [], key, sorted(self.logos[key]))
            if records:
                name = self._record_values(res, "organization", key, records, info, known)
            others = {n for n in self.all_names[key] if n != name} | (known - {name})
            info.name, info.alternate_names = name, sorted(others)
            res.providers[key] = info
            spellings = self.spellings.get(key, set()) | set(self.all_names[key])
            if (len(self.spellings.get(key, ())) > 1 or len(self.all_names[key]) > 1
                    or (records and (key in self.spellings or len(records) > 1))):
                res.merges["provider"] += 1
                if self.explain:
                    res.explained.append(Merge("provider", key, sorted(spellings | {
                        f"{self.names[i]} (organization record)" for i, _ in records}),
                        "the same domain (case and www. ignored)"))

    def _record_values(self, res: Resolution, kind: str, key: str, records: list[tuple[int, RecordFacts]],
                       info: ProviderInfo | TopicInfo, known: set[str]) -> str:
        """Take a node's values from its records (the first in path order gives the single
        ones); return its name, and add to ``known`` the names the records give."""
        first_index, first = records[0]
        where = self.names[first_index]
        if len(records) > 1:
            res.problems.append(Problem(where, None, WARNING, f"the {kind} {key} also has the record"
                                        f"{'s' * (len(records) > 2)} {_some([self.names[i] for i, _ in records[1:]])}; "
                                        f"the single values of {where} are kept (the first in path order)"))
        for _, rec in records:
            if rec.name:
                known.add(rec.name)
            if kind == "organization":
                known.update(rec.other_names)
        if isinstance(info, ProviderInfo):
            info.description = next((r.description for _, r in records if r.description), None)
            info.identifier = next((r.identifier for _, r in records if r.identifier), None)
            name = next((r.name for _, r in records if r.name), None) or info.name or key
            spoken = sorted(set(self.all_names[key]) - known)
            if spoken and first.name:
                res.problems.append(Problem(where, None, WARNING,
                                            f"the organization record names {key} {first.name!r}, its articles "
                                            f"also call it {_quoted(spoken)}; the record's name is kept, and "
                                            f"the articles' names become alternate names (list them under "
                                            f"otherNames to say they are)"))
            return name
        info.notation = next((r.identifier for _, r in records if r.identifier), None)
        hidden: dict[str, None] = {}
        for _, rec in records:
            for word in rec.other_names:
                hidden[word] = None
        info.hidden_labels = sorted(hidden)
        return first.name or info.label

    def _topics(self, res: Resolution) -> None:
        keys = set(self.labels) | {k[len("topic "):] for k in self.records if k.startswith("topic ")}
        for key in sorted(keys):
            spellings = self.labels.get(key, Counter())
            label = _most_frequent(spellings) or key  # never empty: a label made the key
            records = self.records.get("topic " + key, [])
            info = TopicInfo(label, [])
            if records:
                known: set[str] = set()
                label = self._record_values(res, "topic", key, records, info, known)
                info.images = sorted({url for _, rec in records for _pos, url, _w, _h, _logo in rec.mentions})
            info.label = label
            labels = set(spellings) | {rec.name for _, rec in records if rec.name}
            info.alt_labels = sorted(s for s in labels if s != label)
            # SKOS keeps pref, alt and hidden labels disjoint: a keyword that is one of the
            # topic's labels (the same, but for case and spaces) is not a hidden label
            info.hidden_labels = [w for w in info.hidden_labels if topic_key(w) != key]
            res.topics[key] = info
            if len(spellings) + len(records) > 1:
                res.merges["topic"] += 1
                if self.explain:
                    res.explained.append(Merge("topic", key, sorted(set(spellings) | {
                        f"{self.names[i]} (topic record)" for i, _ in records}),
                        "the same label ignoring case and spaces"))


def resolve(sourced: list[tuple[str, Article]], explain: bool = False) -> Resolution:
    """Resolve identities of (source path, article) pairs, in path order."""
    sourced = sorted(sourced, key=lambda pair: pair[0])
    resolver = Resolver([source for source, _ in sourced], explain)
    for index, (_, art) in enumerate(sourced):
        resolver.add(index, facts_of(art))
    return resolver.finish()


def _first(value):
    """The first of a bare value or a sorted list of them."""
    return value[0] if isinstance(value, list) else value


def _more(seen, more) -> list:
    """One value or a list of them, with more added (the tables keep a bare value where
    most keys have one)."""
    return (seen if isinstance(seen, list) else [seen]) + (more if isinstance(more, list) else [more])


def _sized(mention: tuple) -> bool:
    return mention[4] is not None or mention[5] is not None


def _most_frequent(counts: Counter) -> str | None:
    if not counts:
        return None
    return min(counts, key=lambda name: (-counts[name], name))


def _quoted(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _some(names: list[str], shown: int = 3) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"
