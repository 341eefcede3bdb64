"""What a picture of a network shows: where each node is, how big, in which colour,
which nodes carry a label. Computed once, so the SVG, PNG and HTML pictures agree.

- layout: networkx's ``spring_layout`` (Fruchterman-Reingold), seeded, on the
  network without edge directions, weights and self-loops; nodes without any edge
  go on a ring around it (laid out with the rest, they would fly far out and
  squeeze everything else into the middle). Positions are rounded, so the same
  network gives the same picture;
- size: a node's area grows with its measure: for providers the related links in
  and out, for topics the articles about it, for the full network its edges;
- networks larger than ``max_nodes`` are drawn with their ``max_nodes`` biggest
  nodes (the picture says so);
- labels on the ``labels`` biggest nodes; colour by kind.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ..derived import ARTICLES, FULL, PROVIDERS, TOPICS, WEIGHT
from ..view import KIND, KINDS, LABEL

SEED = 1
MAX_NODES = 2000
LABELS = 15
COLOURS = {"article": "#4C78A8", "provider": "#F58518", "topic": "#54A24B", "image": "#9D9D9D"}
MEASURES = {PROVIDERS: "related links", TOPICS: "articles", FULL: "links"}
_URL_ATTRIBUTES = ("url", "contentUrl")  # where a node's own web page is


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    measure: int        # what its size shows (MEASURES)
    x: float            # 0..1, left to right
    y: float            # 0..1, top to bottom
    radius: float       # 0..1, relative to the largest
    url: str | None     # its page, for a click
    labelled: bool      # its label is shown without hovering


@dataclass(frozen=True)
class Edge:
    source: int         # index into Scene.nodes
    target: int
    weight: int


@dataclass
class Scene:
    network: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    directed: bool = False
    total_nodes: int = 0       # in the network, drawn or not
    total_edges: int = 0

    @property
    def measure(self) -> str:
        return MEASURES[self.network]

    @property
    def title(self) -> str:
        shown = "" if len(self.nodes) == self.total_nodes else \
            f" (the {len(self.nodes):,} biggest of {self.total_nodes:,} nodes)"
        what = {PROVIDERS: "providers linked by related links", TOPICS: "topics that occur together",
                FULL: "articles, providers, topics and images"}[self.network]
        return f"{self.network} network: {what}{shown}"

    def kinds(self) -> dict[str, int]:
        counts = Counter(node.kind for node in self.nodes)
        return {kind: counts[kind] for kind in KINDS if counts[kind]}


def measures(g, network: str) -> dict[str, int]:
    if network == TOPICS:
        return {node: int(attrs.get(ARTICLES, 0)) for node, attrs in g.nodes(data=True)}
    if network == PROVIDERS:
        out: Counter = Counter({node: 0 for node in g})
        for u, v, w in g.edges(data=WEIGHT, default=1):
            out[u] += w
            if u != v:
                out[v] += w
        return dict(out)
    return {node: g.degree(node) for node in g}


def scene_of(g, network: str, max_nodes: int = MAX_NODES, labels: int = LABELS, seed: int = SEED) -> Scene:
    """The scene of network ``network`` (providers, topics, full) of graph ``g``."""
    import networkx as nx

    sizes = measures(g, network)
    ranked = sorted(g, key=lambda node: (-sizes[node], str(node)))
    kept = ranked[:max_nodes]
    simple = nx.Graph()
    simple.add_nodes_from(sorted(kept, key=str))
    keep = set(kept)
    simple.add_edges_from(sorted((u, v) for u, v in g.edges() if u != v and u in keep and v in keep))
    positions = _layout(simple, sizes, seed)
    largest = max((sizes[node] for node in kept), default=0) or 1
    labelled = set(ranked[:labels])
    nodes = []
    for node in sorted(kept, key=lambda n: (positions[n][1], positions[n][0], str(n))):  # a stable order
        attrs = g.nodes[node]
        url = next((attrs[a] for a in _URL_ATTRIBUTES if isinstance(attrs.get(a), str)), None)
        nodes.append(Node(str(node), str(attrs.get(LABEL, node)), str(attrs.get(KIND, "")), sizes[node],
                          positions[node][0], positions[node][1], round(math.sqrt(sizes[node] / largest), 4),
                          url if url and url.startswith(("http://", "https://")) else None,
                          node in labelled))
    index = {node.id: i for i, node in enumerate(nodes)}
    edges = sorted((Edge(index[str(u)], index[str(v)], int(w)) for u, v, w in g.edges(data=WEIGHT, default=1)
                    if u != v and u in keep and v in keep), key=lambda e: (e.source, e.target, e.weight))
    return Scene(network, nodes, edges, g.is_directed(), g.number_of_nodes(), g.number_of_edges())


def _layout(g, sizes: dict, seed: int) -> dict:
    """Positions in 0..1 (y downwards): linked nodes by spring_layout, the rest on a ring."""
    import networkx as nx

    linked = [node for node in g if g.degree(node)]
    alone = sorted((node for node in g if not g.degree(node)), key=lambda n: (-sizes[n], str(n)))
    pos: dict = {}
    if linked:
        core = g.subgraph(linked)
        # method="force": Fruchterman-Reingold; networkx's "auto" would switch method at 500 nodes
        pos = {node: (float(x), float(y)) for node, (x, y) in
               nx.spring_layout(core, seed=seed, method="force", iterations=50).items()}
        spread = max((math.hypot(x, y) for x, y in pos.values()), default=0) or 1
        pos = {node: (x / spread, y / spread) for node, (x, y) in pos.items()}
    ring = 1.12 if linked else 1.0
    for i, node in enumerate(alone):
        angle = 2 * math.pi * i / len(alone) - math.pi / 2
        pos[node] = (ring * math.cos(angle), ring * math.sin(angle))
    if len(g) == 1:
        pos = {node: (0.0, 0.0) for node in g}
    xs = [x for x, _ in pos.values()] or [0.0]
    ys = [y for _, y in pos.values()] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {node: (round(0.5 + (x - cx) / span, 4), round(0.5 - (y - cy) / span, 4)) for node, (x, y) in pos.items()}
