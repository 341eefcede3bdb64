"""Records -> triples. No knowledge of output formats here.

A triple is plain data, ``(subject, predicate, object, datatype)``: IRIs as text,
the object a literal's lexical form when ``datatype`` is set (``fields.STRING`` for
a plain string, ``"@" + tag`` for a language-tagged string) and an IRI when it is
None. Building pyoxigraph or rdflib terms for every triple costs more than all of
the mapping; the writers turn plain triples into bytes directly (graph/formats/).

Each file is mapped on its own, with what the resolution decided for it
(identity.resolve.Decisions): every node is described in exactly one file's
graph, and its triples come out as one block, so writers can stream them.
Providers and topics, whose values are chosen across files, go into the corpus
graph (map_shared). Predicates and datatypes come from the field table.
"""
from __future__ import annotations

from datetime import datetime

from .. import fields as F
from ..identity import iris
from ..identity.resolve import Decisions, Resolution, image_mentions, record_mentions
from ..records import Article, Image, SiteRecord
from ..terms import RDF, SCHEMA, SKOS
from .plain import Triple

# Bump when the mapping changes what it emits for the same input: `kg load` then maps
# every file again instead of trusting the input keys it recorded (graph/pipeline/corpus.py).
REVISION = 2  # 2: item types (schema:VideoObject, ...), dateModified, keywords, site data records

TYPE = RDF + "type"
NEWS_ARTICLE, ORGANIZATION, IMAGE_OBJECT = SCHEMA + "NewsArticle", SCHEMA + "Organization", SCHEMA + "ImageObject"
CONCEPT, CONCEPT_SCHEME = SKOS + "Concept", SKOS + "ConceptScheme"
TRUE, FALSE = "true", "false"


def _p(key: str, fields: tuple[F.Field, ...] = F.ARTICLE) -> str:
    return F.predicate(F.field(key, fields))


def _values_of(*fields: F.Field) -> list[tuple[str, str, str | None]]:
    """(attribute, predicate, datatype) of fields, in the order they are written."""
    return [(F.attr(f), F.predicate(f), f.datatype) for f in fields]


URL, ORIGINAL, AMP, CDN_AMP = _p("webUrl"), _p("originalUrl"), _p("ampWebUrl"), _p("cdnAmpWebUrl")
PUBLISHER, ABOUT, IMAGE, RELATED = _p("provider"), _p("topics"), _p("images"), _p("related")
FEATURED = _p("featuredContent")
# Literal values of an article, in the order they are written.
_TEXTS = _values_of(F.field("title"), F.field("excerpt"), F.field("category"), F.BODY)
_SCORES = _values_of(F.field("quality"), F.field("heat"), F.field("published"))
DATE_PUBLISHED, DATE_MODIFIED, KEYWORDS = _p("publishedDateTime"), _p("updatedDateTime"), _p("tags")
ADDITIONAL_TYPE = F.predicate(F.DERIVED[8])
DESCRIPTION, IDENTIFIER = (_p(k, F.ORGANIZATION_RECORD) for k in ("description", "_id"))
HIDDEN_LABEL, NOTATION, TOPIC_IMAGE = (_p(k, F.TOPIC_RECORD) for k in ("keywords", "_id", "images"))
CONTENT_URL = _p("url", F.IMAGE)
_IMAGE_VALUES = _values_of(*(f for f in F.IMAGE if f.read != F.IDENTITY))
SOURCE_FILE = F.predicate(F.DERIVED[4])
NAME, SITE, LOGO = (_p(k, F.PROVIDER_FIELDS) for k in ("name", "domain", "images"))
ALTERNATE_NAME, PREF_LABEL, ALT_LABEL, IN_SCHEME = (F.predicate(f) for f in F.DERIVED[:4])


def map_file(art: Article, decided: Decisions, base: str) -> list[Triple]:
    """The triples of one file's graph, each once, in a stable order."""
    out: list[Triple] = []
    add = out.append
    node = decided.node
    # the article: values only from the file that owns it; links from every file
    if decided.owner:
        _values(node, art, base, add)
    for label in art.topics:
        add((node, ABOUT, iris.topic_iri(base, label), None))
    for image in art.images:
        add((node, IMAGE, image.url, None))
    for target in decided.related:
        add((node, RELATED, target, None))
    add((node, SOURCE_FILE, art.source, F.STRING))

    # related articles without a file of their own, where this file describes them
    for i in sorted(decided.described):
        rel, target = art.related[i], decided.related[i]
        _values(target, rel, base, add)
        for label in rel.topics:
            add((target, ABOUT, iris.topic_iri(base, label), None))
        for image in rel.images:
            add((target, IMAGE, image.url, None))

    # images this file describes
    if decided.images:
        for nth, (_pos, image, _logo) in enumerate(image_mentions(art)):
            if nth in decided.images:
                _image(image, add)
    return list(dict.fromkeys(out))  # a file may repeat itself (the same link twice)


