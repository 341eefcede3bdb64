"""The site's JSON API as input: pages of items give exactly the graph the same items
give as front matter; pages that repeat items give each once; bad JSON is an error
with its line and column."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import kg
from jsonapi import pages, publish

import graph
from graph.pipeline.corpus import read_corpus
from graph.problems import Report

FORMATS = ("graph.ttl", "graph.nt", "graph.nq", "graph.trig", "graph.jsonld", "graph.graphml")


@pytest.fixture(scope="module")
def ai_news_both_ways(tmp_path_factory):
    """ai-news as a site holds it (_news/*.md) and as its JSON API publishes it."""
    from conftest import AI_NEWS
    if not AI_NEWS.is_dir():
        pytest.skip(f"real corpus not found at {AI_NEWS} (it lives in ../shared/corpora/ai-news)")
    root = tmp_path_factory.mktemp("ai-news")
    files = root / "files"
    shutil.copytree(AI_NEWS, files / "_news")
    written = publish(files / "_news", root / "api-site", size=20)
    assert len(written) == 2 * 5 + 1  # 95 items in 5 pages, each under two paths, the first under three
    return files, root / "api-site"


def export_all(folder: Path, out: Path, **kw) -> dict[str, bytes]:
    result = graph.export([folder], ["all"], out, **kw)
    assert result.stopped is None
    return {name: (out / name).read_bytes() for name in FORMATS}


def test_the_json_api_of_ai_news_gives_the_same_graph_as_its_files(ai_news_both_ways, tmp_path):
    files, api = ai_news_both_ways
    from_files = export_all(files, tmp_path / "files", jobs=1)
    from_api = export_all(api, tmp_path / "api", jobs=1)
    for name in FORMATS:  # the same bytes in every format: the same triples in the same named graphs
        assert from_api[name] == from_files[name], name
    corpus = read_corpus([api])
    counts = corpus.counts()
    assert counts["files"] == 11 and counts["exported"] == 95
    assert counts["repeated_items"] == 95 + 20  # every item once more; those of page 1 twice more


def test_workers_give_the_same_bytes(ai_news_both_ways, tmp_path, monkeypatch):
    from graph.pipeline import workers
    files, api = ai_news_both_ways
    monkeypatch.setattr(workers, "PARALLEL_MIN_ITEMS", 1)
    assert export_all(api, tmp_path / "api", jobs=2) == export_all(files, tmp_path / "files", jobs=1)


@pytest.mark.parametrize("layout", ["list", "jsonl", "single"])
def test_a_list_json_lines_and_single_items_give_the_same_graph(ai_news_both_ways, tmp_path, layout):
    files, _ = ai_news_both_ways
    items = [item for page in pages(files / "_news", "_news/") for item in page]
    folder = tmp_path / layout
    folder.mkdir()
    if layout == "list":
        (folder / "items.json").write_text(json.dumps(items, indent=1), encoding="utf-8")
    elif layout == "jsonl":
        (folder / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    else:  # as api/news/SLUG/index.json: one item a file
        for i in items:
            target = folder / Path(i["path"]).stem / "index.json"
            target.parent.mkdir()
            target.write_text(json.dumps(i), encoding="utf-8")
    assert export_all(folder, tmp_path / "out") == export_all(files, tmp_path / "files")


def test_items_without_a_path_are_named_by_their_page_and_read_once(write_corpus):
    item = {"webUrl": "https://a.example/1", "title": "One", "topics": ["AI"]}
    other = {"webUrl": "https://a.example/2", "title": "Two"}
    page = json.dumps({"page": 1, "value": [item, other]}, indent=2)
    folder = write_corpus({"api/index.json": page, "api/page/1/index.json": page, "api/page1/index.json": page})
    corpus = read_corpus([folder])
    names = sorted(source.rel for source in corpus.sources)
    assert names == ["api/index.json#1", "api/index.json#2"]
    assert corpus.counts()["articles"] == 2 and len(corpus.repeated) == 4


def test_an_item_that_differs_between_pages_is_reported(write_corpus):
    first = {"path": "_news/a.md", "webUrl": "https://a.example/1", "title": "One"}
    later = {**first, "title": "One, edited"}
    folder = write_corpus({"api/index.json": json.dumps([first]), "api/page1/index.json": json.dumps([later])})
    report = Report()
    corpus = read_corpus([folder], report=report)
    assert [p.message for p in report.problems] == [
        f"the item _news/a.md differs from the one in {folder / 'api' / 'index.json'}; that one is kept "
        f"(the first in path order)"]
    _, art = corpus.record(0)
    assert art.headline == "One" and art.source == "_news/a.md"


@pytest.mark.parametrize("name, text, expected", [
    ("bad.json", '{"value": [\n  {"webUrl": "https://a.example/1",}\n]}',
     "bad.json:2:36: error: JSON error: Expecting property name enclosed in double quotes; file skipped"),
    ("bad.json", '[{"webUrl": "https://a.example/1"}] x',
     "bad.json:1:37: error: JSON error: Extra data; file skipped"),
    ("value.json", '{"page": 1, "value": {"webUrl": "https://a.example/1"}}',
     "value.json:1: error: value is a mapping, not a list of items; file skipped"),
    ("items.json", '[{"webUrl": "https://a.example/1"}, 3]',
     "items.json:1: error: item 2 is a number, not an object of fields; item skipped"),
    ("lines.jsonl", '{"webUrl": "https://a.example/1"}\n\n  {"webUrl": \n["x"]\n',
     "lines.jsonl:3:13: error: JSON error: Expecting value; line skipped"),
])
def test_bad_json_is_an_error_with_line_and_column(write_corpus, name, text, expected):
    folder = write_corpus({name: text, "good.json": '{"webUrl": "https://g.example/1", "title": "Good"}'})
    report = Report()
    corpus = read_corpus([folder], report=report)
    shown = [str(p).replace(str(folder) + "/", "") for p in report.problems]
    assert expected in shown
    assert "https://g.example/1" in corpus.resolution.files


def test_json_files_without_items_are_passed_over(write_corpus, tmp_path):
    folder = write_corpus({"package.json": '{"name": "site", "version": "1.0.0"}', "empty.json": "",
                           "a.json": '{"webUrl": "https://a.example/1", "title": "A"}'})
    run = kg("export", str(folder), "-o", str(tmp_path / "out"), "--strict", "-v")
    assert run.returncode == 0, run.stderr
    assert "package.json (a JSON file without items (no value list, webUrl, originalUrl or taxonomy))" in run.stderr
    assert "empty.json (empty file)" in run.stderr


def test_a_front_matter_file_stands_for_the_api_item_of_its_path(write_corpus):
    item = {"path": "_news/a.md", "webUrl": "https://a.example/1", "title": "From the API"}
    folder = write_corpus({"_news/a.md": "---\nwebUrl: https://a.example/1\ntitle: From the file\n---\n",
                           "api/news/index.json": json.dumps({"value": [item]})})
    report = Report()
    corpus = read_corpus([folder], report=report)
    assert report.problems == [] and [s.rel for s in corpus.sources] == ["_news/a.md"]
    _, art = corpus.record(0)
    assert art.headline == "From the file"
