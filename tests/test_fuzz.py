"""Fuzzing: front matter of random keys, types and Unicode (lone surrogates, NUL and
control characters included). Whatever comes in: no crash, printable messages, every
output of every registered format parses with its real parser and says exactly the
quads, and the article is exported whenever it has a usable URL."""
from __future__ import annotations

import re
import tempfile
from datetime import timedelta, timezone
from pathlib import Path

import yaml
from format_checks import CHECKS, written
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode

from graph import fields as F
from graph import formats
from graph.pipeline.corpus import read_corpus
from graph.problems import Report
from graph.read.build import ARTICLE_FIELDS
from graph.terms import KG, RDF_TYPE

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any code point, surrogates included, and the characters that matter to YAML, RDF, XML and JSON.
char = st.one_of(st.characters(exclude_categories=()), st.sampled_from(list("\x00\x1b\x07\x7f\x85\u2028\ufeff\n\r\t"
                                                                           "\"'\\<>{}[]&@:#-*!|%,?`~^ ")))
text = st.text(alphabet=char, max_size=24)
zone = st.one_of(st.none(), st.builds(lambda m: timezone(timedelta(minutes=m)), st.integers(-23 * 60, 23 * 60)))
scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-2**80, 2**80), st.floats(), text,
                   st.dates(), st.datetimes(timezones=zone))
value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                     max_leaves=12)
usable_url = st.builds(lambda host, path: f"https://{host}.example/{path}",
                       st.text(alphabet="abcxyz019", min_size=1, max_size=6), text)
url = st.one_of(usable_url, text, value,
                st.sampled_from(["javascript:alert(1)", "data:,x", "file:///etc/passwd", "//x.example/a",
                                 "www.x.example", "https://", "http://[zz]/", "https://x.example:99999/"]))
item = st.fixed_dictionaries({}, optional={
    "webUrl": url, "url": url, "title": value, "provider": value, "width": value, "height": value,
    "isCached": value, "publishedDateTime": value, "quality": value, "images": value,
})
front_matter = st.builds(
    lambda known, extra: {**extra, **known},
    st.fixed_dictionaries({"webUrl": st.one_of(usable_url, url)}, optional={  # webUrl None: as if missing
        **{name: value for name in ARTICLE_FIELDS - {"webUrl"}},
        "originalUrl": url, "ampWebUrl": url, "cdnAmpWebUrl": url,
        "related": st.one_of(value, st.lists(st.one_of(item, url), max_size=3)),
        "images": st.one_of(value, st.lists(st.one_of(item, url), max_size=3)),
        "provider": st.one_of(value, st.fixed_dictionaries({}, optional={"name": value, "domain": value,
                                                                          "images": value})),
    }),
    st.dictionaries(text, value, max_size=3),
)

USABLE = re.compile(r"https://[a-z0-9]+\.example/")


def export_text(raw: bytes):
    """One file through the whole pipeline; every registered format written and checked."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "x.md").write_bytes(raw)
        report = Report()
        corpus = read_corpus([folder], report=report)
    for problem in report.problems:
        shown = str(problem)
        assert not any(ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0 or 0xd800 <= ord(c) < 0xe000 for c in shown), shown
    event("file skipped" if corpus.skipped else "article exported")  # --hypothesis-show-statistics
    quads = list(corpus.quads())
    for name in formats.names():
        if name in CHECKS:
            CHECKS[name](written(formats.get(name), quads), quads)
    return corpus, quads


ITEM_TYPES = {NamedNode(iri) for iri in (*F.ITEM_CLASSES.values(), F.OTHER_ITEM)}  # a random `type` picks one


def has_article_from_file(quads) -> bool:
    typed = {q.subject for q in quads if q.predicate == RDF_TYPE and q.object in ITEM_TYPES}
    return any(q.subject in typed and q.predicate == NamedNode(KG + "sourceFile") and q.object == Literal("x.md")
               for q in quads)


@SETTINGS
@given(front_matter)
def test_random_front_matter(data):
    raw = ("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n").encode("utf-8")
    corpus, quads = export_text(raw)
    usable = any(isinstance(data.get(key), str) and USABLE.match(data[key]) for key in ("webUrl", "originalUrl"))
    if usable:
        event("usable URL")
        assert has_article_from_file(quads), data


@SETTINGS
@given(st.lists(st.one_of(text, st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(sorted(ARTICLE_FIELDS)), text),
                          st.builds("webUrl: {}".format, usable_url)), max_size=8))
def test_random_front_matter_text(lines):
    """Not even valid YAML: raw lines, raw control characters, lone surrogates as bytes."""
    raw = ("---\n" + "\n".join(lines) + "\n---\n").encode("utf-8", "surrogatepass")
    export_text(raw)
