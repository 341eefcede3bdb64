"""Read a corpus in two passes: files -> records -> identities, then records -> quads.

This is the one pipeline every command uses (export, validate, load, stats).
The first pass (read_corpus) parses every file once, keeps in memory only what
identity resolution needs, and spools each full record to a temporary file; the
second (Corpus.files) maps each spooled record with the corpus-wide decisions.
Memory so holds the identity tables, never the whole graph, and both passes run
in worker processes when the corpus is large.
"""
from __future__ import annotations

import bisect
import contextlib
import functools
import multiprocessing
import multiprocessing.pool
import os
import pickle
import signal
import tempfile
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from pyoxigraph import NamedNode, Quad

from ..identity.iris import corpus_graph_iri, source_graph_iri
from ..mapping.quads import map_file, map_shared
from ..problems import ERROR, Problem, Report
from ..progress import NoProgress, Progress
from ..read.files import DEFAULT_MAX_FILE_SIZE, ReadError, Source, discover, read_document
from ..records import Article, Parsed
from ..read.build import to_record
from ..identity.resolve import Resolution, Resolver
from ..terms import DEFAULT_BASE

# Below this many files, starting workers costs more than it saves.
PARALLEL_MIN_FILES = 256
_CHUNK = 32


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_source(source: Source, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> Parsed:
    """One file to its record; file-level problems become an error and no article."""
    try:
        doc = read_document(source, max_file_size)
    except ReadError as err:
        return Parsed(None, [Problem(str(source.path), err.line, ERROR, f"{err}; file skipped")], set())
    return to_record(doc)


@dataclass
class Corpus:
    sources: list[Source]
    resolution: Resolution
    base: str = DEFAULT_BASE
    unmapped: Counter = field(default_factory=Counter)  # field name -> number of files
    jobs: int = 1
    skipped: list[Source] = field(default_factory=list)  # files that gave no article
    progress: Progress = field(default_factory=NoProgress)
    # the records of the first pass, pickled: file index -> (offset, length) in the spool
    # (arrays of machine integers, not a dict of tuples: one entry per file for the whole run)
    spooled: array = field(default_factory=lambda: array("q"))    # indices of files with an article
    offsets: array = field(default_factory=lambda: array("q"))    # where each one's record starts
    lengths: array = field(default_factory=lambda: array("q"))
    spool: object = field(default_factory=lambda: tempfile.TemporaryFile(prefix="kg-records-", buffering=1 << 20))

    def record(self, index: int) -> Article:
        at = bisect.bisect_left(self.spooled, index)  # indices are added in order
        return pickle.loads(os.pread(self.spool.fileno(), self.lengths[at], self.offsets[at]))

    @property
    def exported(self) -> int:
        """Files that gave an article."""
        return len(self.spooled)

    def files(self, encode: Callable[[list[Quad]], object] | None = None) -> Iterator[tuple[NamedNode, object]]:
        """The second pass: (named graph, quads) per file in path order, then the corpus graph.

        With ``encode`` (a picklable function of a file's quads), each file's quads
        are encoded where they were mapped, in a worker process for large corpora,
        and what it returns takes the place of the quads.
        """
        encode = encode or _identity
        work = functools.partial(_map_one, self, encode)
        self.progress.start("writing", len(self.spooled))
        for index, payload in _run(work, self.spooled, self.jobs):
            self.progress.advance()
            yield NamedNode(source_graph_iri(self.base, self.sources[index].rel)), payload
        self.progress.finish()
        yield NamedNode(corpus_graph_iri(self.base)), encode(map_shared(self.resolution, self.base))

    def quads(self) -> Iterator[Quad]:
        for _, quads in self.files():
            yield from quads

    def counts(self) -> dict:
        """What the graph holds: nodes by kind, and merges by kind."""
        res = self.resolution
        return {
            "files": len(self.sources),
            "exported": self.exported,
            "skipped": len(self.skipped),
            "articles": len(res.files) + len(res.stubs),
            "with_file": len(res.files),
            "without_file": len(res.stubs),
            "providers": len(res.providers),
            "topics": len(res.topics),
            "images": len(res.images),
            "merges": dict(sorted(res.merges.items())),
        }

    def explain_merges(self) -> Iterator[str]:
        """Per merged node: its kind, IRI or key, why, and what was merged (needs explain=True)."""
        for merge in self.resolution.explained:
            yield f"{merge.kind} {merge.node}: {merge.reason}"
            for item in merge.inputs:
                yield f"    <- {item}"


def read_corpus(
    inputs: Iterable,
    base: str = DEFAULT_BASE,
    report: Report | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    jobs: int | None = None,
    explain: bool = False,
    progress: Progress | None = None,
) -> Corpus:
    """The first pass: find and parse the files, resolve identities.

    ``jobs``: worker processes (default: all cores). ``explain``: keep what
    explain_merges() needs (costs memory on large corpora).
    """
    report = report if report is not None else Report()
    sources, problems = discover(inputs)
    report.extend(problems)
    corpus = Corpus(sources, Resolution(), base, jobs=default_jobs() if jobs is None else jobs,
                    progress=progress or NoProgress())
    corpus.progress.start("reading", len(sources))
    resolver = Resolver([source.rel for source in sources], explain)
    work = functools.partial(_read_one, sources, max_file_size)
    spool, offset = corpus.spool, 0
    for index, (parsed, filled, blob) in _run(work, range(len(sources)), corpus.jobs):
        corpus.progress.advance()
        report.extend(parsed.problems)
        corpus.unmapped.update(parsed.unmapped)
        if parsed.article is not None:
            resolver.add(index, parsed.article, filled)
            corpus.spooled.append(index)
            corpus.offsets.append(offset)
            corpus.lengths.append(len(blob))
            spool.write(blob)
            offset += len(blob)  # counted here: tell() would flush the buffer on every call
        else:
            corpus.skipped.append(sources[index])
    spool.flush()  # before the second pass forks its workers
    corpus.progress.finish()
    corpus.resolution = resolver.finish()
    report.extend(corpus.resolution.problems)
    return corpus


# --- the work of one file, in a worker process or not ------------------------------------

def _read_one(sources: list[Source], max_file_size: int, index: int):
    """First pass: the record pickled whole for the second pass, and without its long
    texts for identity resolution (which is all the main process keeps)."""
    parsed = parse_source(sources[index], max_file_size)
    art = parsed.article
    if art is None:
        return index, (parsed, None, b"")
    blob = pickle.dumps(art, protocol=pickle.HIGHEST_PROTOCOL)
    filled = [rel.filled() for rel in art.related]
    slim = replace(art, headline=None, abstract=None, body=None,
                   related=[replace(rel, headline=None, abstract=None) for rel in art.related])
    return index, (Parsed(slim, parsed.problems, parsed.unmapped), filled, blob)


def _map_one(corpus: Corpus, encode, index: int):
    """Second pass: one file's quads, encoded."""
    quads = map_file(index, corpus.record(index), corpus.resolution, corpus.base)
    return index, encode(quads)


def _identity(quads):
    return quads


# The function a worker runs, set before the pool forks (workers inherit it, and with
# it the corpus and its identity tables, without pickling them).
_WORK: Callable | None = None


@contextlib.contextmanager
def _pool(jobs: int):
    """Forked workers that ignore Ctrl-C: it reaches the whole process group, and the
    main process stops the pool and reports it once. SIGINT is blocked while the
    workers start, so none can land before they ignore it, and none is lost: the
    main process receives it once the pool is up, inside the block that stops it."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_start)
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        raise
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        yield pool
    except BaseException:  # Ctrl-C, an error, or the caller stopped reading
        _abandon(pool)
        raise
    pool.terminate()  # every task is done: the workers are idle


def _abandon(pool) -> None:
    """Stop a pool that is still working, without Pool.terminate().

    terminate() joins the pool's task thread, which may be waiting for a queue
    lock that a worker held when it was stopped: a hang seen here about once in
    30 interrupted runs. So the workers are killed, the pool's own finaliser is
    cancelled (it would do the same join at exit) and its threads, daemons, are
    left to end with the process."""
    # First the thread that replaces dead workers, or it would start new ones (which
    # would outlive kg, holding its output open).
    handler = getattr(pool, "_worker_handler", None)
    if handler is not None:
        handler._state = multiprocessing.pool.TERMINATE
        pool._change_notifier.put(None)
        handler.join(timeout=5)
    workers = list(getattr(pool, "_pool", []))
    for worker in workers:
        if worker.exitcode is None:
            worker.kill()
    for worker in workers:
        worker.join(timeout=5)
    finaliser = getattr(pool, "_terminate", None)
    if finaliser is not None and hasattr(finaliser, "cancel"):
        finaliser.cancel()
    pool._state = multiprocessing.pool.TERMINATE  # no "unclosed pool" warning when it is collected


def _worker_start() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _call(index):
    return _WORK(index)


def _run(work: Callable, indices, jobs: int) -> Iterator:
    """Run ``work`` on each index and yield its results in the order of ``indices``
    (so the output is byte-identical to a single-process run); in worker
    processes when there are enough files to gain."""
    indices = list(indices)
    if jobs <= 1 or len(indices) < PARALLEL_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(work, indices)
        return
    global _WORK
    _WORK = work
    window = _Window(jobs * _CHUNK * 4)
    try:
        with _pool(jobs) as pool:
            try:
                for result in pool.imap(_call, window.feed(indices), chunksize=_CHUNK):
                    window.done()
                    yield result
            finally:
                window.close()  # before the pool stops: its feeding thread may be waiting
    finally:
        _WORK = None


class _Window:
    """At most ``size`` files handed to the workers and not yet taken back.

    Without it, workers faster than the main process pile their results up in
    memory, and memory grows with the corpus."""

    def __init__(self, size: int):
        self.size = size
        self._free = threading.Semaphore(size)
        self._closed = False

    def feed(self, indices) -> Iterator[int]:
        # runs in the pool's task-feeding thread: waiting here holds back only new work
        for index in indices:
            self._free.acquire()
            if self._closed:
                return
            yield index

    def done(self) -> None:
        self._free.release()

    def close(self) -> None:
        self._closed = True
        self._free.release(self.size)  # wake the feeder so the pool can shut down
