"""Quads seen node by node: the view JSON-LD and NetworkX both need.

Named graphs are dropped here (JSON-LD and GraphML hold the union, like Turtle)
and each triple is kept once.
"""
from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import BlankNode, NamedNode, Quad

Subject = NamedNode | BlankNode
# subject -> predicate -> objects
Nodes = dict[Subject, dict[NamedNode, set]]


def group_by_subject(quads: Iterable[Quad]) -> Nodes:
    nodes: Nodes = {}
    for q in quads:
        subject, predicate = q.subject, q.predicate  # each access builds a new Python object
        props = nodes.get(subject)
        if props is None:
            props = nodes[subject] = {}
        objects = props.get(predicate)
        if objects is None:
            props[predicate] = {q.object}
        else:
            objects.add(q.object)
    return nodes


def node_id(term: Subject) -> str:
    """The text that names a node: its IRI, or ``_:id`` for a blank node."""
    return term.value if isinstance(term, NamedNode) else f"_:{term.value}"
