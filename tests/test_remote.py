"""`kg load --endpoint` and `kg query --endpoint` against a real Oxigraph server on 127.0.0.1."""
from __future__ import annotations

import base64
import os

import pytest
from conftest import AI_NEWS, kg
from expected import Answers
from servers import Faults, oxigraph_server, proxy
from test_query import HOSTILE, TOPIC
from test_store import article

import graph
from graph.identity.iris import corpus_graph_iri, source_graph_iri, sync_graph_iri
from graph.store.query import bundled
from graph.store.remote import GraphStoreClient
from graph.terms import DEFAULT_BASE

MARK = "urn:test:marker"



PARAMS = {"providers-for-topic": {"topic": TOPIC}, "topic-network": {"topic": TOPIC}}


def load_cli(server_store, server_query, *args, env=None):
    return kg("load", "--endpoint", server_store, "--query-endpoint", server_query, *map(str, args), env=env)


def src(rel):
    return source_graph_iri(DEFAULT_BASE, rel)


def as_text(results) -> list[tuple[str, ...]]:
    names = [v.value for v in results.variables]
    return [tuple(str(s[n]) if s[n] is not None else "" for n in names) for s in results]


@pytest.fixture(scope="module")
def ai_server(tmp_path_factory):
    """A server with the real corpus, loaded through `kg load --endpoint`; and the embedded store."""
    if not AI_NEWS.is_dir():
        pytest.skip(f"real corpus not found at {AI_NEWS}")
    tmp = tmp_path_factory.mktemp("ai-server")
    with oxigraph_server(tmp / "server") as server:
        run = load_cli(server.store, server.query, AI_NEWS)
        assert run.returncode == 0, run.stderr
        assert "sources 95 added, 0 updated, 0 removed, 0 unchanged; corpus graph added" in run.stdout
        graph.load([AI_NEWS], tmp / "embedded")
        yield server, tmp / "embedded"


@pytest.fixture
def server(tmp_path):
    with oxigraph_server(tmp_path / "server") as s:
        yield s


# --- queries: the server answers what the embedded store answers -------------------------

@pytest.mark.parametrize("name", sorted(bundled()))
def test_bundled_query_same_on_server_and_embedded(ai_server, name):
    server, embedded = ai_server
    remote = as_text(graph.run_query(name, GraphStoreClient(server.query), PARAMS.get(name, {})))
    local = as_text(graph.run_query(name, embedded, PARAMS.get(name, {})))
    assert remote, f"{name} has results on the real corpus"
    assert remote == local


def test_server_answers_match_the_yaml(ai_server):
    server, _ = ai_server
    answers = Answers(AI_NEWS)
    rows = graph.run_query("topics", GraphStoreClient(server.query))
    assert {r["topic"].value.casefold(): int(r["articles"].value) for r in rows} == answers.per_topic()
    rows = graph.run_query("providers-for-topic", GraphStoreClient(server.query), {"topic": TOPIC})
    assert {r["site"].value: int(r["articles"].value) for r in rows} == answers.providers_for(TOPIC)


def test_cli_output_is_the_same_from_server_and_embedded(ai_server):
    server, embedded = ai_server
    for args in (["topic-network", "-p", f"topic={TOPIC}"], ["articles-per-provider", "--format", "tsv"]):
        remote = kg("query", *args, "--endpoint", server.query)
        local = kg("query", *args, "--store", str(embedded))
        assert remote.returncode == 0, remote.stderr
        assert remote.stdout == local.stdout


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_parameter_on_the_server(ai_server, hostile):
    server, _ = ai_server
    client = GraphStoreClient(server.query)
    assert list(graph.run_query("providers-for-topic", client, {"topic": hostile})) == []
    assert len(server.graphs()) == 97  # 95 files, the corpus graph, the sync graph: nothing dropped


def test_a_topic_with_quotes_and_backslashes_is_found_on_the_server(server, write_corpus):
    label = 'Say "hi" \\ {or} #not'
    corpus = write_corpus({"a.md": article(1, topic=f"'{label}'"), "b.md": article(2)})
    assert load_cli(server.store, server.query, corpus).returncode == 0
    rows = graph.run_query("providers-for-topic", GraphStoreClient(server.query), {"topic": label})
    assert [(r["topic"].value, int(r["articles"].value)) for r in rows] == [(label, 1)]


def test_server_syntax_error_is_reported(ai_server):
    server, _ = ai_server
    run = kg("query", "SELECT ?s WHERE {\n  ?s ?p }", "--endpoint", server.query)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "the endpoint rejected the query: error at 2:" in run.stderr
    assert "\n    ?s ?p }\n" in run.stderr and "^" in run.stderr


def test_reload_without_changes_writes_nothing(ai_server):
    server, _ = ai_server
    faults = Faults()
    with proxy(server.url, faults) as url:
        run = load_cli(url + "/store", url + "/query", AI_NEWS)
    assert run.returncode == 0, run.stderr
    assert "sources 0 added, 0 updated, 0 removed, 95 unchanged; corpus graph unchanged" in run.stdout
    assert [m for m, _, _ in faults.seen] == ["POST"]  # one query for the record, no PUT or DELETE


# --- sync ----------------------------------------------------------------------------

