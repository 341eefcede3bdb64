"""The network view: the graph a network analyst means, as a NetworkX ``MultiDiGraph``.

Rules (README.md, "NetworkX and GraphML"):

- one node per article (with or without a file of its own), provider, topic and
  image; the node id is its IRI, as in the RDF exports. Anything else (the topic
  scheme, URL variants, home pages, source files) is no node;
- every node has ``kind`` (``article``, ``provider``, ``topic``, ``image``) and
  ``label`` (headline, name, prefLabel or caption, else the IRI); an article has
  ``inCorpus`` (``"true"`` when it has a file of its own, else ``"false"``);
- every other value of a node is an attribute named by its predicate's local
  name (``headline``, ``quality``, ``url``, ``ampUrl``, ``sourceFile``, ...):
  numbers as int or float, dates as ISO 8601 text, IRIs as text, booleans as the
  text ``"true"``/``"false"`` (GraphML readers such as igraph read a boolean a
  node lacks as false; a text they read as ``""``); several values are sorted
  and joined with `` | ``, and a name that holds text anywhere is text everywhere;
- edges are the relations ``publisher``, ``about``, ``relatedLink``, ``image``
  and ``logo``, keyed by the relation's name and with the attribute ``relation``
  (the same name); an article's related link to itself is dropped, so there are
  no self-loops.

The graph is built from the pipeline's quads in two steps, so that the first can
run where each file is mapped (in a worker process for large corpora):
``encode_view`` turns one file's quads into a small piece of plain data, and
``view_from_pieces`` merges the pieces into the graph.
"""
from __future__ import annotations

import os
import pickle
import sys
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, BinaryIO

from pyoxigraph import Quad

from .. import fields as F
from ..formats.graphml import STRING, key_types, value_types, write_edges, write_head, write_nodes
from ..formats.network import (
    attribute_names,
    join_values,
    one_type_per_name,
    text_of,
    value_of,
)
from ..mapping.plain import from_pyoxigraph
from ..terms import RDF_TYPE, SCHEMA, SKOS

if TYPE_CHECKING:
    import networkx as nx

ARTICLE, PROVIDER, TOPIC, IMAGE = "article", "provider", "topic", "image"
KINDS = (ARTICLE, PROVIDER, TOPIC, IMAGE)  # also the order in which a node with two types takes its kind
TYPE_KINDS = {
    **{iri: ARTICLE for iri in (*F.ITEM_CLASSES.values(), F.OTHER_ITEM)},  # news, videos, books, courses, ...
    SCHEMA + "Organization": PROVIDER,
    SKOS + "Concept": TOPIC,
    SCHEMA + "ImageObject": IMAGE,
}
# relation predicate -> (relation name, kind of its source, kind of its target)
RELATIONS = {
    SCHEMA + "publisher": ("publisher", ARTICLE, PROVIDER),
    SCHEMA + "about": ("about", ARTICLE, TOPIC),
    SCHEMA + "relatedLink": ("relatedLink", ARTICLE, ARTICLE),
    SCHEMA + "image": ("image", ARTICLE, IMAGE),
    SCHEMA + "logo": ("logo", PROVIDER, IMAGE),
}
RELATION_NAMES = tuple(name for name, _, _ in RELATIONS.values())
KIND, LABEL, IN_CORPUS = "kind", "label", "inCorpus"
RESERVED = (KIND, LABEL, IN_CORPUS)  # a predicate with one of these local names is qualified
LABEL_PREDICATES = (SCHEMA + "headline", SCHEMA + "name", SKOS + "prefLabel", SCHEMA + "caption")
SOURCE_FILE = "https://w3id.org/kg-news/vocab#sourceFile"
_TYPE = RDF_TYPE.value

# One file's piece: node id -> predicate IRI -> values (int, float or str: IRIs,
# booleans and dates as text; rdf:type as the node's kinds), and the relation edges
# (source, target, relation name). Made where the file is mapped (in a worker
# process), so that the main process only merges.
Piece = tuple[dict[str, dict[str, list]], list[tuple[str, str, str]]]
_RELATION_EDGES = {iri: name for iri, (name, _, _) in RELATIONS.items()}


# A statement as plain text: (subject, predicate, object, datatype), the object a
# literal's lexical form when datatype is set, a node (IRI or _:label) when it is
# None; the form the reworked mapper emits, which encode_view also takes as it is.
Statement = tuple[str, str, str, "str | None"]


def plain_statements(quads: Iterable[Quad | Statement]) -> Iterator[Statement]:
    for q in quads:
        if isinstance(q, tuple):
            yield q
        else:
            yield from from_pyoxigraph([q])


