"""Plain triples: what the mapper emits and every writer reads.

A triple is ``(subject, predicate, object, datatype)``, all text: IRIs as they
are, a blank node as ``_:label`` (kg's own mapping makes none; graphs given
through the Python API may have them), and the object a literal's lexical form
when ``datatype`` is set (``fields.STRING`` for a plain string, ``"@" + tag``
for a language-tagged one) or a node when it is None. Tuples of text are cheap to
make, to compare and to send between processes, where pyoxigraph's terms cost
more to build than the mapping itself; these helpers convert where a library
wants terms.
"""
from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import BlankNode, Literal, NamedNode, Quad
from pyoxigraph import Triple as OxTriple

from .. import fields as F

Triple = tuple[str, str, str, "str | None"]
# subject -> predicate -> {(object, datatype)}: the view JSON-LD and NetworkX need
Nodes = dict[str, dict[str, set[tuple[str, "str | None"]]]]

BLANK = "_:"  # cannot begin an absolute IRI


def _node(text: str) -> NamedNode | BlankNode:
    return BlankNode(text[2:]) if text.startswith(BLANK) else NamedNode(text)


def to_pyoxigraph(triples: Iterable[Triple], graph: str | None = None) -> list:
    """Plain triples as pyoxigraph Triples (or Quads in the named graph ``graph``)."""
    g = NamedNode(graph) if graph is not None else None
    out: list = []
    for s, p, o, dt in triples:
        if dt is None:
            obj: NamedNode | BlankNode | Literal = _node(o)
        elif dt == F.STRING:
            obj = Literal(o)
        elif dt[0] == "@":
            obj = Literal(o, language=dt[1:])
        else:
            obj = Literal(o, datatype=NamedNode(dt))
        out.append(Quad(_node(s), NamedNode(p), obj, g) if g is not None else OxTriple(_node(s), NamedNode(p), obj))
    return out


def _text(term) -> str:
    return f"{BLANK}{term.value}" if isinstance(term, BlankNode) else term.value


def from_pyoxigraph(quads: Iterable[Quad | OxTriple]) -> list[Triple]:
    """pyoxigraph quads or triples as plain triples (named graphs dropped)."""
    out: list[Triple] = []
    for q in quads:
        o = q.object
        if isinstance(o, Literal):
            dt = f"@{o.language}" if o.language else o.datatype.value
            out.append((_text(q.subject), q.predicate.value, o.value, dt))
        else:
            out.append((_text(q.subject), q.predicate.value, _text(o), None))
    return out


def group_by_subject(triples: Iterable[Triple]) -> Nodes:
    """The triples node by node, each once (named graphs are not kept)."""
    nodes: Nodes = {}
    for s, p, o, dt in triples:
        props = nodes.get(s)
        if props is None:
            props = nodes[s] = {}
        objects = props.get(p)
        if objects is None:
            props[p] = {(o, dt)}
        else:
            objects.add((o, dt))
    return nodes
