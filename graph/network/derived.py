"""Networks derived from the network view, the ones a journalist asks for.

- ``providers``: who links to whom. A directed graph of the providers; an edge
  A -> B with ``weight`` N when N related links go from an article A published to
  one B published (a provider's links to its own articles are the edge A -> A).
  Links from or to an article without a publisher are not counted.
- ``topics``: which topics occur together. An undirected graph of the topics; an
  edge with ``weight`` N when N articles (with a file of their own or only
  linked) are about both.

Each node keeps the attributes it has in the view (``kind``, ``label``, ...) and
gets ``articles``: the articles that provider published, or about that topic.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from typing import TYPE_CHECKING

from .view import ARTICLE, KIND, PROVIDER, TOPIC

if TYPE_CHECKING:
    import networkx as nx

WEIGHT, ARTICLES = "weight", "articles"
FULL, PROVIDERS, TOPICS = "full", "providers", "topics"
DERIVED = (PROVIDERS, TOPICS)


def _targets(view: nx.MultiDiGraph, relation: str) -> dict[str, list[str]]:
    """article -> its targets over one relation, sorted."""
    out: dict[str, list[str]] = defaultdict(list)
    for source, target, key in view.edges(keys=True):
        if key == relation:
            out[source].append(target)
    return {source: sorted(targets) for source, targets in out.items()}


def _nodes_of(view: nx.MultiDiGraph, kind: str) -> list[str]:
    return sorted(node for node, k in view.nodes(data=KIND) if k == kind)


def provider_links(view: nx.MultiDiGraph) -> Counter:
    """(publisher of the linking article, publisher of the linked one) -> related links."""
    publishers = _targets(view, "publisher")
    links: Counter = Counter()
    for source, target, key in view.edges(keys=True):
        if key != "relatedLink":
            continue
        for a in publishers.get(source, ()):
            for b in publishers.get(target, ()):
                links[a, b] += 1
    return links


def topic_pairs(view: nx.MultiDiGraph) -> Counter:
    """{topic, topic} (as a sorted pair) -> articles about both."""
    pairs: Counter = Counter()
    for topics in _targets(view, "about").values():
        pairs.update(combinations(topics, 2))
    return pairs


def providers_network(view: nx.MultiDiGraph) -> nx.DiGraph:
    import networkx as nx

    published = Counter(target for _, target, key in view.edges(keys=True) if key == "publisher")
    g = nx.DiGraph()
    g.add_nodes_from((node, {**view.nodes[node], ARTICLES: published[node]})
                     for node in _nodes_of(view, PROVIDER))
    g.add_edges_from((a, b, {WEIGHT: n}) for (a, b), n in sorted(provider_links(view).items()))
    return g


def topics_network(view: nx.MultiDiGraph) -> nx.Graph:
    import networkx as nx

    about = Counter(target for source, target, key in view.edges(keys=True)
                    if key == "about" and view.nodes[source].get(KIND) == ARTICLE)
    g = nx.Graph()
    g.add_nodes_from((node, {**view.nodes[node], ARTICLES: about[node]}) for node in _nodes_of(view, TOPIC))
    g.add_edges_from((a, b, {WEIGHT: n}) for (a, b), n in sorted(topic_pairs(view).items()))
    return g


def derive(name: str, view: nx.MultiDiGraph):
    """The network called ``name`` (full, providers, topics) of a network view."""
    if name == FULL:
        return view
    if name == PROVIDERS:
        return providers_network(view)
    if name == TOPICS:
        return topics_network(view)
    raise KeyError(f"unknown network '{name}'; known networks: {', '.join((FULL, *DERIVED))}")
