"""The network view (graph.to_networkx, the graphml export), the networks derived from it,
their CSV tables, kg export --network and kg stats --network.

Counts are checked against the YAML of the real corpus, parsed here (tests/expected.py)."""
from __future__ import annotations

import csv
import io
import json
import math
import xml.etree.ElementTree as ET
from collections import Counter

import networkx as nx
import pyoxigraph as ox
import pytest
from conftest import AI_NEWS, SEEDS, kg
from expected import NetworkAnswers, provider_key, topics_of

import graph
from graph.formats.graphml import read_graphml
from graph.network import NetworkError, read_networks, view_of
from graph.network.stats import network_stats
from graph.network.tables import edge_rows, node_rows, write_edges
from graph.terms import DEFAULT_BASE, KG, RDF_TYPE, SCHEMA, SKOS, XSD

ARTICLE = "https://thehill.com/policy/technology/505563-dozens-of-advocacy-groups-push-for-congress-to-ban-facial-recognition"
IMAGE = "https://thehill.com/sites/default/files/facialrecognitiontech_070319istock.jpg"
HILL = DEFAULT_BASE + "provider/thehill.com"
EX = "http://ex.org/"
KINDS = {"article", "provider", "topic", "image"}
ALWAYS = {"article": {"kind", "label", "url", "inCorpus"}, "provider": {"kind", "label", "url", "name"},
          "topic": {"kind", "label", "prefLabel"}, "image": {"kind", "label", "contentUrl"}}


@pytest.fixture(scope="module")
def ai_networks():
    if not AI_NEWS.is_dir():
        pytest.skip(f"real corpus not found at {AI_NEWS}")
    return read_networks([AI_NEWS], ["full", "providers", "topics"])


@pytest.fixture(scope="module")
def answers():
    if not AI_NEWS.is_dir():
        pytest.skip(f"real corpus not found at {AI_NEWS}")
    return NetworkAnswers(AI_NEWS)


def test_seed_article_is_one_node_with_its_url_forms_as_attributes():
    g = graph.to_networkx([SEEDS])
    assert isinstance(g, nx.MultiDiGraph)
    art = g.nodes[ARTICLE]
    assert art["kind"] == "article" and art["inCorpus"] == "true"
    assert art["label"] == art["headline"] == (
        "Dozens of advocacy groups push for Congress to ban facial recognition technology")
    assert art["url"] == ARTICLE and art["ampUrl"] == ARTICLE + "?amp"
    assert art["quality"] == 54 and type(art["quality"]) is int
    assert art["published"] == "true"  # a text: readers turn a missing boolean into false
    assert art["sourceFile"] == "000_8ea5b9f3f548affb.txt"
    assert g.nodes[HILL] == {"kind": "provider", "label": "The Hill", "name": "The Hill",
                             "url": "https://thehill.com/"}
    assert g.nodes[IMAGE]["kind"] == "image" and g.nodes[IMAGE]["isCached"] == "true"
    assert g.nodes[IMAGE]["width"] == 980 and g.nodes[IMAGE]["contentUrl"] == IMAGE
    assert g.nodes[DEFAULT_BASE + "topic/ai"]["kind"] == "topic"
    # related articles without a file are nodes of their own
    related = [v for _, v, k in g.out_edges(ARTICLE, keys=True) if k == "relatedLink"]
    assert len(related) == 2 and all(g.nodes[v]["inCorpus"] == "false" for v in related)
    # URL forms, home pages and the topic scheme are no nodes
    for iri in (ARTICLE + "?amp", "https://thehill.com/", DEFAULT_BASE + "topics"):
        assert iri not in g
    assert g.get_edge_data(ARTICLE, HILL) == {"publisher": {"relation": "publisher"}}
    assert {k for _, _, k in g.edges(keys=True)} == {"publisher", "about", "relatedLink", "image"}
    assert nx.number_of_selfloops(g) == 0


