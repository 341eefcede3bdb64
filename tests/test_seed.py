"""The seed article's facts, triple by triple, in the Turtle export."""
from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Store

import graph
from graph.terms import DEFAULT_BASE, KG, SCHEMA, SKOS, XSD

ARTICLE = NamedNode("https://thehill.com/policy/technology/505563-dozens-of-advocacy-groups-push-for-congress-to-ban-facial-recognition")
MASSLIVE = NamedNode("https://www.masslive.com/news/2020/07/easthampton-is-the-latest-massachusetts-community-to-pass-a-municipal-ban-on-facial-recognition-technology.html")
RABBLE = NamedNode("https://rabble.ca/columnists/2020/07/facial-recognition-technology-one-most-racist-weapons-police-arsenal")
IMAGE = NamedNode("https://thehill.com/sites/default/files/facialrecognitiontech_070319istock.jpg")
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def s(name):
    return NamedNode(SCHEMA + name)


def k(name):
    return NamedNode(KG + name)


def integer(n):
    return Literal(str(n), datatype=NamedNode(XSD + "integer"))


def dt(text):
    return Literal(text, datatype=NamedNode(XSD + "dateTime"))


@pytest.fixture(scope="module")
def store(tmp_path_factory, request):
    from conftest import SEEDS
    out = tmp_path_factory.mktemp("seed-export")
    graph.export([SEEDS], ["ttl"], out)
    st = Store()
    st.load(path=str(out / "graph.ttl"))
    return st


def objects(store, subject, predicate):
    return {q.object for q in store.quads_for_pattern(subject, predicate, None)}


def the(store, subject, predicate):
    found = objects(store, subject, predicate)
    assert len(found) == 1, f"{subject} {predicate}: {found}"
    return found.pop()


def test_article_core_fields(store):
    assert objects(store, ARTICLE, RDF_TYPE) == {s("NewsArticle")}
    assert the(store, ARTICLE, s("url")) == ARTICLE
    assert the(store, ARTICLE, s("headline")) == Literal(
        "Dozens of advocacy groups push for Congress to ban facial recognition technology")
    assert the(store, ARTICLE, s("abstract")).value.startswith("Nearly 40 civil rights")
    assert the(store, ARTICLE, s("datePublished")) == dt("2020-07-02T11:00:00Z")
    assert the(store, ARTICLE, s("articleSection")) == Literal("news")


def test_article_project_terms(store):
    assert the(store, ARTICLE, k("quality")) == integer(54)
    assert the(store, ARTICLE, k("heat")) == integer(74)
    assert the(store, ARTICLE, k("published")) == Literal("true", datatype=NamedNode(XSD + "boolean"))
    assert the(store, ARTICLE, k("ampUrl")) == NamedNode(ARTICLE.value + "?amp")
    assert the(store, ARTICLE, k("cdnAmpUrl")) == NamedNode(
        "https://thehill-com.cdn.ampproject.org/c/s/thehill.com/policy/technology/"
        "505563-dozens-of-advocacy-groups-push-for-congress-to-ban-facial-recognition?amp")
    assert the(store, ARTICLE, k("sourceFile")) == Literal("000_8ea5b9f3f548affb.txt")
    # secured is an opaque token: never exported
    assert not any("o0cuK40" in str(q.object) for q in store)


def test_publisher(store):
    hill = the(store, ARTICLE, s("publisher"))
    assert hill == NamedNode(DEFAULT_BASE + "provider/thehill.com")
    assert objects(store, hill, RDF_TYPE) == {s("Organization")}
    assert the(store, hill, s("name")) == Literal("The Hill")
    assert the(store, hill, s("url")) == NamedNode("https://thehill.com/")


def test_topics(store):
    topics = objects(store, ARTICLE, s("about"))
    labels = {the(store, t, NamedNode(SKOS + "prefLabel")).value for t in topics}
    assert labels == {"Computer Vision", "AI"}
    for t in topics:
        assert objects(store, t, RDF_TYPE) == {NamedNode(SKOS + "Concept")}
        assert the(store, t, NamedNode(SKOS + "inScheme")) == NamedNode(DEFAULT_BASE + "topics")


def test_image(store):
    assert the(store, ARTICLE, s("image")) == IMAGE
    assert objects(store, IMAGE, RDF_TYPE) == {s("ImageObject")}
    assert the(store, IMAGE, s("contentUrl")) == IMAGE
    assert the(store, IMAGE, s("width")) == integer(980)
    assert the(store, IMAGE, s("height")) == integer(551)
    assert the(store, IMAGE, s("caption")).value.startswith("Dozens of advocacy groups")
    assert the(store, IMAGE, k("isCached")) == Literal("true", datatype=NamedNode(XSD + "boolean"))


def test_related_articles(store):
    assert objects(store, ARTICLE, s("relatedLink")) == {MASSLIVE, RABBLE}
    assert the(store, MASSLIVE, s("headline")).value.startswith("Easthampton is the latest")
    assert the(store, MASSLIVE, s("datePublished")) == dt("2020-07-02T13:38:00Z")
    assert the(store, MASSLIVE, s("publisher")) == NamedNode(DEFAULT_BASE + "provider/masslive.com")
    assert the(store, MASSLIVE, k("quality")) == integer(41)
    assert the(store, MASSLIVE, k("ampUrl")) == NamedNode(MASSLIVE.value + "?outputType=amp")
    assert the(store, RABBLE, s("headline")).value.startswith("Facial recognition technology is one")
    assert the(store, RABBLE, s("datePublished")) == dt("2020-07-07T00:33:00Z")
    assert the(store, the(store, RABBLE, s("publisher")), s("name")) == Literal("rabble.ca")
    masslive_image = the(store, MASSLIVE, s("image"))
    assert the(store, masslive_image, s("width")) == integer(2247)


def test_every_url_is_an_iri(store):
    for quad in store:
        if isinstance(quad.object, Literal):
            assert not quad.object.value.startswith(("http://", "https://")), quad


def test_to_rdflib_has_the_same_triples(tmp_path):
    import rdflib
    from conftest import SEEDS
    graph.export([SEEDS], ["ttl"], tmp_path)
    parsed = rdflib.Graph().parse(tmp_path / "graph.ttl")
    built = graph.to_rdflib([SEEDS])
    assert set(built) == set(parsed)
    assert len(built) > 50
