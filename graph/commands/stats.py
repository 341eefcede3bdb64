"""What the graph of a corpus would hold, without writing anything: `kg stats` as a function."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..options import DEFAULT_MAX_FILE_SIZE, Options
from ..pipeline.corpus import Corpus, read_corpus
from ..problems import Report
from ..terms import DEFAULT_BASE


@dataclass
class Stats:
    counts: dict                   # files, articles (with a file, only linked), providers, ..., merges by kind
    merges: list[str]              # with explain: every merged node, its inputs and why (lines of text)
    unmapped: dict[str, int]       # field name -> number of files
    corpus: Corpus = field(repr=False)


def stats(
    inputs: Iterable = ("seeds",),
    *,
    base: str = DEFAULT_BASE,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    jobs: int | None = None,
    explain: bool = False,
    report: Report | None = None,
    site_url: str | None = None,
) -> Stats:
    """Read the corpus (the first pass only: nothing is mapped or written) and count."""
    options = Options(base=base, max_file_size=max_file_size, jobs=jobs, explain=explain, site_url=site_url)
    corpus = read_corpus(inputs, options=options, report=report)
    return Stats(corpus.counts(), list(corpus.explain_merges()) if explain else [],
                 dict(sorted(corpus.unmapped.items())), corpus)