def test_sync_rewrites_only_the_changed_graphs(server, write_corpus):
    corpus = write_corpus({"keep.md": article(1), "change.md": article(2), "gone.md": article(3)})
    assert load_cli(server.store, server.query, corpus).returncode == 0
    for g in server.graphs() - {sync_graph_iri(DEFAULT_BASE)}:
        server.update(f'INSERT DATA {{ GRAPH <{g}> {{ <{MARK}> <{MARK}> "{g}" }} }}')

    (corpus / "change.md").write_text(article(2, title="A new headline", topic="Robots"), encoding="utf-8")
    (corpus / "gone.md").unlink()
    (corpus / "new.md").write_text(article(4), encoding="utf-8")
    run = load_cli(server.store, server.query, corpus)
    assert run.returncode == 0, run.stderr
    assert "sources 1 added, 1 updated, 1 removed, 1 unchanged; corpus graph updated" in run.stdout

    still_marked = {r["g"] for r in server.select(f"SELECT ?g {{ GRAPH ?g {{ <{MARK}> ?p ?o }} }}")}
    assert still_marked == {src("keep.md")}
    assert server.graphs() == {src("keep.md"), src("change.md"), src("new.md"),
                               corpus_graph_iri(DEFAULT_BASE), sync_graph_iri(DEFAULT_BASE)}
    rows = graph.run_query("topics", GraphStoreClient(server.query))
    assert {r["topic"].value: int(r["articles"].value) for r in rows} == {"AI": 2, "Robots": 1}


def test_a_failing_graph_is_reported_and_never_claimed(server, write_corpus):
    corpus = write_corpus({f"{n}.md": article(n) for n in range(4)})
    faults = Faults(fail_put={src("2.md")})
    with proxy(server.url, faults) as url:
        run = load_cli(url + "/store", url + "/query", corpus, "--retries", "1")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert f"PUT {url}/store?graph=" in run.stderr and "HTTP 500" in run.stderr and "injected failure" in run.stderr
    assert [g for m, g, s in faults.seen if m == "PUT" and s == 500] == [src("2.md")] * 2  # tried, retried
    # graphs go in path order, the corpus graph last: 0.md and 1.md; 2.md fails and the load stops
    assert "NOT complete: 2 of 5 graphs written, 0 of 0 removed" in run.stderr
    for rel in ("2.md", "3.md"):
        assert f"not written: {src(rel)}" in run.stderr
    assert f"not written: {corpus_graph_iri(DEFAULT_BASE)}" in run.stderr
    assert "planned: sources 4 added" in run.stderr  # what the plan was, next to what was done

    # The record on the server claims exactly the graphs that were written.
    hashed = {r["g"] for r in server.select(
        f"SELECT ?g {{ GRAPH <{sync_graph_iri(DEFAULT_BASE)}> {{ ?g <https://w3id.org/kg-news/vocab#contentHash> ?h }} }}")}
    assert hashed == {src("0.md"), src("1.md")}

    # The next load (no fault) writes the rest, and only the rest.
    faults = Faults()
    with proxy(server.url, faults) as url:
        run = load_cli(url + "/store", url + "/query", corpus)
    assert run.returncode == 0, run.stderr
    puts = {g for m, g, _ in faults.seen if m == "PUT"}
    assert puts == {src("2.md"), src("3.md"), corpus_graph_iri(DEFAULT_BASE), sync_graph_iri(DEFAULT_BASE)}
    assert "sources 0 added, 2 updated, 0 removed, 2 unchanged; corpus graph updated" in run.stdout


def test_a_busy_server_is_retried(server, write_corpus):
    corpus = write_corpus({"a.md": article(1)})
    faults = Faults(flaky_put={src("a.md"): 1})
    with proxy(server.url, faults) as url:
        run = load_cli(url + "/store", url + "/query", corpus)
    assert run.returncode == 0, run.stderr
    statuses = [s for m, g, s in faults.seen if g == src("a.md")]
    assert len(statuses) == 2 and statuses[0] == 503 and 200 <= statuses[1] < 300
    assert src("a.md") in server.graphs()


def test_basic_auth_from_options_or_environment(server, write_corpus):
    corpus = write_corpus({"a.md": article(1)})
    faults = Faults(auth="Basic " + base64.b64encode(b"alice:s3cret").decode())
    with proxy(server.url, faults) as url:
        denied = load_cli(url + "/store", url + "/query", corpus)
        assert denied.returncode == 1
        assert f"POST {url}/query: HTTP 401: unauthorized" in denied.stderr
        env = {**os.environ, "KG_USER": "alice", "KG_PASSWORD": "s3cret"}
        allowed = load_cli(url + "/store", url + "/query", corpus, env=env)
        assert allowed.returncode == 0, allowed.stderr
        by_option = kg("query", "topics", "--endpoint", url + "/query", "--user", "alice", "--password", "s3cret")
        assert by_option.returncode == 0 and "AI" in by_option.stdout


def test_no_server_is_a_clear_error(write_corpus):
    from servers import free_port
    corpus = write_corpus({"a.md": article(1)})
    url = f"http://127.0.0.1:{free_port()}"
    run = load_cli(url + "/store", url + "/query", corpus, "--retries", "0")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"POST {url}/query: connection refused" in run.stderr
    assert "the store was not changed" in run.stderr


def test_a_slow_server_times_out(server, write_corpus):
    corpus = write_corpus({"a.md": article(1)})
    with proxy(server.url, Faults(delay=1.0)) as url:
        run = load_cli(url + "/store", url + "/query", corpus, "--timeout", "0.2", "--retries", "0")
    assert run.returncode == 1
    assert f"POST {url}/query: timed out" in run.stderr


def test_gsp_url_without_a_query_endpoint_is_explained(server, write_corpus):
    corpus = write_corpus({"a.md": article(1)})
    run = kg("load", "--endpoint", server.store, str(corpus))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"POST {server.store}: HTTP 415" in run.stderr and "--query-endpoint" in run.stderr
    assert server.graphs() == set()