def _values(node: str, art: Article, base: str, add) -> None:
    """The single-valued fields of an article node, from the record that wins."""
    if art.kind is None:
        add((node, TYPE, NEWS_ARTICLE, None))
    else:
        cls = F.ITEM_CLASSES.get(art.kind.lower())
        add((node, TYPE, cls or F.OTHER_ITEM, None))
        if cls is None:  # a type schema.org has no class for: kept as it is written
            add((node, ADDITIONAL_TYPE, art.kind, F.STRING))
    add((node, URL, node, None))
    for attr, predicate, datatype in _TEXTS:
        value = getattr(art, attr)
        if value is not None:
            add((node, predicate, value, datatype))
    if art.published is not None:
        add((node, DATE_PUBLISHED, _date(art.published), F.DATETIME))
    if art.modified is not None:
        add((node, DATE_MODIFIED, _date(art.modified), F.DATETIME))
    for keyword in art.keywords:
        add((node, KEYWORDS, keyword, F.STRING))
    if art.provider is not None:
        add((node, PUBLISHER, iris.provider_iri(base, art.provider.domain), None))
    for attr, predicate, datatype in _SCORES:
        value = getattr(art, attr)
        if value is not None:
            add((node, predicate, _lexical(value), datatype))
    # URL forms are all kept: they are how other data sets refer to the article.
    for variant in (art.url, art.amp_url, art.cdn_amp_url):
        if variant and variant != node and variant != art.original_url:
            add((node, CDN_AMP if ".cdn.ampproject.org/" in variant else AMP, variant, None))
    if art.original_url is not None:
        add((node, ORIGINAL, art.original_url, None))
    if art.featured is not None:
        add((node, FEATURED, art.featured, None))


def _image(image: Image, add) -> None:
    node = image.url
    add((node, TYPE, IMAGE_OBJECT, None))
    add((node, CONTENT_URL, node, None))
    for attr, predicate, datatype in _IMAGE_VALUES:
        value = getattr(image, attr)
        if value is not None:
            add((node, predicate, value if datatype == F.STRING else _lexical(value), datatype))


def map_record(rec: SiteRecord, decided: Decisions) -> list[Triple]:
    """The graph of a site data record's file: the images it describes (the provider
    or topic it describes is in the corpus graph, with what the articles say of it)."""
    out: list[Triple] = []
    for nth, (_pos, image, _logo) in enumerate(record_mentions(rec)):
        if nth in decided.images:
            _image(image, out.append)
    return list(dict.fromkeys(out))


def map_shared(res: Resolution, base: str) -> list[Triple]:
    """Providers, topics and the topic scheme, in the corpus graph."""
    out: list[Triple] = []
    add = out.append
    for key, provider in res.providers.items():
        node = iris.provider_iri(base, key)
        add((node, TYPE, ORGANIZATION, None))
        if provider.name is not None:
            add((node, NAME, provider.name, F.STRING))
        for name in provider.alternate_names:
            add((node, ALTERNATE_NAME, name, F.STRING))
        add((node, SITE, iris.site_url(key), None))
        for logo in provider.logos:
            add((node, LOGO, logo, None))
        if provider.description is not None:
            add((node, DESCRIPTION, provider.description, F.STRING))
        if provider.identifier is not None:
            add((node, IDENTIFIER, provider.identifier, F.STRING))
    if res.topics:
        scheme = iris.topic_scheme_iri(base)
        add((scheme, TYPE, CONCEPT_SCHEME, None))
        add((scheme, PREF_LABEL, "Topics", "@en"))
        for key, topic in res.topics.items():
            node = iris.topic_iri(base, key)
            add((node, TYPE, CONCEPT, None))
            add((node, PREF_LABEL, topic.label, F.STRING))
            for label in topic.alt_labels:
                add((node, ALT_LABEL, label, F.STRING))
            for label in topic.hidden_labels:
                add((node, HIDDEN_LABEL, label, F.STRING))
            if topic.notation is not None:
                add((node, NOTATION, topic.notation, F.STRING))
            for image in topic.images:
                add((node, TOPIC_IMAGE, image, None))
            add((node, IN_SCHEME, scheme, None))
    return out


def _lexical(value: object) -> str:
    """An integer or boolean as its xsd lexical form."""
    if value is True:
        return TRUE
    if value is False:
        return FALSE
    return str(value)


def _date(value: datetime) -> str:
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"
