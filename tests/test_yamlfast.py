"""The YAML loader's fast path (yaml_rs) reads exactly what its libyaml path reads.

Every front matter the other tests load is also compared (tests/conftest.py); here: the
real and a generated corpus (and that the fast path is really taken there), texts on
which the two parsers differ (the fast path must step aside), the YAML 1.1 readings
Jekyll shares, generated documents full of ambiguous scalars, and hostile input.
"""
from __future__ import annotations

import datetime
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yamlcheck import difference

from graph.read import yamlfast, yamlsafe
from graph.read.files import _DELIMITER, _END

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


def front_matters(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            text = path.read_bytes().decode("utf-8-sig")
            start = _DELIMITER.match(text)
            end = start and _END.search(text, start.end())
            if end:
                texts.append(text[start.end(): end.start()])
    return texts


def fast(text: str) -> bool:
    """Whether the fast path answers for ``text`` (rather than leaving it to libyaml)."""
    return yamlfast.load(text, yamlsafe._timestamp) is not yamlfast.UNSURE


def test_yaml_rs_is_installed():
    assert yamlfast.yaml_rs is not None, "yaml-rs is a dependency of kg: pip install -e ."
    assert yamlfast._USABLE


def test_real_corpus_same_and_fast(ai_news, seeds):
    texts = front_matters(ai_news) + front_matters(seeds)
    assert len(texts) == 96
    assert [d for d in map(difference, texts) if d] == []
    hits = sum(map(fast, texts))
    # 2 real files have a quoted title that starts like a date ("2020-2025 ..."): libyaml's
    assert hits >= 93, f"the fast path read only {hits} of {len(texts)} real front matters"


def test_generated_corpus_same_and_fast(tmp_path):
    generate(tmp_path, articles=300, seed=7)
    texts = front_matters(tmp_path)
    assert len(texts) == 300
    assert [d for d in map(difference, texts) if d] == []
    assert sum(map(fast, texts)) == len(texts)


@pytest.mark.parametrize("text, value", [
    # Jekyll (Ruby's parser) and PyYAML read YAML 1.1; yaml_rs reads 1.2
    ("published: yes\n", {"published": True}),
    ("published: Off\n", {"published": False}),
    ('title: "yes"\n', {"title": "yes"}),
    ("title: 'no'\n", {"title": "no"}),
    ("n: 017\n", {"n": 15}),
    ("n: 0o17\n", {"n": "0o17"}),
    ("n: 019\n", {"n": "019"}),
    ("n: 1_000\n", {"n": 1000}),
    ("n: 1:20\n", {"n": 80}),
    ("n: 1e3\n", {"n": "1e3"}),
    ("n: 1.5e+3\n", {"n": 1500.0}),
    ("on: 1\n", {True: 1}),
    ("t: 12:30:45\n", {"t": 45045}),
    ("d: 2020-04-06\n", {"d": datetime.date(2020, 4, 6)}),
    ("d: '2020-04-06'\n", {"d": "2020-04-06"}),
    ('d: "2020-04-06T11:00:00Z"\n', {"d": "2020-04-06T11:00:00Z"}),
    ("d: 2020-04-06T11:00:00Z\n", {"d": datetime.datetime(2020, 4, 6, 11, tzinfo=datetime.timezone.utc)}),
    ("d: 2020-13-45\n", {"d": "2020-13-45"}),
    ("<<: {a: 1}\nb: 2\n", {"a": 1, "b": 2}),
])
def test_yaml_1_1_readings_kept(text, value):
    data, warnings = yamlsafe.load(text)
    assert (data, warnings) == (value, [])
    assert difference(text) is None


# Texts the fast path must leave to libyaml: the two parsers read them differently (or
# yaml_rs cannot be proved to read them as libyaml does).
MUST_STEP_ASIDE = [
    "published: yes\n", "a: Yes\n", "a: '~'\n", "a: ''\n", "a: 'null'\n", "a: 'true'\n", "a: '17'\n",
    "n: 017\n", "n: -017\n", "n: 0o17\n", "n: 019\n", "n: 0X1F\n", "n: 0B1\n", "n: _1\n", "n: 00\n",
    "n: [1, 017]\n", '{"n":017}\n', "n: 1\nm: 0_1\n",
    "n: 1:20\n", "n: 1e3\n", "n: 1.5\n", "n: .inf\n", "n: 1.0e3\n",
    "d: '2020-04-06'\n", 'd: "2020-04-06"\n', 'd: "\\x32020-04-06"\n', 'd: "2020\\x2d04-06"\n',
    'd: "\\\n  2020-04-06"\n', "d: |-\n  2020-04-06\n", "d: >2-\n  2020-04-06\n",
    "t: 12:30:45\n", "a: |\n  x\n", "a: >-\n  x\n", "- |\n    \n\n", "a: |2+ # c\n   x\n", "a: [>\n  x]\n",
    "<<: {a: 1}\n", "a: =\n", "yes: 1\n", "1: a\n", "? [a, b]\n: c\n", ": a\n", "2020-01-01: a\n",
    "a: !!str 5\n", "a: !foo bar\n", "a: ! x\n", "a: [!!int 1]\n", "a: &x 1\nb: *x\n", "a: *x\n",
    "a: 1\na: 2\n", "\ta: 1\n", "a:\tb\n", "a: b\u2028c\n", "a: b\x85c\n", "a: x\n\ufeffb: 1\n",
    "%YAML 1.1\n---\na: 1\n", "%FOO bar\n---\na: 1\n", "a: 1\n---\nb: 2\n", "- a\n---\n- b\n",
    'a: "\\ud83d\\ude00"\n', "a: |\n  x", "a: >\n  x", "just text\n", "", "# only a comment\n",
    "n: {k: :x}\n", "- [:x]\n", "- [+x:]\n", "a: [x:, y]\n", "a: {b: c:}\n", "a: {k: ?}\n", "a: [?]\n", "a: [-]\n", "a: [x, ?b]\n",
    "a: [x, : b]\n", "a: {b: -}\n",
    "[" * 1001 + "]" * 1001 + "\n", "".join(" " * i + "-\n" for i in range(1001)),
]


@pytest.mark.parametrize("text", MUST_STEP_ASIDE)
def test_fast_path_steps_aside(text):
    assert not fast(text)
    assert difference(text) is None


MUST_BE_FAST = [
    "a: 1\n", "a: true\nb: FALSE\n", "a: ~\nb: null\nc:\n", "a: x\nb: [1, 2]\nc: {d: e}\n", "n: 10\nm: -3\nz: 0\n", "n: 0x1F\n",
    "d: 2020-04-06T11:00:00Z\n", "d: 2001-12-14 21:59:43.10 -5\n", "d: 2020-7-2 1:00:00\n", "d: 2020-04-06t11:00:00.123456789+05:30\n",
    'title: "2020 in review"\nd: 2021-01-01\n', 'title: "It\'s 2020-ish"\nd: 2020-01-01\n',
    "title: Computer Vision & AI\n", 'a: "x & y"\n', 'a: "CAGR 30.8% | Google"\n', "a: x > y\n", "a: 'it''s'\n", 'a: "tab\\there"\n',
    "a: x\r\nb: 2\r\n", "a: 99999999999999999999999999\n",
    "k: news\nt: article\n", "a: 2020-04-06\n", "a:\n  - b: 1\n    c: [2, 3]\n",
]


@pytest.mark.parametrize("text", MUST_BE_FAST)
def test_fast_path_taken(text):
    assert fast(text)
    assert difference(text) is None


def test_impossible_dates_and_time_zones():
    dates = ["2020-02-30", "2020-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "2020-04-06T24:00:00Z",
             "2020-04-06T23:59:60Z", "2020-04-06T11:00:00+24:00", "2020-04-06T11:00:00-23:59",
             "2020-04-06T11:00:00+5", "2020-04-06 11:00:00 Z", "2020-04-06T11:00:00.9999999Z",
             "2020-04-06T11:00:00.Z", "2020-4-6T1:00:00Z", "99999-01-01", "2020-04-06T11:00Z"]
    for date in dates:
        text = f"d: {date}\n"
        assert difference(text) is None, text


# Scalars on which YAML 1.1 and 1.2, or libyaml and yaml_rs, may disagree, and some that
# are plain text; each is written plain, quoted or as a block scalar.
AMBIGUOUS = [
    "yes", "No", "ON", "off", "y", "n", "true", "False", "TRUE", "tRUE", "~", "null", "Null", "NULL", "",
    "0", "-0", "+1", "017", "-017", "019", "0o17", "0O17", "0x1F", "0X1F", "0x_1", "0b101", "0B1", "_1",
    "1_000", "00", "1__0", "123456789012345678901234567890", "1:20", "-1:20", "190:20:30", "190:20:30.15",
    "1.5", "1e3", "1.0e3", "1.0e+3", ".5", "-.5", "+.5", "5.", ".inf", "-.Inf", ".NaN", "1_0.5", "1e400",
    "2020-04-06", "2020-4-6", "2020-04-06T11:00:00Z", "2020-04-06 11:00:00", "2020-04-06t11:00:00 +5",
    "2020-04-06T11:00:00.123456789-05:30", "2001-12-14 21:59:43.10 -5", "2020-13-45", "2020-02-30",
    "12:30:45", "<<", "=", "!", "&", "*", "-", "?", ":", "a: b", "x #y", "#x", "news", "AI", "Hello World",
    "https://x.example/a?b=1&c=2", "it's", 'say "hi"', "é", "😀", "\\", "a\\nb", "two\nlines", " lead", "trail ",
]


@st.composite
def scalars(draw) -> str:
    text = draw(st.sampled_from(AMBIGUOUS) | st.text(st.sampled_from(list("ab0123456789 .:-+_e#'\"\\xyzé\n")),
                                                     max_size=12))
    style = draw(st.sampled_from(["plain", "plain", "single", "double", "escaped", "literal", "folded"]))
    if style == "plain":
        return text
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if style == "escaped":  # every character as an escape
        return '"' + "".join(f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}" if ord(c) < 0x10000
                             else f"\\U{ord(c):08x}" for c in text) + '"'
    chomp = draw(st.sampled_from(["", "-", "+"]))
    body = "\n".join("  " + line for line in text.split("\n"))
    return ("|" if style == "literal" else ">") + chomp + "\n" + body + "\n"