def encode_view(quads: Iterable[Quad | Statement], **_options) -> Piece:
    """One file's quads (pyoxigraph Quads or plain statements) as plain data,
    cheap to send between processes."""
    nodes: dict[str, dict[str, list]] = {}
    edges: list[tuple[str, str, str]] = []
    for subject, predicate, obj, datatype in plain_statements(quads):
        if datatype is not None:
            value = _attribute_value(obj, datatype)
        else:
            relation = _RELATION_EDGES.get(predicate)
            if relation is not None:
                edges.append((subject, obj, relation))
                continue
            value = TYPE_KINDS.get(obj, _OTHER_TYPE) if predicate == _TYPE else obj
        props = nodes.get(subject)
        if props is None:
            props = nodes[subject] = {}
        values = props.get(predicate)
        if values is None:
            props[predicate] = [value]
        elif value not in values:
            values.append(value)
    return nodes, edges


def merge_pieces(pieces: Iterable[Piece]) -> Piece:
    """One piece of many (it takes over, and extends, the pieces' own dicts and lists)."""
    nodes: dict[str, dict[str, list]] = {}
    edges: list[tuple[str, str, str]] = []
    for piece_nodes, piece_edges in pieces:
        edges.extend(piece_edges)
        for node, props in piece_nodes.items():
            into = nodes.get(node)
            if into is None:
                nodes[node] = props
                continue
            for predicate, values in props.items():  # a node described, or linked from, in several files
                have = into.setdefault(predicate, [])
                have.extend(v for v in values if v not in have)
    return nodes, edges


_OTHER_TYPE = ""  # a class that makes no kind


def _kind(props: dict[str, list] | None) -> str | None:
    if not props or _TYPE not in props:
        return None
    kinds = props[_TYPE]
    return next((k for k in KINDS if k in kinds), None)


def view_parts(piece: Piece) -> tuple[dict[str, dict], list[tuple[str, str, str, dict]]]:
    """Nodes (id -> attributes, sorted by id) and edges (source, target, key,
    attributes, sorted so: the order in which a networkx graph of them iterates)."""
    described, relations = piece
    kinds = {node: kind for node, props in described.items() if (kind := _kind(props)) is not None}
    for source, target, name in relations:  # a node only linked to takes its kind from the relation
        _, source_kind, target_kind = RELATIONS[SCHEMA + name]
        kinds.setdefault(source, source_kind)
        kinds.setdefault(target, target_kind)
    predicates = {p for node in kinds for p in described.get(node, ()) if p != _TYPE}
    names = attribute_names(predicates, RESERVED)
    nodes: dict[str, dict] = {}
    for node in sorted(kinds):
        nodes[node] = _attrs(node, kinds[node], described.get(node, {}), names)
    one_type_per_name(nodes)
    label_names = [names[p] for p in LABEL_PREDICATES if p in names]
    for node, attrs in nodes.items():
        attrs[LABEL] = next((text_of(attrs[n]) for n in label_names if n in attrs), node)
    edge_data = {name: {"relation": name} for name in RELATION_NAMES}  # shared: networkx copies them
    edges = [(source, target, name, edge_data[name])
             for source, target, name in sorted(set(relations)) if source != target]
    return nodes, edges


def _attribute_value(text: str, datatype: str):
    value = value_of(text, datatype)
    return text_of(value) if isinstance(value, bool) else value


def view_from_pieces(pieces: Iterable[Piece]) -> nx.MultiDiGraph:
    import networkx as nx  # here, not at the top: it takes a while to import

    nodes, edges = view_parts(merge_pieces(pieces))
    g = nx.MultiDiGraph()
    g.add_nodes_from(nodes.items())
    g.add_edges_from(edges)
    return g


def view_of(quads: Iterable[Quad]) -> nx.MultiDiGraph:
    """The network view of a stream of quads (every file's, and the corpus graph's)."""
    return view_from_pieces([encode_view(quads)])


