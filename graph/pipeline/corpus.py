"""Read a corpus in two passes: files -> records -> identities, then records -> triples.

This is the one pipeline every command uses (export, validate, load, stats).
The first pass (read_corpus) parses every file once, keeps in memory only what
identity resolution needs (identity.resolve.Facts), and spools each full record
to a temporary file; the second (Corpus.graphs) maps each spooled record with
what the resolution decided for it, and encodes its triples for the command.
Both are per-file functions run by an executor (graph/pipeline/workers.py), in
worker processes when the corpus is large.
"""
from __future__ import annotations

import functools
import hashlib
import pickle
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pyoxigraph import Quad

from ..identity.iris import corpus_graph_iri, source_graph_iri
from ..identity.resolve import Decisions, Facts, RecordFacts, Resolution, Resolver, facts_of, record_facts_of
from ..mapping.plain import Triple, to_pyoxigraph
from ..mapping.triples import REVISION, map_file, map_record, map_shared
from ..options import DEFAULT_MAX_FILE_SIZE, Options
from ..problems import ERROR, Problem, Report
from ..progress import NoProgress, Progress
from ..read.build import to_record
from ..read.files import ItemSource, NotAnItem, ReadError, Source, read_bytes, read_document
from ..read.inputs import gather
from ..read.sitedata import is_site_record, to_site_record
from ..records import Article, Parsed, SiteRecord
from ..version import __version__
from .cache import ReadCache
from .spool import Spool
from .workers import executor_for


class FileRead(NamedTuple):
    """The first pass's result for one file."""

    problems: list[Problem]
    unmapped: set[str]
    facts: Facts | RecordFacts | None  # None: the file gave no article or record (an error says why)
    blob: bytes          # the record and the file's digest, pickled for the second pass
    passed: str | None = None  # why the file holds no item at all (no front matter, ...): not an error
    key: bytes | None = None   # its key in the read cache (kg load), when there is one
    cached: bool = False       # taken from the read cache, not parsed


class Mapped(NamedTuple):
    """The second pass's result for one named graph."""

    graph: str            # its IRI
    source: str | None    # the source file's path, relative to its input; None for the corpus graph
    key: str | None       # what the graph was made from (input_key), when the caller asked
    triples: int | None   # how many triples; None when the graph was not mapped (``skip``)
    payload: Any          # what ``encode`` made of its triples; None when not mapped


# (named graph, its triples) -> what a command keeps of them (bytes of a format, a hash, ...)
Encoder = Callable[[str, list[Triple]], Any]
# (named graph, input key) -> True when the graph need not be mapped (kg load: unchanged)
Skip = Callable[[str, str], bool]