def test_real_corpus_view_has_typed_nodes_and_no_self_loops(ai_networks):
    g = ai_networks.graphs["full"]
    counts = ai_networks.corpus.counts()
    kinds = Counter(kind for _, kind in g.nodes(data="kind"))
    assert kinds == {"article": counts["articles"], "provider": counts["providers"],
                     "topic": counts["topics"], "image": counts["images"]}
    assert nx.number_of_selfloops(g) == 0
    assert all(node.startswith(("http://", "https://")) for node in g)  # IRIs, as in the RDF exports
    for node, attrs in g.nodes(data=True):
        assert ALWAYS[attrs["kind"]] <= attrs.keys(), (node, attrs)
        assert not any(isinstance(v, bool) for v in attrs.values()), (node, attrs)
    for u, v, key, data in g.edges(keys=True, data=True):
        assert data == {"relation": key}
        assert (g.nodes[u]["kind"], key, g.nodes[v]["kind"]) in {
            ("article", "publisher", "provider"), ("article", "about", "topic"),
            ("article", "relatedLink", "article"), ("article", "image", "image"), ("provider", "logo", "image")}
    # one type per attribute name across the graph
    types: dict[str, set] = {}
    for _, attrs in g.nodes(data=True):
        for name, value in attrs.items():
            types.setdefault(name, set()).add(type(value))
    assert all(len(t) == 1 for t in types.values()), types


def test_the_exported_graphml_is_the_view_and_igraph_reads_it_right(tmp_path, ai_networks, answers):
    igraph = pytest.importorskip("igraph", reason="igraph is a test dependency (pip install -e '.[test]')")
    graph.export([AI_NEWS], ["graphml"], tmp_path)
    path = tmp_path / "graph.graphml"
    assert nx.utils.graphs_equal(read_graphml(path), ai_networks.graphs["full"])
    read = nx.read_graphml(path, force_multigraph=True)
    assert nx.number_of_selfloops(read) == 0
    assert all(attrs.get("kind") in KINDS for _, attrs in read.nodes(data=True))
    keys = ET.parse(path).getroot().findall("{http://graphml.graphdrawing.org/xmlns}key")
    assert "boolean" not in {k.get("attr.type") for k in keys}
    # igraph fills in what a node lacks: "" for text, NaN for numbers (never a wrong false or 0)
    ig = igraph.Graph.Read_GraphML(str(path))
    articles = ig.vs.select(kind="article")
    with_file = [v for v in articles if v["inCorpus"] == "true"]
    assert Counter(v["published"] for v in with_file) == answers.published_values()
    assert all(v["published"] == "" for v in articles if v["inCorpus"] == "false")
    qualities = [v["quality"] for v in ig.vs.select(kind="provider")]
    assert qualities and all(math.isnan(q) for q in qualities)  # providers have no quality
    assert ig.vcount() == read.number_of_nodes() and ig.ecount() == read.number_of_edges()


def test_providers_network_weights_agree_with_the_yaml(ai_networks, answers):
    p = ai_networks.graphs["providers"]
    assert isinstance(p, nx.DiGraph) and not p.is_multigraph()
    expected = {(f"{DEFAULT_BASE}provider/{a}", f"{DEFAULT_BASE}provider/{b}"): n
                for (a, b), n in answers.provider_links().items()}
    assert {(u, v): w for u, v, w in p.edges(data="weight")} == expected
    # every related link of the corpus has a publisher at both ends, so each is counted once
    full = ai_networks.graphs["full"]
    assert sum(expected.values()) == sum(1 for _, _, k in full.edges(keys=True) if k == "relatedLink")
    published = Counter(provider_key(d["provider"]["domain"]) for d in answers.articles().values())
    for node, attrs in p.nodes(data=True):
        assert attrs["kind"] == "provider" and attrs["articles"] >= published[node.rsplit("/", 1)[1]]


def test_topics_network_weights_agree_with_the_yaml(ai_networks, answers):
    t = ai_networks.graphs["topics"]
    assert isinstance(t, nx.Graph) and not t.is_directed()
    assert answers.related_topics() == 0  # so only articles with a file are about topics
    label = {node: attrs["label"].casefold() for node, attrs in t.nodes(data=True)}
    got = {frozenset((label[u], label[v])): w for u, v, w in t.edges(data="weight")}
    assert got == answers.article_topic_pairs()
    per_topic = Counter(x for d in answers.articles().values() for x in topics_of(d))
    assert {label[n]: a for n, a in t.nodes(data="articles")} == per_topic


