"""`kg load --endpoint` and `kg query --endpoint` against real servers on 127.0.0.1:
Oxigraph server and Virtuoso 7, the same tests for both."""
from __future__ import annotations

import base64
import os
import threading
import urllib.parse

import pytest
from conftest import AI_NEWS, kg
from expected import Answers
from servers import Faults, free_port, oxigraph_server, proxy, virtuoso_server
from test_query import HOSTILE, TOPIC
from test_store import article

import graph
from graph.identity.iris import corpus_graph_iri, source_graph_iri, sync_graph_iri
from graph.store import http
from graph.store.query import bundled
from graph.store.remote import GraphStoreClient, RemoteStore
from graph.terms import DEFAULT_BASE

MARK = "urn:test:marker"
SERVERS = ["oxigraph", "virtuoso"]
HASH = "https://w3id.org/kg-news/vocab#contentHash"
LEASES = sync_graph_iri(DEFAULT_BASE) + "/lease/"  # each load's lease (graph/store/lease.py)
VERSION = "http://www.w3.org/2002/07/owl#versionInfo"  # of the record: new at each write of it

PARAMS = {"providers-for-topic": {"topic": TOPIC}, "topic-network": {"topic": TOPIC}}


def load_cli(server_store, server_query, *args, env=None):
    return kg("load", "--endpoint", server_store, "--query-endpoint", server_query, *map(str, args), env=env)


def via(url, server):
    """The store and query URLs of ``server`` behind the proxy at ``url``."""
    return url + server.store_path, url + server.query_path


def src(rel):
    return source_graph_iri(DEFAULT_BASE, rel)


def as_text(results) -> list[tuple[str, ...]]:
    names = [v.value for v in results.variables]
    return [tuple(str(s[n]) if s[n] is not None else "" for n in names) for s in results]


def hashed(server) -> set[str]:
    """The graphs the record on the server claims (with a hash)."""
    return {r["g"] for r in server.select(
        f"SELECT ?g {{ GRAPH <{sync_graph_iri(DEFAULT_BASE)}> {{ ?g <{HASH}> ?h }} }}")}


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """One Virtuoso for the sync tests, emptied before each (it takes seconds to start)."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_ai(tmp_path_factory):
    """Another Virtuoso, for the real corpus."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso-ai")) as server:
        yield server


@pytest.fixture(params=SERVERS)
def server(request, tmp_path):
    """An empty server of each kind."""
    if request.param == "oxigraph":
        with oxigraph_server(tmp_path / "server") as s:
            yield s
    else:
        v = request.getfixturevalue("virtuoso")
        v.reset()
        yield v


@pytest.fixture(scope="module", params=SERVERS)
def ai_server(request, tmp_path_factory):
    """A server with the real corpus, loaded through `kg load --endpoint`; and the embedded store."""
    if not AI_NEWS.is_dir():
        pytest.skip(f"real corpus not found at {AI_NEWS}")
    tmp = tmp_path_factory.mktemp("ai-server")
    embedded = tmp / "embedded"
    graph.load([AI_NEWS], embedded)

    def loaded(server):
        run = load_cli(server.store, server.query, AI_NEWS)
        assert run.returncode == 0, run.stderr
        assert "sources 95 added, 0 updated, 0 removed, 0 unchanged; corpus graph added" in run.stdout
        return server, embedded

    if request.param == "oxigraph":
        with oxigraph_server(tmp / "server") as server:
            yield loaded(server)
    else:
        server = request.getfixturevalue("virtuoso_ai")
        if server.graphs():  # loaded by an earlier module
            yield server, embedded
        else:
            yield loaded(server)


# --- queries: the servers answer what the embedded store answers ----------------------------

@pytest.mark.parametrize("name", sorted(bundled()))
def test_bundled_query_same_on_server_and_embedded(ai_server, name):
    server, embedded = ai_server
    remote = as_text(graph.run_query(name, GraphStoreClient(server.query), PARAMS.get(name, {})))
    local = as_text(graph.run_query(name, embedded, PARAMS.get(name, {})))
    assert remote, f"{name} has results on the real corpus"
    assert remote == local  # the same rows in the same order, typed the same way


