"""`kg load` into the embedded store: sync by content hash, atomic writes, clear errors."""
from __future__ import annotations

import shutil

import pyoxigraph
import pytest
from pyoxigraph import Literal, NamedNode, Quad
from test_cli import kg

import graph
from graph.identity.iris import corpus_graph_iri, source_graph_iri, sync_graph_iri
from graph.store import embedded as store_module
from graph.terms import DEFAULT_BASE

MARK = NamedNode("urn:test:marker")


def article(n: int, topic: str = "AI", provider: str = "example.com", title: str | None = None) -> str:
    return (f"---\ntitle: {title or f'Article {n}'}\nwebUrl: https://{provider}/a/{n}\n"
            f"publishedDateTime: 2020-0{1 + n % 9}-02T11:00:00Z\n"
            f"provider:\n  name: P {provider}\n  domain: {provider}\n"
            f"topics:\n  - {topic}\n"
            f"related:\n  - title: Linked {n}\n    webUrl: https://elsewhere.example/{n}\n---\n")


def dump(path) -> list[str]:
    """The store's quads as sorted N-Quads lines (opened and closed again)."""
    st = pyoxigraph.Store(str(path))
    try:
        return sorted(str(q) for q in st)
    finally:
        del st


def graphs_of(path) -> set[str]:
    st = pyoxigraph.Store(str(path))
    try:
        return {g.value for g in st.named_graphs()}
    finally:
        del st


def src(rel: str) -> str:
    return source_graph_iri(DEFAULT_BASE, rel)


def mark_every_graph(path) -> None:
    """Put a marker triple in every graph: a graph that is rewritten loses it."""
    st = pyoxigraph.Store(str(path))
    for g in list(st.named_graphs()):
        if g.value != sync_graph_iri(DEFAULT_BASE):
            st.add(Quad(MARK, MARK, Literal(g.value), g))
    del st


def marked(path) -> set[str]:
    st = pyoxigraph.Store(str(path))
    try:
        return {q.graph_name.value for q in st.quads_for_pattern(MARK, MARK, None, None)}
    finally:
        del st


def test_first_load_then_reload_changes_nothing(write_corpus, tmp_path):
    corpus = write_corpus({f"{i}.md": article(i) for i in range(3)})
    target = tmp_path / "store"
    first = graph.load([corpus], target)
    assert len(first.plan.added) == 4  # three files and the corpus graph
    assert first.triples_before == 0 and first.triples_after > 0
    assert graphs_of(target) == {src("0.md"), src("1.md"), src("2.md"),
                                 corpus_graph_iri(DEFAULT_BASE), sync_graph_iri(DEFAULT_BASE)}
    before = dump(target)
    again = graph.load([corpus], target)
    assert again.plan.added == again.plan.updated == again.plan.removed == []
    assert len(again.plan.unchanged) == 4
    assert again.triples_before == again.triples_after == first.triples_after
    assert dump(target) == before


def test_store_holds_the_same_quads_as_the_nquads_export(ai_news, tmp_path):
    graph.export([ai_news], ["nq"], tmp_path / "out")
    graph.load([ai_news], tmp_path / "store")
    exported = {str(q) for q in pyoxigraph.parse(path=str(tmp_path / "out" / "graph.nq"))}
    st = pyoxigraph.Store(str(tmp_path / "store"))
    stored = {str(q) for q in st if q.graph_name.value != sync_graph_iri(DEFAULT_BASE)}
    assert stored == exported


def test_recorded_hash_is_the_sha256_of_the_sorted_ntriples(ai_news, tmp_path):
    import hashlib
    from collections import defaultdict

    graph.export([ai_news], ["nq"], tmp_path / "out")
    lines = defaultdict(set)
    for q in pyoxigraph.parse(path=str(tmp_path / "out" / "graph.nq")):
        lines[q.graph_name.value].add(f"{q.triple} .\n")
    expected = {g: (hashlib.sha256("".join(sorted(ls)).encode()).hexdigest(), len(ls)) for g, ls in lines.items()}
    graph.load([ai_news], tmp_path / "store")
    rows = graph.run_query(
        "PREFIX kg: <https://w3id.org/kg-news/vocab#> "
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT ?g ?h ?n "
        f"{{ GRAPH <{sync_graph_iri(DEFAULT_BASE)}> {{ ?g a sd:NamedGraph ; kg:contentHash ?h ; kg:tripleCount ?n }} }}",
        tmp_path / "store")
    assert {r["g"].value: (r["h"].value, int(r["n"].value)) for r in rows} == expected


