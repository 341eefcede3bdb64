"""Turtle, N-Triples, N-Quads and TriG.

All four stream: each source file's triples are encoded on their own, in path
order, and appended. The mapper describes every node in one block of one file,
so Turtle still groups each subject's triples.

The bytes are pyoxigraph's serializers' bytes. kg writes them itself from plain
triples (graph/mapping/triples.py), because building a pyoxigraph term for every
value costs several times what the serializer does (measured at 10,000 articles:
1.6 s to build the terms and 0.6 s to serialize them, against 0.5 s for the
text below). The rules are pyoxigraph's: the same escapes in literals, the same
grouping with ';' and ',', prefixed names, `a`, integers and booleans written
bare. Whatever this writer is not sure to write exactly as pyoxigraph would
(an IRI of the data that falls under a prefix, a datatype kg does not emit) goes
to pyoxigraph itself, so the output is always pyoxigraph's; the tests compare
the two on real, generated and hostile data.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, serialize

from .. import fields as F
from ..mapping.plain import BLANK, to_pyoxigraph
from ..mapping.plain import Triple as PlainTriple
from ..terms import PREFIXES, RDF
from . import register, streaming

# pyoxigraph's escapes in a quoted literal (oxrdf): named ones, \uXXXX for other controls.
_NAMED = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_ESCAPES = {**{chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F, 0xFFFE, 0xFFFF]},
            **_NAMED}
_TRANSLATE = str.maketrans(_ESCAPES)
_NEEDS_ESCAPE = re.compile("[\x00-\x1f\"\\\\\x7f\ufffe\uffff]")
_INTEGER = re.compile(r"[+-]?[0-9]+")

_NAMESPACES = (*PREFIXES.values(), BLANK)  # IRIs only pyoxigraph may write (and blank nodes)


def quoted(text: str) -> str:
    """A literal's lexical form between quotes, escaped as pyoxigraph escapes it."""
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_TRANSLATE)
    return f'"{text}"'


def nt_object(o: str, datatype: str | None) -> str:
    if datatype is None:
        return f"<{o}>"
    if datatype == F.STRING:
        return quoted(o)
    if datatype[0] == "@":
        return quoted(o) + datatype
    return f"{quoted(o)}^^<{datatype}>"


def encode_ntriples(triples: Sequence[PlainTriple], **_options) -> bytes:
    return "".join([f"<{s}> <{p}> {nt_object(o, dt)} .\n" for s, p, o, dt in triples]).encode("utf-8")


def encode_nquads(triples: Sequence[PlainTriple], graph: str | None = None, **_options) -> bytes:
    if graph is None:
        return encode_ntriples(triples)
    g = f" <{graph}> .\n"
    return "".join([f"<{s}> <{p}> {nt_object(o, dt)}{g}" for s, p, o, dt in triples]).encode("utf-8")


# --- Turtle and TriG -------------------------------------------------------------

def _prefixed(iri: str) -> str | None:
    """A vocabulary IRI as pyoxigraph writes it with kg's prefixes (a simple local name only)."""
    for prefix, ns in PREFIXES.items():
        local = iri[len(ns):]
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", local):
            return f"{prefix}:{local}"
    return None


_VOCAB_IRIS = [f.predicate for f in F.all_fields() if f.predicate] + [
    RDF + "type", *F.CLASSES, F.DATETIME, F.INTEGER, F.BOOLEAN, F.STRING]
_TERMS: dict[str, str] = {}
for _iri in _VOCAB_IRIS:
    _short = _prefixed(_iri)
    if _short is not None:
        _TERMS[_iri] = _short
_TERMS[RDF + "type"] = "a"  # as a predicate; rdf:type is never an object or subject here
_PREDICATES = dict(_TERMS)
_OBJECTS = {iri: short for iri, short in _TERMS.items() if iri != RDF + "type"}


def _turtle_object(o: str, datatype: str | None) -> str | None:
    """The object as pyoxigraph writes it in Turtle, or None where only pyoxigraph may decide."""
    if datatype is None:
        short = _OBJECTS.get(o)
        if short is not None:
            return short
        return None if o.startswith(_NAMESPACES) else f"<{o}>"
    if datatype == F.STRING:
        return quoted(o)
    if datatype[0] == "@":
        return quoted(o) + datatype
    if datatype == F.INTEGER:
        return o if _INTEGER.fullmatch(o) else f"{quoted(o)}^^xsd:integer"
    if datatype == F.BOOLEAN:
        return o if o in ("true", "false") else f"{quoted(o)}^^xsd:boolean"
    if datatype == F.DATETIME:
        return f"{quoted(o)}^^xsd:dateTime"
    return None


def _terse(triples: Sequence[PlainTriple], indent: str) -> str | None:
    """The triples as Turtle statements (pyoxigraph's layout), or None to let pyoxigraph write them."""
    out: list[str] = []
    subject = predicate = None
    for s, p, o, dt in triples:
        obj = _turtle_object(o, dt)
        pred = _PREDICATES.get(p)
        if obj is None or pred is None or s.startswith(_NAMESPACES):
            return None
        if s == subject:
            if p == predicate:
                out.append(f" , {obj}")
            else:
                out.append(f" ;\n{indent}\t{pred} {obj}")
        else:
            if subject is not None:
                out.append(" .\n")
            out.append(f"{indent}<{s}> {pred} {obj}")
        subject, predicate = s, p
    if subject is not None:
        out.append(" .\n")
    return "".join(out)


def _pyoxigraph_header(fmt: RdfFormat) -> bytes:
    """The prefix lines pyoxigraph puts first; each piece drops them."""
    node = NamedNode("urn:x")
    data = _serialize([Quad(node, node, node, node)] if fmt == RdfFormat.TRIG else [Triple(node, node, node)], fmt)
    return data[: data.index(b"<urn:x>")]


def _serialize(terms: list, fmt: RdfFormat) -> bytes:
    """pyoxigraph's bytes for these terms (with kg's prefixes)."""
    data = serialize(terms, format=fmt, prefixes=PREFIXES)
    assert data is not None  # serialize returns the bytes when given no output
    return data


_PIECE_TTL = _pyoxigraph_header(RdfFormat.TURTLE)
_PIECE_TRIG = _pyoxigraph_header(RdfFormat.TRIG)
# The file's own header: every prefix once, in a fixed order.
HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())).encode()


def _without_header(data: bytes, header: bytes) -> bytes:
    return data[len(header):] if data.startswith(header) else data


def encode_turtle(triples: Sequence[PlainTriple], **_options) -> bytes:
    text = _terse(triples, "")
    if text is not None:
        return text.encode("utf-8")
    data = _serialize(to_pyoxigraph(triples), RdfFormat.TURTLE)
    return _without_header(data, _PIECE_TTL)


def encode_trig(triples: Sequence[PlainTriple], graph: str | None = None, **_options) -> bytes:
    if graph is None:
        return encode_turtle(triples)
    if not triples:
        return b""
    text = _terse(triples, "\t")
    if text is not None:
        return f"<{graph}> {{\n{text}}}\n".encode()
    data = _serialize(to_pyoxigraph(triples, graph), RdfFormat.TRIG)
    return _without_header(data, _PIECE_TRIG)


register(streaming("ttl", ("turtle",), "graph.ttl", "text/turtle", encode_turtle, HEADER))
register(streaming("nt", ("ntriples", "n-triples"), "graph.nt", "application/n-triples", encode_ntriples))
register(streaming("nq", ("nquads", "n-quads"), "graph.nq", "application/n-quads", encode_nquads))
register(streaming("trig", (), "graph.trig", "application/trig", encode_trig, HEADER))
