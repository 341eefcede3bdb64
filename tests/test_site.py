"""Whole news sites as they are (tests/site/, a small Jekyll site laid out as the SmartableAI
sites are): site data records enrich providers and topics, item types map to schema.org
classes, the site's URL resolves site-relative URLs, files that hold no item are passed
over, and every unknown key is named."""
from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT, kg

import graph
from graph.pipeline.corpus import read_corpus
from graph.problems import Report

SITE = ROOT / "tests" / "site"
BASE = "https://example.org/kg/"
SCHEMA, SKOS = "https://schema.org/", "http://www.w3.org/2004/02/skos/core#"
ASSETS = "https://news-example.github.io/ai/assets/images/"
HILL = BASE + "provider/thehill.com"


def store_of(folder: Path, **kw) -> tuple[ox.Store, Report]:
    report = Report()
    corpus = read_corpus([folder], report=report, **kw)
    store = ox.Store()
    store.extend(corpus.quads())
    return store, report


def objects(store: ox.Store, s: str, p: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None)}


@pytest.fixture(scope="module")
def site():
    return store_of(SITE)


def test_a_site_root_exports_cleanly_even_with_strict(tmp_path):
    run = kg("export", str(SITE), "-o", str(tmp_path / "out"), "--strict", "--validate", "-f", "all")
    assert run.returncode == 0, run.stderr
    lines = run.stderr.strip().splitlines()
    assert [line for line in lines if ": warning: " in line or ": error: " in line] == []
    summary = lines[-1]
    assert "(0 skipped, 3 not items, 5 site records, 6 repeated items)" in summary
    assert "6 providers, 3 topics" in summary and "0 errors, 0 warnings" in summary


def test_verbose_lists_the_files_that_hold_no_item(tmp_path):
    run = kg("export", str(SITE), "-o", str(tmp_path / "out"), "-v")
    assert run.returncode == 0, run.stderr
    passed = sorted(line for line in run.stderr.splitlines() if line.startswith("kg: not an item: "))
    assert [Path(line.split(": ", 2)[2].split(" (")[0]).name for line in passed] == \
        ["CODE_OF_CONDUCT.md", "CONTRIBUTING.md", "README.md"]
    assert sum(line.startswith("kg: repeated item: ") for line in run.stderr.splitlines()) == 6
    quiet = kg("export", str(SITE), "-o", str(tmp_path / "out"))
    assert "not an item:" not in quiet.stderr


def test_organization_records_enrich_their_provider(site):
    store, report = site
    assert objects(store, HILL, SCHEMA + "name") == {"The Hill"}
    assert objects(store, HILL, SCHEMA + "alternateName") == {"TheHill"}  # the record's otherNames
    assert objects(store, HILL, SCHEMA + "identifier") == {"thehill.com"}
    assert objects(store, HILL, SCHEMA + "description") == {
        "The Hill is an American political newspaper and website published in Washington, D.C."}
    logos = objects(store, HILL, SCHEMA + "logo")
    assert logos == {ASSETS + "organizations/thehill.com-50x50.jpg", ASSETS + "organizations/thehill.com-400x400.jpg"}
    for logo in logos:  # with their sizes; the article's logo (the same URL) is the same node
        size = "400" if "400x400" in logo else "50"
        assert objects(store, logo, SCHEMA + "width") == objects(store, logo, SCHEMA + "height") == {size}
    providers = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(SCHEMA + "url"),
                                                                   ox.NamedNode("https://thehill.com/"))}
    assert providers == {HILL}  # one node for the record and the articles
    assert report.problems == []


def test_a_record_without_article_is_exported(site):
    store, _ = site
    arxiv = BASE + "provider/arxiv.org"
    assert objects(store, arxiv, SCHEMA + "name") == {"arXiv"}
    assert objects(store, arxiv, SCHEMA + "logo") == {ASSETS + "organizations/arxiv.org-50x50.jpg"}
    robotics = BASE + "topic/robotics"
    assert objects(store, robotics, SKOS + "prefLabel") == {"Robotics"}
    assert objects(store, robotics, SKOS + "hiddenLabel") == {"robots"}


def test_topic_records_give_name_keywords_identifier_and_image(site):
    store, _ = site
    cv = BASE + "topic/computer_vision"
    assert objects(store, cv, SKOS + "prefLabel") == {"Computer Vision"}
    assert objects(store, cv, SKOS + "altLabel") == {"computer vision"}  # how the video spells it
    # keywords are search terms: hidden labels; one that is the topic's label is not repeated
    assert objects(store, cv, SKOS + "hiddenLabel") == {"face recognition", "facial recognition"}
    assert objects(store, cv, SKOS + "notation") == {"computer-vision"}
    assert objects(store, cv, SCHEMA + "image") == {ASSETS + "topics/computer-vision.jpg"}  # a site path, resolved
    assert objects(store, BASE + "topic/ai", SKOS + "hiddenLabel") == {"artificial intelligence"}


