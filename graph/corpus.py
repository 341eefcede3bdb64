"""Read a corpus: files -> documents -> records -> resolved identities.

This is the one pipeline every command uses (export, validate, load, stats).
"""
from __future__ import annotations

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
    skipped: list[Source] = field(default_factory=list)  # files that gave no article

    def quads(self) -> Iterator[Quad]:
        return map_corpus(self.articles, self.resolution, self.base)

    def counts(self) -> dict[str, int]:
        res = self.resolution
        return {
            "files": len(self.sources),
            "skipped": len(self.skipped),
            "articles": len(res.full) + len(res.stub),
            "with_file": len(res.full),
            "providers": len(res.providers),
            "topics": len(res.topics),
            "images": len(res.images),
        }


def parse_source(source: Source, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> Parsed:
    """One file to its record; file-level problems become an error and no article."""
    try:
        doc = read_document(source, max_file_size)
    except ReadError as err:
        return Parsed(None, [Problem(str(source.path), err.line, ERROR, f"{err}; file skipped")], set())
    return to_record(doc)


def read_corpus(
    inputs: Iterable,
    base: str = DEFAULT_BASE,
    report: Report | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
) -> Corpus:
    report = report if report is not None else Report()
    sources, problems = discover(inputs)
    report.extend(problems)
    articles: list[Article] = []
    skipped: list[Source] = []
    unmapped: Counter = Counter()
    for source in sources:
        parsed = parse_source(source, max_file_size)
        report.extend(parsed.problems)
        unmapped.update(parsed.unmapped)
        if parsed.article is not None:
            articles.append(parsed.article)
        else:
            skipped.append(source)
    resolution = resolve(articles)
    report.extend(resolution.problems)
    return Corpus(sources, articles, resolution, base, unmapped, skipped)
