"""Write a corpus's graph to files, each replaced atomically.

Streaming formats (ttl, nt, nq, trig) are written piece by piece as files are
mapped; whole-graph formats get every quad at the end. Every file is written to
a temporary file in the output folder and renamed into place only when
complete: an interrupted or failed run leaves the previous export intact.
"""
from __future__ import annotations

import contextlib
import functools
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from . import formats
from .corpus import Corpus, read_corpus
from .problems import Report
from .read import DEFAULT_MAX_FILE_SIZE
from .terms import DEFAULT_BASE

if TYPE_CHECKING:
    from .validate import ValidationResult

TMP_PREFIX = ".kg-tmp-"
STDOUT = "-"  # the output that means standard output


@dataclass
class ExportResult:
    corpus: Corpus
    written: list[Path | str] = field(default_factory=list)  # "<stdout>" for standard output
    triples: int = 0
    seconds: float = 0.0
    validation: ValidationResult | None = None  # with validate=True


def export(
    inputs: Iterable = ("seeds",),
    formats_: Iterable[str] = ("ttl",),
    output: str | os.PathLike = "exports",
    base: str = DEFAULT_BASE,
    report: Report | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    jobs: int | None = None,
    explain: bool = False,
    validate: bool = False,
    options: Mapping[str, Any] | None = None,
) -> ExportResult:
    """Read the inputs and write one file per format into ``output``.

    ``formats_``: names or aliases, ``all`` for every format. ``output`` ``-``
    writes the one format chosen to standard output. ``options`` go to the
    writers (``compact_json=True``: JSON-LD on one line).

    With ``validate``, the graph is first checked against the SHACL shapes; when
    it does not conform nothing is written (``result.validation`` says why).
    """
    started = time.perf_counter()
    chosen = formats.select([formats_] if isinstance(formats_, str) else formats_)
    to_stdout = str(output) == STDOUT
    if to_stdout and len(chosen) != 1:
        raise ValueError(f"output '{STDOUT}' (standard output) takes one format, not {len(chosen)}")
    options = dict(options or {})
    corpus = read_corpus(inputs, base, report, max_file_size, jobs, explain)
    validation = None
    if validate:
        from .validate import validate_quads  # pySHACL loads slowly: only when asked

        validation = validate_quads(list(corpus.quads()))
        if not validation.conforms:
            return ExportResult(corpus, validation=validation, seconds=time.perf_counter() - started)
    if to_stdout:
        stream = sys.stdout.buffer
        triples = write_corpus(corpus, chosen, {chosen[0].name: stream}, options)
        stream.flush()
        written: list[Path | str] = ["<stdout>"]
    else:
        out_dir = Path(output)
        out_dir.mkdir(parents=True, exist_ok=True)
        targets = {fmt.name: out_dir / fmt.filename for fmt in chosen}
        with contextlib.ExitStack() as stack:
            outs = {fmt.name: stack.enter_context(atomic_writer(targets[fmt.name])) for fmt in chosen}
            triples = write_corpus(corpus, chosen, outs, options)
        written = list(targets.values())
    result = ExportResult(corpus, written, triples, validation=validation)
    result.seconds = time.perf_counter() - started
    return result


def write_corpus(corpus: Corpus, chosen: list[formats.Format], outs: dict[str, BinaryIO],
                 options: Mapping[str, Any] | None = None) -> int:
    """Write the corpus in every chosen format; return the number of triples."""
    streaming = tuple(fmt.name for fmt in chosen if fmt.streams)
    whole = [fmt for fmt in chosen if not fmt.streams]
    for name in streaming:
        outs[name].write(formats.get(name).header)
    encode = functools.partial(formats.encode_many, streaming, bool(whole))
    kept = []
    triples = 0
    for _graph, (count, pieces, quads) in corpus.files(encode):
        triples += count
        for name, data in pieces.items():
            outs[name].write(data)
        if quads is not None:
            kept.extend(quads)
    for fmt in whole:
        fmt.write(kept, outs[fmt.name], **(options or {}))
    return triples


class atomic_writer:
    """Context manager: a binary file that replaces ``target`` only on success."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self._file: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        fd, self._tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".part", dir=self.target.parent)
        self._file = os.fdopen(fd, "wb", buffering=1 << 20)
        return self._file

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._file.flush()
                os.fsync(self._file.fileno())
            self._file.close()
            if exc_type is None:
                os.replace(self._tmp, self.target)
        finally:
            if os.path.exists(self._tmp):
                os.unlink(self._tmp)
