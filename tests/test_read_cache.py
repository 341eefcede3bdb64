"""kg load's read cache: a file read the same way by the target's last load is not parsed
again, and the store ends exactly as without the cache."""
from __future__ import annotations

import os
import sqlite3

import pytest
from conftest import kg
from test_store import article, dump

import graph
from graph.pipeline import cache as cache_module
from graph.read.files import Source


@pytest.fixture
def corpus(write_corpus):
    files = {f"{n}.md": article(n, topic=f"T{n % 3}") for n in range(12)}
    files["warned.md"] = article(99).replace("---\n", "---\nquality: high\n", 1)  # a warning each time it is read
    return write_corpus(files)


def parsed_files(monkeypatch) -> list[str]:
    """The files the next load really parses (jobs=1: parsed in this process)."""
    seen: list[str] = []
    real = graph.pipeline.corpus._parse

    def parse(source, max_file_size, raw=None):
        seen.append(source.rel)
        return real(source, max_file_size, raw)

    monkeypatch.setattr(graph.pipeline.corpus, "_parse", parse)
    return seen


def test_a_sync_parses_only_what_changed_and_ends_as_without_the_cache(corpus, tmp_path, monkeypatch):
    store, plain = tmp_path / "store", tmp_path / "plain"
    first = graph.load([corpus], store, jobs=1)
    assert first.corpus.cached == 0

    (corpus / "3.md").write_text(article(3, title="A new headline"), encoding="utf-8")
    (corpus / "new.md").write_text(article(50), encoding="utf-8")
    seen = parsed_files(monkeypatch)
    synced = graph.load([corpus], store, jobs=1)
    assert sorted(seen) == ["3.md", "new.md"] and synced.corpus.cached == 12
    assert synced.plan.updated and len(synced.plan.added) == 1

    graph.load([corpus], plain, jobs=1, cache=False)
    assert dump(store) == dump(plain)  # the same quads, the record included


def test_a_cached_file_reports_its_problems_again(corpus, tmp_path):
    store = tmp_path / "store"
    for run in range(2):
        done = kg("load", "--store", store, corpus)
        assert done.returncode == 0, done.stderr
        assert "warned.md:2: warning: quality 'high' is not a whole number" in done.stderr, (run, done.stderr)


def test_no_cache_parses_every_file_and_a_dry_run_keeps_the_cache(corpus, tmp_path, monkeypatch):
    store = tmp_path / "store"
    graph.load([corpus], store, jobs=1)
    cache = cache_module.ReadCache(os.path.realpath(store), base=graph.DEFAULT_BASE,
                                   max_file_size=graph.options.DEFAULT_MAX_FILE_SIZE, revision=graph.mapping.triples.REVISION)
    written = cache.path.stat().st_mtime_ns
    seen = parsed_files(monkeypatch)
    assert graph.load([corpus], store, jobs=1, cache=False).corpus.cached == 0 and len(seen) == 13
    (corpus / "0.md").unlink()
    assert graph.load([corpus], store, jobs=1, dry_run=True).corpus.cached == 12
    assert cache.path.stat().st_mtime_ns == written  # neither wrote it


def test_a_damaged_cache_is_passed_over(corpus, tmp_path):
    store = tmp_path / "store"
    graph.load([corpus], store, jobs=1)
    [path] = [p for p in cache_module.cache_folder().iterdir()
              if p.name == cache_module.ReadCache(os.path.realpath(store), base=graph.DEFAULT_BASE,
                                                  max_file_size=graph.options.DEFAULT_MAX_FILE_SIZE,
                                                  revision=graph.mapping.triples.REVISION).path.name]
    path.write_bytes(b"not an SQLite file at all" * 100)
    done = kg("load", "--store", store, corpus)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert graph.load([corpus], store, jobs=1).corpus.cached == 13  # written anew by the load before

    with sqlite3.connect(path) as db:  # an entry that is not a first-pass result
        db.execute("UPDATE reads SET result = ?", (b"\x80\x05garbage",))
    assert graph.load([corpus], store, jobs=1).corpus.cached == 0


def test_a_cache_folder_others_may_write_is_not_used(corpus, tmp_path, monkeypatch):
    shared = tmp_path / "shared-cache"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setenv("KG_CACHE_DIR", str(shared))
    store = tmp_path / "store"
    graph.load([corpus], store, jobs=1)
    assert graph.load([corpus], store, jobs=1).corpus.cached == 0
    assert list(shared.iterdir()) == []


def test_the_key_holds_everything_reading_depends_on(tmp_path):
    def key(revision=3, base="https://a.example/", size=100, rel="a.md", site=None, raw=b"---\n---\n"):
        c = cache_module.ReadCache("t", base=base, max_file_size=size, revision=revision, folder=tmp_path)
        return c.key(Source(str(tmp_path / rel), rel, site), raw)

    same = key()
    assert key() == same
    for other in (key(revision=4), key(base="https://b.example/"), key(size=101), key(rel="b.md"),
                  key(site="https://site.example"), key(raw=b"---\ntitle: x\n---\n")):
        assert other != same


def test_a_killed_loads_new_cache_goes_after_an_hour(corpus, tmp_path):
    folder = cache_module.cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    old, young = folder / "reads-0123.sqlite.4242.new", folder / "reads-4567.sqlite.4343.new"
    for left in (old, young):
        left.write_bytes(b"half-written")
    os.utime(old, (1, 1))
    graph.load([corpus], tmp_path / "store", jobs=1)
    assert not old.exists() and young.exists()
    young.unlink()
