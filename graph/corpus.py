"""Read a corpus: files -> documents -> records -> resolved identities.

This is the one pipeline every command uses (export, validate, load, stats).
"""
from __future__ import annotations

import functools
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import Quad

from .mapping import map_corpus
from .problems import ERROR, Problem, Report
from .read import DEFAULT_MAX_FILE_SIZE, ReadError, Source, discover, read_document
from .records import Article, Parsed, to_record
from .resolve import Resolution, resolve
from .terms import DEFAULT_BASE


@dataclass
class Corpus:
    sources: list[Source]
    articles: list[Article]
    resolution: Resolution
    base: str = DEFAULT_BASE
    unmapped: Counter = field(default_factory=Counter)  # field name -> number of files

    def quads(self) -> Iterator[Quad]:
        return map_corpus(self.articles, self.resolution, self.base)

    def counts(self) -> dict:
        """What the graph holds: nodes by kind, and merges by kind."""
        res = self.resolution
        return {
            "files": len(self.sources),
            "articles": len(res.full) + len(res.stub),
            "with_file": len(res.full),
            "without_file": len(res.stub),
            "providers": len(res.providers),
            "topics": len(res.topics),
            "images": len(res.images),
            "merges": dict(sorted(Counter(m.kind for m in res.merges).items())),
        }

    def explain_merges(self) -> Iterator[str]:
        """One line per merged node: its kind, IRI or key, why, and what was merged."""
        for merge in self.resolution.merges:
            yield f"{merge.kind} {merge.node}: {merge.reason}"
            for item in merge.inputs:
                yield f"    <- {item}"


def parse_source(source: Source, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> Parsed:
    """One file to its record; file-level problems become an error and no article."""
    try:
        doc = read_document(source, max_file_size)
    except ReadError as err:
        return Parsed(None, [Problem(str(source.path), err.line, ERROR, f"{err}; file skipped")], set())
    return to_record(doc)


# Below this many files, starting workers costs more than it saves.
PARALLEL_MIN_FILES = 256
_CHUNK = 32


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_sources(sources: list[Source], max_file_size: int, jobs: int | None = None) -> Iterator[Parsed]:
    """Parse files in source order, in worker processes when the corpus is large enough.

    Results come back in the order of ``sources`` (imap), so the output is
    byte-identical to a single-process run.
    """
    jobs = default_jobs() if jobs is None else jobs
    parse = functools.partial(parse_source, max_file_size=max_file_size)
    if jobs <= 1 or len(sources) < PARALLEL_MIN_FILES:
        yield from map(parse, sources)
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ctx.Pool(jobs) as pool:
        yield from pool.imap(parse, sources, chunksize=_CHUNK)


def read_corpus(
    inputs: Iterable,
    base: str = DEFAULT_BASE,
    report: Report | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    jobs: int | None = None,
) -> Corpus:
    """Read, parse and resolve a corpus. ``jobs``: worker processes (default: all cores)."""
    report = report if report is not None else Report()
    sources, problems = discover(inputs)
    report.extend(problems)
    articles: list[Article] = []
    unmapped: Counter = Counter()
    for parsed in parse_sources(sources, max_file_size, jobs):
        report.extend(parsed.problems)
        unmapped.update(parsed.unmapped)
        if parsed.article is not None:
            articles.append(parsed.article)
    resolution = resolve(articles)
    report.extend(resolution.problems)
    return Corpus(sources, articles, resolution, base, unmapped)