def test_sync_rewrites_only_what_changed(write_corpus, tmp_path):
    corpus = write_corpus({"keep.md": article(1), "change.md": article(2), "gone.md": article(3)})
    target = tmp_path / "store"
    graph.load([corpus], target)
    mark_every_graph(target)

    (corpus / "change.md").write_text(article(2, title="A new headline"), encoding="utf-8")
    (corpus / "gone.md").unlink()
    (corpus / "new.md").write_text(article(4, provider="new.example"), encoding="utf-8")
    result = graph.load([corpus], target)

    assert result.sources(result.plan.added) == ["new.md"]
    assert result.sources(result.plan.updated) == ["change.md"]
    assert result.sources(result.plan.removed) == ["gone.md"]
    assert result.sources(result.plan.unchanged) == ["keep.md"]
    assert result.corpus_graph() == "updated"  # a new provider
    # The unchanged graph was not rewritten (it keeps the marker); the others were.
    assert marked(target) == {src("keep.md")}
    assert src("gone.md") not in graphs_of(target)
    headlines = {row["h"].value for row in graph.run_query(
        "PREFIX schema: <https://schema.org/> SELECT ?h { ?a schema:headline ?h }", target)}
    assert "A new headline" in headlines and "Article 2" not in headlines and "Article 3" not in headlines


def test_a_change_that_does_not_change_the_triples_is_no_change(write_corpus, tmp_path):
    corpus = write_corpus({"a.md": article(1)})
    graph.load([corpus], tmp_path / "store")
    text = (corpus / "a.md").read_text(encoding="utf-8")
    (corpus / "a.md").write_text(text.replace("---\n", "---\nsecured: 'opaque token'\n", 1), encoding="utf-8")
    result = graph.load([corpus], tmp_path / "store")
    assert not result.plan.changes


def test_failed_sync_leaves_the_store_as_it_was(write_corpus, tmp_path, monkeypatch):
    corpus = write_corpus({"a.md": article(1), "b.md": article(2)})
    target = tmp_path / "store"
    graph.load([corpus], target)
    before = dump(target)
    (corpus / "a.md").write_text(article(1, title="Changed"), encoding="utf-8")
    (corpus / "b.md").unlink()

    real = store_module.sync_update

    def failing(*args):
        # A last operation that fails inside the store, after the drops and inserts ran:
        # CREATE GRAPH (without SILENT) of a graph that exists is an error.
        return real(*args) + f" ;\nCREATE GRAPH <{corpus_graph_iri(DEFAULT_BASE)}>"

    monkeypatch.setattr(store_module, "sync_update", failing)
    with pytest.raises(graph.LoadError) as err:
        graph.load([corpus], target)
    assert "left as it was" in str(err.value)
    assert err.value.result.written == [] and err.value.result.deleted == []
    assert dump(target) == before

    monkeypatch.setattr(store_module, "sync_update", real)
    result = graph.load([corpus], target)  # the next load does the work
    assert result.sources(result.plan.updated) == ["a.md"] and result.sources(result.plan.removed) == ["b.md"]


def test_failed_first_load_leaves_no_store(write_corpus, tmp_path, monkeypatch):
    corpus = write_corpus({f"{i}.md": article(i) for i in range(5)})
    target = tmp_path / "store"
    real = store_module.nquads_chunks

    def breaks_midway(*args):
        for n, chunk in enumerate(real(*args)):
            if n == 3:
                raise OSError("disk full (simulated while the bulk loader is reading)")
            yield chunk

    monkeypatch.setattr(store_module, "nquads_chunks", breaks_midway)
    with pytest.raises(graph.LoadError):
        graph.load([corpus], target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "corpus"]  # no temporary folder left


