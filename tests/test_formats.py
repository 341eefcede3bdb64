"""Every export format says the same thing, read back by real parsers.

For the seed, the real corpus and a corpus of hostile titles: the same triples
in Turtle, N-Triples, the union of the N-Quads and TriG graphs and the expanded
JSON-LD (pyld; rdflib and pyoxigraph as other readers); GraphML read by networkx holds
the nodes and edges the network view's rules give (and the RDF-faithful projection
those of its own). Every format is byte-identical across runs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import networkx as nx
import pyoxigraph as ox
import pytest
from readers import jsonld_triples, named_graphs, rdflib_graph, triples

import graph
from graph import formats
from graph.formats.graphml import read_graphml, write_graph
from graph.identity.iris import corpus_graph_iri, source_graph_iri
from graph.network import networks_of
from graph.terms import DEFAULT_BASE, RDF_TYPE, SCHEMA, SKOS

ALL_FILES = ["graph.ttl", "graph.nt", "graph.nq", "graph.trig", "graph.jsonld", "graph.graphml"]

# YAML double-quoted escapes: control characters, NUL, a bidi override, U+FFFE.
HOSTILE = {
    "a.md": """---
title: "Tags <b>&amp;</b> \\"quoted\\" 'single' ]]> and \\\\u0041 and C:\\\\temp\\\\x"
excerpt: "Control \\x01\\x0b\\x1f\\0 chars, CR \\r LF \\n tab \\t end\\r"
webUrl: "https://hostile.example/a?x=1&y=<2>"
publishedDateTime: 2021-01-02T03:04:05Z
provider:
  name: "<Evil & Co> \\"]]>\\""
  domain: evil.example
topics:
  - "@id"
  - "@context"
  - "@type"
  - "{\\"@id\\": \\"x\\"}"
images:
  - url: "https://hostile.example/img.png"
    width: 10
    height: 20
    title: "]]><![CDATA[ & </data>"
---
""",
    "b.md": """---
title: "Emoji 😀👩‍👩‍👧 and RTL שלום עולם مرحبا \\u202eevil\\u202c \\uFFFE"
webUrl: "https://hostile.example/b"
topics:
  - "@ID "
  - "Ünïcödé"
related:
  - title: "A related \\"one\\" <with> & things"
    webUrl: "https://hostile.example/a?x=1&y=<2>"
  - title: "\\\\\\\\u0001 looks escaped"
    webUrl: "https://other.example/c"
