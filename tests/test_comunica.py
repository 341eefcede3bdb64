"""A second, independent SPARQL engine: Comunica (JavaScript, `tests/js`, installed with
`npm ci --prefix tests/js`), run on kg's Turtle export of the real corpus, gives every
bundled query the rows the embedded store gives (Oxigraph and Virtuoso are checked
against the embedded store in test_remote.py)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from conftest import AI_NEWS, ROOT
from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results
from test_remote import PARAMS

import graph
from graph.store.query import bind_values, bundled, parse_params

COMUNICA = ROOT / "tests" / "js" / "node_modules" / ".bin" / "comunica-sparql-file"


def rows(solutions: QuerySolutions) -> list[tuple[str, ...]]:
    names = [v.value for v in solutions.variables]
    return [tuple(str(s[n]) if s[n] is not None else "" for n in names) for s in solutions]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    if not COMUNICA.exists():
        pytest.skip(f"Comunica is not installed ({COMUNICA}): npm ci --prefix tests/js")
    if shutil.which("node") is None:
        pytest.skip("node is not installed (Debian: apt-get install nodejs)")
    if not AI_NEWS.is_dir():
        pytest.skip(f"real corpus not found at {AI_NEWS}")
    folder = tmp_path_factory.mktemp("comunica")
    graph.export([AI_NEWS], ["ttl"], folder / "out")
    graph.load([AI_NEWS], folder / "store")
    return folder / "out" / "graph.ttl", folder / "store"


@pytest.mark.parametrize("name", sorted(bundled()))
def test_comunica_gives_every_bundled_query_the_same_rows(exported, name, tmp_path):
    turtle, store = exported
    spec = bundled()[name]
    params = PARAMS.get(name, {})
    text = bind_values(spec.text, parse_params([f"{k}={v}" for k, v in params.items()], spec.text, spec))
    # Rows are compared as sets, without LIMIT: Comunica 4.5 does not always sort an aggregate's
    # groups (most-linked: .../zdnet.com/video/... before .../zdnet.com/article/...), so the
    # order and the first N are not its to check (Oxigraph and Virtuoso agree on them).
    text = re.sub(r"\bLIMIT\s+\d+\s*$", "", text.rstrip())
    (tmp_path / "q.rq").write_text(text, encoding="utf-8")
    done = subprocess.run([str(COMUNICA), str(turtle), "-f", str(tmp_path / "q.rq"),
                           "-t", "application/sparql-results+json"],
                          capture_output=True, check=False, timeout=180)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    answer = json.loads(done.stdout)  # SPARQL JSON results, with Comunica's own "metadata" member
    theirs = parse_query_results(json.dumps({"head": answer["head"], "results": answer["results"]}).encode(),
                                 format=QueryResultsFormat.JSON)
    assert isinstance(theirs, QuerySolutions)
    ours = graph.run_query(text, store)
    expected = rows(ours)
    assert expected, f"{name} has results on the real corpus"
    # The same rows, typed the same way.
    assert sorted(rows(theirs)) == sorted(expected)
