"""The two passes: per-file functions over an executor, a resolver that merges, each
file mapped once, and only what changed mapped again by kg load."""
from __future__ import annotations

import dataclasses
import os
import random
import signal
import time

import pytest

import graph
from graph.identity.resolve import Resolver
from graph.pipeline import corpus as corpus_module
from graph.pipeline import workers
from graph.pipeline.workers import InProcess, Processes, WorkerError

# --- the resolver: partial tables merge into the whole ----------------------------------

def _facts(folder):
    found = graph.read_corpus([folder], jobs=1)
    names = [s.rel for s in found.sources]
    facts = {}
    for index in found.spool.indices:
        _, art = found.record(index)
        facts[index] = corpus_module.facts_of(art)
    return names, facts


def _resolution_of(names, facts, order, explain=True):
    r = Resolver(names, explain)
    for index in order:
        r.add(index, facts[index])
    return r


def test_resolvers_of_disjoint_files_merge_into_the_whole(ai_news):
    names, facts = _facts(ai_news)
    whole = _resolution_of(names, facts, sorted(facts)).finish()
    rng = random.Random(7)
    for _ in range(5):
        indices = list(facts)
        rng.shuffle(indices)  # any split, any arrival order
        cut = rng.randrange(1, len(indices))
        first, second = _resolution_of(names, facts, indices[:cut]), _resolution_of(names, facts, indices[cut:])
        first.merge(second)
        merged = first.finish()
        for f in dataclasses.fields(whole):
            assert getattr(merged, f.name) == getattr(whole, f.name), f.name


# --- the executor --------------------------------------------------------------------------

def _slow_square(n: int) -> int:
    time.sleep(random.random() / 2000)  # workers finish out of order
    return n * n


def test_processes_yield_results_in_the_order_of_the_items():
    items = list(range(1000))
    assert list(Processes(2).map(_slow_square, items)) == [n * n for n in items]
    assert list(InProcess().map(_slow_square, items)) == [n * n for n in items]


def _fails_at_500(n: int) -> int:
    if n == 500:
        raise ValueError("bad item")
    return n


def test_an_exception_in_the_work_is_reported_with_its_traceback():
    with pytest.raises(WorkerError, match=r"(?s)a worker process failed:.*ValueError: bad item"):
        list(Processes(2).map(_fails_at_500, range(1000)))


def _dies_at_300(n: int) -> int:
    if n == 300:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


def test_a_worker_that_dies_is_noticed_at_once():
    started = time.monotonic()
    with pytest.raises(WorkerError, match="was killed by signal 9"):
        list(Processes(2).map(_dies_at_300, range(1000)))
    assert time.monotonic() - started < 30


def _pid(_n: int) -> int:
    return os.getpid()


def test_a_consumer_that_stops_early_leaves_no_worker_behind():
    results = Processes(2).map(_pid, range(10_000))
    pids = {next(results) for _ in range(5)}
    results.close()  # the consumer stops reading: the workers are stopped
    for pid in pids - {os.getpid()}:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_small_corpora_stay_in_process_and_large_ones_use_workers():
    assert isinstance(workers.executor_for(2, workers.PARALLEL_MIN_ITEMS - 1), InProcess)
    assert isinstance(workers.executor_for(2, workers.PARALLEL_MIN_ITEMS), Processes)
    assert isinstance(workers.executor_for(1, 10**6), InProcess)


# --- each file mapped once; kg load maps what changed ------------------------------------

@pytest.fixture
def counted(monkeypatch):
    """Count the files mapped (in this process: jobs=1)."""
    calls = []
    real = corpus_module.map_file

    def counting(art, decided, base):
        calls.append(art.source)
        return real(art, decided, base)

    monkeypatch.setattr(corpus_module, "map_file", counting)
    return calls


def test_export_with_validation_maps_each_file_once(ai_news, tmp_path, counted):
    result = graph.export([ai_news], ["ttl", "nt", "jsonld"], tmp_path / "out", validate=True, jobs=1)
    assert result.validation is not None and result.validation.conforms
    assert sorted(counted) == sorted(s.rel for s in result.corpus.sources)


def test_load_maps_only_the_files_whose_input_changed(ai_news, tmp_path, counted):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(ai_news.glob("*.md")):
        (corpus / path.name).write_bytes(path.read_bytes())
    store = tmp_path / "store"
    first = graph.load([corpus], store, jobs=1)
    assert first.mapped == len(counted) == first.corpus.exported == 95
    counted.clear()

    again = graph.load([corpus], store, jobs=1)
    assert again.mapped == 0 and counted == []  # nothing changed: nothing mapped
    assert not again.plan.changes

    # One file edited: that file is mapped again, and files whose links resolve
    # differently because of it (none here: its URL is the same).
    edited = sorted(corpus.glob("*.md"))[10]
    edited.write_text(edited.read_text(encoding="utf-8").replace("\ntitle:", "\ntitle: Edited -", 1), encoding="utf-8")
    third = graph.load([corpus], store, jobs=1)
    assert counted == [edited.name] and third.mapped == 1
    assert third.sources(third.plan.updated) == [edited.name]
    rows = graph.run_query(f"SELECT ?h WHERE {{ ?a <https://w3id.org/kg-news/vocab#sourceFile> \"{edited.name}\" ;"
                           f" <https://schema.org/headline> ?h }}", graph.open_store(store))
    assert [r["h"].value for r in rows][0].startswith("Edited -")


def test_input_keys_depend_on_the_file_and_on_what_was_decided_for_it(write_corpus):
    page = '---\nwebUrl: "https://a.example/{n}"\ntitle: "T{n}"\nrelated:\n  - webUrl: "{rel}"\n---\n'
    folder = write_corpus({"a.md": page.format(n=1, rel="https://a.example/2/amp"),
                           "b.md": page.format(n=3, rel="https://a.example/9")})

    def keys():
        found = graph.read_corpus([folder], jobs=1)
        return {m.source: m.key for m in found.graphs(lambda g, t: None, skip=lambda g, k: False) if m.source}

    before = keys()
    assert keys() == before  # the same input, the same keys
    # a new file that is the target of a.md's related link: a.md's link now resolves to it
    (folder / "c.md").write_text('---\nwebUrl: "https://a.example/2"\ntitle: "T2"\n---\n', encoding="utf-8")
    after = keys()
    assert after["b.md"] == before["b.md"]
    assert after["a.md"] != before["a.md"]  # it no longer describes the related article: c.md does
    (folder / "c.md").write_text('---\nwebUrl: "https://a.example/2"\nampWebUrl: "https://a.example/9"\n---\n',
                                 encoding="utf-8")
    assert keys()["b.md"] != before["b.md"]  # b.md's link now points at c.md's node