def test_ctrl_c_during_the_first_load_leaves_no_trace(write_corpus, tmp_path, monkeypatch):
    corpus = write_corpus({f"{i}.md": article(i) for i in range(3)})
    real = store_module.nquads_chunks

    def interrupted(*args):
        chunks = real(*args)
        yield next(chunks)
        raise KeyboardInterrupt  # as Ctrl-C arrives while the bulk loader reads

    monkeypatch.setattr(store_module, "nquads_chunks", interrupted)
    with pytest.raises(KeyboardInterrupt):
        graph.load([corpus], tmp_path / "store")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]


def test_no_article_leaves_the_store_alone(write_corpus, tmp_path):
    corpus = write_corpus({"a.md": article(1)})
    graph.load([corpus], tmp_path / "store")
    before = dump(tmp_path / "store")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(graph.LoadError, match="no article"):
        graph.load([empty], tmp_path / "store")
    assert dump(tmp_path / "store") == before


def test_refuses_a_folder_that_is_not_a_store(write_corpus, tmp_path):
    corpus = write_corpus({"a.md": article(1)})
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    run = kg("load", "--store", str(folder), str(corpus))
    assert run.returncode == 1
    assert "not an Oxigraph store" in run.stderr and "Traceback" not in run.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_store_in_use_is_a_clear_error(write_corpus, tmp_path):
    corpus = write_corpus({"a.md": article(1)})
    graph.load([corpus], tmp_path / "store")
    holder = pyoxigraph.Store(str(tmp_path / "store"))  # holds RocksDB's lock
    try:
        run = kg("load", "--store", str(tmp_path / "store"), str(corpus))
    finally:
        del holder
    assert run.returncode == 1
    assert "in use by another process" in run.stderr and "Traceback" not in run.stderr


def test_cli_reports_what_changed(write_corpus, tmp_path):
    corpus = write_corpus({"a.md": article(1), "b.md": article(2)})
    store = str(tmp_path / "store")
    run = kg("load", "--store", store, str(corpus))
    assert run.returncode == 0, run.stderr
    assert "added    a.md" in run.stdout and "added    b.md" in run.stdout
    assert "sources 2 added, 0 updated, 0 removed, 0 unchanged; corpus graph added; triples 0 -> " in run.stdout

    (corpus / "b.md").unlink()
    run = kg("load", "--store", store, str(corpus))
    assert run.returncode == 0, run.stderr
    assert "removed  b.md" in run.stdout
    assert "sources 0 added, 0 updated, 1 removed, 1 unchanged; corpus graph unchanged" in run.stdout
    before, after = run.stdout.split("triples ")[1].split(";")[0].split(" -> ")
    assert int(before.replace(",", "")) > int(after.replace(",", "")) > 0


def test_default_store_folder(tmp_path):
    shutil.copytree(kg_root() / "seeds", tmp_path / "seeds")
    run = kg("load", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "exports" / "store" / "CURRENT").exists()
    run = kg("query", "ASK { ?a a <https://schema.org/NewsArticle> }", cwd=tmp_path)
    assert run.stdout == "true\n"


def test_store_and_endpoint_together_is_a_usage_error(tmp_path):
    run = kg("load", "--store", str(tmp_path), "--endpoint", "http://127.0.0.1:9/store")
    assert run.returncode == 2


def kg_root():
    from conftest import ROOT
    return ROOT


def test_python_api_takes_a_store_object(write_corpus, tmp_path):
    corpus = write_corpus({"a.md": article(1)})
    with store_module.EmbeddedStore(tmp_path / "store") as target:
        result = graph.load([corpus], target)
        assert result.target == str(tmp_path / "store")
        rows = list(graph.run_query("topics", target))
    assert [(r["topic"].value, int(r["articles"].value)) for r in rows] == [("AI", 1)]


def test_whole_store_conforms_to_the_shapes(write_corpus, tmp_path):
    from graph.vocabulary.validate import validate_quads

    corpus = write_corpus({"a.md": article(1), "b.md": article(2)})
    graph.load([corpus], tmp_path / "store")
    st = pyoxigraph.Store(str(tmp_path / "store"))
    try:
        quads = list(st)
    finally:
        del st
    assert any(q.graph_name.value == sync_graph_iri(DEFAULT_BASE) for q in quads)
    result = validate_quads(quads)  # data and kg's own record, as one union graph
    assert result.conforms, result.violations
