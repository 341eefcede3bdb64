"""No value of a front matter can add a triple, break a line, inject an element, a
key or a SPARQL clause: values built to do each, through every registered format,
each checked with the real parser of its format."""
from __future__ import annotations

import pytest
import yaml
from format_checks import CHECKS, written
from pyoxigraph import Literal, NamedNode, Store

import graph
from graph import formats
from graph.pipeline.corpus import read_corpus
from graph.terms import SCHEMA

PAYLOAD_URL = 'https://x.example/a> <https://schema.org/name> "pwned" . <https://y.example/b'
TITLES = [
    'Triple """ quotes \'\'\' and "double" \'single\'',
    'Line\nbreak\r\n<https://evil.example/s> <https://schema.org/name> "pwned" .\n',
    'back\\slash \\u0022 \\n \\" not escapes\\',
    '</data><node id="x"/><data key="d0">pwned',
    '{"@id": "https://evil.example/", "@context": {"@vocab": "https://evil.example/"}, "@graph": []}',
    ']]><!-- --> & &amp; &#0; <![CDATA[ x',
    'SPARQL" } ; INSERT DATA { <https://evil.example/s> <https://evil.example/p> "pwned" } #',
    "control \x00 nul \x1b[31m escape \x07 bell \x7f del \u2028 separator",
]
EVIL = ("https://evil.example/", "https://y.example/b")


def hostile_files() -> dict[str, str]:
    files = {}
    for i, title in enumerate(TITLES):
        data = {
            "title": title,
            "webUrl": PAYLOAD_URL if i == 0 else f"https://x.example/{i}/\"><{{}}>\\?q='\"",
            "excerpt": title[::-1],
            "category": "@type",
            "topics": ["@id", "@graph", "@context", "</data>", 'a"b', title],
            "provider": {"name": f'"; DROP {title}', "domain": "news.example"},
            "images": [{"url": f"https://img.example/{i}.jpg\"onerror=\"x", "title": title, "width": 10}],
            "related": [{"webUrl": f"https://r.example/{i}?a=<b>&c=\"d\"", "title": title}],
        }
        files[f"{i}.md"] = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n"
    return files


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    for name, text in hostile_files().items():
        (folder / name).write_text(text, encoding="utf-8")
    corpus = read_corpus([folder])
    assert corpus.exported == len(TITLES)
    return corpus, list(corpus.quads())


@pytest.mark.parametrize("name", formats.names())
def test_every_format_parses_to_exactly_the_quads(hostile, name):
    if name not in CHECKS:
        pytest.skip(f"no parse check for format {name!r}: add one to tests/format_checks.py")
    _corpus, quads = hostile
    CHECKS[name](written(formats.get(name), quads), quads)


def test_values_stay_single_terms(hostile):
    _corpus, quads = hostile
    headlines = {q.object.value for q in quads if q.predicate == NamedNode(SCHEMA + "headline")}
    assert headlines == {t.strip() for t in TITLES}
    for q in quads:
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            if isinstance(term, NamedNode):
                assert not term.value.startswith(EVIL), q
                assert not any(ch in term.value for ch in ' <>"{}|\\^`\n'), term.value
    article = NamedNode("https://x.example/a%3E%20%3Chttps://schema.org/name%3E%20%22pwned%22%20.%20%3Chttps://y.example/b")
    assert any(q.subject == article for q in quads)


def test_files_written_by_export_pass_the_checks(tmp_path, write_corpus):
    folder = write_corpus(hostile_files())
    result = graph.export([folder], formats.names(), tmp_path / "out")
    quads = list(result.corpus.quads())
    for path in result.written:
        name = next(n for n in formats.names() if formats.get(n).filename == path.name)
        if name in CHECKS:
            CHECKS[name](path.read_bytes(), quads)


def test_sparql_strings_cannot_be_escaped(hostile):
    """Terms written in N-Triples syntax (what any SPARQL built from them uses) stay one term."""
    _corpus, quads = hostile
    store = Store()
    for q in quads:
        store.update(f"INSERT DATA {{ GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }} }}")
    assert set(store) == set(quads)
    for title in TITLES:
        literal = Literal(title.strip())
        rows = store.query(f"SELECT DISTINCT ?a WHERE {{ ?a <{SCHEMA}headline> {literal} }}",
                           use_default_graph_as_union=True)
        expected = {q.subject for q in quads if q.object == literal and q.predicate.value == SCHEMA + "headline"}
        assert {row["a"] for row in rows} == expected and expected, title
    assert not bool(store.query("ASK { ?s ?p ?o FILTER(CONTAINS(STR(?s), 'evil.example')) }"))


def test_the_checks_catch_an_injected_statement():
    """The checks above can fail: an output saying one triple more is refused by each."""
    import io
    import json

    import networkx as nx
    from pyoxigraph import Quad

    a = NamedNode("https://x.example/a")
    g_iri = NamedNode("https://example.org/kg/g")
    quads = [Quad(a, NamedNode(SCHEMA + "headline"), Literal("t"), g_iri),
             Quad(a, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), NamedNode(SCHEMA + "NewsArticle"),
                  g_iri)]
    injected = quads + [Quad(a, NamedNode(SCHEMA + "name"), Literal("pwned"), g_iri)]
    for name in ("ttl", "nt", "nq", "trig"):
        with pytest.raises(AssertionError):
            CHECKS[name](written(formats.get(name), injected), quads)
    doc = {"@graph": [{"@id": a.value, "@type": SCHEMA + "NewsArticle", f"{SCHEMA}headline": "t"}]}
    CHECKS["jsonld"](json.dumps(doc).encode(), quads)  # the honest document passes
    doc["@graph"][0][f"{SCHEMA}name"] = "pwned"
    with pytest.raises(AssertionError):
        CHECKS["jsonld"](json.dumps(doc).encode(), quads)
    g = nx.MultiDiGraph()
    g.add_node(a.value, kind="article", label="t", headline="t")  # the network view's node
    out = io.BytesIO()
    nx.write_graphml(g, out)
    CHECKS["graphml"](out.getvalue(), quads)  # the honest graph passes
    g.add_node("x")
    out = io.BytesIO()
    nx.write_graphml(g, out)
    with pytest.raises(AssertionError):
        CHECKS["graphml"](out.getvalue(), quads)
