"""kg validate and kg export --validate: SHACL validation with pySHACL against vocab/shapes.ttl."""
from __future__ import annotations

import shutil

import pyoxigraph
import pytest
from conftest import SEEDS, kg

import graph
from graph.vocabulary.validate import ValidationInputError, format_violations, union_store, validate, validate_store

# A small graph with one node of every kind, valid; each broken case edits it.
VALID = """
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix kg: <https://w3id.org/kg-news/vocab#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://a.example/1> a schema:NewsArticle ; schema:url <https://a.example/1> ;
    schema:headline "One" ; schema:datePublished "2020-07-02T11:00:00Z"^^xsd:dateTime ;
    schema:publisher <https://example.org/kg/provider/a.example> ;
    schema:about <https://example.org/kg/topic/ai> ;
    schema:image <https://a.example/i.jpg> ; schema:relatedLink <https://b.example/2> ;
    kg:quality 5 ; kg:published true ; kg:ampUrl <https://a.example/1?amp> ; kg:sourceFile "1.md" .
<https://b.example/2> a schema:NewsArticle ; schema:url <https://b.example/2> .
<https://example.org/kg/provider/a.example> a schema:Organization ;
    schema:name "A" ; schema:url <https://a.example/> .
<https://example.org/kg/provider/b.example> a schema:Organization ;
    schema:name "B" ; schema:url <https://b.example/> .
<https://example.org/kg/topic/ai> a skos:Concept ;
    skos:prefLabel "AI" ; skos:inScheme <https://example.org/kg/topics> .
<https://example.org/kg/topics> a skos:ConceptScheme ; skos:prefLabel "Topics"@en .
<https://a.example/i.jpg> a schema:ImageObject ; schema:contentUrl <https://a.example/i.jpg> ;
    schema:width 980 ; schema:height 551 ; kg:isCached true .
"""

# name: (text replaced, replacement, shape, path, message fragment)
BROKEN = {
    "missing headline": ('schema:headline "One" ;', "",
                         "kgsh:NewsArticle-headline", "schema:headline", "no headline"),
    "two publishers": ("kg:quality 5 ;", "kg:quality 5 ; schema:publisher <https://example.org/kg/provider/b.example> ;",
                       "kgsh:NewsArticle-publisher", "schema:publisher", "More than 1 values"),
    "publisher not an organization": ("schema:publisher <https://example.org/kg/provider/a.example>",
                                      "schema:publisher <https://example.org/kg/topic/ai>",
                                      "kgsh:NewsArticle-publisher", "schema:publisher", "class schema:Organization"),
    "width 980px": ("schema:width 980", 'schema:width "980px"',
                    "kgsh:ImageObject-width", "schema:width", "datatype xsd:integer"),
    "date typed as string": ('"2020-07-02T11:00:00Z"^^xsd:dateTime', '"2020-07-02T11:00:00Z"',
                             "kgsh:NewsArticle-datePublished", "schema:datePublished", "datatype xsd:dateTime"),
    "topic without prefLabel": ('skos:prefLabel "AI" ;', "",
                                "kgsh:Concept-prefLabel", "skos:prefLabel", "Less than 1 values"),
    "url not the article's IRI": ("schema:url <https://a.example/1>", "schema:url <https://a.example/other>",
                                  "kgsh:NewsArticle-url", "schema:url", "not the node's own IRI"),
    "topic that is not a Concept": ("<https://example.org/kg/topic/ai> a skos:Concept",
                                    "<https://example.org/kg/topic/ai> a schema:Thing",
                                    "kgsh:NewsArticle-about", "schema:about", "class skos:Concept"),
    "image that is not an ImageObject": ("<https://a.example/i.jpg> a schema:ImageObject",
                                         "<https://a.example/i.jpg> a schema:Photograph",
                                         "kgsh:NewsArticle-image", "schema:image", "class schema:ImageObject"),
    "related link that is not an article": ("<https://b.example/2> a schema:NewsArticle ;",
                                            "<https://b.example/2> a schema:WebPage ;",
                                            "kgsh:NewsArticle-relatedLink", "schema:relatedLink", "not the IRI of a news item"),
    "organization without name": ('schema:name "A" ;', "",
                                  "kgsh:Organization-name", "schema:name", "Less than 1 values"),
    "negative height": ("schema:height 551", "schema:height -1",
                        "kgsh:ImageObject-height", "schema:height", ">="),
    "quality as text": ("kg:quality 5", 'kg:quality "high"',
                        "kgsh:quality-range", "kg:quality", "datatype xsd:integer"),
    "published as text": ("kg:published true", 'kg:published "yes"',
                          "kgsh:published-range", "kg:published", "datatype xsd:boolean"),
    "URL as a string": ("kg:ampUrl <https://a.example/1?amp>", 'kg:ampUrl "https://a.example/1?amp"',
                        "kgsh:ampUrl-range", "kg:ampUrl", "IRI"),
    "project term on the wrong node": ("skos:prefLabel \"AI\" ;", 'skos:prefLabel "AI" ; kg:quality 3 ;',
                                       "kgsh:quality-domain", "", "not a news item"),
    "topic outside a scheme": ("skos:inScheme <https://example.org/kg/topics>", "skos:inScheme <https://example.org/kg/other>",
                               "kgsh:Concept-inScheme", "skos:inScheme", "class skos:ConceptScheme"),
    "property no shape allows": ("kg:sourceFile \"1.md\" .", 'kg:sourceFile "1.md" ; schema:author "someone" .',
                                 "kgsh:NewsArticle", "schema:author", "closed"),
}


