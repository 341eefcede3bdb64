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
from .identity.iris import corpus_graph_iri
from .options import DEFAULT_MAX_FILE_SIZE, Options, OptionsError
from .pipeline.spool import SpoolError
from .problems import Report, printable
from .progress import Progress
from .store import open_store
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
from .store.remote import DEFAULT_RETRIES, DEFAULT_TIMEOUT, WRITERS
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


def _format_choice(values, network: bool) -> list[str]:
    """Export formats by name: RDF formats and graphml, or for --network graphml and csv."""
    from .network.export import NetworkFormatError, check_formats

    try:
        if network:
            return check_formats(values or ("graphml",))
        return [fmt.name for fmt in formats.select(values or ("ttl",))]
    except NetworkFormatError as err:
        raise click.BadParameter(str(err), param_hint="'-f' / '--format'") from None
    except KeyError as err:
        hint = "; csv is for --network" if any(v.lower() == "csv" for v in values) else ""
        raise click.BadParameter(err.args[0] + hint, param_hint="'-f' / '--format'") from None


def _network_names(values) -> list[str]:
    from .network import NetworkError, check_names

    try:
        return check_names(values)
    except NetworkError as err:
        raise click.BadParameter(str(err), param_hint="--network") from None


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
_site_option = click.option("--site-url", metavar="URL", default=None,
                            help="The site's URL (with its base path), for site-relative URLs such as "
                                 "/assets/logo.jpg; a Jekyll site's _config.yml (url + baseurl) gives it otherwise.")
# The options every command that reads a corpus shares (graph.options.Options).
corpus_options = _options(_base_option, _size_option, _jobs_option, _site_option)


def _checked(**settings) -> Options:
    """The corpus options, checked by the library; a bad one is a usage error (exit 2)."""
    try:
        return Options(**settings)
    except OptionsError as err:
        raise click.BadParameter(err.problem, param_hint=f"--{err.option.replace('_', '-')}") from None


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("-f", "--format", "format_", multiple=True, metavar="FORMAT",
              help=f"Output format, repeatable: {', '.join(formats.known())}, or all (default: ttl). "
                   "With --network: graphml (the default) or csv.")
@click.option("--network", "networks", multiple=True, metavar="NAME",
              help="Write a network instead of the RDF graph, repeatable: full (the network view), "
                   "providers (who links to whom), topics (which occur together), or rdf (the "
                   "RDF-faithful projection); as NAME.graphml, or NAME.csv and NAME-nodes.csv.")
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
@click.option("-v", "--verbose", is_flag=True,
              help="Also list the files that hold no item (README.md, ...) and the repeated items of a JSON API.")
@_stops("export files are replaced only when complete, so none was left half-written")
def export(inputs, format_, networks, output, compact_json, base, max_file_size, jobs, site_url, explain_merges,
           validate_, strict, quiet, verbose):
    """Export the items in INPUTS (files or folders, default: seeds/) as a knowledge graph.

    Folders are searched recursively for .md, .markdown and .txt files with
    front matter (YAML between '---' lines; Hugo's TOML between '+++' lines or
    JSON), site data records (.yaml) and the JSON API of a site (.json, .jsonl).
    A Jekyll site's folder is read as the site: its collections, _data records
    and URL. Problems with the data are reported on stderr as
    PATH:LINE: LEVEL: MESSAGE; bad files are skipped and the rest is exported.
    """
    _checked(base=base, max_file_size=max_file_size, jobs=jobs, site_url=site_url)
    format_ = _format_choice(format_, bool(networks))
    if networks:
        _export_networks(inputs, _network_names(networks), format_, output, quiet,
                         dict(base=base, max_file_size=max_file_size, jobs=jobs, site_url=site_url),
                         explain=explain_merges, strict=strict, compact_json=compact_json, validate_=validate_)
        return
    to_stdout = output == STDOUT
    if to_stdout and len(format_) != 1:
        raise click.UsageError(f"--output {STDOUT} writes one format to standard output; "
                               f"{len(format_)} were chosen ({', '.join(format_)})")
    report, progress = _reporting(quiet)
    try:
        result = export_corpus(inputs or ("seeds",), format_, output, base=base, max_file_size=max_file_size,
                               jobs=jobs, explain=explain_merges, validate=validate_, strict=strict,
                               compact_json=compact_json, report=report, progress=progress, site_url=site_url)
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
    if verbose:
        _report_passed(corpus)
    if explain_merges:
        for line in corpus.explain_merges():
            click.echo(printable(line), err=to_stdout)  # stdout holds the graph
    if result.validation is not None:
        _print_validation(result.validation)
    warnings = report.warnings + len(corpus.unmapped)
    if not quiet:
        click.echo(
            f"kg: {_describe(corpus.counts())}, {count(result.triples, 'triple')}; "
            f"{count(report.errors, 'error')}, {count(warnings, 'warning')}; {result.seconds:.2f} s -> "
            f"{', '.join(map(str, result.written)) or 'nothing written'}",
            err=True,
        )
    if result.stopped:
        click.echo(f"kg: error: {result.stopped}", err=True)
        sys.exit(EXIT_FAILED)