def parse_source(source: Source, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> Parsed:
    """One file to its record; file-level problems become an error and no article."""
    return _parse(source, max_file_size)[0]


def _parse(source: Source, max_file_size: int, raw: bytes | None = None) -> tuple[Parsed, bytes]:
    """The record and the digest of the file's bytes (``raw``: the bytes, already read)."""
    try:
        doc, digest = read_document(source, max_file_size, raw)
    except NotAnItem as why:
        return Parsed(None, [], set(), passed=str(why)), b""
    except ReadError as err:
        return Parsed(None, [Problem(str(source.path), err.line, ERROR, f"{err}; file skipped", err.column)],
                      set()), b""
    return (to_site_record(doc) if is_site_record(doc) else to_record(doc)), digest


def input_key(digest: bytes, decided: Decisions, rel: str, base: str) -> str:
    """What a file's graph is made from: the file's bytes, where it is, and what the
    resolution decided for it. The same key always maps to the same graph (kg load
    maps a file again only when its key changed)."""
    h = hashlib.sha256(f"kg {__version__} mapping {REVISION}\0{base}\0{rel}\0".encode())
    h.update(digest)
    h.update(repr((decided.node, decided.owner, decided.related, sorted(decided.described),
                   sorted(decided.images))).encode())
    return h.hexdigest()


@dataclass
class Corpus:
    sources: list[Source]
    resolution: Resolution
    options: Options = field(default_factory=Options)
    unmapped: Counter = field(default_factory=Counter)  # field name -> number of files
    skipped: list[Source] = field(default_factory=list)  # files that gave no article
    passed: list[tuple[str, str]] = field(default_factory=list)  # (path, why): files that hold no item
    repeated: list[tuple[str, str]] = field(default_factory=list)  # (where, which): JSON API items met before
    files: int = 0          # files found (a JSON API page is one, however many items it holds)
    records: int = 0        # site data records read
    cached: int = 0         # files whose first pass came from the read cache (kg load)
    progress: Progress = field(default_factory=NoProgress)
    spool: Spool = field(default_factory=Spool)

    @property
    def base(self) -> str:
        return self.options.base

    @property
    def exported(self) -> int:
        """Files that gave an article."""
        return len(self.spool)

    def record(self, index: int) -> tuple[bytes, Article | SiteRecord]:
        """The digest of file number ``index`` and its record (an article, or a site data record)."""
        return pickle.loads(self.spool.read(index))

    def graphs(self, encode: Encoder, skip: Skip | None = None) -> Iterator[Mapped]:
        """The second pass: each file's named graph in path order, then the corpus graph.

        ``encode`` runs where each graph is mapped (a worker process for large
        corpora) and what it returns is the result's payload. With ``skip``, each
        file's input key is computed first, and a graph it says to skip is not
        mapped at all."""
        work = functools.partial(_map_one, self, encode, skip)
        indices = list(self.spool.indices)
        self.progress.start("writing", len(indices))
        for mapped in executor_for(self.options.jobs, len(indices)).map(work, indices):
            self.progress.advance()
            yield mapped
        self.progress.finish()
        graph = corpus_graph_iri(self.base)
        triples = map_shared(self.resolution, self.base)
        yield Mapped(graph, None, None, len(triples), encode(graph, triples))

    def triples(self) -> Iterator[Triple]:
        """Every triple of the corpus (the union of its graphs), as plain triples."""
        for mapped in self.graphs(_keep):
            yield from mapped.payload

    def quads(self) -> Iterator[Quad]:
        """Every quad, in its named graph, as pyoxigraph terms (for the Python API)."""
        for mapped in self.graphs(_keep):
            yield from to_pyoxigraph(mapped.payload, mapped.graph)

    def counts(self) -> dict:
        """What the graph holds: nodes by kind, and merges by kind."""
        res = self.resolution
        return {
            "files": self.files,
            "exported": self.exported,
            "skipped": len(self.skipped),
            "not_items": len(self.passed),
            "records": self.records,
            "repeated_items": len(self.repeated),
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

    def close(self) -> None:
        self.spool.close()


def read_corpus(
    inputs: Iterable,
    *,
    options: Options | None = None,
    report: Report | None = None,
    progress: Progress | None = None,
    cache: ReadCache | None = None,
    **settings: Any,
) -> Corpus:
    """The first pass: find and parse the files, resolve identities.

    ``options`` (or the same as keywords: ``base``, ``max_file_size``, ``jobs``,
    ``explain``) say how; see graph.options.Options. ``cache``: files found in it are
    not parsed, and what each file gave is put in it (graph/pipeline/cache.py)."""
    options = options if options is not None else Options(**settings)
    report = report if report is not None else Report()
    found = gather(inputs, options)
    report.extend(found.problems)
    sources = found.sources
    corpus = Corpus(sources, Resolution(), options, progress=progress or NoProgress(), passed=found.passed,
                    repeated=found.repeated, files=found.files)
    corpus.progress.start("reading", len(sources))
    resolver = Resolver([source.rel for source in sources], options.explain)
    work = functools.partial(_read_one, sources, options.max_file_size, cache)
    executor = executor_for(options.jobs, len(sources))
    for index, result in enumerate(executor.map(work, range(len(sources)))):
        corpus.progress.advance()
        if cache is not None and result.key is not None:
            cache.put(result.key, result._replace(key=None, cached=False))
            corpus.cached += result.cached
        report.extend(result.problems)
        corpus.unmapped.update(result.unmapped)
        if isinstance(result.facts, Facts):
            resolver.add(index, result.facts)
            corpus.spool.add(index, result.blob)
        elif result.facts is not None:
            resolver.add_record(index, result.facts)
            corpus.spool.add(index, result.blob)
            corpus.records += 1
        elif result.passed is not None:
            corpus.passed.append((str(sources[index]), result.passed))
        else:
            corpus.skipped.append(sources[index])
    corpus.spool.ready()  # before the second pass's workers read it
    corpus.progress.finish()
    corpus.resolution = resolver.finish()
    report.extend(corpus.resolution.problems)
    return corpus


# --- the work of one file, in a worker process or not ------------------------------------

def _read_one(sources: list[Source], max_file_size: int, cache: ReadCache | None, index: int) -> FileRead:
    """First pass: the record pickled whole for the second pass, and its facts for
    identity resolution (which is all the main process keeps); from the cache when
    the file's key is in it."""
    source = sources[index]
    if cache is None or isinstance(source, ItemSource):
        return _first_pass(source, max_file_size)
    try:
        raw = read_bytes(source, max_file_size)
    except ReadError:
        return _first_pass(source, max_file_size)  # the problem is reported as without a cache
    key = cache.key(source, raw)
    found = cache.get(key)
    if isinstance(found, FileRead):
        return found._replace(key=key, cached=True)
    return _first_pass(source, max_file_size, raw)._replace(key=key)


def _first_pass(source: Source, max_file_size: int, raw: bytes | None = None) -> FileRead:
    parsed, digest = _parse(source, max_file_size, raw)
    art = parsed.article
    if art is None:
        if parsed.record is not None:
            blob = pickle.dumps((digest, parsed.record), protocol=pickle.HIGHEST_PROTOCOL)
            return FileRead(parsed.problems, parsed.unmapped, record_facts_of(parsed.record), blob)
        return FileRead(parsed.problems, parsed.unmapped, None, b"", parsed.passed)
    blob = pickle.dumps((digest, art), protocol=pickle.HIGHEST_PROTOCOL)
    return FileRead(parsed.problems, parsed.unmapped, facts_of(art), blob)


def _map_one(corpus: Corpus, encode: Encoder, skip: Skip | None, index: int) -> Mapped:
    """Second pass: one file's graph, encoded (or skipped)."""
    digest, art = corpus.record(index)
    if isinstance(art, SiteRecord):
        decided = corpus.resolution.decide_record(index, corpus.base, art)
    else:
        decided = corpus.resolution.decide(index, art)
    graph = source_graph_iri(corpus.base, art.source)
    key = None
    if skip is not None:
        key = input_key(digest, decided, art.source, corpus.base)
        if skip(graph, key):
            return Mapped(graph, art.source, key, None, None)
    triples = map_record(art, decided) if isinstance(art, SiteRecord) else map_file(art, decided, corpus.base)
    return Mapped(graph, art.source, key, len(triples), encode(graph, triples))


def _keep(_graph: str, triples: list[Triple]) -> list[Triple]:
    return triples
