"""Identity resolution: one node per real article, provider, topic and image."""
from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest
import rdflib
import yaml

import graph
from graph.identity.urls import canonical_url, normalize_url
from graph.problems import Report

SCHEMA = rdflib.Namespace("https://schema.org/")
SKOS = rdflib.namespace.SKOS
KG = rdflib.Namespace("https://w3id.org/kg-news/vocab#")

# Pairs that are one article whatever the context (the generic rules).
MERGE = [
    ("HTTPS://Example.COM/a", "https://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com/a#comments", "https://example.com/a"),
    ("https://example.com/a?utm_source=tw&utm_medium=social", "https://example.com/a"),
    ("https://example.com/a?id=7&fbclid=XYZ&gclid=1&mc_cid=2&mc_eid=3&ocid=4&cmpid=5&ito=6", "https://example.com/a?id=7"),
    ("https://example.com/a b", "https://example.com/a%20b"),
    # AMP and AMP-cache forms, as they occur in ../shared/corpora/ai-news
    ("https://thehill.com/policy/technology/505563-dozens?amp", "https://thehill.com/policy/technology/505563-dozens"),
    ("https://thehill-com.cdn.ampproject.org/c/s/thehill.com/policy/technology/505563-dozens?amp",
     "https://thehill.com/policy/technology/505563-dozens"),
    ("https://www.masslive.com/news/2020/07/easthampton.html?outputType=amp", "https://www.masslive.com/news/2020/07/easthampton.html"),
    ("https://techcrunch.com/2020/04/22/google-clouds-fully-managed-anthos/amp/", "https://techcrunch.com/2020/04/22/google-clouds-fully-managed-anthos/"),
    ("https://yourstory.com/2020/04/aws-cloud-innovate-summit-online/amp", "https://yourstory.com/2020/04/aws-cloud-innovate-summit-online"),
    ("https://www.zdnet.com/google-amp/article/smart-coral-reefs/", "https://www.zdnet.com/article/smart-coral-reefs/"),
    ("https://newatlas.com/robotics/neuropod-robot-neural-network-gait/?amp=true", "https://newatlas.com/robotics/neuropod-robot-neural-network-gait/"),
    ("https://www.digitaltrends.com/home/ring-may-want/?amp", "https://www.digitaltrends.com/home/ring-may-want/"),
    ("https://www.news-medical.net/amp/news/20200421/Machine-learning.aspx", "https://www.news-medical.net/news/20200421/Machine-learning.aspx"),
    ("https://singularityhub-com.cdn.ampproject.org/c/s/singularityhub.com/2020/04/23/linking/amp/", "https://singularityhub.com/2020/04/23/linking/"),
    ("https://example-com.cdn.ampproject.org/v/s/example.com/a.amp.html", "https://example.com/a.html"),
    ("https://amp.example.com/story/1", "https://example.com/story/1"),
    ("https://example.com/a?amp=1", "https://example.com/a"),
]

# Pairs that stay distinct: nothing else is assumed equal.
DISTINCT = [
    ("https://www.example.com/a", "https://example.com/a"),
    ("https://example.com/a/", "https://example.com/a"),
    ("https://example.com/a?id=1", "https://example.com/a?id=2"),
    ("https://example.com/a?page=2", "https://example.com/a"),
    ("http://example.com/a", "https://example.com/a"),
    ("https://example.com/A", "https://example.com/a"),
    ("https://example.com/amplifier", "https://example.com/"),
    ("https://example.com/camp/a", "https://example.com/c/a"),
    ("https://example.com/a?ampersand=1", "https://example.com/a"),
    # real ai-news AMP forms that are not generic: only the document's own pair joins them
    ("https://amp.benzinga.com/amp/content/15794836", "https://www.benzinga.com/pressreleases/20/04/g15794836/global"),
    ("https://mobile.reuters.com/article/amp/idUSKCN21X034", "https://www.reuters.com/article/us-tesla-lawsuit-zoox-idUSKCN21X034"),
    ("https://www.entrepreneur.com/amphtml/349633", "https://www.entrepreneur.com/article/349633"),
]


