"""Worker processes change nothing in the output."""
from __future__ import annotations

import graph
from graph import corpus


def test_parallel_parse_is_byte_identical(ai_news, tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "PARALLEL_MIN_FILES", 1)
    graph.export([ai_news], ["ttl", "nq"], tmp_path / "one", jobs=1)
    graph.export([ai_news], ["ttl", "nq"], tmp_path / "two", jobs=2)
    for name in ("graph.ttl", "graph.nq"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_problems_come_back_from_workers_in_order(write_corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "PARALLEL_MIN_FILES", 1)
    files = {f"{i:02d}.md": f"---\nwebUrl: https://a.example/{i}\nquality: bad{i}\n---\n" for i in range(40)}
    folder = write_corpus(files)
    report = graph.problems.Report()
    graph.read_corpus([folder], report=report, jobs=2)
    warned = [p.path.rsplit("/", 1)[-1] for p in report.problems if "quality" in p.message]
    assert warned == sorted(files)