def _export_networks(inputs, networks, format_, output, quiet, settings, *, explain, strict, compact_json,
                     validate_) -> None:
    from .network.export import GRAPHML, export_networks

    if compact_json or validate_:
        raise click.UsageError(f"{'--compact-json' if compact_json else '--validate'} is for the RDF formats, "
                               "not --network")
    if output == STDOUT and (len(networks) != 1 or format_ != [GRAPHML]):
        raise click.UsageError(f"--output {STDOUT} writes one network as graphml to standard output")
    report, progress = _reporting(quiet)
    try:
        result = export_networks(inputs or ("seeds",), networks, format_, output, explain=explain, strict=strict,
                                 report=report, progress=progress, **settings)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_BROKEN_PIPE)
    except (OutputError, OSError) as err:
        click.echo(f"kg: error: {printable(str(err))}", err=True)
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        click.echo("kg: interrupted; files are replaced only when complete, so none was left half-written", err=True)
        sys.exit(EXIT_INTERRUPTED)
    corpus = result.corpus
    _report_unmapped(corpus)
    if explain:
        for line in corpus.explain_merges():
            click.echo(printable(line), err=output == STDOUT)
    if not quiet:
        sizes = ", ".join(f"{name} {g.number_of_nodes():,} nodes and {g.number_of_edges():,} edges"
                          for name, g in result.networks.items())
        click.echo(f"kg: {_describe(corpus.counts())}; {sizes or 'no network'}; {count(report.errors, 'error')}, "
                   f"{count(report.warnings + len(corpus.unmapped), 'warning')}; {result.seconds:.2f} s -> "
                   f"{', '.join(map(str, result.written)) or 'nothing written'}", err=True)
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


def _report_passed(corpus) -> None:
    """What -v lists: the files that hold no item, and why; the repeated items of a JSON API."""
    for path, why in corpus.passed:
        click.echo(printable(f"kg: not an item: {path} ({why})"), err=True)
    for where, which in corpus.repeated:
        click.echo(printable(f"kg: repeated item: {where} is {which}, read once"), err=True)


# kg stats's rows, as a reader says them (the JSON keys stay what they are)
STATS_LABELS = {"exported": "files with an item", "skipped": "files skipped", "not_items": "files not items",
                "with_file": "  with a file", "without_file": "  only linked", "records": "site records",
                "repeated_items": "repeated items"}


