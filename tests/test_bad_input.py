"""Bad input, one test per case: what is reported (path:line: level: message), what
is skipped, and that the rest of the corpus is still exported."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest
from format_checks import CHECKS, written
from pyoxigraph import NamedNode

from graph import formats
from graph.pipeline.corpus import read_corpus
from graph.problems import Report
from graph.read.yamlsafe import MAX_DEPTH
from graph.terms import KG, SCHEMA

GOOD = "---\ntitle: Fine\nwebUrl: https://good.example/fine\n---\n"
GOOD_IRI = "https://good.example/fine"


def article(body: str) -> str:
    return "---\n" + textwrap.dedent(body).strip("\n") + "\n---\n"


def read(folder, **kw):
    report = Report()
    corpus = read_corpus([folder], report=report, **kw)
    lines = []
    for p in report.problems:
        where = f"{Path(p.path).name}:{p.line}" if p.line else Path(p.path).name
        lines.append(f"{where}: {p.level}: {p.message}")
    return corpus, lines


def exported(corpus) -> set[str]:
    return set(corpus.resolution.files)


def values(corpus, iri: str, name: str) -> list:
    pred = NamedNode((KG if name in ("quality", "heat", "published", "sourceFile") else SCHEMA) + name)
    return sorted(q.object.value for q in corpus.quads() if q.subject == NamedNode(iri) and q.predicate == pred)


@pytest.fixture
def check(write_corpus):
    """Read {name: content} beside a good article; the good one is always exported."""

    def run(files: dict, **kw):
        folder = write_corpus({**files, "good.md": GOOD})
        corpus, problems = read(folder, **kw)
        assert GOOD_IRI in exported(corpus)
        quads = list(corpus.quads())
        for name in formats.names():  # whatever was kept is valid in every format
            if name in CHECKS:
                CHECKS[name](written(formats.get(name), quads), quads)
        return corpus, problems

    return run


# -- file-level problems: the file is skipped, with one error ---------------------------

@pytest.mark.parametrize("content, why", [
    pytest.param(b"", "empty file", id="empty-file"),
    pytest.param(b" \n\t\n", "file holds only white space", id="white-space"),
    pytest.param(b"# Contributing\n\ntitle: x\nwebUrl: https://a.example/x\n",
                 "no front matter: the file does not begin with a '---' line", id="no-front-matter"),
])
def test_a_file_without_front_matter_is_not_an_item_nor_an_error(check, content, why):
    """README.md, CONTRIBUTING.md, an empty CODE_OF_CONDUCT.md: passed over and counted."""
    corpus, problems = check({"x.md": content})
    assert problems == []
    assert [(Path(path).name, reason) for path, reason in corpus.passed] == [("x.md", why)]
    assert corpus.counts()["not_items"] == 1 and corpus.counts()["skipped"] == 0


@pytest.mark.parametrize("content, expected", [
    pytest.param(b"---\ntitle: x\nwebUrl: https://a.example/x\n",
                 "x.md:1: error: front matter is never closed: no second '---' line; file skipped",
                 id="never-closed"),
    pytest.param(b"---\nwebUrl: https://a.example/x\ntitle: [unclosed\n---\n",
                 "x.md:4: error: YAML error: did not find expected ',' or ']' (while parsing a flow sequence); "
                 "file skipped", id="yaml-syntax-error"),
    pytest.param(b"---\n- webUrl: https://a.example/x\n---\n",
                 "x.md:2: error: front matter is a list, not a mapping of fields (key: value lines); file skipped",
                 id="front-matter-list"),
    pytest.param(b"---\nhttps://a.example/x\n---\n",
                 "x.md:2: error: front matter is text, not a mapping of fields (key: value lines); file skipped",
                 id="front-matter-scalar"),
    pytest.param(b"---\ntitle: caf\xe9\nwebUrl: https://a.example/x\n---\n",
                 "x.md:2: error: is not UTF-8 text (byte 0xE9 at offset 14); save it as UTF-8; file skipped",
                 id="non-utf8"),
    pytest.param(b"---\nwebUrl: https://a.example/x\n---\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                 "x.md: error: looks like a binary file (it contains NUL bytes), not a text article; file skipped",
                 id="binary-file"),
])
def test_file_level_problem(check, content, expected):
    corpus, problems = check({"x.md": content})
    assert problems == [expected]
    assert exported(corpus) == {GOOD_IRI}


def test_python_tag_is_refused_and_never_run(check, tmp_path):
    marker = tmp_path / "ran"
    corpus, problems = check({"x.md": article(f"""
        webUrl: https://a.example/x
        title: !!python/object/apply:os.system ["touch {marker}"]
    """)})
    assert problems == ["x.md:3: error: the YAML tag '!!python/object/apply:os.system' is not allowed: kg loads "
                        "YAML safely and never creates Python objects or custom types; file skipped"]
    assert not marker.exists()
    assert exported(corpus) == {GOOD_IRI}


def test_alias_bomb_is_refused_without_expanding_it(check):
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(8)]
    corpus, problems = check({"x.md": article("webUrl: https://a.example/x\n" + "\n".join(levels))})
    # 10^9 values if expanded ("billion laughs"); the check counts without building them
    assert problems == ["x.md:8: error: aliases (*name) expand the front matter to more than 200,000 values "
                        "(an 'alias bomb'); file skipped"]
    assert exported(corpus) == {GOOD_IRI}


def test_recursive_alias_is_refused(check):
    corpus, problems = check({"x.md": article("webUrl: https://a.example/x\ntopics: &t [a, *t]")})
    assert problems == ["x.md:3: error: an alias (*name) refers to a value that contains it "
                        "(a recursive alias); file skipped"]


def test_deep_nesting_as_written_is_bounded(check):
    corpus, problems = check({"x.md": article("webUrl: https://a.example/x\ntopics: " + "[" * 5000 + "]" * 5000)})
    assert problems == ["x.md:3: error: front matter is nested more than 1000 levels deep; file skipped"]


def test_deep_nesting_through_aliases_is_bounded(check):
    chain = ["l0: &l0 [x]"] + [f"l{i}: &l{i} [*l{i - 1}]" for i in range(1, MAX_DEPTH + 5)]
    corpus, problems = check({"x.md": article("webUrl: https://a.example/x\n" + "\n".join(chain))})
    assert len(problems) == 1
    assert f"error: front matter is nested more than {MAX_DEPTH} levels deep; file skipped" in problems[0]


def test_file_over_the_size_limit(check):
    big = article("webUrl: https://a.example/x\ntitle: T\nexcerpt: " + "x" * 2000)
    corpus, problems = check({"x.md": big}, max_file_size=1000)
    assert problems == [f"x.md: error: file is {len(big):,} bytes, over the limit of 1,000 bytes "
                        f"(raise it with --max-file-size); file skipped"]
    corpus, problems = check({"x.md": big}, max_file_size=len(big))
    assert problems == [] and "https://a.example/x" in exported(corpus)


@contextlib.contextmanager
def as_nobody():
    """Run as an unprivileged user: as root, permissions do not stop reading."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_unreadable_file():
    # a folder of its own, traversable by the unprivileged user (pytest's tmp is root-only)
    folder = Path(tempfile.mkdtemp(prefix="kg-unreadable-"))
    try:
        folder.chmod(0o755)
        (folder / "good.md").write_text(GOOD)
        (folder / "good.md").chmod(0o644)
        secret = folder / "x.md"
        secret.write_text(article("webUrl: https://a.example/x"))
        secret.chmod(0o000)
        (folder / "closed").mkdir(mode=0o000)
        with as_nobody():
            corpus, problems = read(folder)
        assert problems == ["closed: error: folder cannot be read (Permission denied); its files are skipped",
                            "x.md: error: cannot be read: permission denied; file skipped"]
        assert exported(corpus) == {GOOD_IRI}
    finally:
        shutil.rmtree(folder)


