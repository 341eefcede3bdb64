"""kg writes Turtle, N-Triples, N-Quads and TriG itself from plain triples: the bytes must be
pyoxigraph's, for the real corpus, a generated one and arbitrary values."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import RdfFormat, serialize

import graph
from graph import fields as F
from graph.formats import rdf
from graph.mapping.plain import to_pyoxigraph
from graph.terms import KG, PREFIXES, RDF, SCHEMA, SKOS

ROOT = Path(__file__).resolve().parent.parent


def _pyoxigraph(triples, fmt: RdfFormat, graph_iri: str | None = None) -> bytes:
    if fmt in (RdfFormat.N_QUADS, RdfFormat.TRIG):
        data = serialize(to_pyoxigraph(triples, graph_iri), format=fmt, prefixes=PREFIXES)
    else:
        data = serialize(to_pyoxigraph(triples), format=fmt, prefixes=PREFIXES)
    header = rdf._PIECE_TRIG if fmt == RdfFormat.TRIG else rdf._PIECE_TTL
    return data[len(header):] if fmt in (RdfFormat.TURTLE, RdfFormat.TRIG) and data.startswith(header) else data


def _ours(triples, fmt: RdfFormat, graph_iri: str | None = None) -> bytes:
    return {RdfFormat.TURTLE: rdf.encode_turtle, RdfFormat.N_TRIPLES: rdf.encode_ntriples,
            RdfFormat.N_QUADS: rdf.encode_nquads, RdfFormat.TRIG: rdf.encode_trig}[fmt](triples, graph=graph_iri)


FORMATS = [RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.N_QUADS, RdfFormat.TRIG]


def _corpus_graphs(folder):
    found = graph.read_corpus([folder], jobs=1)
    return [(m.graph, m.payload) for m in found.graphs(lambda g, triples: triples)]


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_the_real_corpus_is_written_as_pyoxigraph_writes_it(ai_news, fmt):
    for g, triples in _corpus_graphs(ai_news):
        assert _ours(triples, fmt, g) == _pyoxigraph(triples, fmt, g), g


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--articles", "400", "--seed", "3", str(out)],
                   check=True, capture_output=True)
    return out


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_a_generated_corpus_is_written_as_pyoxigraph_writes_it(generated, fmt):
    for g, triples in _corpus_graphs(generated):
        assert _ours(triples, fmt, g) == _pyoxigraph(triples, fmt, g), g


# Arbitrary values: IRIs inside and outside kg's prefixes (those go to pyoxigraph itself),
# literals with every kind of character, every datatype and language tags.
_local = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x2FF, blacklist_characters='<>"{}|^`\\%'),
                 min_size=0, max_size=12)
iris = st.one_of(
    st.builds(lambda s: "https://a.example/" + s, _local),
    st.builds(lambda ns, s: ns + s, st.sampled_from(list(PREFIXES.values())), _local),
    st.sampled_from([SCHEMA + "NewsArticle", SKOS + "Concept", RDF + "type", KG + "heat"]),
)
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
literals = st.one_of(
    st.tuples(text, st.just(F.STRING)),
    st.tuples(st.integers(-10**20, 10**20).map(str), st.just(F.INTEGER)),
    st.tuples(st.sampled_from(["true", "false", "1", "0"]), st.just(F.BOOLEAN)),
    st.tuples(text, st.sampled_from([F.INTEGER, F.BOOLEAN, F.DATETIME, F.STRING, "https://b.example/type",
                                     "http://www.w3.org/2001/XMLSchema#decimal"])),
    st.tuples(text, st.sampled_from(["@en", "@de-ch", "@fr"])),
)
objects = st.one_of(iris.map(lambda iri: (iri, None)), literals)
predicates = st.one_of(iris, st.sampled_from([f.predicate for f in F.all_fields() if f.predicate]))
triples = st.lists(st.tuples(st.sampled_from(["https://a.example/s", "https://a.example/t", SCHEMA + "x"]),
                             predicates, objects), max_size=12)


def _valid(generated_triples):
    out = []
    for s, p, (o, dt) in generated_triples:
        try:
            to_pyoxigraph([(s, p, o, dt)])
        except ValueError:  # not an IRI pyoxigraph accepts: the mapper never makes one
            continue
        out.append((s, p, o, dt))
    return list(dict.fromkeys(out))


@settings(max_examples=400, deadline=None)
@given(triples)
def test_arbitrary_triples_are_written_as_pyoxigraph_writes_them(generated_triples):
    plain = _valid(generated_triples)
    for fmt in FORMATS:
        assert _ours(plain, fmt, "https://a.example/g") == _pyoxigraph(plain, fmt, "https://a.example/g")
