"""The `kg` command: a thin click layer over the Python API."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, formats
from .corpus import read_corpus
from .export import STDOUT, OutputError, atomic_writer, export as export_corpus
from .problems import Report, printable
from .progress import Progress
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
    from .validate import ValidationInputError, validate as validate_graph

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
    from .validate import format_violations

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
    from .vocabdoc import render

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
