"""`kg query`: the bundled queries answer what the YAML says; formats; errors; safe parameters."""
from __future__ import annotations

import csv
import io
import json

import pyoxigraph
import pytest
from conftest import AI_NEWS
from expected import Answers
from test_cli import kg
from test_store import article

import graph
from graph.store.embedded import EmbeddedStore
from graph.store.query import bind_values, bundled, where_brace

TOPIC = "Computer Vision"


def rows(results) -> list[dict]:
    names = [v.value for v in results.variables]
    return [{n: s[n] for n in names} for s in results]


def value(term):
    if term is None:
        return None
    if isinstance(term, pyoxigraph.Literal) and term.datatype.value.endswith("#integer"):
        return int(term.value)
    if isinstance(term, pyoxigraph.Literal) and term.datatype.value.endswith("#boolean"):
        return term.value == "true"
    return term.value


def table_of(results) -> list[dict]:
    return [{k: value(v) for k, v in r.items()} for r in rows(results)]


@pytest.fixture(scope="module")
def ai_store(tmp_path_factory):
    if not AI_NEWS.is_dir():
        pytest.skip(f"real corpus not found at {AI_NEWS}")
    path = tmp_path_factory.mktemp("ai-store") / "store"
    graph.load([AI_NEWS], path)
    # Not held open: the kg processes these tests start need RocksDB's lock.
    return EmbeddedStore(path)


@pytest.fixture(scope="module")
def answers():
    if not AI_NEWS.is_dir():
        pytest.skip(f"real corpus not found at {AI_NEWS}")
    found = Answers(AI_NEWS)
    assert not found.has_amp_forms()  # the simple identity of expected.py is enough
    return found


def run(name, target, **params):
    try:
        return table_of(graph.run_query(name, target, params))
    finally:
        if isinstance(target, EmbeddedStore):
            target.close()


# --- every bundled query against the YAML -------------------------------------------

def test_articles_per_provider(ai_store, answers):
    got = run("articles-per-provider", ai_store)
    assert {r["site"]: r["articles"] for r in got} == answers.per_provider()
    names = answers.provider_names()
    assert all(r["name"] in names[r["site"]] for r in got)
    assert [r["articles"] for r in got] == sorted((r["articles"] for r in got), reverse=True)


def test_topics(ai_store, answers):
    got = run("topics", ai_store)
    assert {r["topic"].casefold(): r["articles"] for r in got} == answers.per_topic()


def test_topic_pairs(ai_store, answers):
    got = run("topic-pairs", ai_store)
    assert {frozenset((r["topic1"].casefold(), r["topic2"].casefold())): r["articles"] for r in got} \
        == answers.topic_pairs()
    assert len(got) == len(answers.topic_pairs())  # each pair once


def test_articles_per_month(ai_store, answers):
    got = run("articles-per-month", ai_store)
    assert {r["month"]: r["articles"] for r in got} == answers.per_month()
    assert [r["month"] for r in got] == sorted(r["month"] for r in got)


@pytest.mark.parametrize("spelling", [TOPIC, TOPIC.lower(), "AI in Autos"])
def test_providers_for_topic(ai_store, answers, spelling):
    got = run("providers-for-topic", ai_store, topic=spelling)
    assert got, "the corpus has articles on this topic"
    assert {r["site"]: r["articles"] for r in got} == answers.providers_for(spelling)


def test_topic_network(ai_store, answers):
    got = run("topic-network", ai_store, topic=TOPIC)
    assert {(r["article"], r["related"], r["inCorpus"]) for r in got} == answers.network(TOPIC)
    headlines = answers.headlines()
    assert all(r["headline"] == headlines[r["article"]] for r in got)
    assert all(r["relatedHeadline"] for r in got)


def test_outside_links(ai_store, answers):
    got = run("outside-links", ai_store)
    assert {r["related"]: r["linkedFrom"] for r in got} == answers.outside()
    assert len(got) == len(answers.outside())


def test_most_linked(ai_store, answers):
    got = run("most-linked", ai_store)
    assert [(r["article"], r["linkedFrom"]) for r in got] == answers.most_linked(25)
    assert all(r["inCorpus"] == (r["article"] in answers.urls) for r in got)


