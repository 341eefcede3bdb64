"""Records -> RDF quads. No knowledge of output formats here.

Each file's triples go into a named graph of its own (the provenance a store
needs to sync a changed file): its article, the related articles and images it
mentions, all with the corpus-wide values chosen by resolve. Providers and
topics, whose values are chosen across files, go into one corpus graph.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from pyoxigraph import Literal, NamedNode, Quad

from . import identify
from .records import Article
from .resolve import Resolution
from .terms import K, RDF_TYPE, S, SK, XSD_BOOLEAN, XSD_DATETIME, XSD_INTEGER


def map_corpus(articles: list[Article], res: Resolution, base: str) -> Iterator[Quad]:
    """Yield every quad of the corpus: file graphs in source order, then the corpus graph."""
    for art in sorted(articles, key=lambda a: a.source):
        yield from map_article(art, res, base)
    yield from map_shared(res, base)


def map_article(art: Article, res: Resolution, base: str) -> Iterator[Quad]:
    g = NamedNode(identify.source_graph_iri(base, art.source))
    seen_images: set[str] = set()
    node = NamedNode(res.article_iri(art.url))
    yield from _describe(node, art, res, base, g, seen_images, full=res.describes(art))
    yield Quad(node, K["sourceFile"], Literal(art.source), g)
    for rel in art.related:
        target = NamedNode(res.article_iri(rel.url))
        yield Quad(node, S["relatedLink"], target, g)
        if target.value not in res.full:  # an article with a file is described by that file
            yield from _describe(target, res.stub[target.value], res, base, g, seen_images, full=True)


def _describe(node, art: Article, res: Resolution, base: str, g, seen_images, full: bool) -> Iterator[Quad]:
    """Triples of one article node; single-valued fields only from the record that wins."""
    yield Quad(node, RDF_TYPE, S["NewsArticle"], g)
    yield Quad(node, S["url"], node, g)
    if full:
        for pred, value in (
            (S["headline"], art.headline), (S["abstract"], art.abstract),
            (S["articleSection"], art.section), (S["articleBody"], art.body),
        ):
            if value is not None:
                yield Quad(node, pred, Literal(value), g)
        if art.published is not None:
            yield Quad(node, S["datePublished"], _date(art.published), g)
        for pred, value, datatype in (
            (K["quality"], art.quality, XSD_INTEGER), (K["heat"], art.heat, XSD_INTEGER),
        ):
            if value is not None:
                yield Quad(node, pred, Literal(str(value), datatype=datatype), g)
        if art.is_published is not None:
            yield Quad(node, K["published"], Literal("true" if art.is_published else "false", datatype=XSD_BOOLEAN), g)
        if art.provider is not None:
            yield Quad(node, S["publisher"], NamedNode(identify.provider_iri(base, art.provider.domain)), g)
        for pred, value in ((K["originalUrl"], art.original_url), (K["featuredContent"], art.featured)):
            if value is not None:
                yield Quad(node, pred, NamedNode(value), g)
    # URL forms are all kept: they are how other data sets will refer to the article.
    for variant in (art.url, art.amp_url, art.cdn_amp_url):
        if variant and variant != node.value and variant != art.original_url:
            pred = K["cdnAmpUrl"] if ".cdn.ampproject.org/" in variant else K["ampUrl"]
            yield Quad(node, pred, NamedNode(variant), g)
    for label in art.topics:
        yield Quad(node, S["about"], NamedNode(identify.topic_iri(base, label)), g)
    for image in art.images:
        yield Quad(node, S["image"], NamedNode(image.url), g)
        yield from _image(image.url, res, g, seen_images)
    if full and art.provider is not None:
        for logo in art.provider.logos:
            yield from _image(logo.url, res, g, seen_images)


def _image(url: str, res: Resolution, g, seen: set[str]) -> Iterator[Quad]:
    if url in seen:
        return
    seen.add(url)
    image = res.images[url]
    node = NamedNode(url)
    yield Quad(node, RDF_TYPE, S["ImageObject"], g)
    yield Quad(node, S["contentUrl"], node, g)
    for pred, value in ((S["width"], image.width), (S["height"], image.height)):
        if value is not None:
            yield Quad(node, pred, Literal(str(value), datatype=XSD_INTEGER), g)
    if image.caption is not None:
        yield Quad(node, S["caption"], Literal(image.caption), g)
    if image.is_cached is not None:
        yield Quad(node, K["isCached"], Literal("true" if image.is_cached else "false", datatype=XSD_BOOLEAN), g)


def map_shared(res: Resolution, base: str) -> Iterator[Quad]:
    """Providers, topics and the topic scheme, in the corpus graph."""
    g = NamedNode(identify.corpus_graph_iri(base))
    for key, info in res.providers.items():
        node = NamedNode(identify.provider_iri(base, key))
        yield Quad(node, RDF_TYPE, S["Organization"], g)
        if info.name is not None:
            yield Quad(node, S["name"], Literal(info.name), g)
        for name in info.alternate_names:
            yield Quad(node, S["alternateName"], Literal(name), g)
        yield Quad(node, S["url"], NamedNode(identify.site_url(key)), g)
        for logo in info.logos:
            yield Quad(node, S["logo"], NamedNode(logo), g)
    if not res.topics:
        return
    scheme = NamedNode(identify.topic_scheme_iri(base))
    yield Quad(scheme, RDF_TYPE, SK["ConceptScheme"], g)
    yield Quad(scheme, SK["prefLabel"], Literal("Topics", language="en"), g)
    for key, info in res.topics.items():
        node = NamedNode(identify.topic_iri(base, key))
        yield Quad(node, RDF_TYPE, SK["Concept"], g)
        yield Quad(node, SK["prefLabel"], Literal(info.label), g)
        for label in info.alt_labels:
            yield Quad(node, SK["altLabel"], Literal(label), g)
        yield Quad(node, SK["inScheme"], scheme, g)


def _date(value: datetime) -> Literal:
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return Literal(text + "Z", datatype=XSD_DATETIME)