def test_server_answers_match_the_yaml(ai_server):
    server, _ = ai_server
    answers = Answers(AI_NEWS)
    rows = graph.run_query("topics", GraphStoreClient(server.query))
    assert {r["topic"].value.casefold(): int(r["articles"].value) for r in rows} == answers.per_topic()
    rows = graph.run_query("providers-for-topic", GraphStoreClient(server.query), {"topic": TOPIC})
    assert {r["site"].value: int(r["articles"].value) for r in rows} == answers.providers_for(TOPIC)
    rows = graph.run_query("topic-network", GraphStoreClient(server.query), {"topic": TOPIC.lower()})
    assert {(r["article"].value, r["related"].value, r["inCorpus"].value == "true") for r in rows} \
        == answers.network(TOPIC)


def test_cli_output_is_the_same_from_server_and_embedded(ai_server):
    server, embedded = ai_server
    for args in (["topic-network", "-p", f"topic={TOPIC}"], ["articles-per-provider", "--format", "tsv"],
                 ["most-linked", "--format", "json"]):
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
    assert "the endpoint rejected the query" in run.stderr
    if server.name == "oxigraph":  # Oxigraph says where: kg shows the line and a caret
        assert "error at 2:" in run.stderr and "\n    ?s ?p }\n" in run.stderr and "^" in run.stderr
    assert len(run.stderr.splitlines()) <= 4


def test_reload_without_changes_writes_nothing(ai_server):
    server, _ = ai_server
    faults = Faults()
    with proxy(server.url, faults) as url:
        run = load_cli(*via(url, server), AI_NEWS)
    assert run.returncode == 0, run.stderr
    assert "sources 0 added, 0 updated, 0 removed, 95 unchanged; corpus graph unchanged" in run.stdout
    # two queries (the record's version, then the record), no PUT or DELETE, no lease taken
    assert [m for m, _, _ in faults.seen] == ["POST", "POST"]


# --- every query form on every target ---------------------------------------------------------

ARTICLE = "https://venturebeat.com/2020/04/23/paige-raises-5-million-more-from-goldman-sachs-to-detect-cancer-with-computer-vision/"
FORMS = {
    "select": "SELECT ?h WHERE { ?a <https://schema.org/headline> ?h ; <https://w3id.org/kg-news/vocab#sourceFile> ?f } ORDER BY STR(?h)",
    "ask": "ASK { ?a a <https://schema.org/NewsArticle> }",
    "construct": ("PREFIX schema: <https://schema.org/> CONSTRUCT { ?a schema:headline ?h ; schema:datePublished ?d } "
                  "WHERE { ?a schema:headline ?h ; schema:datePublished ?d ; <https://w3id.org/kg-news/vocab#quality> ?q }"),
}


def _targets(ai_server):
    server, embedded = ai_server
    return {"embedded": ["--store", str(embedded)], server.name: ["--endpoint", server.query]}


@pytest.mark.parametrize("form,fmt", [("select", f) for f in ("table", "csv", "tsv", "json")]
                         + [("ask", f) for f in ("table", "csv", "tsv", "json")]
                         + [("construct", f) for f in ("table", "ttl", "nt")])
def test_every_query_form_and_format_is_the_same_everywhere(ai_server, form, fmt):
    outputs = {}
    for name, where in _targets(ai_server).items():
        run = kg("query", FORMS[form], "--format", fmt, *where)
        assert run.returncode == 0 and "Traceback" not in run.stderr, (name, run.stderr)
        outputs[name] = run.stdout
    assert len(set(outputs.values())) == 1, outputs
    out = next(iter(outputs.values()))
    if form == "construct":
        import pyoxigraph
        triples = list(pyoxigraph.parse(out.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES if fmt == "nt"
                                        else pyoxigraph.RdfFormat.TURTLE))
        assert len(triples) == len(graph.run_query(FORMS[form], ai_server[1])) > 2 * 95
        assert (fmt == "nt") == ("@prefix" not in out)


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_describe_prints_rdf_on_every_target(ai_server, fmt):
    import pyoxigraph
    for name, where in _targets(ai_server).items():
        run = kg("query", f"DESCRIBE <{ARTICLE}>", "--format", fmt, *where)
        assert run.returncode == 0 and "Traceback" not in run.stderr, (name, run.stderr)
        triples = list(pyoxigraph.parse(run.stdout.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES if fmt == "nt"
                                        else pyoxigraph.RdfFormat.TURTLE))
        # what DESCRIBE returns is the server's choice; each gives at least the article's own triples
        headline = pyoxigraph.NamedNode("https://schema.org/headline")
        assert any(t.subject == pyoxigraph.NamedNode(ARTICLE) and t.predicate == headline for t in triples), name


