"""Load a corpus into a triple store and keep it in step: `kg load` as a function.

The target is the embedded store (a folder) or a Graph Store Protocol endpoint
(graph.store.remote.RemoteStore); both are synced the same way (graph/store/sync.py):
changed graphs are replaced, graphs of vanished files dropped, unchanged ones
left alone.

Each file is mapped at most once. The store's record says, for every graph it
holds, the input key it was made from (the file's bytes and what the resolution
decided for it); a file whose key is unchanged is not mapped at all. The graphs
that are mapped are kept as N-Triples in a temporary file until the plan is
known, then written from there: memory holds hashes, never the graphs.
"""
from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from ..identity.iris import corpus_graph_iri, source_graph_iri
from ..mapping.triples import REVISION
from ..options import DEFAULT_MAX_FILE_SIZE, Options
from ..pipeline.cache import ReadCache
from ..pipeline.corpus import Corpus, read_corpus
from ..pipeline.spool import SpoolError
from ..problems import WARNING, Problem, Report
from ..progress import Progress
from ..store.embedded import DEFAULT_STORE, EmbeddedStore
from ..store.sync import (
    GraphContent,
    Graphs,
    Plan,
    Recorded,
    TargetError,
    encode_graph,
    plan,
    recorded_after,
    removed_triples,
    triples_in,
)
from ..terms import DEFAULT_BASE


class LoadError(Exception):
    """The load failed; ``result`` (when there is one) tells what was really done."""

    def __init__(self, message: str, result: LoadResult | None = None):
        super().__init__(message)
        self.result = result


@dataclass
class LoadResult:
    corpus: Corpus = field(repr=False)
    target: str
    plan: Plan
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    triples_before: int = 0
    triples_after: int = 0
    seconds: float = 0.0
    error: str | None = None
    mapped: int = 0  # files mapped (the others were unchanged since the last load)
    dry_run: bool = False  # the plan only: nothing was written

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
    target: str | os.PathLike | Any = DEFAULT_STORE,
    *,
    base: str = DEFAULT_BASE,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    jobs: int | None = None,
    report: Report | None = None,
    progress: Progress | None = None,
    site_url: str | None = None,
    dry_run: bool = False,
    cache: bool = True,
) -> LoadResult:
    """Sync the graph of ``inputs`` into ``target``: a store folder, or a target object
    (graph.open_store, graph.store.embedded.EmbeddedStore, graph.store.remote.RemoteStore).
    Raises LoadError when it fails; the store then holds what the error's result says,
    nothing claimed beyond; OptionsError for a bad option.

    ``dry_run``: map and plan as a load would, write nothing, and return the plan (with
    the triple count the store would hold after it). A plan that drops more than half
    of the store's triples is reported as a warning, before anything is written.
    ``cache``: files read the same way by this target's last load are not parsed again
    (graph/pipeline/cache.py); False parses every file."""
    started = time.perf_counter()
    options = Options(base=base, max_file_size=max_file_size, jobs=jobs, site_url=site_url)
    owned = not hasattr(target, "apply")
    store: Any = EmbeddedStore(target) if owned else target  # EmbeddedStore, RemoteStore or alike
    graphs: MappedGraphs | None = None
    reads = _read_cache(store, options) if cache else None
    try:
        try:
            corpus = read_corpus(inputs, options=options, report=report, progress=progress, cache=reads)
        except SpoolError as err:
            raise LoadError(f"{err.strerror}; the store was not changed") from None
        if not corpus.exported:
            raise LoadError("no article could be read; the store was not changed")
        try:
            before: dict[str, Recorded] = store.read_record(base)
        except TargetError as err:
            raise LoadError(f"{err}; the store was not changed") from None
        try:
            graphs = MappedGraphs.of(corpus, before)
        except SpoolError as err:
            raise LoadError(f"{err.strerror}; the store was not changed") from None
        p = plan(graphs, before)
        _warn_if_most_removed(report, store.describe(), p, before, dry_run)
        if dry_run:
            after = triples_in(recorded_after(graphs, before, p, p.writes, p.removed))
            return LoadResult(corpus, store.describe(), p, [], [], triples_in(before), after,
                              time.perf_counter() - started, None, graphs.mapped, dry_run=True)
        applied = store.apply(base, graphs, p, before)
        if reads is not None and not applied.error:
            reads.keep()
    finally:
        if reads is not None:
            reads.close()  # what was not kept is discarded
        if graphs is not None:
            graphs.close()
        if owned:
            store.close()
    result = LoadResult(corpus, store.describe(), p, applied.written, applied.deleted,
                        triples_in(before), triples_in(applied.record),
                        time.perf_counter() - started, applied.error, graphs.mapped)
    if applied.error:
        raise LoadError(applied.error, result)
    return result


