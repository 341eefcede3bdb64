"""Turtle, N-Triples, N-Quads and TriG, written by pyoxigraph's serializers.

pyoxigraph's writers are about 40x faster than rdflib's (DESIGN.md). All four
stream: each source file's quads are encoded on their own, in path order, and
appended. The mapper describes every node in one block of one file, so Turtle
still groups each subject's triples; the triple formats hold the union of the
named graphs. The same input always gives byte-identical files.
"""
from __future__ import annotations

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, serialize

from ..terms import PREFIXES
from . import register, streaming


def _pyoxigraph_header(fmt: RdfFormat) -> bytes:
    """The prefix lines pyoxigraph puts first; each piece drops them."""
    node = NamedNode("urn:x")
    data = serialize([Quad(node, node, node, node)] if fmt == RdfFormat.TRIG else [Triple(node, node, node)],
                     format=fmt, prefixes=PREFIXES)
    return data[: data.index(b"<urn:x>")]


def _without_header(data: bytes, header: bytes) -> bytes:
    return data[len(header):] if data.startswith(header) else data


_PIECE_TTL = _pyoxigraph_header(RdfFormat.TURTLE)
_PIECE_TRIG = _pyoxigraph_header(RdfFormat.TRIG)
# The file's own header: every prefix once, in a fixed order.
HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())).encode()


def encode_turtle(quads: list[Quad], **_options) -> bytes:
    data = serialize([q.triple for q in quads], format=RdfFormat.TURTLE, prefixes=PREFIXES)
    return _without_header(data, _PIECE_TTL)


def encode_ntriples(quads: list[Quad], **_options) -> bytes:
    return serialize([q.triple for q in quads], format=RdfFormat.N_TRIPLES)


def encode_nquads(quads: list[Quad], **_options) -> bytes:
    return serialize(quads, format=RdfFormat.N_QUADS)


def encode_trig(quads: list[Quad], **_options) -> bytes:
    data = serialize(quads, format=RdfFormat.TRIG, prefixes=PREFIXES)
    return _without_header(data, _PIECE_TRIG)


register(streaming("ttl", ("turtle",), "graph.ttl", "text/turtle", encode_turtle, HEADER))
register(streaming("nt", ("ntriples", "n-triples"), "graph.nt", "application/n-triples", encode_ntriples))
register(streaming("nq", ("nquads", "n-quads"), "graph.nq", "application/n-quads", encode_nquads))
register(streaming("trig", (), "graph.trig", "application/trig", encode_trig, HEADER))