---
""",
}


def export_all(inputs, out) -> graph.ExportResult:
    return graph.export(inputs, ["all"], out)


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    for name, text in HOSTILE.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def assert_formats_agree(out, corpus):
    ttl = triples(out / "graph.ttl")
    assert len(ttl) > 10
    assert triples(out / "graph.nt") == ttl
    for name in ("graph.nq", "graph.trig"):
        graphs = named_graphs(out / name)
        assert ox.DefaultGraph() not in graphs, f"{name} has triples outside named graphs"
        assert set().union(*graphs.values()) == ttl, name
        # One graph per source file (path relative to the input root), and the corpus graph.
        expected = {ox.NamedNode(source_graph_iri(DEFAULT_BASE, corpus.sources[i].rel)) for i in corpus.spool.indices}
        assert len(expected) == corpus.exported
        expected.add(ox.NamedNode(corpus_graph_iri(DEFAULT_BASE)))
        assert set(graphs) == expected, name
    assert jsonld_triples(out / "graph.jsonld") == ttl
    assert triples(out / "graph.jsonld") == ttl  # pyoxigraph's JSON-LD parser, a third reader
    # rdflib, a second JSON-LD reader, agrees with itself reading the Turtle.
    assert set(rdflib_graph(out / "graph.jsonld", "json-ld")) == set(rdflib_graph(out / "graph.ttl", "turtle"))
    assert_graphml_follows_rules(out / "graph.graphml", ttl)
    # The RDF-faithful projection (kg export --network rdf) follows its own rules.
    rdf = out / "rdf.graphml"
    with open(rdf, "wb") as f:
        write_graph(networks_of(corpus, ["rdf"])["rdf"], f)
    assert_rdf_graphml_follows_rules(rdf, ttl)


KIND_TYPES = {SCHEMA + "NewsArticle": "article", SCHEMA + "Organization": "provider",
              SKOS + "Concept": "topic", SCHEMA + "ImageObject": "image"}
RELATIONS = {SCHEMA + p: p for p in ("publisher", "about", "relatedLink", "image", "logo")}


def assert_graphml_follows_rules(path, ttl: set[ox.Triple]):
    """The network view (graph.graphml): nodes, kinds and edges from the rules, computed
    from the Turtle triples alone."""
    kinds = {t.subject.value: KIND_TYPES[t.object.value] for t in ttl
             if t.predicate == RDF_TYPE and t.object.value in KIND_TYPES}
    edges = {(t.subject.value, t.object.value, RELATIONS[t.predicate.value])
             for t in ttl if t.predicate.value in RELATIONS and t.subject != t.object}
    read = nx.read_graphml(path, force_multigraph=True)
    assert set(read.nodes) == set(kinds) | {u for u, _, _ in edges} | {v for _, v, _ in edges}
    assert {n: a["kind"] for n, a in read.nodes(data=True) if n in kinds} == kinds
    assert set(read.edges(keys=True)) == edges and read.number_of_edges() == len(edges)
    assert all(d["relation"] == k for _, _, k, d in read.edges(keys=True, data=True))
    assert nx.number_of_selfloops(read) == 0
    assert all("label" in attrs and "kind" in attrs for _, attrs in read.nodes(data=True))
    # URL forms and the topic scheme are attributes (or nothing), never nodes
    others = {t.object.value for t in ttl if isinstance(t.object, ox.NamedNode)
              and t.predicate.value not in RELATIONS and t.predicate != RDF_TYPE}
    assert not (others - set(kinds)) & set(read.nodes)


def assert_rdf_graphml_follows_rules(path, ttl: set[ox.Triple]):
    """The RDF-faithful projection: node and edge counts from its rules, computed from
    the Turtle triples alone."""
    def ident(term):
        return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"

    nodes = {ident(t.subject) for t in ttl}
    nodes |= {ident(t.object) for t in ttl if t.predicate != RDF_TYPE and not isinstance(t.object, ox.Literal)}
    edges = {(ident(t.subject), ident(t.object), t.predicate.value)
             for t in ttl if t.predicate != RDF_TYPE and not isinstance(t.object, ox.Literal)}
    read = nx.read_graphml(path, force_multigraph=True)
    assert set(read.nodes) == nodes
    assert read.number_of_edges() == len(edges)
    assert {(u, v, d["predicate"]) for u, v, d in read.edges(data=True)} == edges
    assert all("label" in attrs for _, attrs in read.nodes(data=True))


def test_seed_formats_agree(tmp_path, seeds):
    result = export_all([seeds], tmp_path)
    assert sorted(p.name for p in result.written) == sorted(ALL_FILES)
    assert_formats_agree(tmp_path, result.corpus)


def test_real_corpus_formats_agree(tmp_path, ai_news):
    result = export_all([ai_news], tmp_path)
    assert result.triples > 2000
    assert_formats_agree(tmp_path, result.corpus)


def test_hostile_corpus_round_trips_through_every_format(tmp_path, hostile_corpus):
    result = export_all([hostile_corpus], tmp_path)
    assert_formats_agree(tmp_path, result.corpus)
    ttl = triples(tmp_path / "graph.ttl")
    texts = {t.object.value for t in ttl if isinstance(t.object, ox.Literal)}
    assert {"@id", "@context", "@type", '{"@id": "x"}'} <= texts
    assert any("]]>" in t and "<b>&amp;</b>" in t for t in texts)
    assert any("👩‍👩‍👧" in t and "שלום" in t for t in texts)
    # GraphML: every value, XML-special or not, comes back as networkx built it.
    built = graph.to_networkx([hostile_corpus])
    assert_same_graph(read_graphml(tmp_path / "graph.graphml"), built)


def assert_same_graph(read: nx.MultiDiGraph, built: nx.MultiDiGraph):
    assert dict(read.nodes(data=True)) == dict(built.nodes(data=True))
    assert sorted(read.edges(keys=True, data="predicate")) == sorted(built.edges(keys=True, data="predicate"))
    assert read.number_of_edges() == built.number_of_edges()


def test_every_format_is_deterministic_across_processes(tmp_path, hostile_corpus, seeds):
    """Two runs with different hash seeds write byte-identical files."""
    corpus = tmp_path / "in"
    shutil.copytree(hostile_corpus, corpus)
    shutil.copy(next(seeds.iterdir()), corpus / "seed.md")
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-m", "graph", "export", "-f", "all", "-o", str(out), str(corpus)],
                             capture_output=True, text=True, env=env, timeout=120, check=False)
        assert run.returncode == 0, run.stderr
        outs.append(out)
    for name in ALL_FILES:
        first, second = (outs[0] / name).read_bytes(), (outs[1] / name).read_bytes()
        assert first == second, name
        assert len(first) > 1000, name


def test_registry_names_and_aliases():
    for name, alias in [("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "ntriples"), ("nq", "nquads")]:
        assert formats.get(alias) is formats.get(name)
    assert formats.get("TriG").filename == "graph.trig"
    assert [f.name for f in formats.select(["all"])] == ["ttl", "nt", "nq", "trig", "jsonld", "graphml"]
    assert [f.name for f in formats.select(["turtle", "jsonld", "ttl", "all"])][:2] == ["ttl", "jsonld"]
    assert sorted(f.filename for f in formats.select(["all"])) == sorted(ALL_FILES)
    with pytest.raises(KeyError, match="known formats: .*graphml.*all"):
        formats.get("xml")


def test_stdout_needs_exactly_one_format(tmp_path, seeds):
    with pytest.raises(ValueError, match="one format"):
        graph.export([seeds], ["ttl", "nt"], "-")
