"""The published vocabulary files, found the same way in every kind of install.

The files live in the repository's top-level ``vocab/`` folder (their one copy),
which pyproject.toml installs as the data package ``graph.vocab``; so they are
read with importlib.resources, never by a path relative to the source tree.
"""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import rdflib

from ..terms import KG, PREFIXES

ONTOLOGY = "kg.ttl"
SHAPES = "shapes.ttl"
CONTEXT = "context.jsonld"
REFERENCE = "README.md"

ONTOLOGY_IRI = KG.rstrip("#")
SHAPES_NS = "https://w3id.org/kg-news/shapes#"

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def vocab_file(name: str) -> Traversable:
    """One file of the installed vocabulary (kg.ttl, shapes.ttl, context.jsonld, README.md)."""
    return resources.files("graph.vocab").joinpath(name)


def _parse(name: str) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data=vocab_file(name).read_text(encoding="utf-8"), format="turtle")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


@cache
def ontology() -> rdflib.Graph:
    """The ontology (vocab/kg.ttl). Cached: treat it as read-only."""
    return _parse(ONTOLOGY)


@cache
def shapes() -> rdflib.Graph:
    """The SHACL shapes (vocab/shapes.ttl). Cached: treat it as read-only."""
    g = _parse(SHAPES)
    g.bind("kgsh", SHAPES_NS)
    return g


def project_terms(g: rdflib.Graph | None = None) -> list[rdflib.URIRef]:
    """Every class and property the ontology declares in the kg namespace, sorted."""
    g = ontology() if g is None else g
    kinds = (rdflib.OWL.Class, rdflib.RDFS.Class, rdflib.OWL.ObjectProperty,
             rdflib.OWL.DatatypeProperty, rdflib.OWL.AnnotationProperty, rdflib.RDF.Property)
    found = {s for kind in kinds for s in g.subjects(rdflib.RDF.type, kind)
             if isinstance(s, rdflib.URIRef) and str(s).startswith(KG)}
    return sorted(found)
