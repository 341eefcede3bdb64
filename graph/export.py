"""Write a corpus's graph to files, each replaced atomically.

Every file is written to a temporary file in the output folder and renamed into
place only when complete: an interrupted or failed run leaves the previous
export intact.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from . import formats
from .corpus import Corpus, read_corpus
from .problems import Report
from .read import DEFAULT_MAX_FILE_SIZE
from .terms import DEFAULT_BASE

TMP_PREFIX = ".kg-tmp-"
STDOUT = "-"  # the output that means standard output


@dataclass
class ExportResult:
    corpus: Corpus
    written: list[Path | str] = field(default_factory=list)  # "<stdout>" for standard output
    triples: int = 0
    seconds: float = 0.0


def export(
    inputs: Iterable = ("seeds",),
    formats_: Iterable[str] = ("ttl",),
    output: str | os.PathLike = "exports",
    base: str = DEFAULT_BASE,
    report: Report | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    jobs: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> ExportResult:
    """Read the inputs and write one file per format into ``output``.

    ``formats_``: names or aliases, ``all`` for every format. ``output`` ``-``
    writes the one format chosen to standard output. ``options`` go to the
    writers (``compact_json=True``: JSON-LD on one line).
    """
    started = time.perf_counter()
    chosen = formats.select([formats_] if isinstance(formats_, str) else formats_)
    to_stdout = str(output) == STDOUT
    if to_stdout and len(chosen) != 1:
        raise ValueError(f"output '{STDOUT}' (standard output) takes one format, not {len(chosen)}")
    options = dict(options or {})
    corpus = read_corpus(inputs, base, report, max_file_size, jobs)
    quads = list(corpus.quads())
    result = ExportResult(corpus, triples=len({q.triple for q in quads}))
    if to_stdout:
        stream = sys.stdout.buffer
        chosen[0].write(quads, stream, **options)
        stream.flush()
        result.written.append("<stdout>")
    else:
        out_dir = Path(output)
        out_dir.mkdir(parents=True, exist_ok=True)
        for fmt in chosen:
            target = out_dir / fmt.filename
            with atomic_writer(target) as out:
                fmt.write(quads, out, **options)
            result.written.append(target)
    result.seconds = time.perf_counter() - started
    return result


class atomic_writer:
    """Context manager: a binary file that replaces ``target`` only on success."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self._file: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        fd, self._tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".part", dir=self.target.parent)
        self._file = os.fdopen(fd, "wb")
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
