"""The JSON-LD writer and the project's JSON-LD context."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld
from readers import NO_NETWORK, expand_jsonld

import graph
from graph.formats import FormatError
from graph.formats.jsonld import Compactor, context, document, write_jsonld
from graph.terms import KG, RDF_TYPE, SCHEMA, SK, XSD, K, S

ROOT = Path(__file__).resolve().parent.parent
CONTEXT_FILE = ROOT / "vocab" / "context.jsonld"
EX = "http://example.com/"


def n(iri):
    return ox.NamedNode(iri)


def lit(value, datatype=None, language=None):
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=n(XSD + datatype) if datatype else None)


def quads(*triples):
    g = n(EX + "graph")
    return [ox.Quad(s, p, o, g) for s, p, o in triples]


def round_trip(qs) -> set[ox.Triple]:
    buf = io.BytesIO()
    write_jsonld(qs, buf)
    return expand_jsonld(json.loads(buf.getvalue()))


def test_the_writer_embeds_vocab_context():
    from graph.vocabulary import CONTEXT, vocab_file

    assert context() == json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    assert context() == json.loads(vocab_file(CONTEXT).read_text(encoding="utf-8"))


def test_context_is_valid_json_ld():
    doc = {
        **json.loads(CONTEXT_FILE.read_text(encoding="utf-8")),
        "@id": EX + "a",
        "@type": "NewsArticle",
        "url": EX + "a",
        "quality": 54,
        "published": True,
        "datePublished": "2020-07-02T11:00:00Z",
        "headline": "H",
        "about": [EX + "t1", EX + "t2"],
    }
    expanded = jsonld.expand(doc, dict(NO_NETWORK))
    assert expanded == [{
        "@id": EX + "a",
        "@type": [SCHEMA + "NewsArticle"],
        SCHEMA + "url": [{"@id": EX + "a"}],
        KG + "quality": [{"@type": XSD + "integer", "@value": 54}],
        KG + "published": [{"@type": XSD + "boolean", "@value": True}],
        SCHEMA + "datePublished": [{"@type": XSD + "dateTime", "@value": "2020-07-02T11:00:00Z"}],
        SCHEMA + "headline": [{"@value": "H"}],
        SCHEMA + "about": [{"@id": EX + "t1"}, {"@id": EX + "t2"}],
    }]


def test_context_covers_every_term_the_mapper_uses_with_the_right_type():
    terms = Compactor(context()).terms
    for term in (*S.values(), *SK.values(), *K.values()):
        assert term.value in terms, f"no JSON-LD term for {term.value}"
    # Each kg: term's type agrees with its declared range in vocab/kg.ttl.
    store = ox.Store()
    store.load(path=str(ROOT / "vocab" / "kg.ttl"))
    rdfs_range = n("http://www.w3.org/2000/01/rdf-schema#range")
    for term in K.values():
        ranges = {q.object.value for q in store.quads_for_pattern(term, rdfs_range, None)}
        coerce = terms[term.value].coerce
        if ranges & {XSD + "integer", XSD + "boolean", XSD + "dateTime"}:
            assert {coerce} == ranges, term
        elif ranges == {XSD + "string"}:
            assert coerce is None, term
        else:
            assert coerce == "@id", term


def test_values_that_do_not_fit_their_term_keep_their_type():
    a, b = n(EX + "a"), n(EX + "b")
    qs = quads(
        (a, RDF_TYPE, S["NewsArticle"]),
        (a, RDF_TYPE, n(EX + "Other")),                      # a class without a term
        (a, K["quality"], lit("54", "integer")),             # fits: a JSON number
        (a, K["heat"], lit("054", "integer")),               # not canonical: stays a string
        (a, S["width"], lit("1" + "0" * 30, "integer")),     # too big for a JSON number
        (a, S["height"], lit("-0", "integer")),
        (a, K["published"], lit("1", "boolean")),            # valid, not canonical
        (a, K["isCached"], lit("false", "boolean")),
        (a, K["quality"], lit("high")),                      # text under an integer term
        (a, S["width"], lit("3.5", "decimal")),              # another datatype
        (a, S["headline"], lit("Titre", language="fr")),     # language-tagged
        (a, S["headline"], lit("2020-01-01", "date")),       # typed literal under a text term
        (a, S["headline"], b),                               # an IRI under a text term
        (a, S["url"], lit("https://example.com/not-an-iri")),  # text under an @id term
        (a, S["url"], a),
        (a, S["datePublished"], lit("2020-07-02T11:00:00Z", "dateTime")),
        (a, S["datePublished"], lit("2020-07-02")),           # text under a dateTime term
        (a, n(EX + "unknown"), lit("x")),                    # a predicate without a term
        (a, n(EX + "unknown"), b),
        (a, n(SCHEMA + "wordCount"), lit("k")),              # in a prefix's namespace
        (a, S["about"], ox.BlankNode("t1")),
        (ox.BlankNode("t1"), SK["prefLabel"], lit("@context")),
        (b, S["name"], lit('{"@id": "x"}')),
    )
    expected = {q.triple for q in qs}
    got = round_trip(qs)
    # pyld names blank nodes itself: compare with the blank node renamed.
    rename = {t.subject for t in got if isinstance(t.subject, ox.BlankNode)}
    assert len(rename) == 1
    blank = rename.pop()

    def same(t):
        def fix(term):
            return blank if isinstance(term, ox.BlankNode) else term
        return ox.Triple(fix(t.subject), t.predicate, fix(t.object))

    assert got == {same(t) for t in expected}
    node = next(x for x in document(qs)["@graph"] if x["@id"] == EX + "a")
    assert 54 in node["quality"] and "high" not in node["quality"]
    assert {"@value": "high"} in node["quality"]
    assert node["isCached"] is False
    assert node["heat"] == "054"
    assert node["schema:wordCount"] == "k"
    assert node[EX + "unknown"] == [{"@id": EX + "b"}, "x"]
    assert node["@type"] == ["NewsArticle", EX + "Other"]


def test_layout_indented_by_default_one_line_with_compact_json(tmp_path, seeds):
    graph.export([seeds], ["jsonld"], tmp_path / "a")
    graph.export([seeds], ["jsonld"], tmp_path / "b", compact_json=True)
    indented = (tmp_path / "a" / "graph.jsonld").read_text(encoding="utf-8")
    one_line = (tmp_path / "b" / "graph.jsonld").read_text(encoding="utf-8")
    doc = json.loads(indented)
    assert json.loads(one_line) == doc
    assert indented == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    assert one_line.count("\n") == 1 and one_line.endswith("}\n")
    assert list(doc) == ["@context", "@graph"]
    assert doc["@context"] == context()["@context"]
    ids = [node["@id"] for node in doc["@graph"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    for node in doc["@graph"]:
        keys = [k for k in node if k not in ("@id", "@type")]
        assert keys == sorted(keys) and all(":" not in k for k in keys), keys


def test_utf8_not_ascii_escaped(tmp_path, write_corpus):
    folder = write_corpus({"a.md": '---\ntitle: "Café – 日本 😀"\nwebUrl: https://a.example/x\n---\n'})
    graph.export([folder], ["jsonld"], tmp_path)
    raw = (tmp_path / "graph.jsonld").read_bytes()
    assert "Café – 日本 😀".encode() in raw


def test_iri_that_would_read_as_a_compact_iri_is_refused():
    compactor = Compactor(context())
    assert compactor.iri("https://kg.example/x") == "https://kg.example/x"
    with pytest.raises(FormatError, match="compact IRI"):
        compactor.iri("kg:provider/x")


def test_cli_reports_an_unwritable_iri_without_traceback(tmp_path, seeds):
    run = subprocess.run([sys.executable, "-m", "graph", "export", "-f", "jsonld", "--base", "schema:kg/",
                          "-o", str(tmp_path), str(seeds)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "compact IRI" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "graph.jsonld").exists()


@pytest.mark.parametrize("compact", [False, True])
def test_export_assembled_from_worker_pieces_equals_the_whole_graph_writer(piecewise_corpora, tmp_path, compact):
    """The export builds node objects file by file (in workers for large corpora) and
    merges the few that two files describe; the bytes equal write_jsonld's on all quads."""
    for n, folder in enumerate(piecewise_corpora):
        out = tmp_path / f"out{n}"
        graph.export([folder], ["jsonld"], out, jobs=2, compact_json=compact)
        whole = io.BytesIO()
        write_jsonld(graph.read_corpus([folder]).quads(), whole, compact_json=compact)
        assert (out / "graph.jsonld").read_bytes() == whole.getvalue()