def test_a_format_that_does_not_fit_the_form_is_a_usage_error(ai_server):
    server, _ = ai_server
    for query, fmt in ((FORMS["select"], "ttl"), (FORMS["construct"], "csv"), (FORMS["ask"], "nt")):
        run = kg("query", query, "--format", fmt, "--endpoint", server.query)
        assert run.returncode == 2 and "Traceback" not in run.stderr
        assert f"--format {fmt} is for" in run.stderr


def test_an_answer_in_an_unexpected_media_type_is_a_clear_error(ai_server):
    server, _ = ai_server
    cases = [
        (FORMS["select"], "text/html", None, "answered a SELECT query with text/html, not SPARQL results"),
        (f"DESCRIBE <{ARTICLE}>", "application/sparql-results+json",
         b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": "x", "lang": "en"}}]}}',
         "answered a DESCRIBE query with application/sparql-results+json, not RDF"),
        (FORMS["select"], "application/sparql-results+json",
         b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": "x", "lang": "en"}}]}}',
         "cannot read the answer of"),
        (FORMS["construct"], "text/turtle", b"<a> <b> broken", "cannot read the answer of"),
    ]
    for query, media, body, message in cases:
        with proxy(server.url, Faults(answer_type=media, answer_body=body)) as url:
            run = kg("query", query, "--endpoint", url + server.query_path)
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
        assert message in run.stderr, run.stderr
        assert len(run.stderr.splitlines()) == 1


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


def test_the_server_holds_what_the_embedded_store_holds(server, write_corpus, tmp_path):
    corpus = write_corpus({f"{n}.md": article(n, topic=f"T{n % 3}") for n in range(30)})
    run = load_cli(server.store, server.query, corpus)
    assert run.returncode == 0, run.stderr
    graph.load([corpus], tmp_path / "embedded")
    spo = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    ours = server.graphs()
    on_server = {tuple(r[k] for k in "gspo") for r in server.select(spo) if r["g"] in ours and r["p"] != VERSION}
    local = {tuple(r[k].value for k in "gspo") for r in graph.run_query(
        "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", tmp_path / "embedded")}
    assert on_server == local


def test_a_failing_graph_is_reported_once_and_never_claimed(server, write_corpus):
    corpus = write_corpus({f"{n}.md": article(n) for n in range(4)})
    faults = Faults(fail_put={src("2.md")})
    with proxy(server.url, faults) as url:
        run = load_cli(*via(url, server), corpus, "--retries", "1", "--connections", "1")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and not run.stdout
    lines = run.stderr.splitlines()
    assert lines[0].startswith("kg: warning: PUT ") and "HTTP 500; retry 1 of 1 in 1 s" in lines[0]
    # the cause, once, with the graph, the request, the status and the server's message
    errors = [line for line in lines if line.startswith("kg: error: ")]
    assert len(errors) == 1
    assert errors[0].startswith(f"kg: error: cannot write graph {src('2.md')}: PUT {url}{server.store_path}?graph=")
    assert "HTTP 500: injected failure (2 attempts" in errors[0]
    assert sum("injected failure" in line for line in lines) == 1
    assert [g for m, g, s in faults.seen if m == "PUT" and s == 500] == [src("2.md")] * 2  # tried, retried
    # graphs go in path order, the corpus graph last: 0.md and 1.md; 2.md fails and the load stops
    assert "NOT complete: 2 of 5 graphs written, 0 of 0 removed" in run.stderr
    assert "kg: not written: 2.md, 3.md, the corpus graph" in run.stderr
    assert "added" not in run.stderr  # the plan is not listed: what was done and what was not is
    assert hashed(server) == {src("0.md"), src("1.md")}

    # The next load (no fault) writes the rest, and only the rest.
    faults = Faults()
    with proxy(server.url, faults) as url:
        run = load_cli(*via(url, server), corpus)
    assert run.returncode == 0, run.stderr
    puts = {g for m, g, _ in faults.seen if m == "PUT" and not g.startswith(LEASES)}
    assert puts == {src("2.md"), src("3.md"), corpus_graph_iri(DEFAULT_BASE), sync_graph_iri(DEFAULT_BASE)}
    assert "sources 0 added, 2 updated, 0 removed, 2 unchanged; corpus graph updated" in run.stdout