def _inline(value: str) -> bool:
    return not value.startswith(("|", ">"))


@st.composite
def documents(draw, depth: int = 0) -> str:
    """A block mapping or sequence (two-space indentation) of scalars, nested blocks and
    flow collections; some of it is not valid YAML, which both paths must refuse alike."""
    kind = draw(st.sampled_from(["map", "map", "seq"]))
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        choice = draw(st.integers(0, 9)) if depth < 3 else 0
        if choice <= 5:
            value = draw(scalars())
            value = (" " + value) if _inline(value) else " " + value.replace("\n  ", "\n    ")
        elif choice <= 7:
            value = "\n" + textwrap.indent(draw(documents(depth=depth + 1)), "  ")
        else:
            items = draw(st.lists(scalars().filter(_inline), max_size=3))
            value = " [" + ", ".join(items) + "]" if choice == 8 else \
                " {" + ", ".join(f"k{i}: {v}" for i, v in enumerate(items)) + "}"
        if kind == "map":
            key = draw(scalars().filter(_inline)) if draw(st.booleans()) else draw(st.sampled_from(
                ["title", "published", "date", "n"]))
            lines.append(f"{key}:{value}")
        else:
            lines.append(f"-{value}")
    return "\n".join(lines).replace(": \n", ":\n") + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_read_alike(text):
    assert difference(text) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(AMBIGUOUS[:60]), min_size=1, max_size=6), st.sampled_from(["\n", "\r\n"]))
