"""Publish a collection of front-matter files as a site's JSON API, as the SmartableAI
sites do: pages ``{"title", "path", "page": N, "value": [items]}`` under
``api/NAME/index.json`` (the first page), ``api/NAME/page/N/index.json`` and
``api/NAME/pageN/index.json`` (every page, so the first one three times), each item the
fields of a front matter plus ``path``, ``content``, ``sourceUrl``, ``updatedDateTime``
and ``tags``. Used by the tests to check that the API gives the graph the files give.
"""
from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

import yaml


def _plain(value):
    """A front-matter value as JSON holds it (dates and times as ISO 8601 text)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def item(path: Path, rel: str, site: str) -> dict:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2) if text.startswith("---\n") else ("", "", text)
    fields = yaml.safe_load(front) or {}
    slug = Path(rel).stem
    return {"path": rel, **_plain(fields), "content": body.strip(), "sourceUrl": f"{site}/api/news/{slug}/index.json",
            "updatedDateTime": None, "tags": None}


def pages(folder: Path, prefix: str, site: str = "https://news-example.github.io/ai", size: int = 20) -> list[list]:
    files = sorted(folder.glob("*.md"))
    items = [item(f, f"{prefix}{f.name}", site) for f in files]
    items.sort(key=lambda i: i["publishedDateTime"] or "", reverse=True)  # newest first, as a site lists them
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def publish(folder: Path, out: Path, prefix: str = "_news/", name: str = "news", **kw) -> list[Path]:
    """Write the pages of the collection in ``folder`` under ``out``/api/``name``/."""
    written = []
    root = out / "api" / name
    for n, page in enumerate(pages(folder, prefix, **kw), 1):
        doc = json.dumps({"title": name.title(), "path": f"_{name}", "page": n, "value": page},
                         indent=2, ensure_ascii=False) + "\n"
        targets = [root / "page" / str(n) / "index.json", root / f"page{n}" / "index.json"]
        if n == 1:
            targets.insert(0, root / "index.json")
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(doc, encoding="utf-8")
            written.append(target)
    return written


if __name__ == "__main__":  # python tests/jsonapi.py tests/site/_news tests/site: the test site's API
    publish(Path(sys.argv[1]), Path(sys.argv[2]))
