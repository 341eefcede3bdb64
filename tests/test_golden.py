"""Output is byte-identical run after run, with or without worker processes, and to the
bytes recorded in tests/golden.json (the SHA-256 of every export of the real corpus and of
a generated one). A change to what kg writes must update that file on purpose:

    python tests/test_golden.py            # prints the new hashes
    python tests/test_golden.py --write    # records them

and, when the mapping itself changed, bump graph.mapping.triples.REVISION so that
kg load maps every file again.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).with_name("golden.json")
AI_NEWS = ROOT.parent / "shared" / "corpora" / "ai-news"
GENERATED = {"articles": 500, "seed": 7}


def generate(out: Path) -> Path:
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--articles", str(GENERATED["articles"]),
                    "--seed", str(GENERATED["seed"]), str(out)], check=True, capture_output=True)
    return out


def hashes(corpus: Path, out: Path, *extra: str) -> dict[str, str]:
    import graph

    graph.export([corpus], ["all"], out, jobs=int(extra[0]) if extra else None)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("golden") / "corpus")


def test_the_real_corpus_gives_the_recorded_bytes(ai_news, tmp_path):
    recorded = json.loads(GOLDEN.read_text())["ai-news"]
    assert hashes(ai_news, tmp_path / "a", "1") == recorded
    assert hashes(ai_news, tmp_path / "b", "2") == recorded


def test_a_generated_corpus_gives_the_recorded_bytes(generated, tmp_path, monkeypatch):
    from graph.pipeline import workers

    recorded = json.loads(GOLDEN.read_text())["generated"]
    assert hashes(generated, tmp_path / "a", "1") == recorded
    monkeypatch.setattr(workers, "PARALLEL_MIN_ITEMS", 1)
    assert hashes(generated, tmp_path / "b", "2") == recorded


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        found = {"ai-news": hashes(AI_NEWS, Path(tmp) / "a"),
                 "generated": hashes(generate(Path(tmp) / "corpus"), Path(tmp) / "g")}
    text = json.dumps(found, indent=2, sort_keys=True) + "\n"
    if "--write" in sys.argv:
        GOLDEN.write_text(text)
    print(text, end="")
