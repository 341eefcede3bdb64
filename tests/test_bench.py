"""The benchmark instrument (bench/): the corpus generator, the measurements, one small run."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime
from types import SimpleNamespace

import pyoxigraph
import pytest
import yaml
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import generate
import measure
import morph
import run as bench_run
import targets

from graph.identity.urls import is_amp_form
from graph.pipeline.corpus import parse_source, read_corpus

FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def front_matter(path) -> dict:
    found = FRONT.match(path.read_text(encoding="utf-8"))
    assert found, path
    return yaml.load(found.group(1), Loader=yaml.CSafeLoader)


def files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def is_in_order(keys, order) -> bool:
    positions = [order.index(k) for k in keys]  # ValueError for a key the order does not know
    return positions == sorted(positions)


def test_same_seed_same_bytes_other_seed_other_corpus(tmp_path):
    generate.generate(tmp_path / "a", 60, seed=3)
    generate.generate(tmp_path / "b", 60, seed=3)
    generate.generate(tmp_path / "c", 60, seed=4)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert len(files(tmp_path / "a")) == 60
    a, c = files(tmp_path / "a"), files(tmp_path / "c")
    assert a != c and not set(a.values()) & set(c.values())


def test_cli_output_does_not_depend_on_hash_seed(tmp_path):
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        done = subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--articles", "40",
                               "--seed", "9", str(tmp_path / hash_seed)], env=env, check=False, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    generate.generate(tmp_path / "api", 40, seed=9)
    assert files(tmp_path / "1") == files(tmp_path / "2") == files(tmp_path / "api")


def test_refuses_a_folder_with_articles(tmp_path):
    generate.generate(tmp_path, 2)
    with pytest.raises(FileExistsError):
        generate.generate(tmp_path, 2)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    generate.generate(folder, 500, seed=11)
    return folder


@pytest.fixture(scope="module")
def docs(corpus):
    return [front_matter(p) for p in sorted(corpus.iterdir())]


def share(docs, test) -> float:
    return sum(1 for d in docs if test(d)) / len(docs)


def test_optional_fields_at_the_real_rates(docs):
    assert len(docs) == 500
    assert share(docs, lambda d: "images" in d) == pytest.approx(77 / 95, abs=0.07)
    assert share(docs, lambda d: "quality" in d) == pytest.approx(63 / 95, abs=0.07)
    assert share(docs, lambda d: "ampWebUrl" in d) == pytest.approx(36 / 95, abs=0.07)
    assert share(docs, lambda d: "related" in d) == pytest.approx(44 / 95, abs=0.07)
    for d in docs:  # fields that come together, come together
        assert ("quality" in d) == ("heat" in d) == ("published" in d)
        assert ("ampWebUrl" in d) == ("cdnAmpWebUrl" in d)


def test_counts_and_pools(docs):
    topics = Counter(len(d["topics"]) for d in docs)
    images = Counter(len(d.get("images", [])) for d in docs)
    related = Counter(len(d["related"]) for d in docs if "related" in d)
    assert set(topics) <= {1, 2, 3, 4} and topics[4] > 0 and topics[1] > 0
    assert set(images) == {0, 1, 2}
    assert set(related) <= set(range(1, 9)) and max(related) >= 4
    assert all(d["topics"][-1] == "AI" for d in docs)
    assert len({t for d in docs for t in d["topics"]}) > 100  # from a pool of a few hundred
    providers = Counter(d["provider"]["domain"] for d in docs)
    assert len(providers) > 100 and providers.most_common(1)[0][1] > 25  # many, and a few big ones


def test_field_order_types_and_quoting(corpus, docs):
    for d in docs:
        assert is_in_order(list(d), generate.FIELD_ORDER)
        assert isinstance(d["publishedDateTime"], datetime)  # unquoted, as in the real files
        assert list(d["provider"])[:2] == ["name", "domain"]
        for image in d.get("images", []):
            assert is_in_order(list(image), generate.IMAGE_ORDER) and isinstance(image["width"], int)
        for rel in d.get("related", []):
            assert is_in_order(list(rel), generate.RELATED_ORDER)
            assert isinstance(rel["publishedDateTime"], datetime) and "images" not in rel["provider"]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(corpus.iterdir())[:50])
    assert re.findall(r"^webUrl: (.)", text, re.MULTILINE) == ['"'] * 50
    assert "title: \"" in text and "isCached: true" in text
    urls = [d["webUrl"] for d in docs] + [r["webUrl"] for d in docs for r in d.get("related", [])]
    assert any("---" in u for u in urls)


def test_the_real_files_have_the_same_field_order(ai_news):
    for path in sorted(ai_news.glob("*.md")):
        d = front_matter(path)
        assert is_in_order(list(d), generate.FIELD_ORDER), path
        for rel in d.get("related", []):
            assert is_in_order(list(rel), generate.RELATED_ORDER), path


def test_a_third_of_related_links_point_inside_the_corpus(corpus):
    # Judged by kg's own identity resolution: AMP forms must fold into the article's node.
    found = read_corpus([corpus])
    res = found.resolution
    articles = [parse_source(source).article for source in found.sources]
    related = [rel for art in articles for rel in art.related]
    inside = [rel for rel in related if res.article_iri(rel.url) in res.files]
    assert len(inside) / len(related) == pytest.approx(0.30, abs=0.07)
    assert sum(1 for rel in inside if is_amp_form(rel.url)) >= 10
    assert sum(1 for rel in related if "cdn.ampproject.org/c/s/" in rel.url) >= 3
    repeated = Counter(res.article_iri(rel.url) for rel in related)
    assert any(n > 1 for n in repeated.values())


def test_kg_exports_a_generated_corpus_cleanly(tmp_path):
    generate.generate(tmp_path / "in", 50, seed=5)
    done = subprocess.run([*kg(), "export", str(tmp_path / "in"), "--format", "nt", "--output", str(tmp_path / "out")],
                          check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "50 files read" in done.stderr
    assert not re.search(r"\b(warning|error)\b", done.stderr), done.stderr  # generated data is clean
    triples = int(re.search(r"([\d,]+) triples", done.stderr).group(1).replace(",", ""))
    assert len(list(pyoxigraph.parse(path=str(tmp_path / "out" / "graph.nt")))) == triples > 50 * 15


def kg() -> list[str]:
    beside = os.path.join(os.path.dirname(sys.executable), "kg")
    return [beside] if os.path.exists(beside) else [sys.executable, "-m", "graph"]


def test_measure_sees_a_grandchild_and_kills_on_timeout():
    grow = ("import os, time\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    x = bytearray(120 * 1024 * 1024); time.sleep(1.0); os._exit(0)\n"
            "os.waitpid(pid, 0)\n")
    done = measure.run([sys.executable, "-c", grow])
    assert done.returncode == 0
    assert done.peak_mb >= 120  # wait4: the largest process of the tree
    assert done.tree_mb is not None and done.tree_mb >= 120
    slow = measure.run([sys.executable, "-c", "import time; time.sleep(60)"], timeout=0.3)
    assert slow.timed_out and slow.returncode != 0


@pytest.fixture(scope="module")
def morph_engine():
    # Its own venv under bench/out (git-ignored), made once (~30 s) and reused by later runs.
    engine = morph.ensure(ROOT / "bench" / "out" / "morph-kgc-venv")
    assert engine.python, engine.reason
    return engine


def bench(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), *args],
                          check=False, capture_output=True, text=True, timeout=timeout)


def test_one_small_run_writes_table_targets_and_json(tmp_path, morph_engine):
    done = bench("--sizes", "30", "--formats", "ttl,nq", "--sync-size", "30", "--morph-kgc", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "kg export ttl" in done.stdout and "baseline/kg" in done.stdout and "kg/yaml_rs" in done.stdout
    assert "target" in done.stdout and "not measured" in done.stdout  # nothing at 10,000 here
    result = json.loads((tmp_path / "latest.json").read_text())
    assert result["options"]["sizes"] == [30] and result["machine"]["nproc"] == os.cpu_count()
    assert re.fullmatch(r"[0-9a-f]{40}", result["git"]["commit"])
    rows = {(r["task"], r["format"]): r for r in result["rows"]}
    assert not any(r["status"] != "ok" for r in result["rows"]), result["rows"]
    for floor in ("floor", "floor_rs"):
        assert rows[floor, None]["note"] == "" and rows[floor, None]["seconds"] > 0  # parsed all 30 files
    export = rows["export", "ttl"]
    assert export["triples"] > 30 * 15 and export["peak_mb"] > 10
    assert export["kg_over_floor"] > 0 and export["kg_over_floor_rs"] > 0 and export["baseline_over_kg"] > 0
    assert rows["baseline", None]["triples"] > 30 * 10
    engine = rows["morph", None]
    assert "JSON conversion before it" in engine["note"] and engine["note"].endswith("not timed")
    assert engine["triples"] == rows["baseline", None]["triples"]  # the same mapping, the same graph
    assert export["morph_over_kg"] == pytest.approx(engine["seconds"] / export["seconds"])
    assert result["morph_kgc"]["version"] == morph.PACKAGE.split("==")[1]
    load = rows["load", None]
    assert load["triples"] == rows["export", "nq"]["triples"] and load["triples_per_s"] > 0
    sync = rows["sync", None]
    assert [r["changed"] for r in sync["runs"]] == [1] and sync["runs"][0]["first_seconds"] > 0
    assert sync["first_load_seconds"] > 0 and sync["load_over_sync"] > 0
    assert sync["note"].startswith("1 of 30 files changed; first load") and "kg updated" not in sync["note"]
    judged_here = {t["name"] for t in result["targets"] if t["status"] != "not measured"}
    assert rows["network", None]["seconds"] > 0 and rows["draw", None]["seconds"] > 0
    assert len(result["targets"]) == 17  # nothing at 10,000 or 100,000; the sync at the size it was run at
    assert judged_here == {"kg load after changing 1% of the files at least 5x faster than the first load (30)"}
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == []  # corpus and scratch removed

    # The same rows judged at their own size: every target this run has rows for gets a figure.
    judged = {t.name: t for t in targets.check([SimpleNamespace(**r) for r in result["rows"]],
                                               size=30, sync_size=30, large=30)}
    measured = {name for name, t in judged.items() if t.status != "not measured"}
    assert measured == {
        "kg export ttl at most 1.0x the libyaml floor (30)",
        "kg export ttl at least 15x faster than the naive rdflib baseline (30)",
        "kg export ttl at least 8x faster than Morph-KGC (30)",
        "kg load into a new embedded store at least 100,000 triples/s (30)",
        "kg load after changing 1% of the files at least 5x faster than the first load (30)",
        "kg export ttl peak RSS at 30 at most 250 MB", "kg export ttl peak RSS at 30 at most 1.5x the 30 figure",
        "kg export nq peak RSS at 30 at most 250 MB", "kg export nq peak RSS at 30 at most 1.5x the 30 figure",
        "kg export --network full at most 1.5x the ttl export (30; issue 12)",
        "kg draw of the provider network under 10 s (30; issue 12)",
    }
    faster = judged["kg export ttl at least 15x faster than the naive rdflib baseline (30)"]
    assert faster.value == pytest.approx(rows["baseline", None]["seconds"] / export["seconds"])
    assert "jsonld in --formats" in judged["kg export jsonld at most 1.5x the libyaml floor (30)"].reason


def test_targets_are_judged_on_the_ratios_of_one_run():
    Row = bench_run.Row

    def run_of(seconds, peak=50.0, **extra):
        return [{"seconds": seconds, "peak_mb": peak, "tree_mb": peak, "returncode": 0, **extra}]

    rows = [Row(10000, "floor", "f", runs=run_of(2.0)), Row(10000, "floor_rs", "r", runs=run_of(0.5)),
            Row(10000, "export", "ttl", format="ttl", runs=run_of(1.9, 60)),
            Row(10000, "export", "nt", format="nt", runs=run_of(2.1, 100)),
            Row(10000, "export", "nq", format="nq", runs=run_of(2.2, 60, triples=300_000)),
            Row(10000, "export", "jsonld", format="jsonld", runs=run_of(3.2)),
            Row(10000, "export", "graphml", format="graphml", runs=run_of(2.9)),
            Row(10000, "load", "load", runs=run_of(2.5)),
            Row(10000, "network", "n", runs=run_of(3.0)), Row(10000, "draw", "d", runs=run_of(11.0)),
            Row(10000, "baseline", "b", runs=run_of(30.0)), Row(10000, "morph", "m", runs=run_of(14.0)),
            Row(5000, "sync", "s", runs=run_of(0.3, first_seconds=1.8, changed=50)),
            Row(100000, "export", "ttl", format="ttl", runs=run_of(19, 89)),
            Row(100000, "export", "nt", format="nt", runs=run_of(19, 240)),
            Row(100000, "export", "jsonld", format="jsonld", runs=run_of(30, 401))]
    bench_run.summarize(rows)
    judged = {t.name: t for t in targets.check(rows)}
    status = {name: t.status for name, t in judged.items()}

    def one(part):
        [name] = [n for n in status if part in n]
        return judged[name]

    assert one("ttl at most 1.0x").status == "met" and one("ttl at most 1.0x").value == pytest.approx(0.95)
    assert "3.80x the yaml_rs floor" in one("ttl at most 1.0x").measured
    assert one("15x faster").status == "met" and one("15x faster").value == pytest.approx(30 / 1.9)
    assert one("8x faster").status == "missed" and one("8x faster").value == pytest.approx(14 / 1.9)
    assert one("jsonld at most 1.5x").status == "missed" and one("graphml at most 1.5x").status == "met"
    assert one("100,000 triples/s").status == "met" and one("100,000 triples/s").value == pytest.approx(120_000)
    assert one("first load").status == "met" and one("first load").value == pytest.approx(6.0)
    assert one("--network full").status == "missed" and one("--network full").value == pytest.approx(3.0 / 1.9)
    assert one("kg draw").status == "missed" and one("kg draw").value == pytest.approx(11.0)
    assert one("ttl peak RSS at 100,000 at most 250").status == "met"
    assert one("ttl peak RSS at 100,000 at most 1.5x").status == "met"     # 60 -> 89 MB: 1.48x
    assert one("nt peak RSS at 100,000 at most 1.5x").status == "missed"    # 100 -> 240 MB
    assert one("jsonld peak RSS").status == "missed" and one("graphml peak RSS").status == "not measured"
    assert "--large" in one("graphml peak RSS").reason and one("nq peak RSS at 100,000 at most 250").reason


def test_the_sync_changes_the_same_titles_every_time(tmp_path):
    for name in ("a", "b"):
        generate.generate(tmp_path / name, 250, seed=4)
        changed = bench_run.change_files(tmp_path / name, 0.01)
        assert [p.name for p in changed] == sorted(p.name for p in changed) and len(changed) == 2  # 1% of 250, rounded
    assert files(tmp_path / "a") == files(tmp_path / "b")
    generate.generate(tmp_path / "fresh", 250, seed=4)
    before, after = files(tmp_path / "fresh"), files(tmp_path / "a")
    differ = [n for n in before if before[n] != after[n]]
    assert differ == [p.name for p in changed]
    for name in differ:
        old, new = front_matter(tmp_path / "fresh" / name), front_matter(tmp_path / "a" / name)
        assert new.pop("title") == old.pop("title") + " (revised)" and new == old


def test_both_floors_parse_the_same_files(write_corpus):
    good = sorted((ROOT / "seeds").iterdir())
    assert good
    corpus = write_corpus({**{p.name: p.read_text(encoding="utf-8") for p in good},
                           "no-front-matter.md": "just text\n", "broken.md": "---\ntitle: [unclosed\n---\n",
                           "list.md": "---\n- a\n- b\n---\n"})
    counts = []
    for parser in ("libyaml", "yaml_rs"):
        done = subprocess.run([sys.executable, str(ROOT / "bench" / "floor.py"), str(corpus), "--parser", parser],
                              check=False, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        counts.append(json.loads(done.stdout))
    assert counts[0]["files"] == counts[1]["files"] == counts[0]["parsed"] + 3
    assert counts[0]["parsed"] == counts[1]["parsed"] > 0
    assert [c["parser"] for c in counts] == ["libyaml", "yaml_rs"]


def test_morph_kgc_row_says_why_when_it_cannot_be_had(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    done = bench("--sizes", "20", "--formats", "nt", "--sync-size", "0", "--no-baseline", "--morph-kgc",
                 "--morph-venv", str(tmp_path / "a-file" / "venv"), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr  # an engine we cannot install never fails the run
    result = json.loads((tmp_path / "out" / "latest.json").read_text())
    [row] = [r for r in result["rows"] if r["task"] == "morph"]
    assert row["status"] == "n/a" and "Morph-KGC cannot be had: cannot make" in row["note"] and row["runs"] == []
    assert result["morph_kgc"]["python"] is None
    assert "n/a" in done.stdout and "Morph-KGC cannot be had" in done.stdout


def triples_of(path, fmt):
    return set(pyoxigraph.parse(path=str(path), format=fmt))


def test_morph_kgc_maps_what_the_baseline_maps(tmp_path, morph_engine):
    generate.generate(tmp_path / "corpus", 60, seed=8)
    converted = subprocess.run([sys.executable, str(morph.CONVERT), str(tmp_path / "corpus"), str(tmp_path / "json")],
                               check=False, capture_output=True, text=True, timeout=60)
    assert converted.returncode == 0, converted.stderr
    counts = json.loads(converted.stdout)
    assert counts["articles"] == 60 and counts["topics"] >= 60 and counts["related"] > 0 and counts["images"] > 0
    config = morph.write_config(tmp_path, tmp_path / "morph.nt")
    done = subprocess.run([morph_engine.python, "-m", "morph_kgc", str(config)], cwd=tmp_path / "json",
                          check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    base = subprocess.run([sys.executable, str(ROOT / "bench" / "baseline.py"), str(tmp_path / "corpus"),
                           str(tmp_path / "base.ttl")], check=False, capture_output=True, text=True, timeout=120)
    assert base.returncode == 0, base.stderr
    mapped = triples_of(tmp_path / "morph.nt", pyoxigraph.RdfFormat.N_TRIPLES)
    expected = triples_of(tmp_path / "base.ttl", pyoxigraph.RdfFormat.TURTLE)
    assert len(expected) == int(base.stdout.split()[-1]) > 60 * 15
    assert mapped == expected  # the same fields, to the same triples, term for term
    assert morph.distinct_lines(tmp_path / "morph.nt") == len(expected)