def test_a_failure_in_a_parallel_sync_claims_exactly_what_was_written(server, write_corpus):
    corpus = write_corpus({f"{n:02}.md": article(n) for n in range(40)})
    faults = Faults(fail_put={src("20.md")})
    with proxy(server.url, faults) as url:
        run = load_cli(*via(url, server), corpus, "--retries", "0", "--connections", "4")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    accepted = {g for m, g, s in faults.seen if m == "PUT" and 200 <= s < 300 and not g.startswith(LEASES)} \
        - {sync_graph_iri(DEFAULT_BASE)}
    assert src("20.md") not in accepted
    assert hashed(server) == accepted  # never a graph the server did not accept
    assert f"NOT complete: {len(accepted)} of 41 graphs written" in run.stderr
    again = load_cli(server.store, server.query, corpus)
    assert again.returncode == 0, again.stderr
    done = len(accepted - {corpus_graph_iri(DEFAULT_BASE)})
    assert f"sources 0 added, {40 - done} updated, 0 removed, {done} unchanged" in again.stdout
    assert hashed(server) == {src(f"{n:02}.md") for n in range(40)} | {corpus_graph_iri(DEFAULT_BASE)}


def test_a_refused_first_write_says_so_in_one_line(server, write_corpus):
    corpus = write_corpus({f"{n}.md": article(n) for n in range(30)})
    if server.name == "virtuoso":
        server.allow_anonymous_writes(False)
        run = load_cli(server.store, server.query, corpus)
        assert 'HTTP 403: forbidden' in run.stderr and 'GRANT SPARQL_UPDATE TO "SPARQL"' in run.stderr
        assert "/sparql-graph-crud-auth" in run.stderr
    else:
        with proxy(server.url, Faults(fail_put={sync_graph_iri(DEFAULT_BASE)})) as url:
            run = load_cli(*via(url, server), corpus, "--retries", "0")
        assert "HTTP 500: injected failure" in run.stderr
    assert run.returncode == 1 and "Traceback" not in run.stderr and not run.stdout
    assert run.stderr.count("\n") == 1 and run.stderr.rstrip().endswith("nothing was written")
    assert server.graphs() == set()


def test_a_busy_server_is_retried(server, write_corpus):
    corpus = write_corpus({"a.md": article(1)})
    faults = Faults(flaky_put={src("a.md"): 1})
    with proxy(server.url, faults) as url:
        run = load_cli(*via(url, server), corpus)
    assert run.returncode == 0, run.stderr
    statuses = [s for m, g, s in faults.seen if g == src("a.md")]
    assert len(statuses) == 2 and statuses[0] == 503 and 200 <= statuses[1] < 300
    assert "HTTP 503; retry 1 of 2 in 1 s" in run.stderr  # visible as it happens
    assert src("a.md") in server.graphs()


def test_basic_auth_from_options_or_environment(server, write_corpus):
    corpus = write_corpus({"a.md": article(1)})
    faults = Faults(auth="Basic " + base64.b64encode(b"alice:s3cret").decode())
    with proxy(server.url, faults) as url:
        store, query = via(url, server)
        denied = load_cli(store, query, corpus)
        assert denied.returncode == 1
        assert f"POST {query}: HTTP 401: unauthorized: the server asks for Basic authentication; " \
               "give --user and --password" in denied.stderr
        env = {**os.environ, "KG_USER": "alice", "KG_PASSWORD": "s3cret"}
        allowed = load_cli(store, query, corpus, env=env)
        assert allowed.returncode == 0, allowed.stderr
        by_option = kg("query", "topics", "--endpoint", query, "--user", "alice", "--password", "s3cret")
        assert by_option.returncode == 0 and "AI" in by_option.stdout
        wrong = kg("query", "topics", "--endpoint", query, "--user", "alice", "--password", "nope")
        assert wrong.returncode == 1 and "the user or password was refused" in wrong.stderr


