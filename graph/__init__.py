"""kg: a knowledge-graph exporter for news-article corpora (Markdown + YAML front matter).

Python API (the CLI is a thin layer over these; options are keyword-only):

    import graph
    result = graph.export(["seeds"], ["ttl"], "exports")        # graph.ExportResult
    g = graph.to_rdflib(["seeds"])                              # an rdflib.Graph of the same triples
    nx_graph = graph.to_networkx(["seeds"])                     # the network view, a networkx.MultiDiGraph
    providers = graph.to_networkx(["seeds"], network="providers")  # who links to whom, weighted
    counts = graph.stats(["seeds"]).counts                      # what the graph would hold
    graph.load(["seeds"], graph.open_store("exports/store"))    # sync into the embedded store
    rows = graph.run_query("topics", graph.open_store("exports/store")).rows()  # plain dicts (or .to_dataframe())
"""
from __future__ import annotations

from .commands.export import ExportResult, export
from .commands.load import LoadError, LoadResult, load
from .commands.stats import Stats, stats
from .network import to_networkx
from .options import Options, OptionsError
from .pipeline.corpus import Corpus, read_corpus
from .store import open_store
from .store.query import run_query
from .terms import DEFAULT_BASE, PREFIXES
from .version import __version__


def to_rdflib(paths, *, base: str = DEFAULT_BASE, max_file_size: int | None = None, jobs: int | None = None):
    """An rdflib.Graph holding exactly the triples of the Turtle export of ``paths``."""
    import rdflib

    from .formats.rdflib_terms import to_rdflib_triple

    options = Options(base=base, jobs=jobs) if max_file_size is None else \
        Options(base=base, jobs=jobs, max_file_size=max_file_size)
    corpus = read_corpus(paths, options=options)
    g = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for triple in corpus.triples():
        g.add(to_rdflib_triple(triple))
    return g


__all__ = ["Corpus", "ExportResult", "LoadError", "LoadResult", "Options", "OptionsError", "Stats", "export",
           "load", "open_store", "read_corpus", "run_query", "stats", "to_networkx", "to_rdflib", "__version__"]
