"""The benchmark instrument (bench/): the corpus generator, the measurements, one small run."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime

import pyoxigraph
import pytest
import yaml
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import generate  # noqa: E402
import measure  # noqa: E402

from graph.identity.urls import is_amp_form  # noqa: E402
from graph.pipeline.corpus import parse_source, read_corpus  # noqa: E402

FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def front_matter(path) -> dict:
    return yaml.load(FRONT.match(path.read_text(encoding="utf-8")).group(1), Loader=yaml.CSafeLoader)


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
                               "--seed", "9", str(tmp_path / hash_seed)], env=env, capture_output=True, text=True)
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
    assert re.findall(r"^webUrl: (.)", text, re.M) == ['"'] * 50
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
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "50 files read" in done.stderr
    assert not re.search(r"\b(warning|error)\b", done.stderr), done.stderr  # generated data is clean
    triples = int(re.search(r"(\d+) triples", done.stderr).group(1))
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


def test_one_small_run_writes_table_and_json(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "30", "--formats", "nt",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "kg export nt" in done.stdout and "baseline/kg" in done.stdout
    result = json.loads((tmp_path / "latest.json").read_text())
    assert result["options"]["sizes"] == [30] and result["machine"]["nproc"] == os.cpu_count()
    assert re.fullmatch(r"[0-9a-f]{40}", result["git"]["commit"])
    rows = {r["task"]: r for r in result["rows"]}
    assert rows["floor"]["status"] == "ok" and rows["floor"]["note"] == ""  # parsed all 30 files
    export = rows["export"]
    assert export["status"] == "ok" and export["triples"] > 30 * 15 and export["peak_mb"] > 10
    assert export["kg_over_floor"] > 0 and export["baseline_over_kg"] > 0
    assert rows["baseline"]["status"] == "ok" and rows["baseline"]["triples"] > 30 * 10
    assert rows["load"]["status"] in ("ok", "n/a")
    if rows["load"]["status"] == "ok":
        assert rows["load"]["triples"] > 0
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == []  # corpus and scratch removed