def check(turtle: str):
    return validate_store(union_store(pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE)))


def test_hand_made_graph_conforms():
    result = check(VALID)
    assert result.conforms and result.violations == [], list(format_violations(result))


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_graph_gives_the_expected_violation(case):
    old, new, shape, path, message = BROKEN[case]
    assert old in VALID
    result = check(VALID.replace(old, new, 1))
    assert not result.conforms
    found = [v for v in result.violations if v.shape == shape and v.path == path and message in v.message]
    assert found, list(format_violations(result))
    assert all(v.focus.startswith("<https://") for v in result.violations)


def test_an_article_known_only_by_its_url_needs_no_headline():
    assert check(VALID).conforms  # <https://b.example/2> has type and url only


def test_seed_conforms():
    result = validate([SEEDS])
    assert result.conforms, list(format_violations(result))
    assert result.triples > 50 and result.corpus is not None


def test_real_corpus_conforms(ai_news):
    result = validate([ai_news])
    assert result.conforms, list(format_violations(result))
    assert result.triples > 2000


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig"])
def test_exports_of_the_real_corpus_conform(ai_news, tmp_path, fmt):
    # N-Quads and TriG keep providers and topics in the corpus graph, away from the
    # articles that link to them: validation takes the union of the graphs.
    written = graph.export([ai_news], [fmt], tmp_path).written
    result = validate(written)
    assert result.conforms, list(format_violations(result))
    assert result.triples == validate([ai_news]).triples


def test_provider_without_a_name_is_named_by_its_domain(write_corpus):
    folder = write_corpus({"a.md": "---\ntitle: A\nwebUrl: https://news.example/a\nprovider:\n  domain: News.Example\n---\n"})
    result = validate([folder])
    assert result.conforms, list(format_violations(result))


def test_json_ld_export_is_read(tmp_path):
    import rdflib
    path = tmp_path / "graph.jsonld"
    rdflib.Graph().parse(data=VALID, format="turtle").serialize(path, format="json-ld")
    result = validate([path])
    assert result.conforms and result.triples == len(rdflib.Graph().parse(data=VALID, format="turtle"))


def test_input_errors(tmp_path, write_corpus):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(ValidationInputError, match="not valid"):
        validate([bad])
    with pytest.raises(ValidationInputError, match="not both"):
        validate([bad, SEEDS])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValidationInputError, match="no article"):
        validate([empty])


# --- the command -------------------------------------------------------------------------