def test_a_redirected_write_is_refused(server, write_corpus):
    corpus = write_corpus({"a.md": article(1)})
    elsewhere = f"http://127.0.0.1:{free_port()}/store?graph=x"
    with proxy(server.url, Faults(redirect_put=elsewhere)) as url:
        store, query = via(url, server)
        run = load_cli(store, query, corpus)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"PUT {store}?graph=" in run.stderr and f"HTTP 307: redirected to {elsewhere}" in run.stderr
    assert server.graphs() == set()


def test_a_redirect_to_a_url_with_credentials_does_not_show_them(server, write_corpus):
    corpus = write_corpus({"a.md": article(1)})
    port = free_port()
    with proxy(server.url, Faults(redirect_put=f"http://someone:hunter2@127.0.0.1:{port}/store")) as url:
        run = load_cli(*via(url, server), corpus)
    assert run.returncode == 1 and f"HTTP 307: redirected to http://***@127.0.0.1:{port}/store" in run.stderr
    assert "hunter2" not in run.stderr + run.stdout


# --- Virtuoso: the set-up README gives ------------------------------------------------------

def test_virtuoso_digest_authentication(virtuoso, write_corpus):
    """/sparql-graph-crud-auth speaks only HTTP Digest; a user with SPARQL_UPDATE may write there,
    and nobody needs the anonymous grant."""
    virtuoso.reset()
    virtuoso.allow_anonymous_writes(False)
    try:
        virtuoso.isql("DB.DBA.USER_CREATE('kgwriter', 's3cret'); GRANT SPARQL_UPDATE TO \"kgwriter\"")
        corpus = write_corpus({f"{n}.md": article(n) for n in range(5)})
        store, query = virtuoso.url + "/sparql-graph-crud-auth", virtuoso.url + "/sparql-auth"
        denied = load_cli(store, query, corpus)
        assert denied.returncode == 1 and "Traceback" not in denied.stderr
        assert "HTTP 401: unauthorized: the server asks for Digest authentication" in denied.stderr
        wrong = load_cli(store, query, corpus, env={**os.environ, "KG_USER": "kgwriter", "KG_PASSWORD": "no"})
        assert wrong.returncode == 1 and "the user or password was refused" in wrong.stderr
        assert virtuoso.graphs() == set()
        env = {**os.environ, "KG_USER": "kgwriter", "KG_PASSWORD": "s3cret"}
        ok = load_cli(store, query, corpus, env=env)
        assert ok.returncode == 0, ok.stderr
        assert "sources 5 added" in ok.stdout
        assert len(virtuoso.graphs()) == 7
        again = load_cli(store, query, corpus, env=env)
        assert "sources 0 added, 0 updated, 0 removed, 5 unchanged" in again.stdout
        rows = kg("query", "topics", "--endpoint", query, "--format", "csv", env=env)
        assert rows.stdout.splitlines() == ["topic,articles", "AI,5"]
    finally:
        virtuoso.isql("DB.DBA.USER_DROP('kgwriter')")
        virtuoso.allow_anonymous_writes()


SECRET = "Pa:ss@w/rd?1 x"  # characters a URL's user information must have percent-encoded
IN_URL = urllib.parse.quote(SECRET, safe="")


def shown(*runs) -> str:
    return "".join(run.stdout + run.stderr for run in runs)


