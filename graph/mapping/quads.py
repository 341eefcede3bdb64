"""Records -> RDF quads. No knowledge of output formats here.

The second pass: each file is mapped on its own, with the corpus-wide decisions
of resolve. A file's triples go into its own named graph (the provenance a store
needs to sync a changed file). Every node is described in exactly one graph,
the one resolve gave it, and its triples come out as one block, so writers can
stream them. Providers and topics, whose values are chosen across files, are
described in the corpus graph.
"""
from __future__ import annotations

from datetime import datetime

from pyoxigraph import Literal, NamedNode, Quad

from ..identity import iris
from ..records import Article, Image
from ..identity.resolve import Resolution, image_mentions
from ..terms import K, RDF_TYPE, S, SK, XSD_BOOLEAN, XSD_DATETIME, XSD_INTEGER

TRUE = Literal("true", datatype=XSD_BOOLEAN)
FALSE = Literal("false", datatype=XSD_BOOLEAN)


def map_file(index: int, art: Article, res: Resolution, base: str) -> list[Quad]:
    """The quads of file number ``index`` (in path order), each once."""
    g = NamedNode(iris.source_graph_iri(base, art.source))
    node = NamedNode(res.article_iri(art.url))
    owner = res.files[node.value] == index
    quads: list[Quad] = []
    add = quads.append
    described = [rel for i, rel in enumerate(art.related)
                 if res.stubs.get(res.article_iri(rel.url)) == (index, i)]

    # the article: values only from the file that owns it; links from every file
    if owner:
        _values(node, art, res, base, g, add)
    for label in art.topics:
        add(Quad(node, S["about"], NamedNode(iris.topic_iri(base, label)), g))
    for image in art.images:
        add(Quad(node, S["image"], NamedNode(image.url), g))
    for rel in art.related:
        add(Quad(node, S["relatedLink"], NamedNode(res.article_iri(rel.url)), g))
    add(Quad(node, K["sourceFile"], Literal(art.source), g))

    # related articles without a file of their own, where this file describes them
    for rel in described:
        target = NamedNode(res.article_iri(rel.url))
        _values(target, rel, res, base, g, add)
        for label in rel.topics:
            add(Quad(target, S["about"], NamedNode(iris.topic_iri(base, label)), g))
        for image in rel.images:
            add(Quad(target, S["image"], NamedNode(image.url), g))

    # images this file describes
    for nth, (pos, image, _logo) in enumerate(image_mentions(art)):
        if res.images.get(image.url) == (index, pos, nth):
            _image(image, g, add)
    return list(dict.fromkeys(quads))  # a file may repeat itself (the same link twice)


def _values(node, art: Article, res: Resolution, base: str, g, add) -> None:
    """The single-valued fields of an article node, from the record that wins."""
    add(Quad(node, RDF_TYPE, S["NewsArticle"], g))
    add(Quad(node, S["url"], node, g))
    for pred, value in (
        (S["headline"], art.headline), (S["abstract"], art.abstract),
        (S["articleSection"], art.section), (S["articleBody"], art.body),
    ):
        if value is not None:
            add(Quad(node, pred, Literal(value), g))
    if art.published is not None:
        add(Quad(node, S["datePublished"], _date(art.published), g))
    if art.provider is not None:
        add(Quad(node, S["publisher"], NamedNode(iris.provider_iri(base, art.provider.domain)), g))
    for pred, value in ((K["quality"], art.quality), (K["heat"], art.heat)):
        if value is not None:
            add(Quad(node, pred, Literal(str(value), datatype=XSD_INTEGER), g))
    if art.is_published is not None:
        add(Quad(node, K["published"], TRUE if art.is_published else FALSE, g))
    # URL forms are all kept: they are how other data sets refer to the article.
    for variant in (art.url, art.amp_url, art.cdn_amp_url):
        if variant and variant != node.value and variant != art.original_url:
            pred = K["cdnAmpUrl"] if ".cdn.ampproject.org/" in variant else K["ampUrl"]
            add(Quad(node, pred, NamedNode(variant), g))
    for pred, value in ((K["originalUrl"], art.original_url), (K["featuredContent"], art.featured)):
        if value is not None:
            add(Quad(node, pred, NamedNode(value), g))


def _image(image: Image, g, add) -> None:
    node = NamedNode(image.url)
    add(Quad(node, RDF_TYPE, S["ImageObject"], g))
    add(Quad(node, S["contentUrl"], node, g))
    for pred, value in ((S["width"], image.width), (S["height"], image.height)):
        if value is not None:
            add(Quad(node, pred, Literal(str(value), datatype=XSD_INTEGER), g))
    if image.caption is not None:
        add(Quad(node, S["caption"], Literal(image.caption), g))
    if image.is_cached is not None:
        add(Quad(node, K["isCached"], TRUE if image.is_cached else FALSE, g))


def map_shared(res: Resolution, base: str) -> list[Quad]:
    """Providers, topics and the topic scheme, in the corpus graph."""
    g = NamedNode(iris.corpus_graph_iri(base))
    quads: list[Quad] = []
    add = quads.append
    for key, info in res.providers.items():
        node = NamedNode(iris.provider_iri(base, key))
        add(Quad(node, RDF_TYPE, S["Organization"], g))
        if info.name is not None:
            add(Quad(node, S["name"], Literal(info.name), g))
        for name in info.alternate_names:
            add(Quad(node, S["alternateName"], Literal(name), g))
        add(Quad(node, S["url"], NamedNode(iris.site_url(key)), g))
        for logo in info.logos:
            add(Quad(node, S["logo"], NamedNode(logo), g))
    if res.topics:
        scheme = NamedNode(iris.topic_scheme_iri(base))
        add(Quad(scheme, RDF_TYPE, SK["ConceptScheme"], g))
        add(Quad(scheme, SK["prefLabel"], Literal("Topics", language="en"), g))
        for key, info in res.topics.items():
            node = NamedNode(iris.topic_iri(base, key))
            add(Quad(node, RDF_TYPE, SK["Concept"], g))
            add(Quad(node, SK["prefLabel"], Literal(info.label), g))
            for label in info.alt_labels:
                add(Quad(node, SK["altLabel"], Literal(label), g))
            add(Quad(node, SK["inScheme"], scheme, g))
    return quads


def _date(value: datetime) -> Literal:
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return Literal(text + "Z", datatype=XSD_DATETIME)
