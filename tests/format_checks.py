"""Parse an export with the real parser of its format and compare it with the quads it was written from.

CHECKS maps a format name (graph.formats.names()) to a function check(data, quads)
that raises AssertionError when the output does not parse, or says more or less
than the quads: an injected triple, node, element or key cannot pass.
"""
from __future__ import annotations

import io
import json
from collections import Counter

import pyoxigraph
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
)

from graph import fields as F

XSD_STRING = NamedNode("http://www.w3.org/2001/XMLSchema#string")


def triples_of(quads) -> set[Triple]:
    return {q.triple for q in quads}


def _parse(data: bytes, fmt: RdfFormat) -> list:
    return list(pyoxigraph.parse(data, format=fmt))


def check_turtle(data: bytes, quads) -> None:
    import rdflib

    parsed = {q.triple for q in _parse(data, RdfFormat.TURTLE)}
    assert parsed == triples_of(quads), _diff(parsed, triples_of(quads))
    # a second, independent parser
    assert len(rdflib.Graph().parse(data=data, format="turtle")) == len(parsed)


def check_ntriples(data: bytes, quads) -> None:
    parsed = {q.triple for q in _parse(data, RdfFormat.N_TRIPLES)}
    assert parsed == triples_of(quads), _diff(parsed, triples_of(quads))
    lines = [line for line in data.split(b"\n") if line.strip()]
    assert len(lines) == len(parsed), "a value broke a line: not one statement per line"


def check_nquads(data: bytes, quads) -> None:
    parsed = set(_parse(data, RdfFormat.N_QUADS))
    assert parsed == set(quads), _diff(parsed, set(quads))
    lines = [line for line in data.split(b"\n") if line.strip()]
    assert len(lines) == len(parsed), "a value broke a line: not one statement per line"


def check_trig(data: bytes, quads) -> None:
    parsed = set(_parse(data, RdfFormat.TRIG))
    assert parsed == set(quads), _diff(parsed, set(quads))


def _no_network(url, options=None):
    raise AssertionError(f"the JSON-LD export made pyld fetch {url}: it must embed its context")


def _term(t: dict):
    if t["type"] == "IRI":
        return NamedNode(t["value"])
    if t["type"] == "blank node":
        return BlankNode(t["value"][2:])
    if t.get("language"):
        return Literal(t["value"], language=t["language"])
    return Literal(t["value"], datatype=NamedNode(t["datatype"]))


def check_jsonld(data: bytes, quads) -> None:
    from pyld import jsonld

    doc = json.loads(data.decode("utf-8"))
    if isinstance(doc, dict) and "@graph" in doc:  # an injected key would show here first
        assert set(doc) <= {"@context", "@graph"}, sorted(doc)
    dataset = jsonld.to_rdf(doc, {"documentLoader": _no_network})
    parsed = {Triple(_term(t["subject"]), _term(t["predicate"]), _term(t["object"]))
              for graph in dataset.values() for t in graph}
    assert parsed == triples_of(quads), _diff(parsed, triples_of(quads))


# The network view's rules (graph.network.view), restated here independently.
_SCHEMA, _SKOS = "https://schema.org/", "http://www.w3.org/2004/02/skos/core#"
# items of every type (news articles, videos, books, courses, other works) are articles of the view
_KIND_TYPES = {*F.ITEM_CLASSES.values(), F.OTHER_ITEM, _SCHEMA + "Organization", _SKOS + "Concept",
               _SCHEMA + "ImageObject"}
_RELATIONS = {_SCHEMA + p for p in ("publisher", "about", "relatedLink", "image", "logo")}
_RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def check_graphml(data: bytes, quads) -> None:
    """The GraphML of the network view: one node per article, provider, topic and image,
    one edge per relation triple (no self-loop), every text value on its node."""
    import networkx as nx

    from graph.formats.graphml import (
        unescape,  # XML 1.0-forbidden characters are written \uXXXX, reversibly
    )

    g = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    iris = {t.value for q in quads for t in (q.subject, q.object) if isinstance(t, NamedNode)}
    extra = set(g.nodes) - iris
    assert not extra, f"GraphML nodes that are no IRI of the graph: {sorted(extra)[:5]}"
    kinded = {q.subject.value for q in quads if q.predicate == _RDF_TYPE and q.object.value in _KIND_TYPES}
    relations = {(q.subject.value, q.object.value, q.predicate.value.rsplit("/", 1)[1])
                 for q in quads if q.predicate.value in _RELATIONS and q.subject != q.object}
    expected = kinded | {u for u, _, _ in relations} | {v for _, v, _ in relations}
    assert set(g.nodes) == expected, f"nodes: {sorted(set(g.nodes) ^ expected)[:5]}"
    assert {(u, v, k) for u, v, k in g.edges(keys=True)} == relations
    assert g.number_of_edges() == len(relations)
    for node, attrs in g.nodes(data=True):
        assert {"kind", "label"} <= attrs.keys(), node
    # every text literal survives, unbroken, as an attribute value of its node; several
    # values of one predicate are joined by a rule of the writer's (e.g. " | "), so those
    # need only appear inside an attribute value
    texts = Counter((q.subject, q.predicate) for q in quads
                    if isinstance(q.object, Literal) and q.object.datatype == XSD_STRING
                    and q.subject.value in expected)
    for q in quads:
        if (q.subject, q.predicate) in texts:
            values = [unescape(v) for v in g.nodes[q.subject.value].values() if isinstance(v, str)]
            text = q.object.value
            if texts[q.subject, q.predicate] == 1:
                assert text in values, (q.subject.value, q.predicate.value, text)
            else:
                assert any(text in v for v in values), (q.subject.value, q.predicate.value, text)


CHECKS = {
    "ttl": check_turtle,
    "nt": check_ntriples,
    "nq": check_nquads,
    "trig": check_trig,
    "jsonld": check_jsonld,
    "graphml": check_graphml,
}


def _diff(got: set, want: set) -> str:
    extra, missing = got - want, want - got
    return f"{len(extra)} unexpected (e.g. {sorted(map(str, extra))[:3]}), " \
           f"{len(missing)} missing (e.g. {sorted(map(str, missing))[:3]})"


def written(fmt, quads) -> bytes:
    out = io.BytesIO()
    fmt.write(list(quads), out)
    return out.getvalue()


__all__ = ["CHECKS", "DefaultGraph", "Quad", "triples_of", "written"]