@pytest.mark.parametrize("a, b", MERGE)
def test_urls_that_merge(a, b):
    assert canonical_url(a) == canonical_url(b)


@pytest.mark.parametrize("a, b", DISTINCT)
def test_urls_that_stay_distinct(a, b):
    assert canonical_url(a) != canonical_url(b)


def test_a_documents_own_pair_is_authoritative():
    pairs = {normalize_url("https://www.entrepreneur.com/amphtml/349633"): "https://www.entrepreneur.com/article/349633"}
    assert canonical_url("https://www.entrepreneur.com/amphtml/349633", pairs) == "https://www.entrepreneur.com/article/349633"
    assert canonical_url("https://www.entrepreneur.com/article/349633", pairs) == "https://www.entrepreneur.com/article/349633"


# --- the real corpus ------------------------------------------------------------------

def front_matters(folder):
    for path in sorted(folder.glob("*.md")):
        yield path, yaml.safe_load(re.split(r"^---\s*$", path.read_text(encoding="utf-8"), flags=re.M)[1])


@pytest.fixture(scope="module")
def corpus_graph(tmp_path_factory):
    from conftest import AI_NEWS
    if not AI_NEWS.is_dir():
        pytest.skip(f"real corpus not found at {AI_NEWS}")
    out = tmp_path_factory.mktemp("ai-news")
    graph.export([AI_NEWS], ["ttl"], out)
    return rdflib.Graph().parse(out / "graph.ttl"), AI_NEWS


def test_one_node_per_distinct_article(corpus_graph):
    g, folder = corpus_graph
    distinct = set()
    for _, data in front_matters(folder):
        for item in [data] + (data.get("related") or []):
            distinct.add(normalize_url(item["webUrl"]))
    nodes = set(g.subjects(rdflib.RDF.type, SCHEMA.NewsArticle))
    assert len(nodes) == len(distinct) == 130


@pytest.mark.parametrize("pred", ["headline", "datePublished", "abstract", "publisher", "articleSection"])
def test_no_article_has_two_values(corpus_graph, pred):
    g, _ = corpus_graph
    for node in g.subjects(rdflib.RDF.type, SCHEMA.NewsArticle):
        assert len(list(g.objects(node, SCHEMA[pred]))) <= 1, (node, pred)


def test_related_links_into_the_corpus_point_at_the_full_article(corpus_graph):
    g, folder = corpus_graph
    titles = {normalize_url(d["webUrl"]): d["title"] for _, d in front_matters(folder)}
    inside = 0
    for _, data in front_matters(folder):
        for item in data.get("related") or []:
            url = normalize_url(item["webUrl"])
            node = rdflib.URIRef(url)
            assert (rdflib.URIRef(normalize_url(data["webUrl"])), SCHEMA.relatedLink, node) in g
            if url in titles:
                inside += 1
                assert list(g.objects(node, SCHEMA.headline)) == [rdflib.Literal(titles[url])]
                assert list(g.objects(node, KG.sourceFile))
    assert inside == 30  # as the corpus README says


def test_one_organization_per_domain_and_one_concept_per_label(corpus_graph):
    g, folder = corpus_graph
    domains, labels = set(), set()
    for _, data in front_matters(folder):
        for item in [data] + (data.get("related") or []):
            domain = item["provider"]["domain"].lower()
            domains.add(domain[4:] if domain.startswith("www.") else domain)
        labels.update(" ".join(t.split()).casefold() for t in data["topics"])
    orgs = set(g.subjects(rdflib.RDF.type, SCHEMA.Organization))
    assert len(orgs) == len(domains)
    for org in orgs:
        assert len(list(g.objects(org, SCHEMA.name))) == 1
    concepts = set(g.subjects(rdflib.RDF.type, SKOS.Concept))
    assert len(concepts) == len(labels)


