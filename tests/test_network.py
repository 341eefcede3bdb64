"""The RDF-faithful projection (graph.formats.network, ``network="rdf"``) and the GraphML writer.

The network view, the default of graph.to_networkx and of the graphml export, is
tested in tests/test_network_view.py."""
from __future__ import annotations

import io
import itertools
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pyoxigraph as ox
import pytest

import graph
from graph.formats.graphml import escape, read_graphml, unescape, write_graph
from graph.formats.network import attribute_names, quads_to_networkx
from graph.terms import DEFAULT_BASE, RDF_TYPE, RDFS, SCHEMA, SK, XSD, K, S

ARTICLE = "https://thehill.com/policy/technology/505563-dozens-of-advocacy-groups-push-for-congress-to-ban-facial-recognition"
IMAGE = "https://thehill.com/sites/default/files/facialrecognitiontech_070319istock.jpg"
EX = "http://ex.org/"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def n(iri):
    return ox.NamedNode(iri)


def lit(value, datatype=None):
    return ox.Literal(value, datatype=n(XSD + datatype) if datatype else None)


def build(*triples) -> nx.MultiDiGraph:
    g = n(EX + "g")
    return quads_to_networkx([ox.Quad(s, p, o, g) for s, p, o in triples])


def graphml_bytes(g) -> bytes:
    buf = io.BytesIO()
    write_graph(g, buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def seed_graph():
    from conftest import SEEDS
    return graph.to_networkx([SEEDS], network="rdf")


def test_seed_nodes_attributes_and_edges(seed_graph):
    g = seed_graph
    assert isinstance(g, nx.MultiDiGraph)
    art = g.nodes[ARTICLE]
    assert art["type"] == "NewsArticle"
    assert art["label"] == art["headline"] == (
        "Dozens of advocacy groups push for Congress to ban facial recognition technology")
    assert art["quality"] == 54 and type(art["quality"]) is int
    assert art["heat"] == 74
    assert art["published"] is True
    assert art["datePublished"] == "2020-07-02T11:00:00Z"
    assert art["sourceFile"] == "000_8ea5b9f3f548affb.txt"
    assert g.nodes[IMAGE]["width"] == 980 and g.nodes[IMAGE]["isCached"] is True
    assert g.nodes[IMAGE]["label"].startswith("Dozens of advocacy groups")  # its caption
    hill = DEFAULT_BASE + "provider/thehill.com"
    assert g.nodes[hill]["label"] == "The Hill" and g.nodes[hill]["type"] == "Organization"
    assert g.nodes[DEFAULT_BASE + "topic/ai"]["label"] == "AI"
    # An IRI that is only an object: a node with its IRI as label and no type.
    assert g.nodes["https://thehill.com/"] == {"label": "https://thehill.com/"}
    assert g.get_edge_data(ARTICLE, hill) == {"publisher": {"predicate": SCHEMA + "publisher"}}
    assert g.get_edge_data(ARTICLE, DEFAULT_BASE + "topic/ai") == {"about": {"predicate": SCHEMA + "about"}}
    assert g.has_edge(ARTICLE, ARTICLE, "url")  # schema:url is the article's own IRI
    assert not any(k == "type" for _, _, k in g.edges(keys=True))
    assert "https://schema.org/NewsArticle" not in g
    for _, attrs in g.nodes(data=True):
        assert all(type(v) in (int, float, bool, str) for v in attrs.values()), attrs


def test_several_values_are_sorted_and_joined_and_types_stay_one_per_name():
    a, b = n(EX + "a"), n(EX + "b")
    g = build(
        (a, S["name"], lit("b")), (a, S["name"], lit("A")),
        (a, S["height"], lit("551", "integer")), (a, S["height"], lit("98", "integer")),
        (a, K["isCached"], lit("true", "boolean")), (a, K["isCached"], lit("false", "boolean")),
        (b, S["height"], lit("10", "integer")),
        (b, K["quality"], lit("7", "integer")),
        (b, K["heat"], lit("not a number", "integer")),
        (b, S["width"], lit("2.5", "decimal")),
    )
    assert g.nodes[EX + "a"]["name"] == "A | b"          # code point order
    assert g.nodes[EX + "a"]["label"] == "A | b"
    assert g.nodes[EX + "a"]["height"] == "98 | 551"     # numbers by value
    assert g.nodes[EX + "a"]["isCached"] == "false | true"
    # Once a name holds text somewhere, it holds text everywhere.
    assert g.nodes[EX + "b"]["height"] == "10"
    assert g.nodes[EX + "b"]["quality"] == 7
    assert g.nodes[EX + "b"]["heat"] == "not a number"
    assert g.nodes[EX + "b"]["width"] == 2.5
    assert g.nodes[EX + "b"]["label"] == EX + "b"


def test_label_prefers_headline_then_name_then_preflabel_then_caption():
    a, b, c = n(EX + "a"), n(EX + "b"), n(EX + "c")
    g = build(
        (a, S["caption"], lit("caption")), (a, S["name"], lit("name")), (a, SK["prefLabel"], lit("pref")),
        (b, S["caption"], lit("caption")), (b, SK["prefLabel"], lit("pref")),
        (c, S["caption"], lit("caption")), (c, S["headline"], lit("headline")), (c, S["name"], lit("n")),
    )
    assert [g.nodes[x]["label"] for x in (EX + "a", EX + "b", EX + "c")] == ["name", "pref", "headline"]


def test_clashing_local_names_are_qualified():
    a = n(EX + "a")
    g = build(
        (a, S["name"], lit("schema name")),
        (a, n(EX + "name"), lit("ex name")),
        (a, n(RDFS + "label"), lit("rdfs label")),
        (a, n(EX + "type"), n(EX + "b")),
        (a, RDF_TYPE, n(EX + "Thing")),
    )
    attrs = g.nodes[EX + "a"]
    assert attrs["schema_name"] == "schema name"
    assert attrs[EX + "name"] == "ex name"
    assert attrs["rdfs_label"] == "rdfs label"
    assert attrs["type"] == "Thing" and attrs["label"] == "schema name"
    assert g.has_edge(EX + "a", EX + "b", EX + "type")


def test_kg_mapping_has_no_clashing_local_names():
    predicates = [t.value for t in (*S.values(), *SK.values(), *K.values())]
    names = attribute_names(predicates)
    assert all(name == iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for iri, name in names.items()), names


def assert_graphml_matches(path_or_bytes, built: nx.MultiDiGraph):
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    read = nx.read_graphml(source, force_multigraph=True)
    # networkx's own reader: same nodes, attribute values and edges; the edge key
    # also comes back as the edge attribute "key".
    assert dict(read.nodes(data=True)) == dict(built.nodes(data=True))
    edges = {(u, v, k): d for u, v, k, d in read.edges(keys=True, data=True)}
    assert edges == {(u, v, k): {**d, "key": k} for u, v, k, d in built.edges(keys=True, data=True)}
    # kg's reader gives back exactly the graph.
    if isinstance(path_or_bytes, bytes):
        source = io.BytesIO(path_or_bytes)
    exact = read_graphml(source)
    assert nx.utils.graphs_equal(exact, built)


def test_graphml_round_trips_seed_and_real_corpus(tmp_path, seeds, ai_news):
    for name, inputs in (("seed", [seeds]), ("ai-news", [ai_news])):
        out = tmp_path / name
        graph.export(inputs, ["graphml"], out)
        assert_graphml_matches(out / "graph.graphml", graph.to_networkx(inputs))


def test_graphml_is_what_gephi_reads(tmp_path, seeds):
    graph.export([seeds], ["graphml"], tmp_path)
    root = ET.parse(tmp_path / "graph.graphml").getroot()
    keys = root.findall(f"{GRAPHML}key")
    names = [(k.get("for"), k.get("attr.name")) for k in keys]
    assert len(names) == len(set(names))
    assert {k.get("attr.type") for k in keys} <= {"long", "double", "boolean", "string"}
    # Gephi maps these key ids (and names) to node and edge properties, whatever the attr.name.
    gephi_ids = {"label", "d3", "x", "y", "xpos", "ypos", "z", "size", "r", "g", "b",
                 "edgelabel", "d7", "weight", "Edge Weight", "id", "edgeid"}
    assert not {k.get("id") for k in keys} & gephi_ids
    label_key = next(k.get("id") for k in keys if k.get("attr.name") == "label" and k.get("for") == "node")
    g = root.find(f"{GRAPHML}graph")
    assert g.get("edgedefault") == "directed"
    nodes = g.findall(f"{GRAPHML}node")
    assert len({node.get("id") for node in nodes}) == len(nodes)
    for node in nodes:
        assert [d.text for d in node.findall(f"{GRAPHML}data") if d.get("key") == label_key], node.get("id")
    # No edge ids: an edge key repeats, and Gephi drops an edge whose id it has seen.
    assert all(e.get("id") is None for e in g.findall(f"{GRAPHML}edge"))


def test_a_key_with_values_of_different_types_is_string():
    g = nx.MultiDiGraph()
    g.add_node("a", x=1, y=True, z=1.5, big=2**70)
    g.add_node("b", x="one", y=False, z=2.0, w=None)
    g.add_edge("a", "b", "k", predicate="p")
    data = graphml_bytes(g)
    types = {k.get("attr.name"): k.get("attr.type") for k in ET.fromstring(data).findall(f"{GRAPHML}key")}
    assert types == {"x": "string", "y": "boolean", "z": "double", "big": "string", "key": "string",
                     "predicate": "string"}
    read = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    assert read.nodes["a"] == {"x": "1", "y": True, "z": 1.5, "big": str(2**70)}
    assert read.nodes["b"] == {"x": "one", "y": False, "z": 2.0}


HOSTILE_TEXT = ('nul\x00 bell\x07 vt\x0b ff\x0c esc\x1b us\x1f \ufffe\uffff | cr\r lf\n tab\t | '
                '<tag> & "q" \'s\' ]]> | \\u0041 \\\\u0041 \\\x01 C:\\temp | 😀 שלום \u202e')


def test_control_and_xml_special_characters_round_trip():
    a = n(EX + "a?x=1&y=2")
    g = build((a, S["headline"], lit(HOSTILE_TEXT)), (a, n(EX + "p&q'"), lit("v")),
              (a, S["about"], n(EX + "t")), (n(EX + "t"), SK["prefLabel"], lit("@id")))
    data = graphml_bytes(g)
    assert_graphml_matches_with_escapes(data, g)
    assert read_graphml(io.BytesIO(data)).nodes[EX + "a?x=1&y=2"]["headline"] == HOSTILE_TEXT


def assert_graphml_matches_with_escapes(data: bytes, built):
    read = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    for node, attrs in built.nodes(data=True):
        # Plain networkx gives the text escaped as documented; unescape restores it.
        assert read.nodes[node] == {k: escape(v) if isinstance(v, str) else v for k, v in attrs.items()}
    assert nx.utils.graphs_equal(read_graphml(io.BytesIO(data)), built)


def test_escape_is_reversible_and_touches_only_what_it_must():
    alphabet = ["\\", "u", "0", "a", "\x01"]
    for size in range(8):
        for chars in itertools.product(alphabet, repeat=size):
            text = "".join(chars)
            escaped = escape(text)
            assert unescape(escaped) == text, repr(text)
            assert "\x01" not in escaped
            if "\x01" not in text and not re.search(r"\\u[0-9a-fA-F]{4}", text):
                assert escaped == text
    assert escape("\ufffe") == "\\uFFFE" and escape("a\\b") == "a\\b"


@pytest.mark.parametrize("text, datatype, value", [
    ("54", "integer", 54), ("-1", "integer", -1), ("007", "nonNegativeInteger", 7),
    ("1_000", "integer", "1_000"), ("٣", "integer", "٣"), ("x", "integer", "x"),
    ("2.5", "decimal", 2.5), ("1e3", "double", 1000.0), ("-INF", "double", float("-inf")),
    ("inf", "double", "inf"), ("true", "boolean", True), ("0", "boolean", False), ("yes", "boolean", "yes"),
    ("2020-07-02T11:00:00Z", "dateTime", "2020-07-02T11:00:00Z"), ("2020-07-02", "date", "2020-07-02"),
])
def test_literals_become_python_values_by_their_xsd_lexical_form(text, datatype, value):
    g = build((n(EX + "a"), n(EX + "p"), lit(text, datatype)))
    got = g.nodes[EX + "a"]["p"]
    assert got == value and type(got) is type(value)


def test_export_assembled_from_worker_pieces_equals_the_whole_graph_writer(piecewise_corpora, tmp_path):
    """The export groups each file's quads where they are mapped (in workers for large
    corpora) and merges the groups; the bytes equal write_graphml's on all quads."""
    import io

    from graph.network.graphml import write_graphml
    for n, folder in enumerate(piecewise_corpora):
        out = tmp_path / f"out{n}"
        graph.export([folder], ["graphml"], out, jobs=2)
        whole = io.BytesIO()
        write_graphml(graph.read_corpus([folder]).quads(), whole)
        assert (out / "graph.graphml").read_bytes() == whole.getvalue()
