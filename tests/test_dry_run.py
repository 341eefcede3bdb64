"""`kg load --dry-run` prints the plan and writes nothing; a load that drops most of
the store warns before it writes."""
from __future__ import annotations

import re

import pytest
from conftest import kg
from servers import oxigraph_server, virtuoso_server
from test_store import article, dump

import graph
from graph.identity.iris import sync_graph_iri
from graph.terms import DEFAULT_BASE

WARNING = re.compile(r"^(?P<target>.+): warning: this load (would remove|removes) (?P<gone>[\d,]+) of the "
                     r"(?P<held>[\d,]+) triples the store holds", re.M)


def numbers(text: str) -> tuple[int, int]:
    """The summary line's 'triples BEFORE -> AFTER'."""
    m = re.search(r"triples ([\d,]+) -> ([\d,]+)", text)
    assert m, text
    return int(m[1].replace(",", "")), int(m[2].replace(",", ""))


def test_a_dry_run_prints_the_plan_and_leaves_the_store_alone(write_corpus, tmp_path):
    corpus = write_corpus({f"{n}.md": article(n) for n in range(6)})
    store = tmp_path / "store"
    assert kg("load", "--store", str(store), str(corpus)).returncode == 0
    before = dump(store)

    (corpus / "0.md").write_text(article(0, title="A new headline"), encoding="utf-8")
    (corpus / "5.md").unlink()
    (corpus / "9.md").write_text(article(9), encoding="utf-8")
    run = kg("load", "--store", str(store), "--dry-run", str(corpus))
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[:3] == ["added    9.md", "updated  0.md", "removed  5.md"]
    assert ("dry run, nothing written: " + str(store) +
            ": sources 1 added, 1 updated, 1 removed, 4 unchanged; corpus graph unchanged") in run.stdout
    assert dump(store) == before

    # The triples the dry run predicts are the ones the real load leaves.
    _, predicted = numbers(run.stdout)
    real = kg("load", "--store", str(store), str(corpus))
    assert real.returncode == 0, real.stderr
    assert numbers(real.stdout)[1] == predicted == len(dump(store)) - quads_of_the_record(store)
    # -q does not hide what a dry run was asked for
    quiet = kg("load", "--store", str(store), "-n", "-q", str(corpus))
    assert "sources 0 added, 0 updated, 0 removed, 6 unchanged" in quiet.stdout


def quads_of_the_record(store) -> int:
    """Quads of kg's own record (BASE/sync), which the triple counts leave out."""
    record = f"<{sync_graph_iri(DEFAULT_BASE)}>"
    found = [line for line in dump(store) if line.endswith(record)]
    assert found  # the record is there, and recognised
    return len(found)


def test_a_dry_run_of_a_new_store_creates_none(write_corpus, tmp_path):
    corpus = write_corpus({"a.md": article(1)})
    result = graph.load([corpus], tmp_path / "store", dry_run=True)
    assert result.dry_run and result.written == [] and result.triples_before == 0 < result.triples_after
    assert not (tmp_path / "store").exists()


def test_a_load_that_drops_most_of_the_store_warns_first(write_corpus, tmp_path):
    corpus = write_corpus({f"{n}.md": article(n) for n in range(10)})
    store = tmp_path / "store"
    assert kg("load", "--store", str(store), str(corpus)).returncode == 0

    one = kg("load", "--store", str(store), "--dry-run", str(corpus / "3.md"))
    m = WARNING.search(one.stderr)
    assert m and m["target"] == str(store) and "would remove" in one.stderr, one.stderr
    gone, held = int(m["gone"].replace(",", "")), int(m["held"].replace(",", ""))
    before, after = numbers(one.stdout)
    assert held == before and 2 * gone > held and after < before / 2

    # a load of about half the files does not warn; one of a single file does, and still loads
    half = kg("load", "--store", str(store), "--dry-run", *[str(corpus / f"{n}.md") for n in range(6)])
    assert half.returncode == 0 and not WARNING.search(half.stderr), half.stderr
    real = kg("load", "--store", str(store), str(corpus / "3.md"))
    assert real.returncode == 0 and "removes" in real.stderr and "--dry-run shows the plan" in real.stderr
    assert "sources 0 added, 0 updated, 9 removed, 1 unchanged" in real.stdout


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_a_dry_run_writes_nothing_to_a_server(kind, write_corpus, tmp_path):
    corpus = write_corpus({f"{n}.md": article(n) for n in range(4)})
    server_of = oxigraph_server if kind == "oxigraph" else virtuoso_server
    with server_of(tmp_path / "server") as server:
        args = ["load", "--endpoint", server.store, "--query-endpoint", server.query]
        assert kg(*args, str(corpus)).returncode == 0
        spo = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
        before = sorted(tuple(r[k] for k in "gspo") for r in server.select(spo))
        (corpus / "1.md").unlink()
        run = kg(*args, "--dry-run", str(corpus))
        assert run.returncode == 0, run.stderr
        assert "dry run, nothing written: " in run.stdout and "1 removed, 3 unchanged" in run.stdout
        assert sorted(tuple(r[k] for k in "gspo") for r in server.select(spo)) == before
