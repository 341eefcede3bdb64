"""The field table: every input field kg reads, declared once.

Each entry says where a field occurs (an article or related item, an image, a
provider), how its value is read and repaired (``read``: see graph/read/build.py),
the record attribute it fills, and what it becomes in RDF: the predicate, the
datatype of its literal (``ID`` for an IRI) and the term the JSON-LD context gives
it. Reading (graph/read/build.py), mapping (graph/mapping/triples.py), the JSON-LD
context (vocab/context.jsonld, generated from this table) and the tests of the
SHACL shapes and the ontology (vocab/shapes.ttl, vocab/kg.ttl) all follow it.

Where is ``heat`` handled? Here: an integer, repaired from text, kg:heat with
datatype xsd:integer, JSON-LD term ``heat``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .terms import KG, RDF, SCHEMA, SKOS, XSD

ID = "@id"  # the value is an IRI, not a literal
STRING, INTEGER, BOOLEAN, DATETIME = XSD + "string", XSD + "integer", XSD + "boolean", XSD + "dateTime"

# How a value is read (graph/read/build.py has one reader per name).
TEXT = "text"            # a string (numbers and dates kept as their text, with a warning)
WHOLE = "integer"        # a whole number (from a number or its text), within 64 bits
SIZE = "size"            # a whole number that is not negative (image width and height)
FLAG = "boolean"         # true/false (also the text "true"/"false"/"yes"/"no")
DATE = "datetime"        # a date and time, normalised to UTC
URL = "url"              # an http(s) URL, in normal form (graph/identity/urls.py)
EMBED = "embed"          # the src of an HTML <iframe> embed, as a URL
LABELS = "labels"        # a list of labels (one label: a list of one)
IMAGES = "images"        # a list of images (IMAGE fields)
PROVIDER = "provider"    # the publisher (PROVIDER fields; a bare name or domain is accepted)
RELATED = "related"      # a list of related articles (ARTICLE fields, one level deep)
IDENTITY = "identity"    # identifies the node; read as a URL (webUrl, originalUrl, url, domain)
KIND = "kind"            # the kind of item: its schema.org class (ITEM_CLASSES)
TAXONOMY = "taxonomy"    # the kind of a site data record: 'organization' or 'topic' (RECORD_KINDS)
IGNORED = "ignored"      # read and dropped on purpose


@dataclass(frozen=True)
class Field:
    key: str                  # the name in the front matter
    read: str                 # how the value is read and repaired (above)
    attr: str | None = None   # the record attribute it fills
    predicate: str | None = None  # the RDF predicate (None: not mapped as a triple of its own)
    datatype: str | None = None   # the literal's datatype, or ID for an IRI
    term: str | None = None       # its name in the JSON-LD context
    many: bool = False            # the predicate may have several values on a node; otherwise at most one


# The fields of an article, and of each item of its `related` list (the same fields,
# but a related item has no `related` of its own).
ARTICLE = (
    # The article's own URL: its IRI, and schema:url pointing at itself.
    Field("webUrl", IDENTITY, "url", SCHEMA + "url", ID, "url"),
    # The article's URL when webUrl is missing; otherwise kg:originalUrl when it differs.
    Field("originalUrl", IDENTITY, "original_url", KG + "originalUrl", ID, "originalUrl"),
    Field("title", TEXT, "headline", SCHEMA + "headline", STRING, "headline"),
    Field("excerpt", TEXT, "abstract", SCHEMA + "abstract", STRING, "abstract"),
    Field("category", TEXT, "section", SCHEMA + "articleSection", STRING, "articleSection"),
    Field("publishedDateTime", DATE, "published", SCHEMA + "datePublished", DATETIME, "datePublished"),
    Field("provider", PROVIDER, "provider", SCHEMA + "publisher", ID, "publisher"),
    Field("quality", WHOLE, "quality", KG + "quality", INTEGER, "quality"),
    Field("heat", WHOLE, "heat", KG + "heat", INTEGER, "heat"),
    Field("published", FLAG, "is_published", KG + "published", BOOLEAN, "published"),
    # many: the article's other URL forms (a folded AMP webUrl, a cache form) are kept here too
    Field("ampWebUrl", URL, "amp_url", KG + "ampUrl", ID, "ampUrl", many=True),
    Field("cdnAmpWebUrl", URL, "cdn_amp_url", KG + "cdnAmpUrl", ID, "cdnAmpUrl", many=True),
    Field("featuredContent", EMBED, "featured", KG + "featuredContent", ID, "featuredContent"),
    Field("topics", LABELS, "topics", SCHEMA + "about", ID, "about", many=True),
    Field("images", IMAGES, "images", SCHEMA + "image", ID, "image", many=True),
    Field("related", RELATED, "related", SCHEMA + "relatedLink", ID, "relatedLink", many=True),
    Field("updatedDateTime", DATE, "modified", SCHEMA + "dateModified", DATETIME, "dateModified"),
    Field("tags", LABELS, "keywords", SCHEMA + "keywords", STRING, "keywords", many=True),
    Field("type", KIND, "kind", RDF + "type", ID),
    Field("secured", IGNORED),  # an opaque token of the site, not content
    Field("sourceUrl", IGNORED),  # where the site's JSON API publishes the item: a copy, not content
)

# What each `type` of item is: its schema.org class. Any other type is a CreativeWork
# that keeps the type's text as schema:additionalType; no type is an article.
ITEM_CLASSES = {
    "article": SCHEMA + "NewsArticle",
    "video": SCHEMA + "VideoObject",
    "book": SCHEMA + "Book",
    "course": SCHEMA + "Course",
}
OTHER_ITEM = SCHEMA + "CreativeWork"
ITEM = ITEM_CLASSES["article"]  # the class of an item without a type

# An item of the site's JSON API has the fields of a front matter, and two more that
# stand for the file it was made from: read by graph/read/api.py, not as fields.
API_ITEM = (
    Field("path", IGNORED),     # the item's source file, relative to the site: its kg:sourceFile
    Field("content", IGNORED),  # the item's body: schema:articleBody, as the text below a front matter
)

# The Markdown body below the front matter.
BODY = Field("(body)", TEXT, "body", SCHEMA + "articleBody", STRING, "articleBody")

IMAGE = (
    Field("url", IDENTITY, "url", SCHEMA + "contentUrl", ID, "contentUrl"),
    Field("width", SIZE, "width", SCHEMA + "width", INTEGER, "width"),
    Field("height", SIZE, "height", SCHEMA + "height", INTEGER, "height"),
    Field("title", TEXT, "caption", SCHEMA + "caption", STRING, "caption"),
    Field("isCached", FLAG, "is_cached", KG + "isCached", BOOLEAN, "isCached"),
)

# A provider's values are chosen across the corpus (graph/identity/resolve.py).
PROVIDER_FIELDS = (
    Field("name", TEXT, "name", SCHEMA + "name", STRING, "name"),
    Field("domain", IDENTITY, "domain", SCHEMA + "url", ID, "url"),  # its site, https://DOMAIN/
    Field("images", IMAGES, "logos", SCHEMA + "logo", ID, "logo", many=True),
)

# Site data records (front matter or YAML with `taxonomy:`, graph/read/sitedata.py):
# an organization record describes the provider of its domain, a topic record the
# topic of its name. Their values are chosen across the corpus, like a provider's.
ORGANIZATION_RECORD = (
    Field("taxonomy", TAXONOMY),
    Field("domain", IDENTITY, "domain", SCHEMA + "url", ID, "url"),
    Field("name", TEXT, "name", SCHEMA + "name", STRING, "name"),
    Field("otherNames", LABELS, "other_names", SCHEMA + "alternateName", STRING, "alternateName", many=True),
    Field("description", TEXT, "description", SCHEMA + "description", STRING, "description"),
    Field("_id", TEXT, "identifier", SCHEMA + "identifier", STRING, "identifier"),
    Field("images", IMAGES, "images", SCHEMA + "logo", ID, "logo", many=True),
)
TOPIC_RECORD = (
    Field("taxonomy", TAXONOMY),
    Field("name", TEXT, "name", SKOS + "prefLabel", STRING, "prefLabel"),
    # search terms, not other names of the topic: hidden labels (skos:hiddenLabel)
    Field("keywords", LABELS, "keywords", SKOS + "hiddenLabel", STRING, "hiddenLabel", many=True),
    Field("_id", TEXT, "identifier", SKOS + "notation", STRING, "notation"),
    Field("images", IMAGES, "images", SCHEMA + "image", ID, "image", many=True),
)
RECORD_KINDS = {"organization": ORGANIZATION_RECORD, "topic": TOPIC_RECORD}

# Terms kg emits that no single input field gives: how it names, groups and records nodes.
DERIVED = (
    Field("(provider names)", TEXT, None, SCHEMA + "alternateName", STRING, "alternateName", many=True),
    Field("(topic label)", TEXT, None, SKOS + "prefLabel", STRING, "prefLabel"),
    Field("(other topic labels)", TEXT, None, SKOS + "altLabel", STRING, "altLabel", many=True),
    Field("(topic scheme)", IDENTITY, None, SKOS + "inScheme", ID, "inScheme"),
    Field("(source file)", TEXT, None, KG + "sourceFile", STRING, "sourceFile", many=True),
    # what `kg load` records about each graph it wrote (graph/store/sync.py)
    Field("(graph content)", TEXT, None, KG + "contentHash", STRING, "contentHash"),
    Field("(graph size)", WHOLE, None, KG + "tripleCount", INTEGER, "tripleCount"),
    Field("(graph inputs)", TEXT, None, KG + "inputHash", STRING, "inputHash"),
    Field("(other item type)", TEXT, None, SCHEMA + "additionalType", STRING, "additionalType"),
)

# The classes of the nodes kg emits, with their JSON-LD terms.
CLASSES = {
    SCHEMA + "NewsArticle": "NewsArticle",
    SCHEMA + "VideoObject": "VideoObject",
    SCHEMA + "Book": "Book",
    SCHEMA + "Course": "Course",
    SCHEMA + "CreativeWork": "CreativeWork",
    SCHEMA + "Organization": "Organization",
    SCHEMA + "ImageObject": "ImageObject",
    SKOS + "Concept": "Concept",
    SKOS + "ConceptScheme": "ConceptScheme",
}

# Which fields describe which kind of node (the node shapes of vocab/shapes.ttl).
# Items of every class share one shape (kgsh:NewsArticle).
ITEM_FIELDS = (*ARTICLE, BODY, DERIVED[4], DERIVED[8])
NODE_FIELDS = {
    **{cls: ITEM_FIELDS for cls in (*ITEM_CLASSES.values(), OTHER_ITEM)},
    SCHEMA + "ImageObject": IMAGE,
    SCHEMA + "Organization": (*PROVIDER_FIELDS, DERIVED[0], *ORGANIZATION_RECORD),
    SKOS + "Concept": (*DERIVED[1:4], *TOPIC_RECORD),
}


def attr(f: Field) -> str:
    """The record attribute of a field that fills one."""
    if f.attr is None:
        raise ValueError(f"the field {f.key} fills no record attribute")
    return f.attr


def predicate(f: Field) -> str:
    """The predicate of a field that is mapped."""
    if f.predicate is None:
        raise ValueError(f"the field {f.key} is not mapped to a predicate")
    return f.predicate


def field(key: str, fields: tuple[Field, ...] = ARTICLE) -> Field:
    """The field of a key (in the article's fields, unless others are given)."""
    return next(f for f in fields if f.key == key)


def all_fields() -> tuple[Field, ...]:
    return (*ARTICLE, BODY, *IMAGE, *PROVIDER_FIELDS, *ORGANIZATION_RECORD, *TOPIC_RECORD, *DERIVED)
