"""Generate vocab/README.md, the human reference of the vocabulary, from kg.ttl and shapes.ttl.

The reference is never edited by hand: ``kg vocab-doc -o vocab/README.md``
rewrites it, and a test fails when the committed file differs from what this
module renders.
"""
from __future__ import annotations

from rdflib import OWL, RDF, RDFS, SH, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, Namespace

from ..terms import KG
from . import CONTEXT, ONTOLOGY, ONTOLOGY_IRI, REFERENCE, SHAPES, ontology, project_terms, shapes

VANN = Namespace("http://purl.org/vocab/vann/")

KINDS = {
    OWL.DatatypeProperty: "datatype property",
    OWL.ObjectProperty: "object property",
    OWL.AnnotationProperty: "annotation property",
    RDF.Property: "property",
    OWL.Class: "class",
    RDFS.Class: "class",
}


def render(onto: Graph | None = None, shapes_graph: Graph | None = None) -> str:
    """The Markdown reference; deterministic for the same two graphs."""
    onto = ontology() if onto is None else onto
    sg = shapes() if shapes_graph is None else shapes_graph
    out: list[str] = []
    out += _header(onto)
    out += _terms(onto)
    out += _nodes(sg, onto)
    return "\n".join(out).rstrip("\n") + "\n"


def _text(g: Graph, s, p) -> str:
    """One value, the English one if there are several (sorted, for determinism)."""
    values = sorted(g.objects(s, p), key=lambda v: (getattr(v, "language", None) not in (None, "en"), str(v)))
    return " ".join(str(values[0]).split()) if values else ""


def _name(g: Graph, term) -> str:
    """A term as `prefix:local`, or <IRI> for a web page."""
    if isinstance(term, URIRef):
        try:
            prefix, _, local = g.namespace_manager.compute_qname(term, generate=False)
            return f"`{prefix}:{local}`"
        except (KeyError, ValueError):
            return f"<{term}>"
    return f"`{term}`"


def _names(g: Graph, s, p) -> str:
    return ", ".join(_name(g, o) for o in sorted(g.objects(s, p), key=str))


def _header(g: Graph) -> list[str]:
    onto = URIRef(ONTOLOGY_IRI)
    prefix = _text(g, onto, VANN.preferredNamespacePrefix) or "kg"
    rows = [
        ("Namespace", f"`{KG}` (prefix `{prefix}:`)"),
        ("Ontology", f"`{onto}`"),
        ("Version", f"{_text(g, onto, OWL.versionInfo)} (`{_text(g, onto, OWL.versionIRI)}`)"),
        ("Creator", _text(g, onto, DCTERMS.creator)),
        ("License", f"<{_text(g, onto, DCTERMS.license)}>"),
    ]
    lines = [
        f"<!-- Generated from {ONTOLOGY} and {SHAPES} by `kg vocab-doc -o vocab/{REFERENCE}`: do not edit. -->",
        "",
        f"# {_text(g, onto, DCTERMS.title)}",
        "",
        _text(g, onto, DCTERMS.description),
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in rows),
        "",
        "## Files",
        "",
        f"- `{ONTOLOGY}`: the ontology (OWL): every project term with its label, comment, domain, range "
        "and alignment to existing vocabularies.",
        f"- `{SHAPES}`: SHACL shapes of every kind of node kg emits; `kg validate` and "
        "`kg export --validate` check graphs against them.",
        f"- `{CONTEXT}`: the JSON-LD context of the JSON-LD export.",
        f"- `{REFERENCE}`: this reference.",
        "",
        "Everything kg emits is either a term of rdf, rdfs, owl, xsd, schema.org, SKOS or PROV, "
        "or a project term declared here.",
        "",
    ]
    return lines