def test_named_pipe_with_an_md_name_is_not_read(check, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    os.mkfifo(folder / "x.md")  # reading it would block forever
    corpus, problems = check({})
    assert problems == ["x.md: error: is a named pipe, not a regular file; file skipped"]


def test_broken_symbolic_link(check, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "x.md").symlink_to("gone.md")
    corpus, problems = check({})
    assert problems == ["x.md: error: is a broken symbolic link (its target 'gone.md' does not exist); file skipped"]


def test_symbolic_link_loops(check, tmp_path):
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "x.md").symlink_to("y.md")
    (folder / "y.md").symlink_to("x.md")
    (folder / "sub" / "up").symlink_to("..")  # a folder loop: walked once
    corpus, problems = check({})
    assert problems == ["x.md: error: is a symbolic link that loops back on itself; file skipped",
                        "y.md: error: is a symbolic link that loops back on itself; file skipped"]
    assert len(corpus.sources) == 3


def test_same_file_through_overlapping_inputs(write_corpus):
    folder = write_corpus({"sub/a.md": article("webUrl: https://a.example/x\ntitle: A")})
    (folder / "link.md").symlink_to("sub/a.md")
    report = Report()
    corpus = read_corpus([folder, folder / "sub", folder / "sub" / "a.md", folder / "link.md"], report=report)
    assert [s.rel for s in corpus.sources] == ["link.md"]  # read once, under the first path met
    assert report.problems == []
    assert len([q for q in corpus.quads() if q.predicate == NamedNode(KG + "sourceFile")]) == 1