def test_credentials_in_the_endpoint_url_are_used_and_never_shown(virtuoso, write_corpus):
    """http://USER:PASSWORD@host/... works as --user and --password do (Virtuoso's Digest
    endpoints), and the password appears in no output: reports, errors, usage errors."""
    virtuoso.reset()
    virtuoso.allow_anonymous_writes(False)
    try:
        virtuoso.isql(f"DB.DBA.USER_CREATE('kgwriter', '{SECRET}'); GRANT SPARQL_UPDATE TO \"kgwriter\"")
        corpus = write_corpus({f"{n}.md": article(n) for n in range(5)})
        host = virtuoso.url.removeprefix("http://")
        store = f"http://kgwriter:{IN_URL}@{host}/sparql-graph-crud-auth"
        query = f"http://{host}/sparql-auth"  # the credentials of --endpoint serve the query URL too
        clean = f"http://{host}/sparql-graph-crud-auth"

        ok = kg("load", "-v", "--endpoint", store, "--query-endpoint", query, str(corpus))
        assert ok.returncode == 0, ok.stderr
        assert f"{clean}: sources 5 added, 0 updated, 0 removed, 0 unchanged" in ok.stdout
        assert len(virtuoso.graphs()) == 7
        rows = kg("query", "topics", "--format", "csv", "--endpoint", f"http://kgwriter:{IN_URL}@{host}/sparql-auth")
        assert rows.returncode == 0 and rows.stdout.splitlines() == ["topic,articles", "AI,5"], rows.stderr
        syntax = kg("query", "SELECT ?s WHERE {", "--endpoint", f"http://kgwriter:{IN_URL}@{host}/sparql-auth")
        assert syntax.returncode == 1 and "the endpoint rejected the query" in syntax.stderr

        wrong = kg("load", "--endpoint", f"http://kgwriter:nope{IN_URL}@{host}/sparql-graph-crud-auth",
                   "--query-endpoint", query, str(corpus))
        assert wrong.returncode == 1 and "the user or password was refused" in wrong.stderr
        assert f"POST {query}: HTTP 401" in wrong.stderr
        port = free_port()
        refused = kg("load", "--endpoint", f"http://kgwriter:{IN_URL}@127.0.0.1:{port}/store", str(corpus))
        assert refused.returncode == 1
        assert f"POST http://127.0.0.1:{port}/store: connection refused" in refused.stderr
        refused_query = kg("query", "topics", "--endpoint", f"http://kgwriter:{IN_URL}@127.0.0.1:{port}/query")
        assert refused_query.returncode == 1 and f"POST http://127.0.0.1:{port}/query: connection refused" \
            in refused_query.stderr

        conflict = kg("load", "--endpoint", store, "--user", "someone", str(corpus))
        assert conflict.returncode == 2 and "the user that --user (or KG_USER) gives is not the one the URL " \
            f"http://***@{host}/sparql-graph-crud-auth gives" in conflict.stderr
        from_env = kg("load", "--endpoint", store, str(corpus), env={**os.environ, "KG_PASSWORD": "other"})
        assert from_env.returncode == 2 and "the password that --password (or KG_PASSWORD) gives" in from_env.stderr
        two = kg("load", "--endpoint", store, "--query-endpoint", f"http://dba:dba@{host}/sparql-auth", str(corpus))
        assert two.returncode == 2 and "the user that the URL" in two.stderr
        unencoded = kg("load", "--endpoint", f"http://kgwriter:{SECRET}@{host}/sparql-graph-crud-auth", str(corpus))
        assert unencoded.returncode == 2 and "must have any of / ? # @ : in it percent-encoded" in unencoded.stderr
        not_http = kg("query", "topics", "--endpoint", f"ftp://kgwriter:{IN_URL}@{host}/")
        assert not_http.returncode == 2 and "not an http(s) URL: 'ftp://***@" in not_http.stderr

        runs = (ok, rows, syntax, wrong, refused, refused_query, conflict, from_env, two, unencoded, not_http)
        assert "Traceback" not in shown(*runs)
        for secret in (SECRET, IN_URL, "Pa:ss", "Pa%3Ass", "rd?1", "rd%3F1", "kgwriter:"):
            assert secret not in shown(*runs), secret

        # the Python API: describe(), LoadError
        bad = RemoteStore(GraphStoreClient(f"http://kgwriter:nope{IN_URL}@{host}/sparql-graph-crud-auth", query))
        assert bad.describe() == clean
        with pytest.raises(graph.LoadError) as failed:
            graph.load([corpus], bad)
        assert "refused" in str(failed.value) and "nope" not in str(failed.value) and IN_URL not in str(failed.value)
    finally:
        virtuoso.isql("DB.DBA.USER_DROP('kgwriter')")
        virtuoso.allow_anonymous_writes()


