"""The `kg` command: a thin click layer over the Python API."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__, formats
from .commands.export import STDOUT, OutputError, atomic_writer
from .commands.export import export as export_corpus
from .commands.load import LoadError
from .commands.load import load as load_corpus
from .identity.iris import corpus_graph_iri
from .pipeline.corpus import read_corpus
from .problems import Report, printable
from .progress import Progress
from .read.files import DEFAULT_MAX_FILE_SIZE
from .store.embedded import DEFAULT_STORE, EmbeddedStore
from .store.query import (
    FORMATS,
    QueryError,
    bundled,
    check_format,
    format_results,
    query_form,
    resolve_query,
    run_query,
)
from .store.remote import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    WRITERS,
    GraphStoreClient,
    RemoteStore,
)
from .terms import DEFAULT_BASE

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_BROKEN_PIPE = 141  # what a shell reports for a command stopped by SIGPIPE


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="kg")
def main() -> None:
    """kg: turn a corpus of news articles (Markdown files with YAML front matter)
    into a knowledge graph: Turtle, JSON-LD, GraphML, N-Triples, N-Quads, TriG.
    """


def _format_choice(ctx, param, values):
    try:
        return [fmt.name for fmt in formats.select(values)]
    except KeyError as err:
        raise click.BadParameter(err.args[0]) from None


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("-f", "--format", "format_", multiple=True, default=("ttl",), show_default=True,
              callback=_format_choice, metavar="FORMAT",
              help=f"Output format, repeatable: {', '.join(formats.known())}, or all.")
@click.option("-o", "--output", default="exports", show_default=True, type=click.Path(file_okay=False),
              help="Folder the export files are written to (graph.ttl, ...); '-' writes the one "
                   "format chosen to standard output.")
@click.option("--compact-json", is_flag=True, help="Write JSON-LD on one line instead of indented.")
@click.option("--base", default=DEFAULT_BASE, show_default=True,
              help="Base IRI under which provider, topic and source-graph IRIs are minted.")
@click.option("--max-file-size", default=DEFAULT_MAX_FILE_SIZE, show_default=True, type=click.IntRange(min=1),
              help="Files larger than this many bytes are skipped.")
@click.option("--explain-merges", is_flag=True,
              help="Print which inputs were merged into which node, and why.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for parsing (default: all cores; 1 for none).")
@click.option("--validate", "validate_", is_flag=True,
              help="Check the graph against the SHACL shapes first; write nothing if it does not conform.")
@click.option("--strict", is_flag=True,
              help="Fail (exit 1, write nothing) on any problem: errors, warnings, unknown fields.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems: no progress, no summary.")
def export(inputs, format_, output, compact_json, base, max_file_size, explain_merges, jobs, validate_, strict,
           quiet):
    """Export the articles in INPUTS (files or folders, default: seeds/) as a knowledge graph.

    Folders are searched recursively for .md, .markdown and .txt files that
    begin with a '---' front-matter line. Problems with the data are reported on
    stderr as PATH:LINE: LEVEL: MESSAGE; bad files are skipped and the rest is
    exported.
    """
    if not base.endswith(("/", "#")):
        raise click.BadParameter("must end with '/' or '#'", param_hint="--base")
    to_stdout = output == STDOUT
    if to_stdout and len(format_) != 1:
        raise click.UsageError(f"--output {STDOUT} writes one format to standard output; "
                               f"{len(format_)} were chosen ({', '.join(format_)})")
    report, progress = _reporting(quiet)
    try:
        result = export_corpus(inputs or ("seeds",), format_, output, base, report, max_file_size, jobs,
                               explain=explain_merges, validate=validate_, strict=strict, progress=progress,
                               options={"compact_json": compact_json})
    except BrokenPipeError:  # `kg export -o - | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        sys.exit(EXIT_BROKEN_PIPE)
    except (OutputError, OSError, formats.FormatError) as err:  # no traceback, previous files kept
        click.echo(f"kg: error: {printable(str(err))}", err=True)
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        click.echo("kg: interrupted; export files are replaced only when complete, "
                   "so none was left half-written", err=True)
        sys.exit(EXIT_INTERRUPTED)
    corpus = result.corpus
    _report_unmapped(corpus)
    if explain_merges:
        for line in corpus.explain_merges():
            click.echo(printable(line), err=to_stdout)  # stdout holds the graph
    if result.validation is not None:
        _print_validation(result.validation)
    warnings = report.warnings + len(corpus.unmapped)
    if not quiet:
        click.echo(
            f"kg: {_describe(corpus.counts())}, {result.triples} triples; "
            f"{report.errors} errors, {warnings} warnings; {result.seconds:.2f} s -> "
            f"{', '.join(map(str, result.written)) or 'nothing written'}",
            err=True,
        )
    if result.stopped:
        click.echo(f"kg: error: {result.stopped}", err=True)
        sys.exit(EXIT_FAILED)


def _reporting(quiet: bool) -> tuple[Report, Progress]:
    """Problems go to stderr as found; a progress line too when stderr is a terminal."""
    progress = Progress(sys.stderr, enabled=False if quiet else None)
    return Report(stream=sys.stderr, before_print=progress.clear), progress


def _report_unmapped(corpus) -> None:
    for name, count in sorted(corpus.unmapped.items()):
        click.echo(printable(f"kg: warning: unmapped field {name} in {count} file{'s' * (count != 1)}"), err=True)


def _describe(c: dict) -> str:
    merges = ", ".join(f"{n} {kind}" for kind, n in c["merges"].items()) or "none"
    return (f"{c['files']} files read ({c['skipped']} skipped), {c['articles']} articles ({c['with_file']} with a file, "
            f"{c['without_file']} only linked), {c['providers']} providers, {c['topics']} topics, "
            f"{c['images']} images, merges: {merges}")


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("--base", default=DEFAULT_BASE, show_default=True, help="Base IRI for minted IRIs.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--explain-merges", is_flag=True, help="Also list which inputs were merged into which node.")
def stats(inputs, base, as_json, explain_merges):
    """Count what the graph of INPUTS (default: seeds/) would hold, without writing exports.

    Articles (with their own file, and only linked as related), providers,
    topics, images, and merges by kind.
    """
    import json

    report = Report(stream=sys.stderr)
    corpus = read_corpus(inputs or ("seeds",), base, report, explain=explain_merges)
    _report_unmapped(corpus)
    counts = corpus.counts()
    if as_json:
        click.echo(json.dumps(counts, indent=2, sort_keys=True))
    else:
        width = max(len(k) for k in counts)
        for key, value in counts.items():
            if key == "merges":
                value = ", ".join(f"{n} {kind}" for kind, n in value.items()) or "none"
            click.echo(f"{key.replace('_', ' '):<{width}}  {value}")
    if explain_merges:
        for line in corpus.explain_merges():
            click.echo(printable(line))
    if not corpus.exported:
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=str))
@click.option("--base", default=DEFAULT_BASE, show_default=True,
              help="Base IRI for minted IRIs, when INPUTS are article files.")
@click.option("--max-file-size", default=DEFAULT_MAX_FILE_SIZE, show_default=True, type=click.IntRange(min=1),
              help="Article files larger than this many bytes are skipped.")
@click.option("--limit", default=0, show_default=True, type=click.IntRange(min=0),
              help="Show at most this many violations per shape (0: all).")
def validate(inputs, base, max_file_size, limit):
    """Check a graph against kg's SHACL shapes (vocab/shapes.ttl).

    INPUTS are either article files and folders (default: seeds/), mapped as
    kg export maps them, or export files (.ttl, .nt, .nq, .trig, .jsonld);
    the union of their graphs is checked. Violations are printed on stdout,
    grouped and counted by shape: focus node, path, value and message.
    Exit status: 0 conforms, 1 violations, 2 usage error or unreadable input.
    """
    from .vocabulary.validate import ValidationInputError
    from .vocabulary.validate import validate as validate_graph

    if not base.endswith(("/", "#")):
        raise click.BadParameter("must end with '/' or '#'", param_hint="--base")
    report = Report(stream=sys.stderr)
    try:
        result = validate_graph(inputs or ("seeds",), base, report, max_file_size)
    except ValidationInputError as err:
        click.echo(f"kg: error: {printable(str(err))}", err=True)
        sys.exit(EXIT_USAGE)
    _print_validation(result, limit)
    sys.exit(EXIT_OK if result.conforms else EXIT_FAILED)


def _print_validation(result, limit: int = 0) -> None:
    from .vocabulary.validate import format_violations

    for line in format_violations(result, limit):
        click.echo(line)
    if result.conforms:
        click.echo(f"kg: {result.triples:,} triples conform to the shapes ({result.seconds:.2f} s)", err=True)
    else:
        shapes = len(result.by_shape())
        click.echo(f"kg: {len(result.violations):,} violation{'s' * (len(result.violations) != 1)} of "
                   f"{shapes} shape{'s' * (shapes != 1)} in {result.triples:,} triples "
                   f"({result.seconds:.2f} s)", err=True)


@main.command("vocab-doc")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="Write the reference to this file (e.g. vocab/README.md) instead of stdout.")
@click.option("--check", is_flag=True,
              help="Do not write: exit 1 if the --output file differs from the generated reference.")
def vocab_doc(output, check):
    """Generate the vocabulary reference (vocab/README.md) from the ontology and the shapes."""
    from .vocabulary.doc import render

    text = render()
    if check:
        if not output:
            raise click.UsageError("--check needs --output FILE")
        try:
            current = Path(output).read_text(encoding="utf-8")
        except OSError as err:
            click.echo(f"kg: error: cannot read {output}: {printable(err.strerror or str(err))}", err=True)
            sys.exit(EXIT_FAILED)
        if current != text:
            click.echo(f"kg: {output} is out of date; run: kg vocab-doc -o {output}", err=True)
            sys.exit(EXIT_FAILED)
        return
    if not output:
        click.echo(text, nl=False)
        return
    try:
        with atomic_writer(Path(output)) as out:
            out.write(text.encode("utf-8"))
    except OSError as err:
        click.echo(f"kg: error: cannot write {output}: {printable(err.strerror or str(err))}", err=True)
        sys.exit(EXIT_FAILED)


# --- load and query: the store ------------------------------------------------------

def _remote_options(f):
    """Options shared by every command that talks to a server."""
    for option in reversed([
        click.option("--user", envvar="KG_USER", show_envvar=True,
                     help="User name for HTTP authentication (Basic or Digest, as the server asks)."),
        click.option("--password", envvar="KG_PASSWORD", show_envvar=True,
                     help="Password for HTTP authentication (prefer the environment variable: "
                          "options show in the process list)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
                     help="Seconds one request may take, all of it: connecting, sending and receiving."),
        click.option("--retries", type=click.IntRange(min=0), default=DEFAULT_RETRIES, show_default=True,
                     help="Retries (after 1 s, 2 s, 4 s, ...) on timeouts, dropped connections, 429 and 5xx "
                          "answers; a refused connection fails at once."),
    ]):
        f = option(f)
    return f


def _client(endpoint, query_endpoint, user, password, timeout, retries, connections=WRITERS, notify=None):
    try:
        return GraphStoreClient(endpoint, query_endpoint, user, password, timeout, retries,
                                connections=connections, notify=notify)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def _notifier(progress: Progress | None = None, quiet: bool = False):
    """Retries are shown as they happen (a server that is slow to answer is not silent)."""
    def notify(message: str) -> None:
        if progress is not None:
            progress.clear()
        click.echo(printable(f"kg: warning: {message}"), err=True)
    return None if quiet else notify


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("--store", "store_dir", type=click.Path(file_okay=False), default=None,
              help=f"Folder of the embedded store.  [default: {DEFAULT_STORE}]")
@click.option("--endpoint", metavar="URL",
              help="Load into a remote store instead: its SPARQL 1.1 Graph Store Protocol URL "
                   "(Oxigraph: http://HOST:7878/store).")
@click.option("--query-endpoint", metavar="URL",
              help="The server's SPARQL query URL, where it is not --endpoint itself "
                   "(Oxigraph: http://HOST:7878/query); kg reads its record of loaded graphs there.")
@_remote_options
@click.option("--connections", type=click.IntRange(min=1), default=WRITERS, show_default=True,
              help="Requests a sync to a server sends at once.")
@click.option("--base", default=DEFAULT_BASE, show_default=True,
              help="Base IRI under which provider, topic and source-graph IRIs are minted.")
@click.option("--max-file-size", default=DEFAULT_MAX_FILE_SIZE, show_default=True, type=click.IntRange(min=1),
              help="Files larger than this many bytes are skipped.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for parsing (default: all cores; 1 for none).")
@click.option("-v", "--verbose", is_flag=True, help="List every source added, updated and removed.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems: no progress, no report of changes.")
def load(inputs, store_dir, endpoint, query_endpoint, user, password, timeout, retries, connections, base,
         max_file_size, jobs, verbose, quiet):
    """Load the graph of INPUTS (default: seeds/) into a triple store and keep it in step.

    Each source file's triples go into a named graph of their own (BASE/source/PATH),
    providers and topics into BASE/corpus. Loading again syncs: graphs whose content
    changed are replaced, graphs of files that are gone are dropped, the rest is not
    touched. The store then holds exactly the graph of INPUTS. A failed load leaves the
    embedded store as it was; on a server, only the graphs reported as written were.
    """
    if store_dir and endpoint:
        raise click.UsageError("give --store or --endpoint, not both")
    if query_endpoint and not endpoint:
        raise click.UsageError("--query-endpoint goes with --endpoint")
    if not base.endswith(("/", "#")):
        raise click.BadParameter("must end with '/' or '#'", param_hint="--base")
    report, progress = _reporting(quiet)
    if endpoint:
        target = RemoteStore(_client(endpoint, query_endpoint, user, password, timeout, retries, connections,
                                     _notifier(progress, quiet)))
    else:
        target = EmbeddedStore(store_dir or DEFAULT_STORE)
    try:
        result = load_corpus(inputs or ("seeds",), target, base, report, max_file_size, jobs, progress)
    except LoadError as err:
        progress.finish()
        click.echo(f"kg: error: {printable(str(err))}", err=True)
        if err.result is not None:
            _report_failed_load(err.result, verbose)
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        click.echo("kg: interrupted; " + (
            "the store is as it was, or wholly loaded if the load was just ending: never half-written"
            if isinstance(target, EmbeddedStore) else
            "graphs not confirmed as written are rewritten by the next kg load"), err=True)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        if isinstance(target, EmbeddedStore):
            target.close()
    _report_unmapped(result.corpus)
    if not quiet:
        _report_load(result, verbose)


_LISTED = 20  # changed sources listed without --verbose


def _report_load(result, verbose: bool) -> None:
    p = result.plan
    listed = 0
    for state, iris in (("added", p.added), ("updated", p.updated), ("removed", p.removed)):
        for rel in result.sources(iris):
            if verbose or listed < _LISTED:
                click.echo(printable(f"{state:<8} {rel}"))
            listed += 1
    if listed > _LISTED and not verbose:
        click.echo(f"... and {listed - _LISTED} more (--verbose lists them all)")
    n = {state: len(result.sources(getattr(p, state))) for state in ("added", "updated", "removed", "unchanged")}
    click.echo(printable(
        f"{result.target}: sources {n['added']} added, {n['updated']} updated, {n['removed']} removed, "
        f"{n['unchanged']} unchanged; corpus graph {result.corpus_graph()}; "
        f"triples {result.triples_before:,} -> {result.triples_after:,}; {result.seconds:.2f} s"))


def _report_failed_load(result, verbose: bool) -> None:
    """After the error line: what was done before the failure and what was not, once each."""
    p = result.plan
    written, deleted = set(result.written), set(result.deleted)
    if not written and not deleted:
        return  # the error says that nothing was written
    click.echo(printable(
        f"kg: {result.target}: NOT complete: {len(written)} of {len(p.writes)} graphs written, "
        f"{len(deleted)} of {len(p.removed)} removed; triples {result.triples_before:,} -> "
        f"{result.triples_after:,}; {result.seconds:.2f} s"), err=True)
    todo = [(verb, iri) for verb, iris, done in (("written", p.writes, written), ("removed", p.removed, deleted))
            for iri in iris if iri not in done]
    if not todo:
        return

    corpus_iri = corpus_graph_iri(result.corpus.base)

    def name(iri: str) -> str:
        rel = result.sources([iri])
        return "the corpus graph" if iri == corpus_iri else rel[0] if rel else iri

    if verbose:
        for verb, iri in todo:
            click.echo(printable(f"  not {verb}: {name(iri)}"), err=True)
        click.echo("kg: the next kg load does them", err=True)
        return
    for verb in ("written", "removed"):
        names = [name(iri) for v, iri in todo if v == verb]
        if names:
            more = f", and {len(names) - _LISTED} more (--verbose lists them all)" if len(names) > _LISTED else ""
            click.echo(printable(f"kg: not {verb}: {', '.join(names[:_LISTED])}{more}"), err=True)
    click.echo("kg: the next kg load does them", err=True)


@main.command()
@click.argument("query_arg", metavar="QUERY", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind the query variable ?NAME to VALUE (a string; <IRI> for an IRI). Repeatable.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="SELECT and ASK: table, csv, tsv or json. CONSTRUCT and DESCRIBE: ttl (Turtle, "
                   "also for table) or nt (N-Triples).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), default=None,
              help=f"Folder of the embedded store.  [default: {DEFAULT_STORE}]")
@click.option("--endpoint", metavar="URL",
              help="Query a SPARQL endpoint instead (Oxigraph: http://HOST:7878/query).")
@_remote_options
@click.option("--list", "list_", is_flag=True, help="List the bundled queries and exit.")
def query(query_arg, params, fmt, store_dir, endpoint, user, password, timeout, retries, list_):
    """Run a SPARQL QUERY on the store: SPARQL text, a .rq file, or a bundled query's name.

    SELECT prints a table (or --format csv, tsv, json), ASK prints true or false,
    CONSTRUCT and DESCRIBE print Turtle (or --format nt, N-Triples). In the embedded
    store the default graph is the union of all named graphs, so queries need no GRAPH
    clauses.
    """
    if list_:
        queries = bundled()
        width = max(len(q.name) + sum(len(p) + 3 for p in q.params) for q in queries.values())
        for q in queries.values():
            usage = q.name + "".join(f" {p}=" for p in q.params)
            click.echo(f"{usage:<{width}}  {q.description}")
        return
    if not query_arg:
        raise click.UsageError("give a QUERY (SPARQL text, a .rq file or a bundled name; kg query --list)")
    if store_dir and endpoint:
        raise click.UsageError("give --store or --endpoint, not both")
    try:
        check_format(query_form(resolve_query(query_arg)[0]), fmt)
    except QueryError as err:
        raise click.UsageError(str(err)) from None
    target = (_client(endpoint, None, user, password, timeout, retries, notify=_notifier()) if endpoint
              else EmbeddedStore(store_dir or DEFAULT_STORE))
    try:
        results = run_query(query_arg, target, params)
        out = format_results(results, fmt)
    except QueryError as err:
        click.echo(f"kg: error: {err}", err=True)
        sys.exit(EXIT_FAILED)
    finally:
        if isinstance(target, EmbeddedStore):
            target.close()
    click.get_binary_stream("stdout").write(out)