def test_cli_conforms_exit_0(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    run = kg("validate", cwd=tmp_path)  # default input: seeds/
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == ""
    assert "triples conform" in run.stderr


def test_cli_violations_exit_1_grouped_by_shape(tmp_path):
    broken = VALID.replace('schema:headline "One" ;', "").replace(
        "schema:width 980", 'schema:width "980px"').replace(
        "schema:height 551", 'schema:height "551px"^^xsd:integer').replace(
        "<https://b.example/2> a schema:NewsArticle ; schema:url <https://b.example/2> .",
        "<https://b.example/2> a schema:NewsArticle ; schema:url <https://b.example/2> ; schema:abstract \"x\" .")
    path = tmp_path / "graph.ttl"
    path.write_text(broken, encoding="utf-8")
    run = kg("validate", str(path))
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert "kgsh:NewsArticle-headline: 2 violations" in lines
    assert '  <https://a.example/i.jpg> schema:width "980px": Value is not Literal with datatype xsd:integer' in lines
    assert any(line.startswith("  <https://b.example/2> schema:headline -: no headline") for line in lines)
    assert "Traceback" not in run.stderr and "Failed to convert" not in run.stderr
    assert '  <https://a.example/i.jpg> schema:height "551px"^^xsd:integer: Value is not Literal with datatype xsd:integer' in lines
    assert "violations of 3 shapes" in run.stderr
    limited = kg("validate", "--limit", "1", str(path))
    assert "  ... and 1 more" in limited.stdout.splitlines()


@pytest.mark.parametrize("args", [
    ["no-such-folder"],
    ["--limit", "-1"],
])
def test_cli_usage_errors_exit_2(args, tmp_path):
    run = kg("validate", *args, cwd=tmp_path)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr


def test_cli_unreadable_export_exit_2(tmp_path):
    for name, text in [("graph.nt", "not n-triples\n"), ("graph.jsonld", '{"@context": "https://schema.org/"}')]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        run = kg("validate", str(path))
        assert run.returncode == 2, run.stderr
        assert f"{path}: not valid" in run.stderr and "Traceback" not in run.stderr


def test_cli_mixed_or_empty_inputs_exit_2(tmp_path):
    export = tmp_path / "graph.ttl"
    export.write_text(VALID, encoding="utf-8")
    assert kg("validate", str(export), str(SEEDS)).returncode == 2
    assert kg("validate", str(tmp_path)).returncode == 0  # a folder of exports (issue 14): its RDF files
    empty = tmp_path / "empty"
    empty.mkdir()
    assert kg("validate", str(empty)).returncode == 2  # no article, no export


# --- kg export --validate ---------------------------------------------------------------

UNTITLED = "---\nwebUrl: https://news.example/untitled\nquality: 3\n---\n"


def test_export_help_mentions_validate():
    assert "--validate" in kg("export", "--help").stdout


def test_export_validate_writes_a_conforming_graph(tmp_path):
    run = kg("export", "--validate", "-f", "ttl", "-f", "nq", "-o", str(tmp_path), str(SEEDS))
    assert run.returncode == 0, run.stderr
    assert "triples conform" in run.stderr
    assert (tmp_path / "graph.ttl").exists() and (tmp_path / "graph.nq").exists()


def test_export_validate_refuses_to_replace_the_previous_export(tmp_path, write_corpus):
    out = tmp_path / "out"
    assert kg("export", "-f", "ttl", "-f", "nt", "-o", str(out), str(SEEDS)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    corpus = write_corpus({"untitled.md": UNTITLED})
    run = kg("export", "--validate", "-f", "ttl", "-f", "nt", "-o", str(out), str(corpus))
    assert run.returncode == 1
    assert "kgsh:NewsArticle-headline: 1 violation" in run.stdout
    assert "nothing written" in run.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    # Without --validate the same graph is exported (with the reader's warning).
    assert kg("export", "-f", "ttl", "-o", str(out), str(corpus)).returncode == 0


def test_export_function_validate(tmp_path, write_corpus):
    corpus = write_corpus({"untitled.md": UNTITLED})
    result = graph.export([corpus], ["ttl"], tmp_path / "out", validate=True)
    assert result.written == [] and not (tmp_path / "out").exists()
    assert [v.shape for v in result.validation.violations] == ["kgsh:NewsArticle-headline"]


def test_an_export_folder_and_its_files_are_validated(seeds, tmp_path):
    out = tmp_path / "exports"
    assert kg("export", "-f", "all", "-o", str(out), str(seeds)).returncode == 0
    folder = kg("validate", str(out))
    assert folder.returncode == 0, folder.stderr
    assert "triples conform to the shapes" in folder.stderr
    # `kg validate exports/graph.*`: the shell hands over graph.graphml too; it is passed
    # over with a note naming it, and the RDF files are validated.
    every = kg("validate", *sorted(str(p) for p in out.glob("graph.*")))
    assert every.returncode == 0, every.stderr
    assert f"{out / 'graph.graphml'}: warning: is GraphML, not RDF; not validated" in every.stderr
    assert "Traceback" not in every.stderr
    mixed = kg("validate", str(out / "graph.ttl"), str(seeds))
    assert mixed.returncode == 2 and "not both" in mixed.stderr and str(seeds) in mixed.stderr
