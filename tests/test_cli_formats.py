"""`kg export`'s format and output options, run as a user runs them."""
from __future__ import annotations

import json

import pyoxigraph as ox
from conftest import SEEDS, kg
from readers import triples


def test_format_all_writes_every_format(tmp_path):
    run = kg("export", "--format", "all", "-o", str(tmp_path), str(SEEDS))
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "graph.graphml", "graph.jsonld", "graph.nq", "graph.nt", "graph.trig", "graph.ttl"]


def test_repeated_format_writes_each_once(tmp_path):
    run = kg("export", "-f", "ttl", "-f", "json-ld", "-f", "turtle", "-o", str(tmp_path), str(SEEDS))
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.jsonld", "graph.ttl"]


def test_output_dash_writes_one_format_to_stdout(tmp_path):
    kg("export", "-f", "nt", "-o", str(tmp_path / "files"), str(SEEDS))
    run = kg("export", "-f", "ntriples", "-o", "-", str(SEEDS), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    streamed = {q.triple for q in ox.parse(run.stdout.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)}
    assert streamed == triples(tmp_path / "files" / "graph.nt")
    assert "<stdout>" in run.stderr.strip().splitlines()[-1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["files"]  # no "-" and no exports/


def test_output_dash_with_explain_merges_keeps_stdout_for_the_graph(ai_news):
    run = kg("export", "-f", "jsonld", "--compact-json", "-o", "-", "--explain-merges", str(ai_news))
    assert "<-" in run.stderr  # the merges went to stderr
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("\n") == 1
    assert json.loads(run.stdout)["@graph"]


def test_output_dash_with_several_formats_is_a_usage_error():
    for args in (["-f", "ttl", "-f", "nt"], ["-f", "all"]):
        run = kg("export", *args, "-o", "-", str(SEEDS))
        assert run.returncode == 2
        assert "one format" in run.stderr and "Traceback" not in run.stderr
        assert run.stdout == ""


def test_unknown_format_lists_every_known_one(tmp_path):
    run = kg("export", "--format", "rdfxml", "-o", str(tmp_path), str(SEEDS))
    assert run.returncode == 2
    for name in ("ttl", "turtle", "jsonld", "json-ld", "graphml", "nt", "nq", "trig", "all"):
        assert name in run.stderr


def test_help_explains_format_options():
    text = kg("export", "--help").stdout
    assert "--compact-json" in text and "all" in text and "'-'" in text


def test_a_reader_that_stops_early_gets_no_error(ai_news):
    """`kg export -o - | head`: the closed pipe ends kg quietly, as it ends cat (status 141)."""
    import subprocess
    import sys
    proc = subprocess.Popen([sys.executable, "-m", "graph", "export", "-q", "-f", "nt", "-o", "-", str(ai_news)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away
    _, stderr = proc.communicate(timeout=60)
    assert first.startswith(b"<")
    assert proc.returncode == 141, stderr
    assert stderr == b""