def count(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the word for that many, with thousands separated: "1 file", "2,324 files"."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _describe(c: dict) -> str:
    merges = ", ".join(count(n, kind) for kind, n in c["merges"].items()) or "none"
    more = [count(c["not_items"], "not an item", "not items") if c["not_items"] else "",
            count(c["records"], "site record") if c["records"] else "",
            count(c["repeated_items"], "repeated item") if c["repeated_items"] else ""]
    skipped = ", ".join([f"{c['skipped']:,} skipped", *filter(None, more)])
    return (f"{count(c['files'], 'file')} read ({skipped}), {count(c['articles'], 'article')} "
            f"({c['with_file']:,} with a file, {c['without_file']:,} only linked), "
            f"{count(c['providers'], 'provider')}, {count(c['topics'], 'topic')}, {count(c['images'], 'image')}, "
            f"merges: {merges}")


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@corpus_options
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--explain-merges", is_flag=True, help="Also list which inputs were merged into which node.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also list the files that hold no item and the repeated items of a JSON API.")
@click.option("--network", "network", is_flag=True,
              help="Statistics of the network view instead: nodes and edges by kind, connected components, "
                   "the most linked articles and providers, the densest topic pairs.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1),
              help="With --network: rows in each ranking.")
@_stops()
def stats(inputs, base, max_file_size, jobs, site_url, as_json, explain_merges, verbose, network, top):
    """Count what the graph of INPUTS (default: seeds/) would hold, without writing exports.

    Articles (with their own file, and only linked as related), providers,
    topics, images, and merges by kind.
    """
    import json

    _checked(base=base, max_file_size=max_file_size, jobs=jobs, site_url=site_url)
    report = Report(stream=sys.stderr)
    try:
        result = corpus_stats(inputs or ("seeds",), base=base, max_file_size=max_file_size, jobs=jobs,
                              explain=explain_merges, report=report, site_url=site_url)
    except OSError as err:
        _failed(err)
    _report_unmapped(result.corpus)
    if verbose:
        _report_passed(result.corpus)
    counts = result.counts
    if network:
        _network_stats(result.corpus, as_json, top)
    elif as_json:
        click.echo(json.dumps(counts, indent=2, sort_keys=True))
    else:
        labels = {key: STATS_LABELS.get(key, key.replace("_", " ")) for key in counts}
        width = max(map(len, labels.values()))
        for key, value in counts.items():
            shown = (", ".join(count(n, kind) for kind, n in value.items()) or "none") if key == "merges" \
                else f"{value:,}"
            click.echo(f"{labels[key]:<{width}}  {shown}")
    for line in result.merges:
        click.echo(printable(line))
    if not counts["exported"]:
        sys.exit(EXIT_FAILED)


def _network_stats(corpus, as_json: bool, top: int) -> None:
    import json

    from .network import FULL, networks_of
    from .network.stats import format_stats, network_stats

    result = network_stats(networks_of(corpus, [FULL])[FULL], top) if corpus.exported else None
    if as_json:
        click.echo(json.dumps(result.as_dict() if result else {}, indent=2, sort_keys=True, ensure_ascii=False))
    elif result is not None:
        for line in format_stats(result):
            click.echo(printable(line))


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=str),
              help="The picture file: .svg or .png (static), or .html (interactive, works offline).")
@click.option("--network", type=click.Choice(["providers", "topics", "full"], case_sensitive=False),
              default="providers", show_default=True, help="The network to draw.")
@corpus_options
@click.option("--max-nodes", default=2000, show_default=True, type=click.IntRange(min=1),
              help="Draw at most this many nodes: the biggest.")
@click.option("--labels", default=15, show_default=True, type=click.IntRange(min=0),
              help="Label this many of the biggest nodes (the HTML picture shows every label on hovering).")
@click.option("--seed", default=1, show_default=True, type=int, help="Seed of the layout.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
def draw(inputs, output, network, base, max_file_size, jobs, site_url, max_nodes, labels, seed, quiet):
    """Draw a network of INPUTS (default: seeds/) into a picture: OUTPUT's suffix chooses
    .svg or .png (a static picture with a legend) or .html (pan, zoom, hover for names,
    click to open a page; one file, nothing fetched).

    The layout is seeded: the same input and --seed give the same picture.
    """
    from .network.draw import DrawError, picture_format
    from .network.draw import draw as draw_network

    _checked(base=base, max_file_size=max_file_size, jobs=jobs, site_url=site_url)
    try:
        picture_format(output)
    except DrawError as err:
        raise click.BadParameter(str(err), param_hint="'-o' / '--output'") from None
    report, progress = _reporting(quiet)
    try:
        result = draw_network(inputs or ("seeds",), output, network=network, max_nodes=max_nodes, labels=labels,
                              seed=seed, report=report, progress=progress, base=base, max_file_size=max_file_size,
                              jobs=jobs, site_url=site_url)
    except (DrawError, OSError) as err:
        message = str(err) if isinstance(err, DrawError) else f"cannot write {output}: {err.strerror or err}"
        click.echo(f"kg: error: {printable(message)}", err=True)
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        click.echo("kg: interrupted; the picture is replaced only when complete", err=True)
        sys.exit(EXIT_INTERRUPTED)
    _report_unmapped(result.corpus)
    if result.stopped:
        click.echo(f"kg: error: {result.stopped}", err=True)
        sys.exit(EXIT_FAILED)
    if not quiet:
        scene = result.scene
        click.echo(f"kg: drew the {network} network, {len(scene.nodes):,} of {scene.total_nodes:,} nodes and "
                   f"{len(scene.edges):,} edges; {result.seconds:.2f} s -> {result.written}", err=True)


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=str))
@corpus_options
@click.option("--limit", default=0, show_default=True, type=click.IntRange(min=0),
              help="Show at most this many violations per shape (0: all).")
