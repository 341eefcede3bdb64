"""Load a corpus into a triple store and keep it in step: `kg load` as a function.

The target is the embedded store (a folder) or a Graph Store Protocol endpoint
(graph.store.remote.RemoteStore); both are synced the same way (graph/store/sync.py):
changed graphs are replaced, graphs of vanished files dropped, unchanged ones
left alone.
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

from ..pipeline.corpus import Corpus, read_corpus
from ..identity.iris import corpus_graph_iri, source_graph_iri
from ..problems import Report
from ..progress import Progress
from ..read.files import DEFAULT_MAX_FILE_SIZE
from ..store.embedded import DEFAULT_STORE, EmbeddedStore
from ..store.sync import GraphContent, Graphs, Plan, Recorded, TargetError, encode_graph, hash_graph, plan, triples_in
from ..terms import DEFAULT_BASE


class LoadError(Exception):
    """The load failed; ``result`` (when there is one) tells what was really done."""

    def __init__(self, message: str, result: "LoadResult | None" = None):
        super().__init__(message)
        self.result = result


@dataclass
class LoadResult:
    corpus: Corpus
    target: str
    plan: Plan
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    triples_before: int = 0
    triples_after: int = 0
    seconds: float = 0.0
    error: str | None = None

    def sources(self, iris: Iterable[str]) -> list[str]:
        """Source file paths (relative) of source-graph IRIs; the corpus graph is left out."""
        prefix = source_graph_iri(self.corpus.base, "")
        return [unquote(iri[len(prefix):]) for iri in iris if iri.startswith(prefix)]

    def corpus_graph(self) -> str:
        """What happened to the corpus graph (providers, topics)."""
        iri = corpus_graph_iri(self.corpus.base)
        for state in ("added", "updated", "removed", "unchanged"):
            if iri in getattr(self.plan, state):
                return state
        return "absent"


def load(
    inputs: Iterable = ("seeds",),
    target: "str | os.PathLike | object" = DEFAULT_STORE,
    base: str = DEFAULT_BASE,
    report: Report | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Sync the graph of ``inputs`` into ``target``: a store folder, or a target object
    (graph.store.embedded.EmbeddedStore, graph.store.remote.RemoteStore). Raises LoadError when it
    fails; the store then holds what the error's result says, nothing claimed beyond."""
    started = time.perf_counter()
    owned = not hasattr(target, "apply")
    store = EmbeddedStore(target) if owned else target
    try:
        corpus = read_corpus(inputs, base, report, max_file_size, jobs, progress=progress)
        if not corpus.exported:
            raise LoadError("no article could be read; the store was not changed")
        graphs = graphs_of(corpus)
        try:
            before: dict[str, Recorded] = store.read_record(base)
        except TargetError as err:
            raise LoadError(f"{err}; the store was not changed") from None
        p = plan(graphs, before)
        applied = store.apply(base, graphs, p, before)
    finally:
        if owned:
            store.close()
    result = LoadResult(corpus, store.describe(), p, applied.written, applied.deleted,
                        triples_in(before), triples_in(applied.record),
                        time.perf_counter() - started, applied.error)
    if applied.error:
        raise LoadError(applied.error, result)
    return result


def graphs_of(corpus: Corpus) -> "CorpusGraphs":
    """Every named graph of the corpus with its hash and triple count, hashed where it is
    mapped (in the corpus's worker processes for large corpora); no content is kept."""
    graphs = CorpusGraphs(corpus)
    for name, (_, triples, digest) in corpus.files(hash_graph):
        if triples:
            graphs[name.value] = GraphContent(name.value, b"", triples, digest)
    return graphs


class CorpusGraphs(Graphs):
    """Graphs whose content is mapped again when a load writes them."""

    def __init__(self, corpus: Corpus):
        super().__init__()
        self.corpus = corpus

    def contents(self, iris: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        wanted = set(iris)
        for name, (data, _, _) in self.corpus.files(encode_graph):
            if name.value in wanted:
                yield name.value, data