def test_every_bundled_query_is_tested():
    tested = {"articles-per-provider", "topics", "topic-pairs", "articles-per-month",
              "providers-for-topic", "topic-network", "outside-links", "most-linked"}
    assert set(bundled()) == tested


# --- bundled queries: listing, package data, parameters --------------------------------

def test_list_names_and_describes_every_query():
    run_ = kg("query", "--list")
    assert run_.returncode == 0
    for q in bundled().values():
        assert q.description and len(q.description.splitlines()) == 1
        assert any(line.startswith(q.name) and q.description in line for line in run_.stdout.splitlines())
    assert "providers-for-topic topic=" in run_.stdout


def test_missing_and_unknown_parameters_are_explained(ai_store):
    run_ = kg("query", "providers-for-topic", "--store", str(ai_store.path))
    assert run_.returncode == 1 and "needs --param topic=VALUE" in run_.stderr
    run_ = kg("query", "topics", "--param", "x=1", "--store", str(ai_store.path))
    assert run_.returncode == 1 and "no parameter 'x'" in run_.stderr


HOSTILE = [
    'x" } } ; DROP ALL ; SELECT * { ?s ?p "',
    "x' . } UNION { ?s ?p ?o } #",
    "\\u0022) } #",
    "line\nbreak } } INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "back\\slash\\",
    '"""',
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_parameter_is_one_value(ai_store, hostile):
    assert run("providers-for-topic", ai_store, topic=hostile) == []
    assert len(run("topics", ai_store)) > 5  # the store is intact


def test_a_topic_with_quotes_and_backslashes_is_found(write_corpus, tmp_path):
    label = 'Say "hi" \\ {or} #not'
    corpus = write_corpus({"a.md": article(1, topic=f"'{label}'"), "b.md": article(2)})
    graph.load([corpus], tmp_path / "store")
    got = run("providers-for-topic", tmp_path / "store", topic=label)
    assert [(r["topic"], r["articles"]) for r in got] == [(label, 1)]


def test_values_clause_opens_the_where_group():
    q = "PREFIX x: <http://x/> SELECT ?t WHERE { ?s x:p ?t }"
    bound = bind_values(q, {"t": pyoxigraph.Literal('a"b')})
    assert bound == 'PREFIX x: <http://x/> SELECT ?t WHERE { VALUES ?t { "a\\"b" }  ?s x:p ?t }'
    assert where_brace("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") == 29
    assert where_brace("CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }") == 23
    assert where_brace('# WHERE {\nSELECT * { ?s ?p "{ WHERE {" }') == 19
    assert where_brace("DESCRIBE <http://a>") is None


# --- output ---------------------------------------------------------------------

def test_table_is_aligned_with_numbers_right(ai_store):
    run_ = kg("query", "topics", "--store", str(ai_store.path))
    assert run_.returncode == 0, run_.stderr
    lines = run_.stdout.splitlines()
    assert lines[0].split() == ["topic", "articles"]
    assert set(lines[1]) <= {"-", " "}
    width = len(lines[1])
    assert all(len(line) == width for line in lines[2:-1])  # every row as wide: numbers right-aligned
    assert lines[-1] == f"({len(lines) - 3} rows)"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_result_formats_parse_back(ai_store, fmt):
    run_ = kg("query", "articles-per-month", "--format", fmt, "--store", str(ai_store.path))
    assert run_.returncode == 0, run_.stderr
    expected = run("articles-per-month", ai_store)
    if fmt == "csv":
        got = [{"month": r["month"], "articles": int(r["articles"])} for r in csv.DictReader(io.StringIO(run_.stdout))]
    else:
        parsed = pyoxigraph.parse_query_results(run_.stdout.encode(), format=pyoxigraph.QueryResultsFormat.TSV
                                                if fmt == "tsv" else pyoxigraph.QueryResultsFormat.JSON)
        got = table_of(parsed)
    assert got == expected
    if fmt == "json":
        assert json.loads(run_.stdout)["head"]["vars"] == ["month", "articles"]


def test_ask_prints_true_or_false(ai_store):
    yes = kg("query", "ASK { ?a a <https://schema.org/NewsArticle> }", "--store", str(ai_store.path))
    no = kg("query", "ASK { ?a a <https://schema.org/Recipe> }", "--store", str(ai_store.path))
    assert (yes.stdout, no.stdout) == ("true\n", "false\n")


def test_construct_prints_turtle(ai_store):
    q = ("PREFIX schema: <https://schema.org/> CONSTRUCT { ?a schema:headline ?h } "
         "WHERE { ?a schema:headline ?h ; <https://w3id.org/kg-news/vocab#sourceFile> ?f }")
    run_ = kg("query", q, "--store", str(ai_store.path))
    assert run_.returncode == 0, run_.stderr
    assert "@prefix schema: <https://schema.org/>" in run_.stdout
    triples = list(pyoxigraph.parse(run_.stdout.encode(), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == 95
    assert kg("query", q, "--store", str(ai_store.path)).stdout == run_.stdout  # deterministic


def test_query_from_an_rq_file(ai_store, tmp_path):
    path = tmp_path / "count.rq"
    path.write_text("SELECT (COUNT(?f) AS ?n) { ?a <https://w3id.org/kg-news/vocab#sourceFile> ?f }")
    run_ = kg("query", str(path), "--format", "csv", "--store", str(ai_store.path))
    assert run_.stdout.splitlines() == ["n", "95"]


def test_syntax_error_shows_message_and_position(ai_store):
    run_ = kg("query", "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }", "--store", str(ai_store.path))
    assert run_.returncode == 1 and "Traceback" not in run_.stderr
    assert "syntax error in the query: error at 3:" in run_.stderr
    assert "  FILTER(?o = ) }\n" in run_.stderr and "^" in run_.stderr


def test_no_store_is_a_clear_error(tmp_path):
    run_ = kg("query", "topics", "--store", str(tmp_path / "none"))
    assert run_.returncode == 1 and "no store at" in run_.stderr
    assert not (tmp_path / "none").exists()


def test_control_characters_in_results_are_escaped(write_corpus, tmp_path):
    corpus = write_corpus({"a.md": article(1, title='"Evil \\e[31m red"')})
    graph.load([corpus], tmp_path / "store")
    run_ = kg("query", "SELECT ?h { ?a <https://schema.org/headline> ?h }", "--store", str(tmp_path / "store"))
    assert "\x1b" not in run_.stdout and "\\x1b[31m" in run_.stdout


def test_construct_prints_n_triples_with_format_nt(ai_store):
    q = ("PREFIX schema: <https://schema.org/> CONSTRUCT { ?a schema:headline ?h } "
         "WHERE { ?a schema:headline ?h ; <https://w3id.org/kg-news/vocab#sourceFile> ?f }")
    run_ = kg("query", q, "--format", "nt", "--store", str(ai_store.path))
    assert run_.returncode == 0, run_.stderr
    assert "@prefix" not in run_.stdout and len(run_.stdout.splitlines()) == 95
    triples = list(pyoxigraph.parse(run_.stdout.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES))
    ttl = kg("query", q, "--format", "ttl", "--store", str(ai_store.path)).stdout
    assert set(triples) == set(pyoxigraph.parse(ttl.encode(), format=pyoxigraph.RdfFormat.TURTLE))


@pytest.mark.parametrize("query,fmt", [("SELECT * { ?s ?p ?o } LIMIT 1", "nt"), ("ASK { ?s ?p ?o }", "ttl"),
                                       ("CONSTRUCT WHERE { ?s ?p ?o }", "csv"), ("DESCRIBE <http://a>", "json")])
def test_a_format_that_does_not_fit_the_query_is_a_usage_error(ai_store, query, fmt):
    run_ = kg("query", query, "--format", fmt, "--store", str(ai_store.path))
    assert run_.returncode == 2 and "Traceback" not in run_.stderr
    assert f"--format {fmt} is for" in run_.stderr


def test_results_as_plain_rows_and_a_dataframe(ai_store):
    """SELECT results are rows of terms, plain dicts (rows()) or a pandas DataFrame."""
    import pandas

    results = graph.run_query("articles-per-provider", ai_store)
    rows = results.rows()
    assert rows and len(rows) == len(results)
    assert all(isinstance(r["name"], str) and r["site"].startswith("https://") for r in rows)
    assert all(type(r["articles"]) is int for r in rows)
    assert [int(r["articles"].value) for r in results] == [r["articles"] for r in rows]
    frame = results.to_dataframe()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == len(rows)
    assert list(frame.columns) == ["name", "site", "articles"]
    assert frame["articles"].sum() == sum(r["articles"] for r in rows)
