"""Conversion of pyoxigraph terms to rdflib terms, for the Python API."""
from __future__ import annotations

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode

from ..terms import XSD

_XSD_STRING = XSD + "string"


def to_rdflib_term(term):
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # rdflib spells a plain string without datatype
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    raise TypeError(f"not an RDF term: {term!r}")
