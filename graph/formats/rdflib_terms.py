"""Plain triples as rdflib terms, for the Python API (graph.to_rdflib)."""
from __future__ import annotations

import rdflib

from .. import fields as F
from ..mapping.plain import BLANK, Triple


def _node(text: str) -> rdflib.term.Node:
    return rdflib.BNode(text[len(BLANK):]) if text.startswith(BLANK) else rdflib.URIRef(text)


def to_rdflib_triple(triple: Triple) -> tuple:
    s, p, o, dt = triple
    if dt is None:
        obj = _node(o)
    elif dt == F.STRING:  # rdflib spells a plain string without datatype
        obj = rdflib.Literal(o)
    elif dt[0] == "@":
        obj = rdflib.Literal(o, lang=dt[1:])
    else:
        obj = rdflib.Literal(o, datatype=rdflib.URIRef(dt))
    return _node(s), rdflib.URIRef(p), obj