def test_basic_credentials_in_the_url_and_retry_warnings_without_them(server, write_corpus):
    corpus = write_corpus({"a.md": article(1)})
    faults = Faults(auth="Basic " + base64.b64encode(b"al ice:s3cr@t").decode(), flaky_put={src("a.md"): 1})
    with proxy(server.url, faults) as url:
        store, query = via(url, server)
        host = url.removeprefix("http://")
        run = load_cli(f"http://al%20ice:s3cr%40t@{host}{server.store_path}", query, corpus)
    assert run.returncode == 0, run.stderr
    assert f"kg: warning: PUT {store}?graph=" in run.stderr and "HTTP 503; retry 1 of 2" in run.stderr
    assert "s3cr" not in shown(run) and "al%20ice" not in shown(run)
    assert src("a.md") in server.graphs()


def test_virtuoso_dba_over_digest_from_python(virtuoso, write_corpus):
    virtuoso.reset()
    corpus = write_corpus({"a.md": article(1)})
    client = GraphStoreClient(virtuoso.url + "/sparql-graph-crud-auth", virtuoso.url + "/sparql",
                              user="dba", password="dba")
    result = graph.load([corpus], RemoteStore(client))
    assert result.written and src("a.md") in virtuoso.graphs()


def test_a_record_longer_than_virtuosos_answers_is_read_whole(tmp_path, write_corpus):
    """Virtuoso cuts every answer at ResultSetMaxRows (10,000 by default; 100 here), silently but
    for a header: kg reads its record in pages, so a sync of more graphs than that is right."""
    corpus = write_corpus({f"{n:03}.md": article(n) for n in range(150)})
    with virtuoso_server(tmp_path / "virtuoso", max_rows=100) as server:
        assert load_cli(server.store, server.query, corpus).returncode == 0
        (corpus / "149.md").unlink()
        run = load_cli(server.store, server.query, corpus)
        assert run.returncode == 0, run.stderr
        assert "sources 0 added, 0 updated, 1 removed, 149 unchanged; corpus graph unchanged" in run.stdout
        cut = kg("query", "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "--endpoint", server.query)
        assert cut.returncode == 0 and "(100 rows)" in cut.stdout
        assert "cut its answer at 100 rows (Virtuoso: ResultSetMaxRows in virtuoso.ini)" in cut.stderr


def test_the_record_is_read_in_pages(server, write_corpus, monkeypatch):
    from graph.store import remote
    monkeypatch.setattr(remote, "RECORD_PAGE", 4)
    corpus = write_corpus({f"{n:02}.md": article(n) for n in range(10)})
    assert load_cli(server.store, server.query, corpus).returncode == 0
    faults = Faults()
    with proxy(server.url, faults) as url:
        record = RemoteStore(GraphStoreClient(*via(url, server))).read_record(DEFAULT_BASE)
    assert set(record) == {src(f"{n:02}.md") for n in range(10)} | {corpus_graph_iri(DEFAULT_BASE)}
    assert all(r.hash for r in record.values())
    assert [m for m, _, _ in faults.seen] == ["POST"] * 4  # the record's version, then 11 graphs: 4 + 4 + 3


# --- Oxigraph's bulk path ---------------------------------------------------------------

def test_new_graphs_go_to_oxigraph_through_its_bulk_loader(tmp_path, write_corpus):
    corpus = write_corpus({f"{n:02}.md": article(n) for n in range(20)})
    with oxigraph_server(tmp_path / "server") as server:
        # A graph the record does not list but the server holds is replaced, not added to.
        server.update(f'INSERT DATA {{ GRAPH <{src("05.md")}> {{ <{MARK}> <{MARK}> "stale" }} }}')
        faults = Faults(forward_server=True)
        with proxy(server.url, faults) as url:
            run = load_cli(*via(url, server), corpus)
        assert run.returncode == 0, run.stderr
        posts = [g for m, g, _ in faults.seen if m == "POST" and "no_transaction" in g]
        puts = sorted(g for m, g, _ in faults.seen if m == "PUT" and not g.startswith(LEASES))
        assert len(posts) == 1
        assert puts == sorted([src("05.md"), sync_graph_iri(DEFAULT_BASE), sync_graph_iri(DEFAULT_BASE)])
        assert not server.select(f"SELECT ?o {{ GRAPH ?g {{ <{MARK}> ?p ?o }} }}")
        graph.load([corpus], tmp_path / "embedded")
        local = {tuple(r[k].value for k in "gspo") for r in graph.run_query(
            "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", tmp_path / "embedded")}
        remote = {tuple(r[k] for k in "gspo") for r in server.select("SELECT ?g ?s ?p ?o { GRAPH ?g { ?s ?p ?o } }")
                  if r["p"] != VERSION}
        assert remote == local


# --- failures of the connection ---------------------------------------------------------

def test_no_server_is_a_clear_error_at_once(write_corpus):
    corpus = write_corpus({"a.md": article(1)})
    url = f"http://127.0.0.1:{free_port()}"
    run = load_cli(url + "/store", url + "/query", corpus, "--retries", "5")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"POST {url}/query: connection refused (is the server running?); the store was not changed" \
        in run.stderr
    assert "retry" not in run.stderr and "attempts" not in run.stderr  # not retried: nothing listens there


def test_a_slow_server_times_out_visibly(write_corpus, tmp_path):
    corpus = write_corpus({"a.md": article(1)})
    with oxigraph_server(tmp_path / "server") as server, proxy(server.url, Faults(delay=1.0)) as url:
        run = load_cli(url + "/store", url + "/query", corpus, "--timeout", "0.2", "--retries", "1")
    assert run.returncode == 1
    assert f"kg: warning: POST {url}/query: timed out after 0.2 s; retry 1 of 1 in 1 s" in run.stderr
    assert f"POST {url}/query: timed out after 0.2 s (2 attempts, " in run.stderr


def test_the_timeout_bounds_the_whole_answer_not_each_read(tmp_path, ai_news):
    """A server that trickles its answer (a byte every 20 ms: each read is quick, the whole
    would take a minute) is cut off when --timeout has passed."""
    with oxigraph_server(tmp_path / "server") as server:
        graph.load([ai_news], RemoteStore(GraphStoreClient(server.store, server.query)))
        with proxy(server.url, Faults(trickle=0.02)) as url:
            run = kg("query", "topics", "--endpoint", url + "/query", "--timeout", "1", "--retries", "0")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "timed out after 1 s" in run.stderr


def test_retry_after_is_obeyed_up_to_a_cap(tmp_path, write_corpus, monkeypatch):
    monkeypatch.setattr(http, "MAX_RETRY_AFTER", 0.3)
    corpus = write_corpus({"a.md": article(1)})
    messages: list[str] = []
    with oxigraph_server(tmp_path / "server") as server:
        faults = Faults(flaky_put={src("a.md"): 1}, retry_after="3600")
        with proxy(server.url, faults) as url:
            client = GraphStoreClient(url + "/store", url + "/query", backoff=0.1, notify=messages.append)
            done: list = []
            worker = threading.Thread(target=lambda: done.append(graph.load([corpus], RemoteStore(client))),
                                      daemon=True)
            worker.start()
            worker.join(60)  # an uncapped Retry-After would wait an hour
        assert done and src("a.md") in server.graphs()
    quoted = src("a.md").replace(":", "%3A").replace("/", "%2F")
    assert messages == [f"PUT {url}/store?graph={quoted}: HTTP 503; retry 1 of 2 in 0.3 s"]


def test_gsp_url_without_a_query_endpoint_is_explained(write_corpus, tmp_path):
    corpus = write_corpus({"a.md": article(1)})
    with oxigraph_server(tmp_path / "server") as server:
        run = kg("load", "--endpoint", server.store, str(corpus))
        assert run.returncode == 1 and "Traceback" not in run.stderr
        assert f"POST {server.store}: HTTP 415" in run.stderr and "--query-endpoint" in run.stderr
        assert server.graphs() == set()