def test_file_name_that_is_not_utf8(write_corpus):
    folder = write_corpus({})
    name = os.fsdecode(b"caf\xe9.md")
    (folder / name).write_text(article("webUrl: https://a.example/x\ntitle: A"))
    corpus, problems = read(folder)
    assert problems == []
    quads = list(corpus.quads())
    assert values(corpus, "https://a.example/x", "sourceFile") == ["caf\\xe9.md"]
    for fmt in ("ttl", "nq"):
        CHECKS[fmt](written(formats.get(fmt), quads), quads)


# -- text encodings and line endings -----------------------------------------------------

def test_utf8_bom(check):
    corpus, problems = check({"x.md": "\ufeff" + article("webUrl: https://a.example/x\ntitle: Café")})
    assert problems == []
    assert values(corpus, "https://a.example/x", "headline") == ["Café"]


def test_crlf_line_endings(check):
    text = article("webUrl: https://a.example/x\ntitle: A title\nquality: high").replace("\n", "\r\n")
    corpus, problems = check({"x.md": text})
    assert problems == ["x.md:4: warning: quality 'high' is not a whole number; field dropped"]
    assert values(corpus, "https://a.example/x", "headline") == ["A title"]


def test_control_characters_in_yaml_are_replaced(check):
    corpus, problems = check({"x.md": article("webUrl: https://a.example/x\ntitle: red \x1b[31m alert")})
    assert problems == ["x.md:3: warning: control character U+001B is not allowed in YAML; replaced with U+FFFD"]
    assert values(corpus, "https://a.example/x", "headline") == ["red \ufffd[31m alert"]


def test_surrogate_escapes(check):
    corpus, problems = check({"x.md": article(r'''
        webUrl: https://a.example/x
        title: "emoji \ud83d\ude00 written as a pair"
        excerpt: "a lone \ud800 half"
    ''')})
    assert problems == ["x.md:4: warning: excerpt holds invalid Unicode (unpaired surrogates); replaced with U+FFFD"]
    assert values(corpus, "https://a.example/x", "headline") == ["emoji \U0001F600 written as a pair"]
    assert values(corpus, "https://a.example/x", "abstract") == ["a lone \ufffd half"]


# -- field-level problems: the field is dropped (or repaired) with a warning -------------

def test_duplicate_keys(check):
    corpus, problems = check({"x.md": article("""
        webUrl: https://a.example/x
        title: First
        quality: 1
        title: Second
    """)})
    assert problems == ["x.md:5: warning: duplicate key 'title' (first on line 3); the value on line 5 is kept"]
    assert values(corpus, "https://a.example/x", "headline") == ["Second"]


def test_merge_keys_are_not_duplicates(check):
    corpus, problems = check({"x.md": article("""
        base: &base {title: Base, quality: 3}
        <<: *base
        webUrl: https://a.example/x
        title: Own
    """)})
    assert problems == []
    assert values(corpus, "https://a.example/x", "headline") == ["Own"]


def test_missing_title(check):
    corpus, problems = check({"x.md": article("webUrl: https://a.example/x")})
    assert problems == ["x.md: warning: article has no title; exported without a headline"]
    assert "https://a.example/x" in exported(corpus)


def test_missing_url(check):
    corpus, problems = check({"x.md": article("title: No URL")})
    assert problems == ["x.md: error: article has no usable webUrl or originalUrl; article skipped"]
    assert exported(corpus) == {GOOD_IRI}


