"""Namespaces and the RDF terms the mapper emits, in one place.

Terms are pyoxigraph objects: cheap to build, validated on construction (an
invalid IRI raises ValueError instead of reaching an output file), and directly
serialisable by pyoxigraph's fast writers.
"""
from __future__ import annotations

from pyoxigraph import NamedNode

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
# The project's own vocabulary, declared in vocab/kg.ttl.
KG = "https://w3id.org/kg-news/vocab#"

# Default base for minted IRIs (providers, topics, source graphs); --base overrides it.
DEFAULT_BASE = "https://example.org/kg/"

PREFIXES = {
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "schema": SCHEMA,
    "skos": SKOS,
    "prov": PROV,
    "kg": KG,
}

RDF_TYPE = NamedNode(RDF + "type")
XSD_INTEGER = NamedNode(XSD + "integer")
XSD_BOOLEAN = NamedNode(XSD + "boolean")
XSD_DATETIME = NamedNode(XSD + "dateTime")


def _ns(base: str, *names: str) -> dict[str, NamedNode]:
    return {name: NamedNode(base + name) for name in names}


S = _ns(
    SCHEMA,
    "NewsArticle", "Organization", "ImageObject",
    "url", "headline", "abstract", "datePublished", "articleSection", "articleBody",
    "publisher", "about", "image", "relatedLink", "name", "alternateName", "logo",
    "contentUrl", "width", "height", "caption",
)
SK = _ns(SKOS, "Concept", "ConceptScheme", "prefLabel", "altLabel", "inScheme")
K = _ns(
    KG,
    "quality", "heat", "published", "ampUrl", "cdnAmpUrl", "originalUrl",
    "isCached", "featuredContent", "sourceFile",
    # what `kg load` records about the graphs it wrote (graph/store/sync.py)
    "contentHash", "tripleCount", "inputHash",
)
