"""The naive baseline: what a user would write with python-frontmatter and rdflib.

    python bench/baseline.py CORPUS OUT.ttl

Written plainly on purpose (one process, Graph.add per triple, then
Graph.serialize to Turtle): it is the yardstick kg's speed is compared with,
not an example to follow. It maps the same main fields as kg: article type,
headline, abstract, date, url, publisher, topics, images and related links.
Prints the number of triples.
"""
import sys
from pathlib import Path
from urllib.parse import quote

import frontmatter
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

SCHEMA = Namespace("https://schema.org/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
BASE = "https://example.org/kg/"


def add_article(g, data):
    url = data.get("webUrl")
    if not url:
        return None
    article = URIRef(url)
    g.add((article, RDF.type, SCHEMA.NewsArticle))
    g.add((article, SCHEMA.url, article))
    if data.get("title"):
        g.add((article, SCHEMA.headline, Literal(data["title"])))
    if data.get("excerpt"):
        g.add((article, SCHEMA.abstract, Literal(data["excerpt"])))
    if data.get("publishedDateTime"):
        g.add((article, SCHEMA.datePublished, Literal(data["publishedDateTime"], datatype=XSD.dateTime)))
    provider = data.get("provider")
    if provider and provider.get("domain"):
        org = URIRef(BASE + "provider/" + provider["domain"].lower())
        g.add((article, SCHEMA.publisher, org))
        g.add((org, RDF.type, SCHEMA.Organization))
        if provider.get("name"):
            g.add((org, SCHEMA.name, Literal(provider["name"])))
    for image in data.get("images") or []:
        img = URIRef(image["url"])
        g.add((article, SCHEMA.image, img))
        g.add((img, RDF.type, SCHEMA.ImageObject))
        g.add((img, SCHEMA.contentUrl, img))
        if image.get("width"):
            g.add((img, SCHEMA.width, Literal(image["width"])))
        if image.get("height"):
            g.add((img, SCHEMA.height, Literal(image["height"])))
        if image.get("title"):
            g.add((img, SCHEMA.caption, Literal(image["title"])))
    return article


def main():
    corpus, out = sys.argv[1], sys.argv[2]
    g = Graph()
    g.bind("schema", SCHEMA)
    g.bind("skos", SKOS)
    for path in sorted(Path(corpus).rglob("*.md")):
        post = frontmatter.load(path)
        article = add_article(g, post.metadata)
        if article is None:
            continue
        if post.get("category"):
            g.add((article, SCHEMA.articleSection, Literal(post["category"])))
        for label in post.get("topics") or []:
            topic = URIRef(BASE + "topic/" + quote(label.lower().replace(" ", "_")))
            g.add((article, SCHEMA.about, topic))
            g.add((topic, RDF.type, SKOS.Concept))
            g.add((topic, SKOS.prefLabel, Literal(label)))
        for related in post.get("related") or []:
            other = add_article(g, related)
            if other is not None:
                g.add((article, SCHEMA.relatedLink, other))
    g.serialize(destination=out, format="turtle")
    print(len(g))


if __name__ == "__main__":
    main()
