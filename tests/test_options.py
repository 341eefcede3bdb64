"""One options object, checked where it is made: by the library, for every command."""
from __future__ import annotations

import pytest
from conftest import kg

import graph
from graph.options import Options, OptionsError

BAD_BASES = ["https://x.org", "http://a b/", "rel/", "%zz/", "https://x.org/%zz/", ""]


@pytest.mark.parametrize("base", BAD_BASES)
def test_a_bad_base_is_refused_by_the_library_before_anything_is_read(base, tmp_path):
    with pytest.raises(OptionsError) as err:
        graph.export(["no-such-folder"], ["ttl"], tmp_path / "out", base=base)
    assert err.value.option == "base"
    assert not (tmp_path / "out").exists()
    for call in (lambda: graph.load(["seeds"], tmp_path / "store", base=base),
                 lambda: graph.stats(["seeds"], base=base),
                 lambda: graph.read_corpus(["seeds"], base=base)):
        with pytest.raises(OptionsError):
            call()
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize("command", ["export", "load", "stats", "validate"])
@pytest.mark.parametrize("base", ["not a url/", "http://a b/", "rel/", "%zz/", "https://x.org"])
def test_a_bad_base_is_a_usage_error_naming_the_problem(command, base, seeds, tmp_path):
    args = [command, str(seeds), "--base", base]
    args += {"export": ["-o", str(tmp_path / "out")], "load": ["--store", str(tmp_path / "store")]}.get(command, [])
    run = kg(*args)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "--base" in run.stderr and ("must end with" in run.stderr or "not an absolute IRI" in run.stderr)


def test_options_are_keyword_only_and_checked():
    assert Options().base == graph.DEFAULT_BASE
    with pytest.raises(TypeError):
        Options("https://x.org/")  # type: ignore[misc]
    for bad in ({"jobs": 0}, {"jobs": "2"}, {"max_file_size": 0}, {"max_file_size": 1.5}):
        with pytest.raises(OptionsError):
            Options(**bad)


def test_a_good_base_mints_under_it(seeds):
    found = graph.stats([seeds], base="https://news.example/kg#")
    assert found.counts["providers"] == 3
    triples = list(graph.read_corpus([seeds], base="https://news.example/kg#").triples())
    assert any(s.startswith("https://news.example/kg#provider/") for s, _, _, _ in triples)


@pytest.mark.parametrize("command", ["export", "load", "stats"])
def test_a_site_url_with_a_password_is_refused_without_showing_it(command, seeds, tmp_path):
    args = [command, str(seeds), "--site-url", "https://editor:s3cret-Word@news.example/site"]
    args += {"export": ["-o", str(tmp_path / "out")], "load": ["--store", str(tmp_path / "store")]}.get(command, [])
    run = kg(*args)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert "--site-url" in run.stderr and "user name or password" in run.stderr
    assert "s3cret" not in run.stderr + run.stdout
    assert not (tmp_path / "out").exists() and not (tmp_path / "store").exists()
