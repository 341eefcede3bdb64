"""The network view of a corpus, the networks derived from it, their statistics and pictures.

    import graph
    g = graph.to_networkx(["corpus"])                        # the network view (view.py)
    p = graph.to_networkx(["corpus"], network="providers")   # who links to whom (derived.py)

Networks by name: ``full`` (the view), ``providers``, ``topics``, and ``rdf``, the
RDF-faithful projection (graph.formats.network: one node per IRI, one edge per
IRI-valued triple) for those who want the RDF graph itself.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..formats.network import groups_to_networkx, merge_groups, term_groups
from ..pipeline.corpus import Corpus
from ..problems import Report
from ..progress import Progress
from ..terms import DEFAULT_BASE
from .derived import DERIVED, FULL, PROVIDERS, TOPICS, derive
from .source import collect, open_corpus
from .view import encode_view, view_from_pieces, view_of

RDF = "rdf"
NETWORKS = (FULL, *DERIVED, RDF)


class NetworkError(ValueError):
    """An unknown network name."""


def check_names(names: Iterable[str]) -> list[str]:
    """The network names given, each once, in order; NetworkError for an unknown one."""
    return each_once(names, NETWORKS, lambda name: NetworkError(
        f"unknown network '{name}'; known networks: {', '.join(NETWORKS)}"))


def each_once(names: Iterable[str], known: Sequence[str], refuse: Callable[[str], Exception]) -> list[str]:
    """Names (any case) among ``known``, lower-case, each once, in the order given; ``refuse(name)``
    is raised for the first that is not."""
    chosen: list[str] = []
    for name in names:
        key = name.lower()
        if key not in known:
            raise refuse(name)
        if key not in chosen:
            chosen.append(key)
    return chosen


@dataclass
class Networks:
    corpus: Corpus
    graphs: dict[str, Any] = field(default_factory=dict)  # name -> networkx graph


def networks_of(corpus: Corpus, names: Sequence[str]) -> dict[str, Any]:
    """The networks called ``names`` of a corpus read by the first pass (one second pass for all)."""
    names = check_names(names)
    encoders: dict[str, Any] = {}
    if any(name != RDF for name in names):
        encoders["view"] = encode_view
    if RDF in names:
        encoders[RDF] = term_groups
    pieces = collect(corpus, encoders)
    view = view_from_pieces(pieces["view"]) if "view" in pieces else None
    return {name: groups_to_networkx(merge_groups(pieces[RDF])) if name == RDF else derive(name, view)
            for name in names}


def read_networks(
    inputs: Iterable,
    names: Sequence[str] = (FULL,),
    *,
    report: Report | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> Networks:
    """Read the inputs and build the networks called ``names``; ``settings`` are
    graph.options.Options (base, max_file_size, jobs, explain, site_url)."""
    names = check_names(names)
    corpus = open_corpus(inputs, report=report, progress=progress, **settings)
    return Networks(corpus, networks_of(corpus, names) if corpus.exported else {})


def to_networkx(paths, *, network: str = FULL, base: str = DEFAULT_BASE, **settings: Any):
    """The network ``network`` of the corpus in ``paths`` (files or folders).

    ``full`` (default): the network view, a ``networkx.MultiDiGraph``;
    ``providers``: a weighted ``networkx.DiGraph``; ``topics``: a weighted
    ``networkx.Graph``; ``rdf``: the RDF-faithful ``MultiDiGraph``. ``settings``:
    the other graph.options.Options (max_file_size, jobs, site_url).
    """
    check_names([network])
    corpus = open_corpus(paths, base=base, **settings)
    return networks_of(corpus, [network])[network.lower()]


__all__ = ["FULL", "NETWORKS", "PROVIDERS", "RDF", "TOPICS", "NetworkError", "Networks", "check_names",
           "derive", "networks_of", "read_networks", "to_networkx", "view_of"]
