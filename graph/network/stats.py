"""``kg stats --network``: what the network view holds, and who is linked most."""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from .derived import provider_links, topic_pairs
from .view import KIND, KINDS, LABEL, RELATION_NAMES

if TYPE_CHECKING:
    import networkx as nx

TOP = 10


@dataclass(frozen=True)
class Linked:
    id: str
    label: str
    links: int          # related links pointing at it (for a provider: at its articles)
    from_others: int    # of those, from articles of other providers


@dataclass(frozen=True)
class TopicPair:
    topic1: str
    topic2: str
    label1: str
    label2: str
    articles: int       # articles about both


@dataclass
class NetworkStats:
    nodes: dict[str, int] = field(default_factory=dict)   # kind -> nodes (every kind, 0 included)
    edges: dict[str, int] = field(default_factory=dict)   # relation -> edges
    components: int = 0                                   # weakly connected components
    largest_component: int = 0                            # nodes in the largest
    isolated: int = 0                                     # nodes without any edge
    most_linked_articles: list[Linked] = field(default_factory=list)
    most_linked_providers: list[Linked] = field(default_factory=list)
    densest_topic_pairs: list[TopicPair] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def network_stats(view: nx.MultiDiGraph, top: int = TOP) -> NetworkStats:
    """Statistics of a network view (graph.to_networkx); ``top``: rows in each ranking."""
    import networkx as nx

    stats = NetworkStats()
    kinds = Counter(kind for _, kind in view.nodes(data=KIND))
    stats.nodes = {kind: kinds[kind] for kind in KINDS}
    relations = Counter(key for _, _, key in view.edges(keys=True))
    stats.edges = {name: relations[name] for name in RELATION_NAMES}
    components = [len(c) for c in nx.weakly_connected_components(view)]
    stats.components = len(components)
    stats.largest_component = max(components, default=0)
    stats.isolated = sum(1 for size in components if size == 1)
    labels = dict(view.nodes(data=LABEL))

    publisher = {source: target for source, target, key in view.edges(keys=True) if key == "publisher"}
    linked: Counter = Counter()
    from_others: Counter = Counter()
    for source, target, key in view.edges(keys=True):
        if key == "relatedLink":
            linked[target] += 1
            if publisher.get(source) != publisher.get(target):
                from_others[target] += 1
    stats.most_linked_articles = [Linked(node, labels[node], n, from_others[node])
                                  for node, n in _ranked(linked, top)]

    into: Counter = Counter()
    others: Counter = Counter()
    for (a, b), n in provider_links(view).items():
        into[b] += n
        if a != b:
            others[b] += n
    stats.most_linked_providers = [Linked(node, labels[node], n, others[node]) for node, n in _ranked(into, top)]
    stats.densest_topic_pairs = [TopicPair(a, b, labels[a], labels[b], n)
                                 for (a, b), n in _ranked(topic_pairs(view), top)]
    return stats


def _ranked(counts: Counter, top: int) -> list:
    """The ``top`` entries with the highest counts; ties in the order of their keys."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]


def format_stats(stats: NetworkStats) -> list[str]:
    """The statistics as the lines ``kg stats --network`` prints."""
    def counted(counts: dict[str, int], plural: dict[str, str]) -> str:
        return ", ".join(f"{n} {plural.get(name, name) if n != 1 else name}" for name, n in counts.items())

    plural = {"article": "articles", "provider": "providers", "topic": "topics", "image": "images"}
    lines = [
        f"nodes       {sum(stats.nodes.values())}: {counted(stats.nodes, plural)}",
        f"edges       {sum(stats.edges.values())}: {counted(stats.edges, {})}",
        (f"components  {stats.components} (largest: {stats.largest_component} nodes; "
         f"{stats.isolated} isolated node{'s' * (stats.isolated != 1)})"),
        "",
        "most linked articles (related links to it; of those from other providers)",
        *_table([(r.links, r.from_others, r.label, r.id) for r in stats.most_linked_articles]),
        "",
        "most linked providers (related links to its articles; of those from other providers)",
        *_table([(r.links, r.from_others, r.label, r.id) for r in stats.most_linked_providers]),
        "",
        "densest topic pairs (articles about both)",
        *_table([(p.articles, f"{p.label1} + {p.label2}") for p in stats.densest_topic_pairs]),
    ]
    return lines


def _table(rows: list[tuple]) -> list[str]:
    if not rows:
        return ["  (none)"]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [f"{row[i]:>{widths[i]}}" if isinstance(row[i], int) else str(row[i]) for i in range(len(row))]
        out.append("  " + "  ".join(cells).rstrip())
    return out


__all__ = ["Linked", "NetworkStats", "TopicPair", "format_stats", "network_stats"]
