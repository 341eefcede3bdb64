"""What a load must change: the corpus's graphs, their content hashes, and the plan.

A store is kept in step with the corpus graph by graph: each named graph (one
per source file, plus the corpus graph) is written whole, and its content hash
is recorded beside it in the sync graph (``BASE/sync``). The next load compares
hashes and rewrites only what changed. Both targets (the embedded store and a
Graph Store Protocol endpoint) use this module; they differ only in how they
read the record and apply the plan.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad, QuerySolution

from ..formats.rdf import encode_ntriples
from ..identity.iris import sync_graph_iri
from ..mapping.plain import Triple
from ..terms import RDF_TYPE, XSD_INTEGER, K

# Every graph kg load wrote is listed in the sync graph as a named graph of the
# SPARQL service description vocabulary; kg:contentHash and kg:tripleCount say more.
SD_NAMED_GRAPH = NamedNode("http://www.w3.org/ns/sparql-service-description#NamedGraph")


class TargetError(Exception):
    """A store that cannot be read or written (raised by the load targets)."""


@dataclass(frozen=True)
class GraphContent:
    """One named graph: its triple count and hash (and, when kept, its N-Triples,
    sorted and without duplicates); ``key``: what it was made from (the input key of
    graph.pipeline.corpus), when known."""

    iri: str
    ntriples: bytes
    triples: int
    hash: str
    key: str | None = None


class Graphs(dict):
    """The graphs of a corpus, IRI -> GraphContent, and a way to get their content.

    This one serves N-Triples it holds; graph.loader's keeps only hashes and maps
    the corpus again for the graphs a load must write, so memory holds one graph
    at a time however large the corpus."""

    def contents(self, iris: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """(IRI, N-Triples) of these graphs."""
        for iri in sorted(set(iris)):
            yield iri, self[iri].ntriples


@dataclass(frozen=True)
class Recorded:
    """What the sync graph says about one graph kg wrote; hash None: in an unknown state.
    ``key``: the input key it was made from (a graph whose key is unchanged is not
    even mapped by the next load); None for records of older kg versions."""

    hash: str | None
    triples: int
    key: str | None = None


@dataclass
class Plan:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rekeyed: list[str] = field(default_factory=list)  # unchanged graphs whose record lacks their input key

    @property
    def writes(self) -> list[str]:
        return self.added + self.updated

    @property
    def changes(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass
class Applied:
    """What a target really did, and the record it now holds; error: why it stopped."""

    written: list[str]
    deleted: list[str]
    record: dict[str, Recorded]
    error: str | None = None


def encode_graph(_graph: str, triples: list[Triple]) -> tuple[bytes, int, str]:
    """One graph's triples as (N-Triples, triple count, hash). A module-level function:
    the corpus runs it in its worker processes, next to the mapping."""
    # One triple per line; sorting the lines makes the bytes (and so the hash)
    # independent of the order the mapper emitted them in.
    lines = sorted(set(encode_ntriples(triples).splitlines()) - {b""})
    data = b"".join(line + b"\n" for line in lines)
    return data, len(lines), hashlib.sha256(data).hexdigest()


def plan(graphs: dict[str, GraphContent], recorded: dict[str, Recorded]) -> Plan:
    result = Plan()
    for iri, graph in graphs.items():
        if iri not in recorded:
            result.added.append(iri)
        elif recorded[iri].hash != graph.hash:
            result.updated.append(iri)
        else:
            result.unchanged.append(iri)
            if graph.key is not None and recorded[iri].key != graph.key:
                result.rekeyed.append(iri)
    result.removed = sorted(set(recorded) - set(graphs))
    return result


# --- the record kept in the store --------------------------------------------

def record_quads(base: str, graphs: dict[str, Recorded]) -> list[Quad]:
    """The sync graph's content; a graph whose hash is None is listed without one."""
    g = NamedNode(sync_graph_iri(base))
    quads = []
    for iri, rec in sorted(graphs.items()):
        node = NamedNode(iri)
        quads.append(Quad(node, RDF_TYPE, SD_NAMED_GRAPH, g))
        if rec.hash is not None:
            quads.append(Quad(node, K["contentHash"], Literal(rec.hash), g))
            quads.append(Quad(node, K["tripleCount"], Literal(str(rec.triples), datatype=XSD_INTEGER), g))
            if rec.key is not None:
                quads.append(Quad(node, K["inputHash"], Literal(rec.key), g))
    return quads


def record_query(base: str) -> str:
    """A SELECT that reads the record (works with and without a union default graph)."""
    return (
        f"SELECT ?g ?hash ?n ?key WHERE {{ GRAPH <{sync_graph_iri(base)}> {{ "
        f"?g a <{SD_NAMED_GRAPH.value}> . "
        f"OPTIONAL {{ ?g <{K['contentHash'].value}> ?hash ; <{K['tripleCount'].value}> ?n "
        f"OPTIONAL {{ ?g <{K['inputHash'].value}> ?key }} }} }} }}"
    )


def parse_record(solutions: Iterable[QuerySolution]) -> dict[str, Recorded]:
    recorded = {}
    for row in solutions:
        graph, digest, count, key = row["g"], row["hash"], row["n"], row["key"]
        if not isinstance(graph, NamedNode):
            continue
        try:
            triples = int(count.value) if count is not None else 0
        except ValueError:
            triples = -1
        if triples < 0:  # not a count kg wrote: the graph's state is unknown (the next load rewrites it)
            recorded[graph.value] = Recorded(None, 0)
            continue
        recorded[graph.value] = Recorded(digest.value if digest is not None else None, triples,
                                         key.value if key is not None and digest is not None else None)
    return recorded


def recorded_after(graphs: dict[str, GraphContent], before: dict[str, Recorded], p: Plan,
                   written: Iterable[str], deleted: Iterable[str]) -> dict[str, Recorded]:
    """The record once a plan has (partly) run: unchanged graphs keep their entry,
    written graphs get their new hash, graphs that should have been written or
    deleted and were not are listed without a hash (so the next load redoes them)."""
    after = {iri: _current(graphs[iri], before[iri]) for iri in p.unchanged}
    written, deleted = set(written), set(deleted)
    for iri in p.writes:
        g = graphs[iri]
        after[iri] = Recorded(g.hash, g.triples, g.key) if iri in written else Recorded(None, 0)
    for iri in p.removed:
        if iri not in deleted:
            after[iri] = Recorded(None, 0)
    return after


def _current(graph: GraphContent, recorded: Recorded) -> Recorded:
    """The record of an unchanged graph, with its input key as it is now."""
    return Recorded(recorded.hash, recorded.triples, graph.key or recorded.key)


def triples_in(record: dict[str, Recorded]) -> int:
    return sum(r.triples for r in record.values())


def removed_triples(p: Plan, before: dict[str, Recorded]) -> int:
    """Triples a plan takes out of the store with the graphs it drops."""
    return sum(before[iri].triples for iri in p.removed if iri in before)
