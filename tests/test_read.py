"""Finding files and splitting front matter."""
from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timezone

import pytest

import graph
from graph.read.build import to_record
from graph.read.files import ReadError, Source, discover, parse_document


def doc(text: str | bytes, name="a.md"):
    from pathlib import Path
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_document(Source(Path(name), name), raw)


def test_splits_on_delimiter_lines_not_substrings():
    d = doc('---\nwebUrl: "https://x.example/market---beyond-2020"\ntitle: a --- b\n---\nbody --- text\n---\n')
    assert d.data["webUrl"] == "https://x.example/market---beyond-2020"
    assert d.data["title"] == "a --- b"
    assert d.body.startswith("body --- text")
    assert (d.line("webUrl"), d.line("title"), d.line("body")) == (2, 3, None)


def test_crlf_and_bom():
    d = doc("\ufeff---\r\ntitle: x\r\nwebUrl: https://x.example/a\r\n---\r\n")
    assert d.data == {"title": "x", "webUrl": "https://x.example/a"}


@pytest.mark.parametrize("text, message", [
    ("", "empty file"),
    ("title: x\n", "no front matter"),
    ("---\ntitle: x\n", "never closed"),
    ("---\n- a\n- b\n---\n", "not a mapping"),
    ("---\n!!python/object/apply:os.system ['true']\n---\n", "YAML tag '!!python/object/apply:os.system' is not allowed"),
])
def test_file_level_problems(text, message):
    with pytest.raises(ReadError, match=message):
        doc(text)


def test_dates_arrive_as_datetime_or_string():
    a = to_record(doc("---\nwebUrl: https://x.example/a\npublishedDateTime: 2020-07-02T11:00:00Z\n---\n")).article
    b = to_record(doc("---\nwebUrl: https://x.example/b\npublishedDateTime: '2020-07-02T13:00:00+02:00'\n---\n")).article
    assert a.published == b.published == datetime(2020, 7, 2, 11, tzinfo=timezone.utc)


def test_discover_takes_md_markdown_txt_recursively_in_stable_order(tmp_path):
    for name in ("b/z.md", "a.txt", "c.markdown", "skip.html", "b/a.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("---\n---\n")
    sources, problems = discover([tmp_path, tmp_path / "a.txt"])
    assert [s.rel for s in sources] == ["a.txt", "b/a.md", "b/z.md", "c.markdown"]
    assert problems == []


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) is not installed")
def test_turtle_is_valid_for_rapper(tmp_path):
    from conftest import SEEDS
    graph.export([SEEDS], ["ttl"], tmp_path)
    run = subprocess.run(["rapper", "-i", "turtle", "-c", str(tmp_path / "graph.ttl")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    import pyoxigraph
    count = len(list(pyoxigraph.parse(path=str(tmp_path / "graph.ttl"))))
    assert f"returned {count} triples" in run.stderr


def test_same_relative_path_in_two_inputs_stays_distinct(tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.md").write_text("---\n---\n")
    sources, _ = discover([tmp_path / "one", tmp_path / "two", tmp_path / "one"])
    assert sorted(s.rel for s in sources) == ["a.md", "two/a.md"]
