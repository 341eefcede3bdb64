"""The field table (graph/fields.py) is the one declaration of every input field: the
reader, the mapper, the JSON-LD context, the SHACL shapes and the ontology agree with it."""
from __future__ import annotations

import json

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from graph import fields as F
from graph.read import build
from graph.terms import KG
from graph.vocabulary import ontology, shapes, vocab_file

MAPPED = [(cls, f) for cls, fs in F.NODE_FIELDS.items() for f in fs if f.predicate and f.predicate != F.RDF + "type"]


def _context() -> dict:
    return json.loads(vocab_file("context.jsonld").read_text(encoding="utf-8"))["@context"]


def _expand(ctx: dict, value: str) -> str:
    prefix, _, local = value.partition(":")
    return ctx[prefix] + local if prefix in ctx and isinstance(ctx[prefix], str) and not local.startswith("//") \
        else value


def test_every_article_field_is_read():
    """Each key of the table has a reader: a scalar one (build._ARTICLE_VALUES) or a
    structural one (identity, provider, topics, images, related, kind, ignored)."""
    scalar = {key for key, _, _ in build._ARTICLE_VALUES}
    structural = {f.key for f in F.ARTICLE if f.read in (F.IDENTITY, F.PROVIDER, F.LABELS, F.IMAGES,
                                                         F.RELATED, F.KIND, F.IGNORED)}
    assert scalar | structural == {f.key for f in F.ARTICLE}
    assert build.KNOWN_FIELDS == {f.key for f in F.ARTICLE}


@pytest.mark.parametrize("field", [f for f in F.all_fields() if f.predicate and f.term], ids=lambda f: f.key)
def test_the_context_names_each_field_as_the_table_does(field):
    ctx = _context()
    definition = ctx[field.term]
    iri = _expand(ctx, definition if isinstance(definition, str) else definition["@id"])
    assert iri == field.predicate
    coerce = None if isinstance(definition, str) else definition.get("@type")
    if field.datatype == F.ID:
        assert coerce == "@id"
    elif field.datatype == F.STRING:
        assert coerce is None
    else:
        assert _expand(ctx, coerce) == field.datatype


def test_the_context_has_no_term_the_table_lacks():
    ctx = _context()
    terms = {f.term for f in F.all_fields() if f.term} | set(F.CLASSES.values())
    prefixes = {k for k, v in ctx.items() if isinstance(v, str) and v.endswith(("/", "#"))}
    assert set(ctx) - prefixes == terms
    for iri, name in F.CLASSES.items():
        assert _expand(ctx, ctx[name]) == iri


def _property_shapes(g: rdflib.Graph, cls: str, predicate: str) -> list:
    return [s for s in g.subjects(SH.path, rdflib.URIRef(predicate))
            if (s, SH.targetClass, rdflib.URIRef(cls)) in g]


@pytest.mark.parametrize("cls,field", MAPPED, ids=lambda x: x.key if isinstance(x, F.Field) else x.rsplit("/", 1)[-1])
def test_the_shapes_check_each_field_as_the_table_declares_it(cls, field):
    g = shapes()
    found = _property_shapes(g, cls, field.predicate)
    assert len(found) == 1, f"no property shape of {field.predicate} on {cls}"
    shape = found[0]
    assert ((shape, SH.maxCount, rdflib.Literal(1)) in g) == (not field.many)
    # the value's kind: on the class's shape, or on the term's range shape
    ranges = [s for s in g.subjects(SH.path, rdflib.URIRef(field.predicate))
              if (s, SH.targetSubjectsOf, rdflib.URIRef(field.predicate)) in g]
    checked = {o for s in [shape, *ranges] for o in g.objects(s, SH.datatype)}
    kinds = {o for s in [shape, *ranges] for o in g.objects(s, SH.nodeKind)}
    if field.datatype == F.ID:
        assert SH.IRI in kinds and not checked
    else:
        assert checked == {rdflib.URIRef(field.datatype)}


@pytest.mark.parametrize("cls", list(F.NODE_FIELDS), ids=lambda c: c.rsplit("/", 1)[-1])
def test_closed_shapes_allow_exactly_the_fields_of_their_kind(cls):
    g = shapes()
    node = next(s for s in g.subjects(SH.targetClass, rdflib.URIRef(cls)) if (s, RDF.type, SH.NodeShape) in g)
    allowed = set(rdflib.collection.Collection(g, g.value(node, SH.ignoredProperties)))
    assert allowed == {RDF.type} | {rdflib.URIRef(f.predicate) for f in F.NODE_FIELDS[cls] if f.predicate}


def test_the_ontology_declares_every_project_field_with_its_range():
    g = ontology()
    ours = {f.predicate: f for f in F.all_fields() if f.predicate and f.predicate.startswith(KG)}
    declared = {str(s) for kind in (OWL.DatatypeProperty, OWL.ObjectProperty) for s in g.subjects(RDF.type, kind)
                if str(s).startswith(KG)}
    assert declared == set(ours)
    for iri, field in ours.items():
        rng = g.value(rdflib.URIRef(iri), RDFS.range)
        kind = OWL.ObjectProperty if field.datatype == F.ID else OWL.DatatypeProperty
        assert (rdflib.URIRef(iri), RDF.type, kind) in g, iri
        if field.datatype != F.ID:
            assert rng == rdflib.URIRef(field.datatype), iri