@pytest.mark.parametrize("url, cls", [
    ("https://thehill.com/policy/technology/505563-dozens-of-advocacy-groups-push-for-congress-to-ban-facial-recognition",
     "NewsArticle"),
    ("https://www.youtube.com/watch?v=facial-recognition-explained", "VideoObject"),
    ("https://www.amazon.com/Grokking-Deep-Learning/dp/1617293709/", "Book"),
    ("https://www.coursera.org/learn/computer-vision-basics", "Course"),
    ("https://podcasts.example.com/ai-ethics", "CreativeWork"),
    ("https://www.masslive.com/news/2020/07/easthampton-ban-on-facial-recognition.html", "NewsArticle"),
])
def test_item_types_are_schema_org_classes(site, url, cls):
    store, _ = site
    assert objects(store, url, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == {SCHEMA + cls}
    kept = objects(store, url, SCHEMA + "additionalType")
    assert kept == ({"podcast"} if cls == "CreativeWork" else set())


def test_the_bundled_queries_count_items_of_every_type(tmp_path):
    store_dir = tmp_path / "store"
    assert kg("load", str(SITE), "--store", str(store_dir), "-q").returncode == 0
    run = kg("query", "topics", "--store", str(store_dir), "--format", "csv")
    assert run.returncode == 0, run.stderr
    rows = dict(line.split(",") for line in run.stdout.strip().splitlines()[1:])
    assert rows == {"AI": "3", "Computer Vision": "3"}  # article, video, book, course, podcast


def test_the_json_api_gives_the_graph_the_files_give(tmp_path):
    """Without _news/, the site's API pages stand for its news: the same exports, byte for byte."""
    only_api = tmp_path / "site"
    shutil.copytree(SITE, only_api)
    shutil.rmtree(only_api / "_news")
    graph.export([SITE], ["all"], tmp_path / "files", jobs=1)
    graph.export([only_api], ["all"], tmp_path / "api", jobs=1)
    for name in ("graph.ttl", "graph.nq", "graph.jsonld", "graph.graphml"):
        assert (tmp_path / "files" / name).read_bytes() == (tmp_path / "api" / name).read_bytes(), name


def test_a_subfolder_of_a_site_takes_the_site_url():
    store, report = store_of(SITE / "_learning")
    book = "https://www.amazon.com/Grokking-Deep-Learning/dp/1617293709/"
    assert objects(store, BASE + "provider/amazon.com", SCHEMA + "logo") == {ASSETS + "organizations/amazon.com-50x50.jpg"}
    assert objects(store, book, "https://w3id.org/kg-news/vocab#sourceFile") == {"books/grokking-deep-learning.md"}
    assert report.problems == []


LOGO = """---
webUrl: https://a.example/1
title: One
provider:
  name: A
  domain: a.example
  images:
    - url: /assets/images/organizations/a.example-50x50.jpg
---
"""


def test_site_relative_urls_need_the_site_url(write_corpus, tmp_path):
    folder = write_corpus({"a.md": LOGO})
    store, report = store_of(folder)
    assert objects(store, BASE + "provider/a.example", SCHEMA + "logo") == set()
    assert [p.message for p in report.problems] == [
        "provider.images[0].url '/assets/images/organizations/a.example-50x50.jpg' is site-relative, and the "
        "site's URL is not known (export the site's folder, with its _config.yml, or give --site-url); field dropped"]
    store, report = store_of(folder, site_url="https://a.example/news/")
    assert objects(store, BASE + "provider/a.example", SCHEMA + "logo") == {
        "https://a.example/news/assets/images/organizations/a.example-50x50.jpg"}
    assert report.problems == []
    run = kg("export", str(folder), "--site-url", "https://a.example/news", "-o", str(tmp_path / "out"), "--strict")
    assert run.returncode == 0, run.stderr
    bad = kg("export", str(folder), "--site-url", "ftp://a.example/", "-o", str(tmp_path / "out"))
    assert bad.returncode == 2 and "--site-url" in bad.stderr


RECORD = """---
taxonomy: organization
_id: a-example
name: {name}
domain: {domain}
{more}---
"""


def test_a_record_that_contradicts_the_articles_is_reported_with_the_rule(write_corpus):
    folder = write_corpus({
        "a.md": LOGO.replace("  name: A\n", "  name: A Example Daily\n"),
        "_data/organizations/a.example.md": RECORD.format(name="A Example", domain="www.a.example", more=""),
    })
    store, report = store_of(folder)
    provider = BASE + "provider/a.example"
    assert objects(store, provider, SCHEMA + "name") == {"A Example"}
    assert objects(store, provider, SCHEMA + "alternateName") == {"A Example Daily"}
    warnings = [str(p) for p in report.problems if "organization record" in p.message]
    assert len(warnings) == 1
    assert warnings[0].endswith(
        "_data/organizations/a.example.md: warning: the organization record names a.example 'A Example', its "
        "articles also call it 'A Example Daily'; the record's name is kept, and the articles' names become "
        "alternate names (list them under otherNames to say they are)")
    # the same name under otherNames: no contradiction
    folder = write_corpus({"_data/organizations/a.example.md": RECORD.format(
        name="A Example", domain="a.example", more="otherNames:\n  - A Example Daily\n")})
    _, report = store_of(folder)
    assert not [p for p in report.problems if "organization record" in p.message]


def test_bad_records_are_reported(write_corpus):
    folder = write_corpus({
        "a.md": RECORD.format(name="A", domain="a.example", more=""),
        "b.md": RECORD.format(name="B", domain="A.example", more=""),
        "c.md": RECORD.format(name="C", domain="not a domain", more=""),
        "d.yaml": "taxonomy: topic\n_id: nameless\nkeywords: [x]\n",
        "e.yaml": "taxonomy: tag\nname: T\n",
        "f.yaml": "title: a data file\n",
        "g.md": RECORD.format(name="G", domain="g.example", more="shortname: G\nparent: News\n"),
    })
    report = Report()
    corpus = read_corpus([folder], report=report)
    messages = sorted(f"{Path(p.path).name}: {p.level}: {p.message}" for p in report.problems)
    assert messages == [
        "a.md: warning: the organization a.example also has the record b.md; the single values of a.md are kept "
        "(the first in path order)",
        "c.md: error: organization record has no usable domain; record skipped",
        "c.md: warning: domain 'not a domain' is not a domain name; field dropped",
        "d.yaml: error: topic record has no name; record skipped",
    ]
    assert sorted((Path(path).name, why) for path, why in corpus.passed) == [
        ("e.yaml", "a 'tag' record (kg reads organization and topic records)"),
        ("f.yaml", "a YAML data file without taxonomy: not an organization or topic record")]
    assert dict(corpus.unmapped) == {"shortname": 1, "parent": 1}
    assert corpus.resolution.providers["a.example"].name == "A"


UNKNOWN = """---
webUrl: https://a.example/1
title: One
mood: calm
provider:
  name: A
  domain: a.example
  publishers: [Someone]
  images:
    - url: https://a.example/logo.png
      shade: dark
images:
  - url: https://a.example/1.jpg
    foo: 1
related:
  - webUrl: https://b.example/2
    bogus: 1
    images:
      - url: https://b.example/2.jpg
        bar: 2
---
"""


def test_every_unknown_key_is_named_at_any_depth_once_with_a_count(write_corpus, tmp_path):
    folder = write_corpus({"a.md": UNKNOWN, "b.md": UNKNOWN.replace("/1", "/3")})
    corpus = read_corpus([folder])
    assert dict(corpus.unmapped) == {
        "mood": 2, "provider.publishers": 2, "provider.images[0].shade": 2, "images[0].foo": 2,
        "related[0].bogus": 2, "related[0].images[0].bar": 2}
    run = kg("export", str(folder), "-o", str(tmp_path / "out"), "--strict")
    assert run.returncode == 1
    for name in corpus.unmapped:
        assert run.stderr.count(f"kg: warning: unmapped field {name} in 2 files") == 1


def test_files_at_a_repository_root_are_not_errors(write_corpus, tmp_path):
    folder = write_corpus({"README.md": "# A corpus\n", "CODE_OF_CONDUCT.md": "", "docs/NOTES.txt": "notes\n",
                           "a.md": LOGO.replace("/assets/images/organizations/", "https://a.example/")})
    run = kg("export", str(folder), "-o", str(tmp_path / "out"), "--strict", "-v")
    assert run.returncode == 0, run.stderr
    assert "(0 skipped, 3 not items)" in run.stderr
    broken = write_corpus({"b.md": "---\ntitle: never closed\n"})
    run = kg("export", str(broken), "-o", str(tmp_path / "out"))
    assert "b.md:1: error: front matter is never closed" in run.stderr


def test_a_site_inside_the_input_folder_is_read_as_a_site(tmp_path):
    shutil.copytree(SITE, tmp_path / "sites" / "ai")
    store, report = store_of(tmp_path / "sites")
    assert report.problems == []
    assert objects(store, HILL, SCHEMA + "logo") == {
        ASSETS + "organizations/thehill.com-50x50.jpg", ASSETS + "organizations/thehill.com-400x400.jpg"}
    corpus = read_corpus([tmp_path / "sites"])
    assert sorted(Path(path).name for path, _ in corpus.passed) == ["CODE_OF_CONDUCT.md", "CONTRIBUTING.md",
                                                                    "README.md"]


def test_a_config_kg_cannot_use_is_a_warning(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    (site / "_config.yml").write_text("url: [not, a, url]\n", encoding="utf-8")
    _, report = store_of(site)
    config = [str(p) for p in report.problems if "_config.yml" in p.path]
    assert config == [f"{site / '_config.yml'}: warning: url is a list, not a URL; "
                      f"site-relative URLs are not resolved (give --site-url)"]
