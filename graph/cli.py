"""The `kg` command: a thin click layer over the Python API."""
from __future__ import annotations

import sys

import click

from . import __version__, formats
from .corpus import read_corpus
from .export import STDOUT
from .export import export as export_corpus
from .problems import Report, printable
from .read import DEFAULT_MAX_FILE_SIZE
from .terms import DEFAULT_BASE

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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
def export(inputs, format_, output, base, max_file_size, compact_json, explain_merges, jobs):
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
    report = Report(stream=sys.stderr)
    try:
        result = export_corpus(inputs or ("seeds",), format_, output, base, report, max_file_size, jobs,
                               options={"compact_json": compact_json})
    except OSError as err:
        click.echo(f"kg: error: cannot write the export: {printable(str(err))}", err=True)
        sys.exit(EXIT_FAILED)
    except formats.FormatError as err:
        click.echo(f"kg: error: {printable(str(err))}", err=True)
        sys.exit(EXIT_FAILED)
    corpus = result.corpus
    _report_unmapped(corpus)
    if explain_merges:
        for line in corpus.explain_merges():
            click.echo(printable(line), err=to_stdout)  # stdout holds the graph
    click.echo(
        f"kg: {_describe(corpus.counts())}, {result.triples} triples "
        f"in {result.seconds:.2f} s -> {', '.join(map(str, result.written))}",
        err=True,
    )
    if not corpus.articles:
        click.echo("kg: error: no article could be exported", err=True)
        sys.exit(EXIT_FAILED)


def _report_unmapped(corpus) -> None:
    for name, count in sorted(corpus.unmapped.items()):
        click.echo(printable(f"kg: warning: unmapped field {name} in {count} file{'s' * (count != 1)}"), err=True)


def _describe(c: dict) -> str:
    merges = ", ".join(f"{n} {kind}" for kind, n in c["merges"].items()) or "none"
    return (f"{c['files']} files read, {c['articles']} articles ({c['with_file']} with a file, "
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
    corpus = read_corpus(inputs or ("seeds",), base, report)
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
    if not corpus.articles:
        sys.exit(EXIT_FAILED)
