"""``kg export --network NAME``: networks written as GraphML or CSV tables.

One read of the corpus builds every network asked for; the files are replaced
together and atomically, as ``kg export`` replaces its RDF files.
"""
from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..commands.export import (
    STDOUT,
    OutputError,
    atomic_writer,
    problems_of,
    remove_stale_temp_files,
    stop_reason,
)
from ..pipeline.corpus import Corpus
from ..problems import Report
from ..progress import Progress
from . import check_names, each_once, networks_of
from .source import open_corpus
from .tables import write_edges, write_nodes

GRAPHML, CSV = "graphml", "csv"
TABLE_FORMATS = (GRAPHML, CSV)


def _graphml(g, out: BinaryIO) -> None:
    from ..formats.graphml import write_graph

    write_graph(g, out)


# format -> [(file name for network NAME, writer)]
FILES: dict[str, list[tuple[Callable[[str], str], Callable]]] = {
    GRAPHML: [(lambda name: f"{name}.graphml", _graphml)],
    CSV: [(lambda name: f"{name}.csv", write_edges), (lambda name: f"{name}-nodes.csv", write_nodes)],
}


class NetworkFormatError(ValueError):
    """A format that networks are not written in."""


def check_formats(names: Iterable[str]) -> list[str]:
    """The formats given, each once, in order; NetworkFormatError for one networks are not written in."""
    return each_once(names, TABLE_FORMATS, lambda name: NetworkFormatError(
        f"networks are written as {' or '.join(TABLE_FORMATS)}, not '{name}'"))


@dataclass
class NetworkExportResult:
    corpus: Corpus
    networks: dict[str, Any] = field(default_factory=dict)  # name -> networkx graph
    written: list[Path | str] = field(default_factory=list)
    seconds: float = 0.0
    report: Report | None = None
    stopped: str | None = None

    @property
    def problems(self) -> int:
        return problems_of(self.corpus, self.report)


def export_networks(
    inputs: Iterable = ("seeds",),
    networks: Sequence[str] = ("full",),
    formats_: Sequence[str] = (GRAPHML,),
    output: str | os.PathLike = "exports",
    *,
    strict: bool = False,
    report: Report | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> NetworkExportResult:
    """Write each network in each format into ``output``: ``NAME.graphml``, and for
    ``csv`` the edge list ``NAME.csv`` and the node table ``NAME-nodes.csv``.

    ``output`` ``-`` writes one network as GraphML to standard output. Nothing is
    written (``result.stopped`` says why) when no article could be read, or when
    ``strict`` and the run found any problem. Raises OutputError when the files
    cannot be written, NetworkError or NetworkFormatError for a name it does not know.
    ``settings`` are graph.options.Options (base, max_file_size, jobs, explain, site_url).
    """
    started = time.perf_counter()
    names, chosen = check_names(networks), check_formats(formats_)
    to_stdout = str(output) == STDOUT
    if to_stdout and (len(names) != 1 or chosen != [GRAPHML]):
        raise ValueError(f"output '{STDOUT}' (standard output) takes one network as graphml")
    report = report if report is not None else Report()
    corpus = open_corpus(inputs, report=report, progress=progress, **settings)
    result = NetworkExportResult(corpus, report=report, stopped=stop_reason(corpus, report, strict))
    if result.stopped:
        result.seconds = time.perf_counter() - started
        return result
    result.networks = networks_of(corpus, names)
    if to_stdout:
        _graphml(result.networks[names[0]], sys.stdout.buffer)
        sys.stdout.buffer.flush()
        result.written.append("<stdout>")
        result.seconds = time.perf_counter() - started
        return result
    out_dir = Path(output)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create the output folder {out_dir}: {err.strerror or err}") from None
    remove_stale_temp_files(out_dir)
    jobs_ = [(out_dir / filename(name), writer, result.networks[name])
             for name in names for fmt in chosen for filename, writer in FILES[fmt]]
    pending = [atomic_writer(path, defer=True) for path, _, _ in jobs_]
    try:
        with contextlib.ExitStack() as stack:
            for writer, (_, write, g) in zip(pending, jobs_, strict=True):
                write(g, stack.enter_context(writer))
        for writer in pending:  # all complete: put them in place together
            writer.commit()
            result.written.append(writer.target)
    except OSError as err:
        kept = ("the previous files are unchanged" if not result.written else
                f"only {', '.join(Path(p).name for p in result.written)} could be replaced")
        where = getattr(err, "target", None) or out_dir
        raise OutputError(f"cannot write {where}: {err.strerror or err}; {kept}") from None
    finally:
        for writer in pending:
            writer.discard()
    result.seconds = time.perf_counter() - started
    return result