@pytest.mark.parametrize("value, expected, message", [
    ("12", ["12"], "x.md:3: warning: title is a number (12), not text; kept as text"),
    ("[a, b]", [], "x.md:3: warning: title is a list, not text; field dropped"),
    ("{a: b}", [], "x.md:3: warning: title is a mapping, not text; field dropped"),
    ("2020-01-02", ["2020-01-02"], "x.md:3: warning: title is a date (2020-01-02), not text; kept as text"),
])
def test_title_of_the_wrong_type(check, value, expected, message):
    corpus, problems = check({"x.md": article(f"webUrl: https://a.example/x\ntitle: {value}")})
    assert problems == [message]
    assert values(corpus, "https://a.example/x", "headline") == expected


@pytest.mark.parametrize("field, value, message", [
    ("quality", '"high"', "quality 'high' is not a whole number; field dropped"),
    ("heat", "[1, 2]", "heat [1, 2] is not a whole number; field dropped"),
    ("heat", "99999999999999999999999", "heat 99999999999999999999999 is too large a number; field dropped"),
    ("published", '"maybe"', "published 'maybe' is not true or false; field dropped"),
])
def test_scalar_of_the_wrong_type(check, field, value, message):
    corpus, problems = check({"x.md": article(f"webUrl: https://a.example/x\ntitle: T\n{field}: {value}")})
    assert problems == [f"x.md:4: warning: {message}"]
    assert values(corpus, "https://a.example/x", field) == []
    assert "https://a.example/x" in exported(corpus)


def test_scalars_written_as_text_are_read(check):
    corpus, problems = check({"x.md": article("""
        webUrl: https://a.example/x
        title: T
        quality: "42"
        published: "yes"
    """)})
    assert problems == []
    assert values(corpus, "https://a.example/x", "quality") == ["42"]
    assert values(corpus, "https://a.example/x", "published") == ["true"]


@pytest.mark.parametrize("value, expected", [
    ("AI", ["https://example.org/kg/topic/ai"]),                       # one string: one topic
    ("[AI, Robots]", ["https://example.org/kg/topic/ai", "https://example.org/kg/topic/robots"]),
])
def test_topics_as_a_string(check, value, expected):
    corpus, problems = check({"x.md": article(f"webUrl: https://a.example/x\ntitle: T\ntopics: {value}")})
    assert problems == []
    assert values(corpus, "https://a.example/x", "about") == expected


def test_topics_as_a_mapping(check):
    corpus, problems = check({"x.md": article("webUrl: https://a.example/x\ntitle: T\ntopics: {AI: 1}")})
    assert problems == ["x.md:4: warning: topic {'AI': 1} is a mapping, not a label; ignored"]
    assert values(corpus, "https://a.example/x", "about") == []


@pytest.mark.parametrize("value", ["https://img.example/a.jpg", "{url: https://img.example/a.jpg, width: 5}"])
def test_images_as_a_string_or_a_mapping(check, value):
    corpus, problems = check({"x.md": article(f"webUrl: https://a.example/x\ntitle: T\nimages: {value}")})
    assert problems == []
    assert values(corpus, "https://a.example/x", "image") == ["https://img.example/a.jpg"]


@pytest.mark.parametrize("value", ["https://r.example/b", "{webUrl: https://r.example/b, title: B}"])
def test_related_as_a_string_or_a_mapping(check, value):
    corpus, problems = check({"x.md": article(f"webUrl: https://a.example/x\ntitle: T\nrelated: {value}")})
    assert problems == []
    assert values(corpus, "https://a.example/x", "relatedLink") == ["https://r.example/b"]


def test_provider_as_a_plain_string(check):
    corpus, problems = check({"x.md": article("webUrl: https://www.a.example/x\ntitle: T\nprovider: The A Times")})
    assert problems == []
    [provider] = values(corpus, "https://www.a.example/x", "publisher")
    assert provider == "https://example.org/kg/provider/a.example"
    assert values(corpus, provider, "name") == ["The A Times"]


def test_provider_domain_that_is_not_a_domain(check):
    corpus, problems = check({"x.md": article("""
        webUrl: https://a.example/x
        title: T
        provider: {name: A, domain: "not a domain/</x>"}
    """)})
    assert problems == ["x.md:4: warning: provider.domain 'not a domain/</x>' is not a domain name; "
                        "the article's own site is used"]
    assert values(corpus, "https://a.example/x", "publisher") == ["https://example.org/kg/provider/a.example"]


