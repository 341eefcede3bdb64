"""The published vocabulary: ontology, shapes, generated reference, and the terms exports use."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from conftest import ROOT
from rdflib import OWL, RDF, RDFS, SH
from rdflib import namespace as ns  # ns.SDO, ns.XSD: module attributes pytest would inspect

import graph
from graph import fields as F
from graph import formats
from graph.terms import KG, K
from graph.vocabulary import ONTOLOGY_IRI, ontology, project_terms, shapes, vocab_file
from graph.vocabulary.doc import render
from graph.vocabulary.validate import EXPORT_SUFFIXES

VOCAB = ROOT / "vocab"
PUBLISHED = ["kg.ttl", "shapes.ttl", "README.md"]


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_turtle_files_parse_with_rdflib_and_pyoxigraph(name):
    path = VOCAB / name
    with_rdflib = rdflib.Graph().parse(path, format="turtle")
    with_oxigraph = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(with_rdflib) == len(with_oxigraph) > 50


@pytest.mark.parametrize("name", PUBLISHED)
def test_installed_package_reads_the_published_files(name):
    # One copy: the package's data is the vocab/ folder itself (pyproject.toml maps it).
    assert vocab_file(name).read_bytes() == (VOCAB / name).read_bytes()


def test_ontology_header():
    g = ontology()
    onto = rdflib.URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in g
    for pred in (ns.DCTERMS.title, ns.DCTERMS.description, ns.DCTERMS.creator, ns.DCTERMS.license,
                 OWL.versionInfo, OWL.versionIRI):
        assert g.value(onto, pred) is not None, pred
    assert str(g.value(onto, OWL.versionIRI)).endswith(str(g.value(onto, OWL.versionInfo)))


def test_every_project_term_the_mapper_uses_is_declared_and_none_is_stale():
    declared = {str(t) for t in project_terms()}
    assert declared == {t.value for t in K.values()}


@pytest.mark.parametrize("term", [t.value for t in K.values()])
def test_project_term_is_documented(term):
    g = ontology()
    t = rdflib.URIRef(term)
    for pred in (RDFS.label, RDFS.comment, RDFS.domain, RDFS.range, RDFS.isDefinedBy):
        assert g.value(t, pred) is not None, f"{term} has no {pred}"
    kinds = set(g.objects(t, RDF.type))
    rng = g.value(t, RDFS.range)
    if OWL.DatatypeProperty in kinds:
        assert str(rng).startswith(str(ns.XSD))
    else:
        assert OWL.ObjectProperty in kinds and rng == RDFS.Resource


def _super_properties(g, prop):
    found, todo = set(), [prop]
    while todo:
        for sup in g.objects(todo.pop(), RDFS.subPropertyOf | OWL.equivalentProperty):
            if sup not in found:
                found.add(sup)
                todo.append(sup)
    return found


def test_alignments_do_not_contradict_the_shapes_under_entailment():
    # A kg property under a property the shapes allow once (schema:url, ...) would,
    # once a reasoner adds the implied triples, give nodes a second value.
    onto, sg = ontology(), shapes()
    capped = {sg.value(p, SH.path) for p in sg.subjects(SH.maxCount, rdflib.Literal(1))}
    for term in project_terms():
        supers = _super_properties(onto, term)
        assert not supers & capped, f"{term} is a subproperty of {supers & capped}"
        assert not supers & {ns.SDO.sameAs, OWL.sameAs}, "an AMP or original URL names another resource"


def test_alignment_targets_exist():
    # Closed rdflib namespaces list the real terms of schema.org, Dublin Core, PROV.
    onto = ontology()
    for term in project_terms():
        for pred in (RDFS.subPropertyOf, OWL.equivalentProperty, RDFS.seeAlso):
            for target in onto.objects(term, pred):
                for vocab in (ns.SDO, ns.DCTERMS, ns.PROV, ns.SKOS):
                    if str(target).startswith(str(vocab)):
                        assert target in vocab, f"{term} {pred} {target}: no such term"
                if str(target).startswith(KG):
                    assert target in project_terms()


def test_project_term_shapes_match_domain_and_range():
    onto, sg = ontology(), shapes()
    kgsh = rdflib.Namespace("https://w3id.org/kg-news/shapes#")
    for term in project_terms():
        local = str(term)[len(KG):]
        domain, rng = kgsh[f"{local}-domain"], kgsh[f"{local}-range"]
        assert sg.value(domain, SH.targetSubjectsOf) == term == sg.value(rng, SH.targetSubjectsOf)
        if onto.value(term, RDFS.domain) == rdflib.URIRef(F.OTHER_ITEM):  # any class of item
            assert sg.value(domain, SH.node) == kgsh.Item
        else:
            assert sg.value(domain, SH["class"]) == onto.value(term, RDFS.domain)
        assert sg.value(rng, SH.path) == term
        expected = onto.value(term, RDFS.range)
        if expected == RDFS.Resource:
            assert sg.value(rng, SH.nodeKind) == SH.IRI
        else:
            assert sg.value(rng, SH.datatype) == expected


def test_the_item_shape_takes_every_class_of_item():
    """kgsh:Item (the domain of the item terms, the range of relatedLink) is the classes
    the field table gives items, each a schema:CreativeWork in schema.org."""
    sg = shapes()
    kgsh = rdflib.Namespace("https://w3id.org/kg-news/shapes#")
    alternatives = rdflib.collection.Collection(sg, sg.value(kgsh.Item, SH["or"]))
    classes = {sg.value(alt, SH["class"]) for alt in alternatives}
    assert classes == {rdflib.URIRef(c) for c in (*F.ITEM_CLASSES.values(), F.OTHER_ITEM)}
    node = kgsh.NewsArticle
    assert set(sg.objects(node, SH.targetClass)) == classes


def test_closed_shapes_allow_exactly_their_property_shapes():
    sg = shapes()
    node_shapes = [s for s in sg.subjects(RDF.type, SH.NodeShape) if sg.value(s, SH.targetClass)]
    assert len(node_shapes) == 5
    for shape in node_shapes:
        assert sg.value(shape, SH.closed) == rdflib.Literal(True)
        allowed = set(rdflib.collection.Collection(sg, sg.value(shape, SH.ignoredProperties)))
        for target in sg.objects(shape, SH.targetClass):
            paths = {sg.value(p, SH.path) for p in sg.subjects(SH.targetClass, target)
                     if (p, RDF.type, SH.PropertyShape) in sg}
            assert allowed == paths | {RDF.type}, (shape, target)


def test_reference_is_up_to_date():
    assert (VOCAB / "README.md").read_text(encoding="utf-8") == render(), \
        "vocab/README.md is out of date: run  kg vocab-doc -o vocab/README.md"


def test_reference_documents_every_term_and_node_kind():
    text = render()
    for term in project_terms():
        assert f"### kg:{str(term)[len(KG):]}" in text
    for cls in ("schema:Organization", "skos:Concept", "skos:ConceptScheme", "schema:ImageObject"):
        assert f"(`{cls}`)" in text
    assert "(`schema:Book`, `schema:Course`, `schema:CreativeWork`, `schema:NewsArticle`, `schema:VideoObject`)" in text


def test_reference_follows_the_ontology():
    g = rdflib.Graph()
    for prefix, namespace in ontology().namespaces():
        g.bind(prefix, namespace)
    for triple in ontology():
        g.add(triple)
    g.set((rdflib.URIRef(K["heat"].value), RDFS.label, rdflib.Literal("temperature", lang="en")))
    assert "| temperature |" in render(g) and "| temperature |" not in render()


def _kg(*args, cwd=None):
    exe = shutil.which("kg")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "graph", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=120)


def test_vocab_doc_command_writes_and_checks(tmp_path):
    out = tmp_path / "README.md"
    run = _kg("vocab-doc", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8") == render()
    assert _kg("vocab-doc", "-o", str(out), "--check").returncode == 0
    out.write_text(render().replace("heat", "warmth"), encoding="utf-8")
    stale = _kg("vocab-doc", "-o", str(out), "--check")
    assert stale.returncode == 1 and "out of date" in stale.stderr
    assert _kg("vocab-doc").stdout == render()


# --- every term an export uses is known ---------------------------------------------

ALLOWED = {str(v): v for v in (RDF, RDFS, OWL, ns.XSD, ns.SDO, ns.SKOS, ns.PROV)}


def _rdf_formats():
    return [f for f in formats.names() if Path(formats.get(f).filename).suffix in EXPORT_SUFFIXES]


def test_every_predicate_and_class_in_the_exports_is_known(ai_news, tmp_path):
    names = _rdf_formats()
    graph.export([ai_news], names, tmp_path)
    declared = {str(t) for t in project_terms()}
    for name in names:
        path = tmp_path / formats.get(name).filename
        fmt = EXPORT_SUFFIXES[path.suffix]
        used = set()
        for q in pyoxigraph.parse(path=str(path), format=fmt):
            used.add(q.predicate.value)
            if q.predicate.value == str(RDF.type):
                used.add(q.object.value)
        assert len(used) > 20
        for term in used:
            if term in declared:
                continue
            vocab = next((v for base, v in ALLOWED.items() if term.startswith(base)), None)
            assert vocab is not None, f"{name}: {term} is neither a project term nor from an allowed vocabulary"
            # Closed rdflib namespaces: catches a misspelt schema.org or SKOS term.
            assert rdflib.URIRef(term) in vocab, f"{name}: {term} does not exist in {vocab}"


# --- the installed package ------------------------------------------------------------

def test_wheel_ships_the_vocabulary(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", "exports", ".pytest_cache"))
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                          "-q", "-w", str(tmp_path / "dist")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    wheel = next((tmp_path / "dist").glob("kg-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        for name in PUBLISHED:
            assert z.read(f"graph/vocab/{name}") == (VOCAB / name).read_bytes()