def _read_cache(store: Any, options: Options) -> ReadCache:
    """The read cache of this target: a store folder by its real path, a server by its URL."""
    where = getattr(store, "path", None)
    target = os.path.realpath(where) if where is not None else store.describe()
    return ReadCache(target, base=options.base, max_file_size=options.max_file_size, revision=REVISION)


def _warn_if_most_removed(report: Report | None, target: str, p: Plan, before: dict[str, Recorded],
                          dry_run: bool) -> None:
    """A load makes the store hold exactly the graph of its inputs: loading one file into
    a store of a thousand drops the rest. Say so plainly when that is most of the store."""
    held = triples_in(before)
    gone = removed_triples(p, before)
    if report is None or not held or 2 * gone <= held:
        return
    removes, then = ("would remove", "would then hold") if dry_run else ("removes", "then holds")
    report.add(Problem(target, None, WARNING,
                       f"this load {removes} {gone:,} of the {held:,} triples the store holds "
                       f"({len(p.removed):,} of {len(before):,} graphs: sources not among the inputs); "
                       f"the store {then} exactly the graph of the inputs"
                       + ("" if dry_run else " (--dry-run shows the plan without writing)")))


class MappedGraphs(Graphs):
    """Every named graph of a corpus with its hash, triple count and input key; the
    N-Triples of the graphs that were mapped wait in a temporary file."""

    def __init__(self) -> None:
        super().__init__()
        self._file = tempfile.TemporaryFile(prefix="kg-graphs-")
        self._where: dict[str, tuple[int, int]] = {}  # IRI -> (offset, length) in the file
        self._end = 0
        self.mapped = 0

    @classmethod
    def of(cls, corpus: Corpus, before: dict[str, Recorded]) -> MappedGraphs:
        """Map (in the corpus's workers) the graphs whose input changed since ``before``."""
        graphs = cls()

        def unchanged(graph: str, key: str) -> bool:
            rec = before.get(graph)
            return rec is not None and rec.hash is not None and rec.key == key

        try:
            for mapped in corpus.graphs(encode_graph, skip=unchanged):
                if mapped.payload is None:  # not mapped: as the record says
                    rec = before[mapped.graph]
                    graphs[mapped.graph] = GraphContent(mapped.graph, b"", rec.triples, rec.hash or "", mapped.key)
                    continue
                data, triples, digest = mapped.payload
                if not triples:
                    continue
                graphs.mapped += mapped.source is not None
                graphs._keep(mapped.graph, data)
                graphs[mapped.graph] = GraphContent(mapped.graph, b"", triples, digest, mapped.key)
            graphs._file.flush()
        except OSError as err:
            graphs.close()
            raise SpoolError(err.errno, f"cannot write the graphs' temporary file in {tempfile.gettempdir()} "
                                        f"({err.strerror}); set TMPDIR to a folder with room") from None
        return graphs

    def _keep(self, iri: str, data: bytes) -> None:
        self._file.write(data)
        self._where[iri] = (self._end, len(data))
        self._end += len(data)

    def contents(self, iris: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """(IRI, N-Triples) of these graphs, which must be among those mapped, in the order
        they were mapped (path order, the corpus graph last)."""
        wanted = set(iris)
        missing = wanted - self._where.keys()
        if missing:
            raise KeyError(f"graphs that were not mapped: {', '.join(sorted(missing))}")
        for iri, (offset, length) in self._where.items():
            if iri in wanted:
                yield iri, os.pread(self._file.fileno(), length, offset)

    def close(self) -> None:
        self._file.close()
