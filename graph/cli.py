"""The `kg` command: a thin click layer over the Python API."""
from __future__ import annotations

import functools
import os
import signal
import sys
from pathlib import Path
from typing import NoReturn

import click

from . import __version__, formats
from .commands.export import STDOUT, OutputError, atomic_writer
from .commands.export import export as export_corpus
from .commands.load import LoadError
from .commands.load import load as load_corpus
from .commands.stats import stats as corpus_stats
from .options import DEFAULT_MAX_FILE_SIZE, Options, OptionsError
from .pipeline.spool import SpoolError
from .problems import Report, printable
from .progress import Progress
from .store import open_store
from .store.embedded import DEFAULT_STORE, EmbeddedStore
from .store.query import FORMATS, QueryError, bundled, format_results, run_query
from .store.remote import DEFAULT_RETRIES, DEFAULT_TIMEOUT
from .terms import DEFAULT_BASE

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_BROKEN_PIPE = 141  # what a shell reports for a command stopped by SIGPIPE
EXIT_TERMINATED = 143   # and for one stopped by SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM (kill, a service manager, a container stopping): unwound like Ctrl-C, so
    that temporary files and stores are removed and the workers stopped."""


def _terminate(signum, frame) -> NoReturn:
    raise Terminated


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="kg")
def main() -> None:
    """kg: turn a corpus of news articles (Markdown files with YAML front matter)
    into a knowledge graph: Turtle, JSON-LD, GraphML, N-Triples, N-Quads, TriG.
    """
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:  # an ignored SIGTERM stays ignored
        signal.signal(signal.SIGTERM, _terminate)


def _stops(after: str = ""):
    """A command's Ctrl-C (exit 130) and SIGTERM (exit 143): one line saying so (and
    ``after``, what became of the files), never a traceback."""
    def decorate(command):
        @functools.wraps(command)
        def run(*args, **kwargs):
            try:
                return command(*args, **kwargs)
            except KeyboardInterrupt as err:
                terminated = isinstance(err, Terminated)
                click.echo(f"kg: {'terminated' if terminated else 'interrupted'}{'; ' + after if after else ''}",
                           err=True)
                sys.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
        return run
    return decorate


def _failed(err: OSError, code: int = EXIT_FAILED) -> NoReturn:
    """A file or disk problem outside the data (a full TMPDIR, ...): one line, exit ``code``."""
    text = err.strerror if isinstance(err, SpoolError) else str(err)
    click.echo(f"kg: error: {printable(text or repr(err))}", err=True)
    sys.exit(code)


def _format_choice(ctx, param, values):
    try:
        return [fmt.name for fmt in formats.select(values)]
    except KeyError as err:
        raise click.BadParameter(err.args[0]) from None


def _options(*decorators):
    """Apply click option decorators in the order they are listed (as they show in --help)."""
    def apply(f):
        for decorator in reversed(decorators):
            f = decorator(f)
        return f
    return apply


_base_option = click.option("--base", default=DEFAULT_BASE, show_default=True,
                            help="Base IRI under which provider, topic and source-graph IRIs are minted.")
_size_option = click.option("--max-file-size", default=DEFAULT_MAX_FILE_SIZE, show_default=True,
                            type=click.IntRange(min=1), help="Files larger than this many bytes are skipped.")
_jobs_option = click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                            help="Worker processes (default: all cores; 1 for none).")
# The options every command that reads a corpus shares (graph.options.Options).
corpus_options = _options(_base_option, _size_option, _jobs_option)


def _checked(**settings) -> Options:
    """The corpus options, checked by the library; a bad one is a usage error (exit 2)."""
    try:
        return Options(**settings)
    except OptionsError as err:
        raise click.BadParameter(err.problem, param_hint=f"--{err.option.replace('_', '-')}") from None


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("-f", "--format", "format_", multiple=True, default=("ttl",), show_default=True,
              callback=_format_choice, metavar="FORMAT",
              help=f"Output format, repeatable: {', '.join(formats.known())}, or all.")
@click.option("-o", "--output", default="exports", show_default=True, type=click.Path(file_okay=False),
              help="Folder the export files are written to (graph.ttl, ...); '-' writes the one "
                   "format chosen to standard output.")
@click.option("--compact-json", is_flag=True, help="Write JSON-LD on one line instead of indented.")
@corpus_options
@click.option("--explain-merges", is_flag=True,
              help="Print which inputs were merged into which node, and why.")
@click.option("--validate", "validate_", is_flag=True,
              help="Check the graph against the SHACL shapes first; write nothing if it does not conform.")
@click.option("--strict", is_flag=True,
              help="Fail (exit 1, write nothing) on any problem: errors, warnings, unknown fields.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems: no progress, no summary.")
@_stops("export files are replaced only when complete, so none was left half-written")
def export(inputs, format_, output, compact_json, base, max_file_size, explain_merges, jobs, validate_, strict,
           quiet):
    """Export the articles in INPUTS (files or folders, default: seeds/) as a knowledge graph.

    Folders are searched recursively for .md, .markdown and .txt files that
    begin with a '---' front-matter line. Problems with the data are reported on
    stderr as PATH:LINE: LEVEL: MESSAGE; bad files are skipped and the rest is
    exported.
    """
    _checked(base=base, max_file_size=max_file_size, jobs=jobs)
    to_stdout = output == STDOUT
    if to_stdout and len(format_) != 1:
        raise click.UsageError(f"--output {STDOUT} writes one format to standard output; "
                               f"{len(format_)} were chosen ({', '.join(format_)})")
    report, progress = _reporting(quiet)
    try:
        result = export_corpus(inputs or ("seeds",), format_, output, base=base, max_file_size=max_file_size,
                               jobs=jobs, explain=explain_merges, validate=validate_, strict=strict,
                               compact_json=compact_json, report=report, progress=progress)
    except BrokenPipeError:  # `kg export -o - | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        sys.exit(EXIT_BROKEN_PIPE)
    except OSError as err:  # no traceback, previous files kept
        _failed(err)
    except (OutputError, formats.FormatError) as err:
        click.echo(f"kg: error: {printable(str(err))}", err=True)
        sys.exit(EXIT_FAILED)
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
    return (f"{c['files']} files read ({c['skipped']} skipped), {c['articles']} articles "
            f"({c['with_file']} with a file, {c['without_file']} only linked), {c['providers']} providers, "
            f"{c['topics']} topics, {c['images']} images, merges: {merges}")


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@corpus_options
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--explain-merges", is_flag=True, help="Also list which inputs were merged into which node.")
@_stops()
def stats(inputs, base, max_file_size, jobs, as_json, explain_merges):
    """Count what the graph of INPUTS (default: seeds/) would hold, without writing exports.

    Articles (with their own file, and only linked as related), providers,
    topics, images, and merges by kind.
    """
    import json

    _checked(base=base, max_file_size=max_file_size, jobs=jobs)
    report = Report(stream=sys.stderr)
    try:
        result = corpus_stats(inputs or ("seeds",), base=base, max_file_size=max_file_size, jobs=jobs,
                              explain=explain_merges, report=report)
    except OSError as err:
        _failed(err)
    _report_unmapped(result.corpus)
    counts = result.counts
    if as_json:
        click.echo(json.dumps(counts, indent=2, sort_keys=True))
    else:
        width = max(len(k) for k in counts)
        for key, value in counts.items():
            if key == "merges":
                value = ", ".join(f"{n} {kind}" for kind, n in value.items()) or "none"
            click.echo(f"{key.replace('_', ' '):<{width}}  {value}")
    for line in result.merges:
        click.echo(printable(line))
    if not counts["exported"]:
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=str))
@corpus_options
@click.option("--limit", default=0, show_default=True, type=click.IntRange(min=0),
              help="Show at most this many violations per shape (0: all).")
@_stops()
def validate(inputs, base, max_file_size, jobs, limit):
    """Check a graph against kg's SHACL shapes (vocab/shapes.ttl).

    INPUTS are either article files and folders (default: seeds/), mapped as
    kg export maps them, or export files (.ttl, .nt, .nq, .trig, .jsonld);
    the union of their graphs is checked. Violations are printed on stdout,
    grouped and counted by shape: focus node, path, value and message.
    Exit status: 0 conforms, 1 violations, 2 usage error or unreadable input.
    """
    from .vocabulary.validate import ValidationInputError
    from .vocabulary.validate import validate as validate_graph

    _checked(base=base, max_file_size=max_file_size, jobs=jobs)
    report = Report(stream=sys.stderr)
    try:
        result = validate_graph(inputs or ("seeds",), base=base, max_file_size=max_file_size, jobs=jobs,
                                report=report)
    except ValidationInputError as err:
        click.echo(f"kg: error: {printable(str(err))}", err=True)
        sys.exit(EXIT_USAGE)
    except OSError as err:  # the graph could not be checked
        _failed(err, EXIT_USAGE)
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
            current = open(output, encoding="utf-8").read()
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
        click.option("--user", envvar="KG_USER", show_envvar=True, help="User name for HTTP basic auth."),
        click.option("--password", envvar="KG_PASSWORD", show_envvar=True,
                     help="Password for HTTP basic auth (prefer the environment variable: "
                          "options show in the process list)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
                     help="Seconds to wait for the server on each request."),
        click.option("--retries", type=click.IntRange(min=0), default=DEFAULT_RETRIES, show_default=True,
                     help="Retries (with exponential backoff) on connection errors and 5xx answers."),
    ]):
        f = option(f)
    return f


def _target(store_dir, endpoint, query_endpoint, user, password, timeout, retries):
    """The store a command works on, as graph.open_store opens it; a bad URL is a usage error."""
    try:
        return open_store(store_dir, endpoint=endpoint, query_endpoint=query_endpoint, user=user,
                          password=password, timeout=timeout, retries=retries)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


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
@corpus_options
@click.option("-v", "--verbose", is_flag=True, help="List every source added, updated and removed.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems: no progress, no report of changes.")
@_stops()
def load(inputs, store_dir, endpoint, query_endpoint, user, password, timeout, retries, base,
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
    _checked(base=base, max_file_size=max_file_size, jobs=jobs)
    target = _target(store_dir, endpoint, query_endpoint, user, password, timeout, retries)
    report, progress = _reporting(quiet)
    if isinstance(target, EmbeddedStore) and not quiet:
        target.on_wait = lambda message: click.echo(f"kg: {printable(message)}", err=True)
    try:
        result = load_corpus(inputs or ("seeds",), target, base=base, max_file_size=max_file_size, jobs=jobs,
                             report=report, progress=progress)
    except LoadError as err:
        click.echo(f"kg: error: {printable(str(err))}", err=True)
        if err.result is not None and not quiet:
            _report_load(err.result, verbose, err=True)
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt as err:
        terminated = isinstance(err, Terminated)
        click.echo(f"kg: {'terminated' if terminated else 'interrupted'}; " + (
            "the store is as it was, or wholly loaded if the load was just ending: never half-written"
            if isinstance(target, EmbeddedStore) else
            "graphs not confirmed as written are rewritten by the next kg load"), err=True)
        sys.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
    finally:
        if isinstance(target, EmbeddedStore):
            target.close()
    _report_unmapped(result.corpus)
    if not quiet:
        _report_load(result, verbose)


_LISTED = 20  # changed sources listed without --verbose


def _report_load(result, verbose: bool, err: bool = False) -> None:
    """What a load changed; for a failed one (``result.error``), what it planned and what
    of that is still to do, each graph once (and, without -v, at most 20 of them)."""
    p = result.plan
    listed = 0
    if not result.error:
        for state, iris in (("added", p.added), ("updated", p.updated), ("removed", p.removed)):
            for rel in result.sources(iris):
                if verbose or listed < _LISTED:
                    click.echo(printable(f"{state:<8} {rel}"), err=err)
                listed += 1
    if listed > _LISTED and not verbose:
        click.echo(f"... and {listed - _LISTED} more (--verbose lists them all)", err=err)
    n = {state: len(result.sources(getattr(p, state))) for state in ("added", "updated", "removed", "unchanged")}
    planned = "planned: " if result.error else ""
    lines = [f"{result.target}: {planned}sources {n['added']} added, {n['updated']} updated, {n['removed']} removed, "
             f"{n['unchanged']} unchanged; corpus graph {result.corpus_graph()}; "
             f"triples {result.triples_before:,} -> {result.triples_after:,}; {result.seconds:.2f} s"]
    if result.error and (result.written or result.deleted):  # a server: part of it was done
        lines.append(f"NOT complete: {len(result.written)} of {len(p.writes)} graphs written, "
                     f"{len(result.deleted)} of {len(p.removed)} removed")
        written, deleted = set(result.written), set(result.deleted)
        todo = [f"  not written: {iri}" for iri in p.writes if iri not in written]
        todo += [f"  not removed: {iri}" for iri in p.removed if iri not in deleted]
        if len(todo) > _LISTED and not verbose:
            todo = todo[:_LISTED] + [f"  ... and {len(todo) - _LISTED} more (--verbose lists them all)"]
        lines += todo + (["the next kg load redoes them"] if todo else [])
    for line in lines:
        click.echo(printable(line), err=err)


@main.command()
@click.argument("query_arg", metavar="QUERY", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind the query variable ?NAME to VALUE (a string; <IRI> for an IRI). Repeatable.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output of SELECT and ASK. CONSTRUCT and DESCRIBE print Turtle.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), default=None,
              help=f"Folder of the embedded store.  [default: {DEFAULT_STORE}]")
@click.option("--endpoint", metavar="URL",
              help="Query a SPARQL endpoint instead (Oxigraph: http://HOST:7878/query).")
@_remote_options
@click.option("--list", "list_", is_flag=True, help="List the bundled queries and exit.")
@_stops()
def query(query_arg, params, fmt, store_dir, endpoint, user, password, timeout, retries, list_):
    """Run a SPARQL QUERY on the store: SPARQL text, a .rq file, or a bundled query's name.

    SELECT prints a table (or --format csv, tsv, json), ASK prints true or false,
    CONSTRUCT and DESCRIBE print Turtle. In the embedded store the default graph is
    the union of all named graphs, so queries need no GRAPH clauses.
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
    target = _target(store_dir, endpoint, None, user, password, timeout, retries)
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
