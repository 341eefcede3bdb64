"""The installed `kg` command, run as a user runs it."""
from __future__ import annotations

import shutil

import pyoxigraph
import pytest
from conftest import SEEDS, kg


def test_export_seeds(tmp_path):
    run = kg("export", "--format", "ttl", "--output", str(tmp_path), str(SEEDS))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    triples = list(pyoxigraph.parse(path=str(tmp_path / "graph.ttl")))
    assert len(triples) > 50
    summary = run.stderr.strip().splitlines()[-1]
    assert "1 file read" in summary and "3 articles" in summary and "triples" in summary


def test_defaults_read_seeds_and_write_exports(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    run = kg("export", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "exports" / "graph.ttl").stat().st_size > 1000


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["export", "--help"]])
def test_help_and_version(args):
    run = kg(*args)
    assert run.returncode == 0
    assert run.stdout.strip()


def test_export_help_explains_every_option():
    text = kg("export", "--help").stdout
    for option in ("--format", "--output", "--base", "--max-file-size"):
        assert option in text


def test_unreadable_file_is_reported_and_rest_exported(tmp_path):
    corpus = tmp_path / "in"
    shutil.copytree(SEEDS, corpus)
    (corpus / "broken.md").write_text("---\nwebUrl: https://a.example/x\ntitle: a: b\n---\n", encoding="utf-8")
    run = kg("export", "-o", str(tmp_path / "out"), str(corpus))
    assert run.returncode == 0
    assert "broken.md:3: error: YAML error" in run.stderr
    assert "Traceback" not in run.stderr
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_unknown_fields_are_reported_once(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"{i}.md").write_text(
            f"---\ntitle: t{i}\nwebUrl: https://a.example/{i}\nmood: happy\n---\n", encoding="utf-8")
    run = kg("export", "-o", str(tmp_path / "out"), str(corpus))
    assert run.returncode == 0
    assert run.stderr.count("unmapped field mood in 3 files") == 1


def test_unknown_format_is_a_usage_error(tmp_path):
    run = kg("export", "--format", "xml", "-o", str(tmp_path))
    assert run.returncode == 2
    assert "ttl" in run.stderr and "turtle" in run.stderr


def test_counts_are_worded_and_written_alike(tmp_path):
    """One file, one error: the words agree with the numbers; thousands are separated as
    kg validate and kg load separate them."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text("---\nwebUrl: https://a.example/1\ntitle: A\nprovider: {name: A, domain: a.example}\n"
                                 "topics: [AI]\n---\n", encoding="utf-8")
    (folder / "b.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    run = kg("export", "-o", str(tmp_path / "out"), str(folder))
    summary = run.stderr.strip().splitlines()[-1]
    for right in ("2 files read", "1 article ", "1 provider,", "1 topic,", "0 images", "1 error,", "0 warnings"):
        assert right in summary, summary
    for wrong in ("1 articles", "1 providers", "1 topics", "1 errors"):
        assert wrong not in summary, summary
    stats = kg("stats", str(folder)).stdout
    assert "files with an item  1" in stats and "exported" not in stats