def _terms(g: Graph) -> list[str]:
    terms = project_terms(g)
    lines = ["## Project terms", "", "| term | kind | domain | range | label |", "|---|---|---|---|---|"]
    for t in terms:
        lines.append(f"| [{_name(g, t)}](#{_anchor(g, t)}) | {_kind(g, t)} | {_names(g, t, RDFS.domain)} | "
                     f"{_names(g, t, RDFS.range)} | {_text(g, t, RDFS.label)} |")
    lines.append("")
    for t in terms:
        heading = f"### {_name(g, t).strip('`')}"
        lines += [heading, "", f"**{_text(g, t, RDFS.label)}**: {_text(g, t, RDFS.comment)}", ""]
        facts = [
            ("IRI", f"`{t}`"),
            ("Kind", _kind(g, t)),
            ("Domain", _names(g, t, RDFS.domain)),
            ("Range", _names(g, t, RDFS.range)),
            ("Subproperty of", _names(g, t, RDFS.subPropertyOf)),
            ("Subclass of", _names(g, t, RDFS.subClassOf)),
            ("Equivalent to", ", ".join(filter(None, (_names(g, t, OWL.equivalentProperty),
                                                     _names(g, t, OWL.equivalentClass))))),
            ("See also", _names(g, t, RDFS.seeAlso)),
            ("Alignment note", _text(g, t, SKOS.editorialNote)),
        ]
        lines += [f"- {k}: {v}" for k, v in facts if v]
        lines.append("")
    return lines


def _kind(g: Graph, t) -> str:
    return ", ".join(sorted({KINDS[k] for k in g.objects(t, RDF.type) if isinstance(k, URIRef) and k in KINDS})) \
        or "term"


def _anchor(g: Graph, t) -> str:
    # GitHub's heading anchors: lower-case, punctuation dropped.
    return "".join(ch for ch in _name(g, t).strip("`").lower() if ch.isalnum() or ch in "-_")


def _order(g: Graph, s) -> tuple:
    order = g.value(s, SH.order)
    return (float(order) if isinstance(order, Literal) else float("inf"), str(s))


def _nodes(sg: Graph, onto: Graph) -> list[str]:
    lines = [
        "## Nodes kg emits",
        "",
        "Generated from the SHACL shapes: for each kind of node, every property it may have "
        "(node shapes are closed: no others, besides `rdf:type`), its values and how many.",
        "",
    ]
    node_shapes = sorted((s for s in sg.subjects(RDF.type, SH.NodeShape) if sg.value(s, SH.targetClass)),
                         key=lambda s: _order(sg, s))
    for shape in node_shapes:
        targets = sorted(sg.objects(shape, SH.targetClass), key=str)
        target = targets[0]  # every property shape of the node shape targets all its classes
        classes = ", ".join(_name(sg, t) for t in targets)
        lines += [f"### {_text(sg, shape, RDFS.label)} ({classes})", "", _text(sg, shape, RDFS.comment), ""]
        lines += ["| property | values | how many |", "|---|---|---|"]
        props = sorted((p for p in sg.subjects(SH.targetClass, target) if (p, RDF.type, SH.PropertyShape) in sg),
                       key=lambda p: _order(sg, p))
        for p in props:
            path = sg.value(p, SH.path)
            lines.append(f"| {_name(sg, path)} | {_values(sg, onto, p, path)} | {_count(sg, p)} |")
        lines.append("")
    return lines


def _values(sg: Graph, onto: Graph, p, path) -> str:
    parts = []
    for dt in sorted(sg.objects(p, SH.datatype), key=str):
        parts.append(_name(sg, dt))
    for cls in sorted(sg.objects(p, SH["class"]), key=str):
        parts.append(f"a {_name(sg, cls)}")
    for node in sorted(sg.objects(p, SH.node), key=str):
        parts.append(_text(sg, node, RDFS.label))
    if not parts and sg.value(p, SH.nodeKind) == SH.IRI:
        parts.append("an IRI")
    for low in sg.objects(p, SH.minInclusive):
        parts.append(f">= {low}")
    for c in sorted(sg.objects(p, SH.sparql), key=str):
        parts.append(_text(sg, c, RDFS.label))
    if not parts and str(path).startswith(KG):
        # Project terms: the term shapes check the ontology's range wherever the term is used.
        rng = onto.value(path, RDFS.range)
        parts.append("an IRI" if rng == RDFS.Resource else _name(onto, rng))
    return ", ".join(parts)


def _count(sg: Graph, p) -> str:
    low = int(sg.value(p, SH.minCount) or 0)
    high = sg.value(p, SH.maxCount)
    if high is None:
        return "any" if low == 0 else f"at least {low}"
    high = int(high)
    if low == high:
        return f"exactly {low}"
    return f"at most {high}" if low == 0 else f"{low} to {high}"
