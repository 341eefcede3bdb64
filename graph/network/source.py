"""Where the network view meets the pipeline: the one function that reads its stream.

Everything in graph.network is built from what ``collect`` returns, so a change in
how the pipeline hands out each file's quads is made here alone.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping

from ..pipeline.corpus import Corpus, read_corpus
from ..problems import Report
from ..progress import Progress
from ..read.files import DEFAULT_MAX_FILE_SIZE
from ..terms import DEFAULT_BASE

Encoder = Callable[..., object]  # one file's quads -> a piece (run in a worker process for large corpora)


def collect(corpus: Corpus, encoders: Mapping[str, Encoder]) -> dict[str, list]:
    """The second pass of ``corpus``: each file's quads (and the corpus graph's) encoded
    by every encoder where they are mapped; the pieces by encoder name, in path order."""
    names = tuple(encoders)
    pieces: dict[str, list] = {name: [] for name in names}
    work = functools.partial(_encode, tuple(encoders[name] for name in names))
    for _graph, encoded in corpus.files(work):
        for name, piece in zip(names, encoded):  # type: ignore[call-overload]  # a tuple, from _encode
            pieces[name].append(piece)
    return pieces


def _encode(encoders: tuple[Encoder, ...], quads) -> tuple:
    return tuple(encode(quads) for encode in encoders)


def open_corpus(
    inputs: Iterable,
    base: str = DEFAULT_BASE,
    report: Report | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    jobs: int | None = None,
    explain: bool = False,
    progress: Progress | None = None,
) -> Corpus:
    """The first pass (files, records, identities), as every command runs it."""
    return read_corpus(inputs, base, report, max_file_size, jobs, explain, progress)