@pytest.mark.parametrize("value, message, expected", [
    ("2020-13-45", "'2020-13-45' is not a date; field dropped", []),
    ('"maybe"', "'maybe' is not a date; field dropped", []),
    ("2020-07-02 11:00:00", "2020-07-02 11:00:00 has no time zone; UTC assumed", ["2020-07-02T11:00:00Z"]),
    ('"2020-07-02T13:00:00"', "'2020-07-02T13:00:00' has no time zone; UTC assumed", ["2020-07-02T13:00:00Z"]),
    ("9999-01-01T00:00:00Z", "9999-01-01 00:00:00+00:00 is out of the range of plausible dates (1800-2200); "
     "field dropped", []),
    ("0001-01-01T00:00:00+05:00", "0001-01-01 00:00:00+05:00 is out of the range of plausible dates (1800-2200); "
     "field dropped", []),
])
def test_dates(check, value, message, expected):
    corpus, problems = check({"x.md": article(f"webUrl: https://a.example/x\ntitle: T\npublishedDateTime: {value}")})
    assert problems == [f"x.md:4: warning: publishedDateTime {message}"]
    assert values(corpus, "https://a.example/x", "datePublished") == expected


@pytest.mark.parametrize("url, reason", [
    ("javascript:alert(1)", "uses the scheme 'javascript:', only http and https are accepted"),
    ("'data:text/html,<script>alert(1)</script>'", "uses the scheme 'data:', only http and https are accepted"),
    ("file:///etc/passwd", "uses the scheme 'file:', only http and https are accepted"),
    ("www.a.example/x", "has no scheme (expected http:// or https://)"),
])
def test_refused_urls_skip_an_article_without_another(check, url, reason):
    corpus, problems = check({"x.md": article(f"webUrl: {url}\ntitle: T")})
    shown = url.strip("'")
    assert problems == [f"x.md:2: warning: webUrl '{shown}' {reason}; field dropped",
                        "x.md:2: error: article has no usable webUrl or originalUrl; article skipped"]
    assert exported(corpus) == {GOOD_IRI}


def test_refused_url_falls_back_to_original_url(check):
    corpus, problems = check({"x.md": article("webUrl: javascript:void(0)\noriginalUrl: https://a.example/x\ntitle: T")})
    assert problems == ["x.md:2: warning: webUrl 'javascript:void(0)' uses the scheme 'javascript:', "
                        "only http and https are accepted; field dropped"]
    assert exported(corpus) == {GOOD_IRI, "https://a.example/x"}


@pytest.mark.parametrize("url, iri", [
    ("https://a.example/with space", "https://a.example/with%20space"),
    ('https://a.example/"quoted"', "https://a.example/%22quoted%22"),
    ("https://a.example/<angle>", "https://a.example/%3Cangle%3E"),
    ("https://a.example/{brace}", "https://a.example/%7Bbrace%7D"),
    ("https://a.example/back\\slash", "https://a.example/back%5Cslash"),
    ("https://a.example/[bracket]|pipe^`", "https://a.example/%5Bbracket%5D%7Cpipe%5E%60"),
    ("https://Bücher.example/straße?q=ä", "https://bücher.example/straße?q=ä"),
    ("https://a.example/%zz", "https://a.example/%25zz"),
])
def test_urls_with_characters_an_iri_may_not_hold(check, url, iri):
    quoted = "'" + url.replace("'", "''") + "'"
    corpus, problems = check({"x.md": article(f"webUrl: {quoted}\ntitle: T")})
    assert problems == []
    assert exported(corpus) == {GOOD_IRI, iri}
    NamedNode(iri)  # valid


def test_unknown_fields_and_odd_keys(check):
    corpus, problems = check({"x.md": article("webUrl: https://a.example/x\ntitle: T\nmood: happy\n42: answer")})
    assert problems == ["x.md: warning: field name 42 is not text; ignored"]
    assert corpus.unmapped == {"mood": 1}


def test_naive_dates_become_utc():
    from graph.read.build import to_record
    from graph.read.files import Source, parse_document

    doc = parse_document(Source(Path("x.md"), "x.md"),
                         article("webUrl: https://a.example/x\npublishedDateTime: 2020-07-02").encode())
    assert to_record(doc).article.published == datetime(2020, 7, 2, tzinfo=timezone.utc)


def test_values_never_become_invalid_literals(check):
    corpus, problems = check({"x.md": article(r'''
        webUrl: https://a.example/x
        title: "nul \0 bell \a escape \e del \x7f"
    ''')})
    assert problems == []
    # kept as they are: every RDF format escapes them (the check fixture parsed each output)
    assert values(corpus, "https://a.example/x", "headline") == ["nul \x00 bell \x07 escape \x1b del \x7f"]