@_stops()
def validate(inputs, base, max_file_size, jobs, site_url, limit):
    """Check a graph against kg's SHACL shapes (vocab/shapes.ttl).

    INPUTS are either article files and folders (default: seeds/), mapped as
    kg export maps them, or export files (.ttl, .nt, .nq, .trig, .jsonld);
    the union of their graphs is checked. Violations are printed on stdout,
    grouped and counted by shape: focus node, path, value and message.
    Exit status: 0 conforms, 1 violations, 2 usage error or unreadable input.
    """
    from .vocabulary.validate import ValidationInputError
    from .vocabulary.validate import validate as validate_graph

    _checked(base=base, max_file_size=max_file_size, jobs=jobs, site_url=site_url)
    report = Report(stream=sys.stderr)
    try:
        result = validate_graph(inputs or ("seeds",), base=base, max_file_size=max_file_size, jobs=jobs,
                                report=report, site_url=site_url)
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


def _target(store_dir, endpoint, query_endpoint, user, password, timeout, retries, connections=WRITERS,
            notify=None):
    """The store a command works on, as graph.open_store opens it; a bad URL is a usage error."""
    try:
        return open_store(store_dir, endpoint=endpoint, query_endpoint=query_endpoint, user=user,
                          password=password, timeout=timeout, retries=retries, connections=connections,
                          notify=notify)
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
@corpus_options
@click.option("-n", "--dry-run", is_flag=True,
              help="Print what the load would add, update and remove, and write nothing.")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Parse every file, even those read the same way by this target's last load.")
@click.option("-v", "--verbose", is_flag=True, help="List every source added, updated and removed.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems: no progress, no report of changes.")
@_stops()
def load(inputs, store_dir, endpoint, query_endpoint, user, password, timeout, retries, connections, base,
         max_file_size, jobs, site_url, dry_run, no_cache, verbose, quiet):
    """Load the graph of INPUTS (default: seeds/) into a triple store and keep it in step.

    Each source file's triples go into a named graph of their own (BASE/source/PATH),
    providers and topics into BASE/corpus. Loading again syncs: graphs whose content
    changed are replaced, graphs of files that are gone are dropped, the rest is not
    touched. The store then holds exactly the graph of INPUTS (a load that would drop
    more than half of the store's triples warns first; --dry-run shows the plan and
    writes nothing). A failed load leaves the embedded store as it was; on a server,
    only the graphs reported as written were.
    """
    if store_dir and endpoint:
        raise click.UsageError("give --store or --endpoint, not both")
    if query_endpoint and not endpoint:
        raise click.UsageError("--query-endpoint goes with --endpoint")
    _checked(base=base, max_file_size=max_file_size, jobs=jobs, site_url=site_url)
    report, progress = _reporting(quiet)
    target = _target(store_dir, endpoint, query_endpoint, user, password, timeout, retries, connections,
                     _notifier(progress, quiet) if endpoint else None)
    if isinstance(target, EmbeddedStore) and not quiet:
        target.on_wait = lambda message: click.echo(f"kg: {printable(message)}", err=True)
    try:
        result = load_corpus(inputs or ("seeds",), target, base=base, max_file_size=max_file_size, jobs=jobs,
                             report=report, progress=progress, site_url=site_url, dry_run=dry_run,
                             cache=not no_cache)
    except LoadError as err:
        progress.finish()
        click.echo(f"kg: error: {printable(str(err))}", err=True)
        if err.result is not None and not quiet:
            _report_failed_load(err.result, verbose)
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
    if verbose:
        _report_passed(result.corpus)
    if not quiet or dry_run:  # a dry run's plan is what was asked for
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
        ("dry run, nothing written: " if result.dry_run else "") +
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
@_stops()
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
    target = _target(store_dir, endpoint, None, user, password, timeout, retries,
                     notify=_notifier() if endpoint else None)
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
