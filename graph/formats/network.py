"""The graph as a NetworkX ``MultiDiGraph``: nodes with attributes, edges by predicate.

Rules (README.md, "NetworkX and GraphML"):

- one node per IRI that is a subject, or the object of a predicate other than
  ``rdf:type``; the node id is the IRI (``_:id`` for a blank node);
- ``type``: the local name of the node's class (``NewsArticle``);
- ``label``: the headline, name, prefLabel or caption (the first present), else the IRI;
- each literal-valued triple: an attribute named by the predicate's local name,
  typed: int, float, bool or str (dates and times as their ISO 8601 text);
- several values of one predicate on one node: their text, sorted, joined
  with `` | `` (so a str);
- one type per attribute name over the graph: where the values of a name are
  of different types (an int here, several values joined there), all are text;
- each IRI-valued triple other than ``rdf:type``: an edge with key the
  predicate's local name and attribute ``predicate``, the predicate's IRI;
- a local name that two predicates share, or that is ``type`` or ``label``,
  is written ``prefix_local`` (``rdfs_label``), or as the full IRI when the
  namespace has no prefix in kg's table. kg's own mapping has no such clash.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pyoxigraph import Quad

from ..mapping.plain import BLANK, Nodes, Triple, from_pyoxigraph, group_by_subject
from ..terms import DEFAULT_BASE, PREFIXES, RDF, SCHEMA, SKOS, XSD

if TYPE_CHECKING:
    import networkx as nx

MULTI_VALUE_SEPARATOR = " | "
RDF_TYPE = RDF + "type"
RESERVED = ("type", "label")
LABEL_PREDICATES = (SCHEMA + "headline", SCHEMA + "name", SKOS + "prefLabel", SCHEMA + "caption")

_INTEGERS = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}
_FLOATS = {XSD + t for t in ("decimal", "double", "float")}
_BOOLEAN = XSD + "boolean"
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
# XSD lexical forms (Python's int() and float() also take '1_000', 'inf', non-ASCII digits).
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN")


def local_name(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[cut + 1:] if cut >= 0 else iri.rpartition(":")[2]


def attribute_names(predicates: Iterable[str], reserved: Iterable[str] = RESERVED) -> dict[str, str]:
    """Predicate IRI -> attribute (and edge key) name, by the rules above (``reserved``:
    the names a predicate's local name may not take)."""
    reserved = tuple(reserved)
    predicates = sorted(set(predicates))
    by_local: dict[str, list[str]] = defaultdict(list)
    for iri in predicates:
        by_local[local_name(iri)].append(iri)
    names: dict[str, str] = {}
    for local, iris in by_local.items():
        clash = len(iris) > 1 or local in reserved or not local
        for iri in iris:
            names[iri] = _qualified(iri, local) if clash else local
    taken = list(names.values())
    for iri, name in names.items():  # a qualified name may still meet a bare one
        if taken.count(name) > 1 and name != local_name(iri):
            names[iri] = iri
    return names


def _qualified(iri: str, local: str) -> str:
    for prefix, ns in sorted(PREFIXES.items()):
        if local and iri == ns + local:
            return f"{prefix}_{local}"
    return iri


def value_of(text: str, datatype: str):
    if datatype in _INTEGERS and _INTEGER_TEXT.fullmatch(text.strip()):
        return int(text)
    if datatype in _FLOATS and _FLOAT_TEXT.fullmatch(text.strip()):
        return float(text.strip().replace("INF", "inf"))
    if datatype == _BOOLEAN:
        return _BOOLEANS.get(text.strip(), text)
    return text


def text_of(value) -> str:
    """A value as text: booleans as ``true``/``false``, numbers as Python writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def join_values(values: list):
    if len(values) == 1:
        return values[0]
    return MULTI_VALUE_SEPARATOR.join(text_of(v) for v in sorted(values, key=_order))


def _order(value):
    # Numbers by value (NaN last), text by code point; mixed types grouped by type.
    if isinstance(value, float) and math.isnan(value):
        return (type(value).__name__, 1, 0.0)
    return (type(value).__name__, 0, value)


# Triples node by node (graph.mapping.plain.Nodes): made where each file is mapped
# (in a worker process), merged at the end.
Groups = Nodes


def term_groups(triples: list[Triple], **_options) -> Groups:
    return group_by_subject(triples)


def merge_groups(pieces: Iterable[Groups]) -> Groups:
    merged: Groups = {}
    for piece in pieces:
        for node, props in piece.items():
            into = merged.get(node)
            if into is None:
                merged[node] = props
                continue
            for predicate, objects in props.items():
                into.setdefault(predicate, set()).update(objects)
    return merged


def parts_of(grouped: Groups) -> tuple[dict[str, dict], list[tuple[str, str, str, dict]]]:
    """Nodes (id -> attributes) and edges (source, target, key, attributes), sorted."""
    names = attribute_names(p for props in grouped.values() for p in props if p != RDF_TYPE)
    nodes: dict[str, dict] = {}
    edges: list[tuple[str, str, str, dict]] = []
    edge_data: dict[str, dict] = {}  # one attribute dict per predicate, shared by its edges
    for source in sorted(grouped):
        attrs = nodes.setdefault(source, {})
        for iri, objects in sorted(grouped[source].items()):
            literals = [value_of(o, dt) for o, dt in objects if dt is not None]
            refs = [o for o, dt in objects if dt is None]
            if iri == RDF_TYPE:
                attrs["type"] = join_values([o if dt is not None else o[len(BLANK):] if o.startswith(BLANK)
                                       else local_name(o) for o, dt in objects])
                continue
            name = names[iri]
            if literals:
                attrs[name] = join_values(literals)
            for target in sorted(refs):
                nodes.setdefault(target, {})
                edges.append((source, target, name, edge_data.setdefault(iri, {"predicate": iri})))
    one_type_per_name(nodes)
    label_names = [names[iri] for iri in LABEL_PREDICATES if iri in names]
    for node, attrs in nodes.items():
        attrs["label"] = next((text_of(attrs[n]) for n in label_names if n in attrs), node)
    return dict(sorted(nodes.items())), edges


def one_type_per_name(nodes: dict[str, dict]) -> None:
    types: dict[str, set] = defaultdict(set)
    for attrs in nodes.values():
        for name, value in attrs.items():
            types[name].add(type(value))
    mixed = {name for name, seen in types.items() if len(seen) > 1}
    if mixed:
        for attrs in nodes.values():
            for name in mixed & attrs.keys():
                attrs[name] = text_of(attrs[name])


def quads_to_networkx(quads: Iterable[Quad]) -> nx.MultiDiGraph:
    """The graph of pyoxigraph quads (the union of their named graphs)."""
    return groups_to_networkx(group_by_subject(from_pyoxigraph(quads)))


def groups_to_networkx(groups: Groups) -> nx.MultiDiGraph:
    import networkx as nx  # here, not at the top: it takes a while to import

    nodes, edges = parts_of(groups)
    g = nx.MultiDiGraph()
    g.add_nodes_from(nodes.items())
    g.add_edges_from(edges)  # networkx copies each attribute dict
    return g


def to_networkx(paths, base: str = DEFAULT_BASE) -> nx.MultiDiGraph:
    """A ``networkx.MultiDiGraph`` of the corpus in ``paths`` (files or folders), by the rules above."""
    from ..pipeline.corpus import read_corpus

    return groups_to_networkx(group_by_subject(read_corpus(paths, base=base).triples()))