def test_order_independence(ai_news, tmp_path):
    files = sorted(ai_news.glob("*.md"))
    graph.export(files, ["ttl"], tmp_path / "sorted")
    graph.export(list(reversed(files)), ["ttl"], tmp_path / "reversed")
    shuffled = files[:]
    random.Random(7).shuffle(shuffled)
    graph.export(shuffled, ["ttl"], tmp_path / "shuffled")
    first = (tmp_path / "sorted" / "graph.ttl").read_bytes()
    assert (tmp_path / "reversed" / "graph.ttl").read_bytes() == first
    assert (tmp_path / "shuffled" / "graph.ttl").read_bytes() == first


# --- the merge rules, on small corpora ------------------------------------------------

def article(url, title, **extra):
    lines = [f"webUrl: \"{url}\"", f"title: \"{title}\""]
    for key, value in extra.items():
        lines.append(f"{key}: {value}")
    return "---\n" + "\n".join(lines) + "\n---\n"


def export_graph(folder, tmp_path, report=None):
    out = tmp_path / "out"
    graph.export([folder], ["ttl"], out, report=report)
    return rdflib.Graph().parse(out / "graph.ttl")


def test_full_article_wins_over_stub(write_corpus, tmp_path):
    related = ('\n  - title: "Stub title"\n    webUrl: "https://b.example/story/amp/"\n'
               '    publishedDateTime: 2020-01-01T00:00:00Z\n    provider: {name: Bee Stub, domain: b.example}')
    folder = write_corpus({
        "a.md": article("https://a.example/1", "A", related=related),
        "b.md": article("https://b.example/story/", "Full title", publishedDateTime="2020-02-02T00:00:00Z",
                        provider="{name: Bee, domain: b.example}"),
    })
    g = export_graph(folder, tmp_path)
    b = rdflib.URIRef("https://b.example/story/")
    assert (rdflib.URIRef("https://a.example/1"), SCHEMA.relatedLink, b) in g
    assert list(g.objects(b, SCHEMA.headline)) == [rdflib.Literal("Full title")]
    assert [str(d) for d in g.objects(b, SCHEMA.datePublished)] == ["2020-02-02T00:00:00+00:00"]
    org = rdflib.URIRef(graph.DEFAULT_BASE + "provider/b.example")
    # the provider's own article names it; the stub's spelling is an alternate name
    assert list(g.objects(org, SCHEMA.name)) == [rdflib.Literal("Bee")]
    assert list(g.objects(org, SCHEMA.alternateName)) == [rdflib.Literal("Bee Stub")]


def test_between_stubs_the_fuller_then_the_first_wins(write_corpus, tmp_path):
    thin = '\n  - title: "Thin"\n    webUrl: "https://c.example/x"'
    full = ('\n  - title: "Full"\n    webUrl: "https://c.example/x"\n    excerpt: "more"\n'
            '    publishedDateTime: 2020-01-01T00:00:00Z')
    folder = write_corpus({
        "a.md": article("https://a.example/1", "A", related=thin),
        "b.md": article("https://a.example/2", "B", related=full),
        "c.md": article("https://a.example/3", "C", related=full.replace('"Full"', '"Full too"')),
    })
    g = export_graph(folder, tmp_path)
    assert list(g.objects(rdflib.URIRef("https://c.example/x"), SCHEMA.headline)) == [rdflib.Literal("Full")]


def test_same_article_in_two_files(write_corpus, tmp_path):
    folder = write_corpus({
        "one.md": article("https://a.example/1", "First", topics="[X]"),
        "two.md": article("https://A.example/1#top", "Second", topics="[Y]"),
    })
    report = Report()
    g = export_graph(folder, tmp_path, report)
    node = rdflib.URIRef("https://a.example/1")
    assert list(g.objects(node, SCHEMA.headline)) == [rdflib.Literal("First")]
    assert sorted(map(str, g.objects(node, KG.sourceFile))) == ["one.md", "two.md"]
    assert len(list(g.objects(node, SCHEMA.about))) == 2
    warning = [str(p) for p in report.problems if "also in" in p.message]
    assert warning and "one.md" in warning[0] and "two.md" in warning[0]


