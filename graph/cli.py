"""The `kg` command: a thin click layer over the Python API."""
from __future__ import annotations

import sys

import click

from . import __version__, formats
from .export import OutputError
from .export import export as export_corpus
from .problems import Report, printable
from .read import DEFAULT_MAX_FILE_SIZE
from .terms import DEFAULT_BASE

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="kg")
def main() -> None:
    """kg: turn a corpus of news articles (Markdown files with YAML front matter)
    into a knowledge graph: Turtle, JSON-LD, GraphML, N-Triples, N-Quads, TriG.
    """


def _format_choice(ctx, param, values):
    try:
        return [formats.get(v).name for v in values]
    except KeyError as err:
        raise click.BadParameter(err.args[0]) from None


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
@click.option("-f", "--format", "format_", multiple=True, default=("ttl",), show_default=True,
              callback=_format_choice, metavar="FORMAT",
              help=f"Output format: {', '.join(formats.known())}.")
@click.option("-o", "--output", default="exports", show_default=True, type=click.Path(file_okay=False),
              help="Folder the export files are written to (graph.ttl, ...).")
@click.option("--base", default=DEFAULT_BASE, show_default=True,
              help="Base IRI under which provider, topic and source-graph IRIs are minted.")
@click.option("--max-file-size", default=DEFAULT_MAX_FILE_SIZE, show_default=True, type=click.IntRange(min=1),
              help="Files larger than this many bytes are skipped.")
@click.option("--strict", is_flag=True,
              help="Fail (exit 1, write nothing) on any problem: errors, warnings, unknown fields.")
def export(inputs, format_, output, base, max_file_size, strict):
    """Export the articles in INPUTS (files or folders, default: seeds/) as a knowledge graph.

    Folders are searched recursively for .md, .markdown and .txt files that
    begin with a '---' front-matter line. Problems with the data are reported on
    stderr as PATH:LINE: LEVEL: MESSAGE; bad files are skipped, bad fields
    dropped, and the rest is exported. Exit status: 0 exported (warnings
    allowed), 1 nothing exported, a problem under --strict, or the files could
    not be written, 2 usage error, 130 interrupted. Export files are replaced
    only when complete: a failed run leaves the previous ones intact.
    """
    if not base.endswith(("/", "#")):
        raise click.BadParameter("must end with '/' or '#'", param_hint="--base")
    report = Report(stream=sys.stderr)
    try:
        result = export_corpus(inputs or ("seeds",), format_, output, base, report, max_file_size, strict=strict)
    except (OutputError, OSError) as err:  # the disk refused: no traceback, previous files kept
        click.echo(f"kg: error: {printable(str(err))}", err=True)
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        click.echo("kg: interrupted; export files are replaced only when complete, "
                   "so none was left half-written", err=True)
        sys.exit(EXIT_INTERRUPTED)
    corpus = result.corpus
    for name, count in sorted(corpus.unmapped.items()):
        click.echo(f"kg: warning: unmapped field {printable(name)} in {count} file{'s' * (count != 1)}", err=True)
    c = corpus.counts()
    warnings = report.warnings + len(corpus.unmapped)
    click.echo(
        f"kg: {c['files']} files read ({c['skipped']} skipped), "
        f"{c['articles']} articles ({c['with_file']} with a file), "
        f"{c['providers']} providers, {c['topics']} topics, {c['images']} images, "
        f"{result.triples} triples; {report.errors} errors, {warnings} warnings; {result.seconds:.2f} s -> "
        f"{', '.join(map(str, result.written)) or 'nothing written'}",
        err=True,
    )
    if result.stopped:
        click.echo(f"kg: error: {result.stopped}", err=True)
        sys.exit(EXIT_FAILED)