class ViewSpool:
    """The network view of a large corpus, assembled without holding it in memory.

    Each file's piece is added as it comes: its nodes' values are pickled to a
    temporary file, its relation edges kept as tuples of interned ids. ``write``
    then merges each node's pieces in id order, in passes over temporary files,
    and writes what ``view_parts`` gives for the merged piece, byte for byte
    (``tests/test_golden.py``): memory holds ids, edges and attribute names, never
    the nodes' values."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="kg-view-")
        self._ids: list[str] = []
        self._offsets = array("q")
        self._lengths = array("q")
        self._end = 0
        self._edges: list[tuple[str, str, str]] = []

    def add(self, piece: Piece) -> None:
        nodes, edges = piece
        for node, props in nodes.items():
            data = pickle.dumps(props, protocol=pickle.HIGHEST_PROTOCOL)
            self._file.write(data)
            self._ids.append(sys.intern(node))
            self._offsets.append(self._end)
            self._lengths.append(len(data))
            self._end += len(data)
        intern = sys.intern
        self._edges.extend((intern(s), intern(t), intern(name)) for s, t, name in edges)

    def _props(self, i: int) -> dict[str, list]:
        return pickle.loads(os.pread(self._file.fileno(), self._lengths[i], self._offsets[i]))

    def _merged(self) -> Iterator[tuple[str, dict[str, list] | None]]:
        """Every node id of the view's pieces (described or linked), in order, with its
        values merged as merge_pieces merges them (None: only linked)."""
        ids = self._ids
        order = sorted(range(len(ids)), key=ids.__getitem__)  # stable: pieces of one id stay in path order
        linked = {node for s, t, _ in self._edges for node in (s, t)}
        at = 0
        for node in sorted(linked.union(ids)):
            props: dict[str, list] | None = None
            while at < len(order) and ids[order[at]] == node:
                more = self._props(order[at])
                if props is None:
                    props = more
                else:
                    for predicate, values in more.items():
                        have = props.setdefault(predicate, [])
                        have.extend(v for v in values if v not in have)
                at += 1
            yield node, props

    def write(self, out: BinaryIO) -> None:
        try:
            self._file.flush()
            relation_kind: dict[str, str] = {}
            for source, target, name in self._edges:  # a node only linked to takes its kind from a relation
                _, source_kind, target_kind = RELATIONS[SCHEMA + name]
                relation_kind.setdefault(source, source_kind)
                relation_kind.setdefault(target, target_kind)
            # pass 1: each node merged, its kind decided; the nodes of the view kept, in order
            kept = tempfile.TemporaryFile(prefix="kg-view-nodes-")
            predicates: set[str] = set()
            count = 0
            for node, props in self._merged():
                kind = _kind(props) or relation_kind.get(node)
                if kind is None:
                    continue
                predicates.update(p for p in props or () if p != _TYPE)
                pickle.dump((node, kind, props or {}), kept, protocol=pickle.HIGHEST_PROTOCOL)
                count += 1
            names = attribute_names(predicates, RESERVED)
            label_names = [names[p] for p in LABEL_PREDICATES if p in names]

            def attributes() -> Iterator[tuple[str, dict]]:
                kept.seek(0)
                for _ in range(count):
                    node, kind, props = pickle.load(kept)
                    yield node, _attrs(node, kind, props, names)

            # pass 2: the types of every attribute (one type per name, as one_type_per_name)
            raw: dict[str, set] = {}
            for _node, attrs in attributes():
                for name, value in attrs.items():
                    raw.setdefault(name, set()).add(type(value))
            mixed = {name for name, kinds in raw.items() if len(kinds) > 1}
            seen: dict[str, set] = {}

            def final() -> Iterator[tuple[str, dict]]:
                for node, attrs in attributes():
                    for name in mixed & attrs.keys():
                        attrs[name] = text_of(attrs[name])
                    attrs[LABEL] = next((text_of(attrs[n]) for n in label_names if n in attrs), node)
                    yield node, attrs

            for _node, attrs in final():
                value_types(attrs, seen)
            # pass 3: the file
            self._edges.sort()
            node_keys, edge_keys = write_head(out, key_types(seen), {"relation": STRING} if self._edges else {},
                                              True, True)
            write_nodes(out, final(), node_keys)
            edge_data = {name: {"relation": name} for name in RELATION_NAMES}
            write_edges(out, self._unique_edges(edge_data), edge_keys, True)
            kept.close()
        finally:
            self._file.close()

    def _unique_edges(self, edge_data: dict) -> Iterator[tuple[str, str, str, dict]]:
        previous = None
        for edge in self._edges:  # sorted
            if edge != previous and edge[0] != edge[1]:
                yield edge[0], edge[1], edge[2], edge_data[edge[2]]
            previous = edge


def _attrs(node: str, kind: str, props: dict[str, list], names: dict[str, str]) -> dict:
    """A node's attributes before one type per name is enforced (view_parts, and the spool's writer)."""
    attrs: dict = {KIND: kind}
    for predicate in sorted(props):
        if predicate != _TYPE:
            values = props[predicate]
            attrs[names[predicate]] = values[0] if len(values) == 1 else join_values(values)
    if kind == ARTICLE:
        attrs[IN_CORPUS] = "true" if SOURCE_FILE in props else "false"
    return attrs
