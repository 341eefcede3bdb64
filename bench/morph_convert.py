"""Convert a corpus's front matter to the JSON tables bench/morph_mapping.ttl maps (Morph-KGC's input).

    python bench/morph_convert.py CORPUS OUTDIR

An RML engine reads JSON, not Markdown with YAML front matter, so this runs
once, before (and outside) the timed Morph-KGC run. It reads the files and
cuts the front matter as bench/floor.py does, parses it with libyaml, and
writes the fields bench/baseline.py maps as four flat tables, one row per
repeated block, each row carrying the URL of what it belongs to:

- articles.json: one row per article file (webUrl, title, excerpt,
  publishedDateTime, category, providerName, providerDomain);
- related.json: one row per related link, the same fields plus `parent` (the
  article's webUrl);
- topics.json: one row per topic of an article (webUrl, label);
- images.json: one row per image of an article or of a related link (owner,
  url, width, height, title).

Flat tables because Morph-KGC flattens a nested JSON selection into rows and
drops every row in which any selected field is missing: an article's nested
image without a title would lose its URL too. A missing field is left out of
its row. Dates are written as ISO 8601 text (`datetime.isoformat()`), the
lexical form rdflib gives them in the baseline. Prints one JSON line of counts.
"""
from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from floor import (  # the floor's discovery and cutting: the same files
    find,
    front_matter,
)

ARTICLE_FIELDS = ("webUrl", "title", "excerpt", "publishedDateTime", "category")
IMAGE_FIELDS = ("url", "width", "height", "title")


def parsed(path: str) -> dict | None:
    """The front matter of one file as a mapping (None when there is none)."""
    text = front_matter(path)
    data = None if text is None else yaml.load(text, Loader=yaml.CSafeLoader)
    return data if isinstance(data, dict) else None


def _value(value):
    return value.isoformat() if isinstance(value, (datetime, date)) else value


def article_row(data: dict) -> dict:
    row = {k: _value(data[k]) for k in ARTICLE_FIELDS if data.get(k) not in (None, "")}
    provider = data.get("provider")
    if isinstance(provider, dict):
        if provider.get("name"):
            row["providerName"] = provider["name"]
        if provider.get("domain"):
            row["providerDomain"] = provider["domain"]
    return row


def image_rows(owner: str, data: dict) -> list[dict]:
    rows = []
    for image in data.get("images") or []:
        if isinstance(image, dict) and image.get("url"):
            rows.append({"owner": owner, **{k: image[k] for k in IMAGE_FIELDS if image.get(k) not in (None, "")}})
    return rows


def convert(corpus: str, outdir: str) -> dict[str, int]:
    tables: dict[str, list[dict]] = {"articles": [], "related": [], "topics": [], "images": []}
    for path in find(corpus):
        data = parsed(path)
        if not data or not data.get("webUrl"):
            continue  # the baseline skips an article without a URL too
        url = data["webUrl"]
        tables["articles"].append(article_row(data))
        tables["images"] += image_rows(url, data)
        tables["topics"] += [{"webUrl": url, "label": t} for t in data.get("topics") or [] if isinstance(t, str)]
        for link in data.get("related") or []:
            if isinstance(link, dict) and link.get("webUrl"):
                tables["related"].append({"parent": url, **article_row(link)})
                tables["images"] += image_rows(link["webUrl"], link)
    os.makedirs(outdir, exist_ok=True)
    for name, rows in tables.items():
        with open(os.path.join(outdir, f"{name}.json"), "w", encoding="utf-8") as f:
            json.dump(rows, f, ensure_ascii=False)
    return {name: len(rows) for name, rows in tables.items()}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    print(json.dumps(convert(args[0], args[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
