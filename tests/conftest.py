from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (CI=true, as .ci/run sets) a skipped test is a failed one: everything a test
    needs (the real corpus, the servers, Chromium, rapper) must be there, so a missing
    piece cannot pass unseen. On a contributor's machine a skip stays a skip, with its reason."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be missing: {reason}"
SEEDS = ROOT / "seeds"
AI_NEWS = ROOT.parent / "shared" / "corpora" / "ai-news"


@pytest.fixture(autouse=True, scope="session")
def read_cache_of_the_run(tmp_path_factory):
    """kg load's read cache (graph/pipeline/cache.py) in a folder of this run, for kg in this
    process and in the kg processes the tests start, not in the user's own cache."""
    os.environ["KG_CACHE_DIR"] = str(tmp_path_factory.mktemp("kg-cache"))
    yield
    os.environ.pop("KG_CACHE_DIR", None)


@pytest.fixture(autouse=True, scope="session")
def yaml_fast_path_checked(tmp_path_factory):
    """Every front matter any test loads, in this process or in a worker forked from it,
    is also read on the loader's exact libyaml path: a difference fails the run (an error
    at this fixture's teardown, listing the texts)."""
    from yamlcheck import difference

    from graph.read import yamlsafe

    log = tmp_path_factory.mktemp("yaml-fast-path") / "differences.txt"
    fast = yamlsafe.load

    def checked(text: str, first_line: int = 1):
        found = difference(text, first_line, load=fast)
        if found:
            with open(log, "a", encoding="utf-8") as out:
                out.write(found + "\n")
        return fast(text, first_line)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlsafe, "load", checked)
        yield
    if log.exists():
        pytest.fail("the fast YAML path differs from libyaml's:\n" + log.read_text(encoding="utf-8"))


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture
def ai_news() -> Path:
    if not AI_NEWS.is_dir():
        pytest.skip(f"real corpus not found at {AI_NEWS} (it lives in ../shared/corpora/ai-news)")
    return AI_NEWS


@pytest.fixture
def write_corpus(tmp_path):
    """Write {name: text} as article files into a fresh folder and return it."""

    def write(files: dict[str, str | bytes]) -> Path:
        folder = tmp_path / "corpus"
        folder.mkdir(exist_ok=True)
        for name, text in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        return folder

    return write


@pytest.fixture
def piecewise_corpora(ai_news, write_corpus, monkeypatch) -> list[Path]:
    """Corpora for checking an export assembled from per-file pieces (made in worker
    processes, forced on even for small corpora) against the whole-graph writer: the
    real corpus, and one article in two files (one node, merged from two pieces)."""
    from graph.pipeline import workers as workers_module
    monkeypatch.setattr(workers_module, "PARALLEL_MIN_ITEMS", 1)
    twice = write_corpus({
        "a.md": '---\nwebUrl: "https://a.example/1"\ntitle: "A"\ntopics: [X]\n---\n',
        "b.md": '---\nwebUrl: "https://a.example/1"\ntitle: "A again"\ntopics: [Y]\n---\n',
    })
    return [ai_news, twice]


def load_store(path: Path) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load(path=str(path))
    return store


def kg(*args, cwd=None, env=None, timeout=300) -> subprocess.CompletedProcess:
    """Run the installed `kg` command as a user does (``python -m graph`` where it is not on PATH)."""
    exe = shutil.which("kg")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "graph", *args]
    return subprocess.run(cmd, check=False, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)
