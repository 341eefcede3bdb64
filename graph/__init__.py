"""kg: a knowledge-graph exporter for news-article corpora (Markdown + YAML front matter).

Python API (the CLI is a thin layer over these):

    import graph
    result = graph.export(["seeds"], ["ttl"], "exports")
    g = graph.to_rdflib(["seeds"])        # an rdflib.Graph of the same triples
    nx_graph = graph.to_networkx(["seeds"])  # the network view, a networkx.MultiDiGraph (README)
    providers = graph.to_networkx(["seeds"], network="providers")  # who links to whom, weighted
    graph.load(["seeds"], "exports/store")  # sync into the embedded store (graph.LoadResult)
    rows = graph.run_query("topics", "exports/store")  # pyoxigraph QuerySolutions
"""
from __future__ import annotations

__version__ = "0.1.0"

from .commands.export import ExportResult, export
from .commands.load import LoadError, LoadResult, load
from .network import to_networkx
from .pipeline.corpus import Corpus, read_corpus
from .store.query import run_query
from .terms import DEFAULT_BASE, PREFIXES


def to_rdflib(paths, base: str = DEFAULT_BASE):
    """An rdflib.Graph holding exactly the triples of the Turtle export of ``paths``."""
    import rdflib

    from .formats.rdflib_terms import to_rdflib_term

    corpus = read_corpus(paths, base)
    g = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for q in corpus.quads():
        g.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object)))
    return g


__all__ = [
    "Corpus",
    "ExportResult",
    "LoadError",
    "LoadResult",
    "__version__",
    "export",
    "load",
    "read_corpus",
    "run_query",
    "to_networkx",
    "to_rdflib",
]
