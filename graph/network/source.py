"""Where the network view meets the pipeline: the one function that reads its stream.

Everything in graph.network is built from what ``collect`` returns, so a change in
how the pipeline hands out each file's triples is made here alone.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..mapping.plain import Triple
from ..options import Options
from ..pipeline.corpus import Corpus, read_corpus
from ..problems import Report
from ..progress import Progress

Encoder = Callable[..., object]  # one graph's plain triples -> a piece (run in a worker process for large corpora)


def collect(corpus: Corpus, encoders: Mapping[str, Encoder]) -> dict[str, list]:
    """The second pass of ``corpus``: each file's triples (and the corpus graph's) encoded
    by every encoder where they are mapped; the pieces by encoder name, in path order."""
    names = tuple(encoders)
    pieces: dict[str, list] = {name: [] for name in names}
    work = functools.partial(_encode, tuple(encoders[name] for name in names))
    for mapped in corpus.graphs(work):
        for name, piece in zip(names, mapped.payload, strict=True):
            pieces[name].append(piece)
    return pieces


def _encode(encoders: tuple[Encoder, ...], _graph: str, triples: list[Triple]) -> tuple:
    return tuple(encode(triples) for encode in encoders)


def open_corpus(inputs: Iterable, *, report: Report | None = None, progress: Progress | None = None,
                **settings: Any) -> Corpus:
    """The first pass (files, records, identities), as every command runs it; ``settings``
    are graph.options.Options (base, max_file_size, jobs, explain, site_url)."""
    return read_corpus(inputs, options=Options(**settings), report=report, progress=progress)
