"""Hugo's front matter: TOML between '+++' lines and a JSON object, read through
python-frontmatter's handlers and mapped exactly like the same fields in YAML."""
from __future__ import annotations

import json

import pytest

import graph
from graph.pipeline.corpus import read_corpus
from graph.problems import Report

YAML = """---
title: "Dozens of advocacy groups push for Congress to ban facial recognition"
excerpt: "A coalition urged Congress to act."
category: news
publishedDateTime: 2020-07-02T11:00:00Z
webUrl: "https://thehill.com/policy/technology/505563"
type: video
quality: 54
heat: -1
published: true
provider:
  name: The Hill
  domain: thehill.com
  images:
    - url: "https://thehill.com/logo.png"
      width: 50
      height: 50
topics:
  - Computer Vision
  - AI
images:
  - url: "https://thehill.com/a.jpg"
    width: 960
    height: 540
    title: "Facial recognition"
related:
  - title: "Easthampton bans facial recognition"
    webUrl: "https://www.masslive.com/news/2020/07/easthampton.html"
    publishedDateTime: 2020-07-01T08:00:00Z
---

The body, in **Markdown**.
"""

TOML = """+++
title = "Dozens of advocacy groups push for Congress to ban facial recognition"
excerpt = "A coalition urged Congress to act."
category = "news"
publishedDateTime = 2020-07-02T11:00:00Z
webUrl = "https://thehill.com/policy/technology/505563"
type = "video"
quality = 54
heat = -1
published = true
topics = ["Computer Vision", "AI"]

[provider]
name = "The Hill"
domain = "thehill.com"

[[provider.images]]
url = "https://thehill.com/logo.png"
width = 50
height = 50

[[images]]
url = "https://thehill.com/a.jpg"
width = 960
height = 540
title = "Facial recognition"

[[related]]
title = "Easthampton bans facial recognition"
webUrl = "https://www.masslive.com/news/2020/07/easthampton.html"
publishedDateTime = 2020-07-01T08:00:00Z
+++

The body, in **Markdown**.
"""

JSON_FRONT = json.dumps({
    "title": "Dozens of advocacy groups push for Congress to ban facial recognition",
    "excerpt": "A coalition urged Congress to act.", "category": "news",
    "publishedDateTime": "2020-07-02T11:00:00Z", "webUrl": "https://thehill.com/policy/technology/505563",
    "type": "video", "quality": 54, "heat": -1, "published": True,
    "provider": {"name": "The Hill", "domain": "thehill.com",
                 "images": [{"url": "https://thehill.com/logo.png", "width": 50, "height": 50}]},
    "topics": ["Computer Vision", "AI"],
    "images": [{"url": "https://thehill.com/a.jpg", "width": 960, "height": 540, "title": "Facial recognition"}],
    "related": [{"title": "Easthampton bans facial recognition",
                 "webUrl": "https://www.masslive.com/news/2020/07/easthampton.html",
                 "publishedDateTime": "2020-07-01T08:00:00Z"}],
}, indent=2) + "\n\nThe body, in **Markdown**.\n"


def export(write_corpus, tmp_path, name: str, text: str) -> dict[str, bytes]:
    folder = write_corpus({})
    for old in folder.iterdir():
        old.unlink()
    (folder / "a.md").write_text(text, encoding="utf-8")
    out = tmp_path / name
    result = graph.export([folder], ["ttl", "nq", "jsonld"], out, strict=True)
    assert result.stopped is None, [str(p) for p in result.report.problems]
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_toml_and_json_front_matter_map_exactly_like_yaml(write_corpus, tmp_path):
    from_yaml = export(write_corpus, tmp_path, "yaml", YAML)
    assert b"articleBody" in from_yaml["graph.nq"] and b"VideoObject" in from_yaml["graph.nq"]
    assert export(write_corpus, tmp_path, "toml", TOML) == from_yaml
    assert export(write_corpus, tmp_path, "json", JSON_FRONT) == from_yaml


@pytest.mark.parametrize("text, expected", [
    ('+++\ntitle = "x"\nwebUrl = "https://a.example/1"\nheat = \n+++\n',
     "a.md:4:8: error: TOML error: Invalid value; file skipped"),
    ('+++\ntitle = "x"\n', "a.md:1: error: front matter is never closed: no line that holds only '+++'; file skipped"),
    ('{\n  "title": "x",\n  "webUrl": "https://a.example/1",\n}\n', "a.md:4:1: error: JSON error: "
     "Expecting property name enclosed in double quotes; file skipped"),
    ('{"title": "x"}\n', "a.md:1: error: JSON front matter must open with a line that holds only '{'; file skipped"),
    ('+++\n+++\n', "a.md: error: article has no usable webUrl or originalUrl; article skipped"),
])
def test_broken_hugo_front_matter_is_an_error_with_its_place(write_corpus, text, expected):
    folder = write_corpus({"a.md": text})
    report = Report()
    read_corpus([folder], report=report)
    assert [str(p).replace(str(folder) + "/", "") for p in report.problems] == [expected]


def test_toml_problems_point_at_their_line(write_corpus):
    folder = write_corpus({"a.md": '+++\ntitle = "x"\nwebUrl = "https://a.example/1"\nquality = "high"\n+++\n'})
    report = Report()
    read_corpus([folder], report=report)
    assert [str(p).replace(str(folder) + "/", "") for p in report.problems] == [
        "a.md:4: warning: quality 'high' is not a whole number; field dropped"]
