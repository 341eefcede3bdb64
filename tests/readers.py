"""Read every export format back with a real parser, as pyoxigraph triples."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyld import jsonld


def refuse_to_fetch(url, options=None):
    raise AssertionError(f"JSON-LD processing tried to fetch {url}: the context must be embedded")


# No test may reach the network through pyld, whatever it is asked to expand.
jsonld.set_document_loader(refuse_to_fetch)
NO_NETWORK = {"documentLoader": refuse_to_fetch}


def triples(path: Path) -> set[ox.Triple]:
    """Turtle, N-Triples or JSON-LD (by extension), parsed by pyoxigraph."""
    return {q.triple for q in ox.parse(path=str(path))}


def named_graphs(path: Path) -> dict[ox.NamedNode | ox.DefaultGraph, set[ox.Triple]]:
    """N-Quads or TriG, parsed by pyoxigraph: graph name -> triples."""
    graphs: dict = {}
    for q in ox.parse(path=str(path)):
        graphs.setdefault(q.graph_name, set()).add(q.triple)
    return graphs


def _term(t: dict):
    if t["type"] == "IRI":
        return ox.NamedNode(t["value"])
    if t["type"] == "blank node":
        return ox.BlankNode(t["value"][2:])
    if t.get("language"):
        return ox.Literal(t["value"], language=t["language"])
    return ox.Literal(t["value"], datatype=ox.NamedNode(t["datatype"]))


def expand_jsonld(doc: dict) -> set[ox.Triple]:
    """The triples a JSON-LD processor (pyld) reads from a document, never fetching anything."""
    dataset = jsonld.to_rdf(doc, dict(NO_NETWORK))
    assert set(dataset) <= {"@default"}, f"named graphs in the JSON-LD: {set(dataset)}"
    return {ox.Triple(_term(t["subject"]), _term(t["predicate"]), _term(t["object"]))
            for t in dataset.get("@default", [])}


def jsonld_triples(path: Path) -> set[ox.Triple]:
    return expand_jsonld(json.loads(Path(path).read_text(encoding="utf-8")))


def rdflib_graph(path: Path, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(str(path), format=fmt)