def test_stats_agree_with_the_yaml(ai_networks, answers):
    stats = network_stats(ai_networks.graphs["full"], top=5)
    counts = ai_networks.corpus.counts()
    assert stats.nodes == {"article": counts["articles"], "provider": counts["providers"],
                           "topic": counts["topics"], "image": counts["images"]}
    assert stats.edges["relatedLink"] == sum(answers.linked_from().values())
    assert [(r.id, r.links) for r in stats.most_linked_articles] == answers.most_linked(5)
    into = Counter()
    for (_, b), n in answers.provider_links().items():
        into[b] += n
    assert [(r.id.rsplit("/", 1)[1], r.links) for r in stats.most_linked_providers] == \
        sorted(into.items(), key=lambda kv: (-kv[1], f"{DEFAULT_BASE}provider/{kv[0]}"))[:5]
    pairs = sorted(answers.article_topic_pairs().values(), reverse=True)[:5]
    assert [p.articles for p in stats.densest_topic_pairs] == pairs
    assert stats.components >= 1 and stats.largest_component <= sum(stats.nodes.values())


def build(*triples):
    g = ox.NamedNode(EX + "g")
    return view_of([ox.Quad(s, p, o, g) for s, p, o in triples])


def n(iri):
    return ox.NamedNode(iri)


def test_view_rules_on_quads():
    a, b, t, s = n(EX + "a"), n(EX + "b"), n(EX + "t"), n(EX + "scheme")
    g = build(
        (a, RDF_TYPE, n(SCHEMA + "NewsArticle")), (a, RDF_TYPE, n(SCHEMA + "ImageObject")),  # two types
        (a, n(SCHEMA + "relatedLink"), a),                  # a link to itself: dropped
        (a, n(SCHEMA + "relatedLink"), b),                  # b: described nowhere, an article by the relation
        (a, n(SCHEMA + "about"), t),
        (t, n(SKOS + "inScheme"), s), (s, RDF_TYPE, n(SKOS + "ConceptScheme")),
        (a, n(KG + "published"), ox.Literal("false", datatype=n(XSD + "boolean"))),
        (a, n(EX + "kind"), ox.Literal("sneaky")),          # a reserved name: qualified
        (a, n(KG + "sourceFile"), ox.Literal("x.md")), (a, n(KG + "sourceFile"), ox.Literal("a.md")),
    )
    assert set(g) == {EX + "a", EX + "b", EX + "t"}
    assert g.nodes[EX + "a"]["kind"] == "article" and g.nodes[EX + "a"]["published"] == "false"
    assert g.nodes[EX + "a"]["sourceFile"] == "a.md | x.md" and g.nodes[EX + "a"][EX + "kind"] == "sneaky"
    assert g.nodes[EX + "b"] == {"kind": "article", "label": EX + "b", "inCorpus": "false"}
    assert g.nodes[EX + "t"] == {"kind": "topic", "label": EX + "t", "inScheme": EX + "scheme"}
    assert sorted(g.edges(keys=True)) == [(EX + "a", EX + "b", "relatedLink"), (EX + "a", EX + "t", "about")]


def test_csv_tables_hold_the_network(ai_networks, tmp_path):
    p = ai_networks.graphs["providers"]
    out = io.BytesIO()
    write_edges(p, out)
    data = out.getvalue()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert list(rows[0]) == ["Source", "Target", "Type", "Weight", "Source label", "Target label"]
    assert {(r["Source"], r["Target"]): int(r["Weight"]) for r in rows} == \
        {(u, v): w for u, v, w in p.edges(data="weight")}
    assert {r["Type"] for r in rows} == {"Directed"}
    assert all(r["Source label"] == p.nodes[r["Source"]]["label"] for r in rows)
    header, node_table = node_rows(ai_networks.graphs["topics"])
    assert header[:2] == ["Id", "Label"] and "articles" in header and len(node_table) == 15
    header, edges = edge_rows(ai_networks.graphs["full"])
    assert header[3] == "Relation" and len(edges) == ai_networks.graphs["full"].number_of_edges()


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted_with_an_apostrophe():
    g = nx.DiGraph()
    g.add_node("https://a/", label="=HYPERLINK(\"http://evil\")", kind="provider")
    g.add_node("https://b/", label="-1 plain", kind="provider", heat=-1)
    g.add_edge("https://a/", "https://b/", weight=2)
    out = io.BytesIO()
    write_edges(g, out)
    row = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8"))))[1]
    assert row[4] == "'=HYPERLINK(\"http://evil\")" and row[5] == "'-1 plain"
    header, rows = node_rows(g)
    assert rows[1][header.index("heat")] == -1  # numbers are written as numbers