def test_providers_topics_and_images_merge(write_corpus, tmp_path):
    img = '\n  - url: "https://img.example/1.jpg"\n    width: {w}\n    height: 10'
    folder = write_corpus({
        "a.md": article("https://a.example/1", "A", provider="{name: The Site, domain: WWW.Site.example}",
                        topics='["Machine Learning"]', images=img.format(w=100)),
        "b.md": article("https://a.example/2", "B", provider="{name: Site, domain: site.example}",
                        topics='["machine  learning "]', images=img.format(w=100)),
        "c.md": article("https://a.example/3", "C", provider="{name: The Site, domain: site.example}",
                        topics='["Machine Learning"]', images=img.format(w=200)),
    })
    report = Report()
    g = export_graph(folder, tmp_path, report)
    orgs = list(g.subjects(rdflib.RDF.type, SCHEMA.Organization))
    assert orgs == [rdflib.URIRef(graph.DEFAULT_BASE + "provider/site.example")]
    assert list(g.objects(orgs[0], SCHEMA.name)) == [rdflib.Literal("The Site")]
    assert list(g.objects(orgs[0], SCHEMA.alternateName)) == [rdflib.Literal("Site")]
    concepts = list(g.subjects(rdflib.RDF.type, SKOS.Concept))
    assert len(concepts) == 1
    assert list(g.objects(concepts[0], SKOS.prefLabel)) == [rdflib.Literal("Machine Learning")]
    # spaces are collapsed when read, so the other spelling differs only in case
    assert list(g.objects(concepts[0], SKOS.altLabel)) == [rdflib.Literal("machine learning")]
    scheme = list(g.subjects(rdflib.RDF.type, SKOS.ConceptScheme))
    assert len(scheme) == 1 and list(g.objects(scheme[0], SKOS.prefLabel))
    image = rdflib.URIRef("https://img.example/1.jpg")
    assert [int(w) for w in g.objects(image, SCHEMA.width)] == [100]
    assert any("different sizes" in p.message for p in report.problems)


def test_explain_merges_and_stats(write_corpus, tmp_path):
    folder = write_corpus({
        "a.md": article("https://a.example/1", "A", related='\n  - title: "B"\n    webUrl: "https://a.example/2/amp/"'),
        "b.md": article("https://a.example/2/", "B"),
    })
    run = subprocess.run([sys.executable, "-m", "graph", "export", "--explain-merges", "-o", str(tmp_path / "o"),
                          str(folder)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "article https://a.example/2/:" in run.stdout
    assert "a.md related[0] https://a.example/2/amp/" in run.stdout and "b.md (file)" in run.stdout
    assert "merges: 1 article" in run.stderr
    stats = subprocess.run([sys.executable, "-m", "graph", "stats", "--json", str(folder)],
                           capture_output=True, text=True)
    import json
    counts = json.loads(stats.stdout)
    assert counts["articles"] == 2 and counts["with_file"] == 2 and counts["merges"] == {"article": 1}
    assert not (tmp_path / "exports").exists()


TRICKY = ["https://a.example/x?", "https://a.example/x?&a=1", "https://a.example/x?a=1&&b", "https://a.example/x?a=1&",
          "https://a.example/x?ito=1", "https://a.example/x?UTM_source=1", "https://a.example/x?itox=1",
          "https://a.example./x", "https://a.example", "https://A.example/x", "https://a.example:443/x",
          "https://a.example/x%2fy", "https://a.example/x#f", "https://a.example/é", "https://a.example/a b",
          "https://a.example/x[1]", "https://a.example/x?a=[1]", "https://a-.example/x", "https://-a.example/x"]


def test_fast_path_agrees_with_the_full_normalization(ai_news, monkeypatch):
    from graph.identity import urls as identify
    urls = re.findall(r'https?://[^"\s]+', "".join(p.read_text(encoding="utf-8") for p in ai_news.glob("*.md")))
    fast = [identify.normalize_url(u) for u in urls + TRICKY]
    monkeypatch.setattr(identify, "_CLEAN", re.compile(r"(?!)"))  # never take the fast path
    assert fast == [identify.normalize_url(u) for u in urls + TRICKY]