def test_lists_of_ambiguous_plain_scalars_read_alike(values, newline):
    text = newline.join(f"k{i}: {v}" for i, v in enumerate(values)) + newline
    assert difference(text) is None


def test_deep_nesting_never_crashes():
    """A Rust stack overflow would abort Python: the fast path must not see such input."""
    script = textwrap.dedent("""
        from graph.read import yamlsafe
        for text in ["".join(" " * i + "-\\n" for i in range(20000)),
                     "".join(" " * i + "a:\\n" for i in range(20000)),
                     "- " * 20000 + "x\\n", "[" * 100000 + "]" * 100000 + "\\n"]:
            try:
                yamlsafe.load(text)
            except yamlsafe.YAMLProblem as err:
                print(err)
    """)
    run = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("nested more than 1000 levels deep") == 4, run.stdout


def test_large_documents_and_numbers():
    many = "".join(f'k{i}: "value {i}"\nn{i}: {i * 7919}\n' for i in range(400))
    assert fast(many) and difference(many) is None
    more = many * 50  # more indicators than MAX_NESTING: libyaml's (duplicate keys too)
    assert not fast(more) and difference(more) is None
    big = f"n: {'9' * 600}\nm: -{'1' * 400}\n"
    assert fast(big) and difference(big) is None
    assert yamlsafe.load(big)[0]["n"] == int("9" * 600)
    huge = f"n: {'9' * 5000}\n"  # beyond Python's int(str) limit: libyaml's path refuses it
    assert not fast(huge) and difference(huge) is None


@pytest.mark.parametrize("text", ["a: x\x00y\n", "a: x\x07\n", "a: \x7f\n", "a: \x9f\n", "\ufeffa: 1\n",
                                  "a: \ufffe\n", "a: 1\r\n\r\nb: 2\r\n", "a: 'x\r\n  y'\r\n"])
def test_control_characters_boms_and_line_ends(text):
    assert difference(text) is None


def test_works_without_yaml_rs(ai_news):
    """If yaml_rs is missing (or fails to import), kg reads the same on libyaml alone."""
    script = textwrap.dedent(f"""
        import sys
        sys.modules["yaml_rs"] = None  # import yaml_rs now raises ImportError
        sys.path.insert(0, {str(ROOT / "tests")!r})
        from pathlib import Path
        from graph.read import yamlfast, yamlsafe
        from test_yamlfast import front_matters
        from yamlcheck import outcome
        assert yamlfast.yaml_rs is None and not yamlfast._USABLE
        texts = front_matters(Path({str(ai_news)!r}))
        assert all(yamlfast.load(t, yamlsafe._timestamp) is yamlfast.UNSURE for t in texts)
        print(repr([outcome(yamlsafe.load, t) for t in texts]))
    """)
    run = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    from yamlcheck import outcome
    assert run.stdout.strip() == repr([outcome(yamlsafe.load, t) for t in front_matters(ai_news)])