def test_kg_export_network_writes_graphml_and_csv(tmp_path, ai_news):
    run = kg("export", str(ai_news), "--network", "providers", "--network", "topics", "-f", "graphml", "-f", "csv",
             "-o", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "providers-nodes.csv", "providers.csv", "providers.graphml", "topics-nodes.csv", "topics.csv",
        "topics.graphml"]
    for name in ("providers", "topics"):
        built = graph.to_networkx([ai_news], network=name)
        read = read_graphml(tmp_path / f"{name}.graphml", multigraph=False)
        assert nx.utils.graphs_equal(read, built), name
        with open(tmp_path / f"{name}.csv", encoding="utf-8", newline="") as f:
            assert len(list(csv.DictReader(f))) == built.number_of_edges()
    assert "providers 61 nodes and 44 edges" in run.stderr


def test_kg_export_network_rdf_is_the_rdf_faithful_projection(tmp_path, seeds):
    run = kg("export", str(seeds), "--network", "rdf", "-o", "-")
    assert run.returncode == 0, run.stderr
    read = nx.read_graphml(io.BytesIO(run.stdout.encode("utf-8")), force_multigraph=True)
    assert "https://thehill.com/" in read and nx.number_of_selfloops(read) > 0  # url and contentUrl
    assert nx.utils.graphs_equal(read_graphml(io.BytesIO(run.stdout.encode("utf-8"))),
                                 graph.to_networkx([seeds], network="rdf"))


@pytest.mark.parametrize("args, message", [
    (["--network", "people"], "unknown network 'people'"),
    (["--network", "providers", "-f", "ttl"], "networks are written as graphml or csv"),
    (["-f", "csv"], "csv is for --network"),
    (["--network", "providers", "--network", "topics", "-o", "-"], "one network as graphml"),
    (["--network", "providers", "--validate"], "--validate is for the RDF formats"),
])
def test_kg_export_network_usage_errors(args, message, tmp_path, seeds):
    run = kg("export", str(seeds), *args, *([] if "-o" in args else ["-o", str(tmp_path)]))
    assert run.returncode == 2, run.stderr
    assert message in run.stderr and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_python_api_names_the_networks(seeds):
    with pytest.raises(NetworkError, match="known networks: full, providers, topics, rdf"):
        graph.to_networkx([seeds], network="people")


def test_kg_stats_network(seeds):
    run = kg("stats", str(seeds), "--network", "--json")
    assert run.returncode == 0, run.stderr
    stats = json.loads(run.stdout)
    assert stats["nodes"] == {"article": 3, "provider": 3, "topic": 2, "image": 3}
    assert stats["edges"]["relatedLink"] == 2 and stats["components"] == 1
    assert [r["links"] for r in stats["most_linked_articles"]] == [1, 1]
    assert stats["densest_topic_pairs"][0]["articles"] == 1
    text = kg("stats", str(seeds), "--network")
    assert text.returncode == 0 and "densest topic pairs" in text.stdout and "AI + Computer Vision" in text.stdout


def test_plain_statements_give_the_same_view_as_quads(seeds):
    """encode_view also takes (subject, predicate, object, datatype) text tuples, the mapper's
    plain form: the same piece as from pyoxigraph quads."""
    from graph.network.view import encode_view, plain_statements

    quads = list(graph.read_corpus([seeds]).quads())
    plain = list(plain_statements(quads))
    assert all(isinstance(t, tuple) and len(t) == 4 for t in plain)
    assert any(dt is None for *_, dt in plain) and any(dt == XSD + "integer" for *_, dt in plain)
    assert encode_view(plain) == encode_view(quads)
    assert nx.utils.graphs_equal(view_of(plain), view_of(quads))
